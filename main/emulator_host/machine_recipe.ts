// How the emulator thread gets its machine. A recipe is plain data (it crosses to the worker):
// the name of a module and of the function in it that builds a ready-to-run Machine, with
// structured-cloneable options. Scenarios and test programs are both built this way.

import type { Machine } from '../../emulator/machine/machine.ts';

export interface MachineRecipe {
  /** URL (href) of the module. */
  module: string;
  /** Name of the exported function: (options) => Machine | Promise<Machine>. */
  build: string;
  options: unknown;
}

export type MachineBuilder = (options: unknown) => Machine | Promise<Machine>;

export async function buildMachine(recipe: MachineRecipe): Promise<Machine> {
  const mod = (await import(recipe.module)) as Record<string, unknown>;
  const build = mod[recipe.build];
  if (typeof build !== 'function') throw new Error(`${recipe.module} has no machine builder "${recipe.build}"`);
  return (build as MachineBuilder)(recipe.options);
}
