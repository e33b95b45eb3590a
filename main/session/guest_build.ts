// The guest kernel's build outputs (emulator/guest/build/) as session inputs: the image and
// initrd byte for byte, the kernel's symbol table ("addr size name" per line) and line table ("addr
// file line"), the user programs' (user.sym, user.lines: the same with the program's name first)
// and the C sources (sources.json), so that a session file shows source on any machine.
// Where the build lies is the caller's to say: the source tree's for the CLI, browser mode and
// tests, the packaged app's own folder for the desktop app (ServicesOptions.guestBuildDir).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LineEntry, SymbolEntry } from './inputs.ts';

/** The committed build in this source tree. */
export const SOURCE_GUEST_BUILD = fileURLToPath(new URL('../../emulator/guest/build/', import.meta.url));

export interface GuestBuild {
  kernel: Uint8Array;
  initrd: Uint8Array;
  /** The kernel's symbols, then the user programs' (with `program`). */
  symbols: SymbolEntry[];
  /** The kernel's line table, then the user programs' (with `program`). */
  lines: LineEntry[];
  sources: { path: string; text: string }[];
}

/** Symbol lines "addr size name", or "program addr size name" when `programs`. */
function parseSymbols(text: string, programs: boolean): SymbolEntry[] {
  const out: SymbolEntry[] = [];
  const row = programs ? /^(\S+) ([0-9a-f]+) ([0-9a-f]+) (\S+)$/i : /^()([0-9a-f]+) ([0-9a-f]+) (\S+)$/i;
  for (const line of text.split('\n')) {
    const m = row.exec(line.trim());
    if (m) out.push({ ...(programs ? { program: m[1]! } : {}), addr: BigInt('0x' + m[2]), size: Number.parseInt(m[3]!, 16), name: m[4]! });
  }
  return out;
}

/** Line table lines "addr file line", or "program addr file line" when `programs`. */
function parseLines(text: string, programs: boolean): LineEntry[] {
  const out: LineEntry[] = [];
  const row = programs ? /^(\S+) ([0-9a-f]+) (\S+) (\d+)$/i : /^()([0-9a-f]+) (\S+) (\d+)$/i;
  for (const line of text.split('\n')) {
    const m = row.exec(line.trim());
    if (m) out.push({ ...(programs ? { program: m[1]! } : {}), addr: BigInt('0x' + m[2]), file: m[3]!, line: Number(m[4]) });
  }
  return out;
}

/** Reads the build in `dir`; symbols, lines and sources are optional, the image and initrd are not. */
export function readGuestBuild(dir = SOURCE_GUEST_BUILD): GuestBuild {
  const read = (name: string) => readFileSync(join(dir, name));
  const optional = (name: string) => (existsSync(join(dir, name)) ? read(name).toString('utf8') : null);
  const sourcesJson = optional('sources.json');
  const sources = sourcesJson ? (JSON.parse(sourcesJson) as { files: { path: string; text: string }[] }).files : [];
  return {
    kernel: new Uint8Array(read('kernel.elf')),
    initrd: new Uint8Array(read('initrd.img')),
    symbols: [...parseSymbols(optional('kernel.sym') ?? '', false), ...parseSymbols(optional('user.sym') ?? '', true)],
    lines: [...parseLines(optional('kernel.lines') ?? '', false), ...parseLines(optional('user.lines') ?? '', true)],
    sources: sources.map((f) => ({ path: f.path, text: f.text })),
  };
}
