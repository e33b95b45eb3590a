// Pausing a recording holds the emulator between slices; resuming goes on where it was, so the
// file holds exactly what an uninterrupted run records.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decodeBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { record, type RecordProgress } from '../../main/emulator_host/host.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { scriptedInputs, tempDir } from './fixtures/record_scripted.ts';
import { userKernelProgram, type ProgramOptions } from './fixtures/user_kernel_program.ts';

// Long enough (about 6M instructions) that the pause lands mid-run even on a loaded machine.
const options: ProgramOptions = { cpus: 2, syscalls: 9000 };
const BUDGET = 10_000_000;
const recipe = { module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pausing a recording', () => {
  it('holds the emulator while paused and records exactly the uninterrupted run after resuming', async () => {
    const out = join(tempDir(), 'paused.flt');
    let last: RecordProgress | null = null;
    let paused = false;
    const rec = record({
      recipe, inputs: { ...scriptedInputs(2), scenario: 'user-kernel-program' }, out, budget: BUDGET,
      checkpointEvery: 50_000,
      onProgress: (p) => {
        last = p;
        // Pause as soon as it reports.
        if (!paused) rec.pause();
        paused = true;
      },
    });
    // The slice under way when the pause came ends and reports; wait until reports stop.
    while (last === null) await sleep(5);
    let held = -1;
    for (let quiet = 0; quiet < 6; ) {
      await sleep(50);
      const now = last === null ? -1 : (last as RecordProgress).instructions;
      quiet = now === held ? quiet + 1 : 0;
      held = now;
    }
    await sleep(500);
    expect((last as RecordProgress).instructions).toBe(held);
    rec.resume();
    const result = await rec.done;
    expect(result.outcome.kind).toBe('exit');
    expect(held, 'the pause came before the end of the run').toBeLessThan(result.instructions);

    const m = userKernelProgram(options);
    const want: MachineEvent[] = [];
    m.attach({ onBatch: (b) => want.push(...decodeBatch(b)) });
    m.run(BUDGET);
    const reader = SessionReader.open(out);
    expect(reader.events({ limit: 100000 })).toEqual(want);
    reader.close();
  });
});
