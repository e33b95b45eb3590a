// The lock graph from the edges derived while recording, and the one learnt from the few
// tracepoints SessionView hands over for older files (read as columns, cut down to those that
// decide the graph), are each the graph learnt from every lock tracepoint.

import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import { lockGraph, lockGraphOfEdges } from '../../main/present/inspect/lock_graph.ts';
import { SessionView } from '../../main/present/session_view.ts';
import { openRecording } from './recorded_scenario.ts';

type TraceEvent = Extract<MachineEvent, { kind: 'trace' }>;

describe('the lock graph', () => {
  for (const scenario of ['lock-cycle', 'syscall-stress']) {
    it(`give the whole stream's graph for ${scenario}`, async () => {
      const client = await openRecording(scenario);
      try {
        const view = await SessionView.open('s1', scenario, client);
        const all = (await client.query('events', { kinds: ['trace'], traceTypes: [TraceType.LOCK_ACQUIRE, TraceType.LOCK_ACQUIRED, TraceType.LOCK_RELEASE] }))
          .filter((e): e is TraceEvent => e.kind === 'trace');
        const few = await view.lockGraphTraces();
        const task = (pid: number) => `pid ${pid}`;
        const whole = lockGraph(all, task);
        expect(whole.locks.length).toBeGreaterThan(0);
        expect(lockGraph(few, task)).toEqual(whole);
        expect(few.length).toBeLessThan(all.length);
        const edges = await client.query('lockEdges');
        expect(edges).not.toBeNull();
        expect(lockGraphOfEdges(edges!, await client.query('locks'), task)).toEqual(whole);
      } finally {
        await client.close();
      }
    }, 120_000);
  }
});
