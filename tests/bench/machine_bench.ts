// Machine benchmark: the syscall-stress scenario on 4 CPUs (the guest kernel, six processes
// making system calls, timer interrupts and context switches): paging on, kernel and user mode.
// Prints MIPS with no observer attached and with one attached that only counts events; the
// ratio is the cost of observation (target <= 1.3).

import { readFileSync } from 'node:fs';
import { findScenario } from '../../emulator/scenarios/catalogue.ts';
import { scenarioMachine } from '../../emulator/scenarios/scenario_machine.ts';

const BUILD = 'emulator/guest/build';

interface Sample { seconds: number; instructions: number; events: number }

function once(observe: boolean): Sample {
  const s = findScenario('syscall-stress')!;
  const m = scenarioMachine(s, { kernel: readFileSync(`${BUILD}/kernel.elf`), initrd: readFileSync(`${BUILD}/initrd.img`) });
  let events = 0;
  if (observe) m.attach({ onBatch: (b) => { events += b.count; } });
  const t0 = performance.now();
  const r = m.run(s.budget);
  return { seconds: (performance.now() - t0) / 1000, instructions: r.instructions, events };
}

/** Runs the workload `rounds` times per mode, alternating modes so machine noise hits both alike. */
export function run(rounds = 3): void {
  once(false); // warm up the JIT
  const total: Sample[] = [{ seconds: 0, instructions: 0, events: 0 }, { seconds: 0, instructions: 0, events: 0 }];
  for (let k = 0; k < rounds; k++) {
    for (const mode of [0, 1]) {
      const x = once(mode === 1);
      total[mode]!.seconds += x.seconds;
      total[mode]!.instructions += x.instructions;
      total[mode]!.events += x.events;
    }
  }
  const mips = total.map((t) => t.instructions / t.seconds / 1e6);
  console.log(`machine: syscall-stress on 4 CPUs x${rounds}, ${(total[0]!.instructions / rounds).toLocaleString()} instructions per run, paging on`);
  console.log(`  observer detached: ${mips[0]!.toFixed(1)} MIPS`);
  console.log(`  observer attached: ${mips[1]!.toFixed(1)} MIPS (${(total[1]!.events / rounds).toLocaleString()} events per run)`);
  console.log(`  slowdown with observer: ${(mips[0]! / mips[1]!).toFixed(2)}x (target <= 1.3)`);
}
