// Data movement: MOV (all forms), MOVZX/MOVSX/MOVSXD, LEA, XCHG, CMPXCHG, XADD, CBW/CWDE/CDQE,
// CWD/CDQ/CQO, CMOVcc, SETcc, BSWAP, PUSH/POP, LEAVE, ENTER, LAHF/SAHF, flag bit instructions.

import { FLAG_DF, type Cpu } from './cpu.ts';
import { BASE_RIP, type Handler, type Instr } from './instr.ts';
import { alu } from './ops_alu.ts';
import {
  ea, eaExact, getReg, getRm, pop16, pop64, push16, push64, readMem, setReg, setRm, writeMem,
} from './operands.ts';

/** MOV E, G */
export function movEG(size: number): Handler {
  return (cpu, i) => {
    const lo = getReg(cpu, i.reg, size);
    setRm(cpu, i, size, lo, cpu.rHi);
  };
}

/** MOV G, E */
export function movGE(size: number): Handler {
  return (cpu, i) => {
    const lo = getRm(cpu, i, size);
    setReg(cpu, i.reg, size, lo, cpu.rHi);
  };
}

/** MOV E, imm (C6/C7) and MOV reg, imm (B0-BF, where the decoder sets rm). */
export function movEI(size: number): Handler {
  return (cpu, i) => setRm(cpu, i, size, i.immLo, i.immHi);
}

/** MOV AL/AX/EAX/RAX, moffs (A0/A1): the decoder puts the absolute address in disp. */
export function movAccMoffs(size: number, load: boolean): Handler {
  return (cpu, i) => {
    const a = ea(cpu, i);
    if (load) setReg(cpu, 0, size, readMem(cpu, a, size), cpu.rHi);
    else writeMem(cpu, a, size, getReg(cpu, 0, size), cpu.rHi);
  };
}

/** MOVZX G, E (source 1 or 2 bytes). */
export function movzx(size: number, srcSize: number): Handler {
  return (cpu, i) => setReg(cpu, i.reg, size, getRm(cpu, i, srcSize), 0);
}

/** MOVSX G, E and MOVSXD (source 1, 2 or 4 bytes, sign-extended). */
export function movsx(size: number, srcSize: number): Handler {
  const shift = 32 - srcSize * 8;
  return (cpu, i) => {
    const v = (getRm(cpu, i, srcSize) << shift) >> shift;
    setReg(cpu, i.reg, size, size === 2 ? v & 0xffff : v, v < 0 ? -1 : 0);
  };
}

/**
 * LEA G, M: the address arithmetic, exact modulo 2^64, truncated to the operand size. It is the
 * offset only: a segment override (FS, GS) adds no base (SDM Vol. 2, LEA).
 */
export function lea(size: number): Handler {
  return (cpu, i) => {
    const lo = eaExact(cpu, i, false);
    setReg(cpu, i.reg, size, lo, cpu.rHi);
  };
}

/** XCHG E, G (and XCHG rAX, r where the decoder sets rm). With memory it is always locked. */
export function xchg(size: number): Handler {
  return (cpu, i) => {
    const rLo = getReg(cpu, i.reg, size), rHi = cpu.rHi;
    if (i.rm >= 0) {
      const mLo = getReg(cpu, i.rm, size), mHi = cpu.rHi;
      setReg(cpu, i.rm, size, rLo, rHi);
      setReg(cpu, i.reg, size, mLo, mHi);
    } else {
      const a = ea(cpu, i);
      const mLo = readMem(cpu, a, size), mHi = cpu.rHi;
      writeMem(cpu, a, size, rLo, rHi);
      setReg(cpu, i.reg, size, mLo, mHi);
    }
  };
}

/**
 * CMPXCHG E, G: compare the accumulator with E; equal -> E = G, else accumulator = E.
 * The destination is written in both cases when it is memory (SDM Vol. 2, CMPXCHG).
 */
