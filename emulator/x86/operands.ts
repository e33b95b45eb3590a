// Operand access shared by every instruction handler: effective addresses, registers of each
// width, memory of each width. 64-bit values travel as (lo, hi) with hi in cpu.rHi.

import { TWO32, type Cpu } from './cpu.ts';
import { BASE_RIP, HIGH_BYTE, type Instr } from './instr.ts';

const CANON_LIMIT = 140737488355328; // 2^47
// A register whose |hi| is below this is below 2^52 in magnitude: base + disp and index << scale
// are then exact as doubles, and their sum is exact whenever it is canonical.
const EXACT_HI = 1 << 20;

/**
 * Linear address of a memory operand (SDM Vol. 1, 3.7.5), as the signed canonical number the bus
 * takes. A non-canonical address raises #GP(0), or #SS(0) when RSP or RBP is the base
 * (SDM Vol. 3, 6.15 "Interrupt 12" / "Interrupt 13").
 */
export function ea(cpu: Cpu, i: Instr): number {
  if (i.addr32) return ea32(cpu, i);
  let a = i.disp;
  const b = i.base;
  if (b >= 0) {
    if (b === BASE_RIP) a += cpu.nextRip;
    else {
      const h = cpu.hi[b]!;
      if (h >= EXACT_HI || h < -EXACT_HI) return eaExactNum(cpu, i);
      a += h * TWO32 + (cpu.lo[b]! >>> 0);
    }
  }
  const x = i.index;
  if (x >= 0) {
    const h = cpu.hi[x]!;
    if (h >= EXACT_HI || h < -EXACT_HI) return eaExactNum(cpu, i);
    a += (h * TWO32 + (cpu.lo[x]! >>> 0)) * (1 << i.scale);
  }
  if (i.seg !== 0) a += i.seg === 4 ? cpu.fsBase : cpu.gsBase;
  if (a >= CANON_LIMIT || a < -CANON_LIMIT) {
    // The sum of exact terms may still wrap modulo 2^64 back into canonical space.
    return eaExactNum(cpu, i);
  }
  return a;
}

/** With an address-size prefix (67): the sum is taken modulo 2^32 (SDM Vol. 1, 3.7.5.1). */
function ea32(cpu: Cpu, i: Instr): number {
  let a = i.disp;
  const b = i.base;
  if (b >= 0) a += b === BASE_RIP ? cpu.nextRip | 0 : cpu.lo[b]!;
  const x = i.index;
  if (x >= 0) a += cpu.lo[x]! << i.scale;
  a = a >>> 0;
  if (i.seg !== 0) {
    a += i.seg === 4 ? cpu.fsBase : cpu.gsBase;
    if (a >= CANON_LIMIT || a < -CANON_LIMIT) return eaExactNum(cpu, i);
  }
  return a;
}

/** The effective address computed exactly modulo 2^64 into cpu.eaLo/eaHi (LEA, and the slow path). */
export function eaExact(cpu: Cpu, i: Instr, withSegment = true): number {
  let lo = i.disp | 0;
  let hi = i.disp < 0 ? -1 : 0;
  const b = i.base;
  if (b >= 0) {
    let bl: number, bh: number;
    if (b === BASE_RIP) { bl = cpu.nextRip | 0; bh = Math.floor(cpu.nextRip / TWO32) | 0; }
    else { bl = cpu.lo[b]!; bh = cpu.hi[b]!; }
    const s = (lo >>> 0) + (bl >>> 0);
    hi = (hi + bh + (s >= TWO32 ? 1 : 0)) | 0;
    lo = s | 0;
  }
  const x = i.index;
  if (x >= 0) {
    let xl = cpu.lo[x]!, xh = cpu.hi[x]!;
    for (let k = 0; k < i.scale; k++) { xh = (xh << 1) | (xl >>> 31); xl <<= 1; }
    const s = (lo >>> 0) + (xl >>> 0);
    hi = (hi + xh + (s >= TWO32 ? 1 : 0)) | 0;
    lo = s | 0;
  }
  if (i.addr32) hi = 0;
  if (i.seg !== 0 && withSegment) {
    const base = i.seg === 4 ? cpu.fsBase : cpu.gsBase;
    const bl = base | 0, bh = Math.floor(base / TWO32) | 0;
    const s = (lo >>> 0) + (bl >>> 0);
    hi = (hi + bh + (s >= TWO32 ? 1 : 0)) | 0;
    lo = s | 0;
  }
  cpu.rHi = hi;
  return lo;
}

function eaExactNum(cpu: Cpu, i: Instr): number {
  const lo = eaExact(cpu, i);
  const hi = cpu.rHi;
  const top = hi >> 15;
  if (top !== 0 && top !== -1) {
    const stack = i.base === 4 || i.base === 5;
    return cpu.fault(stack ? 12 : 13, 0);
  }
  return hi * TWO32 + (lo >>> 0);
}

// ---- registers ----

