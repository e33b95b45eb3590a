// Near control transfer: Jcc, JMP, CALL, RET, LOOP/LOOPE/LOOPNE, JrCXZ. In 64-bit mode near
// branches always use 64-bit operands (Intel ignores the 66 prefix here; SDM Vol. 2, JMP/CALL).
// A non-canonical target raises #GP(0) on the branch itself, with RIP still at the branch.

import { canonicalNum, type Cpu } from './cpu.ts';
import type { Handler, Instr } from './instr.ts';
import { getRm, pop64, push64, setReg } from './operands.ts';

function target(cpu: Cpu, t: number): number {
  if (t >= 140737488355328 || t < -140737488355328) return cpu.gp0();
  return t;
}

/** Jcc rel8/rel32: the decoder puts the condition in op and the displacement in immLo. */
export const jcc: Handler = (cpu, i) => {
  if (cpu.flags.test(i.op)) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo);
};

export const jmpRel: Handler = (cpu, i) => {
  cpu.nextRip = target(cpu, cpu.nextRip + i.immLo);
};

export const callRel: Handler = (cpu, i) => {
  const t = target(cpu, cpu.nextRip + i.immLo);
  pushRip(cpu, cpu.nextRip);
  cpu.nextRip = t;
};

/** JMP E (FF /4). */
export const jmpE: Handler = (cpu, i) => {
  const lo = getRm(cpu, i, 8);
  const t = canonicalNum(lo, cpu.rHi);
  if (t !== t) cpu.gp0();
  cpu.nextRip = t;
};

/** CALL E (FF /2). */
export const callE: Handler = (cpu, i) => {
  const lo = getRm(cpu, i, 8);
  const t = canonicalNum(lo, cpu.rHi);
  if (t !== t) cpu.gp0();
  pushRip(cpu, cpu.nextRip);
  cpu.nextRip = t;
};

/** RET and RET imm16 (the immediate bytes are released after popping RIP). */
export const ret: Handler = (cpu, i) => {
  const saveLo = cpu.lo[4]!, saveHi = cpu.hi[4]!;
  const lo = pop64(cpu);
  const t = canonicalNum(lo, cpu.rHi);
  if (t !== t) { cpu.lo[4] = saveLo; cpu.hi[4] = saveHi; cpu.gp0(); }
  if (i.immLo !== 0) {
    const sp = cpu.regNum(4) + i.immLo;
    cpu.lo[4] = sp | 0; cpu.hi[4] = Math.floor(sp / 4294967296) | 0;
  }
  cpu.nextRip = t;
};

function pushRip(cpu: Cpu, rip: number): void {
  push64(cpu, rip | 0, Math.floor(rip / 4294967296) | 0);
}

/** LOOP (op 2), LOOPE (op 1), LOOPNE (op 0): decrement RCX (ECX with 67) and branch. */
export const loop: Handler = (cpu: Cpu, i: Instr) => {
  let zero: boolean;
  if (i.addr32) {
    const c = (cpu.lo[1]! - 1) | 0;
    setReg(cpu, 1, 4, c, 0);
    zero = c === 0;
  } else {
    const lo = (cpu.lo[1]! - 1) | 0;
    const hi = lo === -1 ? (cpu.hi[1]! - 1) | 0 : cpu.hi[1]!;
    cpu.lo[1] = lo; cpu.hi[1] = hi;
    zero = lo === 0 && hi === 0;
  }
  let take = !zero;
  if (i.op === 1) take = take && cpu.flags.zf() === 1;
  else if (i.op === 0) take = take && cpu.flags.zf() === 0;
  if (take) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo);
};

/** JRCXZ / JECXZ. */
export const jrcxz: Handler = (cpu, i) => {
  const zero = i.addr32 ? cpu.lo[1] === 0 : cpu.lo[1] === 0 && cpu.hi[1] === 0;
  if (zero) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo);
};

/**
 * Jcc specialised per condition (the decoder picks JCC[cc]): the flag tests of SDM Vol. 1,
 * Appendix B, each its own small function so the common CMP/TEST + Jcc pairs stay cheap.
 */
export const JCC: readonly Handler[] = [
  (cpu, i) => { if (cpu.flags.of() === 1) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JO
  (cpu, i) => { if (cpu.flags.of() === 0) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JNO
  (cpu, i) => { if (cpu.flags.cf() === 1) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JB
  (cpu, i) => { if (cpu.flags.cf() === 0) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JAE
  (cpu, i) => { if (cpu.flags.zf() === 1) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JE
  (cpu, i) => { if (cpu.flags.zf() === 0) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JNE
  (cpu, i) => { const f = cpu.flags; if ((f.cf() | f.zf()) === 1) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JBE
  (cpu, i) => { const f = cpu.flags; if ((f.cf() | f.zf()) === 0) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JA
  (cpu, i) => { if (cpu.flags.sf() === 1) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JS
  (cpu, i) => { if (cpu.flags.sf() === 0) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JNS
  (cpu, i) => { if (cpu.flags.pf() === 1) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JP
  (cpu, i) => { if (cpu.flags.pf() === 0) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JNP
  (cpu, i) => { const f = cpu.flags; if (f.sf() !== f.of()) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JL
  (cpu, i) => { const f = cpu.flags; if (f.sf() === f.of()) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JGE
  (cpu, i) => { const f = cpu.flags; if (f.zf() === 1 || f.sf() !== f.of()) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JLE
  (cpu, i) => { const f = cpu.flags; if (f.zf() === 0 && f.sf() === f.of()) cpu.nextRip = target(cpu, cpu.nextRip + i.immLo); }, // JG
];
