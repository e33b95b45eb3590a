// Derived rows ready to store: spans, summaries and flows encoded into row chunks, with the few
// plain rows (tracks, tasks, locks, console lines, what is still open). Plain structured-clone
// data, so the deriver can run in its own thread and hand this to the writer's.

import { encodeRows } from './row_chunk.ts';
import type { ConsoleRow, DerivedRows, SummaryRowValues, TaskRow } from './derive.ts';
import type { LockInfo } from './lock_spans.ts';
import type { OpenSpanRow, TrackRow } from './span_sink.ts';

export interface RowChunk {
  track: number;
  level: number;
  t0: number;
  t1: number;
  count: number;
  data: Uint8Array;
}

export interface DerivedChunks {
  tracks: TrackRow[];
  spans: RowChunk[];
  summaries: RowChunk[];
  flows: RowChunk | null;
  tasks: TaskRow[];
  locks: LockInfo[];
  console: ConsoleRow[];
  /** What is open now; null once the recording is finished and nothing is. */
  open: { spans: OpenSpanRow[]; summaries: SummaryRowValues[] } | null;
}

export function encodeDerived(rows: DerivedRows, open: DerivedChunks['open']): DerivedChunks {
  const f = rows.flows;
  return {
    tracks: rows.tracks,
    spans: [...rows.spans].map(([track, b]) => ({ track, level: 0, t0: b.t0, t1: b.t1, count: b.length, data: encodeRows(b.filled()) })),
    summaries: [...rows.summaries.values()].map(({ track, level, rows: b }) => ({ track, level, t0: b.t0, t1: b.t1, count: b.length, data: encodeRows(b.filled()) })),
    flows: f.length > 0 ? { track: 0, level: 0, t0: f.t0, t1: f.t1, count: f.length, data: encodeRows(f.filled()) } : null,
    tasks: rows.tasks,
    locks: rows.locks,
    console: rows.console,
    open,
  };
}
