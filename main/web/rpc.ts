// The API over one WebSocket: requests {id, method, args} answered by {id, ok, value|error},
// and pushes {push, value} (run progress) sent to every open socket.
// Malformed messages are answered with an error when they carry an id, and dropped otherwise;
// nothing a page sends can name anything but a method of API_METHODS.

import type { WebSocket } from 'ws';
import { isApiMethod, type FaultlineCalls, type FaultlinePush } from '../../preload/api.ts';
import { decodeWire, encodeWire } from '../../preload/wire_codec.ts';

export interface Request {
  id: number;
  method: keyof FaultlineCalls;
  args: unknown[];
}

function parseRequest(text: string): Request | { id: number | null; error: string } {
  let msg: unknown;
  try {
    msg = decodeWire(text);
  } catch {
    return { id: null, error: 'malformed message' };
  }
  if (msg === null || typeof msg !== 'object') return { id: null, error: 'malformed message' };
  const { id, method, args } = msg as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { id: null, error: 'malformed id' };
  if (!isApiMethod(method)) return { id, error: 'unknown method' };
  if (!Array.isArray(args) || args.length > 4) return { id, error: 'malformed arguments' };
  return { id, method, args };
}

export function serveSocket(socket: WebSocket, calls: FaultlineCalls): void {
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const req = parseRequest(data.toString());
    if ('error' in req) {
      if (req.id !== null) socket.send(encodeWire({ id: req.id, ok: false, error: req.error }));
      return;
    }
    const fn = calls[req.method] as (...a: unknown[]) => Promise<unknown>;
    fn.apply(calls, req.args).then(
      (value) => socket.send(encodeWire({ id: req.id, ok: true, value: value ?? null })),
      (err: unknown) =>
        socket.send(encodeWire({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) })),
    );
  });
}

export function pushMessage<K extends keyof FaultlinePush>(push: K, value: FaultlinePush[K]): string {
  return encodeWire({ push, value });
}
