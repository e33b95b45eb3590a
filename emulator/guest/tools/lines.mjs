// Turns `objdump --dwarf=decodedline ELF` (the kernel or a user program, on stdin) into the line
// table: one line per address where the source line starts,
//   <address, 16 hex digits> <file> <line>
// sorted by address, files relative to emulator/guest/. objdump names files
// by their base name, so the sources are given as arguments (their
// base names are unique) to recover the paths.
//   objdump --dwarf=decodedline kernel.elf | node tools/lines.mjs SOURCE... > kernel.lines
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const paths = new Map(process.argv.slice(2).map((p) => [basename(p), p]));
const rows = new Map();
for (const line of readFileSync(0, 'utf8').split('\n')) {
  const m = /^(\S+)\s+(\d+)\s+(0x[0-9a-f]+|0)\s/.exec(line);
  if (!m) continue;
  const file = paths.get(basename(m[1])) ?? m[1];
  const addr = BigInt(m[3]);
  if (!rows.has(addr)) rows.set(addr, `${file} ${m[2]}`);
}
const sorted = [...rows.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
process.stdout.write(sorted.map(([a, v]) => `${a.toString(16).padStart(16, '0')} ${v}\n`).join(''));
