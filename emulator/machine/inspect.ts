// Reading the machine the way the inspectors show it: descriptor tables, the TSS, control
// registers and RFLAGS bit by bit, error codes with their bits named, and guest memory through
// the page tables. Nothing here changes the machine: no A/D bits are set, no TLB entry made,
// no fault raised.

import { PF_I, PF_P, PF_RSVD, PF_U, PF_W, type WalkResult } from './mmu.ts';
import type { VCpu } from './vcpu.ts';

export interface BitField {
  bit: number;
  name: string;
  set: boolean;
  /** What the bit means, in a few words. */
  meaning: string;
}

function bits(value: number | bigint, table: [number, string, string][]): BitField[] {
  const v = BigInt(value);
  return table.map(([bit, name, meaning]) => ({ bit, name, meaning, set: ((v >> BigInt(bit)) & 1n) === 1n }));
}

/** CR0 (SDM Vol. 3, 2.5). */
export function decodeCr0(v: number): BitField[] {
  return bits(v, [[0, 'PE', 'protected mode'], [1, 'MP', 'monitor coprocessor'], [2, 'EM', 'x87 emulation'],
    [3, 'TS', 'task switched'], [4, 'ET', 'extension type'], [5, 'NE', 'native FPU errors'],
    [16, 'WP', 'write protect: the kernel obeys read-only pages'], [18, 'AM', 'alignment mask'],
    [29, 'NW', 'not write-through'], [30, 'CD', 'cache disable'], [31, 'PG', 'paging']]);
}

/** CR4 (SDM Vol. 3, 2.5). */
export function decodeCr4(v: number): BitField[] {
  return bits(v, [[2, 'TSD', 'RDTSC privileged'], [5, 'PAE', 'physical address extension'],
    [7, 'PGE', 'global pages survive CR3 writes'], [9, 'OSFXSR', 'FXSAVE support'],
    [10, 'OSXMMEXCPT', 'SIMD exceptions'], [16, 'FSGSBASE', 'RD/WR FS/GS BASE allowed'],
    [20, 'SMEP', 'the kernel may not execute user pages'], [21, 'SMAP', 'the kernel may not touch user pages unless AC=1']]);
}

/** IA32_EFER (SDM Vol. 4, table 2-2). */
export function decodeEfer(v: number): BitField[] {
  return bits(v, [[0, 'SCE', 'SYSCALL/SYSRET enabled'], [8, 'LME', 'long mode enabled'],
    [10, 'LMA', 'long mode active'], [11, 'NXE', 'execute-disable bit honoured']]);
}

/** RFLAGS (SDM Vol. 1, 3.4.3). */
export function decodeRflags(v: number): BitField[] {
  return bits(v, [[0, 'CF', 'carry'], [2, 'PF', 'parity'], [4, 'AF', 'adjust'], [6, 'ZF', 'zero'],
    [7, 'SF', 'sign'], [8, 'TF', 'trap (single step)'], [9, 'IF', 'interrupts enabled'], [10, 'DF', 'direction'],
    [11, 'OF', 'overflow'], [14, 'NT', 'nested task'], [16, 'RF', 'resume'], [18, 'AC', 'alignment check / SMAP override'],
    [21, 'ID', 'CPUID available']]);
}

/** A #PF error code (SDM Vol. 3, 4.7). */
export function decodePageFaultError(code: number): BitField[] {
  return bits(code, [[0, 'P', code & PF_P ? 'protection violation on a present page' : 'the page was not present'],
    [1, 'W/R', code & PF_W ? 'a write' : 'a read'], [2, 'U/S', code & PF_U ? 'made in user mode' : 'made in supervisor mode'],
    [3, 'RSVD', 'a reserved bit was set in a paging entry'], [4, 'I/D', 'an instruction fetch']]);
}

/** A selector-format error code (#GP, #NP, #SS, #TS; SDM Vol. 3, 6.13). */
export function decodeSelectorError(code: number): { ext: boolean; idt: boolean; ti: boolean; index: number; text: string } {
  const ext = (code & 1) !== 0, idt = (code & 2) !== 0, ti = (code & 4) !== 0, index = code >>> 3;
  const table = idt ? 'IDT' : ti ? 'LDT' : 'GDT';
  const text = code === 0 ? 'no selector (error code 0)'
    : `${table} entry ${index}${idt ? ` (vector ${index})` : ''}${ext ? ', while delivering an earlier event (EXT)' : ''}`;
  return { ext, idt, ti, index, text };
}