/** Reads a register of `size` bytes; for size 8 the high half is left in cpu.rHi. */
export function getReg(cpu: Cpu, r: number, size: number): number {
  switch (size) {
    case 1: return r >= HIGH_BYTE ? (cpu.lo[r - HIGH_BYTE]! >>> 8) & 0xff : cpu.lo[r]! & 0xff;
    case 2: return cpu.lo[r]! & 0xffff;
    case 4: return cpu.lo[r]!;
    default: cpu.rHi = cpu.hi[r]!; return cpu.lo[r]!;
  }
}

/** Writes a register of `size` bytes. A 32-bit write zeroes the upper half (SDM Vol. 1, 3.4.1.1). */
export function setReg(cpu: Cpu, r: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 1:
      if (r >= HIGH_BYTE) { const q = r - HIGH_BYTE; cpu.lo[q] = (cpu.lo[q]! & ~0xff00) | ((lo & 0xff) << 8); }
      else cpu.lo[r] = (cpu.lo[r]! & ~0xff) | (lo & 0xff);
      return;
    case 2: cpu.lo[r] = (cpu.lo[r]! & ~0xffff) | (lo & 0xffff); return;
    case 4: cpu.lo[r] = lo; cpu.hi[r] = 0; return;
    default: cpu.lo[r] = lo; cpu.hi[r] = hi;
  }
}

// ---- memory ----

export function readMem(cpu: Cpu, a: number, size: number): number {
  switch (size) {
    case 1: return cpu.bus.read8(a);
    case 2: return cpu.bus.read16(a);
    case 4: return cpu.bus.read32(a) | 0;
    default: { const lo = cpu.bus.read64(a); cpu.rHi = cpu.bus.hi; return lo; }
  }
}

export function writeMem(cpu: Cpu, a: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 1: cpu.bus.write8(a, lo & 0xff); return;
    case 2: cpu.bus.write16(a, lo & 0xffff); return;
    case 4: cpu.bus.write32(a, lo); return;
    default: cpu.bus.write64(a, lo, hi);
  }
}

/** Reads the ModRM.rm operand (register or memory). */
export function getRm(cpu: Cpu, i: Instr, size: number): number {
  return i.rm >= 0 ? getReg(cpu, i.rm, size) : readMem(cpu, ea(cpu, i), size);
}

/** Writes the ModRM.rm operand (register or memory). */
export function setRm(cpu: Cpu, i: Instr, size: number, lo: number, hi: number): void {
  if (i.rm >= 0) setReg(cpu, i.rm, size, lo, hi);
  else writeMem(cpu, ea(cpu, i), size, lo, hi);
}

/** Mask of an operand size's low word. */
export function maskOf(size: number): number {
  return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
}

// ---- the stack (64-bit mode: RSP, 8-byte or 2-byte pushes) ----

export function push64(cpu: Cpu, lo: number, hi: number): void {
  // RSP - 8 on the (lo, hi) halves, then the address as a number (stackAddr checks it).
  const sLo = cpu.lo[4]!;
  const nLo = (sLo - 8) | 0;
  const nHi = (sLo >>> 0) < 8 ? (cpu.hi[4]! - 1) | 0 : cpu.hi[4]!;
  cpu.bus.write64(stackAddr(cpu, nHi * TWO32 + (nLo >>> 0)), lo, hi);
  cpu.lo[4] = nLo; cpu.hi[4] = nHi;
}

export function pop64(cpu: Cpu): number {
  const sLo = cpu.lo[4]!, sHi = cpu.hi[4]!;
  const bus = cpu.bus;
  const lo = bus.read64(stackAddr(cpu, sHi * TWO32 + (sLo >>> 0)));
  cpu.rHi = bus.hi;
  const nLo = (sLo + 8) | 0;
  cpu.lo[4] = nLo;
  if ((nLo >>> 0) < 8) cpu.hi[4] = (sHi + 1) | 0;
  return lo;
}

export function push16(cpu: Cpu, v: number): void {
  const sp = cpu.regNum(4) - 2;
  cpu.bus.write16(stackAddr(cpu, sp), v & 0xffff);
  setRsp(cpu, sp);
}

export function pop16(cpu: Cpu): number {
  const sp = cpu.regNum(4);
  const v = cpu.bus.read16(stackAddr(cpu, sp));
  setRsp(cpu, sp + 2);
  return v;
}

/** A stack address must be canonical, else #SS(0) (SDM Vol. 3, 6.15 "Interrupt 12"). */
export function stackAddr(cpu: Cpu, sp: number): number {
  if (sp >= CANON_LIMIT || sp < -CANON_LIMIT) return cpu.fault(12, 0);
  return sp;
}

/** Sets RSP from a number (exact for any canonical value; wraps like hardware otherwise). */
export function setRsp(cpu: Cpu, sp: number): void {
  setNum(cpu, 4, sp);
}

/** Stores a number as a 64-bit register value (two's complement). */
export function setNum(cpu: Cpu, r: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  cpu.lo[r] = v | 0;
  cpu.hi[r] = hi | 0;
}
