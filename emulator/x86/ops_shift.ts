// Shifts and rotates (group 2: ROL ROR RCL RCR SHL SHR SAL SAR) and SHLD/SHRD.
// Flags per SDM Vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD". A masked count of 0
// changes no flags. Where the SDM leaves a flag undefined, this is what we do (tests/x86 masks
// exactly these flags when comparing with the host CPU):
// - AF (every shift with a non-zero count, SHLD/SHRD): cleared.
// - OF for counts other than 1: the 1-bit formula applied to the final result: SHL/SAL
//   MSB(result) ^ CF; SHR the MSB of the original operand; SAR 0; ROL MSB(result) ^ CF; ROR the
//   XOR of the result's two top bits; RCL MSB(result) ^ CF; RCR MSB(original) ^ CF-in;
//   SHLD/SHRD whether the sign changed.
// - CF for 8/16-bit SHL/SHR counts >= the width: the last bit shifted out of the zero-extended
//   value (0 once the count passes the width).
// - SHLD/SHRD of 16-bit operands with counts 17-31 (result undefined): shifted through the 32-bit
//   concatenation dest:src as the count says.

import { type Cpu } from './cpu.ts';
import { parity } from './flags.ts';
import type { Handler } from './instr.ts';
import { writeOrRestore } from './ops_alu.ts';
import { ea, getReg, maskOf, readMem, setReg, writeMem } from './operands.ts';

export const SHIFT_NAMES = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];

/** Bit k (0-63) of a value held as (lo, hi). */
function bitOf(lo: number, hi: number, k: number): number {
  return k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1;
}

/** The sign bit of a value of `size` bytes held as (lo, hi). */
function msbOf(size: number, lo: number, hi: number): number {
  return size === 8 ? hi >>> 31 : (lo >>> (size * 8 - 1)) & 1;
}

/** Shift left by c (0-63); high word to cpu.rHi. */
export function shl64(cpu: Cpu, lo: number, hi: number, c: number): number {
  if (c === 0) { cpu.rHi = hi; return lo; }
  if (c < 32) { cpu.rHi = (hi << c) | (lo >>> (32 - c)); return lo << c; }
  cpu.rHi = lo << (c - 32); return 0;
}

export function shr64(cpu: Cpu, lo: number, hi: number, c: number): number {
  if (c === 0) { cpu.rHi = hi; return lo; }
  if (c < 32) { cpu.rHi = hi >>> c; return (lo >>> c) | (hi << (32 - c)); }
  cpu.rHi = 0; return hi >>> (c - 32);
}

export function sar64(cpu: Cpu, lo: number, hi: number, c: number): number {
  if (c === 0) { cpu.rHi = hi; return lo; }
  if (c < 32) { cpu.rHi = hi >> c; return (lo >>> c) | (hi << (32 - c)); }
  cpu.rHi = hi >> 31; return hi >> (c - 32);
}

/** Sets SF ZF PF from a result, with CF, OF (and AF cleared), eagerly. */
function setShiftFlags(cpu: Cpu, size: number, lo: number, hi: number, cf: number, of: number): void {
  const sign = size === 8 ? hi >>> 31 : (lo >>> (size * 8 - 1)) & 1;
  const zero = size === 8 ? (lo | hi) === 0 : (lo & maskOf(size)) === 0;
  cpu.flags.setArith(cf | (parity(lo) << 2) | ((zero ? 1 : 0) << 6) | (sign << 7) | (of << 11));
}

/** Sets only CF and OF (rotates leave the other flags alone). */
function setCfOf(cpu: Cpu, cf: number, of: number): void {
  const f = cpu.flags;
  f.materialize();
  f.bits = (f.bits & ~0x801) | cf | (of << 11);
}

