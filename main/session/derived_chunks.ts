// Derived rows ready to store: spans, summaries and flows encoded into row chunks, with the few
// plain rows (tracks, tasks, locks, console lines, what is still open). Plain structured-clone
// data, so the deriver can run in its own thread and hand this to the writer's.

import { encodeRows } from './row_chunk.ts';
import type { ConsoleRow, DerivedRows, SummaryRowValues, TaskRow } from './derive.ts';
import type { LockInfo } from './lock_spans.ts';
import type { LockEdgeRow } from './lock_order.ts';
import type { OpenSpanRow, TrackRow } from './span_sink.ts';
import type { ColumnBuffer } from './column_buffer.ts';

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
  lockEdges: LockEdgeRow[];
  console: ConsoleRow[];
  /** What is open now; null once the recording is finished and nothing is. */
  open: { spans: OpenSpanRow[]; summaries: SummaryRowValues[] } | null;
}

function chunk(track: number, level: number, b: ColumnBuffer): RowChunk {
  return { track, level, t0: b.t0, t1: b.t1, count: b.length, data: encodeRows(b.filled()) };
}

export function encodeDerived(rows: DerivedRows, open: DerivedChunks['open']): DerivedChunks {
  const spans: RowChunk[] = [];
  for (const [track, b] of rows.spans) if (b.length > 0) spans.push(chunk(track, 0, b));
  const summaries: RowChunk[] = [];
  for (const { track, level, rows: b } of rows.summaries.values()) if (b.length > 0) summaries.push(chunk(track, level, b));
  return {
    tracks: rows.tracks,
    spans,
    summaries,
    flows: rows.flows.length > 0 ? chunk(0, 0, rows.flows) : null,
    tasks: rows.tasks,
    locks: rows.locks,
    lockEdges: rows.lockEdges,
    console: rows.console,
    open,
  };
}
