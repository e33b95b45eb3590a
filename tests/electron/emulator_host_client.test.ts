// The main process's client of the emulator host process, with a Node child process standing in
// for Electron's utilityProcess around the real entry (main/electron/emulator_host_process.ts):
// real machine runs recorded in that process, progress and results back, stop, and a process
// that dies failing its runs and being replaced for the next one.

import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorHostClient } from '../../main/electron/emulator_host_client.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { programInputs, programRecipe, tempDir } from './fixtures/recorded_run.ts';
import { spawnStandInHost } from './fixtures/stand_in_host.ts';

const children: ChildProcess[] = [];

const spawnHost = () => spawnStandInHost(children);

afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});

describe('emulator host client', () => {
  it('records a machine run in the host process, with progress', async () => {
    const client = new EmulatorHostClient(spawnHost);
    const out = join(tempDir(), 'run.flt');
    let progress = 0;
    const result = await client.record({
      recipe: programRecipe(100), inputs: programInputs, out, budget: 3_000_000, onProgress: () => progress++,
    }).done;
    expect(result.outcome.kind).toBe('exit');
    expect(progress).toBeGreaterThan(0);
    const reader = SessionReader.open(out);
    expect(reader.info().events).toBe(result.events);
    reader.close();
    client.dispose();
  });

  it('stops a run on request', async () => {
    const client = new EmulatorHostClient(spawnHost);
    let slices = 0;
    const recording = client.record({
      recipe: programRecipe(0), inputs: programInputs, out: join(tempDir(), 'stopped.flt'), budget: Number.MAX_SAFE_INTEGER,
      onProgress: () => void (++slices === 3 && recording.stop()),
    });
    expect((await recording.done).outcome.kind).toBe('cut-short');
    client.dispose();
  });

  it('fails the runs of a process that dies, and starts a new one for the next run', async () => {
    let spawned = 0;
    const client = new EmulatorHostClient(() => (spawned++, spawnHost()));
    let killed = false;
    const doomed = client.record({
      recipe: programRecipe(0), inputs: programInputs, out: join(tempDir(), 'doomed.flt'), budget: Number.MAX_SAFE_INTEGER,
      onProgress: () => {
        if (!killed) children.at(-1)!.kill('SIGKILL');
        killed = true;
      },
    });
    await expect(doomed.done).rejects.toThrow('the emulator process ended');
    const next = await client.record({ recipe: programRecipe(20), inputs: programInputs, out: join(tempDir(), 'next.flt'), budget: 1_000_000 }).done;
    expect(next.outcome.kind).toBe('exit');
    expect(spawned).toBe(2);
    client.dispose();
  });
});
