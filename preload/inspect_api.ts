// The inspectors' part of the API (preload/api.ts re-exports it): what the hardware and the
// kernel did at an instant, read from the machine at the playhead and from the recording. Every
// value is structured-clone safe; 64-bit values travel as hex strings.

import type { Hex64 } from './api.ts';

export interface InspectQuery {
  session: string;
  t: number;
  cpu: number;
  /** The address to walk the page tables for; null walks CR2 of the fault in focus. */
  addr: Hex64 | null;
}

/** One bit of a register or an entry, with what it means when set. */
export interface BitRow {
  name: string;
  set: boolean;
  meaning: string;
}

export interface RegisterBits {
  register: string;
  value: Hex64;
  bits: BitRow[];
}

export interface PageWalkLevel {
  /** "PML4", "PDPT", "PD", "PT". */
  table: string;
  index: number;
  entryAddr: Hex64;
  entry: Hex64;
  flags: BitRow[];
  /** The flag of this entry that stopped the access, or null. */
  denies: string | null;
}

export interface PageWalk {
  addr: Hex64;
  access: 'read' | 'write' | 'fetch';
  user: boolean;
  levels: PageWalkLevel[];
  /** Physical address reached, or null when the access faults. */
  phys: Hex64 | null;
  /** Why the access faults in plain words, or "" when it does not. */
  reason: string;
  /** The #PF error code the access raises (0 when it does not fault). */
  errorCode: number;
}

/** The exception the CPU is handling at the playhead (the latest on this CPU), as the CPU pushed it. */
export interface FaultInFocus {
  seq: number;
  t: number;
  vector: number;
  mnemonic: string;
  cpl: number;
  rip: Hex64;
  ripSymbol: string | null;
  rsp: Hex64;
  cr2: Hex64;
  errorCode: number | null;
  /** Error code bits named (#PF) or the selector it names (#GP, #NP, #SS, #TS). */
  errorBits: BitRow[];
  errorText: string;
  stack: string;
  /**
   * The frame the CPU pushed on the handler's stack, read from memory at the playhead (lowest
   * address first: error code, RIP, CS, RFLAGS, RSP, SS), or empty when it is not there (not
   * delivered, or the playhead is before the delivery, or the stack was reused since).
   */
  pushedFrame: { name: string; addr: Hex64; value: Hex64 }[];
}

/** One step of a nested exception, oldest first. */
export interface CascadeStep {
  seq: number;
  t: number;
  /** "#PF", "#DF", or "triple fault". */
  what: string;
  /** The SDM rule that made this step what it is, in plain words. */
  rule: string;
  /** What failed while delivering it (which gate, which stack), or null. */
  failed: string | null;
}

export interface StackSlot {
  addr: Hex64;
  value: Hex64 | null;
  /** "return address into f+0x12", "saved RBP", "canary of f (intact)", "" for plain data. */
  note: string;
  kind: 'data' | 'saved-rbp' | 'return' | 'canary-intact' | 'canary-overwritten' | 'exception-frame' | 'unmapped';
}

export interface StackFrame {
  /** The frame's base (RBP). */
  base: Hex64;
  pc: Hex64;
  symbol: string | null;
  file: string | null;
  line: number | null;
}

export interface StackView {
  rsp: Hex64;
  /** Where RSP is, in words ("in the guard page below a kernel stack", "on a mapped stack page"). */
  where: string;
  inGuardPage: boolean;
  frames: StackFrame[];
  slots: StackSlot[];
}

/** One instruction around RIP, with the C source line it was compiled from. */
export interface DisassemblyLine {
  addr: Hex64;
  /** symbol+offset, or null (user code). */
  symbol: string | null;
  bytes: string;
  /** The instruction in NASM syntax, with the symbol of a branch target. */
  text: string;
  /** The instruction RIP points at. */
  current: boolean;
  file: string | null;
  line: number | null;
  /** The text of that source line. */
  source: string | null;
}

export interface IdtRow {
  vector: number;
  mnemonic: string;
  present: boolean;
  dpl: number;
  ist: number;
  handler: Hex64;
  symbol: string | null;
  /** Why the CPU cannot deliver through this gate, or null. */
  problem: string | null;
}

export interface TssRow {
  name: string;
  value: Hex64 | null;
  /** The gates that switch to this stack ("#DF"), for IST entries. */
  usedBy: string[];
}

export interface HeldLock {
  cpu: number;
  addr: Hex64;
  name: string;
  since: number;
}

export interface Inspection {
  t: number;
  cpu: number;
  /** Why there is no machine state here, or null. */
  note: string | null;
  cpl: number;
  control: RegisterBits[];
  disassembly: DisassemblyLine[];
  fault: FaultInFocus | null;
  cascade: CascadeStep[];
  walk: PageWalk | null;
  stack: StackView | null;
  idt: IdtRow[];
  tss: TssRow[];
  /** Locks held at the playhead, on every CPU. */
  locksHeld: HeldLock[];
}

export interface LockEdge {
  from: string;
  to: string;
  /** The instant the edge was first taken: `to` acquired while `from` was held. */
  t: number;
  cpu: number;
  task: string | null;
  inCycle: boolean;
}

export interface LockGraph {
  locks: string[];
  edges: LockEdge[];
  /** The cycle's locks in order (first repeated at the end), or empty. */
  cycle: string[];
}

export interface PanicFrame {
  text: string;
  symbol: string;
  /** The source line of the call this frame returns to, when the symbol is the kernel's. */
  file: string | null;
  line: number | null;
}

export interface PanicReport {
  t: number;
  cpu: number;
  title: string;
  lines: string[];
  frames: PanicFrame[];
}
