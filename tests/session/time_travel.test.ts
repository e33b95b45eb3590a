// Time travel on a real recording: states reconstructed from checkpoints and re-execution must
// be the states the machine was in at those instants during an uninterrupted run.

import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { VCpuState } from '../../emulator/machine/vcpu.ts';
import { record } from '../../main/emulator_host/host.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { advanceTo, TimeTravel } from '../../main/session/time_travel.ts';
import { scriptedInputs, tempDir } from './fixtures/record_scripted.ts';
import { userKernelProgram } from './fixtures/user_kernel_program.ts';

const options = { cpus: 2, syscalls: 2000 };
let reader: SessionReader;

/** Pseudo-random instants, fixed by the seed. */
function instants(n: number, until: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return 1 + (x % until);
  });
}

beforeAll(async () => {
  const out = join(tempDir(), 'travel.flt');
  await record({
    recipe: { module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options },
    inputs: { ...scriptedInputs(2), scenario: 'user-kernel-program' },
    out, budget: 10_000_000, checkpointEvery: 25_000,
  }).done;
  reader = SessionReader.open(out);
});

describe('time travel', () => {
  it('reconstructs the state of every CPU at random instants, as the original run had it', async () => {
    const end = reader.info().tLast;
    expect(reader.checkpoints().length).toBeGreaterThan(5);
    const ts = instants(12, end, 7);
    // The uninterrupted run, stopped at each instant on the way.
    const original = new Map<number, { clock: number; cpus: VCpuState[] }>();
    const m = userKernelProgram(options);
    for (const t of [...ts].sort((a, b) => a - b)) {
      advanceTo(m, t);
      original.set(t, { clock: m.clock, cpus: m.vcpus.map((v) => v.save()) });
    }
    const travel = new TimeTravel(reader, () => userKernelProgram(options));
    for (const t of ts) {
      const state = await travel.stateAt(t);
      expect(state.t).toBe(original.get(t)!.clock);
      expect(state.checkpointT).toBeLessThanOrEqual(t);
      expect(state.cpus).toEqual(original.get(t)!.cpus);
    }
  });

  it('refuses an instant before the first checkpoint', async () => {
    const travel = new TimeTravel({ checkpoints: () => [], checkpointBlob: () => null }, () => userKernelProgram(options));
    await expect(travel.stateAt(5)).rejects.toThrow(/no checkpoint/);
  });
});
