// What a session stores so that it replays and reads on another machine: the machine
// configuration, the kernel image, initrd and command line byte for byte, and the symbols and
// line tables of the kernel and of every user program, and their C sources.

export interface MachineSetup {
  cpus: number;
  memoryBytes: number;
  cmdline: string;
  /** Instruction budget of the run (0 = none). */
  maxInstructions: number;
  /**
   * Which machine builder made the machine, by name, and its options: enough for this app to
   * rebuild the machine for time travel. A name is only ever looked up in the app's own table of
   * builders; nothing in a file names code to load.
   */
  machine?: { builder: string; options: unknown };
}

export interface SymbolEntry {
  /** The user program the symbol belongs to (its task's name); absent for the kernel's. */
  program?: string;
  addr: bigint;
  size: number;
  name: string;
}

export interface LineEntry {
  /** The user program the line belongs to (its task's name); absent for the kernel's. */
  program?: string;
  addr: bigint;
  file: string;
  line: number;
}

export interface SessionInputs {
  scenario: string;
  config: MachineSetup;
  kernel: Uint8Array;
  initrd: Uint8Array;
  symbols: SymbolEntry[];
  lines: LineEntry[];
  sources: { path: string; text: string }[];
}
