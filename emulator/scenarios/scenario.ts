// A scenario: one mechanism or numbered example of the article, as data. It says how to run the
// guest (command line, init program and its arguments, CPU count, budget) and what must be seen
// when it runs. Nothing in the kernel knows about scenarios: they drive it from user space and
// the command line, as Linux's LKDTM tests do.

/** An exception the run must show, in order with the others (a subsequence of all exceptions). */
export interface ExpectedException {
  vector: number;
  /** CPL at the time of the fault. */
  cpl?: number;
  /** Error-code bits that must be set, and bits that must be clear. */
  errorSet?: number;
  errorClear?: number;
  /** Raised while delivering an earlier event. */
  duringDelivery?: boolean;
  /** This #DF was promoted from two faults (SDM Table 6-5). */
  promoted?: boolean;
  /** The stack the handler got: 'current', 'rsp0', 'ist1'... */
  stack?: string;
  /** CR2 class for #PF: the NULL page, a kernel address, or a user address. */
  cr2?: 'null' | 'kernel' | 'user';
}

export type OutcomeKind = 'exit' | 'panic' | 'triple-fault';

export interface ScenarioExpectation {
  /** How the run ends: the kernel powers off, panics, or the CPU triple-faults. */
  outcome: OutcomeKind;
  /** Lines (substrings) the console must show, in order. */
  console: string[];
  /** Console text that must not appear. */
  notConsole?: string[];
  exceptions?: ExpectedException[];
  /** Signals the kernel must generate (tracepoint SIGNAL_GENERATE), by number. */
  signals?: number[];
  /** An exception-table fixup must be taken (copy_from_user's -EFAULT path). */
  fixup?: boolean;
  /** The machine must reset after the triple fault and boot again. */
  reset?: boolean;
}

export interface Scenario {
  id: string;
  title: string;
  /** The concept in one or two plain sentences. */
  concept: string;
  /** What the student sees happen. */
  expected: string;
  /** The article's passage, and its reference number. */
  passage: string;
  article: string | null;
  /** Kernel command line; words after `--` are init's arguments. */
  cmdline: string;
  cpus: number;
  /** Instruction budget: the run stops there if nothing else ends it. */
  budget: number;
  /** Resets allowed after triple faults before the machine stops instead (a PC would reset forever). */
  maxResets?: number;
  expect: ScenarioExpectation;
}
