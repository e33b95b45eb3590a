// Everything computed from the event stream while it is recorded, batch by batch: spans (CPU
// mode, task on CPU, locks) with their level-of-detail summaries, flows, tasks, locks, console
// lines, counts, and the facts the outcome is made of. Reads the machine's records word by word
// (no per-event objects), so it keeps up with the recorder.

import { EventKind, RECORD_WORDS, type EventBatch } from '../../emulator/machine/events.ts';
import { CpuModeTracker } from './cpu_modes.ts';
import { CpuThreadTracker } from './cpu_threads.ts';
import { LockSpanTracker, type LockInfo } from './lock_spans.ts';
import { LockOrder, type LockEdgeRow } from './lock_order.ts';
import { TrackSummary, type SummaryEmit } from './summaries.ts';

/** A summary row as the arguments of SummaryEmit: track, level, t0, t1, state, present, count. */
export type SummaryRowValues = Parameters<SummaryEmit>;
import type { OpenSpanRow, SpanSink, TrackRow } from './span_sink.ts';
import { FLOW_COLUMNS, SPAN_COLUMNS, SUMMARY_COLUMNS, type TrackKind } from './schema.ts';
import { ColumnBuffer } from './column_buffer.ts';
import { encodeDerived, type DerivedChunks } from './derived_chunks.ts';

/** Trace record types the derivers read (GUEST-INTERFACE.md, "Trace records"). */
export const TraceType = {
  SyscallEnter: 1, SyscallExit: 2, Switch: 3, TaskCreate: 4, TaskExit: 5, SignalGenerate: 6,
  SignalDeliver: 7, SignalForce: 8, LockAcquire: 9, LockContended: 10, LockAcquired: 11,
  LockRelease: 12, Lockdep: 13, SpinlockRecursion: 14, Oops: 15, Panic: 16, Watchdog: 17,
  Fixup: 18, StackProtector: 19, DoubleFault: 20, Crashlab: 21, Mark: 22,
} as const;

export const TRACE_TYPE_NAMES: Record<number, string> = {
  1: 'SYSCALL_ENTER', 2: 'SYSCALL_EXIT', 3: 'SWITCH', 4: 'TASK_CREATE', 5: 'TASK_EXIT',
  6: 'SIGNAL_GENERATE', 7: 'SIGNAL_DELIVER', 8: 'SIGNAL_FORCE', 9: 'LOCK_ACQUIRE',
  10: 'LOCK_CONTENDED', 11: 'LOCK_ACQUIRED', 12: 'LOCK_RELEASE', 13: 'LOCKDEP',
  14: 'SPINLOCK_RECURSION', 15: 'OOPS', 16: 'PANIC', 17: 'WATCHDOG', 18: 'FIXUP',
  19: 'STACK_PROTECTOR', 20: 'DOUBLE_FAULT', 21: 'CRASHLAB', 22: 'MARK',
};

export interface TaskRow {
  pid: number;
  name: string;
  parent: number;
  kernelThread: boolean;
  tCreate: number;
  tExit: number | null;
  exitStatus: number | null;
}

export interface ConsoleRow {
  seq: number;
  t: number;
  cpu: number;
  channel: 'uart' | 'debugcon';
  text: string;
}

/**
 * What the writer stores after each commit; spans and summaries are per track (and level), and a
 * buffer may be empty (buffers are kept from one commit to the next, so they need not grow again).
 */
export interface DerivedRows {
  tracks: TrackRow[];
  spans: Map<number, ColumnBuffer>;
  /** Keyed by track * 64 + level. */
  summaries: Map<number, { track: number; level: number; rows: ColumnBuffer }>;
  flows: ColumnBuffer;
  tasks: TaskRow[];
  locks: LockInfo[];
  /** Lock-order edges first taken since the last drain. */
  lockEdges: LockEdgeRow[];
  console: ConsoleRow[];
}

/** Facts about the whole run so far, from which the outcome and the summary are made. */
export interface RunFacts {
  events: number;
  tFirst: number | null;
  tLast: number;
  byKind: Record<string, number>;
  byTrace: Record<string, number>;
  panic: { t: number; cpu: number; text: string } | null;
  oops: { t: number; cpu: number; text: string } | null;
  tripleFault: { t: number; cpu: number; firstVector: number; secondVector: number } | null;
  powerOff: { t: number } | null;
}

