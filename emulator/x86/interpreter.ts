// The fetch-decode-execute loop of one CPU: one dispatch per instruction through the decoded
// Instr's handler. Faults unwind here as the FAULT sentinel and are returned as data; the
// machine delivers them. The loop stops early when the CPU asks for attention (an interrupt
// became deliverable, HLT, a stop request), which the machine checks between instructions.

import { FAULT, type Cpu } from './cpu.ts';
import { CodeCache } from './code_cache.ts';
import { decode } from './decoder.ts';
import type { Instr } from './instr.ts';

export const enum StopReason {
  /** Ran the whole budget. */
  Budget = 0,
  /** An instruction faulted: cpu.pendingVector/pendingError describe it; RIP is the faulting instruction. */
  Fault = 1,
  /** The CPU raised `attention` (HLT, an interrupt window, a machine request). */
  Attention = 2,
}

export class Interpreter {
  /** Instructions retired by the last run(). */
  retired = 0;
  /**
   * Instructions retired so far by the run in progress, before the one executing now: what
   * the machine adds to its clock to time an event raised in the middle of a run.
   */
  progress = 0;
  // The page instructions are being fetched from: its linear base and decoded slots.
  private pageBase = NaN;
  private pageSlots: (Instr | undefined)[] = [];
  private pageEpoch = -1;
  private fetchEpoch = -1;

  constructor(readonly cpu: Cpu, readonly cache: CodeCache) {}

  /** Forgets the current fetch page (after CR3, INVLPG, a CPL change or code invalidation). */
  flushFetch(): void {
    this.pageBase = NaN;
    this.cpu.fetchEpoch++; // takes effect even when called from inside run()
  }

  /** Executes at most `budget` instructions. */
  run(budget: number): StopReason {
    const cpu = this.cpu;
    const cache = this.cache;
    let n = 0;
    this.retired = 0;
    // The fetch page lives in locals while the loop runs; written back on every exit.
    let pageBase = this.pageBase, slots = this.pageSlots, pageEpoch = this.pageEpoch, fetchEpoch = this.fetchEpoch;
    // RIP is carried in a local; cpu.rip is stored before each instruction runs.
    let rip = cpu.rip;
    try {
      while (n < budget) {
        const off = rip & 0xfff;
        if (rip - off !== pageBase || pageEpoch !== cache.epoch || fetchEpoch !== cpu.fetchEpoch) {
          pageBase = NaN; // stays invalid if fetchPage faults
          const phys = cpu.bus.fetchPage(rip);
          slots = cache.page(phys);
          pageBase = rip - off;
          pageEpoch = cache.epoch;
          fetchEpoch = cpu.fetchEpoch;
        }
        let ins = slots[off];
        if (ins === undefined) {
          ins = decode(cpu, rip);
          if (off + ins.len <= 4096 && pageEpoch === cache.epoch) slots[off] = ins;
        }
        cpu.rip = rip;
        cpu.nextRip = rip + ins.len;
        this.progress = n;
        ins.exec(cpu, ins);
        rip = cpu.nextRip;
        n++;
        if (cpu.attention) {
          cpu.rip = rip;
          this.retired = n;
          this.pageBase = pageBase; this.pageSlots = slots; this.pageEpoch = pageEpoch; this.fetchEpoch = fetchEpoch;
          return StopReason.Attention;
        }
      }
    } catch (e) {
      cpu.rip = rip; // the faulting instruction (also when its fetch or decode faulted)
      this.pageBase = pageBase; this.pageSlots = slots; this.pageEpoch = pageEpoch; this.fetchEpoch = fetchEpoch;
      if (e !== FAULT) throw e;
      this.retired = n;
      return StopReason.Fault;
    }
    cpu.rip = rip;
    this.retired = n;
    this.pageBase = pageBase; this.pageSlots = slots; this.pageEpoch = pageEpoch; this.fetchEpoch = fetchEpoch;
    return StopReason.Budget;
  }
}
