// CPU core benchmark: a gcc -O2 integer workload (CRC-32, quicksort, string search;
// tests/bench/cpu_workload.c) run in the emulator over a flat address space, and the same C
// compiled natively, for the ratio. Prints; never asserts. Needs gcc and binutils on x86-64 Linux.

import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFlat, buildNative, FLAT_BASE, runFlat, runNative } from '../x86/flat_program.ts';
import { hostUnavailable, makeTempDir } from '../x86/host.ts';

export const name = 'cpu';

const here = dirname(fileURLToPath(import.meta.url));
const MEM = 8 << 20;

export async function run(): Promise<void> {
  const why = hostUnavailable();
  if (why) { console.log(`cpu: skipped (${why})`); return; }
  const tmp = makeTempDir();
  try {
    const source = join(here, 'cpu_workload.c');
    const prog = buildFlat(tmp.dir, source, 'bench_main', FLAT_BASE + MEM - 64);
    const native = buildNative(tmp.dir, source, 'bench_main');
    runFlat(prog, MEM); // warm-up: lets V8 optimise the hot handlers
    let best = Infinity, instructions = 0, result = 0n;
    for (let k = 0; k < 3; k++) {
      const r = runFlat(prog, MEM);
      if (r.seconds < best) best = r.seconds;
      instructions = r.instructions;
      result = r.result;
    }
    const reps = 50;
    const n = runNative(native, reps);
    const nativeSec = n.seconds / reps;
    const mips = instructions / best / 1e6;
    console.log(`cpu: ${instructions} instructions in ${best.toFixed(3)} s = ${mips.toFixed(1)} MIPS ` +
      `(best of 3, after a warm-up run); native ${(nativeSec * 1e3).toFixed(2)} ms per run ` +
      `(${(instructions / nativeSec / 1e6).toFixed(0)} M emulated-instructions/s equivalent), ` +
      `emulator/native slowdown ${(best / nativeSec).toFixed(0)}x; results ${result === n.result ? 'agree' : `DIFFER (0x${result.toString(16)} vs 0x${n.result.toString(16)})`}`);
    console.log(`cpu: machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}, node ${process.version}`);
  } finally {
    tmp.dispose();
  }
}
