// The main process's handle on the emulator host utility process: record() here has the shape
// of the host's own record(), so whoever runs scenarios takes either one. The process starts on
// the first run and stays for the next; if it dies, the runs it had fail with that reason.

import { utilityProcess, type UtilityProcess } from 'electron';
import type { RecordProgress, RecordRequest, RecordResult } from '../emulator_host/host.ts';
import type { HostReply, HostRequest } from './emulator_host_protocol.ts';

interface Pending {
  resolve(result: RecordResult): void;
  reject(err: Error): void;
  onProgress: ((p: RecordProgress) => void) | undefined;
}

export interface RemoteRecording {
  readonly done: Promise<RecordResult>;
  stop(): void;
}

export class UtilityEmulatorHost {
  private child: UtilityProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** `entry`: the built emulator_host_process.js. */
  constructor(private readonly entry: string) {}

  record(req: RecordRequest): RemoteRecording {
    const id = this.nextId++;
    const { onProgress, ...request } = req;
    const done = new Promise<RecordResult>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
    this.send({ type: 'record', id, request });
    return { done, stop: () => this.send({ type: 'stop', id }) };
  }

  /** Ends the process; runs still going fail. */
  dispose(): void {
    this.child?.kill();
    this.child = null;
  }

  private send(message: HostRequest): void {
    this.process().postMessage(message);
  }

  private process(): UtilityProcess {
    if (this.child !== null) return this.child;
    const child = utilityProcess.fork(this.entry, [], { serviceName: 'Faultline emulator', stdio: 'inherit' });
    child.on('message', (reply: HostReply) => this.receive(reply));
    child.on('exit', (code) => {
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
