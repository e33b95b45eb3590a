// Boot the committed guest on the emulated machine and collect what it did:
// console text, trace records and how the run ended. Used by the guest
// scenario tests; run directly to watch one boot:
//   npx tsx tests/guest/run_guest.ts CPUS "command line"
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { Machine, type StopCause } from '../../emulator/machine/machine.ts';

const BUILD = fileURLToPath(new URL('../../emulator/guest/build/', import.meta.url));

export interface GuestRun {
  cause: StopCause;
  console: string;
  events: MachineEvent[];
  traces: Extract<MachineEvent, { kind: 'trace' }>[];
  time: number;
}

/** input: bytes typed on the serial line before the run starts. */
export function runGuest(cmdline: string, cpus = 4, budget = 400_000_000, input = ''): GuestRun {
  const m = new Machine({ cpus, onTripleFault: 'stop' });
  if (input) m.uart.feedInput(input);
  const events: MachineEvent[] = [];
  m.attach({ onBatch: (b) => events.push(...decodeBatch(b)) });
  m.boot({ kernel: readFileSync(`${BUILD}kernel.elf`), initrd: readFileSync(`${BUILD}initrd.img`), cmdline });
  const r = m.run(budget);
  const traces = events.filter((e): e is Extract<MachineEvent, { kind: 'trace' }> => e.kind === 'trace');
  return { cause: r.cause, console: m.consoleOutput, events, traces, time: r.time };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cpus = Number(process.argv[2] ?? 4);
  const started = Date.now();
  const run = runGuest(process.argv[3] ?? '', cpus);
  process.stdout.write(run.console);
  const counts = new Map<number, number>();
  for (const t of run.traces) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  console.log(`\n[stopped: ${run.cause} at t=${run.time} after ${Date.now() - started} ms; events ${run.events.length}; traces by type ${JSON.stringify([...counts])}]`);
}
