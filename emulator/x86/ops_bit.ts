// BT, BTS, BTR, BTC (register and immediate bit offsets) and BSF, BSR (SDM Vol. 2).
// BT* set CF to the selected bit; OF SF AF PF are undefined and we leave them, with ZF, unchanged.
// BSF/BSR with a zero source set ZF and leave the destination unchanged (as Intel and AMD CPUs
// do); with a non-zero source they clear ZF. CF OF SF AF PF are undefined: we leave them.
// F3 0F BC/BD (TZCNT/LZCNT) execute as BSF/BSR, as on a CPU without BMI1/LZCNT (our CPUID).

import type { Cpu } from './cpu.ts';
import type { Handler, Instr } from './instr.ts';
import { ea, getReg, getRm, readMem, setReg, writeMem } from './operands.ts';

function setCf(cpu: Cpu, cf: number): void {
  const f = cpu.flags;
  f.materialize();
  f.bits = (f.bits & ~1) | cf;
}

/** Applies op (4 BT, 5 BTS, 6 BTR, 7 BTC) to bit k of (lo, hi); returns the new low word. */
function apply(cpu: Cpu, op: number, lo: number, hi: number, k: number): number {
  const inHi = k >= 32;
  const word = inHi ? hi : lo;
  const mask = 1 << (k & 31);
  setCf(cpu, (word & mask) !== 0 ? 1 : 0);
  let w = word;
  if (op === 5) w = word | mask;
  else if (op === 6) w = word & ~mask;
  else if (op === 7) w = word ^ mask;
  if (inHi) { cpu.rHi = w; return lo; }
  cpu.rHi = hi;
  return w;
}

/**
 * BT* E, G (offset in a register) or E, imm8. With a register offset and a memory operand the
 * offset is signed and selects a bit anywhere in memory relative to the operand (SDM Vol. 2, BT).
 */
export function bitTest(size: number, imm: boolean): Handler {
  const bits = size * 8;
  return (cpu: Cpu, i: Instr) => {
    const op = i.op;
    let k: number;
    let addr = 0;
    if (imm) k = i.immLo & (bits - 1);
    else {
      const off = getReg(cpu, i.reg, size), offHi = size === 8 ? cpu.rHi : 0;
      k = off & (bits - 1);
      if (i.rm < 0) {
        // Signed offset / operand width, in operand-size units.
        let units: number;
        if (size === 8) units = Math.floor((offHi * 4294967296 + (off >>> 0)) / 64);
        else if (size === 4) units = Math.floor(off / 32);
        else units = Math.floor(((off << 16) >> 16) / 16);
        addr = units * size;
      }
    }
    if (i.rm >= 0) {
      const lo = getReg(cpu, i.rm, size), hi = size === 8 ? cpu.rHi : 0;
      const r = apply(cpu, op, lo, hi, k);
      if (op !== 4) setReg(cpu, i.rm, size, r, cpu.rHi);
    } else {
      const a = ea(cpu, i) + addr;
      const lo = readMem(cpu, a, size), hi = size === 8 ? cpu.rHi : 0;
      const r = apply(cpu, op, lo, hi, k);
      if (op !== 4) writeMem(cpu, a, size, r, cpu.rHi);
    }
  };
}

/** BSF (reverse = false) and BSR (reverse = true). */
export function bitScan(size: number, reverse: boolean): Handler {
  return (cpu, i) => {
    const lo = getRm(cpu, i, size);
    const hi = size === 8 ? cpu.rHi : 0;
    const f = cpu.flags;
    f.materialize();
    const l = size === 4 ? lo : size === 8 ? lo : lo & (size === 2 ? 0xffff : 0xff);
    if (l === 0 && hi === 0) { f.bits |= 0x40; return; }
    f.bits &= ~0x40;
    let idx: number;
    if (reverse) idx = hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(l);
    else idx = l !== 0 ? 31 - Math.clz32(l & -l) : 32 + 31 - Math.clz32(hi & -hi);
    setReg(cpu, i.reg, size, idx, 0);
  };
}
