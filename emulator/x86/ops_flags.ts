// PUSHF and POPF: RFLAGS to and from the stack, with the privilege rules of SDM Vol. 2, POPF.

import { FLAG_AC, FLAG_IF, FLAG_IOPL, FLAG_RF, type Cpu } from './cpu.ts';
import type { Handler } from './instr.ts';
import { pop16, pop64, push16, push64 } from './operands.ts';

/** Bits POPF may write at CPL 0: CF PF AF ZF SF TF IF DF OF IOPL NT AC ID (RF and VM are cleared). */
const POPF_WRITABLE = 0x254dd5 | FLAG_IF | FLAG_IOPL | FLAG_AC;

/** PUSHF: RFLAGS with RF and VM cleared (SDM Vol. 2, PUSHF). */
export function pushf(size: number): Handler {
  return (cpu: Cpu) => {
    const f = cpu.flags.get() & ~(FLAG_RF | 0x20000);
    if (size === 8) push64(cpu, f, 0);
    else push16(cpu, f);
  };
}

/**
 * POPF: IOPL changes only at CPL 0, IF only when CPL <= IOPL; a forbidden change is silently
 * dropped, not faulted.
 */
export function popf(size: number): Handler {
  return (cpu: Cpu) => {
    const v = size === 8 ? pop64(cpu) : pop16(cpu);
    const old = cpu.flags.get();
    let writable = POPF_WRITABLE;
    if (size === 2) writable &= 0xffff;
    const iopl = (old & FLAG_IOPL) >>> 12;
    if (cpu.cpl > 0) writable &= ~FLAG_IOPL;
    if (cpu.cpl > iopl) writable &= ~FLAG_IF;
    cpu.flags.set((old & ~writable & ~FLAG_RF) | (v & writable));
    cpu.onFlagsWritten();
  };
}
