// The machines this app can rebuild for time travel, by the builder name a session records
// (MachineSetup.machine). Only names in this table are honoured: a file chooses among our own
// builders and passes them data, never code.

import type { Machine } from '../../emulator/machine/machine.ts';
import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';
import type { MachineSetup } from '../session/inputs.ts';
import { scenarioRunMachine } from './scenario_run_machine.ts';

export interface RecordedInputs {
  kernel: Uint8Array | null;
  initrd: Uint8Array | null;
}

/** A function making the recording's machine as it started, or an explanation of why not. */
export function rebuilder(setup: MachineSetup, inputs: RecordedInputs): (() => Machine) | string {
  const m = setup.machine;
  if (!m) return 'the recording does not say how its machine was built';
  if (m.builder === 'scenario') {
    const o = m.options as { scenario?: unknown; cpus?: unknown; cmdline?: unknown } | null;
    if (typeof o?.scenario !== 'string' || typeof o.cpus !== 'number' || typeof o.cmdline !== 'string') return 'the recording\'s machine options are damaged';
    if (!SCENARIOS.some((s) => s.id === o.scenario)) return `this app does not know the scenario "${o.scenario}"`;
    if (!inputs.kernel || !inputs.initrd) return 'the recording holds no kernel image';
    const { scenario, cpus, cmdline } = o as { scenario: string; cpus: number; cmdline: string };
    const { kernel, initrd } = inputs;
    return () => scenarioRunMachine({ scenario, cpus, cmdline, kernel, initrd });
  }
  return `this app cannot rebuild a machine of kind "${m.builder}"`;
}
