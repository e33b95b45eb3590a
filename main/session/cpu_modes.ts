// Privilege-mode spans per CPU (user, kernel, exception handler with its vector, interrupt
// handler, double fault, halted, off) and the flows between a fault or syscall and its return.
//
// The mode follows the CPU's state as the events describe it: CPL from privilege switches, a
// stack of handler frames pushed by exception/interrupt delivery and popped by IRET, HLT until
// the wake-up. A return to CPL 3 empties the frame stack (no kernel handler survives it), so one
// missed IRET cannot skew the rest of the recording. The frames and an unfinished syscall live on
// the kernel stack of the task that took them: a context switch (the SWITCH tracepoint) parks
// them with the task it switches away from and brings back those of the task it switches to. So
// a thread switched to from a timer interrupt runs in the kernel, not in that interrupt's handler,
// and the IRET the preempted task makes when it runs again closes its own interrupt. Runs once per
// event: no allocation here but at a switch.

import { CpuMode, TrackKind } from './schema.ts';
import { FlowKind, type OpenSpanRow, type SpanSink } from './span_sink.ts';

const MAX_FRAMES = 64;
const DOUBLE_FAULT = 8;

/** A task's key among the parked: its pid, or for the idle task (pid 0, one per CPU) -1 - cpu. */
function taskKey(cpu: number, pid: number): number {
  return pid > 0 ? pid : -1 - cpu;
}

/** One CPU; the handler frames are parallel typed arrays, `depth` deep. */
class CpuState {
  started = false;
  halted = false;
  cpl = 0;
  depth = 0;
  readonly frameInterrupt = new Uint8Array(MAX_FRAMES);
  readonly frameVector = new Uint8Array(MAX_FRAMES);
  readonly frameSeq = new Float64Array(MAX_FRAMES);
  readonly frameT = new Float64Array(MAX_FRAMES);
  /** The CPU each frame was taken on: a task may resume on another CPU. */
  readonly frameCpu = new Uint8Array(MAX_FRAMES);
  syscallSeq = -1;
  syscallT = 0;
  syscallCpu = 0;
  /** A fault whose delivery failed (a second fault took over), to link to the one that follows. */
  failedSeq = -1;
  failedT = 0;
  open = false;
  openT0 = 0;
  openState = 0;
  openDetail = 0;
  openSeq0 = 0;

  constructor(readonly track: number) {}
}

/** What a task switched away from left on its kernel stack. */
interface Parked {
  interrupt: Uint8Array;
  vector: Uint8Array;
  seq: Float64Array;
  t: Float64Array;
  cpu: Uint8Array;
  syscallSeq: number;
  syscallT: number;
  syscallCpu: number;
}

export class CpuModeTracker {
  private readonly cpus: CpuState[] = [];
  /** Per task not running (taskKey), its handler frames and unfinished syscall. */
  private readonly parked = new Map<number, Parked>();

  constructor(private readonly sink: SpanSink) {}

  private cpu(n: number): CpuState {
    return (this.cpus[n] ??= new CpuState(this.sink.track(TrackKind.CpuMode, n, 0, `CPU ${n}`)));
  }

  private update(c: CpuState, t: number, seq: number): void {
    let state: number = CpuMode.Kernel;
    let detail = 0;
    if (!c.started) state = CpuMode.Off;
    else if (c.halted) state = CpuMode.Halted;
    else if (c.depth > 0) {
      const top = c.depth - 1;
      detail = c.frameVector[top]!;
      state = c.frameInterrupt[top] ? CpuMode.Interrupt : detail === DOUBLE_FAULT ? CpuMode.DoubleFault : CpuMode.Exception;
    } else if (c.cpl === 3) state = CpuMode.User;
    if (c.open && c.openState === state && c.openDetail === detail) return;
    if (c.open && t > c.openT0) this.sink.span(c.track, c.openT0, t, c.openState, c.openDetail, c.openSeq0, seq);
    c.open = true;
    c.openT0 = t;
    c.openState = state;
    c.openDetail = detail;
    c.openSeq0 = seq;
  }

  /**
   * Any event of a CPU: one that was not started yet is running from now on, in the kernel
   * (a stream whose CPU has no start event, like a bare-metal test's or a cut-off one's).
   */
  seen(n: number, t: number, seq: number): void {
    const c = this.cpu(n);
    if (c.started) return;
    c.started = true;
    c.halted = false;
    c.cpl = 0;
    this.update(c, t, seq);
  }

  start(n: number, t: number, seq: number): void {
    const c = this.cpu(n);
    c.started = true;
    c.halted = false;
    c.cpl = 0;
    c.depth = 0;
    this.update(c, t, seq);
  }

  privSwitch(n: number, t: number, seq: number, toCpl: number, cause: number): void {
    const c = this.cpu(n);
    c.started = true;
    c.cpl = toCpl;
    if (toCpl === 3) c.depth = 0;
    if (cause === 0) { c.syscallSeq = seq; c.syscallT = t; c.syscallCpu = n; }
    else if (cause === 1 && c.syscallSeq >= 0) {
      // A flow is drawn in one CPU's lane: a syscall that returns on another CPU has none.
      if (c.syscallCpu === n) this.sink.flow(FlowKind.Syscall, 0, n, c.syscallSeq, c.syscallT, seq, t);
      c.syscallSeq = -1;
    }
    this.update(c, t, seq);
  }

