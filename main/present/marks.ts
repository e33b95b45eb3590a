// Event markers for a time range at a zoom, as the API's columns, one per family, CPU and pixel
// column (or wider columns, when that is more than asked for) with a count of what it stands for.
// Zoomed in (at most MAX_EXACT marker events in range), every event counts in a marker, read as
// the reader's columnar records. Zoomed out, markers come from the session's notable events
// (faults, signals, oopses, panics, triple faults, resets), indexed once per session (again at
// each refresh of a live one), so the important moments show at every zoom while syscalls and
// interrupts wait for a closer look.

import { TraceType } from '../../emulator/machine/trace_format.ts';
import { Flow, type EventMarks } from '../../preload/api.ts';
import { EventKind } from '../../emulator/machine/events.ts';
import type { FlowView, RecordColumns } from '../session/reader.ts';
import type { SessionClient } from '../session/session_client.ts';
import { markOfWord } from './event_marks.ts';
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
 * Past this many marker records in range the view counts as zoomed out. Records come from the
 * reader as columns (30 bytes each, no object per event): reading this many is mostly decoding
 * their chunks, a few hundred milliseconds (tests/bench/timeline_bench.ts).
 */
const MAX_EXACT = 1 << 18;
// Enough for every fault of a long run; a run faulting more than this shows the first ones.
const MAX_NOTABLE = 200_000;
/** Distinct labels looked up per answer (one decoded event each); markers past them show none. */
const MAX_LABEL_LOOKUPS = 2048;

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

/**
 * What a record's short label depends on, from its words alone: the first word without the CPU
 * (kind, and the vector, cause or trace type in its flags), plus for IPIs the target and for
 * trace records the first two arguments (syscall number and result, lock address, signal).
 */
function labelKey(word: number, arg0: number, arg1: number): string {
  const w = (word & 0xffff00ff) >>> 0;
  switch (word & 0xff) {
    case EventKind.Ipi: return `${w}:${arg0}`;
    case EventKind.Trace: return `${w}:${arg0}:${arg1}`;
    default: return `${w}`;
  }
}

/**
 * Short labels for records picked by index, looked up once per distinct label key: one decoded
 * event stands for every record sharing its key. Returns the label index of each picked record
 * (-1 past MAX_LABEL_LOOKUPS keys) and the labels.
 */
async function labelRecords(client: SessionClient, rec: RecordColumns, picked: ArrayLike<number>): Promise<{ label: Int32Array; labels: string[] }> {
  const keyOf = new Map<string, number>();
  const reps: number[] = [];
  const keyIndex = new Int32Array(picked.length);
  for (let k = 0; k < picked.length; k++) {
    const i = picked[k]!;
    const key = labelKey(rec.word[i]!, rec.args[4 * i]!, rec.args[4 * i + 2]!);
    let ki = keyOf.get(key);
    if (ki === undefined && reps.length < MAX_LABEL_LOOKUPS) {
      ki = reps.length;
      keyOf.set(key, ki);
      reps.push(rec.seq[i]!);
    }
    keyIndex[k] = ki ?? -1;
  }
  const events = reps.length === 0 ? [] : await client.query('eventsAt', reps);
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const ofKey = events.map((ev) => {
    if (ev === null) return -1;
    const text = shortLabel(ev);
    let li = labelIndex.get(text);
    if (li === undefined) {
      li = labels.length;
      labels.push(text);
      labelIndex.set(text, li);
    }
    return li;
  });
  return { label: keyIndex.map((ki) => (ki < 0 ? -1 : ofKey[ki]!)), labels };
}

export async function indexNotable(client: SessionClient): Promise<NotableIndex> {
  const info = await client.query('info');
  const span = Math.max(info.tLast + 1 - info.tFirst, 1);
  const parts: RecordColumns[] = [];
  let n = 0;
  for (let w = 0; w < INDEX_WINDOWS && n < MAX_NOTABLE; w++) {
    const from = info.tFirst + (span * w) / INDEX_WINDOWS;
    const to = w === INDEX_WINDOWS - 1 ? info.tLast + 1 : info.tFirst + (span * (w + 1)) / INDEX_WINDOWS;
    const part = await client.query('records', { from, to, kinds: NOTABLE_KINDS, traceTypes: NOTABLE_TRACES, limit: MAX_NOTABLE - n });
    parts.push(part);
    n += part.seq.length;
  }
  const all = concatRecords(parts, n);
  const { label, labels } = await labelRecords(client, all, Uint32Array.from({ length: n }, (_, i) => i));
  return { seq: all.seq, t: all.t, cpu: all.cpu, mark: Uint8Array.from(all.word, (w) => Math.max(markOfWord(w), 0)), label, labels };
}

