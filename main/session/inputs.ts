// What a session stores so that it replays and reads on another machine: the machine
// configuration, the kernel image, initrd and command line byte for byte, and the kernel's
// symbols, line table and C sources.

export interface MachineSetup {
  cpus: number;
  memoryBytes: number;
  cmdline: string;
  /** Instruction budget of the run (0 = none). */
  maxInstructions: number;
}

export interface SymbolEntry {
  addr: bigint;
  size: number;
  name: string;
}

export interface LineEntry {
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
