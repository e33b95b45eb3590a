// How a run ended, from why the machine stopped and what the events said on the way.

import type { RunFacts } from './derive.ts';

/** Why the machine's run loop returned control to the recorder. */
export type StopReason = 'power-off' | 'triple-fault' | 'reset' | 'budget' | 'cancelled' | 'idle';

export type Outcome =
  | { kind: 'exit'; t: number }
  | { kind: 'panic'; t: number; cpu: number; text: string; oops: string | null }
  | { kind: 'triple-fault'; t: number; cpu: number; firstVector: number; secondVector: number }
  | { kind: 'reset'; t: number }
  | { kind: 'budget-exhausted'; t: number }
  | { kind: 'idle'; t: number }
  | { kind: 'cut-short'; t: number };

/** A panic explains a later reboot or halt, so it wins; then a triple fault; then the stop itself. */
export function outcomeOf(stop: StopReason, facts: RunFacts): Outcome {
  if (facts.panic) return { kind: 'panic', t: facts.panic.t, cpu: facts.panic.cpu, text: facts.panic.text, oops: facts.oops?.text ?? null };
  if (facts.tripleFault) return { kind: 'triple-fault', ...facts.tripleFault };
  switch (stop) {
    case 'power-off': return { kind: 'exit', t: facts.powerOff?.t ?? facts.tLast };
    case 'triple-fault': return { kind: 'triple-fault', t: facts.tLast, cpu: 0, firstVector: -1, secondVector: -1 };
    case 'reset': return { kind: 'reset', t: facts.tLast };
    case 'budget': return { kind: 'budget-exhausted', t: facts.tLast };
    case 'idle': return { kind: 'idle', t: facts.tLast };
    case 'cancelled': return { kind: 'cut-short', t: facts.tLast };
  }
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'exit': return 'exit (the kernel powered the machine off)';
    case 'panic': return `panic on CPU ${o.cpu}: ${o.text}`;
    case 'triple-fault': return o.firstVector >= 0 ? `triple fault on CPU ${o.cpu} (vector ${o.firstVector}, then ${o.secondVector} while delivering it)` : 'triple fault';
    case 'reset': return 'reset (the kernel rebooted the machine)';
    case 'budget-exhausted': return 'budget exhausted (the instruction limit was reached)';
    case 'idle': return 'idle (every CPU halted with no timer pending)';
    case 'cut-short': return 'cut short (the recording stopped before the run ended)';
  }
}
