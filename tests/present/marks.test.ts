// Timeline markers on a real recording with more marker events in range than the old exact limit
// (4096): every marker event is counted by exactly one marker at any zoom, and each marker's label
// is the short label of the event it stands on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { shortLabel } from '../../main/present/describe_event.ts';
import { markOf } from '../../main/present/event_marks.ts';
import { SessionView } from '../../main/present/session_view.ts';
import type { SessionClient } from '../../main/session/session_client.ts';
import { openRecording } from './recorded_scenario.ts';

let client: SessionClient;
let view: SessionView;
let marked: MachineEvent[];

beforeAll(async () => {
  client = await openRecording('syscall-stress');
  view = await SessionView.open('s1', 'syscall-stress.flt', client);
  marked = (await client.query('events', {})).filter((ev) => markOf(ev) >= 0);
}, 120_000);

afterAll(async () => {
  await client.close();
});

describe('timeline markers from columnar records', () => {
  it('count every marker event once, at the finest and at a coarse zoom', async () => {
    const info = await view.info();
    expect(marked.length).toBeGreaterThan(4096);
    for (const resolution of [1, (info.tEnd - info.tStart) / 200]) {
      const m = await view.events({ session: 's1', t0: info.tStart, t1: info.tEnd + 1, resolution, limit: 1_000_000 });
      expect(m.count.reduce((a, b) => a + b, 0)).toBe(marked.length);
      // One marker per family, CPU and pixel column.
      const keys = new Set<string>();
      for (let i = 0; i < m.t.length; i++) keys.add(`${Math.floor((m.t[i]! - info.tStart) / Math.max(resolution, 1))}:${m.mark[i]}:${m.cpu[i]}`);
      expect(keys.size).toBe(m.t.length);
    }
  });

  it('label each marker with its own event', async () => {
    const info = await view.info();
    const m = await view.events({ session: 's1', t0: info.tStart, t1: info.tEnd + 1, resolution: 1, limit: 1_000_000 });
    const bySeq = new Map(marked.map((ev) => [ev.seq, ev]));
    let labelled = 0;
    for (let i = 0; i < m.seq.length; i++) {
      const ev = bySeq.get(m.seq[i]!)!;
      expect(ev.t).toBe(m.t[i]);
      expect(ev.cpu).toBe(m.cpu[i]);
      expect(markOf(ev)).toBe(m.mark[i]);
      if (m.label[i]! < 0) continue;
      expect(m.labels[m.label[i]!]).toBe(shortLabel(ev));
      labelled++;
    }
    expect(labelled).toBeGreaterThan(0);
    expect(new Set(m.labels)).toContain('getpid');
  });

  it('thin to fewer columns when more markers would be drawn than asked for', async () => {
    const info = await view.info();
    const m = await view.events({ session: 's1', t0: info.tStart, t1: info.tEnd + 1, resolution: 1, limit: 500 });
    expect(m.t.length).toBeLessThanOrEqual(500);
    expect(m.count.reduce((a, b) => a + b, 0)).toBe(marked.length);
  });
});
