// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP (in the order of their opcode
// rows and of ModRM.reg in group 1), TEST, INC, DEC, NEG, NOT. Flags: SDM Vol. 2 per instruction.

import { TWO32, type Cpu } from './cpu.ts';
import { FlagOp } from './flags.ts';
import type { Handler, Instr } from './instr.ts';
import { ea, getReg, getRm, maskOf, readMem, setReg, writeMem } from './operands.ts';

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
        f.record(FlagOp.Add, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      case AluOp.Adc: {
        const c = f.cf();
        t = (dLo >>> 0) + (sLo >>> 0) + c;
        hi = (dHi + sHi + (t >= TWO32 ? 1 : 0)) | 0; lo = t | 0;
        f.cin = c; f.record(FlagOp.Adc, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      }
      case AluOp.Sub: case AluOp.Cmp:
        t = (dLo >>> 0) - (sLo >>> 0);
        hi = (dHi - sHi - (t < 0 ? 1 : 0)) | 0; lo = t | 0;
        f.record(FlagOp.Sub, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      case AluOp.Sbb: {
        const c = f.cf();
        t = (dLo >>> 0) - (sLo >>> 0) - c;
        hi = (dHi - sHi - (t < 0 ? 1 : 0)) | 0; lo = t | 0;
        f.cin = c; f.record(FlagOp.Sbb, 8, dLo, dHi, sLo, sHi, lo, hi); break;
      }
      case AluOp.And: lo = dLo & sLo; hi = dHi & sHi; f.record(FlagOp.Logic, 8, 0, 0, 0, 0, lo, hi); break;
      case AluOp.Or: lo = dLo | sLo; hi = dHi | sHi; f.record(FlagOp.Logic, 8, 0, 0, 0, 0, lo, hi); break;
      default: lo = dLo ^ sLo; hi = dHi ^ sHi; f.record(FlagOp.Logic, 8, 0, 0, 0, 0, lo, hi); break;
    }
    cpu.rHi = hi;
    return lo;
  }
  const m = maskOf(size);
  switch (op) {
    case AluOp.Add: lo = (dLo + sLo) & m; f.record(FlagOp.Add, size, dLo, 0, sLo, 0, lo, 0); break;
    case AluOp.Adc: { const c = f.cf(); lo = (dLo + sLo + c) & m; f.cin = c; f.record(FlagOp.Adc, size, dLo, 0, sLo, 0, lo, 0); break; }
    case AluOp.Sub: case AluOp.Cmp: lo = (dLo - sLo) & m; f.record(FlagOp.Sub, size, dLo, 0, sLo, 0, lo, 0); break;
    case AluOp.Sbb: { const c = f.cf(); lo = (dLo - sLo - c) & m; f.cin = c; f.record(FlagOp.Sbb, size, dLo, 0, sLo, 0, lo, 0); break; }
    case AluOp.And: lo = dLo & sLo; f.record(FlagOp.Logic, size, 0, 0, 0, 0, lo, 0); break;
    case AluOp.Or: lo = dLo | sLo; f.record(FlagOp.Logic, size, 0, 0, 0, 0, lo, 0); break;
    default: lo = dLo ^ sLo; f.record(FlagOp.Logic, size, 0, 0, 0, 0, lo, 0); break;
  }
  cpu.rHi = 0;
  return lo;
}

/** op E, G: destination ModRM.rm, source ModRM.reg. */
export function aluEG(op: number, size: number): Handler {
  const write = op !== AluOp.Cmp;
  return (cpu: Cpu, i: Instr) => {
    const sLo = getReg(cpu, i.reg, size), sHi = size === 8 ? cpu.rHi : 0;
    if (i.rm >= 0) {
      const dLo = getReg(cpu, i.rm, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, op, size, dLo, dHi, sLo, sHi);
      if (write) setReg(cpu, i.rm, size, r, cpu.rHi);
    } else {
      const a = ea(cpu, i);
      const dLo = readMem(cpu, a, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, op, size, dLo, dHi, sLo, sHi);
      if (write) writeMem(cpu, a, size, r, cpu.rHi);
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
  return (cpu: Cpu, i: Instr) => {
    if (i.rm >= 0) {
      const dLo = getReg(cpu, i.rm, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, op, size, dLo, dHi, i.immLo, i.immHi);
      if (write) setReg(cpu, i.rm, size, r, cpu.rHi);
    } else {
      const a = ea(cpu, i);
      const dLo = readMem(cpu, a, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, op, size, dLo, dHi, i.immLo, i.immHi);
      if (write) writeMem(cpu, a, size, r, cpu.rHi);
    }
  };
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
    cpu.flags.op = dec ? FlagOp.Dec : FlagOp.Inc;
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
