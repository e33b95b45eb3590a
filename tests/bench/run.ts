// `npm run bench`: runs every benchmark module in tests/bench (files named *_bench.ts that export
// `run()`), in name order, or only those named on the command line (`npm run bench -- cpu`).
// Benchmarks print their figures; nothing here asserts.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

const files = readdirSync(here).filter((f) => f.endsWith('_bench.ts')).sort();
for (const f of files) {
  const id = f.replace(/_bench\.ts$/, '');
  if (only.length && !only.includes(id)) continue;
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run?: () => Promise<void> | void };
  if (typeof mod.run !== 'function') { console.log(`${id}: no run() export, skipped`); continue; }
  await mod.run();
}
