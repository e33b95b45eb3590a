// The machine for a guest run: the teaching kernel and its initrd booted with a command line.
// A MachineRecipe names this module and `guestMachine`.

import { Machine } from '../../emulator/machine/machine.ts';

export interface GuestMachineOptions {
  cpus: number;
  memoryMiB: number;
  cmdline: string;
  kernel: Uint8Array;
  initrd: Uint8Array;
}

export function guestMachine(o: GuestMachineOptions): Machine {
  const m = new Machine({ cpus: o.cpus, memoryMiB: o.memoryMiB, onTripleFault: 'stop' });
  m.boot({ kernel: o.kernel, initrd: o.initrd, cmdline: o.cmdline });
  return m;
}

export const GUEST_MACHINE_RECIPE = { module: new URL('./guest_machine.ts', import.meta.url).href, build: 'guestMachine' } as const;