export function cmpxchg(size: number): Handler {
  return (cpu, i) => {
    const a = i.rm >= 0 ? 0 : ea(cpu, i);
    const dLo = i.rm >= 0 ? getReg(cpu, i.rm, size) : readMem(cpu, a, size);
    const dHi = size === 8 ? cpu.rHi : 0;
    const accLo = getReg(cpu, 0, size), accHi = size === 8 ? cpu.rHi : 0;
    alu(cpu, 7 /* AluOp.Cmp */, size, accLo, accHi, dLo, dHi);
    if (cpu.flags.zf()) {
      const sLo = getReg(cpu, i.reg, size), sHi = cpu.rHi;
      if (i.rm >= 0) setReg(cpu, i.rm, size, sLo, sHi);
      else writeMem(cpu, a, size, sLo, sHi);
    } else {
      if (i.rm < 0) writeMem(cpu, a, size, dLo, dHi);
      setReg(cpu, 0, size, dLo, dHi);
    }
  };
}

/** XADD E, G: temp = E + G; G = E; E = temp. */
export function xadd(size: number): Handler {
  return (cpu, i) => {
    const sLo = getReg(cpu, i.reg, size), sHi = size === 8 ? cpu.rHi : 0;
    if (i.rm >= 0) {
      const dLo = getReg(cpu, i.rm, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, 0 /* AluOp.Add */, size, dLo, dHi, sLo, sHi), rh = cpu.rHi;
      setReg(cpu, i.reg, size, dLo, dHi);
      setReg(cpu, i.rm, size, r, rh);
    } else {
      const a = ea(cpu, i);
      const dLo = readMem(cpu, a, size), dHi = size === 8 ? cpu.rHi : 0;
      const r = alu(cpu, 0 /* AluOp.Add */, size, dLo, dHi, sLo, sHi), rh = cpu.rHi;
      writeMem(cpu, a, size, r, rh);
      setReg(cpu, i.reg, size, dLo, dHi);
    }
  };
}

/** CBW / CWDE / CDQE: sign-extend the lower half of the accumulator into the whole. */
export function cbw(size: number): Handler {
  return (cpu) => {
    const lo = cpu.lo[0]!;
    if (size === 2) setReg(cpu, 0, 2, (lo << 24) >> 24, 0);
    else if (size === 4) setReg(cpu, 0, 4, (lo << 16) >> 16, 0);
    else { cpu.hi[0] = lo >> 31; }
  };
}

/** CWD / CDQ / CQO: sign of the accumulator into rDX. */
export function cwd(size: number): Handler {
  return (cpu) => {
    if (size === 2) setReg(cpu, 2, 2, (cpu.lo[0]! << 16) >> 31, 0);
    else if (size === 4) setReg(cpu, 2, 4, cpu.lo[0]! >> 31, 0);
    else { const s = cpu.hi[0]! >> 31; cpu.lo[2] = s; cpu.hi[2] = s; }
  };
}

/** CMOVcc G, E. The source is read (and may fault) whatever the condition; a 32-bit CMOV
 * zero-extends the destination even when the condition is false (SDM Vol. 2, CMOVcc). */
export function cmov(size: number): Handler {
  return (cpu, i) => {
    const lo = getRm(cpu, i, size), hi = cpu.rHi;
    if (cpu.flags.test(i.op)) setReg(cpu, i.reg, size, lo, hi);
    else if (size === 4) cpu.hi[i.reg] = 0;
  };
}

/** SETcc E (byte). */
export const setcc: Handler = (cpu, i) => setRm(cpu, i, 1, cpu.flags.test(i.op) ? 1 : 0, 0);

/** BSWAP r32/r64 (a 16-bit BSWAP is undefined; we clear the low word as Intel CPUs do). */
export function bswap(size: number): Handler {
  return (cpu, i) => {
    const r = i.reg;
    if (size === 8) {
      const lo = swap32(cpu.lo[r]!), hi = swap32(cpu.hi[r]!);
      cpu.lo[r] = hi; cpu.hi[r] = lo;
    } else if (size === 4) setReg(cpu, r, 4, swap32(cpu.lo[r]!), 0);
    else setReg(cpu, r, 2, 0, 0);
  };
}

function swap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

// ---- stack ----

