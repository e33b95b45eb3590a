// Checks the electron-vite build in out/ (run by `npm run check:electron` after the build): every
// module the main process loads by URL (workers, machine builders, the emulator host utility
// process) exists as built JavaScript next to the code that names it, better-sqlite3 is loaded
// only through electron_sqlite.ts, and the preload is a CommonJS script needing nothing but
// Electron, as the sandbox requires.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const OUT = resolve('out');
const problems: string[] = [];

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);
}

for (const entry of ['main/index.js', 'main/emulator_host_process.js', 'preload/index.cjs', 'renderer/index.html']) {
  if (!existsSync(join(OUT, entry))) problems.push(`missing out/${entry}`);
}

for (const file of jsFiles(join(OUT, 'main'))) {
  for (const m of readFileSync(file, 'utf8').matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)) {
    const target = m[1]!;
    // Folders (the guest build) are data, not modules.
    if (target.endsWith('/')) continue;
    // start_worker.ts keeps a path for running from TypeScript sources; the build never takes it.
    if (target === './worker_bootstrap.mjs') continue;
    if (target.endsWith('.ts')) problems.push(`${file}: still loads TypeScript by URL: ${target}`);
    else if (!existsSync(join(dirname(file), target))) problems.push(`${file}: loads ${target}, which was not built`);
  }
}

// better-sqlite3 only through electron_sqlite.ts, which picks the addon built for Electron.
for (const file of jsFiles(join(OUT, 'main'))) {
  if (/\bfrom "better-sqlite3"|import\("better-sqlite3"\)/.test(readFileSync(file, 'utf8'))) {
    problems.push(`${file}: imports better-sqlite3 itself rather than through main/electron/electron_sqlite.ts`);
  }
}

const preload = readFileSync(join(OUT, 'preload/index.cjs'), 'utf8');
if (/^\s*(import|export)\s/m.test(preload)) problems.push('out/preload/index.cjs is an ES module; a sandboxed preload must be CommonJS');
const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
if (required.some((r) => r !== 'electron')) problems.push(`the preload requires ${required.join(', ')}; a sandboxed preload has only electron`);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log('built app: every module loaded by URL is built; the preload is sandbox-ready');
