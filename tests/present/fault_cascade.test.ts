// The fault cascade on real recordings: each step of #PF -> #GP -> #DF -> triple fault carries
// the rule of SDM Table 6-5 that made it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exceptionClass, faultCascade, secondExceptionOutcome } from '../../main/present/inspect/fault_cascade.ts';
import type { SessionClient } from '../../main/session/session_client.ts';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { openRecording } from './recorded_scenario.ts';

type CascadeEvent = Extract<MachineEvent, { kind: 'exception' | 'triple-fault' }>;

describe('SDM Table 6-5: a second exception while delivering the first', () => {
  it('classes the vectors as Table 6-4 does', () => {
    expect([0, 10, 11, 12, 13].map(exceptionClass)).toEqual(Array(5).fill('contributory'));
    expect(exceptionClass(14)).toBe('page fault');
    expect(exceptionClass(3)).toBe('benign');
  });

  it('promotes contributory and page-fault pairs, and shuts down on a fault during #DF', () => {
    expect(secondExceptionOutcome(14, 13)).toBe('double fault');
    expect(secondExceptionOutcome(14, 14)).toBe('double fault');
    expect(secondExceptionOutcome(13, 11)).toBe('double fault');
    expect(secondExceptionOutcome(13, 14)).toBe('serially');
    expect(secondExceptionOutcome(3, 13)).toBe('serially');
    expect(secondExceptionOutcome(8, 14)).toBe('shutdown');
    expect(secondExceptionOutcome(8, 13)).toBe('shutdown');
  });
});

/** The exceptions up to the first triple fault (the machine then resets and boots again). */
async function cascadeEvents(client: SessionClient): Promise<CascadeEvent[]> {
  const events = (await client.query('events', { kinds: ['exception', 'triple-fault'] }))
    .filter((e): e is CascadeEvent => e.kind === 'exception' || e.kind === 'triple-fault');
  return events.slice(0, events.findIndex((e) => e.kind === 'triple-fault') + 1);
}

describe('the cascades the article describes', () => {
  let missingGates: SessionClient, overflowNoIst: SessionClient;
  beforeAll(async () => {
    [missingGates, overflowNoIst] = await Promise.all([openRecording('missing-pf-and-df-handler'), openRecording('kernel-stack-overflow-no-ist')]);
  });
  afterAll(async () => {
    await Promise.all([missingGates.close(), overflowNoIst.close()]);
  });

  it('missing #PF and #DF gates: #PF, #GP for the missing gate, #DF, #GP for the missing #DF gate, triple fault', async () => {
    const steps = faultCascade(await cascadeEvents(missingGates));
    expect(steps.map((s) => s.what)).toEqual(['#PF', '#GP', '#DF', '#GP', 'triple fault']);
    expect(steps[1]!.failed).toBe('the IDT gate of #PF (vector 14) is missing or not a valid gate');
    expect(steps[2]!.rule).toContain('#GP (contributory) while delivering #PF (page fault) becomes a double fault');
    expect(steps[3]!.failed).toBe('the IDT gate of #DF (vector 8) is missing or not a valid gate');
    expect(steps[4]!.rule).toContain('the CPU shuts down');
  });

  it('stack overflow without IST: the frame push faults in the guard page, and #DF has no stack to go to', async () => {
    const steps = faultCascade(await cascadeEvents(overflowNoIst));
    expect(steps.map((s) => s.what)).toEqual(['#PF', '#PF', '#DF', '#PF', 'triple fault']);
    expect(steps[1]!.failed).toMatch(/^pushing the #PF frame on the current stack touched 0xffffc9/);
    expect(steps[2]!.rule).toContain('on the same stack (its gate names no IST)');
    expect(steps[3]!.rule).toContain('shut down (triple fault)');
  });
});
