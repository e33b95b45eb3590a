// Which requests the app's session lets out: its own pages and assets, data and blob URLs the
// page makes, Chromium's own devtools pages, and under `electron-vite dev` the dev server's
// hot-reload socket. Everything else (http, https, ws, file, ...) is cancelled before it leaves,
// beneath the CSP: the app shows no remote content at all.

import { isSameOrigin } from './app_origin.ts';

const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'devtools:']);

export function isAllowedRequest(url: string, origin: string): boolean {
  if (isSameOrigin(url, origin)) return true;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'ws:' && origin.startsWith('http:')) return isSameOrigin(`http:${url.slice('ws:'.length)}`, origin);
  return LOCAL_SCHEMES.has(u.protocol);
}
