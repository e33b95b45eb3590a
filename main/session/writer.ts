// Records a run into a new session file. Batches are committed together with what was derived
// from them, so a crash leaves a file with every committed batch whole.
// The file says "recording" until finish() writes the outcome: a file still saying so when it is
// opened was cut short.

import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { RECORD_WORDS, type EventBatch } from '../../emulator/machine/events.ts';
import { APPLICATION_ID, FORMAT_VERSION, Meta, SCHEMA } from './schema.ts';
import { sealPages, writeEmptyDatabase } from './page_seal.ts';
import { encodeChunk } from './event_chunk.ts';
import { Deriver, type RunFacts } from './derive.ts';
import type { DerivedChunks } from './derived_chunks.ts';
import { outcomeOf, type Outcome, type StopReason } from './outcome.ts';
import type { SessionInputs } from './inputs.ts';
import { APP_VERSION } from './app_version.ts';
import { encodeCheckpoint } from './checkpoint_codec.ts';
import type { MachineSnapshot } from '../../emulator/machine/machine.ts';

export interface RecordingStats extends RunFacts {
  instructions: number;
  wallMs: number;
}

/**
 * Commit policy: a transaction per ~64K events or 200 ms, whichever comes first. A crash loses at
 * most the uncommitted tail, and derived rows come in chunks big enough to compress well.
 */
const COMMIT_EVENTS = 65536;
const COMMIT_MS = 200;

/**
 * How long finish() waits for live readers to let go of the file. A live reader opens the growing
 * file read-only (better-sqlite3 `readonly: true`; WAL mode, so it never blocks a commit and sees
 * every committed batch with its derived rows), reads, and closes within a few hundred ms: leaving
 * WAL mode at the end needs every other connection closed, and finish() retries until then.
 */
const FINISH_WAIT_MS = 10_000;

/** Blocks this thread for `ms` (finish() is synchronous; the recorder has nothing else to do then). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isBusy(e: unknown): boolean {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY');
}

function bit(n: number): number {
  return n < 31 ? 1 << n : 1 << 31;
}

export interface WriterOptions {
  /**
   * Derive spans, summaries and flows in this thread (the default), or take them ready-made
   * through addDerived() from a deriver elsewhere (derive_worker.ts), so that both run at once;
   * then the caller also says when to commit, once the derived rows have come.
   */
  derive: 'inline' | 'external';
}

/** One batch encoded, waiting for its commit. */
interface EncodedChunk {
  firstSeq: number;
  count: number;
  tFirst: number;
  tLast: number;
  kinds: number;
  cpus: number;
  traces: number;
  data: Buffer;
  texts: Buffer;
}

export class SessionWriter {
  private readonly db: Database.Database;
  private readonly deriver: Deriver | null;
  private readonly started = performance.now();
  private readonly insertChunk: Database.Statement;
  private readonly storeDerived: (d: DerivedChunks) => void;
  private readonly insertCheckpoint: Database.Statement;
  private readonly commitTx: (chunks: EncodedChunk[], derived: DerivedChunks[]) => void;
  private pending: EncodedChunk[] = [];
  private pendingEvents = 0;
  private pendingDerived: DerivedChunks[] = [];
  private lastCommit = performance.now();
  private finished = false;
  private committedEvents = 0;
  /** Called after each commit with the number of events now safely in the file. */
  onCommit: (events: number) => void = () => {};

