import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config.ts';

// Three builds, one per process: main (Node + Electron), preload (sandboxed bridge), renderer (web).
export default defineConfig({
  main: {
    build: { outDir: 'out/main', rollupOptions: { input: { index: resolve('main/index.ts') } } },
  },
  preload: {
    build: { outDir: 'out/preload', rollupOptions: { input: { index: resolve('preload/index.ts') } } },
  },
  renderer: rendererConfig,
});
