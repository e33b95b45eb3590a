// Starts the browser-mode server exactly as `npm run start:web` does (tsx main/web/server.ts),
// on a free port with its own session library, and reads the URL from its last startup line.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningServer {
  url: string;
  library: string;
  output: () => string;
  stop: () => Promise<void>;
}

const URL_LINE = /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+\/$/m;

export async function startServer(extraArgs: string[] = []): Promise<RunningServer> {
  const library = mkdtempSync(join(tmpdir(), 'faultline-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'main/web/server.ts', '--port', '0', '--library', library, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = URL_LINE.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    library,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(library, { recursive: true, force: true });
    },
  };
}
