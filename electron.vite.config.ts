import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { bundleModuleUrls } from './main/electron/module_urls_plugin.ts';
import { rendererConfig } from './renderer/vite.config.ts';

// Three builds, one per process: main (Node + Electron), preload (sandboxed bridge), renderer (web).
export default defineConfig({
  main: {
    plugins: [bundleModuleUrls()],
    // Electron loads better-sqlite3's addon built for its own ABI (electron_sqlite.ts says where
    // from): imports of the package go to that module, which loads the package itself at run time.
    resolve: { alias: [{ find: /^better-sqlite3$/, replacement: resolve('main/electron/electron_sqlite.ts') }] },
    build: {
      externalizeDeps: { exclude: ['better-sqlite3'] },
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('main/index.ts'),
          // The emulator host utility process (main/electron/utility_emulator_host.ts starts it).
          emulator_host_process: resolve('main/electron/emulator_host_process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
