// Who may talk to the browser-mode server: only a page that was handed this start's token,
// loaded from this server's own origin. Checked on every HTTP request and WebSocket upgrade.
//
// - The token is the first path segment (/TOKEN/...), so the page's relative asset URLs and its
//   WebSocket URL carry it without cookies, and a URL without it gets nothing at all.
// - Host must be exactly 127.0.0.1:PORT: a DNS-rebound name resolving to us is refused.
// - Origin, when the browser sends one, must be our own; a WebSocket upgrade must send one
//   (browsers always do), which refuses cross-site pages that guessed nothing but the port.
// - Sec-Fetch-Site, when sent, must be same-origin or none (typed into the address bar).

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Gate {
  token: string;
  origin: string;
  host: string;
}

export function makeGate(token: string, port: number): Gate {
  const host = `127.0.0.1:${port}`;
  return { token, host, origin: `http://${host}` };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type GateVerdict = { ok: true; rest: string } | { ok: false; status: number; reason: string };

/** Checks a request; on success returns the path after /TOKEN (always starting with '/'). */
export function admit(gate: Gate, req: IncomingMessage, upgrade: boolean): GateVerdict {
  if (req.headers.host !== gate.host) return { ok: false, status: 421, reason: 'wrong host' };
  const origin = req.headers.origin;
  if (upgrade && origin === undefined) return { ok: false, status: 403, reason: 'no origin' };
  if (origin !== undefined && origin !== gate.origin) return { ok: false, status: 403, reason: 'foreign origin' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, status: 403, reason: 'cross-site request' };
  }
  const url = req.url ?? '';
  if (!url.startsWith('/')) return { ok: false, status: 400, reason: 'bad url' };
  const path = url.split('?', 1)[0]!;
  const slash = path.indexOf('/', 1);
  const first = slash < 0 ? path.slice(1) : path.slice(1, slash);
  if (!sameSecret(first, gate.token)) return { ok: false, status: 403, reason: 'bad token' };
  return { ok: true, rest: slash < 0 ? '/' : path.slice(slash) };
}
