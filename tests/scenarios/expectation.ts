// Checks a finished scenario run against its expectation: the outcome, console lines in order,
// the exception sequence (as a subsequence), signals, fixups and resets.

import { expect } from 'vitest';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import type { RunResult } from '../../emulator/machine/machine.ts';
import type { ExpectedException, Scenario } from '../../emulator/scenarios/scenario.ts';

const TRACE_SIGNAL_GENERATE = 6, TRACE_PANIC = 16, TRACE_FIXUP = 18;

type ExceptionEvent = Extract<MachineEvent, { kind: 'exception' }>;

function cr2Class(cr2: bigint): 'null' | 'kernel' | 'user' {
  if (cr2 < 0x1000n) return 'null';
  return cr2 >= 0xffff800000000000n ? 'kernel' : 'user';
}

function matches(e: ExceptionEvent, x: ExpectedException): boolean {
  if (e.vector !== x.vector) return false;
  if (x.cpl !== undefined && e.cpl !== x.cpl) return false;
  if (x.errorSet !== undefined && ((e.errorCode ?? 0) & x.errorSet) !== x.errorSet) return false;
  if (x.errorClear !== undefined && ((e.errorCode ?? 0) & x.errorClear) !== 0) return false;
  if (x.duringDelivery !== undefined && e.duringDelivery !== x.duringDelivery) return false;
  if (x.promoted !== undefined && e.promoted !== x.promoted) return false;
  if (x.stack !== undefined && e.stack !== x.stack) return false;
  if (x.cr2 !== undefined && cr2Class(e.cr2) !== x.cr2) return false;
  return true;
}

export function checkScenario(s: Scenario, r: RunResult, events: MachineEvent[], console: string): void {
  const x = s.expect;
  const traces = events.filter((e): e is Extract<MachineEvent, { kind: 'trace' }> => e.kind === 'trace');
  const panicked = traces.some((e) => e.type === TRACE_PANIC);
  const tripled = events.some((e) => e.kind === 'triple-fault');
  switch (x.outcome) {
    case 'exit': expect(r.cause, `${s.id}: how the run ended`).toBe('power-off'); expect(panicked).toBe(false); break;
    case 'panic': expect(panicked, `${s.id}: a PANIC tracepoint`).toBe(true); expect(r.cause).not.toBe('budget'); break;
    case 'triple-fault': expect(tripled, `${s.id}: a triple fault`).toBe(true); break;
  }
  let at = 0;
  for (const line of x.console) {
    const found = console.indexOf(line, at);
    expect(found, `${s.id}: console shows "${line}" (in order)\n--- console ---\n${console}`).toBeGreaterThanOrEqual(0);
    at = found + line.length;
  }
  for (const line of x.notConsole ?? []) expect(console, `${s.id}: console must not show "${line}"`).not.toContain(line);
  if (x.exceptions) {
    const seen = events.filter((e): e is ExceptionEvent => e.kind === 'exception');
    let k = 0;
    for (const e of seen) if (k < x.exceptions.length && matches(e, x.exceptions[k]!)) k++;
    expect(k, `${s.id}: exception sequence ${JSON.stringify(x.exceptions)} in\n${seen.map((e) =>
      `${e.mnemonic} ec=${e.errorCode} cpl=${e.cpl} cr2=${e.cr2.toString(16)} dd=${e.duringDelivery} pr=${e.promoted} ${e.stack}`).join('\n')}`)
      .toBe(x.exceptions.length);
  }
  for (const sig of x.signals ?? []) {
    expect(traces.some((e) => e.type === TRACE_SIGNAL_GENERATE && Number(e.args[1]) === sig), `${s.id}: signal ${sig} generated`).toBe(true);
  }
  if (x.fixup) expect(traces.some((e) => e.type === TRACE_FIXUP), `${s.id}: an exception-table fixup`).toBe(true);
  if (x.reset) {
    expect(events.some((e) => e.kind === 'reset'), `${s.id}: the machine reset`).toBe(true);
    const boots = console.split('Faultline kernel').length - 1;
    expect(boots, `${s.id}: the kernel booted again after the reset`).toBeGreaterThanOrEqual(2);
  }
}
