// The machine for a scenario of the catalogue: the guest kernel and initrd booted with the
// scenario's command line (or the user's), as emulator/scenarios/scenario_machine.ts builds it.
// A MachineRecipe names this module and `scenarioRunMachine`.

import type { Machine } from '../../emulator/machine/machine.ts';
import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';
import { scenarioMachine } from '../../emulator/scenarios/scenario_machine.ts';

export interface ScenarioRunOptions {
  scenario: string;
  cpus: number;
  cmdline: string;
  kernel: Uint8Array;
  initrd: Uint8Array;
}

export function scenarioRunMachine(o: ScenarioRunOptions): Machine {
  const scenario = SCENARIOS.find((s) => s.id === o.scenario);
  if (!scenario) throw new Error(`unknown scenario "${o.scenario}"`);
  return scenarioMachine(scenario, { kernel: o.kernel, initrd: o.initrd }, { cpus: o.cpus, cmdline: o.cmdline });
}

export const SCENARIO_MACHINE_RECIPE = { module: new URL('./scenario_run_machine.ts', import.meta.url).href, build: 'scenarioRunMachine' } as const;
