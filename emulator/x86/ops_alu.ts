// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP (in the order of their opcode
// rows and of ModRM.reg in group 1), TEST, INC, DEC, NEG, NOT. Flags: SDM Vol. 2 per instruction.

import { TWO32, type Cpu } from './cpu.ts';
import { FlagOp } from './flags.ts';
import type { Handler, Instr } from './instr.ts';
import { ea, getReg, getRm, maskOf, readMem, setReg, writeMem } from './operands.ts';

// FlagOp members are written as numbers here (with the name in a comment): a const enum imported
// from another file is not inlined when each file is compiled on its own (tsx, vitest), and a
// property load on the enum object in every ALU instruction showed in the CPU benchmark.

export const enum AluOp { Add = 0, Or = 1, Adc = 2, Sbb = 3, And = 4, Sub = 5, Xor = 6, Cmp = 7 }
export const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];

/**
 * Computes `d op s` for an operand size, records the flags, and returns the low word of the
 * result (the high word, for size 8, in cpu.rHi). Values of sizes 1 and 2 arrive masked.
 */
export function alu(cpu: Cpu, op: number, size: number, dLo: number, dHi: number, sLo: number, sHi: number): number {
  const f = cpu.flags;
  let lo: number, hi = 0;
  if (size === 8) {
    let t: number;
    switch (op) {
      case AluOp.Add:
        t = (dLo >>> 0) + (sLo >>> 0);
        hi = (dHi + sHi + (t >= TWO32 ? 1 : 0)) | 0; lo = t | 0;
        f.record(1 /* FlagOp.Add */, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      case AluOp.Adc: {
        const c = f.cf();
        t = (dLo >>> 0) + (sLo >>> 0) + c;
        hi = (dHi + sHi + (t >= TWO32 ? 1 : 0)) | 0; lo = t | 0;
        f.cin = c; f.record(2 /* FlagOp.Adc */, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      }
      case AluOp.Sub: case AluOp.Cmp:
        t = (dLo >>> 0) - (sLo >>> 0);
        hi = (dHi - sHi - (t < 0 ? 1 : 0)) | 0; lo = t | 0;
        f.record(3 /* FlagOp.Sub */, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      case AluOp.Sbb: {
        const c = f.cf();
        t = (dLo >>> 0) - (sLo >>> 0) - c;
        hi = (dHi - sHi - (t < 0 ? 1 : 0)) | 0; lo = t | 0;
        f.cin = c; f.record(4 /* FlagOp.Sbb */, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      }
      case AluOp.And: lo = dLo & sLo; hi = dHi & sHi; f.record(5 /* FlagOp.Logic */, 8, 0, 0, 0, 0, lo, hi); break;
      case AluOp.Or: lo = dLo | sLo; hi = dHi | sHi; f.record(5 /* FlagOp.Logic */, 8, 0, 0, 0, 0, lo, hi); break;
      default: lo = dLo ^ sLo; hi = dHi ^ sHi; f.record(5 /* FlagOp.Logic */, 8, 0, 0, 0, 0, lo, hi); break;
    }
    cpu.rHi = hi;
    return lo;
  }
  const m = maskOf(size);
  switch (op) {
    case AluOp.Add: lo = (dLo + sLo) & m; f.record(1 /* FlagOp.Add */, size, dLo, 0, sLo, 0, lo, 0); break;
    case AluOp.Adc: { const c = f.cf(); lo = (dLo + sLo + c) & m; f.cin = c; f.record(2 /* FlagOp.Adc */, size, dLo, 0, sLo, 0, lo, 0); break; }
    case AluOp.Sub: case AluOp.Cmp: lo = (dLo - sLo) & m; f.record(3 /* FlagOp.Sub */, size, dLo, 0, sLo, 0, lo, 0); break;
    case AluOp.Sbb: { const c = f.cf(); lo = (dLo - sLo - c) & m; f.cin = c; f.record(4 /* FlagOp.Sbb */, size, dLo, 0, sLo, 0, lo, 0); break; }
    case AluOp.And: lo = dLo & sLo; f.record(5 /* FlagOp.Logic */, size, 0, 0, 0, 0, lo, 0); break;
    case AluOp.Or: lo = dLo | sLo; f.record(5 /* FlagOp.Logic */, size, 0, 0, 0, 0, lo, 0); break;
    default: lo = dLo ^ sLo; f.record(5 /* FlagOp.Logic */, size, 0, 0, 0, 0, lo, 0); break;
  }
  cpu.rHi = 0;
  return lo;
}

/** op E, G: destination ModRM.rm, source ModRM.reg. */
export function aluEG(op: number, size: number): Handler {
  const write = op !== AluOp.Cmp;
  const readsCf = op === AluOp.Adc || op === AluOp.Sbb;
  return (cpu: Cpu, i: Instr) => {
    const sLo = getReg(cpu, i.reg, size), sHi = size === 8 ? cpu.rHi : 0;
    if (i.rm >= 0) {
      const dLo = getReg(cpu, i.rm, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, op, size, dLo, dHi, sLo, sHi);
      if (write) setReg(cpu, i.rm, size, r, cpu.rHi);
    } else {
      const a = ea(cpu, i);
      const dLo = readMem(cpu, a, size), dHi = size === 8 ? cpu.rHi : 0;
      const saved = readsCf ? cpu.flags.get() : 0;
      const r = alu(cpu, op, size, dLo, dHi, sLo, sHi);
      if (write) writeOrRestore(cpu, a, size, r, cpu.rHi, readsCf, saved);
    }
  };
}

/** op G, E: destination ModRM.reg, source ModRM.rm. */
export function aluGE(op: number, size: number): Handler {
  const write = op !== AluOp.Cmp;
  return (cpu: Cpu, i: Instr) => {
    const sLo = getRm(cpu, i, size), sHi = size === 8 ? cpu.rHi : 0;
    const dLo = getReg(cpu, i.reg, size), dHi = size === 8 ? cpu.rHi : 0;
    const r = alu(cpu, op, size, dLo, dHi, sLo, sHi);
    if (write) setReg(cpu, i.reg, size, r, cpu.rHi);
  };
}

/** op E, imm (group 1 and the accumulator forms, where the decoder sets rm = RAX). */
export function aluEI(op: number, size: number): Handler {
  const write = op !== AluOp.Cmp;
  const readsCf = op === AluOp.Adc || op === AluOp.Sbb;
  return (cpu: Cpu, i: Instr) => {
    if (i.rm >= 0) {
      const dLo = getReg(cpu, i.rm, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, op, size, dLo, dHi, i.immLo, i.immHi);
      if (write) setReg(cpu, i.rm, size, r, cpu.rHi);
    } else {
      const a = ea(cpu, i);
      const dLo = readMem(cpu, a, size), dHi = size === 8 ? cpu.rHi : 0;
      const saved = readsCf ? cpu.flags.get() : 0;
      const r = alu(cpu, op, size, dLo, dHi, i.immLo, i.immHi);
      if (write) writeOrRestore(cpu, a, size, r, cpu.rHi, readsCf, saved);
    }
  };
}

/**
 * Stores a read-modify-write result. If the store faults (a read-only page) and the instruction
 * consumed CF (ADC, SBB), the flags are put back so that the restarted instruction sees them.
 */
export function writeOrRestore(cpu: Cpu, a: number, size: number, lo: number, hi: number, readsCf: boolean, saved: number): void {
  if (!readsCf) { writeMem(cpu, a, size, lo, hi); return; }
  try {
    writeMem(cpu, a, size, lo, hi);
  } catch (e) {
    cpu.flags.set(saved);
    throw e;
  }
}

/** TEST E, G and TEST E, imm: AND that only sets flags. */
export function testEG(size: number): Handler {
  return (cpu, i) => {
    const sLo = getReg(cpu, i.reg, size), sHi = size === 8 ? cpu.rHi : 0;
    const dLo = getRm(cpu, i, size), dHi = size === 8 ? cpu.rHi : 0;
    alu(cpu, AluOp.And, size, dLo, dHi, sLo, sHi);
  };
}

export function testEI(size: number): Handler {
  return (cpu, i) => {
    const dLo = getRm(cpu, i, size), dHi = size === 8 ? cpu.rHi : 0;
    alu(cpu, AluOp.And, size, dLo, dHi, i.immLo, i.immHi);
  };
}

/** Applies a read-modify-write unary operation to the rm operand. */
function unary(size: number, f: (cpu: Cpu, lo: number, hi: number) => number): Handler {
  return (cpu, i) => {
    if (i.rm >= 0) {
      const lo = getReg(cpu, i.rm, size);
      const r = f(cpu, lo, size === 8 ? cpu.rHi : 0);
      setReg(cpu, i.rm, size, r, cpu.rHi);
    } else {
      const a = ea(cpu, i);
      const lo = readMem(cpu, a, size);
      const r = f(cpu, lo, size === 8 ? cpu.rHi : 0);
      writeMem(cpu, a, size, r, cpu.rHi);
    }
  };
}

/** INC and DEC: like ADD/SUB of 1, but CF is preserved. */
export function incDec(size: number, dec: boolean): Handler {
  return unary(size, (cpu, lo, hi) => {
    const c = cpu.flags.cf();
    const r = alu(cpu, dec ? AluOp.Sub : AluOp.Add, size, lo, hi, 1, 0);
    cpu.flags.op = dec ? 7 /* FlagOp.Dec */ : 6 /* FlagOp.Inc */;
    cpu.flags.cin = c;
    return r;
  });
}

export function inc(size: number): Handler { return incDec(size, false); }
export function dec(size: number): Handler { return incDec(size, true); }

/** NEG: 0 - operand; CF = operand != 0. */
export function neg(size: number): Handler {
  return unary(size, (cpu, lo, hi) => alu(cpu, AluOp.Sub, size, 0, 0, lo, hi));
}

/** NOT: no flags. */
export function not(size: number): Handler {
  const m = maskOf(size);
  return unary(size, (cpu, lo, hi) => {
    cpu.rHi = ~hi;
    return ~lo & m;
  });
}

// ---- Specialised 32- and 64-bit handlers: the hot path of compiled code. The decoder picks them
// (see `specialise` in decoder.ts) when the operand size and the kind of ModRM.rm operand are
// known, so each is a separate function literal that V8 optimises for one size and one form.
// They record the same lazy flags as `alu`, but only the low words below 8 bytes.

/** The lazy-flags operation each ALU op records. */
const FLAG_OP: readonly FlagOp[] = [1 /* FlagOp.Add */, 5 /* FlagOp.Logic */, 2 /* FlagOp.Adc */, 4 /* FlagOp.Sbb */, 5 /* FlagOp.Logic */, 3 /* FlagOp.Sub */, 5 /* FlagOp.Logic */, 3 /* FlagOp.Sub */];

/** The result of ADD OR ADC SBB AND SUB XOR CMP on 32-bit values (int32), flags untouched. */
export function res32(cpu: Cpu, op: number, d: number, s: number): number {
  switch (op) {
    case AluOp.Add: return (d + s) | 0;
    case AluOp.Or: return d | s;
    case AluOp.Adc: return (d + s + cpu.flags.cf()) | 0;
    case AluOp.Sbb: return (d - s - cpu.flags.cf()) | 0;
    case AluOp.And: return d & s;
    case AluOp.Xor: return d ^ s;
    default: return (d - s) | 0; // SUB, CMP
  }
}

/**
 * Records the flags of a 32-bit ALU op. Memory destinations call it after the store: a store that
 * faults (a read-only page) must leave the flags as they were, because ADC and SBB read CF again
 * when the instruction restarts.
 */
export function rec32(cpu: Cpu, op: number, d: number, s: number, r: number): void {
  const f = cpu.flags;
  if (op === AluOp.Adc || op === AluOp.Sbb) f.cin = f.cf();
  f.op = FLAG_OP[op]!; f.size = 4; f.dstLo = d; f.srcLo = s; f.resLo = r;
}

/** ADD OR ADC SBB AND SUB XOR CMP on 32-bit values (int32); records the flags. */
export function alu32(cpu: Cpu, op: number, d: number, s: number): number {
  const r = res32(cpu, op, d, s);
  rec32(cpu, op, d, s, r);
  return r;
}

/** The same on 64-bit values as (lo, hi); the high word of the result goes to cpu.rHi. */
export function alu64(cpu: Cpu, op: number, dLo: number, dHi: number, sLo: number, sHi: number): number {
  const f = cpu.flags;
  let lo: number, hi: number, t: number;
  switch (op) {
    case AluOp.Add:
      t = (dLo >>> 0) + (sLo >>> 0);
      hi = (dHi + sHi + (t > 0xffffffff ? 1 : 0)) | 0; lo = t | 0; f.op = 1 /* FlagOp.Add */; break;
    case AluOp.Or: lo = dLo | sLo; hi = dHi | sHi; f.op = 5 /* FlagOp.Logic */; break;
    case AluOp.Adc: {
      const c = f.cf();
      t = (dLo >>> 0) + (sLo >>> 0) + c;
      hi = (dHi + sHi + (t > 0xffffffff ? 1 : 0)) | 0; lo = t | 0; f.cin = c; f.op = 2 /* FlagOp.Adc */; break;
    }
    case AluOp.Sbb: {
      const c = f.cf();
      t = (dLo >>> 0) - (sLo >>> 0) - c;
      hi = (dHi - sHi - (t < 0 ? 1 : 0)) | 0; lo = t | 0; f.cin = c; f.op = 4 /* FlagOp.Sbb */; break;
    }
    case AluOp.And: lo = dLo & sLo; hi = dHi & sHi; f.op = 5 /* FlagOp.Logic */; break;
    case AluOp.Xor: lo = dLo ^ sLo; hi = dHi ^ sHi; f.op = 5 /* FlagOp.Logic */; break;
    default: // SUB, CMP
      t = (dLo >>> 0) - (sLo >>> 0);
      hi = (dHi - sHi - (t < 0 ? 1 : 0)) | 0; lo = t | 0; f.op = 3 /* FlagOp.Sub */; break;
  }
  f.size = 8;
  f.dstLo = dLo; f.dstHi = dHi; f.srcLo = sLo; f.srcHi = sHi; f.resLo = lo; f.resHi = hi;
  cpu.rHi = hi;
  return lo;
}

/** op E, G with E a 32-bit register (write = false: CMP and TEST). */
export function aluEG32r(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const r = alu32(cpu, op, cpu.lo[i.rm]!, cpu.lo[i.reg]!);
    if (write) { cpu.lo[i.rm] = r; cpu.hi[i.rm] = 0; }
  };
}

export function aluEG32m(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const a = ea(cpu, i);
    const d = cpu.bus.read32(a) | 0, s = cpu.lo[i.reg]!;
    const r = res32(cpu, op, d, s);
    if (write) cpu.bus.write32(a, r);
    rec32(cpu, op, d, s, r);
  };
}

export function aluGE32r(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const r = alu32(cpu, op, cpu.lo[i.reg]!, cpu.lo[i.rm]!);
    if (write) { cpu.lo[i.reg] = r; cpu.hi[i.reg] = 0; }
  };
}

export function aluGE32m(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const r = alu32(cpu, op, cpu.lo[i.reg]!, cpu.bus.read32(ea(cpu, i)) | 0);
    if (write) { cpu.lo[i.reg] = r; cpu.hi[i.reg] = 0; }
  };
}

