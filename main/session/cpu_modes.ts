// Privilege-mode spans per CPU (user, kernel, exception handler with its vector, interrupt
// handler, double fault, halted, off) and the flows between a fault or syscall and its return.
//
// The mode follows the CPU's state as the events describe it: CPL from privilege switches, a
// stack of handler frames pushed by exception/interrupt delivery and popped by IRET, HLT until
// the wake-up. A return to CPL 3 empties the frame stack (no kernel handler survives it), so one
// missed IRET cannot skew the rest of the recording.

import { CpuMode, TrackKind } from './schema.ts';
import { FlowKind, type OpenSpan, type SpanSink } from './span_sink.ts';

const MAX_FRAMES = 64;
const DOUBLE_FAULT = 8;

interface HandlerFrame {
  kind: 'exception' | 'interrupt';
  vector: number;
  seq: number;
  t: number;
}

interface CpuState {
  track: number;
  started: boolean;
  halted: boolean;
  cpl: number;
  frames: HandlerFrame[];
  syscall: { seq: number; t: number } | null;
  open: OpenSpan | null;
}

export class CpuModeTracker {
  private readonly cpus: CpuState[] = [];

  constructor(private readonly sink: SpanSink) {}

  private cpu(n: number): CpuState {
    let c = this.cpus[n];
    if (!c) {
      c = { track: this.sink.track(TrackKind.CpuMode, n, 0, `CPU ${n}`), started: false, halted: false, cpl: 0,
        frames: [], syscall: null, open: null };
      this.cpus[n] = c;
    }
    return c;
  }

  private update(c: CpuState, t: number, seq: number): void {
    const top = c.frames[c.frames.length - 1];
    let state: number = CpuMode.Kernel;
    let detail = 0;
    if (!c.started) state = CpuMode.Off;
    else if (c.halted) state = CpuMode.Halted;
    else if (top) {
      state = top.kind === 'interrupt' ? CpuMode.Interrupt : top.vector === DOUBLE_FAULT ? CpuMode.DoubleFault : CpuMode.Exception;
      detail = top.vector;
    } else if (c.cpl === 3) state = CpuMode.User;
    const open = c.open;
    if (open && open.state === state && open.detail === detail) return;
    if (open && t > open.t0) this.sink.span(c.track, open.t0, t, open.state, open.detail, open.seq0, seq);
    c.open = { t0: t, state, detail, seq0: seq };
  }

  /**
   * Any event of a CPU: one that was not started yet is running from now on, in the kernel (the
   * boot CPU emits no start event; GUEST-INTERFACE.md "CPU 0 at entry").
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
    c.frames = [];
    this.update(c, t, seq);
  }

  privSwitch(n: number, t: number, seq: number, toCpl: number, cause: number): void {
    const c = this.cpu(n);
    c.started = true;
    c.cpl = toCpl;
    if (toCpl === 3) c.frames = [];
    if (cause === 0) c.syscall = { seq, t };
    else if (cause === 1 && c.syscall) {
      this.sink.flow(FlowKind.Syscall, 0, n, c.syscall.seq, c.syscall.t, seq, t);
      c.syscall = null;
    }
    this.update(c, t, seq);
  }

  handlerEntry(n: number, t: number, seq: number, kind: 'exception' | 'interrupt', vector: number): void {
    const c = this.cpu(n);
    c.started = true;
    c.halted = false;
    const outer = c.frames[c.frames.length - 1];
    if (outer && kind === 'exception') {
      this.sink.flow(FlowKind.Nested, vector, n, outer.seq, outer.t, seq, t);
    }
    if (c.frames.length === MAX_FRAMES) c.frames.shift();
    c.frames.push({ kind, vector, seq, t });
    c.cpl = 0; // handlers run at CPL 0 (SDM 6.12.1: the gate's code segment is the kernel's)
    this.update(c, t, seq);
  }

  iret(n: number, t: number, seq: number, toCpl: number): void {
    const c = this.cpu(n);
    const frame = c.frames.pop();
    if (frame) this.sink.flow(frame.kind === 'exception' ? FlowKind.Exception : FlowKind.Interrupt, frame.vector, n, frame.seq, frame.t, seq, t);
    c.cpl = toCpl;
    if (toCpl === 3) c.frames = [];
    this.update(c, t, seq);
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
    for (const c of this.cpus) {
      if (!c) continue;
      c.started = false;
      c.halted = false;
      c.frames = [];
      c.syscall = null;
      this.update(c, t, seq);
    }
  }

  /** Closes every open span at the end of the recording. */
  finish(t: number, seq: number): void {
    for (const c of this.cpus) {
      if (!c?.open) continue;
      if (t > c.open.t0) this.sink.span(c.track, c.open.t0, t, c.open.state, c.open.detail, c.open.seq0, seq);
      c.open = null;
    }
  }
}
