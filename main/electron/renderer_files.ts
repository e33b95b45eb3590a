// Which file of the built renderer an app:// URL names. Only paths inside the renderer folder
// are served; anything climbing out of it, on another host, or not a plain file path is refused.

import { extname, join, normalize, sep } from 'node:path';
import { APP_ORIGIN, isSameOrigin } from './app_origin.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export function rendererFileFor(rendererDir: string, url: string): string | null {
  if (!isSameOrigin(url, APP_ORIGIN)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path === '/') path = '/index.html';
  if (path.includes('\0') || path.includes('\\')) return null;
  const file = normalize(join(rendererDir, path));
  const root = normalize(rendererDir + sep);
  return file.startsWith(root) && TYPES[extname(file)] !== undefined ? file : null;
}

export function contentTypeOf(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}
