// Lock spans per lock and CPU, from the kernel's lock tracepoints (GUEST-INTERFACE.md, types
// 9-12): spinning from LOCK_CONTENDED to LOCK_ACQUIRED, held from LOCK_ACQUIRED to LOCK_RELEASE.
// A lock that is never released (a deadlock, a panic while holding it) stays open to the end of
// the recording, which is exactly what the timeline should show.

import { LockState, TrackKind } from './schema.ts';
import type { OpenSpan, OpenSpanRow, SpanSink } from './span_sink.ts';

export interface LockInfo {
  addr: number;
  name: string;
  cls: number;
}

/** One lock on one CPU: its track (created on first use) and the span open on it. */
interface LockOnCpu {
  track: number | null;
  open: OpenSpan | null;
}

export class LockSpanTracker {
  /** Per lock address, per CPU: numbers for keys, as this runs for every lock tracepoint. */
  private readonly perLock = new Map<number, LockOnCpu[]>();
  readonly locks = new Map<number, LockInfo>();
  /** Locks first seen or renamed since the last drain, for the writer to store. */
  private changed: LockInfo[] = [];

  constructor(private readonly sink: SpanSink) {}

  private lock(addr: number, name: string, cls: number | null): void {
    const known = this.locks.get(addr);
    if (known && (known.name === name || name === '') && (cls === null || known.cls === cls)) return;
    const info = { addr, name: name || known?.name || '', cls: cls ?? known?.cls ?? 0 };
    this.locks.set(addr, info);
    this.changed.push(info);
  }

  private on(addr: number, cpu: number): LockOnCpu {
    let cpus = this.perLock.get(addr);
    if (!cpus) this.perLock.set(addr, (cpus = []));
    return (cpus[cpu] ??= { track: null, open: null });
  }

  private track(addr: number, cpu: number, at: LockOnCpu): number {
    return (at.track ??= this.sink.track(TrackKind.Lock, cpu, addr, `${this.locks.get(addr)?.name || 'lock'} on CPU ${cpu}`));
  }

  private begin(addr: number, cpu: number, state: number, t: number, seq: number): void {
    const at = this.on(addr, cpu);
    this.end(at, addr, cpu, t, seq);
    at.open = { t0: t, state, detail: 0, seq0: seq };
  }

  private end(at: LockOnCpu, addr: number, cpu: number, t: number, seq: number): void {
    const o = at.open;
    if (!o) return;
    at.open = null;
    if (t > o.t0) this.sink.span(this.track(addr, cpu, at), o.t0, t, o.state, o.detail, o.seq0, seq);
  }

  acquire(cpu: number, addr: number, cls: number, name: string): void {
    this.lock(addr, name, cls);
    this.track(addr, cpu, this.on(addr, cpu));
  }

  contended(cpu: number, addr: number, name: string, t: number, seq: number): void {
    this.lock(addr, name, null);
    if (this.on(addr, cpu).open?.state === LockState.Held) return; // recursion: the kernel reports it; the lock stays held
    this.begin(addr, cpu, LockState.Spinning, t, seq);
  }

  acquired(cpu: number, addr: number, name: string, t: number, seq: number): void {
    this.lock(addr, name, null);
    this.begin(addr, cpu, LockState.Held, t, seq);
  }

  release(cpu: number, addr: number, t: number, seq: number): void {
    this.end(this.on(addr, cpu), addr, cpu, t, seq);
  }

  /** The lock spans open now (held or spinning). */
  openSpans(out: OpenSpanRow[]): void {
    for (const [addr, cpus] of this.perLock) {
      cpus.forEach((at, cpu) => { if (at.open) out.push({ track: this.track(addr, cpu, at), ...at.open }); });
    }
  }

  drainChangedLocks(): LockInfo[] {
    const out = this.changed;
    this.changed = [];
    return out;
  }

  finish(t: number, seq: number): void {
    for (const [addr, cpus] of this.perLock) cpus.forEach((at, cpu) => this.end(at, addr, cpu, t, seq));
  }
}
