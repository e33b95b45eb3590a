// A session client on a recording being written ('live'): each burst of queries sees what was
// committed since the last, and the recorder finishes the file while the client stays open,
// because the client's reader lets go of its connection between bursts.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { record } from '../../main/emulator_host/host.ts';
import { SessionClient } from '../../main/session/session_client.ts';
import { scriptedInputs, tempDir } from './fixtures/record_scripted.ts';

const recipe = { module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options: { cpus: 2, syscalls: 0 } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a live session client', () => {
  it('sees the recording grow, and never keeps the recorder from finishing', async () => {
    const out = join(tempDir(), 'live.flt');
    let committed = 0;
    const recording = record({
      recipe, inputs: { ...scriptedInputs(2), scenario: 'user-kernel-program' }, out, budget: Number.MAX_SAFE_INTEGER,
      onProgress: (p) => { committed = p.committed; },
    });
    while (committed < 20_000) await sleep(20);
    const client = await SessionClient.open(out, { live: true });
    try {
      const first = await client.query('info');
      expect(first.status).toBe('cut-short');
      expect(first.events).toBeGreaterThanOrEqual(20_000);
      const spans = await client.query('spans', first.tFirst, first.tLast, 1);
      expect(spans.some((s) => (s.level === null ? s.spans.length : s.summaries.length) > 0)).toBe(true);
      const seen = committed;
      while (committed < seen + 20_000) await sleep(20);
      const later = await client.query('info');
      expect(later.events).toBeGreaterThan(first.events);
      expect(later.tLast).toBeGreaterThan(first.tLast);
      const records = await client.query('records', { from: first.tLast, to: later.tLast + 1 });
      expect(records.seq.length).toBeGreaterThan(0);

      // Finish with the client still open: its connection is let go between queries.
      recording.stop();
      const result = await recording.done;
      expect(result.stop).toBe('cancelled');
      const done = await client.query('info');
      expect(done.status).toBe('complete');
      expect(done.events).toBe(result.events);
    } finally {
      await client.close();
    }
  }, 120_000);
});