export function aluEI32r(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const r = alu32(cpu, op, cpu.lo[i.rm]!, i.immLo);
    if (write) { cpu.lo[i.rm] = r; cpu.hi[i.rm] = 0; }
  };
}

export function aluEI32m(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const a = ea(cpu, i);
    const d = cpu.bus.read32(a) | 0;
    const r = res32(cpu, op, d, i.immLo);
    if (write) cpu.bus.write32(a, r);
    rec32(cpu, op, d, i.immLo, r);
  };
}

export function aluEG64r(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg;
    const r = alu64(cpu, op, lo[d]!, hi[d]!, lo[s]!, hi[s]!);
    if (write) { lo[d] = r; hi[d] = cpu.rHi; }
  };
}

export function aluEG64m(op: number, write: boolean): Handler {
  const readsCf = op === AluOp.Adc || op === AluOp.Sbb;
  return (cpu, i) => {
    const a = ea(cpu, i);
    const bus = cpu.bus;
    const dLo = bus.read64(a);
    const saved = readsCf ? cpu.flags.get() : 0;
    const r = alu64(cpu, op, dLo, bus.hi, cpu.lo[i.reg]!, cpu.hi[i.reg]!);
    if (write) storeOrRestore(cpu, a, r, cpu.rHi, readsCf, saved);
  };
}

