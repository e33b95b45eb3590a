// Machine benchmark: the syscall-stress scenario on 4 CPUs (the guest kernel, six processes
// making system calls, timer interrupts and context switches): paging on, kernel and user mode.
// Prints MIPS with no observer attached and with one attached that only counts events; the
// ratio is the cost of observation (target <= 1.3). Then the machine's share of recording and
// time travel: the run in the recorder's slices with a snapshot every CHECKPOINT_TICKS, and
// seeks to random instants (restore a full snapshot and the deltas after it, run on), in CPU time.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { findScenario } from '../../emulator/scenarios/catalogue.ts';
import { scenarioMachine } from '../../emulator/scenarios/scenario_machine.ts';
import type { Machine, MachineSnapshot } from '../../emulator/machine/machine.ts';

const BUILD = 'emulator/guest/build';
/** As the recorder runs the machine: slices of a million ticks, a snapshot every 500K. */
const SLICE = 1_000_000;
const CHECKPOINT_TICKS = 500_000;
/** The recorder stores every 16th checkpoint full, the others as deltas on the one before. */
const FULL_EVERY = 16;
const CMDLINE = 'init=init -- stress stress stress';

interface Sample { seconds: number; instructions: number; events: number }

function machine(cmdline?: string): Machine {
  const s = findScenario('syscall-stress')!;
  return scenarioMachine(s, { kernel: readFileSync(`${BUILD}/kernel.elf`), initrd: readFileSync(`${BUILD}/initrd.img`) }, cmdline ? { cmdline } : {});
}

function once(observe: boolean): Sample {
  const s = findScenario('syscall-stress')!;
  const m = machine();
  let events = 0;
  if (observe) m.attach({ onBatch: (b) => { events += b.count; } });
  const t0 = performance.now();
  const r = m.run(s.budget);
  return { seconds: (performance.now() - t0) / 1000, instructions: r.instructions, events };
}

function cpuMs(f: () => void): number {
  const u0 = process.cpuUsage();
  f();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** Runs the workload `rounds` times per mode, alternating modes so machine noise hits both alike. */
export function run(rounds = 3): void {
  console.log(`machine (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on 2 cores)`);
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
  console.log(`  syscall-stress on 4 CPUs x${rounds}, ${(total[0]!.instructions / rounds).toLocaleString()} instructions per run, paging on`);
  console.log(`  observer detached: ${mips[0]!.toFixed(1)} MIPS`);
  console.log(`  observer attached: ${mips[1]!.toFixed(1)} MIPS (${(total[1]!.events / rounds).toLocaleString()} events per run)`);
  console.log(`  slowdown with observer: ${(mips[0]! / mips[1]!).toFixed(2)}x (target <= 1.3)`);
  checkpointsAndSeeks();
}

/** A snapshot as the recorder stores it, and the time it was taken at. */
interface Stored { t: number; snapshot: MachineSnapshot }

function checkpointsAndSeeks(): void {
  const budget = 1e9;
  const bare = machine(CMDLINE);
  let instructions = 0;
  const bareMs = cpuMs(() => { instructions = bare.run(budget).instructions; });

  // The recorder's way: an observer, runUntil slices, a snapshot at every checkpoint instant.
  const m = machine(CMDLINE);
  m.attach({ onBatch: () => {} });
  const stored: Stored[] = [];
  const pages = new Map<number, Uint8Array>();
  let snapshotMs = 0;
  let next = 0;
  const recordMs = cpuMs(() => {
    for (;;) {
      if (m.clock >= next) {
        let s!: MachineSnapshot;
        snapshotMs += cpuMs(() => { s = m.snapshot(stored.length === 0); });
        for (const [n, page] of s.pages) pages.set(n, page);
        stored.push({ t: m.clock, snapshot: stored.length % FULL_EVERY === 0 ? { ...s, full: true, pages: [...pages].sort((a, b) => a[0] - b[0]) } : s });
        next = m.clock + CHECKPOINT_TICKS;
      }
      const r = m.runUntil(Math.max(Math.min(m.clock + SLICE, next), m.clock + 1));
      if (r.cause !== 'budget' && r.cause !== 'time') break;
    }
  });
  console.log(`  ${CMDLINE}: ${(instructions / 1e6).toFixed(0)}M instructions, ${bareMs.toFixed(0)} ms CPU in one run() with no observer`);
  console.log(`    in slices with an observer and ${stored.length} snapshots: ${recordMs.toFixed(0)} ms CPU (${(recordMs / bareMs).toFixed(2)}x), of which snapshots ${snapshotMs.toFixed(0)} ms (${(snapshotMs / stored.length).toFixed(2)} ms each)`);

  // Seeks: restore the last full snapshot at or before t and the deltas after it, run to t.
  const seeker = machine(CMDLINE);
  const end = m.clock;
  let x = 99;
  const restoreMs: number[] = [];
  const totalMs: number[] = [];
  for (let i = 0; i < 41; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const t = Math.floor((x / 2 ** 32) * end);
    let at = 0;
    while (at + 1 < stored.length && stored[at + 1]!.t <= t) at++;
    const from = at - (at % FULL_EVERY);
    let restore = 0;
    const total = cpuMs(() => {
      restore = cpuMs(() => { for (let k = from; k <= at; k++) seeker.restore(stored[k]!.snapshot); });
      seeker.runUntil(t);
    });
    if (i === 0) continue; // the first builds the JIT's view of the seeker
    restoreMs.push(restore);
    totalMs.push(total);
  }
  console.log(`    seek to 40 random instants: median ${percentile(totalMs, 0.5).toFixed(1)} ms  p95 ${percentile(totalMs, 0.95).toFixed(1)} ms CPU (restore median ${percentile(restoreMs, 0.5).toFixed(1)} ms)`);
}
