// The main process's side of the emulator host process: record() here has the shape of the
// host's own record(), so whoever runs scenarios takes either one. The process is started on the
// first run and kept for the next; if it dies, the runs it had fail with that reason. How the
// process is started is given (utility_emulator_host.ts: Electron's utilityProcess), so a plain
// Node test can drive this with a child process instead.

import type { RecordProgress, RecordRequest, RecordResult, RecordingControl } from '../emulator_host/host.ts';
import type { HostReply, HostRequest } from './emulator_host_protocol.ts';

export interface HostProcess {
  postMessage(message: HostRequest): void;
  onMessage(listener: (reply: HostReply) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

interface Pending {
  resolve(result: RecordResult): void;
  reject(err: Error): void;
  onProgress: ((p: RecordProgress) => void) | undefined;
}

export class EmulatorHostClient {
  private child: HostProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly spawn: () => HostProcess) {}

  record(req: RecordRequest): RecordingControl {
    const id = this.nextId++;
    const { onProgress, ...request } = req;
    const done = new Promise<RecordResult>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
    this.process().postMessage({ type: 'record', id, request });
    const send = (type: 'stop' | 'pause' | 'resume') => () => this.child?.postMessage({ type, id });
    return { done, stop: send('stop'), pause: send('pause'), resume: send('resume') };
  }

  /** Ends the process; runs still going fail. */
  dispose(): void {
    this.child?.kill();
  }

  private process(): HostProcess {
    if (this.child !== null) return this.child;
    const child = this.spawn();
    child.onMessage((reply) => this.receive(reply));
    child.onExit((code) => {
      if (this.child === child) this.child = null;
      const reason = new Error(`the emulator process ended (exit code ${code}) during the run`);
      for (const p of this.pending.values()) p.reject(reason);
      this.pending.clear();
    });
    this.child = child;
    return child;
  }

  private receive(reply: HostReply): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    if (reply.type === 'progress') p.onProgress?.(reply.progress);
    else {
      this.pending.delete(reply.id);
      if (reply.type === 'done') p.resolve(reply.result);
      else p.reject(new Error(reply.message));
    }
  }
}