/** PUSH r (50+r) and PUSH E (FF /6): 8 bytes, or 2 with an operand-size prefix. */
export function pushE(size: number): Handler {
  return (cpu, i) => {
    const lo = i.rm >= 0 ? getReg(cpu, i.rm, size) : readMem(cpu, ea(cpu, i), size);
    if (size === 8) push64(cpu, lo, cpu.rHi);
    else push16(cpu, lo);
  };
}

/** PUSH imm (68, 6A): sign-extended to the operand size. */
export function pushI(size: number): Handler {
  return (cpu, i) => {
    if (size === 8) push64(cpu, i.immLo, i.immHi);
    else push16(cpu, i.immLo);
  };
}

/** POP r (58+r) and POP E (8F /0). A memory destination addressed through RSP uses the
 * incremented RSP (SDM Vol. 2, POP). */
export function popE(size: number): Handler {
  return (cpu, i) => {
    const rsp0 = cpu.lo[4]!, rsp1 = cpu.hi[4]!;
    const lo = size === 8 ? pop64(cpu) : pop16(cpu);
    const hi = cpu.rHi;
    if (i.rm >= 0) setReg(cpu, i.rm, size, lo, hi);
    else {
      try {
        writeMem(cpu, ea(cpu, i), size, lo, hi);
      } catch (e) {
        cpu.lo[4] = rsp0; cpu.hi[4] = rsp1; // the instruction faults as a whole
        throw e;
      }
    }
  };
}

/** LEAVE: RSP = RBP; pop RBP. */
export function leave(size: number): Handler {
  return (cpu) => {
    const sLo = cpu.lo[4]!, sHi = cpu.hi[4]!;
    cpu.lo[4] = cpu.lo[5]!; cpu.hi[4] = cpu.hi[5]!;
    try {
      if (size === 8) { const lo = pop64(cpu); cpu.lo[5] = lo; cpu.hi[5] = cpu.rHi; }
      else setReg(cpu, 5, 2, pop16(cpu), 0);
    } catch (e) {
      cpu.lo[4] = sLo; cpu.hi[4] = sHi;
      throw e;
    }
  };
}

/** ENTER imm16, imm8 (nesting level 0 and 1 are what compilers could emit; all levels handled). */
export function enter(size: number): Handler {
  return (cpu, i) => {
    const level = i.imm2 & 31;
    const saveLo = cpu.lo[4]!, saveHi = cpu.hi[4]!, rbpLo = cpu.lo[5]!, rbpHi = cpu.hi[5]!;
    try {
      if (size === 8) push64(cpu, cpu.lo[5]!, cpu.hi[5]!); else push16(cpu, cpu.lo[5]!);
      const frameLo = cpu.lo[4]!, frameHi = cpu.hi[4]!;
      let bp = cpu.regNum(5);
      for (let n = 1; n < level; n++) {
        bp -= size;
        const v = readMem(cpu, bp, size);
        if (size === 8) push64(cpu, v, cpu.rHi); else push16(cpu, v);
      }
      if (level > 0) { if (size === 8) push64(cpu, frameLo, frameHi); else push16(cpu, frameLo); }
      cpu.lo[5] = frameLo; cpu.hi[5] = frameHi;
      const sp = cpu.regNum(4) - (i.immLo & 0xffff);
      // The new stack top must be writable: probe it like the hardware's final check.
      cpu.bus.write8(sp, cpu.bus.read8(sp));
      cpu.lo[4] = sp | 0; cpu.hi[4] = Math.floor(sp / 4294967296) | 0;
    } catch (e) {
      cpu.lo[4] = saveLo; cpu.hi[4] = saveHi; cpu.lo[5] = rbpLo; cpu.hi[5] = rbpHi;
      throw e;
    }
  };
}

// ---- flags ----

export const clc: Handler = (cpu) => { cpu.flags.materialize(); cpu.flags.bits &= ~1; };
export const stc: Handler = (cpu) => { cpu.flags.materialize(); cpu.flags.bits |= 1; };
export const cmc: Handler = (cpu) => { cpu.flags.materialize(); cpu.flags.bits ^= 1; };
export const cld: Handler = (cpu) => { cpu.flags.bits &= ~FLAG_DF; };
export const std: Handler = (cpu) => { cpu.flags.bits |= FLAG_DF; };

/** LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. */
export const lahf: Handler = (cpu) => {
  const f = cpu.flags.get() & 0xd5;
  setReg(cpu, 16 + 0, 1, f | 2, 0);
};

/** SAHF: SF ZF AF PF CF from AH. */
export const sahf: Handler = (cpu) => {
  cpu.flags.materialize();
  const ah = (cpu.lo[0]! >>> 8) & 0xd5;
  cpu.flags.bits = (cpu.flags.bits & ~0xd5) | ah;
  cpu.flags.op = 0 /* FlagOp.None */;
};

/** NOP, PAUSE, the hint NOPs (0F 18-1F), ENDBR64, fences on a single in-order core. */
export const nop: Handler = () => {};

/**
 * CMPXCHG8B / CMPXCHG16B m: compare rDX:rAX with the memory operand; equal -> store rCX:rBX and
 * set ZF, else load it into rDX:rAX and clear ZF. The 16-byte form needs 16-byte alignment.
 */
export function cmpxchgWide(wide: boolean): Handler {
  return (cpu: Cpu, i: Instr) => {
    const a = ea(cpu, i);
    const f = cpu.flags;
    if (!wide) {
      const lo = cpu.bus.read32(a) | 0, hi = cpu.bus.read32(a + 4) | 0;
      const equal = lo === cpu.lo[0] && hi === cpu.lo[2];
      f.materialize();
      if (equal) { cpu.bus.write64(a, cpu.lo[3]!, cpu.lo[1]!); f.bits |= 0x40; }
      else { cpu.bus.write64(a, lo, hi); setReg(cpu, 0, 4, lo, 0); setReg(cpu, 2, 4, hi, 0); f.bits &= ~0x40; }
      return;
    }
    if ((a & 15) !== 0) cpu.gp0();
    const l0 = cpu.bus.read64(a), h0 = cpu.bus.hi, l1 = cpu.bus.read64(a + 8), h1 = cpu.bus.hi;
    const equal = l0 === cpu.lo[0] && h0 === cpu.hi[0] && l1 === cpu.lo[2] && h1 === cpu.hi[2];
    f.materialize();
    if (equal) {
      cpu.bus.write64(a, cpu.lo[3]!, cpu.hi[3]!); cpu.bus.write64(a + 8, cpu.lo[1]!, cpu.hi[1]!);
      f.bits |= 0x40;
    } else {
      cpu.bus.write64(a, l0, h0); cpu.bus.write64(a + 8, l1, h1);
      cpu.lo[0] = l0; cpu.hi[0] = h0; cpu.lo[2] = l1; cpu.hi[2] = h1;
      f.bits &= ~0x40;
    }
  };
}

// ---- Specialised MOV/MOVZX/MOVSX handlers for one size and one ModRM.rm kind (the decoder's
// `specialise` picks them). A 32-bit register write zeroes bits 63:32 (SDM Vol. 1, 3.4.1.1). ----

export const movGE32r: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.lo[i.rm]!; cpu.hi[i.reg] = 0; };
export const movGE32m: Handler = (cpu, i) => { const v = cpu.bus.read32(ea(cpu, i)) | 0; cpu.lo[i.reg] = v; cpu.hi[i.reg] = 0; };
export const movGE64r: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.lo[i.rm]!; cpu.hi[i.reg] = cpu.hi[i.rm]!; };
export const movGE64m: Handler = (cpu, i) => {
  const bus = cpu.bus;
  const lo = bus.read64(ea(cpu, i));
  cpu.lo[i.reg] = lo; cpu.hi[i.reg] = bus.hi;
};
export const movEG32m: Handler = (cpu, i) => cpu.bus.write32(ea(cpu, i), cpu.lo[i.reg]!);
export const movEG64m: Handler = (cpu, i) => cpu.bus.write64(ea(cpu, i), cpu.lo[i.reg]!, cpu.hi[i.reg]!);
export const movEI32r: Handler = (cpu, i) => { cpu.lo[i.rm] = i.immLo; cpu.hi[i.rm] = 0; };
export const movEI64r: Handler = (cpu, i) => { cpu.lo[i.rm] = i.immLo; cpu.hi[i.rm] = i.immHi; };
export const movEI32m: Handler = (cpu, i) => cpu.bus.write32(ea(cpu, i), i.immLo);
export const movEI64m: Handler = (cpu, i) => cpu.bus.write64(ea(cpu, i), i.immLo, i.immHi);
export const movEG8m: Handler = (cpu, i) => cpu.bus.write8(ea(cpu, i), getReg(cpu, i.reg, 1));
export const movGE8m: Handler = (cpu, i) => setReg(cpu, i.reg, 1, cpu.bus.read8(ea(cpu, i)), 0);

