// Export to the Chrome trace event format (JSON), which ui.perfetto.dev and chrome://tracing
// open: a process per CPU with a thread for its privilege mode and one for the task on it, a
// process per lock with a thread per CPU, slices for spans, instant events for faults, triple
// faults and kernel reports, and flow arrows fault -> return and syscall -> sysret.
// Times: 1 tick = 1 ns; the format counts microseconds.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { describeEvent } from './format_event.ts';
import { TRACE_TYPE_NAMES } from './derive.ts';
import { TrackKind } from './schema.ts';
import type { SessionClient } from './session_client.ts';
import { MAX_ROWS, type TrackInfo } from './reader.ts';

/** Kernel reports and signals shown as instants (GUEST-INTERFACE.md trace types). */
const INSTANT_TRACES = [5, 6, 7, 8, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
const MODE_THREAD = 1;
const TASK_THREAD = 2;
const LOCK_PID_BASE = 1000;

const us = (t: number) => t / 1000;

function place(track: TrackInfo, lockPids: Map<number, number>): { pid: number; tid: number } {
  switch (track.kind) {
    case TrackKind.CpuMode: return { pid: track.cpu + 1, tid: MODE_THREAD };
    case TrackKind.CpuThread: return { pid: track.cpu + 1, tid: TASK_THREAD };
    case TrackKind.Lock: return { pid: lockPids.get(track.lockAddr)!, tid: track.cpu + 1 };
  }
}

/** Every flow starting in [t0, t1), by windows small enough for each answer to be complete. */
async function* allFlows(client: SessionClient, t0: number, t1: number) {
  let width = t1 - t0;
  for (let w0 = t0; w0 < t1;) {
    const w1 = Math.min(t1, w0 + width);
    const flows = await client.query('flows', w0, w1);
    if (flows.length >= MAX_ROWS && width > 1) { width = Math.ceil(width / 2); continue; }
    for (const f of flows) if (f.tFrom >= w0 && f.tFrom < w1) yield f;
    w0 = w1;
  }
}

export async function exportChromeTrace(client: SessionClient, path: string): Promise<{ traceEvents: number }> {
  const file = createWriteStream(path);
  let count = 0;
  let first = true;
  const write = async (event: Record<string, unknown>) => {
    const text = (first ? '' : ',\n') + JSON.stringify(event);
    first = false;
    count++;
    if (!file.write(text)) await once(file, 'drain');
  };
  file.write('{"displayTimeUnit":"ns","traceEvents":[\n');

  const info = await client.query('info');
  const tracks = await client.query('tracks');
  const lockPids = new Map<number, number>();
  for (const t of tracks) {
    if (t.kind === TrackKind.Lock && !lockPids.has(t.lockAddr)) lockPids.set(t.lockAddr, LOCK_PID_BASE + lockPids.size);
  }
  for (let cpu = 0; cpu < info.cpus; cpu++) {
    await write({ ph: 'M', name: 'process_name', pid: cpu + 1, args: { name: `CPU ${cpu}` } });
    await write({ ph: 'M', name: 'process_sort_index', pid: cpu + 1, args: { sort_index: cpu } });
    await write({ ph: 'M', name: 'thread_name', pid: cpu + 1, tid: MODE_THREAD, args: { name: 'mode' } });
    await write({ ph: 'M', name: 'thread_name', pid: cpu + 1, tid: TASK_THREAD, args: { name: 'task' } });
  }
  const locks = await client.query('locks');
  for (const [addr, pid] of lockPids) {
    const name = locks.find((l) => l.addr === addr)?.name || 'lock';
    await write({ ph: 'M', name: 'process_name', pid, args: { name: `lock ${name}` } });
  }
  for (const t of tracks.filter((x) => x.kind === TrackKind.Lock)) {
    await write({ ph: 'M', name: 'thread_name', pid: lockPids.get(t.lockAddr), tid: t.cpu + 1, args: { name: `CPU ${t.cpu}` } });
  }

  // Slices, a page of raw spans at a time.
  const end = info.tLast + 1;
  for (const t of tracks) {
    const at = place(t, lockPids);
    let from = info.tFirst;
    for (;;) {
      const [lane] = await client.query('spans', from, end, 1, [t.id]);
      if (!lane || lane.level !== null) break;
      const spans = lane.spans.filter((s) => s.t0 >= from || from === info.tFirst);
      for (const s of spans) {
        const args: Record<string, unknown> = { seq: s.seq0 };
        if (t.kind === TrackKind.CpuMode && s.detail) args['vector'] = s.detail;
        if (t.kind === TrackKind.CpuThread) args['pid'] = s.state;
        await write({ ph: 'X', name: s.label, cat: t.kind, pid: at.pid, tid: at.tid, ts: us(s.t0), dur: us(s.t1 - s.t0), args });
      }
      if (!lane.truncated || lane.spans.length === 0) break;
      from = lane.spans[lane.spans.length - 1]!.t1;
    }
  }

  // Instants.
  const instant = async (e: MachineEvent, name: string, scope: 'p' | 'g') => {
    await write({ ph: 'i', s: scope, name, cat: e.kind, pid: e.cpu + 1, tid: MODE_THREAD, ts: us(e.t), args: { seq: e.seq, what: describeEvent(e) } });
  };
  for (const [query, naming] of [
    [{ kinds: ['exception', 'triple-fault', 'reset', 'power-off'] }, (e: MachineEvent) => (e.kind === 'exception' ? e.mnemonic : e.kind)],
    [{ kinds: ['trace'], traceTypes: INSTANT_TRACES }, (e: MachineEvent) => (e.kind === 'trace' ? TRACE_TYPE_NAMES[e.type] ?? 'trace' : e.kind)],
  ] as const) {
    let from = info.tFirst;
    let lastSeq = -1;
    for (;;) {
      const page = await client.query('events', { ...query, kinds: [...query.kinds], from, limit: 10000 });
      const fresh = page.filter((e) => e.seq > lastSeq);
      for (const e of fresh) await instant(e, naming(e), e.kind === 'triple-fault' || (e.kind === 'trace' && e.type === 16) ? 'g' : 'p');
      if (page.length < 10000 || fresh.length === 0) break;
      from = page[page.length - 1]!.t;
      lastSeq = page[page.length - 1]!.seq;
    }
  }

  // Flows, bound to the mode slices they start and end in.
  let id = 1;
  for await (const f of allFlows(client, info.tFirst, end)) {
    const name = f.kind === 'syscall' ? 'syscall' : f.kind === 'nested' ? `nested fault (vector ${f.vector})` : `${f.kind} ${f.vector}`;
    await write({ ph: 's', id, name, cat: 'flow', pid: f.cpu + 1, tid: MODE_THREAD, ts: us(f.tFrom) });
    await write({ ph: 'f', bp: 'e', id, name, cat: 'flow', pid: f.cpu + 1, tid: MODE_THREAD, ts: us(f.tTo) });
    id++;
  }
  file.end('\n]}\n');
  await once(file, 'finish');
  return { traceEvents: count };
}
