// One decoded instruction: everything the decoder found, in fields with fixed types so that
// V8 keeps every Instr in one hidden class, plus the handler that executes it.

import type { Cpu } from './cpu.ts';

export type Handler = (cpu: Cpu, i: Instr) => void;

/** Register number meaning "RIP" as a base (RIP-relative addressing). */
export const BASE_RIP = 16;
/** Byte registers AH, CH, DH, BH (no REX prefix) are encoded as HIGH_BYTE + 0..3. */
export const HIGH_BYTE = 16;

export class Instr {
  exec: Handler;
  /** Length in bytes. */
  len = 0;
  /** Primary opcode; two-byte opcodes are 0x100 | second byte. */
  opcode = 0;
  /** Operand size in bytes: 1, 2, 4 or 8. */
  size = 4;
  /** ModRM.reg (+ REX.R), or the register encoded in the opcode (+ REX.B). */
  reg = 0;
  /** Register operand of ModRM.rm when mod = 3 (+ REX.B), else -1 (a memory operand). */
  rm = -1;
  // Memory operand: base + index << scale + disp (base BASE_RIP: relative to the next RIP).
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  /** Segment override whose base is added: 0 none, 4 FS, 5 GS. */
  seg = 0;
  /** Address-size override (67): the effective address is truncated to 32 bits. */
  addr32 = false;
  /** Immediate, as low and high 32-bit halves (sign-extended to the operand size). */
  immLo = 0;
  immHi = 0;
  /** Second immediate (ENTER's nesting level). */
  imm2 = 0;
  /** 0 none, 1 REP/REPE (F3), 2 REPNE (F2). */
  rep = 0;
  lock = false;
  /** Sub-operation: ALU op, condition code, group member, or system operation. */
  op = 0;
  /** Mnemonic for disassembly-like listings and error messages. */
  name = '';

  constructor(exec: Handler) {
    this.exec = exec;
  }
}