  /**
   * An exception that was raised but never reached its handler: delivering it faulted (SDM 6.15,
   * Table 6-5). The mode does not change; the next fault is linked to it.
   */
  deliveryFailed(n: number, t: number, seq: number, vector: number): void {
    const c = this.cpu(n);
    if (c.failedSeq >= 0) this.sink.flow(FlowKind.Nested, vector, n, c.failedSeq, c.failedT, seq, t);
    c.failedSeq = seq;
    c.failedT = t;
  }

  handlerEntry(n: number, t: number, seq: number, interrupt: boolean, vector: number): void {
    const c = this.cpu(n);
    c.started = true;
    c.halted = false;
    if (c.failedSeq >= 0) {
      this.sink.flow(FlowKind.Nested, vector, n, c.failedSeq, c.failedT, seq, t);
      c.failedSeq = -1;
    } else if (c.depth > 0 && !interrupt && c.frameCpu[c.depth - 1] === n) {
      const outer = c.depth - 1;
      this.sink.flow(FlowKind.Nested, vector, n, c.frameSeq[outer]!, c.frameT[outer]!, seq, t);
    }
    if (c.depth === MAX_FRAMES) {
      // Keep the innermost frames: drop the oldest.
      c.frameInterrupt.copyWithin(0, 1); c.frameVector.copyWithin(0, 1); c.frameSeq.copyWithin(0, 1); c.frameT.copyWithin(0, 1); c.frameCpu.copyWithin(0, 1);
      c.depth--;
    }
    const d = c.depth++;
    c.frameInterrupt[d] = interrupt ? 1 : 0;
    c.frameVector[d] = vector;
    c.frameSeq[d] = seq;
    c.frameT[d] = t;
    c.frameCpu[d] = n;
    c.cpl = 0; // handlers run at CPL 0 (SDM 6.12.1: the gate's code segment is the kernel's)
    this.update(c, t, seq);
  }

  iret(n: number, t: number, seq: number, toCpl: number): void {
    const c = this.cpu(n);
    if (c.depth > 0) {
      const d = --c.depth;
      if (c.frameCpu[d] === n) this.sink.flow(c.frameInterrupt[d] ? FlowKind.Interrupt : FlowKind.Exception, c.frameVector[d]!, n, c.frameSeq[d]!, c.frameT[d]!, seq, t);
    }
    c.cpl = toCpl;
    if (toCpl === 3) c.depth = 0;
    this.update(c, t, seq);
  }

  /**
   * The kernel switched CPU `n` from task `prev` to task `next` (pids; 0 is the CPU's idle task).
   * The frames and syscall on the CPU are prev's; next gets back what it left when it was switched away.
   */
  switchTask(n: number, prev: number, next: number, t: number, seq: number): void {
    const c = this.cpu(n);
    const prevKey = taskKey(n, prev);
    if (c.depth > 0 || c.syscallSeq >= 0) {
      const d = c.depth;
      this.parked.set(prevKey, {
        interrupt: c.frameInterrupt.slice(0, d), vector: c.frameVector.slice(0, d), seq: c.frameSeq.slice(0, d), t: c.frameT.slice(0, d),
        cpu: c.frameCpu.slice(0, d), syscallSeq: c.syscallSeq, syscallT: c.syscallT, syscallCpu: c.syscallCpu,
      });
    } else this.parked.delete(prevKey);
    const nextKey = taskKey(n, next);
    const p = this.parked.get(nextKey);
    this.parked.delete(nextKey);
    c.depth = p?.interrupt.length ?? 0;
    if (p) {
      c.frameInterrupt.set(p.interrupt); c.frameVector.set(p.vector); c.frameSeq.set(p.seq); c.frameT.set(p.t); c.frameCpu.set(p.cpu);
    }
    c.syscallSeq = p?.syscallSeq ?? -1;
    c.syscallT = p?.syscallT ?? 0;
    c.syscallCpu = p?.syscallCpu ?? 0;
    this.update(c, t, seq);
  }

  /** A task is created: nothing is on its new kernel stack, even if its pid was used before. */
  newTask(pid: number): void {
    this.parked.delete(pid);
  }

  halt(n: number, t: number, seq: number): void {
    const c = this.cpu(n);
    c.halted = true;
    this.update(c, t, seq);
  }

  wake(n: number, t: number, seq: number): void {
    const c = this.cpu(n);
    c.halted = false;
    this.update(c, t, seq);
  }

  /** Triple fault, reset or power-off: every CPU stops executing. */
  stopAll(t: number, seq: number): void {
    this.parked.clear();
    for (const c of this.cpus) {
      if (!c) continue;
      c.started = false;
      c.halted = false;
      c.depth = 0;
      c.syscallSeq = -1;
      c.failedSeq = -1;
      this.update(c, t, seq);
    }
  }

  /** The span each CPU is in now. */
  openSpans(out: OpenSpanRow[]): void {
    for (const c of this.cpus) if (c?.open) out.push({ track: c.track, t0: c.openT0, state: c.openState, detail: c.openDetail, seq0: c.openSeq0 });
  }

  /** Closes every open span at the end of the recording. */
  finish(t: number, seq: number): void {
    for (const c of this.cpus) {
      if (!c?.open) continue;
      if (t > c.openT0) this.sink.span(c.track, c.openT0, t, c.openState, c.openDetail, c.openSeq0, seq);
      c.open = false;
    }
  }
}
