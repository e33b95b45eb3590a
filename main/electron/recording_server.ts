// The utility process's side of the emulator host: runs each record request through the host's
// record() and reports its progress and end. Takes its port as a parameter, so a test drives it
// with the real emulator and recorder and no Electron.

import type { Recording, RecordRequest } from '../emulator_host/host.ts';
import type { HostReply, HostRequest } from './emulator_host_protocol.ts';

export interface HostPort {
  postMessage(reply: HostReply): void;
}

type Control = Pick<Recording, 'done' | 'stop' | 'pause' | 'resume'>;

export type RecordFn = (req: RecordRequest) => Control;

export class RecordingServer {
  private readonly running = new Map<number, Control>();

  constructor(private readonly port: HostPort, private readonly record: RecordFn) {}

  handle(message: HostRequest): void {
    if (message.type === 'stop' || message.type === 'pause' || message.type === 'resume') {
      this.running.get(message.id)?.[message.type]();
      return;
    }
    const { id, request } = message;
    let recording: Control;
    try {
      recording = this.record({ ...request, onProgress: (progress) => this.port.postMessage({ type: 'progress', id, progress }) });
    } catch (err) {
      this.port.postMessage({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.running.set(id, recording);
    recording.done.then(
      (result) => this.port.postMessage({ type: 'done', id, result }),
      (err: unknown) => this.port.postMessage({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) }),
    ).finally(() => this.running.delete(id));
  }
}
