// Event markers for a time range at a zoom, as the API's columns, one per family, CPU and pixel
// column with a count of what it stands for. Zoomed in (at most MAX_EXACT marker events in
// range), every event becomes a marker. Zoomed out, markers come from the session's notable
// events (faults, signals, oopses, panics, triple faults, resets), indexed once per session, so
// the important moments show at every zoom while syscalls and interrupts wait for a closer look.

import { TraceType } from '../../emulator/machine/trace_format.ts';
import { Flow, type EventMarks } from '../../preload/api.ts';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import type { FlowView } from '../session/reader.ts';
import type { SessionClient } from '../session/session_client.ts';
import { markOf } from './event_marks.ts';
import { shortLabel } from './describe_event.ts';
import type { SpinFlows } from './lanes.ts';

const NOTABLE_TRACES = [
  TraceType.SIGNAL_GENERATE, TraceType.SIGNAL_FORCE, TraceType.LOCKDEP, TraceType.SPINLOCK_RECURSION,
  TraceType.OOPS, TraceType.PANIC, TraceType.WATCHDOG, TraceType.FIXUP, TraceType.STACK_PROTECTOR,
  TraceType.DOUBLE_FAULT,
];
const NOTABLE_KINDS = ['exception', 'triple-fault', 'reset', 'power-off', 'trace'];
/** Event kinds that can be markers (markOfWord): the rest are band edges or panel text. */
const MARK_KINDS = ['exception', 'interrupt', 'ipi', 'triple-fault', 'reset', 'power-off', 'trace', 'cpu-start'];
/**
 * Past this many marker events in range the view counts as zoomed out. The reader hands events
 * over as decoded objects (about 20 µs each, worker to here), so this keeps a marker query near
 * 100 ms; a columnar raw-record query would lift it (renderer/NEEDS.md, item 5).
 */
const MAX_EXACT = 4096;
// Enough for every fault of a long run; a run faulting more than this shows the first ones.
const MAX_NOTABLE = 200_000;

/** The notable events of a session, columnar and in time order. */
export interface NotableIndex {
  seq: Float64Array;
  t: Float64Array;
  cpu: Uint8Array;
  mark: Uint8Array;
  label: Int32Array;
  labels: string[];
}

// The index is read in this many time windows, one query each: every query stays far inside
// the client's deadline however long the recording, and other queries interleave.
const INDEX_WINDOWS = 64;

export async function indexNotable(client: SessionClient): Promise<NotableIndex> {
  const info = await client.query('info');
  const span = Math.max(info.tLast + 1 - info.tFirst, 1);
  const events: MachineEvent[] = [];
  for (let w = 0; w < INDEX_WINDOWS && events.length < MAX_NOTABLE; w++) {
    const from = info.tFirst + (span * w) / INDEX_WINDOWS;
    const to = w === INDEX_WINDOWS - 1 ? info.tLast + 1 : info.tFirst + (span * (w + 1)) / INDEX_WINDOWS;
    events.push(...(await client.query('events', { from, to, kinds: NOTABLE_KINDS, traceTypes: NOTABLE_TRACES, limit: MAX_NOTABLE - events.length })));
  }
  const n = events.length;
  const out: NotableIndex = {
    seq: new Float64Array(n), t: new Float64Array(n), cpu: new Uint8Array(n), mark: new Uint8Array(n),
    label: new Int32Array(n), labels: [],
  };
  const labelIndex = new Map<string, number>();
  events.forEach((ev, i) => {
    const text = shortLabel(ev);
    let li = labelIndex.get(text);
    if (li === undefined) {
      li = out.labels.length;
      out.labels.push(text);
      labelIndex.set(text, li);
    }
    out.seq[i] = ev.seq;
    out.t[i] = ev.t;
    out.cpu[i] = ev.cpu;
    out.mark[i] = Math.max(markOf(ev), 0);
    out.label[i] = li;
  });
  return out;
}

/** Collects markers, one per (family, CPU, pixel column) with a count of what it stands for. */
class MarkBuilder {
  seq: number[] = [];
  t: number[] = [];
  cpu: number[] = [];
  mark: number[] = [];
  label: number[] = [];
  count: number[] = [];
  labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly slot = new Map<number, number>();

  constructor(private readonly t0: number, private readonly resolution: number) {}

  add(seq: number, t: number, cpu: number, mark: number, label: string): void {
    const column = Math.floor((t - this.t0) / this.resolution);
    const key = (column * 16 + mark) * 256 + cpu;
    const at = this.slot.get(key);
    if (at !== undefined) {
      this.count[at]!++;
      return;
    }
    let li = this.labelIndex.get(label);
    if (li === undefined) {
      li = this.labels.length;
      this.labels.push(label);
      this.labelIndex.set(label, li);
    }
    this.slot.set(key, this.seq.length);
    this.seq.push(seq);
    this.t.push(t);
    this.cpu.push(cpu);
    this.mark.push(mark);
    this.label.push(li);
    this.count.push(1);
  }

  build(flows: SpinFlows): EventMarks {
    return {
      seq: Float64Array.from(this.seq), t: Float64Array.from(this.t), cpu: Uint8Array.from(this.cpu),
      mark: Uint8Array.from(this.mark), label: Int32Array.from(this.label), labels: this.labels,
      count: Uint32Array.from(this.count),
      flows: {
        t0: Float64Array.from(flows.t0), cpu0: Uint8Array.from(flows.cpu0), t1: Float64Array.from(flows.t1),
        cpu1: Uint8Array.from(flows.cpu1), kind: Uint8Array.from(flows.kind),
      },
    };
  }
}

const FLOW_OF: Record<FlowView['kind'], Flow> = {
  exception: Flow.FaultReturn, nested: Flow.FaultReturn, syscall: Flow.SyscallReturn, interrupt: Flow.InterruptReturn,
};

/** Reader flows as arrows, dropping those too short to see at this resolution. */
export function addFlows(flows: readonly FlowView[], resolution: number, out: SpinFlows): void {
  for (const f of flows) {
    if (f.tTo - f.tFrom < 3 * resolution) continue;
    out.t0.push(f.tFrom);
    out.cpu0.push(f.cpu);
    out.t1.push(f.tTo);
    out.cpu1.push(f.cpu);
    out.kind.push(FLOW_OF[f.kind]);
  }
}

export async function buildMarks(
  client: SessionClient,
  notable: () => Promise<NotableIndex>,
  t0: number,
  t1: number,
  resolution: number,
  limit: number,
  flows: SpinFlows,
): Promise<EventMarks> {
  const res = Math.max(resolution, 1);
  const b = new MarkBuilder(t0, res);
  const events = await client.query('events', { from: t0, to: t1, kinds: MARK_KINDS, limit: Math.min(limit, MAX_EXACT) + 1 });
  if (events.length <= Math.min(limit, MAX_EXACT)) {
    for (const ev of events) {
      const m = markOf(ev);
      if (m >= 0) b.add(ev.seq, ev.t, ev.cpu, m, shortLabel(ev));
    }
  } else {
    const idx = await notable();
    let i = lowerBound(idx.t, t0);
    for (; i < idx.t.length && idx.t[i]! < t1; i++) {
      b.add(idx.seq[i]!, idx.t[i]!, idx.cpu[i]!, idx.mark[i]!, idx.labels[idx.label[i]!]!);
    }
  }
  return b.build(flows);
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