const MAX_CONSOLE_LINE = 4096;

function lo(words: Uint32Array, w: number, n: number): number {
  return words[w + 4 + 2 * n]!;
}

/** A 64-bit argument read as signed: exact for canonical addresses and small values. */
function signed(words: Uint32Array, w: number, n: number): number {
  return (words[w + 5 + 2 * n]! | 0) * 4294967296 + words[w + 4 + 2 * n]!;
}

export class Deriver implements SpanSink {
  private readonly modes = new CpuModeTracker(this);
  private readonly threads = new CpuThreadTracker(this);
  private readonly locks = new LockSpanTracker(this);
  private readonly lockOrder = new LockOrder();
  private readonly summaries = new Map<number, TrackSummary>();
  private readonly tasks = new Map<number, TaskRow>();
  private changedTasks = new Set<number>();
  /** Console lines not yet ended, keyed by cpu * 2 + (debugcon ? 1 : 0). */
  private readonly consoleOpen = new Map<number, ConsoleRow>();
  private rows: DerivedRows = Deriver.empty();
  /** The rows drain() returned last, emptied and filled again after the next drain. */
  private spare: DerivedRows = Deriver.empty();
  private nextTrack = 1;
  private lastSeq = 0;
  readonly facts: RunFacts = { events: 0, tFirst: null, tLast: 0, byKind: {}, byTrace: {}, panic: null, oops: null, tripleFault: null, powerOff: null };

  private static empty(): DerivedRows {
    return { tracks: [], spans: new Map(), summaries: new Map(), flows: new ColumnBuffer(FLOW_COLUMNS.length), tasks: [], locks: [], lockEdges: [], console: [] };
  }

  private static clear(rows: DerivedRows): void {
    rows.tracks = [];
    for (const b of rows.spans.values()) b.clear();
    for (const s of rows.summaries.values()) s.rows.clear();
    rows.flows.clear();
    rows.tasks = [];
    rows.locks = [];
    rows.lockEdges = [];
    rows.console = [];
  }

  track(kind: TrackKind, cpu: number, lockAddr: number, name: string): number {
    const id = this.nextTrack++;
    this.rows.tracks.push({ id, kind, cpu, lockAddr, name });
    this.summaries.set(id, new TrackSummary(id, this.summaryRow));
    return id;
  }

  span(track: number, t0: number, t1: number, state: number, detail: number, seq0: number, seq1: number): void {
    let buf = this.rows.spans.get(track);
    if (!buf) this.rows.spans.set(track, (buf = new ColumnBuffer(SPAN_COLUMNS.length)));
    const i = buf.add();
    const c = buf.columns;
    c[0]![i] = t0; c[1]![i] = t1; c[2]![i] = state; c[3]![i] = detail; c[4]![i] = seq0; c[5]![i] = seq1;
    buf.cover(t0, t1);
    this.summaries.get(track)!.add(t0, t1, state);
  }

  private readonly summaryRow = (track: number, level: number, t0: number, t1: number, state: number, present: number, count: number): void => {
    // A number key: this runs for every summary row, and a string key costs a concatenation each time.
    const key = track * 64 + level;
    let entry = this.rows.summaries.get(key);
    if (!entry) this.rows.summaries.set(key, (entry = { track, level, rows: new ColumnBuffer(SUMMARY_COLUMNS.length) }));
    const i = entry.rows.add();
    const c = entry.rows.columns;
    c[0]![i] = t0; c[1]![i] = t1; c[2]![i] = state; c[3]![i] = present; c[4]![i] = count;
    entry.rows.cover(t0, t1);
  };

  flow(kind: number, vector: number, cpu: number, seqFrom: number, tFrom: number, seqTo: number, tTo: number): void {
    const buf = this.rows.flows;
    const i = buf.add();
    const c = buf.columns;
    c[0]![i] = kind; c[1]![i] = vector; c[2]![i] = cpu; c[3]![i] = seqFrom; c[4]![i] = tFrom; c[5]![i] = seqTo; c[6]![i] = tTo;
    buf.cover(tFrom, tTo);
  }

