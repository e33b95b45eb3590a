// Which task is on each CPU, from the kernel's SWITCH tracepoints (GUEST-INTERFACE.md, type 3).
// Before a CPU's first switch, the pid stamped on its events names the task.

import { TrackKind } from './schema.ts';
import type { OpenSpan, OpenSpanRow, SpanSink } from './span_sink.ts';

export class CpuThreadTracker {
  private readonly tracks: number[] = [];
  private readonly open: (OpenSpan | null)[] = [];

  constructor(private readonly sink: SpanSink) {}

  private track(cpu: number): number {
    return (this.tracks[cpu] ??= this.sink.track(TrackKind.CpuThread, cpu, 0, `CPU ${cpu} tasks`));
  }

  /** The pid stamped on an event: opens the CPU's first span if no switch was seen yet. */
  seen(cpu: number, pid: number, t: number, seq: number): void {
    if (pid > 0 && !this.open[cpu]) this.open[cpu] = { t0: t, state: pid, detail: 0, seq0: seq };
    this.track(cpu);
  }

  switchTo(cpu: number, next: number, kernelThread: boolean, t: number, seq: number): void {
    this.close(cpu, t, seq);
    this.open[cpu] = { t0: t, state: next, detail: kernelThread ? 1 : 0, seq0: seq };
  }

  private close(cpu: number, t: number, seq: number): void {
    const o = this.open[cpu];
    if (o && t > o.t0) this.sink.span(this.track(cpu), o.t0, t, o.state, o.detail, o.seq0, seq);
    this.open[cpu] = null;
  }

  /** Reset or power-off: no task runs anywhere. */
  stopAll(t: number, seq: number): void {
    for (let cpu = 0; cpu < this.open.length; cpu++) this.close(cpu, t, seq);
  }

  /** The task span each CPU is in now. */
  openSpans(out: OpenSpanRow[]): void {
    this.open.forEach((o, cpu) => { if (o) out.push({ track: this.track(cpu), ...o }); });
  }

  finish(t: number, seq: number): void {
    this.stopAll(t, seq);
  }
}
