// better-sqlite3 as the desktop app loads it: electron.vite.config.ts points the main build's
// imports of the package here. A native addon is built for one ABI, Node's or Electron's. Run
// from a checkout (npm start), node_modules holds Node's, which the tests and the CLI need, so
// Electron loads the addon built for it beside that (prepare_electron.ts makes it). A packaged
// app has no such folder: electron-builder rebuilt the package itself for Electron.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';

/** Where prepare_electron.ts builds better-sqlite3 for Electron, from the app's root. */
export const ELECTRON_BUILD_DIR = ['node_modules', '.electron-abi'];
/** The addon in that folder. */
export const ELECTRON_ADDON = [...ELECTRON_BUILD_DIR, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'];

// Loaded at run time, not bundled: the package finds its addon relative to its own files.
const Base = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** The addon built for Electron in the checkout this bundle was built in, if this is Electron and there is one. */
function electronAddon(): string | undefined {
  if (process.versions.electron === undefined) return undefined;
  // The app's root is the first folder above the bundle holding a package.json.
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (!existsSync(join(dir, 'package.json'))) continue;
    const addon = join(dir, ...ELECTRON_ADDON);
    return existsSync(addon) ? addon : undefined;
  }
  return undefined;
}

const addon = electronAddon();

export default class Database extends Base {
  constructor(filename?: string | Buffer, options?: BetterSqlite3.Options) {
    super(filename, addon === undefined ? options : { ...options, nativeBinding: addon });
  }
}
