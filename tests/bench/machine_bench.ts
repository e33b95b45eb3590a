// Machine benchmark: the guest kernel booting, starting init and a user program, and powering
// off: paging on, kernel and user mode, SYSCALL/SYSRET, timer interrupts. Prints MIPS with no
// observer attached and with one attached that only counts events; the ratio is the cost of
// observation (target <= 1.3).

import { readFileSync } from 'node:fs';
import { Machine } from '../../emulator/machine/machine.ts';

const BUILD = 'emulator/guest/build';

function once(observe: boolean): { mips: number; instructions: number; events: number } {
  const m = new Machine({ cpus: 1, onTripleFault: 'stop' });
  let events = 0;
  if (observe) m.attach({ onBatch: (b) => { events += b.count; } });
  m.boot({ kernel: readFileSync(`${BUILD}/kernel.elf`), initrd: readFileSync(`${BUILD}/initrd.img`), cmdline: '' });
  const t0 = performance.now();
  const r = m.run(200_000_000);
  const s = (performance.now() - t0) / 1000;
  return { mips: r.instructions / s / 1e6, instructions: r.instructions, events };
}

/** Runs the workload `rounds` times per mode, alternating modes so machine noise hits both alike. */
export function run(rounds = 8): void {
  once(false); once(true); // warm up the JIT on both paths
  const total = [{ mips: 0, instructions: 0, events: 0 }, { mips: 0, instructions: 0, events: 0 }];
  const seconds = [0, 0];
  for (let k = 0; k < rounds; k++) {
    for (const mode of [0, 1]) {
      const x = once(mode === 1);
      seconds[mode]! += x.instructions / x.mips / 1e6;
      total[mode]!.instructions += x.instructions;
      total[mode]!.events += x.events;
    }
  }
  const [detached, attached] = total.map((t, mode) => ({ ...t, mips: t.instructions / seconds[mode]! / 1e6 })) as [
    { mips: number; instructions: number; events: number }, { mips: number; instructions: number; events: number }];
  console.log(`machine: guest boot to power-off x${rounds}, ${detached.instructions.toLocaleString()} instructions per mode, paging on, 1 CPU`);
  console.log(`  observer detached: ${detached.mips.toFixed(1)} MIPS`);
  console.log(`  observer attached: ${attached.mips.toFixed(1)} MIPS (${attached.events.toLocaleString()} events)`);
  console.log(`  slowdown with observer: ${(detached.mips / attached.mips).toFixed(2)}x (target <= 1.3)`);
}
