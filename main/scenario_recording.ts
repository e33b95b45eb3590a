// What recording a scenario of the catalogue takes: the machine recipe (the scenario machine
// booting the guest build with the scenario's or the user's command line) and the inputs stored
// with it, including how to rebuild the machine for time travel (MachineSetup.machine, read back
// by machine_builders.ts). `faultline record` and the app's runs both build their request here.

import type { RecordRequest } from './emulator_host/host.ts';
import { SCENARIO_MACHINE_RECIPE } from './emulator_host/scenario_run_machine.ts';
import { findScenario } from '../emulator/scenarios/catalogue.ts';
import { readGuestBuild, SOURCE_GUEST_BUILD, type GuestBuild } from './session/guest_build.ts';

/** The machine's RAM: the scenario machine keeps the machine's default. */
const MEMORY_MIB = 64;

export interface ScenarioRunChoice {
  cpus: number;
  cmdline: string;
  budget: number;
}

/** Thrown when the guest build cannot be read: a broken install or checkout, not bad input. */
export class GuestBuildMissing extends Error {
  constructor(dir: string, cause: unknown) {
    super(`the guest kernel build in ${dir} cannot be read (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'GuestBuildMissing';
  }
}

/** `guestBuildDir`: the folder holding kernel.elf, initrd.img and the rest (guest_build.ts). */
export function scenarioRecordRequest(scenarioId: string, choice: ScenarioRunChoice, out: string, guestBuildDir = SOURCE_GUEST_BUILD): RecordRequest {
  if (findScenario(scenarioId) === undefined) throw new Error(`unknown scenario "${scenarioId}"`);
  let build: GuestBuild;
  try {
    build = readGuestBuild(guestBuildDir);
  } catch (err) {
    throw new GuestBuildMissing(guestBuildDir, err);
  }
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
