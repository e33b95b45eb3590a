// The reader's tracks and spans turned into the API's lanes: one mode lane and one task lane
// per CPU, and one lane per lock merging that lock's per-CPU tracks (aux = the CPU), plus the
// spinner -> holder arrows found where a spinning span starts while another CPU holds the lock.

import { Band, Flow, type LaneSpans } from '../../preload/api.ts';
import { EXCEPTION_MNEMONICS } from '../../emulator/machine/events.ts';
import { CpuMode, LockState, TrackKind } from '../session/schema.ts';
import type { TrackInfo, TrackSpans } from '../session/reader.ts';

const MODE_BANDS: Record<number, Band> = {
  [CpuMode.Off]: Band.Off,
  [CpuMode.User]: Band.User,
  [CpuMode.Kernel]: Band.Kernel,
  [CpuMode.Exception]: Band.Exception,
  [CpuMode.Interrupt]: Band.Interrupt,
  [CpuMode.DoubleFault]: Band.DoubleFault,
  [CpuMode.Halted]: Band.Halted,
};

export function lockLaneId(lockAddr: number): string {
  return `lock:0x${BigInt.asUintN(64, BigInt(lockAddr)).toString(16)}`;
}

/** Grows columns row by row, then hands them out as typed arrays. */
class LaneBuilder {
  private t0: number[] = [];
  private t1: number[] = [];
  private band: number[] = [];
  private label: number[] = [];
  private aux: number[] = [];
  private mixed: number[] = [];
  private readonly labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();

  constructor(readonly lane: string, readonly title: string) {}

  push(t0: number, t1: number, band: Band, label: string | null, aux: number, mixed: boolean): void {
    let li = -1;
    if (label !== null) {
      li = this.labelIndex.get(label) ?? -1;
      if (li < 0) {
        li = this.labels.length;
        this.labels.push(label);
        this.labelIndex.set(label, li);
      }
    }
    this.t0.push(t0);
    this.t1.push(t1);
    this.band.push(band);
    this.label.push(li);
    this.aux.push(aux);
    this.mixed.push(mixed ? 1 : 0);
  }

  /** Rows sorted by start: merged lock tracks arrive one CPU after another. */
  build(): LaneSpans {
    const order = this.t0.map((_, i) => i).sort((a, b) => this.t0[a]! - this.t0[b]!);
    const pick = <T extends Float64Array | Uint8Array | Int32Array>(src: number[], make: (n: number) => T): T => {
      const out = make(order.length);
      order.forEach((k, i) => (out[i] = src[k]!));
      return out;
    };
    return {
      lane: this.lane, title: this.title, labels: this.labels,
      t0: pick(this.t0, (n) => new Float64Array(n)), t1: pick(this.t1, (n) => new Float64Array(n)),
      band: pick(this.band, (n) => new Uint8Array(n)), label: pick(this.label, (n) => new Int32Array(n)),
      aux: pick(this.aux, (n) => new Int32Array(n)), mixed: pick(this.mixed, (n) => new Uint8Array(n)),
    };
  }
}

function modeLabel(state: number, vector: number): string | null {
  if (state === CpuMode.Exception) return EXCEPTION_MNEMONICS[vector] ?? `vector ${vector}`;
  if (state === CpuMode.Interrupt) return `irq ${vector}`;
  if (state === CpuMode.DoubleFault) return '#DF';
  return null;
}

export interface LockName {
  addr: number;
  name: string;
}

export function buildLanes(tracks: readonly TrackInfo[], answers: readonly TrackSpans[], locks: readonly LockName[]): LaneSpans[] {
  const byId = new Map(tracks.map((t) => [t.id, t]));
  const lanes = new Map<string, LaneBuilder>();
  const lane = (id: string, title: string) => {
    let b = lanes.get(id);
    if (b === undefined) lanes.set(id, (b = new LaneBuilder(id, title)));
    return b;
  };
  const lockNames = new Map(locks.map((l) => [l.addr, l.name]));
  for (const answer of answers) {
    const track = byId.get(answer.track);
    if (track === undefined) continue;
    const rows = answer.level === null
      ? answer.spans.map((s) => ({ t0: s.t0, t1: s.t1, state: s.state, label: s.label, detail: s.detail, mixed: false }))
      : answer.summaries.map((s) => ({ t0: s.t0, t1: s.t1, state: s.state, label: s.label, detail: 0, mixed: (s.present & ~(1 << s.state)) !== 0 }));
    if (track.kind === TrackKind.CpuMode) {
      const b = lane(`cpu:${track.cpu}`, `CPU ${track.cpu}`);
      for (const r of rows) b.push(r.t0, r.t1, MODE_BANDS[r.state] ?? Band.Kernel, modeLabel(r.state, r.detail), r.state === CpuMode.Exception || r.state === CpuMode.DoubleFault ? r.detail : -1, r.mixed);
    } else if (track.kind === TrackKind.CpuThread) {
      const b = lane(`task:${track.cpu}`, `CPU ${track.cpu} tasks`);
      for (const r of rows) b.push(r.t0, r.t1, Band.Task, r.state === 0 ? 'idle' : r.label, r.state, r.mixed);
    } else if (track.kind === TrackKind.Lock) {
      const b = lane(lockLaneId(track.lockAddr), lockNames.get(track.lockAddr) ?? track.name);
      for (const r of rows) {
        if (r.state !== LockState.Held && r.state !== LockState.Spinning) continue;
        const band = r.state === LockState.Held ? Band.LockHeld : Band.LockSpinning;
        b.push(r.t0, r.t1, band, `CPU ${track.cpu}`, track.cpu, r.mixed);
      }
    }
  }
  return [...lanes.values()].map((b) => b.build());
}

export interface SpinFlows {
  t0: number[];
  cpu0: number[];
  t1: number[];
  cpu1: number[];
  kind: number[];
}

// Past this many spans in one lock lane the view is zoomed out too far for arrows to be seen;
// the pairing below is quadratic, so it stops there.
const MAX_SPIN_PAIRING = 4000;

/**
 * For each spinning span at least `minTicks` long: an arrow from the spinner to the CPU holding
 * the lock when the spinning began. Shorter spins would only draw a thicket of arrows.
 */
export function spinFlows(lanes: readonly LaneSpans[], minTicks: number, out: SpinFlows): void {
  for (const l of lanes) {
    if (!l.lane.startsWith('lock:') || l.t0.length > MAX_SPIN_PAIRING) continue;
    for (let i = 0; i < l.t0.length; i++) {
      if (l.band[i] !== Band.LockSpinning || l.t1[i]! - l.t0[i]! < minTicks) continue;
      const t = l.t0[i]!;
      for (let j = 0; j < l.t0.length; j++) {
        if (l.band[j] !== Band.LockHeld || l.aux[j] === l.aux[i] || l.t0[j]! > t || l.t1[j]! <= t) continue;
        out.t0.push(t);
        out.cpu0.push(l.aux[i]!);
        out.t1.push(t);
        out.cpu1.push(l.aux[j]!);
        out.kind.push(Flow.SpinWait);
        break;
      }
    }
  }
}