function concatRecords(parts: RecordColumns[], n: number): RecordColumns {
  const out: RecordColumns = {
    seq: new Float64Array(n), t: new Float64Array(n), cpu: new Uint8Array(n), word: new Uint32Array(n),
    pid: new Int32Array(n), args: new Uint32Array(4 * n), truncated: parts.some((p) => p.truncated),
  };
  let at = 0;
  for (const p of parts) {
    out.seq.set(p.seq, at); out.t.set(p.t, at); out.cpu.set(p.cpu, at);
    out.word.set(p.word, at); out.pid.set(p.pid, at); out.args.set(p.args, 4 * at);
    at += p.seq.length;
  }
  return out;
}

/**
 * Thins markers to one per (family, CPU, pixel column), the first in time, with a count of what
 * each stands for. Input comes in time order, so only the current column's slots are kept.
 */
class MarkBuilder {
  readonly picked: number[] = [];
  readonly seq: number[] = [];
  readonly t: number[] = [];
  readonly cpu: number[] = [];
  readonly mark: number[] = [];
  readonly label: number[] = [];
  readonly count: number[] = [];
  private column = -Infinity;
  private readonly slots = new Int32Array(16 * 256).fill(-1);
  private readonly touched: number[] = [];

  constructor(private readonly t0: number, private readonly resolution: number) {}

  /** Adds a marker (source index `from`, label index `label`); false when it joined an earlier one. */
  add(from: number, seq: number, t: number, cpu: number, mark: number, label: number): boolean {
    const column = Math.floor((t - this.t0) / this.resolution);
    if (column !== this.column) {
      for (const k of this.touched) this.slots[k] = -1;
      this.touched.length = 0;
      this.column = column;
    }
    const key = (mark & 15) * 256 + cpu;
    const at = this.slots[key]!;
    if (at >= 0) {
      this.count[at]!++;
      return false;
    }
    this.slots[key] = this.seq.length;
    this.touched.push(key);
    this.picked.push(from);
    this.seq.push(seq);
    this.t.push(t);
    this.cpu.push(cpu);
    this.mark.push(mark);
    this.label.push(label);
    this.count.push(1);
    return true;
  }

  get size(): number {
    return this.seq.length;
  }

  build(labels: string[], label: ArrayLike<number>, flows: SpinFlows): EventMarks {
    return {
      seq: Float64Array.from(this.seq), t: Float64Array.from(this.t), cpu: Uint8Array.from(this.cpu),
      mark: Uint8Array.from(this.mark), label: Int32Array.from(label), labels,
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
  // Past four times MAX_EXACT events in range, too many are markers to read them all.
  const rec = (await client.query('eventCount', t0, t1)) > 4 * MAX_EXACT ? null : await client.query('records', { from: t0, to: t1, kinds: MARK_KINDS, limit: MAX_EXACT });
  if (rec !== null && !rec.truncated) {
    // One marker per family, CPU and pixel column; when that is more than asked for, per two
    // columns, four...: every family still shows wherever it occurs.
    for (let column = res; ; column *= 2) {
      const b = new MarkBuilder(t0, column);
      for (let i = 0; i < rec.seq.length && b.size <= limit; i++) {
        const m = markOfWord(rec.word[i]!);
        if (m >= 0) b.add(i, rec.seq[i]!, rec.t[i]!, rec.cpu[i]!, m, -1);
      }
      if (b.size <= limit || column > t1 - t0) {
        const { label, labels } = await labelRecords(client, rec, b.picked);
        return b.build(labels, label, flows);
      }
    }
  }
  const idx = await notable();
  const b = new MarkBuilder(t0, res);
  for (let i = lowerBound(idx.t, t0); i < idx.t.length && idx.t[i]! < t1; i++) {
    b.add(i, idx.seq[i]!, idx.t[i]!, idx.cpu[i]!, idx.mark[i]!, idx.label[i]!);
  }
  return b.build(idx.labels, b.label, flows);
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
