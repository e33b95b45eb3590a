// Disassembly around RIP with iced-x86 (NASM syntax). x86 cannot be decoded backwards, so the
// instructions before RIP are decoded from the start of the function that holds it (its symbol);
// without a symbol the listing starts at RIP.

import iced from 'iced-x86';
import type { DisassemblyLine } from '../../../preload/inspect_api.ts';
import { hexAddr } from '../session_view.ts';

const { Decoder, DecoderOptions, Formatter, FormatterSyntax } = iced;

const BEFORE = 6;
const AFTER = 8;
/** Bytes decoded from the function start at most: longer functions start the listing nearer RIP. */
const MAX_LEAD = 1024;
const MAX_INSTRUCTION = 15;

export interface CodeMemory {
  /** Bytes at a linear address; null where unmapped. */
  bytes(addr: bigint, length: number): (number | null)[];
  symbolize(addr: bigint): string | null;
}

/** Offset of `addr` in its symbol (from "name+0xoff"), or null. */
function offsetInSymbol(name: string | null): bigint | null {
  if (name === null) return null;
  const plus = name.lastIndexOf('+0x');
  return plus < 0 ? 0n : BigInt(name.slice(plus + 1));
}

export function disassembleAround(mem: CodeMemory, rip: bigint): Omit<DisassemblyLine, 'file' | 'line' | 'source'>[] {
  const off = offsetInSymbol(mem.symbolize(rip));
  const start = off !== null && off <= MAX_LEAD ? rip - off : rip;
  const length = Number(rip - start) + AFTER * MAX_INSTRUCTION;
  const raw = mem.bytes(start, length);
  const firstGap = raw.indexOf(null);
  const bytes = Uint8Array.from(firstGap < 0 ? raw : raw.slice(0, firstGap), (b) => b ?? 0);
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  decoder.ip = start;
  const formatter = new Formatter(FormatterSyntax.Nasm);
  const out: Omit<DisassemblyLine, 'file' | 'line' | 'source'>[] = [];
  let after = 0;
  try {
    while (decoder.canDecode && after < AFTER) {
      const instr = decoder.decode();
      const at = instr.ip;
      const target = instr.nearBranchTarget;
      const targetName = target !== 0n ? mem.symbolize(target) : null;
      out.push({
        addr: hexAddr(at), symbol: mem.symbolize(at), current: at === rip,
        bytes: Array.from(bytes.subarray(Number(at - start), Number(at - start) + instr.length), (b) => b.toString(16).padStart(2, '0')).join(' '),
        text: formatter.format(instr) + (targetName !== null ? ` <${targetName}>` : ''),
      });
      if (at >= rip) after++;
      instr.free();
    }
  } finally {
    decoder.free();
    formatter.free();
  }
  const here = out.findIndex((l) => l.current);
  return here < 0 ? out.slice(0, AFTER) : out.slice(Math.max(0, here - BEFORE));
}
