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
  // The page instructions are being fetched from: its linear base and decoded slots.
  private pageBase = NaN;
  private pageSlots: (Instr | undefined)[] = [];
  private pageEpoch = -1;
  private fetchEpoch = -1;

  constructor(readonly cpu: Cpu, readonly cache: CodeCache) {}

  /** Forgets the current fetch page (after CR3, INVLPG, a CPL change or code invalidation). */
  flushFetch(): void {
    this.pageBase = NaN;
  }

  /** Executes at most `budget` instructions. */
  run(budget: number): StopReason {
    const cpu = this.cpu;
    const cache = this.cache;
    let n = 0;
    this.retired = 0;
    try {
      while (n < budget) {
        const rip = cpu.rip;
        const off = rip & 0xfff;
        if (rip - off !== this.pageBase || this.pageEpoch !== cache.epoch || this.fetchEpoch !== cpu.fetchEpoch) {
          const phys = cpu.bus.fetchPage(rip);
          this.pageSlots = cache.page(phys);
          this.pageBase = rip - off;
          this.pageEpoch = cache.epoch;
          this.fetchEpoch = cpu.fetchEpoch;
        }
        let ins = this.pageSlots[off];
        if (ins === undefined) {
          ins = decode(cpu, rip);
          if (off + ins.len <= 4096 && this.pageEpoch === cache.epoch) this.pageSlots[off] = ins;
        }
        cpu.nextRip = rip + ins.len;
        ins.exec(cpu, ins);
        cpu.rip = cpu.nextRip;
        n++;
        if (cpu.attention) {
          this.retired = n;
          return StopReason.Attention;
        }
      }
    } catch (e) {
      if (e !== FAULT) throw e;
      this.retired = n;
      return StopReason.Fault;
    }
    this.retired = n;
    return StopReason.Budget;
  }
}
