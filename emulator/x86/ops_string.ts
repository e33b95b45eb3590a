// String instructions MOVS, CMPS, STOS, LODS, SCAS with REP/REPE/REPNE (SDM Vol. 2).
// The source segment may be overridden (FS/GS bases apply); the destination is always ES (base 0
// in 64-bit mode). A repeated instruction runs at most REP_CHUNK iterations per execution, then
// stays at the same RIP: it is resumed as the next instruction, so interrupts and the machine's
// turn boundaries fall between iterations, as they can on hardware. A fault mid-way leaves RCX,
// RSI and RDI describing the iterations done, so the instruction restarts where it stopped.

import { FLAG_DF, type Cpu } from './cpu.ts';
import type { Handler, Instr } from './instr.ts';
import { alu } from './ops_alu.ts';
import { getReg, readMem, setNum, setReg, writeMem } from './operands.ts';

const REP_CHUNK = 1024;

function regAddr(cpu: Cpu, r: number, a32: boolean): number {
  return a32 ? cpu.lo[r]! >>> 0 : cpu.regNum(r);
}

function advance(cpu: Cpu, r: number, a32: boolean, delta: number): void {
  if (a32) setReg(cpu, r, 4, (cpu.lo[r]! + delta) | 0, 0);
  else setNum(cpu, r, cpu.regNum(r) + delta);
}

function counter(cpu: Cpu, a32: boolean): number {
  return a32 ? cpu.lo[1]! >>> 0 : cpu.regNum(1);
}

function segBase(cpu: Cpu, i: Instr): number {
  return i.seg === 4 ? cpu.fsBase : i.seg === 5 ? cpu.gsBase : 0;
}

/** Builds the handler for string opcode `base` (even opcode: A4 MOVS, A6 CMPS, AA STOS, AC LODS, AE SCAS). */
export function stringOp(base: number, size: number, rep: number, a32: boolean): Handler {
  const one = (cpu: Cpu, i: Instr, step: number): void => {
    switch (base) {
      case 0xa4: { // MOVS
        const v = readMem(cpu, segBase(cpu, i) + regAddr(cpu, 6, a32), size), h = cpu.rHi;
        writeMem(cpu, regAddr(cpu, 7, a32), size, v, h);
        advance(cpu, 6, a32, step); advance(cpu, 7, a32, step);
        return;
      }
      case 0xa6: { // CMPS: compares [RSI] with [RDI]
        const a = readMem(cpu, segBase(cpu, i) + regAddr(cpu, 6, a32), size), ah = size === 8 ? cpu.rHi : 0;
        const b = readMem(cpu, regAddr(cpu, 7, a32), size), bh = size === 8 ? cpu.rHi : 0;
        alu(cpu, 7 /* AluOp.Cmp */, size, a, ah, b, bh);
        advance(cpu, 6, a32, step); advance(cpu, 7, a32, step);
        return;
      }
      case 0xaa: { // STOS
        const v = getReg(cpu, 0, size);
        writeMem(cpu, regAddr(cpu, 7, a32), size, v, cpu.rHi);
        advance(cpu, 7, a32, step);
        return;
      }
      case 0xac: { // LODS
        const v = readMem(cpu, segBase(cpu, i) + regAddr(cpu, 6, a32), size);
        setReg(cpu, 0, size, v, cpu.rHi);
        advance(cpu, 6, a32, step);
        return;
      }
      default: { // SCAS: compares the accumulator with [RDI]
        const acc = getReg(cpu, 0, size), ah = size === 8 ? cpu.rHi : 0;
        const b = readMem(cpu, regAddr(cpu, 7, a32), size), bh = size === 8 ? cpu.rHi : 0;
        alu(cpu, 7 /* AluOp.Cmp */, size, acc, ah, b, bh);
        advance(cpu, 7, a32, step);
      }
    }
  };
  const compares = base === 0xa6 || base === 0xae;
  if (rep === 0) return (cpu, i) => one(cpu, i, cpu.flags.bits & FLAG_DF ? -size : size);
  if ((base === 0xa4 || base === 0xaa) && !a32) return repMovsStos(base === 0xa4, size, one);
  return (cpu, i) => {
    const step = cpu.flags.bits & FLAG_DF ? -size : size;
    for (let n = 0; n < REP_CHUNK; n++) {
      if (counter(cpu, a32) === 0) return;
      one(cpu, i, step);
      advance(cpu, 1, a32, -1);
      if (compares) {
        const zf = cpu.flags.zf();
        if ((rep === 1 && zf === 0) || (rep === 2 && zf === 1)) return;
      }
    }
    if (counter(cpu, a32) !== 0) cpu.nextRip = cpu.rip; // resume as the next instruction
  };
}

/**
 * REP MOVS and REP STOS with 64-bit addresses (memcpy, memset, copy_to_user): the addresses and the
 * count live in locals during a chunk and are written back once, also when an access faults, so
 * RSI, RDI and RCX then describe exactly the iterations done. Registers too large to be exact as
 * numbers (not canonical addresses, RCX >= 2^52) take the general one-at-a-time path.
 */
function repMovsStos(movs: boolean, size: number, one: (cpu: Cpu, i: Instr, step: number) => void): Handler {
  return (cpu, i) => {
    const step = cpu.flags.bits & FLAG_DF ? -size : size;
    const cHi = cpu.hi[1]!, sHi = cpu.hi[6]!, dHi = cpu.hi[7]!;
    if (cHi < 0 || cHi >= 0x100000 || sHi >= 0x100000 || sHi < -0x100000 || dHi >= 0x100000 || dHi < -0x100000) {
      for (let n = 0; n < REP_CHUNK; n++) {
        if (counter(cpu, false) === 0) return;
        one(cpu, i, step);
        advance(cpu, 1, false, -1);
      }
      if (counter(cpu, false) !== 0) cpu.nextRip -= i.len;
      return;
    }
    const count = cpu.regNum(1);
    if (count === 0) return;
    const todo = count < REP_CHUNK ? count : REP_CHUNK;
    const bus = cpu.bus;
    const src0 = movs ? segBase(cpu, i) + cpu.regNum(6) : 0, dst0 = cpu.regNum(7);
    const vLo = cpu.lo[0]!, vHi = cpu.hi[0]!; // STOS: the accumulator
    let k = 0;
    try {
      let src = src0, dst = dst0;
      for (; k < todo; k++) {
        switch (size) {
          case 1: bus.write8(dst, movs ? bus.read8(src) : vLo & 0xff); break;
          case 2: bus.write16(dst, movs ? bus.read16(src) : vLo & 0xffff); break;
          case 4: bus.write32(dst, movs ? bus.read32(src) : vLo); break;
          default:
            if (movs) { const lo = bus.read64(src); bus.write64(dst, lo, bus.hi); }
            else bus.write64(dst, vLo, vHi);
        }
        src += step; dst += step;
      }
    } finally {
      if (movs) setNum(cpu, 6, src0 - segBase(cpu, i) + k * step);
      setNum(cpu, 7, dst0 + k * step);
      setNum(cpu, 1, count - k);
    }
    if (count - k !== 0) cpu.nextRip -= i.len; // resume as the next instruction
  };
}