/** Stores a 64-bit ALU result; if the store faults, puts back the flags an ADC/SBB consumed. */
function storeOrRestore(cpu: Cpu, a: number, lo: number, hi: number, readsCf: boolean, saved: number): void {
  if (!readsCf) { cpu.bus.write64(a, lo, hi); return; }
  try {
    cpu.bus.write64(a, lo, hi);
  } catch (e) {
    cpu.flags.set(saved);
    throw e;
  }
}

export function aluGE64r(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const lo = cpu.lo, hi = cpu.hi, d = i.reg, s = i.rm;
    const r = alu64(cpu, op, lo[d]!, hi[d]!, lo[s]!, hi[s]!);
    if (write) { lo[d] = r; hi[d] = cpu.rHi; }
  };
}

export function aluGE64m(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const bus = cpu.bus;
    const sLo = bus.read64(ea(cpu, i));
    const d = i.reg;
    const r = alu64(cpu, op, cpu.lo[d]!, cpu.hi[d]!, sLo, bus.hi);
    if (write) { cpu.lo[d] = r; cpu.hi[d] = cpu.rHi; }
  };
}

export function aluEI64r(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const lo = cpu.lo, hi = cpu.hi, d = i.rm;
    const r = alu64(cpu, op, lo[d]!, hi[d]!, i.immLo, i.immHi);
    if (write) { lo[d] = r; hi[d] = cpu.rHi; }
  };
}

