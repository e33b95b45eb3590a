// Writes the initrd archive (format in kernel/initrd.c):
//   "FLINITRD", u32 version = 1, u32 count,
//   per file: char name[56] NUL-padded, u64 size, data, zero padding to 8.
//   node tools/mkinitrd.mjs OUTPUT FILE...      (name = the file's base name)
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [output, ...files] = process.argv.slice(2);
const entries = files.map((f) => ({ name: basename(f), data: readFileSync(f) }));
entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const header = Buffer.alloc(16);
header.write('FLINITRD', 0, 'latin1');
header.writeUInt32LE(1, 8);
header.writeUInt32LE(entries.length, 12);
const parts = [header];
for (const e of entries) {
  if (Buffer.byteLength(e.name) >= 56) throw new Error(`initrd: name too long: ${e.name}`);
  const h = Buffer.alloc(64);
  h.write(e.name, 0, 'utf8');
  h.writeBigUInt64LE(BigInt(e.data.length), 56);
  parts.push(h, e.data, Buffer.alloc((8 - (e.data.length % 8)) % 8));
}
writeFileSync(output, Buffer.concat(parts));
