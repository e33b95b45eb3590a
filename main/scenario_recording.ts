// What recording a scenario of the catalogue takes: the machine recipe (the scenario machine
// booting the committed guest with the scenario's or the user's command line) and the inputs
// stored with it, including how to rebuild the machine for time travel (MachineSetup.machine,
// read back by machine_builders.ts). The same request as `faultline record` makes.

import type { RecordRequest } from './emulator_host/host.ts';
import { SCENARIO_MACHINE_RECIPE } from './emulator_host/scenario_run_machine.ts';
import { findScenario } from '../emulator/scenarios/catalogue.ts';
import { readGuestBuild } from './session/guest_build.ts';

/** The machine's RAM: the scenario machine keeps the machine's default. */
const MEMORY_MIB = 64;

export interface ScenarioRunChoice {
  cpus: number;
  cmdline: string;
  budget: number;
}

export function scenarioRecordRequest(scenarioId: string, choice: ScenarioRunChoice, out: string): RecordRequest {
  if (findScenario(scenarioId) === undefined) throw new Error(`unknown scenario "${scenarioId}"`);
  const build = readGuestBuild();
  const machine = { builder: 'scenario', options: { scenario: scenarioId, cpus: choice.cpus, cmdline: choice.cmdline } };
  return {
    recipe: { ...SCENARIO_MACHINE_RECIPE, options: { ...machine.options, kernel: build.kernel, initrd: build.initrd } },
    inputs: {
      scenario: scenarioId,
      config: { cpus: choice.cpus, memoryBytes: MEMORY_MIB * 2 ** 20, cmdline: choice.cmdline, maxInstructions: choice.budget, machine },
      kernel: build.kernel, initrd: build.initrd, symbols: build.symbols, lines: build.lines, sources: build.sources,
    },
    out,
    budget: choice.budget,
  };
}
