import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { UserConfig } from 'vite';

// The renderer build, shared by electron-vite (electron.vite.config.ts) and by browser mode
// (`npm run build:web`, plain vite). Relative asset URLs let the same output load from file://
// in Electron and from under the per-start token path in browser mode.
export const rendererConfig: UserConfig = {
  root: resolve('renderer'),
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: resolve('out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { index: resolve('renderer/index.html') } },
  },
};

export default rendererConfig;
