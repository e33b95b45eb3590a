// A nested exception as a chain, oldest first, each step with the rule that made it what it is.
// SDM Vol. 3, 6.15 "Interrupt 8—Double Fault Exception", Table 6-4 (the classes) and Table 6-5
// (which pairs the CPU handles one after the other, which become #DF, which shut it down).

import { EXCEPTION_MNEMONICS, hex64, type MachineEvent } from '../../../emulator/machine/events.ts';
import { decodeSelectorError } from '../../../emulator/machine/inspect.ts';
import type { CascadeStep } from '../../../preload/inspect_api.ts';

export type ExceptionClass = 'benign' | 'contributory' | 'page fault' | 'double fault';

/** Table 6-4: #DE, #TS, #NP, #SS, #GP are contributory; #PF is its own class; the rest benign. */
export function exceptionClass(vector: number): ExceptionClass {
  if (vector === 8) return 'double fault';
  if (vector === 14) return 'page fault';
  return [0, 10, 11, 12, 13].includes(vector) ? 'contributory' : 'benign';
}

/** Table 6-5: what the CPU does with a second exception met while delivering the first. */
export function secondExceptionOutcome(first: number, second: number): 'serially' | 'double fault' | 'shutdown' {
  const a = exceptionClass(first), b = exceptionClass(second);
  if (b === 'benign' || a === 'benign') return 'serially';
  if (a === 'double fault') return 'shutdown';
  if (a === 'contributory' && b === 'page fault') return 'serially';
  return 'double fault';
}

function name(vector: number): string {
  return EXCEPTION_MNEMONICS[vector] ?? `vector ${vector}`;
}

type ExceptionEvent = Extract<MachineEvent, { kind: 'exception' }>;
type CascadeEvent = ExceptionEvent | Extract<MachineEvent, { kind: 'triple-fault' }>;

/** What went wrong delivering `prev` that raised `e`, read from e's error code and stack. */
function deliveryFailure(e: ExceptionEvent, prev: number): string {
  if (e.errorCode !== null && (e.vector === 13 || e.vector === 11 || e.vector === 10)) {
    const sel = decodeSelectorError(e.errorCode);
    if (sel.idt) return `the IDT gate of ${name(sel.index)} (vector ${sel.index}) is ${e.vector === 11 ? 'not present' : 'missing or not a valid gate'}`;
  }
  if (e.vector === 14) return `pushing the ${name(prev)} frame on the ${e.stack === 'current' ? 'current' : e.stack.toUpperCase()} stack touched ${hex64(e.cr2)}, which is not mapped`;
  if (e.vector === 12) return `the ${name(prev)} frame does not fit on the stack`;
  return `${name(e.vector)} while delivering ${name(prev)}`;
}

export function faultCascade(events: readonly CascadeEvent[]): CascadeStep[] {
  const steps: CascadeStep[] = [];
  // The vector being delivered when the previous step was raised: the first of a promoted pair.
  let delivering: number | null = null;
  for (const e of events) {
    if (e.kind === 'triple-fault') {
      steps.push({ seq: e.seq, t: e.t, what: 'triple fault',
        rule: `Table 6-5: ${name(e.secondVector)} (${exceptionClass(e.secondVector)}) while delivering ${name(e.firstVector)}: the CPU shuts down, and the board resets the machine`,
        failed: null });
      continue;
    }
    const prev = e.previousVector;
    const first = delivering;
    delivering = prev;
    if (e.vector === 8 && e.promoted && prev !== null) {
      const pair = first === null ? `${name(prev)} (${exceptionClass(prev)})` : `${name(prev)} (${exceptionClass(prev)}) while delivering ${name(first)} (${exceptionClass(first)})`;
      steps.push({ seq: e.seq, t: e.t, what: '#DF',
        rule: `Table 6-5: ${pair} becomes a double fault; the CPU delivers #DF ${e.stack.startsWith('ist') ? `on ${e.stack.toUpperCase()}, its own IST stack` : 'on the same stack (its gate names no IST)'}`,
        failed: e.delivered ? null : `the #DF gate could not be entered`,
      });
      continue;
    }
    if (e.duringDelivery && prev !== null) {
      const outcome = secondExceptionOutcome(prev, e.vector);
      steps.push({ seq: e.seq, t: e.t, what: e.mnemonic,
        rule: `raised while delivering ${name(prev)} (${exceptionClass(prev)} then ${exceptionClass(e.vector)}): Table 6-5 says ${outcome === 'serially' ? 'handle it serially' : outcome === 'double fault' ? 'the pair becomes a double fault' : 'shut down (triple fault)'}`,
        failed: deliveryFailure(e, prev) });
      continue;
    }
    steps.push({ seq: e.seq, t: e.t, what: e.mnemonic,
      rule: `the first fault (${exceptionClass(e.vector)} class, Table 6-4), in ${e.cpl === 3 ? 'user' : 'kernel'} mode at ${hex64(e.rip)}`,
      failed: null });
  }
  return steps;
}
