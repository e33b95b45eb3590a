// The worker side of SessionClient: opens one session file and answers queries on it, so that a
// crafted file that makes SQLite or a decoder spin only ever stalls this thread, which the
// client then ends.

import { parentPort, workerData } from 'node:worker_threads';
import { SessionReader } from './reader.ts';
import { SessionFileError, type CheckLevel } from './open_session.ts';
import type { ReaderRequest, ReaderResponse } from './session_client.ts';

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

port.on('message', (req: ReaderRequest) => {
  if (!reader) return;
  try {
    const method = (reader as unknown as Record<string, (...a: unknown[]) => unknown>)[req.method];
    if (typeof method !== 'function' || !READER_METHODS.has(req.method)) throw new RangeError(`no such query: ${req.method}`);
    const value = method.apply(reader, req.args);
    port.postMessage({ id: req.id, ok: true, value } satisfies ReaderResponse);
  } catch (e) {
    port.postMessage({ id: req.id, ok: false, error: errorOf(e) } satisfies ReaderResponse);
  }
});

const READER_METHODS = new Set([
  'info', 'tracks', 'spans', 'flows', 'events', 'eventAt', 'step', 'eventMarks', 'consoleUpTo', 'consoleText',
  'bookmarks', 'tasks', 'locks', 'symbolize', 'lineOf', 'source', 'sourcePaths', 'input', 'checkpoints', 'checkpointBlob', 'verify',
]);
