// The lock-order graph of the lockdep scenario: three threads, three locks, one cycle, each edge
// at the instant its order was first taken.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import { lockGraph } from '../../main/present/inspect/lock_graph.ts';
import { findCycle } from '../../main/session/lock_order.ts';
import { sessionReport } from '../../main/session/report.ts';
import { locksHeldAt } from '../../main/present/inspect/held_locks.ts';
import type { SessionClient } from '../../main/session/session_client.ts';
import { openRecording } from './recorded_scenario.ts';

type TraceEvent = Extract<MachineEvent, { kind: 'trace' }>;

describe('finding a cycle', () => {
  it('finds none in an order that is a chain, and the cycle when one closes', () => {
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }])).toEqual([]);
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle([{ from: 'x', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'a' }])).toEqual(['a', 'b', 'a']);
  });

  it('follows a chain of 100,000 locks (a crafted file) without running out of stack', () => {
    const n = 100_000;
    const chain = Array.from({ length: n }, (_, i) => ({ from: `l${i}`, to: `l${i + 1}` }));
    expect(findCycle(chain)).toEqual([]);
    const cycle = findCycle([...chain, { from: `l${n}`, to: 'l0' }]);
    expect(cycle).toHaveLength(n + 2);
    expect([cycle[0], cycle.at(-1)]).toEqual(['l0', 'l0']);
  });
});

describe('the lock-cycle recording', () => {
  let client: SessionClient;
  let events: TraceEvent[];
  beforeAll(async () => {
    client = await openRecording('lock-cycle');
    const all = await client.query('events', { kinds: ['trace'], traceTypes: [TraceType.LOCK_ACQUIRE, TraceType.LOCK_ACQUIRED, TraceType.LOCK_RELEASE] });
    events = all.filter((e): e is TraceEvent => e.kind === 'trace');
  });
  afterAll(async () => {
    await client.close();
  });

  it('closes lock_A -> lock_B -> lock_C -> lock_A, each edge at the LOCK_ACQUIRE that first took it', () => {
    const g = lockGraph(events, () => null);
    expect(g.cycle).toEqual(['lock_A', 'lock_B', 'lock_C', 'lock_A']);
    const cycleEdges = g.edges.filter((e) => e.inCycle).map((e) => `${e.from}>${e.to}`).sort();
    expect(cycleEdges).toEqual(['lock_A>lock_B', 'lock_B>lock_C', 'lock_C>lock_A']);
    for (const e of g.edges.filter((x) => x.inCycle)) {
      const first = events.find((x) => x.type === TraceType.LOCK_ACQUIRE && x.text === e.to && x.t >= e.t);
      expect(first?.t).toBe(e.t);
    }
  });

  it('puts the cycle in the crash report, each edge where it was first taken', async () => {
    const report = await sessionReport(client);
    expect(report).toContain('Lock order cycle');
    expect(report).toContain('    lock_A -> lock_B -> lock_C -> lock_A');
    const closing = lockGraph(events, () => null).edges.find((e) => e.from === 'lock_C' && e.to === 'lock_A')!;
    expect(report).toContain(`    lock_C -> lock_A: first taken at t=${closing.t} on CPU ${closing.cpu} by T3`);
  });

  it('knows what each CPU holds: lock_C is held when lock_A is asked for, and nothing once all is released', async () => {
    const closing = lockGraph(events, () => null).edges.find((e) => e.from === 'lock_C' && e.to === 'lock_A')!;
    const held = (await locksHeldAt(client, closing.t)).filter((l) => l.cpu === closing.cpu);
    expect(held.map((l) => l.name)).toContain('lock_C');
    const takenC = events.filter((e) => e.type === TraceType.LOCK_ACQUIRED && e.text === 'lock_C' && e.t <= closing.t).at(-1)!;
    expect(held.find((l) => l.name === 'lock_C')?.since).toBe(takenC.t);
    const last = events.at(-1)!;
    expect(last.type).toBe(TraceType.LOCK_RELEASE);
    expect(await locksHeldAt(client, last.t)).toEqual([]);
  });

  it('holds, at every lock tracepoint, exactly what replaying the tracepoints up to it holds', async () => {
    const held = new Map<string, number>(); // "cpu name" -> since
    const times = [...new Set(events.map((e) => e.t))];
    let next = 0;
    for (const t of times) {
      for (; next < events.length && events[next]!.t <= t; next++) {
        const e = events[next]!;
        if (e.type === TraceType.LOCK_ACQUIRED) held.set(`${e.cpu} ${e.text}`, e.t);
        else if (e.type === TraceType.LOCK_RELEASE) held.delete(`${e.cpu} ${e.text}`);
      }
      const got = (await locksHeldAt(client, t)).map((l) => [`${l.cpu} ${l.name}`, l.since]);
      expect(new Map(got as [string, number][]), `at t ${t}`).toEqual(held);
    }
  });
});
