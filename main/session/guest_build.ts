// The guest kernel's build outputs (emulator/guest/build/) as session inputs: the image and
// initrd byte for byte, the symbol table ("addr size name" per line), the line table ("addr file
// line") and the C sources (sources.json), so that a session file shows source on any machine.
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
  symbols: SymbolEntry[];
  lines: LineEntry[];
  sources: { path: string; text: string }[];
}

function parseSymbols(text: string): SymbolEntry[] {
  const out: SymbolEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (\S+)$/i.exec(line.trim());
    if (m) out.push({ addr: BigInt('0x' + m[1]), size: Number.parseInt(m[2]!, 16), name: m[3]! });
  }
  return out;
}

function parseLines(text: string): LineEntry[] {
  const out: LineEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) (\S+) (\d+)$/i.exec(line.trim());
    if (m) out.push({ addr: BigInt('0x' + m[1]), file: m[2]!, line: Number(m[3]) });
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
    symbols: parseSymbols(optional('kernel.sym') ?? ''),
    lines: parseLines(optional('kernel.lines') ?? ''),
    sources: sources.map((f) => ({ path: f.path, text: f.text })),
  };
}
