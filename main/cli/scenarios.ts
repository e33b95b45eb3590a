// The runs `faultline record` knows by name. Each boots the committed guest kernel with a
// command line; its init runs the user programs named after "--" (emulator/guest/user/init.c).

export interface RunScenario {
  id: string;
  title: string;
  cmdline: string;
  cpus: number;
  /** Instruction budget (all CPUs together). */
  budget: number;
}

export const SCENARIOS: readonly RunScenario[] = [
  { id: 'boot', title: 'Boot the kernel on every CPU, run the "hello" user program, power off', cmdline: '', cpus: 4, budget: 400_000_000 },
];

export function findScenario(id: string): RunScenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
