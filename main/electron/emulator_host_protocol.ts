// Between the main process and the emulator host utility process. The utility process runs the
// same emulator host (main/emulator_host/host.ts) as the CLI and browser mode, so the machine
// and the recorder each get a thread of their own there, and the main process only passes
// requests in and progress out: the window never waits on a run.

import type { RecordProgress, RecordRequest, RecordResult } from '../emulator_host/host.ts';

/** A RecordRequest without its callback: progress comes back as messages. */
export type RemoteRecordRequest = Omit<RecordRequest, 'onProgress'>;

export type HostRequest =
  | { type: 'record'; id: number; request: RemoteRecordRequest }
  | { type: 'stop'; id: number }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number };

export type HostReply =
  | { type: 'progress'; id: number; progress: RecordProgress }
  | { type: 'done'; id: number; result: RecordResult }
  | { type: 'failed'; id: number; message: string };
