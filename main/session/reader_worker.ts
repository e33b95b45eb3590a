// The worker side of SessionClient: opens one session file and answers queries on it, so that a
// crafted file that makes SQLite or a decoder spin only ever stalls this thread, which the
// client then ends. Time travel runs here too: re-executing the machine never blocks the caller.

import { parentPort, workerData } from 'node:worker_threads';
import { SessionReader } from './reader.ts';
import { SessionFileError, type CheckLevel } from './open_session.ts';
import type { ReaderRequest, ReaderResponse } from './session_client.ts';
import { TimeTravel, type MachineStateAt } from './time_travel.ts';
import { rebuilder } from '../emulator_host/machine_builders.ts';

const port = parentPort!;
const { path, check } = workerData as { path: string; check: CheckLevel };

function errorOf(e: unknown): ReaderResponse['error'] {
  if (e instanceof SessionFileError) return { code: e.code, message: e.message };
  if (e instanceof RangeError) return { code: 'bad-request', message: e.message };
  // Anything else thrown while reading comes from damage the checks did not catch.
  return { code: 'corrupt', message: `${path}: the session could not be read (${e instanceof Error ? e.message : String(e)})` };
}

let reader: SessionReader | null = null;
try {
  reader = SessionReader.open(path, check);
  port.postMessage({ id: 0, ok: true, value: null } satisfies ReaderResponse);
} catch (e) {
  port.postMessage({ id: 0, ok: false, error: errorOf(e) } satisfies ReaderResponse);
}

/** Time travel on this session, made on first use; a string says why the machine cannot be rebuilt. */
let travel: TimeTravel | string | null = null;

function stateAt(r: SessionReader, t: number): Promise<MachineStateAt> {
  if (travel === null) {
    const info = r.info();
    const build = rebuilder(info.config, { kernel: r.input('kernel'), initrd: r.input('initrd') });
    travel = typeof build === 'string' ? build : new TimeTravel(r, build);
  }
  if (typeof travel === 'string') throw new RangeError(travel);
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError('stateAt needs a time in ticks');
  return travel.stateAt(t);
}

port.on('message', (req: ReaderRequest) => {
  const r = reader;
  if (!r) return;
  const fail = (e: unknown) => port.postMessage({ id: req.id, ok: false, error: errorOf(e) } satisfies ReaderResponse);
  try {
    let value: unknown;
    if (req.method === 'stateAt') value = stateAt(r, req.args[0] as number);
    else {
      const method = (r as unknown as Record<string, (...a: unknown[]) => unknown>)[req.method];
      if (typeof method !== 'function' || !READER_METHODS.has(req.method)) throw new RangeError(`no such query: ${req.method}`);
      value = method.apply(r, req.args);
    }
    Promise.resolve(value).then((v) => port.postMessage({ id: req.id, ok: true, value: v } satisfies ReaderResponse), fail);
  } catch (e) {
    fail(e);
  }
});

const READER_METHODS = new Set([
  'info', 'tracks', 'spans', 'flows', 'events', 'eventAt', 'step', 'eventMarks', 'consoleUpTo', 'consoleText',
  'bookmarks', 'tasks', 'locks', 'symbolize', 'symbolizeAll', 'lineOf', 'source', 'sourcePaths', 'input', 'checkpoints', 'checkpointBlob', 'verify',
]);
