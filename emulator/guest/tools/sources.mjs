// The source manifest: every guest source file with its text, so a session
// can show the C line of any kernel address on a machine without the repo.
//   node tools/sources.mjs FILE... > sources.json     (paths relative to emulator/guest/)
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
process.stdout.write(JSON.stringify({ root: 'emulator/guest', files }, null, 1) + '\n');
