// One virtual CPU of the machine: the x86 core (registers, MMU, interpreter) plus the state the
// machine keeps around it: descriptor-table registers, the MSRs, run state (waiting to be
// started, halted, shut down), the interrupt shadow, NMI blocking, and the task the kernel says
// is current on it (from its SWITCH trace records, so every event can name its task).

import { Cpu, type SystemHooks } from '../x86/cpu.ts';
import type { CodeCache } from '../x86/code_cache.ts';
import { Interpreter } from '../x86/interpreter.ts';
import { Mmu } from './mmu.ts';
import type { PhysMem } from './phys_mem.ts';
import { X2Apic, type X2ApicOptions, type X2ApicState } from './x2apic.ts';

export const enum RunState {
  /** Not started yet (or sent INIT): waits for a start-up IPI through the mailbox. */
  WaitStartup = 0,
  Running = 1,
  Halted = 2,
  /** Triple fault: the CPU stopped until the machine resets. */
  Shutdown = 3,
}

/** Everything about one vCPU, as plain structured-cloneable data (snapshots, inspectors). */
export interface VCpuState {
  lo: number[]; hi: number[]; rip: number; rflags: number; cpl: number;
  /** CS, SS, DS, ES, FS, GS selectors. */
  seg: number[];
  fsBase: number; gsBase: number; kernelGsBase: number;
  /** CR0, CR2, CR3, CR4, CR8. */
  cr: number[];
  efer: number;
  gdt: number[]; idt: number[];
  /** TR selector, base, limit. */
  tr: number[];
  ldtr: number;
  star: string; lstar: number; cstar: number; fmask: number; tscAux: number; pat: string;
  state: RunState; shadow: boolean; nmiPending: boolean; nmiBlocked: boolean; pid: number;
  apic: X2ApicState;
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

  readonly apic: X2Apic;

  constructor(readonly id: number, mem: PhysMem, code: CodeCache, sys: SystemHooks, apic: X2ApicOptions) {
    this.mmu = new Mmu(mem, code);
    this.cpu = new Cpu(id, this.mmu, sys);
    this.mmu.cpu = this.cpu;
    this.interp = new Interpreter(this.cpu, code);
    this.apic = new X2Apic(id, apic);
  }

  /**
   * The state the boot protocol promises at entry (GUEST-INTERFACE.md, "CPU 0 at entry"): long
   * mode, CPL 0, boot GDT selectors, CR0 = PE|PG, CR4 = PAE, EFER = LME|LMA, CR3 = the boot
   * PML4, interrupts off, and the given RIP/RSP/RDI/RSI.
   */
  enterBootState(rip: number, rsp: number, rdi: number, rsi: number, gdt: number, pml4: number): void {
    const c = this.cpu;
    c.lo.fill(0); c.hi.fill(0);
    c.flags.set(2);
    c.cs = 0x08; c.ss = 0x10; c.ds = 0x10; c.es = 0x10; c.fs = 0; c.gs = 0;
    c.fsBase = 0; c.gsBase = 0; c.kernelGsBase = 0;
    c.cr0 = 0x80000001; c.cr2 = 0; c.cr3 = pml4; c.cr4 = 0x20; c.cr8 = 0; c.efer = 0x500;
    c.cpl = -1; this.setCpl(0);
    this.gdtBase = gdt; this.gdtLimit = 0x17;
    this.idtBase = 0; this.idtLimit = 0; this.tr = 0; this.trBase = 0; this.trLimit = 0; this.ldtr = 0;
    this.star = 0n; this.lstar = 0; this.cstar = 0; this.fmask = 0; this.tscAux = 0;
    this.shadow = false; this.nmiPending = false; this.nmiBlocked = false;
    c.rip = rip;
    c.lo[4] = rsp | 0; c.hi[4] = Math.floor(rsp / 4294967296) | 0;
    c.lo[7] = rdi | 0; c.hi[7] = Math.floor(rdi / 4294967296) | 0;
    c.lo[6] = rsi | 0;
    this.mmu.flush();
    this.state = RunState.Running;
  }

  save(): VCpuState {
    const c = this.cpu;
    return {
      lo: Array.from(c.lo), hi: Array.from(c.hi), rip: c.rip, rflags: c.flags.get(), cpl: c.cpl,
      seg: [c.cs, c.ss, c.ds, c.es, c.fs, c.gs], fsBase: c.fsBase, gsBase: c.gsBase, kernelGsBase: c.kernelGsBase,
      cr: [c.cr0, c.cr2, c.cr3, c.cr4, c.cr8], efer: c.efer,
      gdt: [this.gdtBase, this.gdtLimit], idt: [this.idtBase, this.idtLimit], tr: [this.tr, this.trBase, this.trLimit],
      ldtr: this.ldtr, star: this.star.toString(), lstar: this.lstar, cstar: this.cstar, fmask: this.fmask,
      tscAux: this.tscAux, pat: this.pat.toString(), state: this.state, shadow: this.shadow,
      nmiPending: this.nmiPending, nmiBlocked: this.nmiBlocked, pid: this.pid, apic: this.apic.save(),
    };
  }

  load(s: VCpuState): void {
    const c = this.cpu;
    c.lo.set(s.lo); c.hi.set(s.hi); c.rip = s.rip; c.flags.set(s.rflags);
    c.cpl = -1; this.setCpl(s.cpl);
    [c.cs, c.ss, c.ds, c.es, c.fs, c.gs] = s.seg as [number, number, number, number, number, number];
    c.fsBase = s.fsBase; c.gsBase = s.gsBase; c.kernelGsBase = s.kernelGsBase;
    [c.cr0, c.cr2, c.cr3, c.cr4, c.cr8] = s.cr as [number, number, number, number, number];
    c.efer = s.efer;
    [this.gdtBase, this.gdtLimit] = s.gdt as [number, number];
    [this.idtBase, this.idtLimit] = s.idt as [number, number];
    [this.tr, this.trBase, this.trLimit] = s.tr as [number, number, number];
    this.ldtr = s.ldtr; this.star = BigInt(s.star); this.lstar = s.lstar; this.cstar = s.cstar; this.fmask = s.fmask;
    this.tscAux = s.tscAux; this.pat = BigInt(s.pat); this.state = s.state; this.shadow = s.shadow;
    this.nmiPending = s.nmiPending; this.nmiBlocked = s.nmiBlocked; this.pid = s.pid;
    this.apic.load(s.apic);
    c.pendingVector = -1; c.pendingError = -1; c.attention = false;
    this.mmu.flush();
  }

  /** Changes CPL: the TLB set and the fetch page depend on it. */
  setCpl(cpl: number): void {
    if (cpl === this.cpu.cpl) return;
    this.cpu.cpl = cpl;
    this.mmu.setMode(cpl);
    this.cpu.fetchEpoch++;
  }
}
