// Builds the machine a scenario runs on: the committed guest image booted with the scenario's
// command line on its CPU count. The image bytes come from the caller (a file on Node, a fetch
// in a browser), so this stays free of any host API.

import { Machine, type GuestImage } from '../machine/machine.ts';
import type { Scenario } from './scenario.ts';

export interface GuestFiles {
  kernel: Uint8Array;
  initrd: Uint8Array;
}

/** Overrides a user may set in the run controls. */
export interface RunOverrides {
  cpus?: number;
  cmdline?: string;
}

export function scenarioImage(s: Scenario, files: GuestFiles, overrides: RunOverrides = {}): GuestImage {
  return { kernel: files.kernel, initrd: files.initrd, cmdline: overrides.cmdline ?? s.cmdline };
}

export function scenarioMachine(s: Scenario, files: GuestFiles, overrides: RunOverrides = {}): Machine {
  const m = new Machine({
    cpus: overrides.cpus ?? s.cpus,
    onTripleFault: 'reset',
    ...(s.maxResets !== undefined ? { maxResets: s.maxResets } : {}),
  });
  m.boot(scenarioImage(s, files, overrides));
  return m;
}
