// Electronegativity (Doyensec's static checker for Electron apps) over the main process and the
// preload, failing on any high-severity finding. It is unmaintained and reads only literal
// options, so it is a lint beside window_security.test.ts, not instead of it. Its check that
// downloads Electron's release list is left out: this must run offline.
//
//   npm run lint:electron

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string };
  confidence: { name: string };
  description: string;
}
interface Report {
  issues: Issue[];
  errors: { file: string; message: string; tolerable: boolean }[];
}
type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<Report>;

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js') as Run;
const electronVersion = (require('electron/package.json') as { version: string }).version;

// Scanned together, since its global checks (navigation limits, permission handler) look for
// code anywhere in the input.
const INPUTS = ['main/index.ts', 'main/electron', 'preload'];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-electronegativity-'));
  for (const input of INPUTS) cpSync(input, join(dir, input), { recursive: true });
  let failed = false;
  try {
    const report = await run({
      input: dir, isRelative: true, electronVersionOverride: electronVersion,
      customScan: [], excludeFromScan: ['AvailableSecurityFixesGlobalCheck'], parserPlugins: [],
    }, false);
    for (const e of report.errors.filter((x) => !x.tolerable)) {
      console.error(`electronegativity could not read ${e.file}: ${e.message}`);
      failed = true;
    }
    for (const i of report.issues) {
      const high = i.severity.name === 'HIGH';
      console.log(`${high ? 'FAIL' : 'note'} ${i.id} (${i.severity.name}, ${i.confidence.name}) ${i.file}:${i.location.line}`);
      failed ||= high;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(failed ? 'electronegativity: high-severity findings (or unreadable files) above' : 'electronegativity: no high-severity findings');
  process.exitCode = failed ? 1 : 0;
}

await main();
