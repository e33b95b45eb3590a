// The emulator host utility process's server, driven without Electron: a real machine recorded
// through the host's record(), progress and the result sent back as messages, stop honoured,
// failures reported instead of thrown.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { record } from '../../main/emulator_host/host.ts';
import type { HostReply } from '../../main/electron/emulator_host_protocol.ts';
import { RecordingServer } from '../../main/electron/recording_server.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { programInputs, programRecipe, recordThroughServer, tempDir } from './fixtures/recorded_run.ts';

describe('emulator host server', () => {
  it('records a machine run and reports progress, then the result', async () => {
    const out = join(tempDir(), 'run.flt');
    const { replies, result } = await recordThroughServer(out, 100, 3_000_000);
    expect(result.outcome.kind).toBe('exit');
    expect(result.path).toBe(out);
    expect(replies.filter((r) => r.type === 'progress').length).toBeGreaterThan(0);
    expect(replies.at(-1)?.type).toBe('done');
    const reader = SessionReader.open(out);
    expect(reader.info().events).toBe(result.events);
    reader.close();
  });

  it('stops a run on request, leaving a file cut short', async () => {
    const out = join(tempDir(), 'stopped.flt');
    const replies: HostReply[] = [];
    const done = new Promise<HostReply>((resolve) => {
      const server: RecordingServer = new RecordingServer({
        postMessage: (r) => {
          replies.push(r);
          if (r.type === 'progress' && replies.length === 3) server.handle({ type: 'stop', id: 7 });
          if (r.type !== 'progress') resolve(r);
        },
      }, record);
      server.handle({ type: 'record', id: 7, request: { recipe: programRecipe(0), inputs: programInputs, out, budget: Number.MAX_SAFE_INTEGER } });
    });
    const end = await done;
    expect(end.type).toBe('done');
    if (end.type === 'done') expect(end.result.outcome.kind).toBe('cut-short');
  });

  it('reports a run that cannot start as failed, by id', async () => {
    const replies: HostReply[] = [];
    const failed = new Promise<void>((resolve) => {
      const server = new RecordingServer({ postMessage: (r) => (replies.push(r), r.type === 'failed' && resolve()) }, record);
      server.handle({
        type: 'record', id: 9,
        request: { recipe: { module: programRecipe(1).module, build: 'noSuchBuilder', options: {} }, inputs: programInputs, out: join(tempDir(), 'x.flt'), budget: 1000 },
      });
    });
    await failed;
    expect(replies.at(-1)).toMatchObject({ type: 'failed', id: 9 });
    expect((replies.at(-1) as { message: string }).message).toMatch(/noSuchBuilder/);
  });
});
