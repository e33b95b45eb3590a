// The architectural state of one x86-64 logical processor, and the two seams through which the
// rest of the machine plugs in: the memory bus (paging lives behind it) and the system hooks
// (privileged instructions that touch devices, descriptor tables and MSRs).
//
// 64-bit registers are kept as two signed 32-bit halves (lo/hi typed arrays) so that no BigInt
// is ever made on the hot path. Addresses are passed around as JS numbers holding the canonical
// address read as a signed 64-bit integer: every canonical address (bits 63:47 equal) fits in a
// double exactly, and `addr & 0xfff` still yields the page offset.

import { LazyFlags } from './flags.ts';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const REG_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

export const TWO32 = 4294967296;

/** RFLAGS bits other than the six arithmetic flags (SDM Vol. 1, 3.4.3). */
export const FLAG_CF = 1 << 0, FLAG_PF = 1 << 2, FLAG_AF = 1 << 4, FLAG_ZF = 1 << 6, FLAG_SF = 1 << 7,
  FLAG_TF = 1 << 8, FLAG_IF = 1 << 9, FLAG_DF = 1 << 10, FLAG_OF = 1 << 11, FLAG_IOPL = 3 << 12,
  FLAG_NT = 1 << 14, FLAG_RF = 1 << 16, FLAG_AC = 1 << 18, FLAG_ID = 1 << 21;
export const ARITH_FLAGS = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;

/**
 * Memory as the instruction code sees it: linear addresses, the current privilege level's rights.
 * Implementations raise a fault (through Cpu.fault) instead of returning when the access fails.
 * 64-bit reads return the low half and leave the high half in `hi`.
 */
export interface Bus {
  hi: number;
  read8(addr: number): number;
  read16(addr: number): number;
  read32(addr: number): number;
  read64(addr: number): number;
  write8(addr: number, v: number): void;
  write16(addr: number, v: number): void;
  write32(addr: number, v: number): void;
  write64(addr: number, lo: number, hi: number): void;
  /** Reads one instruction byte (linear address, fetch rights). */
  fetch8(addr: number): number;
  /** Physical address of the page holding `addr` for instruction fetch (for the decode cache). */
  fetchPage(addr: number): number;
}

/**
 * Instructions whose effect reaches beyond the CPU core. The machine implements them; a bare
 * CPU (tests, benchmarks) gets `BareSystem`, which raises #UD for all of them.
 */
export interface SystemHooks {
  /** Executes system instruction `op` (a SysOp); the instruction's fields are in `ins`. */
  exec(cpu: Cpu, op: number, ins: import('./instr.ts').Instr): void;
  /** RFLAGS was replaced by POPF (IF or AC may have changed). */
  flagsWritten(cpu: Cpu): void;
}

/** The system instructions the decoder recognises and hands to SystemHooks. */
export const enum SysOp {
  Hlt, Cli, Sti, Lgdt, Lidt, Ltr, Sgdt, Sidt, Str, MovFromCr, MovToCr, Rdmsr, Wrmsr, Swapgs,
  Syscall, Sysret, Iretq, Int, Int3, Into, Invlpg, In, Out, Cpuid, Rdtsc, Rdtscp, Clac, Stac,
  MovToSeg, MovFromSeg, PopFs, PopGs, PushFs, PushGs, Rdfsbase, Rdgsbase, Wrfsbase, Wrgsbase,
  Pushf, Popf, Lsl, Verr, Wbinvd, Lfence, Sfence, Mfence, Clts, Lmsw, Smsw, RetFar,
}

export const SYSOP_NAMES = ['hlt', 'cli', 'sti', 'lgdt', 'lidt', 'ltr', 'sgdt', 'sidt', 'str',
  'mov from cr', 'mov to cr', 'rdmsr', 'wrmsr', 'swapgs', 'syscall', 'sysret', 'iretq', 'int', 'int3',
  'into', 'invlpg', 'in', 'out', 'cpuid', 'rdtsc', 'rdtscp', 'clac', 'stac', 'mov to seg',
  'mov from seg', 'pop fs', 'pop gs', 'push fs', 'push gs', 'rdfsbase', 'rdgsbase', 'wrfsbase',
  'wrgsbase', 'pushf', 'popf', 'lsl', 'verr', 'wbinvd', 'lfence', 'sfence', 'mfence', 'clts',
  'lmsw', 'smsw', 'ret far'];