  /** Folds one batch into the derived state. */
  consume(batch: EventBatch): void {
    const { words, texts } = batch;
    const times = new Float64Array(words.buffer, words.byteOffset, (batch.count * RECORD_WORDS) >> 1);
    const facts = this.facts;
    for (let i = 0; i < batch.count; i++) {
      const w = i * RECORD_WORDS;
      const w0 = words[w]!;
      const kind = w0 & 0xff;
      const cpu = (w0 >>> 8) & 0xff;
      const flags = w0 >>> 16;
      const pid = words[w + 1]! | 0;
      const t = times[i * (RECORD_WORDS >> 1) + 1]!;
      const seq = batch.firstSeq + i;
      facts.tFirst ??= t;
      if (t > facts.tLast) facts.tLast = t;
      facts.byKind[kind] = (facts.byKind[kind] ?? 0) + 1;
      this.threads.seen(cpu, pid, t, seq);
      if (kind !== EventKind.Reset && kind !== EventKind.PowerOff && kind !== EventKind.TripleFault) this.modes.seen(cpu, t, seq);
      switch (kind) {
        case EventKind.CpuStart: this.modes.start(cpu, t, seq); break;
        case EventKind.PrivSwitch: this.modes.privSwitch(cpu, t, seq, (flags >> 2) & 3, (flags >> 4) & 7); break;
        case EventKind.Exception:
          // Flag 0x2000: the handler was entered (events.ts decodeEvent, `delivered`).
          if (flags & 0x2000) this.modes.handlerEntry(cpu, t, seq, false, flags & 0xff);
          else this.modes.deliveryFailed(cpu, t, seq, flags & 0xff);
          break;
        case EventKind.Interrupt: this.modes.handlerEntry(cpu, t, seq, true, flags & 0xff); break;
        case EventKind.Iret: this.modes.iret(cpu, t, seq, (flags >> 2) & 3); break;
        case EventKind.Halt: this.modes.halt(cpu, t, seq); break;
        case EventKind.Wake: this.modes.wake(cpu, t, seq); break;
        case EventKind.TripleFault:
          facts.tripleFault ??= { t, cpu, firstVector: lo(words, w, 0), secondVector: lo(words, w, 1) };
          this.modes.stopAll(t, seq);
          this.threads.stopAll(t, seq);
          break;
        case EventKind.Reset:
          this.modes.stopAll(t, seq);
          this.threads.stopAll(t, seq);
          this.lockOrder.releaseAll();
          break;
        case EventKind.PowerOff:
          facts.powerOff ??= { t };
          this.modes.stopAll(t, seq);
          this.threads.stopAll(t, seq);
          break;
        case EventKind.Console:
          this.console(seq, t, cpu, flags === 0 ? 'uart' : 'debugcon', texts[lo(words, w, 0)] ?? '');
          break;
        case EventKind.Trace: {
          const ti = lo(words, w, 6) | 0;
          this.trace(flags, words, w, ti >= 0 ? texts[ti] ?? '' : '', cpu, pid, t, seq);
          break;
        }
      }
    }
    facts.events += batch.count;
    if (batch.count > 0) this.lastSeq = batch.firstSeq + batch.count;
  }

