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

export class LockSpanTracker {
  /** key `${addr}:${cpu}` */
  private readonly tracks = new Map<string, number>();
  private readonly open = new Map<string, OpenSpan>();
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

  private track(addr: number, cpu: number, key: string): number {
    let id = this.tracks.get(key);
    if (id === undefined) {
      id = this.sink.track(TrackKind.Lock, cpu, addr, `${this.locks.get(addr)?.name || 'lock'} on CPU ${cpu}`);
      this.tracks.set(key, id);
    }
    return id;
  }

  private begin(addr: number, cpu: number, state: number, t: number, seq: number): void {
    const key = `${addr}:${cpu}`;
    this.end(key, addr, cpu, t, seq);
    this.open.set(key, { t0: t, state, detail: 0, seq0: seq });
  }

  private end(key: string, addr: number, cpu: number, t: number, seq: number): void {
    const o = this.open.get(key);
    if (!o) return;
    this.open.delete(key);
    if (t > o.t0) this.sink.span(this.track(addr, cpu, key), o.t0, t, o.state, o.detail, o.seq0, seq);
  }

  acquire(cpu: number, addr: number, cls: number, name: string): void {
    this.lock(addr, name, cls);
    this.track(addr, cpu, `${addr}:${cpu}`);
  }

  contended(cpu: number, addr: number, name: string, t: number, seq: number): void {
    this.lock(addr, name, null);
    const o = this.open.get(`${addr}:${cpu}`);
    if (o?.state === LockState.Held) return; // recursion: the kernel reports it; the lock stays held
    this.begin(addr, cpu, LockState.Spinning, t, seq);
  }

  acquired(cpu: number, addr: number, name: string, t: number, seq: number): void {
    this.lock(addr, name, null);
    this.begin(addr, cpu, LockState.Held, t, seq);
  }

  release(cpu: number, addr: number, t: number, seq: number): void {
    this.end(`${addr}:${cpu}`, addr, cpu, t, seq);
  }

  /** The lock spans open now (held or spinning). */
  openSpans(out: OpenSpanRow[]): void {
    for (const [key, o] of this.open) {
      const [addr, cpu] = key.split(':').map(Number) as [number, number];
      out.push({ track: this.track(addr, cpu, key), ...o });
    }
  }

  drainChangedLocks(): LockInfo[] {
    const out = this.changed;
    this.changed = [];
    return out;
  }

  finish(t: number, seq: number): void {
    for (const key of [...this.open.keys()]) {
      const [addr, cpu] = key.split(':').map(Number) as [number, number];
      this.end(key, addr, cpu, t, seq);
    }
  }
}
