// The reader's columnar records on a real recording: the same records as the decoded events, for
// every filter, in time order, cut at the limit, and unchanged across the worker thread.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import { record } from '../../main/emulator_host/host.ts';
import { firstWordOf } from '../../main/present/event_marks.ts';
import { SessionReader, type EventQuery, type RecordColumns } from '../../main/session/reader.ts';
import { SessionClient } from '../../main/session/session_client.ts';
import { scriptedInputs, tempDir } from './fixtures/record_scripted.ts';

const recipe = { module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options: { cpus: 2, syscalls: 3000 } };
let path: string;
let reader: SessionReader;

beforeAll(async () => {
  const out = join(tempDir(), 'records.flt');
  path = (await record({ recipe, inputs: { ...scriptedInputs(2), scenario: 'user-kernel-program' }, out, budget: 20_000_000 }).done).path;
  reader = SessionReader.open(path);
}, 120_000);

afterAll(() => reader.close());

/** The records' columns row by row, for comparing with decoded events. */
function rows(r: RecordColumns): string[] {
  return Array.from(r.seq, (seq, i) => [seq, r.t[i], r.cpu[i], r.word[i], r.pid[i], ...r.args.subarray(4 * i, 4 * i + 4)].join(' '));
}

describe('records()', () => {
  it('holds every event of the recording, in order, with its first word', () => {
    const all = reader.events({});
    expect(all.length).toBeGreaterThan(20_000);
    const r = reader.records();
    expect(r.truncated).toBe(false);
    expect(Array.from(r.seq)).toEqual(all.map((ev) => ev.seq));
    expect(Array.from(r.t)).toEqual(all.map((ev) => ev.t));
    expect(Array.from(r.cpu)).toEqual(all.map((ev) => ev.cpu));
    expect(Array.from(r.pid)).toEqual(all.map((ev) => ev.pid));
    // Kind and CPU in the low half of the first word; a trace record's type in its flags.
    all.forEach((ev, i) => {
      const w = r.word[i]!;
      expect(w & 0xffff).toBe((firstWordOf(ev) & 0xff) | (ev.cpu << 8));
      if (ev.kind === 'trace') expect(w >>> 16).toBe(ev.type);
    });
    expect(r.args.length).toBe(4 * r.seq.length);
  });

  it('carries the first two arguments of trace records', () => {
    const q = { kinds: ['trace'], traceTypes: [TraceType.LOCK_ACQUIRE] };
    const events = reader.events(q).filter((ev): ev is Extract<MachineEvent, { kind: 'trace' }> => ev.kind === 'trace');
    const r = reader.records(q);
    expect(events.length).toBeGreaterThan(100);
    expect(r.seq.length).toBe(events.length);
    events.forEach((ev, i) => {
      const a0 = (BigInt(r.args[4 * i + 1]!) << 32n) | BigInt(r.args[4 * i]!);
      const a1 = (BigInt(r.args[4 * i + 3]!) << 32n) | BigInt(r.args[4 * i + 2]!);
      expect([a0, a1]).toEqual([ev.args[0], ev.args[1]]);
    });
  });

  it('filters by time, kind, CPU and trace type exactly as events() does', () => {
    const info = reader.info();
    const mid = Math.floor((info.tFirst + info.tLast) / 2);
    const queries: EventQuery[] = [
      { from: mid, to: mid + 200_000 },
      { kinds: ['exception', 'interrupt'] },
      { cpus: [1] },
      { kinds: ['trace', 'exception'], traceTypes: [TraceType.LOCK_RELEASE], from: info.tFirst, to: mid },
      { kinds: ['priv-switch'], cpus: [0], from: mid },
    ];
    for (const q of queries) {
      const events = reader.events(q);
      expect(events.length).toBeGreaterThan(0);
      expect(Array.from(reader.records(q).seq)).toEqual(events.map((ev) => ev.seq));
    }
    expect(reader.eventCount(mid, mid + 200_000)).toBeGreaterThanOrEqual(reader.events({ from: mid, to: mid + 200_000 }).length);
  });

  it('stops at the limit and says so', () => {
    const r = reader.records({ kinds: ['trace'], limit: 1000 });
    expect(r.seq.length).toBe(1000);
    expect(r.truncated).toBe(true);
    expect(Array.from(r.seq)).toEqual(reader.events({ kinds: ['trace'], limit: 1000 }).map((ev) => ev.seq));
    expect(reader.records({ kinds: ['trace'], limit: 1_000_000 }).truncated).toBe(false);
  });

  it('arrives from the worker thread as the reader made it', async () => {
    const client = await SessionClient.open(path);
    try {
      const q = { kinds: ['trace', 'exception', 'interrupt'] };
      expect(rows(await client.query('records', q))).toEqual(rows(reader.records(q)));
      const seqs = [5, 17, 1000];
      expect((await client.query('eventsAt', seqs)).map((ev) => ev?.seq)).toEqual(seqs);
    } finally {
      await client.close();
    }
  });
});