/** Computes the shifted value; returns the low word (high in cpu.rHi) and sets the flags. */
function shiftValue(cpu: Cpu, op: number, size: number, lo: number, hi: number, count: number): number {
  const bits = size * 8;
  const m = maskOf(size);
  const c = count & (size === 8 ? 63 : 31);
  if (c === 0) { cpu.rHi = hi; return lo; }
  let rlo: number, rhi = 0, cf: number, of: number;
  switch (op) {
    case 0: case 1: { // ROL, ROR
      const r = c % bits;
      if (size === 8) {
        if (r === 0) { rlo = lo; rhi = hi; }
        else if (op === 0) { const a = shl64(cpu, lo, hi, r), ah = cpu.rHi; const b = shr64(cpu, lo, hi, 64 - r); rlo = a | b; rhi = ah | cpu.rHi; }
        else { const a = shr64(cpu, lo, hi, r), ah = cpu.rHi; const b = shl64(cpu, lo, hi, 64 - r); rlo = a | b; rhi = ah | cpu.rHi; }
      } else {
        const v = lo & m;
        rlo = r === 0 ? v : op === 0 ? ((v << r) | (v >>> (bits - r))) & m : ((v >>> r) | (v << (bits - r))) & m;
      }
      if (op === 0) { cf = rlo & 1; of = msbOf(size, rlo, rhi) ^ cf; }
      else { cf = msbOf(size, rlo, rhi); of = cf ^ (size === 8 ? (rhi >>> 30) & 1 : (rlo >>> (bits - 2)) & 1); }
      setCfOf(cpu, cf, of);
      cpu.rHi = rhi;
      return size === 4 ? rlo | 0 : rlo;
    }
    case 2: case 3: { // RCL, RCR: rotate through CF, one bit at a time (rare instructions)
      const r = size === 8 ? c : c % (bits + 1);
      let carry = cpu.flags.cf();
      rlo = lo; rhi = size === 8 ? hi : 0;
      const oldMsb = msbOf(size, lo, hi);
      const oldCf = carry;
      for (let k = 0; k < r; k++) {
        if (op === 2) {
          const out = msbOf(size, rlo, rhi);
          if (size === 8) { rhi = (rhi << 1) | (rlo >>> 31); rlo = (rlo << 1) | carry; }
          else rlo = ((rlo << 1) | carry) & m;
          carry = out;
        } else {
          const out = rlo & 1;
          if (size === 8) { rlo = (rlo >>> 1) | (rhi << 31); rhi = (rhi >>> 1) | (carry << 31); }
          else rlo = ((rlo & m) >>> 1) | (carry << (bits - 1));
          carry = out;
        }
      }
      cf = carry;
      of = op === 2 ? msbOf(size, rlo, rhi) ^ cf : oldMsb ^ oldCf;
      if (r === 0) { cf = oldCf; }
      setCfOf(cpu, cf, of);
      cpu.rHi = rhi;
      return size === 4 ? rlo | 0 : size === 8 ? rlo : rlo & m;
    }
    case 4: case 6: // SHL/SAL
      if (size === 8) { rlo = shl64(cpu, lo, hi, c); rhi = cpu.rHi; cf = bitOf(lo, hi, 64 - c); }
      else { rlo = c < 32 ? (lo << c) & m : 0; cf = c <= bits ? (lo >>> (bits - c)) & 1 : 0; }
      of = msbOf(size, rlo, rhi) ^ cf;
      break;
    case 5: // SHR
      if (size === 8) { rlo = shr64(cpu, lo, hi, c); rhi = cpu.rHi; cf = bitOf(lo, hi, c - 1); }
      else { const v = lo & m; rlo = v >>> c; cf = (v >>> (c - 1)) & 1; }
      of = msbOf(size, lo, hi);
      break;
    default: // SAR
      if (size === 8) { rlo = sar64(cpu, lo, hi, c); rhi = cpu.rHi; cf = c === 64 ? hi >>> 31 : bitOf(lo, hi, c - 1) ; }
      else {
        const v = (lo << (32 - bits)) >> (32 - bits);
        rlo = (v >> Math.min(c, 31)) & m;
        cf = (v >> Math.min(c - 1, 31)) & 1;
      }
      of = 0;
  }
  if (size === 4) rlo |= 0;
  setShiftFlags(cpu, size, rlo, rhi, cf, of);
  cpu.rHi = rhi;
  return rlo;
}

/** Group 2 handler: immLo holds the count, or -1 for CL. */
export function shift(op: number, size: number): Handler {
  return (cpu, i) => {
    const count = (i.immLo < 0 ? cpu.lo[1]! : i.immLo) & 0xff;
    if (i.rm >= 0) {
      const lo = getReg(cpu, i.rm, size), hi = size === 8 ? cpu.rHi : 0;
      const r = shiftValue(cpu, op, size, lo, hi, count);
      setReg(cpu, i.rm, size, r, cpu.rHi);
    } else {
      const a = ea(cpu, i);
      const lo = readMem(cpu, a, size), hi = size === 8 ? cpu.rHi : 0;
      // RCL/RCR consume CF: if the store faults, the restarted instruction must see it again.
      const saved = op === 2 || op === 3 ? cpu.flags.get() : 0;
      const r = shiftValue(cpu, op, size, lo, hi, count);
      writeOrRestore(cpu, a, size, r, cpu.rHi, op === 2 || op === 3, saved);
    }
  };
}

