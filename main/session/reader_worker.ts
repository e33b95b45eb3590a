// The worker side of SessionClient: opens one session file and answers queries on it, so that a
// crafted file that makes SQLite or a decoder spin only ever stalls this thread, which the
// client then ends. Time travel runs here too: re-executing the machine never blocks the caller.
//
// A worker may start before it has a file (a spare, started ahead so that opening skips the
// thread's start-up): it then opens the file its first message names. A live session (a file the
// app is recording into) is read in short holds: the connection opens for a burst of queries and
// closes once they pause or after LIVE_HOLD_MS, so the recorder finishing the file never waits
// long; every reopening sees what was committed since.

import { parentPort, workerData } from 'node:worker_threads';
import { SessionReader } from './reader.ts';
import { SessionFileError } from './open_session.ts';
import type { ReaderRequest, ReaderResponse, ReaderTarget } from './session_client.ts';
import type { MachineStateAt, TimeTravel } from './time_travel.ts';

/** A live connection is closed after this long, at the end of the query running then. */
const LIVE_HOLD_MS = 250;
/** ...or as soon as queries pause this long. */
const LIVE_IDLE_MS = 30;

const port = parentPort!;
let target: ReaderTarget | null = (workerData as { target?: ReaderTarget }).target ?? null;

function errorOf(e: unknown): ReaderResponse['error'] {
  if (e instanceof SessionFileError) return { code: e.code, message: e.message };
  if (e instanceof RangeError) return { code: 'bad-request', message: e.message };
  // Anything else thrown while reading comes from damage the checks did not catch.
  return { code: 'corrupt', message: `${target?.path ?? 'session'}: the session could not be read (${e instanceof Error ? e.message : String(e)})` };
}

let reader: SessionReader | null = null;
let openedAt = 0;
let idle: NodeJS.Timeout | null = null;

/** The open reader, opening the file again for a live session whose connection was let go. */
function current(): SessionReader {
  if (reader === null) {
    const t = target!;
    reader = SessionReader.open(t.path, t.live ? 'live' : t.check);
    openedAt = Date.now();
  }
  return reader;
}

/** After each answer on a live session: close now if held long enough, else once queries pause. */
function letGo(): void {
  if (!target?.live || reader === null) return;
  if (idle !== null) clearTimeout(idle);
  idle = null;
  if (Date.now() - openedAt >= LIVE_HOLD_MS) release();
  else idle = setTimeout(release, LIVE_IDLE_MS);
}

function release(): void {
  if (idle !== null) clearTimeout(idle);
  idle = null;
  reader?.close();
  reader = null;
}

function open(t: ReaderTarget): void {
  target = t;
  try {
    current();
    letGo();
    port.postMessage({ id: 0, ok: true, value: null } satisfies ReaderResponse);
  } catch (e) {
    port.postMessage({ id: 0, ok: false, error: errorOf(e) } satisfies ReaderResponse);
  }
}

/** Time travel on this session, made on first use; a string says why the machine cannot be rebuilt. */
let travel: TimeTravel | string | null = null;

// The machine's modules load on the first stateAt, not when the worker starts.
async function stateAt(t: number): Promise<MachineStateAt> {
  if (travel === null) {
    const [{ TimeTravel }, { rebuilder }] = await Promise.all([import('./time_travel.ts'), import('../emulator_host/machine_builders.ts')]);
    const r = current();
    const build = rebuilder(r.info().config, { kernel: r.input('kernel'), initrd: r.input('initrd') });
    // Checkpoints through current(): a live session's connection comes and goes.
    travel ??= typeof build === 'string' ? build : new TimeTravel({ checkpoints: () => current().checkpoints(), checkpointBlob: (id) => current().checkpointBlob(id) }, build);
  }
  if (typeof travel === 'string') throw new RangeError(travel);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError('stateAt needs a time in ticks');
  return travel.stateAt(t);
}

port.on('message', (req: ReaderRequest) => {
  if (req.method === 'open' && req.id === 0) return void (target === null && open(req.args[0] as ReaderTarget));
  if (target === null) return;
  const fail = (e: unknown) => {
    letGo();
    port.postMessage({ id: req.id, ok: false, error: errorOf(e) } satisfies ReaderResponse);
  };
  try {
    let value: unknown;
    if (req.method === 'stateAt') value = stateAt(req.args[0] as number);
    else {
      const r = current();
      const method = (r as unknown as Record<string, (...a: unknown[]) => unknown>)[req.method];
      if (typeof method !== 'function' || !READER_METHODS.has(req.method)) throw new RangeError(`no such query: ${req.method}`);
      value = method.apply(r, req.args);
    }
    Promise.resolve(value).then((v) => {
      letGo();
      port.postMessage({ id: req.id, ok: true, value: v } satisfies ReaderResponse, transferables(req.method, v));
    }, fail);
  } catch (e) {
    fail(e);
  }
});

if (target !== null) open(target);

/** The buffers of an answer made fresh for it (records' columns), handed over instead of copied. */
function transferables(method: string, value: unknown): ArrayBuffer[] {
  if (method !== 'records' || value === null || typeof value !== 'object') return [];
  return Object.values(value).filter((v): v is Uint8Array => ArrayBuffer.isView(v)).map((v) => v.buffer as ArrayBuffer);
}

const READER_METHODS = new Set([
  'info', 'tracks', 'spans', 'flows', 'events', 'records', 'eventCount', 'eventAt', 'eventsAt', 'step', 'eventMarks', 'consoleUpTo', 'consoleText',
  'bookmarks', 'tasks', 'locks', 'lockEdges', 'symbolize', 'symbolizeAll', 'programSymbols', 'lineOf', 'source', 'sourcePaths', 'input', 'checkpoints', 'checkpointBlob', 'verify',
]);