/** MOVZX to a 32- or 64-bit register (both zero bits 63:32). */
export const movzx8r: Handler = (cpu, i) => { cpu.lo[i.reg] = getReg(cpu, i.rm, 1); cpu.hi[i.reg] = 0; };
export const movzx8m: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.bus.read8(ea(cpu, i)); cpu.hi[i.reg] = 0; };
export const movzx16r: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.lo[i.rm]! & 0xffff; cpu.hi[i.reg] = 0; };
export const movzx16m: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.bus.read16(ea(cpu, i)) & 0xffff; cpu.hi[i.reg] = 0; };

/** MOVSX/MOVSXD to a 64-bit register from memory and from a register. */
export const movsx8to64m: Handler = (cpu, i) => { const v = (cpu.bus.read8(ea(cpu, i)) << 24) >> 24; cpu.lo[i.reg] = v; cpu.hi[i.reg] = v >> 31; };
export const movsx32to64r: Handler = (cpu, i) => { const v = cpu.lo[i.rm]!; cpu.lo[i.reg] = v; cpu.hi[i.reg] = v >> 31; };
export const movsx32to64m: Handler = (cpu, i) => { const v = cpu.bus.read32(ea(cpu, i)) | 0; cpu.lo[i.reg] = v; cpu.hi[i.reg] = v >> 31; };

/** LEA to a 32-bit register: only the low 32 bits of the address matter. */
export const lea32: Handler = (cpu, i) => {
  let a = i.disp | 0;
  const b = i.base;
  if (b >= 0) a += b === BASE_RIP ? cpu.nextRip | 0 : cpu.lo[b]!;
  if (i.index >= 0) a += cpu.lo[i.index]! << i.scale;
  cpu.lo[i.reg] = a | 0; cpu.hi[i.reg] = 0;
};

/** LEA to a 64-bit register without RIP, segment or address-size prefix: 32-bit halves with carries. */
export const lea64: Handler = (cpu, i) => {
  const d = i.disp | 0;
  let lo = d, hi = d >> 31;
  const b = i.base;
  if (b >= 0) {
    const s = (lo >>> 0) + (cpu.lo[b]! >>> 0);
    hi = (hi + cpu.hi[b]! + (s > 0xffffffff ? 1 : 0)) | 0; lo = s | 0;
  }
  const x = i.index;
  if (x >= 0) {
    const sc = i.scale;
    const xl = cpu.lo[x]!, xh = sc === 0 ? cpu.hi[x]! : (cpu.hi[x]! << sc) | (xl >>> (32 - sc));
    const s = (lo >>> 0) + ((xl << sc) >>> 0);
    hi = (hi + xh + (s > 0xffffffff ? 1 : 0)) | 0; lo = s | 0;
  }
  cpu.lo[i.reg] = lo; cpu.hi[i.reg] = hi;
};

/** PUSH r64 / POP r64. */
export const pushR64: Handler = (cpu, i) => push64(cpu, cpu.lo[i.rm]!, cpu.hi[i.rm]!);
export const popR64: Handler = (cpu, i) => { const lo = pop64(cpu); cpu.lo[i.rm] = lo; cpu.hi[i.rm] = cpu.rHi; };
export const movEG32r: Handler = (cpu, i) => { cpu.lo[i.rm] = cpu.lo[i.reg]!; cpu.hi[i.rm] = 0; };
export const movEG64r: Handler = (cpu, i) => { cpu.lo[i.rm] = cpu.lo[i.reg]!; cpu.hi[i.rm] = cpu.hi[i.reg]!; };
