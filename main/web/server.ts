// Browser mode: the same services as the Electron app, offered over a WebSocket to the built
// renderer, which this server also serves. Listens on 127.0.0.1 only; every request must carry
// this start's random token and come from this server's own origin (gate.ts).
//
//   tsx main/web/server.ts [--port N] [--library DIR] [--renderer DIR]
//
// The last line printed at startup is the full URL, token included: tests and scripts read it.

import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { createServices } from '../services.ts';
import { SOURCE_GUEST_BUILD } from '../session/guest_build.ts';
import { admit, makeGate, type Gate } from './gate.ts';
import { pushMessage, serveSocket } from './rpc.ts';
import { loadBuiltRenderer } from './static_files.ts';

// A session file sent by the page to be opened travels inside one message.
const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

interface Options {
  port: number;
  library: string;
  renderer: string;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = {
    port: 0,
    library: join(homedir(), '.faultline', 'sessions'),
    renderer: resolve('out/renderer'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    if (arg === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${value}`);
      opts.port = port;
    } else if (arg === '--library') opts.library = resolve(value);
    else if (arg === '--renderer') opts.renderer = resolve(value);
    else throw new Error(`unknown option ${arg} (known: --port N, --library DIR, --renderer DIR)`);
    i++;
  }
  return opts;
}

function contentSecurityPolicy(gate: Gate): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Svelte sets style attributes for positions and colours; no script can come in through them.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ws://${gate.host}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(reason + '\n');
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const files = loadBuiltRenderer(opts.renderer);
  const services = createServices({ libraryDir: opts.library, mode: 'browser', guestBuildDir: SOURCE_GUEST_BUILD });
  const token = randomBytes(24).toString('base64url');
  let gate: Gate = makeGate(token, opts.port);

  const server = createServer((req, res) => {
    const verdict = admit(gate, req, false);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    const file = files.get(verdict.rest === '/' ? '/index.html' : verdict.rest);
    if (file === undefined) return refuse(res, 404, 'not found');
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': 'no-store',
      'content-security-policy': contentSecurityPolicy(gate),
      'x-content-type-options': 'nosniff',
      // The token is in every URL: never let it leave in a Referer.
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const verdict = admit(gate, req, true);
    if (!verdict.ok || verdict.rest !== '/ws') {
      socket.end(`HTTP/1.1 ${verdict.ok ? 404 : verdict.status} Refused\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, services));
  });
  services.onRun((progress) => {
    const text = pushMessage('run', progress);
    for (const client of wss.clients) client.send(text);
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(opts.port, '127.0.0.1', () => done());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  gate = makeGate(token, address.port);

  const stop = () => {
    for (const client of wss.clients) client.terminate();
    server.close();
    void services.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  console.log(`faultline: browser mode, sessions in ${opts.library}`);
  console.log(`${gate.origin}/${token}/`);
}

main().catch((err: unknown) => {
  console.error(`faultline: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