/**
 * Thrown (as this one preallocated object, never an Error) to abandon the current instruction
 * when it faults. The fault itself is data on the Cpu (`pendingVector`, `pendingError`); the
 * interpreter loop catches it once per run and hands it to the machine for delivery.
 */
export const FAULT = { fault: true } as const;

export class Cpu {
  readonly lo = new Int32Array(16);
  readonly hi = new Int32Array(16);
  /** RIP of the instruction being executed (a fault restarts here). */
  rip = 0;
  /** RIP of the next instruction (what RIP-relative addressing and CALL use). */
  nextRip = 0;
  readonly flags = new LazyFlags();

  /** Current privilege level (from CS.RPL in long mode). */
  cpl = 0;
  // Segment state that 64-bit mode still uses: selectors, and the FS/GS bases.
  cs = 0x08; ss = 0x10; ds = 0x10; es = 0x10; fs = 0; gs = 0;
  fsBase = 0; gsBase = 0; kernelGsBase = 0;

  // Control registers. CR3 and CR2 hold canonical/physical values as numbers.
  cr0 = 0x80000011; cr2 = 0; cr3 = 0; cr4 = 0x20; cr8 = 0;
  efer = 0x500;

  // A fault raised by the current instruction, waiting for delivery.
  pendingVector = -1;
  pendingError = -1;
  /** The fault address for #PF (becomes CR2 on delivery). */
  pendingCr2 = 0;

  /** Scratch: high half of a 64-bit result returned through a function's return value. */
  rHi = 0;

  /** Set when the interpreter must stop after the current instruction (HLT, interrupts, requests). */
  attention = false;
  /** Bumped when instruction-fetch translations change (CR3, INVLPG, CPL, paging bits). */
  fetchEpoch = 0;

  bus: Bus;
  sys: SystemHooks;
  readonly id: number;

  constructor(id: number, bus: Bus, sys: SystemHooks) {
    this.id = id;
    this.bus = bus;
    this.sys = sys;
  }

  /** Records a fault for the current instruction and unwinds to the interpreter loop. */
  fault(vector: number, errorCode = -1): never {
    this.pendingVector = vector;
    this.pendingError = errorCode;
    throw FAULT;
  }

  /** #GP(0), the answer to most privilege violations (SDM 6.15, "Interrupt 13"). */
  gp0(): never {
    return this.fault(13, 0);
  }

  /** The full RFLAGS value (arithmetic flags materialised from the lazy state). */
  getRflags(): number {
    return this.flags.get();
  }

  setRflags(v: number): void {
    this.flags.set(v);
  }

  onFlagsWritten(): void {
    this.sys.flagsWritten(this);
  }

  /** A register's value as a number (exact while it fits in 53 bits, e.g. any canonical address). */
  regNum(r: number): number {
    return this.hi[r]! * TWO32 + (this.lo[r]! >>> 0);
  }

  /** A register's value as an unsigned bigint (tests and inspectors, never the hot path). */
  reg64(r: number): bigint {
    return (BigInt(this.hi[r]! >>> 0) << 32n) | BigInt(this.lo[r]! >>> 0);
  }

  setReg64(r: number, v: bigint): void {
    this.lo[r] = Number(BigInt.asUintN(32, v)) | 0;
    this.hi[r] = Number(BigInt.asUintN(32, v >> 32n)) | 0;
  }
}

/** System hooks for a CPU with no machine around it: every system instruction is #UD. */
export const BareSystem: SystemHooks = {
  exec(cpu: Cpu): void {
    cpu.fault(6);
  },
  flagsWritten(): void {},
};

/** Converts a 64-bit (lo, hi) pair to the number form used for addresses, or NaN if non-canonical. */
export function canonicalNum(lo: number, hi: number): number {
  const top = hi >> 15;
  if (top !== 0 && top !== -1) return NaN;
  return (hi | 0) * TWO32 + (lo >>> 0);
}

export function isCanonical(addr: number): boolean {
  return addr >= -140737488355328 && addr < 140737488355328;
}
