// One virtual CPU of the machine: the x86 core (registers, MMU, interpreter) plus the state the
// machine keeps around it: descriptor-table registers, the MSRs, run state (waiting to be
// started, halted, shut down), the interrupt shadow, NMI blocking, and the task the kernel says
// is current on it (from its SWITCH trace records, so every event can name its task).

import { Cpu, type SystemHooks } from '../x86/cpu.ts';
import type { CodeCache } from '../x86/code_cache.ts';
import { Interpreter } from '../x86/interpreter.ts';
import { Mmu } from './mmu.ts';
import type { PhysMem } from './phys_mem.ts';

export const enum RunState {
  /** Not started yet (or sent INIT): waits for a start-up IPI through the mailbox. */
  WaitStartup = 0,
  Running = 1,
  Halted = 2,
  /** Triple fault: the CPU stopped until the machine resets. */
  Shutdown = 3,
}

export class VCpu {
  readonly cpu: Cpu;
  readonly mmu: Mmu;
  readonly interp: Interpreter;
  state = RunState.WaitStartup;

  gdtBase = 0; gdtLimit = 0;
  idtBase = 0; idtLimit = 0;
  tr = 0; trBase = 0; trLimit = 0;
  ldtr = 0;

  star = 0n; lstar = 0; cstar = 0; fmask = 0;
  tscAux = 0; pat = 0x0007040600070406n;

  /** STI/MOV SS shadow: interrupts are not taken before the next instruction completes. */
  shadow = false;
  nmiPending = false;
  /** Set while an NMI handler runs: further NMIs wait until IRET (SDM 6.7.1). */
  nmiBlocked = false;
  /** Current task id reported by the kernel (-1 until its first SWITCH record). */
  pid = -1;

  constructor(readonly id: number, mem: PhysMem, code: CodeCache, sys: SystemHooks) {
    this.mmu = new Mmu(mem, code);
    this.cpu = new Cpu(id, this.mmu, sys);
    this.mmu.cpu = this.cpu;
    this.interp = new Interpreter(this.cpu, code);
  }

  /** Changes CPL: the TLB set and the fetch page depend on it. */
  setCpl(cpl: number): void {
    if (cpl === this.cpu.cpl) return;
    this.cpu.cpl = cpl;
    this.mmu.setMode(cpl);
    this.cpu.fetchEpoch++;
  }
}
