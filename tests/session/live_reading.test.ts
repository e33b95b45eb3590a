// Reading a recording while it is written, as the live timeline does: a read-only connection on
// the growing file (WAL) sees every committed batch together with what was derived from it, and
// finishing the file waits for such a reader instead of failing.

import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { record } from '../../main/emulator_host/host.ts';
import { decodeChunk } from '../../main/session/event_chunk.ts';
import { decodeRows } from '../../main/session/row_chunk.ts';
import { Deriver } from '../../main/session/derive.ts';
import { Meta, SPAN_COLUMNS } from '../../main/session/schema.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { scriptedInputs, tempDir } from './fixtures/record_scripted.ts';

const recipe = { module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options: { cpus: 2, syscalls: 0 } };
const inputs = { ...scriptedInputs(2), scenario: 'user-kernel-program' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Snapshot {
  status: string;
  events: number;
  /** Span rows per track in the file (closed spans, then the open one), as columns row by row. */
  spans: Map<number, number[][]>;
  /** The same, derived here from the committed events alone. */
  derivedHere: Map<number, number[][]>;
}

/** Reads everything committed, in one read transaction, and derives the spans again from the events read. */
function readCommitted(db: Database.Database): Snapshot {
  return db.transaction(() => {
    const status = (db.prepare('SELECT value FROM meta WHERE key = ?').get(Meta.Status) as { value: string }).value;
    const deriver = new Deriver();
    let next = 0;
    for (const row of db.prepare('SELECT first_seq, count, data, texts FROM event_chunks ORDER BY first_seq').iterate() as IterableIterator<{ first_seq: number; count: number; data: Buffer; texts: Buffer }>) {
      expect(row.first_seq).toBe(next);
      const texts = JSON.parse(inflateRawSync(row.texts).toString('utf8')) as string[];
      const batch = decodeChunk(row.data, row.first_seq, texts);
      expect(batch.count).toBe(row.count);
      deriver.consume(batch);
      next += row.count;
    }
    const spans = new Map<number, number[][]>();
    const add = (m: Map<number, number[][]>, track: number, row: number[]) => {
      if (!m.has(track)) m.set(track, []);
      m.get(track)!.push(row);
    };
    for (const c of db.prepare('SELECT track, data FROM span_chunks ORDER BY track, t_first').iterate() as IterableIterator<{ track: number; data: Buffer }>) {
      const cols = decodeRows(c.data, SPAN_COLUMNS.length);
      for (let i = 0; i < cols[0]!.length; i++) add(spans, c.track, cols.map((col) => col[i]!));
    }
    for (const o of db.prepare('SELECT track, t0, state, detail, seq0 FROM open_spans ORDER BY track').all() as { track: number; t0: number; state: number; detail: number; seq0: number }[]) {
      add(spans, o.track, [o.t0, o.state, o.detail, o.seq0]);
    }
    const derivedHere = new Map<number, number[][]>();
    const rows = deriver.drain();
    for (const [track, b] of rows.spans) {
      for (let i = 0; i < b.length; i++) add(derivedHere, track, b.filled().map((col) => col[i]!));
    }
    for (const o of deriver.provisional().spans) add(derivedHere, o.track, [o.t0, o.state, o.detail, o.seq0]);
    return { status, events: next, spans, derivedHere };
  })();
}

describe('a recording read while it is written', () => {
  it('shows every committed batch with its derived rows, and finishes once the reader lets go', async () => {
    const out = join(tempDir(), 'live.flt');
    let committed = 0;
    const recording = record({
      recipe, inputs, out, budget: Number.MAX_SAFE_INTEGER, checkpointEvery: 500_000,
      onProgress: (p) => { committed = p.committed; },
    });
    let settled = false;
    const done = recording.done.finally(() => { settled = true; });
    while (committed < 200_000) await sleep(20);

    // A live reader: read-only, on the file the recorder is writing.
    const seenBefore = committed;
    const db = new Database(out, { readonly: true, fileMustExist: true });
    const first = readCommitted(db);
    expect(first.status).toBe('recording');
    expect(first.events).toBeGreaterThanOrEqual(seenBefore);
    expect(first.spans.size).toBeGreaterThanOrEqual(2);
    expect(first.spans).toEqual(first.derivedHere);

    // The run ends (stop() here, so the reader is surely open when the recorder finishes): the
    // last commit shows up, and finishing waits while the connection stays open.
    recording.stop();
    let last = first;
    for (let i = 0; i < 8 && last.status !== 'complete'; i++) {
      await sleep(50);
      last = readCommitted(db);
    }
    expect(last.status).toBe('complete');
    expect(last.events).toBeGreaterThanOrEqual(first.events);
    expect(settled).toBe(false);
    db.close();

    const result = await done;
    expect(result.outcome.kind).toBe('cut-short');
    expect(existsSync(out + '-wal')).toBe(false);
    const reader = SessionReader.open(out, 'full');
    const report = reader.verify();
    expect(report.problems).toEqual([]);
    expect(report.notes).toContain('every page checksum matches');
    expect(report.events).toBe(last.events);
    expect(reader.info().status).toBe('complete');
    reader.close();
  });
});
