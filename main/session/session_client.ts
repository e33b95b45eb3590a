// Opens a session file in a worker thread and queries it from any thread without blocking it:
// the API a renderer's backend (Electron main, the browser-mode server) and the CLI use. Every
// query has a deadline; a file that makes the worker hang or crash fails with a clear
// SessionFileError and the worker is ended, never the app.

import type { Worker } from 'node:worker_threads';
import { SessionFileError, type CheckLevel, type SessionErrorCode } from './open_session.ts';
import type { SessionReader } from './reader.ts';
import { startWorker } from './start_worker.ts';
import type { MachineStateAt } from './time_travel.ts';

type Queries = TimeTravelQuery & Pick<SessionReader,
  'info' | 'tracks' | 'spans' | 'flows' | 'events' | 'records' | 'eventCount' | 'eventAt' | 'eventsAt' | 'step' | 'eventMarks' | 'consoleUpTo' | 'consoleText' |
  'bookmarks' | 'tasks' | 'locks' | 'lockEdges' | 'symbolize' | 'symbolizeAll' | 'programSymbols' | 'lineOf' | 'source' | 'sourcePaths' | 'input' | 'checkpoints' | 'checkpointBlob' | 'verify'>;
export type QueryName = keyof Queries;

interface TimeTravelQuery {
  /** Every vCPU at instant t: the nearest checkpoint restored and re-executed (time_travel.ts). */
  stateAt(t: number): Promise<MachineStateAt>;
}

export interface ReaderRequest {
  id: number;
  method: string;
  args: unknown[];
}

export interface ReaderResponse {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { code: SessionErrorCode | 'bad-request'; message: string };
}

/** What a reader worker opens. */
export interface ReaderTarget {
  path: string;
  check: CheckLevel;
  /** A recording still being written: read in short holds (reader_worker.ts), checked as 'live'. */
  live: boolean;
}

export interface ClientOptions {
  check?: CheckLevel;
  /** The file is a recording this app is writing now (see ReaderTarget.live). */
  live?: boolean;
  /** Deadline for opening (header, schema, integrity check). */
  openTimeoutMs?: number;
  /** Deadline for each query. */
  queryTimeoutMs?: number;
}

const READER_WORKER = new URL('./reader_worker.ts', import.meta.url);
/** How long the worker must have been free of other queries before a background query goes. */
const BACKGROUND_PAUSE_MS = 50;

export class SessionClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private failure: SessionFileError | null = null;

  private constructor(private readonly worker: Worker, readonly path: string, private readonly queryTimeoutMs: number) {}

  /** A worker started ahead of need (prewarm), waiting for the file it is to open. */
  private static spare: Worker | null = null;
  private static keepSpare = false;

  /**
   * From now on keeps one reader worker started ahead, so that opening a session skips the
   * thread's start-up (a few hundred milliseconds when it runs from TypeScript sources). For a
   * process that opens sessions on a user's request; the spare never keeps the process alive.
   */
  static prewarm(): void {
    SessionClient.keepSpare = true;
    if (SessionClient.spare !== null) return;
    const worker = startWorker(READER_WORKER, {});
    worker.unref();
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (SessionClient.spare === worker) SessionClient.spare = null;
    });
    SessionClient.spare = worker;
  }

  /** Opens and checks `path` in a worker; rejects with a SessionFileError saying what is wrong. */
  static open(path: string, options: ClientOptions = {}): Promise<SessionClient> {
    const target: ReaderTarget = { path, check: options.check ?? 'quick', live: options.live ?? false };
    const spare = SessionClient.spare;
    SessionClient.spare = null;
    let worker: Worker;
    if (spare !== null) {
      worker = spare;
      worker.ref();
      worker.removeAllListeners();
      worker.postMessage({ id: 0, method: 'open', args: [target] } satisfies ReaderRequest);
    } else worker = startWorker(READER_WORKER, { target });
    if (SessionClient.keepSpare) setImmediate(() => SessionClient.prewarm());
    const client = new SessionClient(worker, path, options.queryTimeoutMs ?? 15000);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.fail(new SessionFileError('timeout', `${path}: opening the session took too long; it was abandoned`));
        reject(client.failure);
      }, options.openTimeoutMs ?? 60000);
      client.pending.set(0, {
        resolve: () => resolve(client),
        reject: (e) => reject(e),
        timer,
      });
      worker.on('message', (res: ReaderResponse) => client.settle(res));
      worker.on('error', (e) => client.fail(new SessionFileError('worker-failed', `${path}: reading the session failed (${e.message})`)));
      worker.on('exit', (code) => client.fail(new SessionFileError('worker-failed', `${path}: the session reader stopped (exit code ${code})`)));
    });
  }

  private settle(res: ReaderResponse): void {
    const p = this.pending.get(res.id);
    if (!p) return;
    this.lastActive = performance.now();
    this.pending.delete(res.id);
    clearTimeout(p.timer);
    if (res.ok) p.resolve(res.value);
    else {
      const err = res.error!;
      p.reject(err.code === 'bad-request' ? new RangeError(err.message) : new SessionFileError(err.code, err.message));
      if (res.id === 0) void this.worker.terminate();
    }
  }

  private fail(e: SessionFileError): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(e); }
    this.pending.clear();
    void this.worker.terminate();
  }

  /** When a query was last asked or answered: background() waits for a pause after it. */
  private lastActive = 0;

  /** Runs one query of SessionReader in the worker. */
  query<M extends QueryName>(method: M, ...args: Parameters<Queries[M]>): Promise<Awaited<ReturnType<Queries[M]>>> {
    if (this.failure) return Promise.reject(this.failure);
    this.lastActive = performance.now();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new SessionFileError('timeout', `${this.path}: a query (${method}) took too long; the session was closed`));
      }, this.queryTimeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.worker.postMessage({ id, method, args } satisfies ReaderRequest);
    });
  }

  /**
   * Runs a bulk query once no other has been asked or answered for BACKGROUND_PAUSE_MS: the worker
   * answers one query at a time, and what a user waits to see (lanes, markers) should not queue
   * behind what can come a moment later (the lock graph's tracepoints).
   */
  async background<M extends QueryName>(method: M, ...args: Parameters<Queries[M]>): Promise<Awaited<ReturnType<Queries[M]>>> {
    for (;;) {
      if (this.failure) throw this.failure;
      const quiet = performance.now() - this.lastActive;
      if (this.pending.size === 0 && quiet >= BACKGROUND_PAUSE_MS) return this.query(method, ...args);
      await new Promise((r) => setTimeout(r, Math.max(BACKGROUND_PAUSE_MS - quiet, 10)));
    }
  }

  async close(): Promise<void> {
    this.failure ??= new SessionFileError('worker-failed', `${this.path}: the session is closed`);
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(this.failure); }
    this.pending.clear();
    await this.worker.terminate();
  }
}
