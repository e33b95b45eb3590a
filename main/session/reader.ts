// The query API over one opened session file: what a renderer asks for while scrubbing (spans
// and event marks for a time range at a zoom, flows, next/previous event, console, bookmarks)
// and what the CLI reports. Synchronous; main/session/session_client.ts runs it in a worker.
// Every answer is bounded, whatever the range or the file.

import type Database from 'better-sqlite3';
import { inflateRawSync } from 'node:zlib';
import { decodeEvent, EVENT_KIND_NAMES, RECORD_WORDS, type EventBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { decodeChunk } from './event_chunk.ts';
import { decodeRows } from './row_chunk.ts';
import { CPU_MODE_NAMES, FLOW_COLUMNS, FLOW_KINDS, LOCK_STATE_NAMES, Meta, SPAN_COLUMNS, SUMMARY_COLUMNS, TrackKind } from './schema.ts';
import { levelFor } from './summaries.ts';
import type { Outcome } from './outcome.ts';
import type { MachineSetup } from './inputs.ts';
import type { RecordingStats } from './writer.ts';
import { openSessionFile, SessionFileError, type CheckLevel } from './open_session.ts';
import { verifySession, type VerifyReport } from './verify.ts';
import type { LockEdgeRow } from './lock_order.ts';

export interface SessionInfo {
  path: string;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  scenario: string;
  config: MachineSetup;
  cmdline: string;
  /** 'complete', or 'cut-short' when the recording never finished (crash, kill). */
  status: 'complete' | 'cut-short';
  outcome: Outcome;
  stats: RecordingStats | null;
  events: number;
  tFirst: number;
  tLast: number;
  cpus: number;
  checkpoints: number;
}

export interface TrackInfo {
  id: number;
  kind: TrackKind;
  cpu: number;
  lockAddr: number;
  name: string;
}

export interface SpanView {
  t0: number;
  t1: number;
  state: number;
  /** Name of the state: a CPU mode, a lock state, or the task's name. */
  label: string;
  /** Vector for handler modes, 1 for kernel threads; 0 otherwise. Not set on summaries. */
  detail: number;
  seq0: number;
  seq1: number;
}

export interface SummaryView {
  t0: number;
  t1: number;
  state: number;
  label: string;
  /** Bit s set when state s appears in the run. */
  present: number;
  count: number;
}

/**
 * A track's spans as they are (level null), or summarised: from the session's summary level
 * `level`, or, finer than the finest level, raw spans merged per pixel column (level = log2 of
 * the ticks per pixel).
 */
export type TrackSpans =
  | { track: number; level: null; spans: SpanView[]; truncated: boolean }
  | { track: number; level: number; summaries: SummaryView[]; truncated: boolean };

export interface FlowView {
  kind: (typeof FLOW_KINDS)[number];
  vector: number;
  cpu: number;
  seqFrom: number;
  tFrom: number;
  seqTo: number;
  tTo: number;
}

export interface EventQuery {
  from?: number;
  to?: number;
  kinds?: string[];
  cpus?: number[];
  /** For kind 'trace': only these trace types. */
  traceTypes?: number[];
  limit?: number;
}

export type EventMarks =
  | { exact: true; events: MachineEvent[] }
  | { exact: false; buckets: { t0: number; t1: number; kinds: string[]; count: number }[] };

/**
 * Records of a time range as columns, one entry per record in time order: what a timeline needs
 * to place and classify millions of markers without an object per event.
 */
export interface RecordColumns {
  seq: Float64Array;
  t: Float64Array;
  cpu: Uint8Array;
  /** The record's first word: kind | cpu << 8 | flags << 16 (emulator/machine/events.ts). */
  word: Uint32Array;
  pid: Int32Array;
  /** The first two arguments, four words per record: a0 low, a0 high, a1 low, a1 high. */
  args: Uint32Array;
  /** More records matched than the limit; those returned are the first ones. */
  truncated: boolean;
}

export interface ConsoleLine {
  seq: number;
  t: number;
  cpu: number;
  channel: string;
  text: string;
}

export interface Bookmark {
  id: number;
  t: number;
  title: string;
  note: string;
  created: string;
}

export interface CheckpointInfo {
  id: number;
  t: number;
  seq: number;
  base: number | null;
}

/** Hard caps on one answer (a renderer asks again, zoomed in, for more). */
export const MAX_ROWS = 20000;
const MAX_EVENTS = 100000;
/** Records one records() answer may hold (30 bytes each in columns). */
export const MAX_RECORDS = 1 << 21;
/** Flows flows() reads at most when asked only for those long enough to see. */
const MAX_FLOW_SCAN = 1 << 17;
/** Event marks come from decoded events up to this many chunks in range, from chunk masks beyond. */
const MAX_EXACT_CHUNKS = 16;

const KIND_CODES = new Map(Object.entries(EVENT_KIND_NAMES).map(([code, name]) => [name, Number(code)]));

function bitOf(n: number): number {
  return n < 31 ? 1 << n : 1 << 31;
}

function kindCode(name: string): number {
  const code = KIND_CODES.get(name);
  if (code === undefined) throw new RangeError(`unknown event kind "${name}" (known: ${[...KIND_CODES.keys()].join(', ')})`);
  return code;
}

interface ChunkRow {
  first_seq: number;
  count: number;
  t_first: number;
  t_last: number;
  kinds: number;
  cpus: number;
  traces: number;
}

/**
 * Merges a track's spans, in time order, into rows of at most about one per pixel column: a
 * span a pixel or longer stays a row of its own; shorter ones are pooled per column into the
 * state covering most of it, with the states present. Neighbouring equal rows join.
 */
class PixelMerge {
  readonly rows: { t0: number; t1: number; state: number; present: number; count: number }[] = [];
  private column = NaN;
  private readonly cover = new Map<number, number>();
  private b0 = 0;
  private b1 = 0;
  private present = 0;
  private count = 0;

  constructor(private readonly ticksPerPixel: number) {}

  add(t0: number, t1: number, state: number): void {
    if (t1 - t0 >= this.ticksPerPixel) {
      this.close();
      this.emit(t0, t1, state, bitOf(state), 1);
      return;
    }
    const column = Math.floor(t0 / this.ticksPerPixel);
    if (column !== this.column) {
      this.close();
      this.column = column;
      this.b0 = t0;
    }
    this.b1 = t1;
    this.cover.set(state, (this.cover.get(state) ?? 0) + (t1 - t0));
    this.present |= bitOf(state);
    this.count++;
  }

  finish(): PixelMerge['rows'] {
    this.close();
    return this.rows;
  }

  private close(): void {
    if (this.count > 0) {
      let state = 0;
      let most = -1;
      for (const [s, c] of this.cover) if (c > most) { most = c; state = s; }
      this.emit(this.b0, this.b1, state, this.present, this.count);
    }
    this.cover.clear();
    this.present = 0;
    this.count = 0;
    this.column = NaN;
  }

  private emit(t0: number, t1: number, state: number, present: number, count: number): void {
    const last = this.rows[this.rows.length - 1];
    if (last !== undefined && last.state === state && last.present === present && t0 - last.t1 < this.ticksPerPixel) {
      last.t1 = t1;
      last.count += count;
    } else this.rows.push({ t0, t1, state, present, count });
  }
}

/** User-half addresses (canonical, below 0x0000800000000000): they mean something only with a program. */
function isUserAddress(signed: bigint): boolean {
  return signed >= 0n && signed < 0x0000800000000000n;
}

export class SessionReader {
  private readonly taskNames = new Map<number, string>();
  private readonly trackList: TrackInfo[];
  private readonly chunkCache = new Map<number, EventBatch>();

  /** A recording that never finished: its open spans and summary runs come from open_* tables. */
  private readonly cutShort: boolean;
  private readonly end: { t: number; seq: number };

  constructor(private readonly db: Database.Database, readonly path: string, private readonly sealed = false) {
    this.trackList = (db.prepare('SELECT id, kind, cpu, lock_addr AS lockAddr, name FROM tracks ORDER BY id').all() as TrackInfo[]);
    this.cutShort = this.meta(Meta.Status) !== 'complete';
    const last = db.prepare('SELECT t_last AS t, first_seq + count AS seq FROM event_chunks ORDER BY first_seq DESC LIMIT 1').get() as { t: number; seq: number } | undefined;
    this.end = last ?? { t: 0, seq: 0 };
    for (const row of db.prepare('SELECT pid, name FROM tasks').all() as { pid: number; name: string }[]) this.taskNames.set(row.pid, row.name);
  }

  /** Opens and checks `path` (open_session.ts) and returns a reader over it. */
  static open(path: string, level: CheckLevel = 'quick'): SessionReader {
    const { db, sealed } = openSessionFile(path, level);
    return new SessionReader(db, path, sealed);
  }

  close(): void {
    this.db.close();
  }

  /** Prepared statements, kept: the same few queries run at every scrub. */
  private readonly statements = new Map<string, Database.Statement>();

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private meta(key: string): string | null {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  private metaJson<T>(key: string): T | null {
    const text = this.meta(key);
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new SessionFileError('corrupt', `${this.path}: the session's ${key} record is not valid`);
    }
  }

  info(): SessionInfo {
    const range = this.stmt('SELECT min(t_first) AS t0, max(t_last) AS t1, coalesce(sum(count), 0) AS n FROM event_chunks').get() as { t0: number | null; t1: number | null; n: number };
    const complete = this.meta(Meta.Status) === 'complete';
    const tLast = range.t1 ?? 0;
    const outcome = complete ? this.metaJson<Outcome>(Meta.Outcome) : null;
    const config = this.metaJson<MachineSetup>(Meta.Config) ?? { cpus: 0, memoryBytes: 0, cmdline: '', maxInstructions: 0 };
    return {
      path: this.path,
      formatVersion: Number(this.meta(Meta.FormatVersion)),
      appVersion: this.meta(Meta.AppVersion) ?? '',
      createdAt: this.meta(Meta.CreatedAt) ?? '',
      scenario: this.meta(Meta.Scenario) ?? '',
      config,
      cmdline: this.meta(Meta.Cmdline) ?? '',
      status: complete ? 'complete' : 'cut-short',
      outcome: outcome ?? { kind: 'cut-short', t: tLast },
      stats: complete ? this.metaJson<RecordingStats>(Meta.Stats) : null,
      events: range.n,
      tFirst: range.t0 ?? 0,
      tLast,
      cpus: config.cpus > 0 ? config.cpus : this.trackList.filter((t) => t.kind === TrackKind.CpuMode).length,
      checkpoints: (this.stmt('SELECT count(*) AS n FROM checkpoints').get() as { n: number }).n,
    };
  }

  tracks(): TrackInfo[] {
    return this.trackList.map((t) => ({ ...t }));
  }

  private label(track: TrackInfo | undefined, state: number): string {
    switch (track?.kind) {
      case TrackKind.CpuMode: return CPU_MODE_NAMES[state] ?? `state ${state}`;
      case TrackKind.Lock: return LOCK_STATE_NAMES[state] || `state ${state}`;
      case TrackKind.CpuThread: return this.taskNames.get(state) ?? `pid ${state}`;
      default: return `state ${state}`;
    }
  }

  /**
   * Spans of `tracks` (all when omitted) over [t0, t1) at `ticksPerPixel`: raw spans when zoomed
   * in far enough, else the summary level that fits the resolution. At most MAX_ROWS per track.
   */
  spans(t0: number, t1: number, ticksPerPixel: number, tracks?: number[]): TrackSpans[] {
    const ids = tracks ?? this.trackList.map((t) => t.id);
    const level = levelFor(ticksPerPixel);
    return ids.map((id) => {
      const info = this.trackList.find((t) => t.id === id);
      const open = this.cutShort ? this.openSpan(id, t0, t1) : null;
      if (level === null) return this.rawSpans(id, info, t0, t1, ticksPerPixel, open);
      const rows = this.rowsInRange('summary_chunks', 'track = ? AND level = ?', [id, level], t0, t1, SUMMARY_COLUMNS.length);
      if (this.cutShort) {
        // A coarse level has not yet seen what its finer levels hold unfinished: take, level by
        // level downwards, whatever lies past what is covered so far, then the open span.
        let covered = rows.reduce((m, r) => Math.max(m, r[1]!), -Infinity);
        const unfinished = this.stmt('SELECT level, t0, t1, state, present, count FROM open_summaries WHERE track = ? AND level <= ? AND t1 > ? AND t0 < ? ORDER BY level DESC, t0').raw().all(id, level, t0, t1) as number[][];
        for (const [, r0, r1, state, present, count] of unfinished) {
          if (r1! <= covered) continue;
          rows.push([Math.max(r0!, covered), r1!, state!, present!, count!]);
          covered = r1!;
        }
        if (open && this.end.t > covered) rows.push([Math.max(open.t0, covered), this.end.t, open.state, open.state < 31 ? 1 << open.state : 0, 1]);
        rows.sort((a, b) => a[0]! - b[0]!);
      }
      const summaries = rows.slice(0, MAX_ROWS).map((r) => ({ t0: r[0]!, t1: r[1]!, state: r[2]!, label: this.label(info, r[2]!), present: r[3]!, count: r[4]! }));
      return { track: id, level, summaries, truncated: rows.length > MAX_ROWS };
    });
  }

  /**
   * The raw spans of a track over [t0, t1): as they are while there are fewer than one per pixel
   * column, else merged per pixel column as a summary level would be (below the finest level a
   * pixel can still hold dozens of spans), so the answer stays O(pixels) at any zoom.
   */
  private rawSpans(id: number, info: TrackInfo | undefined, t0: number, t1: number, ticksPerPixel: number, open: { t0: number; state: number; detail: number; seq0: number } | null): TrackSpans {
    const pixels = Math.max((t1 - t0) / ticksPerPixel, 64);
    const start = this.stmt('SELECT max(t_first) AS t FROM span_chunks WHERE track = ? AND t_first <= ?').get(id, t0) as { t: number | null };
    const chunks = this.stmt('SELECT count, data FROM span_chunks WHERE track = ? AND t_first >= ? AND t_first < ? ORDER BY t_first')
      .iterate(id, start.t ?? -Infinity, t1) as IterableIterator<{ count: number; data: Buffer }>;
    let raw: number[][] = [];
    let merged = null as PixelMerge | null;
    let truncated = false;
    const add = (row: number[]) => {
      if (merged !== null) return merged.add(row[0]!, row[1]!, row[2]!);
      raw.push(row);
      if (raw.length > pixels) {
        merged = new PixelMerge(ticksPerPixel);
        for (const r of raw) merged.add(r[0]!, r[1]!, r[2]!);
        raw = [];
      }
    };
    scan: for (const chunk of chunks) {
      const cols = decodeRows(chunk.data, SPAN_COLUMNS.length);
      const n = cols[0]!.length;
      for (let i = 0; i < n; i++) {
        if (cols[1]![i]! <= t0 || cols[0]![i]! >= t1) continue;
        add([cols[0]![i]!, cols[1]![i]!, cols[2]![i]!, cols[3]![i]!, cols[4]![i]!, cols[5]![i]!]);
        if ((merged?.rows.length ?? raw.length) > MAX_ROWS) { truncated = true; break scan; }
      }
    }
    if (open && !truncated) add([open.t0, this.end.t, open.state, open.detail, open.seq0, this.end.seq]);
    const m = merged;
    if (m === null) {
      const spans = raw.slice(0, MAX_ROWS).map((r) => ({ t0: r[0]!, t1: r[1]!, state: r[2]!, label: this.label(info, r[2]!), detail: r[3]!, seq0: r[4]!, seq1: r[5]! }));
      return { track: id, level: null, spans, truncated: truncated || raw.length > MAX_ROWS };
    }
    const summaries = m.finish().slice(0, MAX_ROWS).map((r) => ({ ...r, label: this.label(info, r.state) }));
    return { track: id, level: Math.floor(Math.log2(Math.max(ticksPerPixel, 1))), summaries, truncated };
  }

  /** The span a track was in when a cut-short recording stopped, if it overlaps [t0, t1). */
  private openSpan(track: number, t0: number, t1: number): { t0: number; state: number; detail: number; seq0: number } | null {
    const row = this.stmt('SELECT t0, state, detail, seq0 FROM open_spans WHERE track = ?').get(track) as { t0: number; state: number; detail: number; seq0: number } | undefined;
    if (!row || row.t0 >= t1 || this.end.t <= t0 || this.end.t <= row.t0) return null;
    return row;
  }

  /**
   * Rows of a per-track chunk table that overlap [t0, t1). Rows of one track never overlap and
   * come in time order, so only the chunk starting at or before t0 and those starting inside the
   * range can hold them.
   */
  private rowsInRange(table: 'span_chunks' | 'summary_chunks', where: string, params: number[], t0: number, t1: number, ncols: number): number[][] {
    const start = this.stmt(`SELECT max(t_first) AS t FROM ${table} WHERE ${where} AND t_first <= ?`).get(...params, t0) as { t: number | null };
    const chunks = this.stmt(`SELECT count, data FROM ${table} WHERE ${where} AND t_first >= ? AND t_first < ? ORDER BY t_first`)
      .iterate(...params, start.t ?? -Infinity, t1) as IterableIterator<{ count: number; data: Buffer }>;
    const out: number[][] = [];
    for (const chunk of chunks) {
      const cols = decodeRows(chunk.data, ncols);
      const n = cols[0]!.length;
      for (let i = 0; i < n; i++) {
        if (cols[1]![i]! <= t0 || cols[0]![i]! >= t1) continue;
        out.push(cols.map((c) => c[i]!));
      }
      if (out.length > MAX_ROWS) break;
    }
    return out;
  }

  /**
   * Flows (fault -> return, syscall -> sysret, fault -> nested fault) overlapping [t0, t1) and
   * lasting at least `minTicks`. A range holding more than MAX_FLOW_SCAN flows is one where an
   * arrow spans a few pixels at most: with `minTicks` set, none are read there.
   */
  flows(t0: number, t1: number, minTicks = 0): FlowView[] {
    if (minTicks > 0) {
      const inRange = this.stmt('SELECT coalesce(sum(count), 0) AS n FROM flow_chunks WHERE t_last >= ? AND t_first < ?').get(t0, t1) as { n: number };
      if (inRange.n > MAX_FLOW_SCAN) return [];
    }
    const chunks = this.stmt('SELECT data FROM flow_chunks WHERE t_last >= ? AND t_first < ? ORDER BY id').iterate(t0, t1) as IterableIterator<{ data: Buffer }>;
    const out: FlowView[] = [];
    for (const chunk of chunks) {
      const c = decodeRows(chunk.data, FLOW_COLUMNS.length);
      for (let i = 0; i < c[0]!.length; i++) {
        if (c[6]![i]! < t0 || c[4]![i]! >= t1 || c[6]![i]! - c[4]![i]! < minTicks) continue;
        out.push({ kind: FLOW_KINDS[c[0]![i]!] ?? 'exception', vector: c[1]![i]!, cpu: c[2]![i]!, seqFrom: c[3]![i]!, tFrom: c[4]![i]!, seqTo: c[5]![i]!, tTo: c[6]![i]! });
        if (out.length >= MAX_ROWS) return out;
      }
    }
    return out;
  }

  private chunk(row: ChunkRow): EventBatch {
    let batch = this.chunkCache.get(row.first_seq);
    if (!batch) {
      const blobs = this.stmt('SELECT data, texts FROM event_chunks WHERE first_seq = ?').get(row.first_seq) as { data: Buffer; texts: Buffer };
      let texts: string[];
      try {
        const parsed: unknown = JSON.parse(inflateRawSync(blobs.texts, { maxOutputLength: 64 << 20 }).toString('utf8'));
        if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new Error('not a list of texts');
        texts = parsed;
      } catch {
        throw new SessionFileError('corrupt', `${this.path}: the texts of event chunk ${row.first_seq} are damaged`);
      }
      batch = decodeChunk(blobs.data, row.first_seq, texts);
      if (batch.count !== row.count) throw new SessionFileError('corrupt', `${this.path}: event chunk ${row.first_seq} holds ${batch.count} events, not ${row.count}`);
      if (this.chunkCache.size >= 32) this.chunkCache.delete(this.chunkCache.keys().next().value!);
      this.chunkCache.set(row.first_seq, batch);
    }
    return batch;
  }

  private filter(q: EventQuery): { kinds: number; cpus: number; traces: number; kindSet: Set<number> | null; cpuSet: Set<number> | null; traceSet: Set<number> | null } {
    const kindSet = q.kinds?.length ? new Set(q.kinds.map(kindCode)) : null;
    const cpuSet = q.cpus?.length ? new Set(q.cpus) : null;
    const traceSet = q.traceTypes?.length ? new Set(q.traceTypes) : null;
    const mask = (s: Set<number> | null) => (s ? [...s].reduce((m, v) => m | bitOf(v), 0) : -1);
    return { kinds: mask(kindSet), cpus: mask(cpuSet), traces: mask(traceSet), kindSet, cpuSet, traceSet };
  }

  /** Events matching `q` in time order (at most q.limit, default and cap MAX_EVENTS). */
  events(q: EventQuery = {}): MachineEvent[] {
    const from = q.from ?? -Infinity;
    const to = q.to ?? Infinity;
    const limit = Math.min(q.limit ?? MAX_EVENTS, MAX_EVENTS);
    const f = this.filter(q);
    const rows = this.stmt('SELECT first_seq, count, t_first, t_last, kinds, cpus, traces FROM event_chunks WHERE t_last >= ? AND t_first < ? ORDER BY first_seq')
      .iterate(from, to) as IterableIterator<ChunkRow>;
    const out: MachineEvent[] = [];
    for (const row of rows) {
      if (!(row.kinds & f.kinds) || !(row.cpus & f.cpus)) continue;
      const batch = this.chunk(row);
      for (let i = 0; i < batch.count; i++) {
        if (!this.matches(batch, i, f, from, to)) continue;
        out.push(decodeEvent(batch, i));
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /**
   * Records matching `q` in time order as columns (at most q.limit, default and cap MAX_RECORDS).
   * Chunks lacking every wanted kind, CPU or trace type are skipped unread.
   */
  records(q: EventQuery = {}): RecordColumns {
    const from = q.from ?? -Infinity;
    const to = q.to ?? Infinity;
    const limit = Math.max(0, Math.min(q.limit ?? MAX_RECORDS, MAX_RECORDS));
    const f = this.filter(q);
    const rows = (this.stmt('SELECT first_seq, count, t_first, t_last, kinds, cpus, traces FROM event_chunks WHERE t_last >= ? AND t_first < ? ORDER BY first_seq')
      .all(from, to) as ChunkRow[])
      .filter((r) => (r.kinds & f.kinds) && (r.cpus & f.cpus) && (!f.traceSet || (r.traces & f.traces) || (r.kinds & f.kinds & ~bitOf(13))));
    const room = Math.min(limit, rows.reduce((n, r) => n + r.count, 0));
    const seq = new Float64Array(room), t = new Float64Array(room), cpu = new Uint8Array(room);
    const word = new Uint32Array(room), pid = new Int32Array(room), args = new Uint32Array(4 * room);
    // Lookup tables instead of sets: this loop runs once per record in range.
    const table = (size: number, set: Set<number> | null) => {
      const ok = new Uint8Array(size).fill(set ? 0 : 1);
      for (const v of set ?? []) if (v >= 0 && v < size) ok[v] = 1;
      return ok;
    };
    const kindOk = table(256, f.kindSet), cpuOk = table(256, f.cpuSet), traceOk = table(65536, f.traceSet);
    let n = 0;
    let truncated = false;
    scan: for (const row of rows) {
      const batch = this.chunk(row);
      const w = batch.words;
      const times = new Float64Array(w.buffer, w.byteOffset, (batch.count * RECORD_WORDS) >> 1);
      for (let i = 0; i < batch.count; i++) {
        const at = i * RECORD_WORDS;
        const w0 = w[at]!;
        const time = times[(at >> 1) + 1]!;
        if (time < from || time >= to || !kindOk[w0 & 0xff] || !cpuOk[(w0 >>> 8) & 0xff]) continue;
        if ((w0 & 0xff) === 13 && !traceOk[w0 >>> 16]) continue;
        if (n === limit) { truncated = true; break scan; }
        seq[n] = batch.firstSeq + i;
        t[n] = time;
        cpu[n] = (w0 >>> 8) & 0xff;
        word[n] = w0;
        pid[n] = w[at + 1]! | 0;
        args[4 * n] = w[at + 4]!;
        args[4 * n + 1] = w[at + 5]!;
        args[4 * n + 2] = w[at + 6]!;
        args[4 * n + 3] = w[at + 7]!;
        n++;
      }
    }
    // Trimmed to fresh buffers: the answer crosses threads by transfer.
    const cut = <T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(a: T, per = 1): T => (n === room ? a : (a.slice(0, per * n) as T));
    return { seq: cut(seq), t: cut(t), cpu: cut(cpu), word: cut(word), pid: cut(pid), args: cut(args, 4), truncated };
  }

  /**
   * How many events the chunks overlapping [from, to) hold: at least as many as lie in the range,
   * at most a chunk more at each end. Tells a caller, before reading, whether a range is too big.
   */
  eventCount(from: number, to: number): number {
    return (this.stmt('SELECT coalesce(sum(count), 0) AS n FROM event_chunks WHERE t_last >= ? AND t_first < ?').get(from, to) as { n: number }).n;
  }

  /** The events with these sequence numbers (at most MAX_ROWS), null for any not recorded. */
  eventsAt(seqs: number[]): (MachineEvent | null)[] {
    if (!Array.isArray(seqs)) throw new RangeError('eventsAt needs a list of sequence numbers');
    return seqs.slice(0, MAX_ROWS).map((s) => (typeof s === 'number' && Number.isInteger(s) ? this.eventAt(s) : null));
  }

  private matches(batch: EventBatch, i: number, f: ReturnType<SessionReader['filter']>, from: number, to: number): boolean {
    const w = i * RECORD_WORDS;
    const w0 = batch.words[w]!;
    const t = new Float64Array(batch.words.buffer, batch.words.byteOffset + (w + 2) * 4, 1)[0]!;
    if (t < from || t >= to) return false;
    if (f.kindSet && !f.kindSet.has(w0 & 0xff)) return false;
    if (f.cpuSet && !f.cpuSet.has((w0 >>> 8) & 0xff)) return false;
    if (f.traceSet && (w0 & 0xff) === 13 && !f.traceSet.has(w0 >>> 16)) return false;
    return true;
  }

  /** The event with sequence number `seq`, or null. */
  eventAt(seq: number): MachineEvent | null {
    const row = this.stmt('SELECT first_seq, count, t_first, t_last, kinds, cpus, traces FROM event_chunks WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1').get(seq) as ChunkRow | undefined;
    if (!row || seq >= row.first_seq + row.count) return null;
    return decodeEvent(this.chunk(row), seq - row.first_seq);
  }

  /**
   * The first matching event strictly after time t (direction 1) or the last strictly before it
   * (direction -1): "jump to next fault", "previous lock event".
   */
  step(t: number, direction: 1 | -1, q: Omit<EventQuery, 'from' | 'to' | 'limit'> = {}): MachineEvent | null {
    const f = this.filter(q);
    const sql = direction === 1
      ? 'SELECT first_seq, count, t_first, t_last, kinds, cpus, traces FROM event_chunks WHERE t_last > ? ORDER BY first_seq'
      : 'SELECT first_seq, count, t_first, t_last, kinds, cpus, traces FROM event_chunks WHERE t_first < ? ORDER BY first_seq DESC';
    for (const row of this.stmt(sql).iterate(t) as IterableIterator<ChunkRow>) {
      if (!(row.kinds & f.kinds) || !(row.cpus & f.cpus) || (f.traceSet && !(row.traces & f.traces))) continue;
      const batch = this.chunk(row);
      if (direction === 1) {
        for (let i = 0; i < batch.count; i++) if (this.matches(batch, i, f, Math.floor(t) + 1, Infinity)) return decodeEvent(batch, i);
      } else {
        for (let i = batch.count - 1; i >= 0; i--) if (this.matches(batch, i, f, -Infinity, t)) return decodeEvent(batch, i);
      }
    }
    return null;
  }

  /**
   * What the event lanes draw over [t0, t1) at `ticksPerPixel`: the events themselves (first of
   * each kind and CPU per pixel column) when few chunks are in range, else per pixel column the
   * kinds present, from the chunk masks. Bounded by the pixel count either way.
   */
  eventMarks(t0: number, t1: number, ticksPerPixel: number, q: Omit<EventQuery, 'from' | 'to' | 'limit'> = {}): EventMarks {
    const tpp = Math.max(1, ticksPerPixel);
    const chunks = this.stmt('SELECT first_seq, count, t_first, t_last, kinds, cpus, traces FROM event_chunks WHERE t_last >= ? AND t_first < ? ORDER BY first_seq')
      .all(t0, t1) as ChunkRow[];
    const f = this.filter(q);
    if (chunks.length <= MAX_EXACT_CHUNKS) {
      const seen = new Set<string>();
      const events: MachineEvent[] = [];
      for (const row of chunks) {
        const batch = this.chunk(row);
        for (let i = 0; i < batch.count; i++) {
          if (!this.matches(batch, i, f, t0, t1)) continue;
          const w0 = batch.words[i * RECORD_WORDS]!;
          const t = new Float64Array(batch.words.buffer, batch.words.byteOffset + (i * RECORD_WORDS + 2) * 4, 1)[0]!;
          const key = `${Math.floor((t - t0) / tpp)}:${w0 & 0xffff}`;
          if (seen.has(key)) continue;
          seen.add(key);
          events.push(decodeEvent(batch, i));
          if (events.length >= MAX_ROWS) return { exact: true, events };
        }
      }
      return { exact: true, events };
    }
    const buckets = new Map<number, { t0: number; t1: number; kinds: number; count: number }>();
    for (const row of chunks) {
      if (!(row.kinds & f.kinds) || !(row.cpus & f.cpus)) continue;
      const b = Math.floor((Math.max(row.t_first, t0) - t0) / tpp);
      const e = buckets.get(b);
      if (e) { e.kinds |= row.kinds & f.kinds; e.count += row.count; e.t1 = Math.max(e.t1, row.t_last); }
      else buckets.set(b, { t0: row.t_first, t1: row.t_last, kinds: row.kinds & f.kinds, count: row.count });
    }
    const names = (mask: number) => Object.entries(EVENT_KIND_NAMES).filter(([code]) => mask & bitOf(Number(code))).map(([, n]) => n);
    return { exact: false, buckets: [...buckets.values()].map((b) => ({ t0: b.t0, t1: b.t1, kinds: names(b.kinds), count: b.count })) };
  }

  /** Console output up to time t (lines begun at or before t), at most the last `maxBytes`. */
  consoleUpTo(t: number, maxBytes = 1 << 20): ConsoleLine[] {
    const rows = this.stmt('SELECT seq, t, cpu, channel, text FROM console WHERE t <= ? ORDER BY t DESC, seq DESC').iterate(t) as IterableIterator<ConsoleLine>;
    const out: ConsoleLine[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.text.length;
      if (bytes > maxBytes && out.length > 0) break;
      out.push(row);
    }
    return out.reverse();
  }

  consoleText(t = Infinity): string {
    return this.consoleUpTo(t).map((l) => l.text).join('');
  }

  bookmarks(): Bookmark[] {
    return this.stmt('SELECT id, t, title, note, created FROM bookmarks ORDER BY t LIMIT ?').all(MAX_ROWS) as Bookmark[];
  }

  tasks(): { pid: number; name: string; parent: number; kernelThread: boolean; tCreate: number; tExit: number | null; exitStatus: number | null }[] {
    const rows = this.stmt('SELECT pid, name, parent, kernel_thread, t_create, t_exit, exit_status FROM tasks ORDER BY pid LIMIT ?').all(MAX_ROWS) as
      { pid: number; name: string; parent: number; kernel_thread: number; t_create: number; t_exit: number | null; exit_status: number | null }[];
    return rows.map((r) => ({ pid: r.pid, name: r.name, parent: r.parent, kernelThread: r.kernel_thread === 1, tCreate: r.t_create, tExit: r.t_exit, exitStatus: r.exit_status }));
  }

  locks(): { addr: number; name: string; cls: number }[] {
    return this.stmt('SELECT addr, name, class AS cls FROM locks ORDER BY addr LIMIT ?').all(MAX_ROWS) as { addr: number; name: string; cls: number }[];
  }

  /**
   * The lock-order edges derived while recording (lock_order.ts), in the order they were first
   * taken; null for a file of a format before they were (1 and 2).
   */
  lockEdges(): LockEdgeRow[] | null {
    if (!this.hasTable('lock_edges')) return null;
    return this.stmt('SELECT from_addr AS "from", to_addr AS "to", t, cpu, pid, seq FROM lock_edges ORDER BY seq LIMIT ?').all(MAX_ROWS) as LockEdgeRow[];
  }

  /**
   * The symbol containing `addr` as "name+0xoff", or null. A user-half address is looked up in
   * the tables of `program` (the task running it: every program is linked at the same addresses),
   * and names nothing without one or in a file that has no user programs' tables (format 1).
   */
  symbolize(addr: bigint, program?: string | null): string | null {
    const key = BigInt.asIntN(64, addr);
    let row: { addr: bigint; size: bigint; name: string } | undefined;
    if (isUserAddress(key)) {
      if (program == null || !this.hasUserTables()) return null;
      row = this.stmt('SELECT addr, size, name FROM user_symbols WHERE program = ? AND addr <= ? ORDER BY addr DESC LIMIT 1').safeIntegers(true).get(program, key) as typeof row;
    } else {
      row = this.stmt('SELECT addr, size, name FROM symbols WHERE addr <= ? ORDER BY addr DESC LIMIT 1').safeIntegers(true).get(key) as typeof row;
    }
    if (!row) return null;
    const off = key - row.addr;
    // A symbol with no size (a label like _end) names its own address only.
    if (row.size > 0n ? off >= row.size : off !== 0n) return null;
    return off === 0n ? row.name : `${row.name}+0x${off.toString(16)}`;
  }

  /** The symbol table of a user program, by address; empty for a program the file does not know. */
  programSymbols(program: string): { addr: bigint; size: bigint; name: string }[] {
    if (!this.hasUserTables()) return [];
    return this.stmt('SELECT addr, size, name FROM user_symbols WHERE program = ? ORDER BY addr LIMIT ?').safeIntegers(true).all(program, MAX_ROWS) as { addr: bigint; size: bigint; name: string }[];
  }

  /** symbolize() for many addresses at once (one round trip from a worker client). */
  symbolizeAll(addrs: bigint[], program?: string | null): (string | null)[] {
    return addrs.slice(0, MAX_ROWS).map((a) => this.symbolize(a, program));
  }

  /**
   * The source line of `addr` from the line tables, or null outside the code they cover. A
   * user-half address is looked up in `program`'s table, as in symbolize().
   */
  lineOf(addr: bigint, program?: string | null): { file: string; line: number } | null {
    const key = BigInt.asIntN(64, addr);
    const user = isUserAddress(key);
    if (user && (program == null || !this.hasUserTables())) return null;
    const [first, end] = this.codeRange(user ? program! : null);
    if (key < first || key >= end) return null;
    const row = user
      ? this.stmt('SELECT file, line FROM user_lines WHERE program = ? AND addr <= ? ORDER BY addr DESC LIMIT 1').get(program, key)
      : this.stmt('SELECT file, line FROM lines WHERE addr <= ? ORDER BY addr DESC LIMIT 1').get(key);
    return (row as { file: string; line: number } | undefined) ?? null;
  }

  private readonly tables = new Map<string, boolean>();

  /** Whether the file has this table (files of older formats lack the newer ones). */
  private hasTable(name: string): boolean {
    let has = this.tables.get(name);
    if (has === undefined) this.tables.set(name, (has = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined));
    return has;
  }

  /** Whether the file has the user programs' tables (format 2 on). */
  private hasUserTables(): boolean {
    return this.hasTable('user_lines');
  }

  /** codeRange() per program; the kernel's under null. */
  private readonly code = new Map<string | null, [bigint, bigint]>();

  /** The addresses a line table covers: its first entry up to the end of the symbol holding its last. */
  private codeRange(program: string | null): [bigint, bigint] {
    const known = this.code.get(program);
    if (known !== undefined) return known;
    const bounds = (program === null
      ? this.stmt('SELECT min(addr) AS first, max(addr) AS last FROM lines').safeIntegers(true).get()
      : this.stmt('SELECT min(addr) AS first, max(addr) AS last FROM user_lines WHERE program = ?').safeIntegers(true).get(program)) as { first: bigint | null; last: bigint | null };
    let range: [bigint, bigint] = [0n, 0n];
    if (bounds.first !== null && bounds.last !== null) {
      const sym = (program === null
        ? this.stmt('SELECT addr, size FROM symbols WHERE addr <= ? ORDER BY addr DESC LIMIT 1').safeIntegers(true).get(bounds.last)
        : this.stmt('SELECT addr, size FROM user_symbols WHERE program = ? AND addr <= ? ORDER BY addr DESC LIMIT 1').safeIntegers(true).get(program, bounds.last)) as { addr: bigint; size: bigint } | undefined;
      // The last line's instruction ends within its symbol; with no sized symbol, within a few bytes.
      const end = sym !== undefined && sym.addr + sym.size > bounds.last ? sym.addr + sym.size : bounds.last + 16n;
      range = [bounds.first, end];
    }
    // Bounded: program names come from the caller, one entry per program asked about.
    if (this.code.size < 4096) this.code.set(program, range);
    return range;
  }

  source(path: string): string | null {
    const row = this.stmt('SELECT text FROM sources WHERE path = ?').get(path) as { text: string } | undefined;
    return row?.text ?? null;
  }

  sourcePaths(): string[] {
    return (this.stmt('SELECT path FROM sources ORDER BY path').all() as { path: string }[]).map((r) => r.path);
  }

  /** The run's inputs (kernel, initrd), byte for byte, to replay it. */
  input(name: 'kernel' | 'initrd'): Uint8Array | null {
    const row = this.stmt('SELECT data FROM inputs WHERE name = ?').get(name) as { data: Buffer } | undefined;
    return row ? new Uint8Array(row.data) : null;
  }

  checkpoints(): CheckpointInfo[] {
    return this.stmt('SELECT id, t, seq, base FROM checkpoints ORDER BY t').all() as CheckpointInfo[];
  }

  /** Decodes everything in the file (verify.ts). */
  verify(): VerifyReport {
    return verifySession(this.db, this.sealed);
  }

  /** The stored (compressed, serialized) state of a checkpoint; time_travel.ts decodes it. */
  checkpointBlob(id: number): Buffer | null {
    const row = this.stmt('SELECT state FROM checkpoints WHERE id = ?').get(id) as { state: Buffer } | undefined;
    return row?.state ?? null;
  }
}
