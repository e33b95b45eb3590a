// Where the derivers put what they find. The writer turns these rows into SQLite rows in the
// same transaction as the batch they came from.

import type { TrackKind } from './schema.ts';

export interface TrackRow {
  id: number;
  kind: TrackKind;
  cpu: number;
  lockAddr: number;
  name: string;
}

/** Flow kinds, as stored (schema.ts FLOW_KINDS). */
export const FlowKind = { Exception: 0, Interrupt: 1, Syscall: 2, Nested: 3 } as const;

export interface SpanSink {
  /** Returns the id of a track, creating it on first use. */
  track(kind: TrackKind, cpu: number, lockAddr: number, name: string): number;
  span(track: number, t0: number, t1: number, state: number, detail: number, seq0: number, seq1: number): void;
  flow(kind: number, vector: number, cpu: number, seqFrom: number, tFrom: number, seqTo: number, tTo: number): void;
}

/** A span still open on a track. */
export interface OpenSpan {
  t0: number;
  state: number;
  detail: number;
  seq0: number;
}

/** A span still open on a track, as stored at a commit. */
export interface OpenSpanRow extends OpenSpan {
  track: number;
}