  private trace(type: number, words: Uint32Array, w: number, text: string, cpu: number, pid: number, t: number, seq: number): void {
    const facts = this.facts;
    facts.byTrace[type] = (facts.byTrace[type] ?? 0) + 1;
    switch (type) {
      case TraceType.Switch: {
        const next = lo(words, w, 1) | 0;
        this.threads.switchTo(cpu, next, lo(words, w, 2) === 1, t, seq);
        this.modes.switchTask(cpu, lo(words, w, 0) | 0, next, t, seq);
        if (!this.tasks.has(next) && next > 0) this.setTask({ pid: next, name: text, parent: 0, kernelThread: lo(words, w, 2) === 1, tCreate: t, tExit: null, exitStatus: null });
        break;
      }
      case TraceType.TaskCreate: {
        const created = lo(words, w, 0) | 0;
        this.setTask({ pid: created, name: text, parent: lo(words, w, 1) | 0, kernelThread: lo(words, w, 2) === 1, tCreate: t, tExit: null, exitStatus: null });
        this.modes.newTask(created);
        break;
      }
      case TraceType.TaskExit: {
        const pid = lo(words, w, 0) | 0;
        const known = this.tasks.get(pid) ?? { pid, name: text, parent: 0, kernelThread: false, tCreate: t, tExit: null, exitStatus: null };
        this.setTask({ ...known, tExit: t, exitStatus: signed(words, w, 1) });
        break;
      }
      case TraceType.LockAcquire: {
        const lock = signed(words, w, 0);
        this.locks.acquire(cpu, lock, lo(words, w, 1), text);
        this.lockOrder.request(cpu, lock, t, pid, seq);
        break;
      }
      case TraceType.LockContended: this.locks.contended(cpu, signed(words, w, 0), text, t, seq); break;
      case TraceType.LockAcquired: {
        const lock = signed(words, w, 0);
        this.locks.acquired(cpu, lock, text, t, seq);
        this.lockOrder.acquired(cpu, lock);
        break;
      }
      case TraceType.LockRelease: {
        const lock = signed(words, w, 0);
        this.locks.release(cpu, lock, t, seq);
        this.lockOrder.release(cpu, lock);
        break;
      }
      case TraceType.Oops: facts.oops ??= { t, cpu, text }; break;
      case TraceType.Panic: facts.panic ??= { t, cpu, text }; break;
    }
  }

  private setTask(row: TaskRow): void {
    this.tasks.set(row.pid, row);
    this.changedTasks.add(row.pid);
  }

  private console(seq: number, t: number, cpu: number, channel: 'uart' | 'debugcon', text: string): void {
    const key = cpu * 2 + (channel === 'uart' ? 0 : 1);
    let line = this.consoleOpen.get(key);
    if (!line) {
      line = { seq, t, cpu, channel, text: '' };
      this.consoleOpen.set(key, line);
    }
    line.text += text;
    if (text.includes('\n') || line.text.length >= MAX_CONSOLE_LINE) {
      this.rows.console.push(line);
      this.consoleOpen.delete(key);
    }
  }

  /** Rows produced since the last drain; they stay valid until the next drain. */
  drain(): DerivedRows {
    const out = this.rows;
    out.locks = this.locks.drainChangedLocks();
    out.lockEdges = this.lockOrder.drain();
    out.tasks = [...this.changedTasks].map((pid) => this.tasks.get(pid)!);
    this.changedTasks.clear();
    Deriver.clear(this.spare);
    this.rows = this.spare;
    this.spare = out;
    return out;
  }

  /** The rows since the last hand-over, encoded for the writer, with what is open now. */
  handOver(): DerivedChunks {
    return encodeDerived(this.drain(), this.provisional());
  }

  /** The last rows, encoded for the writer: finish() with nothing left open. */
  handOverLast(): DerivedChunks {
    return encodeDerived(this.finish(), null);
  }

  /** What is still open now: one span per track, and the unfinished summary rows. */
  provisional(): { spans: OpenSpanRow[]; summaries: SummaryRowValues[] } {
    const spans: OpenSpanRow[] = [];
    this.modes.openSpans(spans);
    this.threads.openSpans(spans);
    this.locks.openSpans(spans);
    const summaries: SummaryRowValues[] = [];
    for (const s of this.summaries.values()) s.provisional((...row) => summaries.push(row));
    return { spans, summaries };
  }

  /** Closes every open span, summary and console line at the end of the recording. */
  finish(): DerivedRows {
    const t = this.facts.tLast;
    this.modes.finish(t, this.lastSeq);
    this.threads.finish(t, this.lastSeq);
    this.locks.finish(t, this.lastSeq);
    for (const s of this.summaries.values()) s.finish();
    for (const line of this.consoleOpen.values()) this.rows.console.push(line);
    this.consoleOpen.clear();
    return this.drain();
  }
}
