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
import { SCENARIO_MACHINE_RECIPE, scenarioRunMachine } from '../../main/emulator_host/scenario_run_machine.ts';
import { readGuestBuild } from '../../main/session/guest_build.ts';
import { SessionClient } from '../../main/session/session_client.ts';

const options = { cpus: 2, syscalls: 2000 };
let reader: SessionReader;
/** States the recording run itself reported at these instants. */
let captured: { asked: number; t: number; cpus: VCpuState[] }[];
const asked = instants(12, 600_000, 7);

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
  const result = await record({
    recipe: { module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options },
    inputs: { ...scriptedInputs(2), scenario: 'user-kernel-program' },
    out, budget: 10_000_000, checkpointEvery: 25_000, captureAt: asked,
  }).done;
  captured = result.captured;
  reader = SessionReader.open(out);
});

describe('time travel', () => {
  it('reconstructs the state of every CPU at random instants, as the recording run had it', async () => {
    expect(reader.checkpoints().length).toBeGreaterThan(5);
    expect(captured.map((c) => c.asked)).toEqual([...asked].sort((a, b) => a - b));
    const travel = new TimeTravel(reader, () => userKernelProgram(options));
    for (const t of asked) {
      const state = await travel.stateAt(t);
      const original = captured.find((c) => c.asked === t)!;
      expect(state.t).toBe(original.t);
      expect(state.checkpointT).toBeLessThanOrEqual(t);
      expect(state.cpus).toEqual(original.cpus);
    }
  });

  it('gives the same states as an uninterrupted run stopped at each instant', () => {
    const m = userKernelProgram(options);
    for (const c of captured) {
      advanceTo(m, c.asked);
      expect(m.clock).toBe(c.t);
      expect(m.vcpus.map((v) => v.save())).toEqual(c.cpus);
    }
  });

  /** Records the guest kernel with this command line, capturing the CPUs at `at`; its file and captures. */
  async function recordGuest(cpus: number, cmdline: string, budget: number, at: number[]) {
    const build = readGuestBuild();
    const machine = { scenario: 'syscall-stress', cpus, cmdline, kernel: build.kernel, initrd: build.initrd };
    const inputs = scriptedInputs(cpus);
    const result = await record({
      recipe: { ...SCENARIO_MACHINE_RECIPE, options: machine },
      inputs: {
        ...inputs, scenario: 'syscall-stress', kernel: build.kernel, initrd: build.initrd,
        config: { ...inputs.config, cpus, cmdline, machine: { builder: 'scenario', options: { scenario: 'syscall-stress', cpus, cmdline } } },
      },
      out: join(tempDir(), 'guest.flt'), budget, checkpointEvery: 300_000, captureAt: at,
    }).done;
    const guest = SessionReader.open(result.path);
    return { result, guest, travel: new TimeTravel(guest, () => scenarioRunMachine(machine)) };
  }

  /** Each captured state, reconstructed by `travel`, is the state the recording run had then. */
  async function expectTravelsTo(travel: TimeTravel, captured: { asked: number; t: number; cpus: VCpuState[] }[]): Promise<void> {
    for (const c of captured) {
      const state = await travel.stateAt(c.asked);
      expect(state.t).toBe(c.t);
      expect(state.cpus).toEqual(c.cpus);
    }
  }

  it('reconstructs states of the guest kernel on two CPUs, in the session worker too, as the recording run had them', async () => {
    const { result, guest, travel } = await recordGuest(2, 'init=hello', 50_000_000, instants(4, 1_900_000, 11));
    expect(result.outcome.kind).toBe('exit');
    await expectTravelsTo(travel, result.captured);
    guest.close();
    const client = await SessionClient.open(result.path);
    for (const c of result.captured.slice(0, 2)) {
      const state = await client.query('stateAt', c.asked);
      expect(state.t).toBe(c.t);
      expect(state.cpus).toEqual(c.cpus);
    }
    await client.close();
  });

  it('reconstructs states across reboots (panic=1 resets through port 0xcf9, again and again)', async () => {
    // Each boot panics about 2.24M ticks in and resets 1 ms later: instants in the first three boots.
    const { result, guest, travel } = await recordGuest(1, 'panic=1 init=crashlab -- NULL_DEREF', 6_000_000, [...instants(5, 6_700_000, 3), 2_242_940, 4_485_900]);
    expect(guest.events({ kinds: ['reset'] }).length).toBeGreaterThanOrEqual(2);
    expect(result.captured).toHaveLength(7);
    await expectTravelsTo(travel, result.captured);
    guest.close();
  });

  it('refuses an instant before the first checkpoint', async () => {
    const travel = new TimeTravel({ checkpoints: () => [], checkpointBlob: () => null }, () => userKernelProgram(options));
    await expect(travel.stateAt(5)).rejects.toThrow(/no checkpoint/);
  });
});