/**
 * SHLD/SHRD E, G, count: shift E, filling from G. A count above the operand width (16-bit
 * operands only) is undefined; we shift through the concatenation as the count says.
 */
export function shiftDouble(size: number, left: boolean): Handler {
  const bits = size * 8;
  return (cpu, i) => {
    const count = (i.immLo < 0 ? cpu.lo[1]! : i.immLo) & (size === 8 ? 63 : 31);
    const a = i.rm >= 0 ? 0 : ea(cpu, i);
    const dLo = i.rm >= 0 ? getReg(cpu, i.rm, size) : readMem(cpu, a, size);
    const dHi = size === 8 ? cpu.rHi : 0;
    if (count === 0) {
      // No flags change, but a 32-bit register destination is still written: its upper half is
      // zeroed (SDM Vol. 1, 3.4.1.1; observed on AMD and Intel hardware by tests/x86).
      if (size === 4 && i.rm >= 0) cpu.hi[i.rm] = 0;
      return;
    }
    const sLo = getReg(cpu, i.reg, size), sHi = size === 8 ? cpu.rHi : 0;
    let rlo: number, rhi = 0, cf: number;
    if (size === 8) {
      if (left) {
        const x = shl64(cpu, dLo, dHi, count), xh = cpu.rHi;
        const y = shr64(cpu, sLo, sHi, 64 - count), yh = cpu.rHi;
        rlo = x | y; rhi = xh | yh; cf = bitOf(dLo, dHi, 64 - count);
      } else {
        const x = shr64(cpu, dLo, dHi, count), xh = cpu.rHi;
        const y = shl64(cpu, sLo, sHi, 64 - count), yh = cpu.rHi;
        rlo = x | y; rhi = xh | yh; cf = bitOf(dLo, dHi, count - 1);
      }
    } else {
      // Work on the 2*bits-wide concatenation with BigInt-free arithmetic: bits <= 32.
      const m = maskOf(size);
      const d = dLo & m, s = sLo & m;
      if (left) {
        const c = count;
        const hiPart = c < bits ? (d << c) | (c === 0 ? 0 : s >>> (bits - c)) : c === bits ? s : (s << (c - bits)) | (d >>> (2 * bits - c));
        rlo = hiPart & m;
        cf = c <= bits ? (d >>> (bits - c)) & 1 : (s >>> (2 * bits - c)) & 1;
      } else {
        const c = count;
        const loPart = c < bits ? (d >>> c) | (s << (bits - c)) : c === bits ? s : (s >>> (c - bits)) | (d << (2 * bits - c));
        rlo = loPart & m;
        cf = c <= bits ? (d >>> (c - 1)) & 1 : (s >>> (c - bits - 1)) & 1;
      }
      if (size === 4) rlo |= 0;
    }
    const of = msbOf(size, rlo, rhi) ^ msbOf(size, dLo, dHi);
    setShiftFlags(cpu, size, rlo, rhi, cf, of);
    if (i.rm >= 0) setReg(cpu, i.rm, size, rlo, rhi);
    else writeMem(cpu, a, size, rlo, rhi);
  };
}

/**
 * SHL/SAL, SHR, SAR of a 32-bit register by imm8 or CL (op 4-7), specialised for the decoder's
 * `specialise`. Same flag choices as `shiftValue`; a masked count of 0 changes no flags but still
 * writes the register, zeroing bits 63:32.
 */
export function shift32r(op: number): Handler {
  return (cpu, i) => {
    const c = (i.immLo < 0 ? cpu.lo[1]! : i.immLo) & 31;
    const v = cpu.lo[i.rm]!;
    cpu.hi[i.rm] = 0;
    if (c === 0) return;
    let r: number, cf: number, of: number;
    if (op === 5) { r = (v >>> c) | 0; cf = (v >>> (c - 1)) & 1; of = v >>> 31; }
    else if (op === 7) { r = v >> c; cf = (v >> (c - 1)) & 1; of = 0; }
    else { r = v << c; cf = (v >>> (32 - c)) & 1; of = (r >>> 31) ^ cf; }
    cpu.flags.setArith(cf | (parity(r) << 2) | ((r === 0 ? 1 : 0) << 6) | ((r >>> 31) << 7) | (of << 11));
    cpu.lo[i.rm] = r;
  };
}
