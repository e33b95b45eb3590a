// Builds better-sqlite3 for the installed Electron's ABI into node_modules/.electron-abi/, beside
// the Node build the tests and the CLI use (electron_sqlite.ts loads it under Electron). Run by
// `npm start` and `npm run dev`; does nothing when the build for this Electron and this
// better-sqlite3 is already there. It fetches a prebuilt addon, else Electron's headers to
// compile one (@electron/rebuild, the same one electron-builder uses), so the first start needs the
// internet.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ELECTRON_ADDON, ELECTRON_BUILD_DIR } from './electron_sqlite.ts';

const root = process.cwd();
const versionOf = (pkg: string) => (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** An addon built for Electron's ABI does not load in Node (Electron's ABI number is never Node's). */
function loadsInNode(addon: string): boolean {
  try {
    process.dlopen({ exports: {} }, addon);
    return true;
  } catch {
    return false;
  }
}

async function prepare(): Promise<void> {
  // electron's install step writes path.txt once it has the binary.
  if (!existsSync(join(root, 'node_modules', 'electron', 'path.txt'))) {
    throw new Error('the Electron binary is not installed (was ELECTRON_SKIP_BINARY_DOWNLOAD=1 set?): run `npx install-electron`, or use the app in a browser with `npm run start:web`');
  }
  const electron = versionOf('electron');
  const sqlite = versionOf('better-sqlite3');
  const dir = join(root, ...ELECTRON_BUILD_DIR);
  const addon = join(root, ...ELECTRON_ADDON);
  const stampFile = join(dir, 'built-for.json');
  const stamp = JSON.stringify({ electron, 'better-sqlite3': sqlite });
  if (existsSync(addon) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;

  console.log(`building better-sqlite3 ${sqlite} for Electron ${electron} (once) into ${relative(root, dir)}`);
  rmSync(dir, { recursive: true, force: true });
  const source = join(root, 'node_modules', 'better-sqlite3');
  const copy = join(dir, 'node_modules', 'better-sqlite3');
  mkdirSync(copy, { recursive: true });
  // The package without its Node build; @electron/rebuild makes build/ anew.
  cpSync(source, copy, { recursive: true, filter: (path) => relative(source, path).split(sep)[0] !== 'build' });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'faultline-electron-abi', private: true, dependencies: { 'better-sqlite3': sqlite } }));
  // Node's own headers (a distribution's npm sets nodedir to them) would build for Node's ABI.
  for (const key of Object.keys(process.env)) if (key.toLowerCase() === 'npm_config_nodedir') delete process.env[key];
  const { rebuild } = await import('@electron/rebuild');
  try {
    await rebuild({ buildPath: dir, electronVersion: electron, onlyModules: ['better-sqlite3'], force: true });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`better-sqlite3 could not be built for Electron ${electron} (${why}); this needs the internet once, for a prebuilt addon or for Electron's headers and a C++ compiler`);
  }
  if (!existsSync(addon)) throw new Error(`the Electron build of better-sqlite3 is not where it should be: ${addon}`);
  if (loadsInNode(addon)) throw new Error(`${addon} was built for Node's ABI, not Electron's`);
  writeFileSync(stampFile, stamp);
}

try {
  await prepare();
} catch (err) {
  console.error(`could not prepare the desktop app: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