  /** Creates (or replaces) the file at `path` and stores the run's inputs. */
  constructor(readonly path: string, inputs: SessionInputs, options: WriterOptions = { derive: 'inline' }) {
    this.deriver = options.derive === 'inline' ? new Deriver() : null;
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
    writeEmptyDatabase(path, APPLICATION_ID, FORMAT_VERSION);
    const db = new Database(path);
    this.db = db;
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${FORMAT_VERSION}`);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a crash of the process; only a power cut can lose the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -32000');
    db.transaction(() => {
      for (const { sql } of SCHEMA) db.exec(sql);
      const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run(Meta.FormatVersion, String(FORMAT_VERSION));
      meta.run(Meta.AppVersion, APP_VERSION);
      meta.run(Meta.CreatedAt, new Date().toISOString());
      meta.run(Meta.Scenario, inputs.scenario);
      meta.run(Meta.Config, JSON.stringify(inputs.config));
      meta.run(Meta.Cmdline, inputs.config.cmdline);
      meta.run(Meta.Status, 'recording');
      const blob = db.prepare('INSERT INTO inputs (name, data) VALUES (?, ?)');
      blob.run('kernel', Buffer.from(inputs.kernel));
      blob.run('initrd', Buffer.from(inputs.initrd));
      const source = db.prepare('INSERT INTO sources (path, text) VALUES (?, ?)');
      for (const s of inputs.sources) source.run(s.path, s.text);
      const symbol = db.prepare('INSERT OR IGNORE INTO symbols (addr, size, name) VALUES (?, ?, ?)');
      const userSymbol = db.prepare('INSERT OR IGNORE INTO user_symbols (program, addr, size, name) VALUES (?, ?, ?, ?)');
      for (const s of inputs.symbols) {
        if (s.program === undefined) symbol.run(BigInt.asIntN(64, s.addr), s.size, s.name);
        else userSymbol.run(s.program, BigInt.asIntN(64, s.addr), s.size, s.name);
      }
      const line = db.prepare('INSERT OR REPLACE INTO lines (addr, file, line) VALUES (?, ?, ?)');
      const userLine = db.prepare('INSERT OR REPLACE INTO user_lines (program, addr, file, line) VALUES (?, ?, ?, ?)');
      for (const l of inputs.lines) {
        if (l.program === undefined) line.run(BigInt.asIntN(64, l.addr), l.file, l.line);
        else userLine.run(l.program, BigInt.asIntN(64, l.addr), l.file, l.line);
      }
    })();

    this.insertChunk = db.prepare('INSERT INTO event_chunks (first_seq, count, t_first, t_last, kinds, cpus, traces, data, texts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertCheckpoint = db.prepare('INSERT INTO checkpoints (t, seq, base, state) VALUES (?, ?, ?, ?)');
    const track = db.prepare('INSERT INTO tracks (id, kind, cpu, lock_addr, name) VALUES (?, ?, ?, ?, ?)');
    const spans = db.prepare('INSERT INTO span_chunks (track, t_first, t_last, count, data) VALUES (?, ?, ?, ?, ?)');
    const summaries = db.prepare('INSERT INTO summary_chunks (track, level, t_first, t_last, count, data) VALUES (?, ?, ?, ?, ?, ?)');
    const flows = db.prepare('INSERT INTO flow_chunks (t_first, t_last, count, data) VALUES (?, ?, ?, ?)');
    const task = db.prepare('INSERT OR REPLACE INTO tasks (pid, name, parent, kernel_thread, t_create, t_exit, exit_status) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const lock = db.prepare('INSERT OR REPLACE INTO locks (addr, name, class) VALUES (?, ?, ?)');
    const lockEdge = db.prepare('INSERT OR IGNORE INTO lock_edges (from_addr, to_addr, t, cpu, pid, seq) VALUES (?, ?, ?, ?, ?, ?)');
    const line = db.prepare('INSERT INTO console (seq, t, cpu, channel, text) VALUES (?, ?, ?, ?, ?)');
    const clearOpen = db.prepare('DELETE FROM open_spans');
    const clearOpenSummaries = db.prepare('DELETE FROM open_summaries');
    const openSpan = db.prepare('INSERT INTO open_spans (track, t0, state, detail, seq0) VALUES (?, ?, ?, ?, ?)');
    const openSummary = db.prepare('INSERT OR REPLACE INTO open_summaries (track, level, t0, t1, state, present, count) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.storeDerived = (d) => {
      for (const r of d.tracks) track.run(r.id, r.kind, r.cpu, r.lockAddr, r.name);
      for (const c of d.spans) spans.run(c.track, c.t0, c.t1, c.count, c.data);
      for (const c of d.summaries) summaries.run(c.track, c.level, c.t0, c.t1, c.count, c.data);
      if (d.flows) flows.run(d.flows.t0, d.flows.t1, d.flows.count, d.flows.data);
      for (const r of d.tasks) task.run(r.pid, r.name, r.parent, r.kernelThread ? 1 : 0, r.tCreate, r.tExit, r.exitStatus);
      for (const r of d.locks) lock.run(r.addr, r.name, r.cls);
      for (const e of d.lockEdges) lockEdge.run(e.from, e.to, e.t, e.cpu, e.pid, e.seq);
      for (const r of d.console) line.run(r.seq, r.t, r.cpu, r.channel, r.text);
      clearOpen.run();
      clearOpenSummaries.run();
      for (const o of d.open?.spans ?? []) openSpan.run(o.track, o.t0, o.state, o.detail, o.seq0);
      for (const r of d.open?.summaries ?? []) openSummary.run(...r);
    };
    this.commitTx = db.transaction((chunks: EncodedChunk[], derived: DerivedChunks[]) => {
      for (const c of chunks) this.insertChunk.run(c.firstSeq, c.count, c.tFirst, c.tLast, c.kinds, c.cpus, c.traces, c.data, c.texts);
      if (this.deriver) this.storeDerived(this.deriver.handOver());
      for (const d of derived) this.storeDerived(d);
    });
  }

  /** A batch as its event_chunks row. */
  private encode(batch: EventBatch): EncodedChunk {
    const { words, count } = batch;
    const times = new Float64Array(words.buffer, words.byteOffset, (count * RECORD_WORDS) >> 1);
    let kinds = 0, cpus = 0, traces = 0, tFirst = Infinity, tLast = -Infinity;
    for (let i = 0; i < count; i++) {
      const w0 = words[i * RECORD_WORDS]!;
      const kind = w0 & 0xff;
      kinds |= bit(kind);
      cpus |= bit((w0 >>> 8) & 0xff);
      if (kind === 13) traces |= bit(w0 >>> 16);
      const t = times[i * (RECORD_WORDS >> 1) + 1]!;
      if (t < tFirst) tFirst = t;
      if (t > tLast) tLast = t;
    }
    return { firstSeq: batch.firstSeq, count, tFirst, tLast, kinds, cpus, traces, data: encodeChunk(words, count), texts: deflateRawSync(JSON.stringify(batch.texts), { level: 1 }) };
  }

  /**
   * Queues one batch of the machine's events; batches are committed together, with what follows
   * from them, once COMMIT_EVENTS are queued or COMMIT_MS have passed. The batch is encoded (and
   * derived from, inline) at once: its buffer is free again when this returns.
   */
  append(batch: EventBatch): void {
    if (this.finished) throw new Error('session already finished');
    if (batch.count === 0) return;
    this.pending.push(this.encode(batch));
    this.deriver?.consume(batch);
    this.pendingEvents += batch.count;
    if (this.deriver && this.due()) this.commit();
  }

  /** Whether the commit policy calls for a commit now. */
  due(): boolean {
    return this.pendingEvents >= COMMIT_EVENTS || (this.pendingEvents > 0 && performance.now() - this.lastCommit >= COMMIT_MS);
  }

  /** Queues derived rows made by an external deriver, for the next commit. */
  addDerived(d: DerivedChunks): void {
    if (this.deriver) throw new Error('this writer derives its own rows');
    this.pendingDerived.push(d);
  }

  /** Batches queued for the next commit. */
  get queuedBatches(): number {
    return this.pending.length;
  }

  /**
   * Commits the first `batches` queued batches (all by default) with the queued derived rows, in
   * one transaction. An external deriver's rows cover the batches it had when asked for them, so
   * its caller commits just those: a reader never sees a batch without what was derived from it.
   */
  commit(batches = this.pending.length): void {
    const now = this.pending.slice(0, batches);
    if (now.length > 0 || this.pendingDerived.length > 0) {
      this.commitTx(now, this.pendingDerived);
      if (now.length > 0) {
        for (const b of now) {
          this.pendingEvents -= b.count;
          this.committedEvents += b.count;
        }
        this.onCommit(this.committedEvents);
      }
    }
    this.pending = this.pending.slice(now.length);
    this.pendingDerived = [];
    this.lastCommit = performance.now();
  }

  /**
   * Stores a machine snapshot taken at time t, after the first `seq` events. `base` is the
   * checkpoint a dirty-page delta applies to, or null for a full snapshot.
   */
  checkpoint(t: number, seq: number, snapshot: MachineSnapshot, base: number | null): number {
    return Number(this.insertCheckpoint.run(t, seq, base, encodeCheckpoint(snapshot)).lastInsertRowid);
  }

  /**
   * Closes the spans, writes the outcome and stats, and leaves a single self-contained file. An
   * external deriver hands over its last rows and the facts of the whole run here.
   */
  finish(stop: StopReason, instructions: number, derived?: { last: DerivedChunks; facts: RunFacts }): { outcome: Outcome; stats: RecordingStats } {
    if (this.finished) throw new Error('session already finished');
    if (!this.deriver && !derived) throw new Error('an external deriver must hand over its facts');
    this.finished = true;
    const db = this.db;
    // The last batches, what follows from them and the outcome: one transaction, so a live
    // reader sees the recording either still going or complete.
    const { outcome, stats } = db.transaction(() => {
      this.commitTx(this.pending, this.pendingDerived);
      const facts = this.deriver ? this.deriver.facts : derived!.facts;
      const outcome = outcomeOf(stop, facts);
      const stats: RecordingStats = { ...facts, instructions, wallMs: performance.now() - this.started };
      this.storeDerived(this.deriver ? this.deriver.handOverLast() : { ...derived!.last, open: null });
      const meta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      meta.run(Meta.Outcome, JSON.stringify(outcome));
      meta.run(Meta.Stats, JSON.stringify(stats));
      meta.run(Meta.Status, 'complete');
      return { outcome, stats };
    })();
    this.pending = [];
    this.pendingDerived = [];
    this.leaveWal();
    db.close();
    sealPages(this.path);
    return { outcome, stats };
  }

  /**
   * Copies the log into the file and switches to a rollback journal, so the finished file stands
   * alone. Live readers may hold the file open meanwhile: the checkpoint waits for their read
   * transactions (busy_timeout), and the switch, which needs every other connection closed and
   * does not wait by itself, is retried until they are.
   */
  private leaveWal(): void {
    const db = this.db;
    const deadline = performance.now() + FINISH_WAIT_MS;
    db.pragma(`busy_timeout = ${FINISH_WAIT_MS}`);
    for (;;) {
      try {
        const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
        if (r?.busy === 0 && db.pragma('journal_mode = DELETE', { simple: true }) === 'delete') return;
      } catch (e) {
        if (!isBusy(e)) throw e;
      }
      if (performance.now() > deadline) throw new Error(`cannot finish ${this.path}: readers kept it open for more than ${FINISH_WAIT_MS / 1000} s`);
      sleepSync(20);
    }
  }

  /** Commits and closes without finishing (the file stays marked as recording: it reads as cut short). */
  abandon(): void {
    if (!this.db.open) return;
    this.commit();
    this.db.close();
  }
}