/** Plain words for a #PF error code, e.g. "user-mode read of a present page: protection violation". */
export function describePageFault(code: number): string {
  const who = code & PF_U ? 'user-mode' : 'supervisor-mode';
  const what = code & PF_I ? 'instruction fetch' : code & PF_W ? 'write' : 'read';
  const why = code & PF_RSVD ? 'a reserved bit is set in a paging entry' : code & PF_P ? 'protection violation' : 'page not present';
  return `${who} ${what}: ${why}`;
}

export interface IdtEntry {
  vector: number;
  present: boolean;
  /** 0xE interrupt gate, 0xF trap gate; anything else is not a valid 64-bit gate. */
  type: number;
  dpl: number;
  ist: number;
  selector: number;
  /** Handler address as a bigint (u64). */
  handler: bigint;
  /** Why the CPU could not deliver through this entry, or null if it could. */
  problem: string | null;
}

/** Reads the IDT of a CPU through its page tables (entries beyond the limit are reported missing). */
export function readIdt(v: VCpu, count = 256): IdtEntry[] {
  const out: IdtEntry[] = [];
  for (let vector = 0; vector < count; vector++) {
    const base = { vector, present: false, type: 0, dpl: 0, ist: 0, selector: 0, handler: 0n };
    if (vector * 16 + 15 > v.idtLimit) { out.push({ ...base, problem: 'beyond the IDT limit (#GP)' }); continue; }
    const lo = readU64(v, v.idtBase + vector * 16), hi = readU64(v, v.idtBase + vector * 16 + 8);
    if (lo === null || hi === null) { out.push({ ...base, problem: 'the IDT page is not mapped' }); continue; }
    const type = Number((lo >> 40n) & 0xfn);
    const present = ((lo >> 47n) & 1n) === 1n;
    const e: IdtEntry = {
      vector, present, type, dpl: Number((lo >> 45n) & 3n), ist: Number((lo >> 32n) & 7n), selector: Number((lo >> 16n) & 0xffffn),
      handler: (lo & 0xffffn) | (((lo >> 48n) & 0xffffn) << 16n) | ((hi & 0xffffffffn) << 32n), problem: null,
    };
    if (type !== 0xe && type !== 0xf) e.problem = 'not a 64-bit interrupt or trap gate (#GP)';
    else if (!present) e.problem = 'gate not present (#NP)';
    out.push(e);
  }
  return out;
}

export interface TssView {
  base: bigint;
  limit: number;
  rsp: (bigint | null)[];
  /** IST1..IST7; 0 means no stack configured. */
  ist: (bigint | null)[];
}

/** The 64-bit TSS the CPU's TR points at (SDM Vol. 3, 7.7). */
export function readTss(v: VCpu): TssView {
  const at = (off: number) => (off + 7 <= v.trLimit ? readU64(v, v.trBase + off) : null);
  return {
    base: BigInt.asUintN(64, BigInt(v.trBase)), limit: v.trLimit,
    rsp: [at(4), at(12), at(20)],
    ist: [1, 2, 3, 4, 5, 6, 7].map((n) => at(0x24 + (n - 1) * 8)),
  };
}

/** Walks the page tables for an address without side effects (see Mmu.inspect). */
export function walk(v: VCpu, addr: number, access: 'read' | 'write' | 'fetch', user: boolean): WalkResult {
  return v.mmu.inspect(addr, access, user);
}

/** Reads guest memory at a linear address through the CPU's page tables; null where unmapped. */
export function readVirtual(v: VCpu, addr: number, length: number): (number | null)[] {
  const out: (number | null)[] = [];
  let page = NaN, phys = -1;
  for (let k = 0; k < length; k++) {
    const a = addr + k;
    const base = a - (a & 0xfff);
    if (base !== page) {
      page = base;
      const w = v.mmu.inspect(a, 'read', false);
      phys = w.phys >= 0 ? w.phys - (a & 0xfff) : -1;
    }
    out.push(phys >= 0 && v.mmu.mem.inRam(phys + (a & 0xfff), 1) ? v.mmu.mem.bytes[phys + (a & 0xfff)]! : null);
  }
  return out;
}

/** A little-endian u64 at a linear address, or null if any byte is unmapped. */
export function readU64(v: VCpu, addr: number): bigint | null {
  const b = readVirtual(v, addr, 8);
  if (b.some((x) => x === null)) return null;
  let r = 0n;
  for (let k = 7; k >= 0; k--) r = (r << 8n) | BigInt(b[k]!);
  return r;
}
