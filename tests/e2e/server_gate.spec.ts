// The browser-mode server serves the built renderer to its own token-bearing page and nothing
// to anyone else: checked with raw HTTP and WebSocket requests against the real server.

import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from './server.ts';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.stop();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: url.port, path, headers: { host: url.host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(origin: string | null, path: string): Promise<'open' | 'refused'> {
  const url = new URL(server.url);
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${url.port}${path}`, origin === null ? {} : { origin });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('error', () => resolve('refused'));
  });
}

test('prints the full URL with its token as the last startup line', () => {
  const lines = server.output().trim().split('\n');
  expect(lines[lines.length - 1]).toBe(server.url);
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/);
});

test('--port N listens on that port, and a new start has a new token', async () => {
  const probe = await startServer();
  const port = Number(new URL(probe.url).port);
  await probe.stop();
  const other = await startServer(['--port', String(port)]);
  try {
    expect(new URL(other.url).port).toBe(String(port));
    expect(new URL(other.url).pathname).not.toBe(new URL(probe.url).pathname);
  } finally {
    await other.stop();
  }
});

test('serves the renderer under the token, and nothing without it', async () => {
  const token = new URL(server.url).pathname;
  const page = await get(token);
  expect(page.status).toBe(200);
  expect(page.body).toContain('<div id="app">');
  expect((await get('/')).status).toBe(403);
  expect((await get('/index.html')).status).toBe(403);
  // A token one character off (changed to a different character, so it never equals the real one).
  const last = token.at(-2)!;
  expect((await get(token.slice(0, -2) + (last === 'x' ? 'y' : 'x') + '/')).status).toBe(403);
});

test('refuses foreign origins, other host names and cross-site fetches', async () => {
  const token = new URL(server.url).pathname;
  expect((await get(token, { origin: 'http://evil.example' })).status).toBe(403);
  expect((await get(token, { host: 'localhost:1' })).status).toBe(421);
  expect((await get(token, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
});

test('serves only files of the built renderer', async () => {
  const token = new URL(server.url).pathname;
  for (const path of ['../package.json', '%2e%2e/package.json', '..%2fpackage.json', 'src/main.ts', 'index.html/..']) {
    expect((await get(token + path)).status, path).toBe(404);
  }
});

test('opens the WebSocket only for our own origin and token', async () => {
  const url = new URL(server.url);
  const ws = url.pathname + 'ws';
  expect(await upgrade(url.origin, ws)).toBe('open');
  expect(await upgrade('http://evil.example', ws)).toBe('refused');
  expect(await upgrade(null, ws)).toBe('refused');
  expect(await upgrade(url.origin, '/ws')).toBe('refused');
  expect(await upgrade(url.origin, '/wrongtoken/ws')).toBe('refused');
});
