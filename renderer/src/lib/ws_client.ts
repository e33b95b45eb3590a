// window.faultline for browser mode: every call is one request on the page's WebSocket to the
// server that served it (same origin, same token path), answered by id. Run progress is pushed;
// app commands never are (they come from the desktop app's menu), so onCommand only subscribes.

import {
  API_METHODS,
  type AppCommand,
  type FaultlineApi,
  type FaultlinePush,
  type RunProgress,
} from '../../../preload/api.ts';
import { decodeWire, encodeWire } from '../../../preload/wire_codec.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export function connectWebSocket(url: string): FaultlineApi {
  const socket = new WebSocket(url);
  const pending = new Map<number, Pending>();
  const outbox: string[] = [];
  const runListeners = new Set<(p: RunProgress) => void>();
  let nextId = 1;
  let closed: string | null = null;

  socket.addEventListener('open', () => {
    for (const text of outbox.splice(0)) socket.send(text);
  });
  socket.addEventListener('close', () => {
    closed = 'the connection to the Faultline server was lost: restart it and reload this page';
    for (const p of pending.values()) p.reject(new Error(closed));
    pending.clear();
  });
  socket.addEventListener('message', (ev) => {
    if (typeof ev.data !== 'string') return;
    const msg = decodeWire(ev.data) as
      | { id: number; ok: true; value: unknown }
      | { id: number; ok: false; error: string }
      | { push: keyof FaultlinePush; value: RunProgress };
    if ('push' in msg) {
      if (msg.push === 'run') for (const l of runListeners) l(msg.value);
      return;
    }
    const p = pending.get(msg.id);
    if (p === undefined) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(msg.error));
  });

  const call = (method: string, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (closed !== null) return reject(new Error(closed));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const text = encodeWire({ id, method, args });
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else outbox.push(text);
    });

  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) api[method] = (...args: unknown[]) => call(method, args);
  api.onRun = (listener: (p: RunProgress) => void) => {
    runListeners.add(listener);
    return () => runListeners.delete(listener);
  };
  api.onCommand = (_listener: (c: AppCommand) => void) => () => undefined;
  return api as unknown as FaultlineApi;
}
