import { describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { decodeBatch, type EventBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { SessionReader, MAX_ROWS } from '../../main/session/reader.ts';
import { CpuMode } from '../../main/session/schema.ts';
import { recordScripted, tempDir } from './fixtures/record_scripted.ts';

let path: string;
let batches: EventBatch[];
let all: MachineEvent[];
let reader: SessionReader;

beforeAll(() => {
  path = join(tempDir(), 'run.flt');
  batches = recordScripted(path, { cpus: 4, events: 200000, ending: 'panic' }, 'idle');
  all = batches.flatMap(decodeBatch);
  reader = SessionReader.open(path);
});

describe('a recorded session file', () => {
  it('is one self-contained file, under 24 bytes per event with everything derived', () => {
    expect(() => statSync(path + '-wal')).toThrow();
    expect(statSync(path).size / all.length).toBeLessThan(24);
  });

  it('holds the inputs, configuration, outcome and stats of the run', () => {
    const info = reader.info();
    expect(info.status).toBe('complete');
    expect(info.scenario).toBe('scripted');
    expect(info.config.cpus).toBe(4);
    expect(info.cmdline).toBe('console=ttyS0 panic_on_oops=1');
    expect(info.events).toBe(all.length);
    expect(info.cpus).toBe(4);
    expect(info.outcome).toMatchObject({ kind: 'panic', text: 'Kernel panic - not syncing: Fatal exception' });
    expect(info.stats?.byTrace[16]).toBe(1);
    expect(reader.input('kernel')).toEqual(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
    expect(reader.source('kernel/main.c')).toContain('kernel_main');
    expect(reader.symbolize(0xffffffff80102010n)).toBe('page_fault_handler+0x10');
    expect(reader.symbolize(0x1000n)).toBeNull();
    expect(reader.lineOf(0xffffffff80100012n)).toEqual({ file: 'kernel/main.c', line: 42 });
    // A user program's address is below every kernel line as an unsigned number and above them as a signed one: no line either way.
    expect(reader.lineOf(0x400078n)).toBeNull();
    expect(reader.lineOf(0xffffffffffff0000n)).toBeNull();
  });

  it('gives back every event exactly as the machine emitted it', () => {
    const from = all[50000]!.t;
    const back = reader.events({ from, limit: 20000 });
    expect(back).toEqual(all.filter((e) => e.t >= from).slice(0, 20000));
    expect(reader.eventAt(123456)).toEqual(all[123456]);
  });

  it('filters events by kind, CPU and time range', () => {
    const from = all[5000]!.t;
    const to = all[9000]!.t;
    const want = all.filter((e) => e.kind === 'exception' && e.cpu === 2 && e.t >= from && e.t < to);
    expect(reader.events({ kinds: ['exception'], cpus: [2], from, to })).toEqual(want);
    expect(() => reader.events({ kinds: ['nonsense'] })).toThrow(/unknown event kind/);
  });

  it('finds the next and previous event of a kind from any instant', () => {
    const t = all[77777]!.t;
    const next = all.find((e) => e.kind === 'exception' && e.t > t);
    const prev = all.filter((e) => e.kind === 'exception' && e.t < t).pop();
    expect(reader.step(t, 1, { kinds: ['exception'] })).toEqual(next);
    expect(reader.step(t, -1, { kinds: ['exception'] })).toEqual(prev);
    const panic = all.find((e) => e.kind === 'trace' && e.type === 16);
    expect(reader.step(0, 1, { kinds: ['trace'], traceTypes: [16] })).toEqual(panic);
    expect(reader.step(all[all.length - 1]!.t, 1, { kinds: ['exception'] })).toBeNull();
  });

  it('returns spans that tile each CPU lane, consistent with the events', () => {
    const t0 = all[1000]!.t;
    const t1 = all[3000]!.t;
    const [lane] = reader.spans(t0, t1, 1, [reader.tracks().find((t) => t.kind === 'cpu-mode' && t.cpu === 1)!.id]);
    if (!lane || lane.level !== null) throw new Error('expected raw spans');
    expect(lane.spans.length).toBeGreaterThan(10);
    for (let i = 1; i < lane.spans.length; i++) expect(lane.spans[i]!.t0).toBe(lane.spans[i - 1]!.t1);
    expect(lane.spans[0]!.t0).toBeLessThanOrEqual(t0);
    // Every page fault on CPU 1 in range starts an exception span with vector 14.
    const faults = all.filter((e) => e.kind === 'exception' && e.cpu === 1 && e.t > t0 && e.t < t1);
    for (const f of faults) {
      expect(lane.spans.find((s) => s.t0 === f.t)).toMatchObject({ state: CpuMode.Exception, detail: 14, label: 'exception' });
    }
  });

  it('answers any range at any zoom with a number of rows bounded by the pixels', () => {
    const info = reader.info();
    const pixels = 1000;
    const tpp = (info.tLast - info.tFirst) / pixels;
    for (const lane of reader.spans(info.tFirst, info.tLast, tpp)) {
      expect(lane.level).not.toBeNull();
      if (lane.level === null) continue;
      expect(lane.summaries.length).toBeLessThanOrEqual(4 * pixels + 2);
      expect(lane.truncated).toBe(false);
    }
    const marks = reader.eventMarks(info.tFirst, info.tLast, tpp);
    expect(marks.exact).toBe(false);
    if (!marks.exact) expect(marks.buckets.length).toBeLessThanOrEqual(pixels + 1);
    const zoomed = reader.eventMarks(all[100]!.t, all[200]!.t, 1);
    expect(zoomed.exact).toBe(true);
    expect(MAX_ROWS).toBeGreaterThan(0);
  });

  it('links faults to their returns and syscalls to their sysrets', () => {
    const t0 = all[1000]!.t;
    const t1 = all[2000]!.t;
    const flows = reader.flows(t0, t1);
    expect(flows.some((f) => f.kind === 'syscall')).toBe(true);
    for (const f of flows.filter((x) => x.kind === 'exception')) {
      expect(reader.eventAt(f.seqFrom)).toMatchObject({ kind: 'exception', vector: f.vector });
      expect(reader.eventAt(f.seqTo)).toMatchObject({ kind: 'iret' });
    }
  });

  it('gives the console up to an instant', () => {
    const lines = all.filter((e) => e.kind === 'console');
    const t = lines[100]!.t;
    const text = reader.consoleText(t);
    expect(text).toBe(lines.filter((e) => e.t <= t).map((e) => (e.kind === 'console' ? e.text : '')).join(''));
    expect(reader.bookmarks()).toEqual([]);
  });
});
