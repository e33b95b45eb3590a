// A full check of a session file beyond what opening does: every chunk decodes and says what its
// row says, the event stream has no gaps, every checkpoint restores to a snapshot. For
// `faultline verify` and the app's "verify" command.

import type Database from 'better-sqlite3';
import { inflateRawSync } from 'node:zlib';
import { decodeChunk } from './event_chunk.ts';
import { decodeRows } from './row_chunk.ts';
import { decodeCheckpoint } from './checkpoint_codec.ts';
import { FLOW_COLUMNS, Meta, SPAN_COLUMNS, SUMMARY_COLUMNS } from './schema.ts';

export interface VerifyReport {
  ok: boolean;
  /** Damage found; empty when ok. */
  problems: string[];
  /** Facts worth knowing that are not damage (a recording cut short). */
  notes: string[];
  events: number;
  eventChunks: number;
  spans: number;
  summaries: number;
  flows: number;
  checkpoints: number;
}

const MAX_PROBLEMS = 50;

export function verifySession(db: Database.Database, sealed: boolean): VerifyReport {
  const problems: string[] = [];
  const notes: string[] = [];
  const problem = (p: string) => { if (problems.length < MAX_PROBLEMS) problems.push(p); };
  const report: VerifyReport = { ok: false, problems, notes, events: 0, eventChunks: 0, spans: 0, summaries: 0, flows: 0, checkpoints: 0 };

  const status = (db.prepare('SELECT value FROM meta WHERE key = ?').get(Meta.Status) as { value: string } | undefined)?.value;
  if (status !== 'complete') notes.push('the recording was cut short: it holds the events up to the last committed batch');
  notes.push(sealed ? 'every page checksum matches' : 'the file has no page checksums (it was never finished)');

  let nextSeq: number | null = null;
  let lastT = -Infinity;
  for (const row of db.prepare('SELECT first_seq, count, t_first, t_last, data, texts FROM event_chunks ORDER BY first_seq').iterate() as IterableIterator<{ first_seq: number; count: number; t_first: number; t_last: number; data: Buffer; texts: Buffer }>) {
    report.eventChunks++;
    if (nextSeq !== null && row.first_seq !== nextSeq) problem(`events ${nextSeq}..${row.first_seq - 1} are missing`);
    nextSeq = row.first_seq + row.count;
    try {
      const texts = JSON.parse(inflateRawSync(row.texts, { maxOutputLength: 64 << 20 }).toString('utf8')) as unknown;
      if (!Array.isArray(texts)) throw new Error('texts are not a list');
      const batch = decodeChunk(row.data, row.first_seq, texts as string[]);
      if (batch.count !== row.count) problem(`event chunk ${row.first_seq} holds ${batch.count} events, its row says ${row.count}`);
      report.events += batch.count;
      const times = new Float64Array(batch.words.buffer);
      for (let i = 0; i < batch.count; i++) {
        const t = times[i * 10 + 1]!;
        if (t < lastT) { problem(`time goes backwards at event ${row.first_seq + i}`); break; }
        lastT = t;
        if (t < row.t_first || t > row.t_last) { problem(`event ${row.first_seq + i} lies outside its chunk's time range`); break; }
      }
    } catch (e) {
      problem(`event chunk ${row.first_seq}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const chunks: [string, string, number, keyof VerifyReport][] = [
    ['span_chunks', "track || ':' || t_first", SPAN_COLUMNS.length, 'spans'],
    ['summary_chunks', "track || ':' || level || ':' || t_first", SUMMARY_COLUMNS.length, 'summaries'],
    ['flow_chunks', 'id', FLOW_COLUMNS.length, 'flows'],
  ];
  for (const [table, key, ncols, field] of chunks) {
    for (const row of db.prepare(`SELECT ${key} AS k, count, data FROM ${table}`).iterate() as IterableIterator<{ k: string; count: number; data: Buffer }>) {
      try {
        const n = decodeRows(row.data, ncols)[0]!.length;
        if (n !== row.count) problem(`${table} ${row.k} holds ${n} rows, its row says ${row.count}`);
        (report[field] as number) += n;
      } catch (e) {
        problem(`${table} ${row.k}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  for (const row of db.prepare('SELECT id, state FROM checkpoints ORDER BY id').iterate() as IterableIterator<{ id: number; state: Buffer }>) {
    report.checkpoints++;
    try {
      decodeCheckpoint(row.state);
    } catch (e) {
      problem(`checkpoint ${row.id} ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  report.ok = problems.length === 0;
  return report;
}