export function aluEI64m(op: number, write: boolean): Handler {
  const readsCf = op === AluOp.Adc || op === AluOp.Sbb;
  return (cpu, i) => {
    const a = ea(cpu, i);
    const bus = cpu.bus;
    const dLo = bus.read64(a);
    const saved = readsCf ? cpu.flags.get() : 0;
    const r = alu64(cpu, op, dLo, bus.hi, i.immLo, i.immHi);
    if (write) storeOrRestore(cpu, a, r, cpu.rHi, readsCf, saved);
  };
}

/** INC/DEC of a 32-bit register: CF is preserved in `cin` (SDM Vol. 2, INC/DEC). */
export function incDec32r(dec: boolean): Handler {
  return (cpu, i) => {
    const f = cpu.flags;
    const c = f.cf();
    const d = cpu.lo[i.rm]!;
    const r = dec ? (d - 1) | 0 : (d + 1) | 0;
    f.op = dec ? 7 /* FlagOp.Dec */ : 6 /* FlagOp.Inc */; f.cin = c;
    f.size = 4; f.dstLo = d; f.srcLo = 1; f.resLo = r;
    cpu.lo[i.rm] = r; cpu.hi[i.rm] = 0;
  };
}

/** 8-bit forms with a memory operand (byte compares and flags in string code). */
export function aluEG8m(op: number, write: boolean): Handler {
  const readsCf = op === AluOp.Adc || op === AluOp.Sbb;
  return (cpu, i) => {
    const a = ea(cpu, i);
    const d = cpu.bus.read8(a);
    const saved = readsCf ? cpu.flags.get() : 0;
    const r = alu(cpu, op, 1, d, 0, getReg(cpu, i.reg, 1), 0);
    if (write) writeOrRestore(cpu, a, 1, r, 0, readsCf, saved);
  };
}

export function aluGE8m(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const r = alu(cpu, op, 1, getReg(cpu, i.reg, 1), 0, cpu.bus.read8(ea(cpu, i)), 0);
    if (write) setReg(cpu, i.reg, 1, r, 0);
  };
}

export function aluEI8m(op: number, write: boolean): Handler {
  const readsCf = op === AluOp.Adc || op === AluOp.Sbb;
  return (cpu, i) => {
    const a = ea(cpu, i);
    const d = cpu.bus.read8(a);
    const saved = readsCf ? cpu.flags.get() : 0;
    const r = alu(cpu, op, 1, d, 0, i.immLo, 0);
    if (write) writeOrRestore(cpu, a, 1, r, 0, readsCf, saved);
  };
}

export function aluEG8r(op: number, write: boolean): Handler {
  return (cpu, i) => {
    const r = alu(cpu, op, 1, getReg(cpu, i.rm, 1), 0, getReg(cpu, i.reg, 1), 0);
    if (write) setReg(cpu, i.rm, 1, r, 0);
  };
}
