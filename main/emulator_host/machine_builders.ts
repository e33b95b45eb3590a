// The machines this app can rebuild for time travel, by the builder name a session records
// (MachineSetup.machine). Only names in this table are honoured: a file chooses among our own
// builders and passes them data, never code.

import type { Machine } from '../../emulator/machine/machine.ts';
import type { MachineSetup } from '../session/inputs.ts';
import { guestMachine } from './guest_machine.ts';

export interface RecordedInputs {
  kernel: Uint8Array | null;
  initrd: Uint8Array | null;
}

/** A function making the recording's machine as it started, or an explanation of why not. */
export function rebuilder(setup: MachineSetup, inputs: RecordedInputs): (() => Machine) | string {
  const m = setup.machine;
  if (!m) return 'the recording does not say how its machine was built';
  if (m.builder === 'guest') {
    const o = m.options as { cpus?: unknown; memoryMiB?: unknown; cmdline?: unknown };
    if (typeof o?.cpus !== 'number' || typeof o.memoryMiB !== 'number' || typeof o.cmdline !== 'string') return 'the recording\'s machine options are damaged';
    if (!inputs.kernel || !inputs.initrd) return 'the recording holds no kernel image';
    const { kernel, initrd } = inputs;
    return () => guestMachine({ cpus: o.cpus as number, memoryMiB: o.memoryMiB as number, cmdline: o.cmdline as string, kernel, initrd });
  }
  return `this app cannot rebuild a machine of kind "${m.builder}"`;
}
