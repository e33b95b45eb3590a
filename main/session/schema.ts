// The session file (.flt): one SQLite database holding everything needed to replay and study a
// run on another machine (DESIGN.md section 5).
//
// The exact text of every CREATE statement is part of the format: a file is accepted only if its
// sqlite_master holds exactly these objects with exactly this SQL (main/session/open_session.ts),
// so a crafted file cannot slip in a trigger, a view, a default or a check that runs code.

/** SQLite header field application_id (offset 68): the bytes "FLT1". */
export const APPLICATION_ID = 0x464c5431;
/**
 * SQLite header field user_version (offset 60): bumped on any change to SCHEMA below or to how
 * its blobs are encoded. Format 3 writes event chunks of version 2 (event_chunk.ts) and
 * brotli-compressed bodies and checkpoints (body_compression.ts), and adds the lock-order edges.
 */
export const FORMAT_VERSION = 3;
/** The oldest format still read: format 1 is format 2 without the user programs' tables. */
export const OLDEST_FORMAT_VERSION = 1;

/** Span tracks (the `tracks.kind` column). */
export const TrackKind = { CpuMode: 'cpu-mode', CpuThread: 'cpu-thread', Lock: 'lock' } as const;
export type TrackKind = (typeof TrackKind)[keyof typeof TrackKind];

/** A schema object; `since` is the format version that added it (1 when absent). */
export interface SchemaObject { name: string; sql: string; since?: number }

export const SCHEMA: readonly SchemaObject[] = [
  { name: 'meta', sql: 'CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID' },
  // Kernel image, initrd and other inputs of the run, byte for byte.
  { name: 'inputs', sql: 'CREATE TABLE inputs (name TEXT PRIMARY KEY NOT NULL, data BLOB NOT NULL) WITHOUT ROWID' },
  { name: 'sources', sql: 'CREATE TABLE sources (path TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL) WITHOUT ROWID' },
  // Addresses as signed 64-bit integers (the kernel half is negative and still sorts in order).
  { name: 'symbols', sql: 'CREATE TABLE symbols (addr INTEGER NOT NULL, size INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (addr, name)) WITHOUT ROWID' },
  { name: 'lines', sql: 'CREATE TABLE lines (addr INTEGER PRIMARY KEY NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL) WITHOUT ROWID' },
  // The same for every user program, keyed by its name (the name its task runs under): all of
  // them are linked at the same addresses, so a user address means something only with a program.
  { name: 'user_symbols', since: 2, sql: 'CREATE TABLE user_symbols (program TEXT NOT NULL, addr INTEGER NOT NULL, size INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (program, addr, name)) WITHOUT ROWID' },
  { name: 'user_lines', since: 2, sql: 'CREATE TABLE user_lines (program TEXT NOT NULL, addr INTEGER NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (program, addr)) WITHOUT ROWID' },
  // The event stream, one row per machine batch (event_chunk.ts; texts as deflated JSON); the
  // masks let a query skip chunks without a wanted kind, CPU or trace type.
  { name: 'event_chunks', sql: 'CREATE TABLE event_chunks (first_seq INTEGER PRIMARY KEY NOT NULL, count INTEGER NOT NULL, t_first INTEGER NOT NULL, t_last INTEGER NOT NULL, kinds INTEGER NOT NULL, cpus INTEGER NOT NULL, traces INTEGER NOT NULL, data BLOB NOT NULL, texts BLOB NOT NULL)' },
  { name: 'event_chunks_t_last', sql: 'CREATE INDEX event_chunks_t_last ON event_chunks (t_last)' },
  // Derived spans in chunks of rows (row_chunk.ts), per track in time order. Spans of one track
  // never overlap, so a time range is the chunk starting at or before it plus those starting in it.
  { name: 'tracks', sql: 'CREATE TABLE tracks (id INTEGER PRIMARY KEY NOT NULL, kind TEXT NOT NULL, cpu INTEGER NOT NULL, lock_addr INTEGER NOT NULL, name TEXT NOT NULL)' },
  { name: 'span_chunks', sql: 'CREATE TABLE span_chunks (track INTEGER NOT NULL, t_first INTEGER NOT NULL, t_last INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (track, t_first)) WITHOUT ROWID' },
  // Level-of-detail summaries (summaries.ts), per track and level, chunked the same way.
  { name: 'summary_chunks', sql: 'CREATE TABLE summary_chunks (track INTEGER NOT NULL, level INTEGER NOT NULL, t_first INTEGER NOT NULL, t_last INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (track, level, t_first)) WITHOUT ROWID' },
  // What was still open at the last commit: the span each track was in and the summary runs not
  // yet closed. Rewritten at every commit and emptied when the recording finishes, so a file cut
  // short by a crash still shows what every CPU and lock was doing at its end.
  { name: 'open_spans', sql: 'CREATE TABLE open_spans (track INTEGER PRIMARY KEY NOT NULL, t0 INTEGER NOT NULL, state INTEGER NOT NULL, detail INTEGER NOT NULL, seq0 INTEGER NOT NULL)' },
  { name: 'open_summaries', sql: 'CREATE TABLE open_summaries (track INTEGER NOT NULL, level INTEGER NOT NULL, t0 INTEGER NOT NULL, t1 INTEGER NOT NULL, state INTEGER NOT NULL, present INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (track, level, t0)) WITHOUT ROWID' },
  // Causal links drawn as arrows: fault -> handler -> return, syscall -> sysret, fault -> nested
  // fault. A chunk per batch, in the order the flows ended.
  { name: 'flow_chunks', sql: 'CREATE TABLE flow_chunks (id INTEGER PRIMARY KEY NOT NULL, t_first INTEGER NOT NULL, t_last INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL)' },
  { name: 'flow_chunks_t_last', sql: 'CREATE INDEX flow_chunks_t_last ON flow_chunks (t_last)' },
  { name: 'tasks', sql: 'CREATE TABLE tasks (pid INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, parent INTEGER NOT NULL, kernel_thread INTEGER NOT NULL, t_create INTEGER NOT NULL, t_exit INTEGER, exit_status INTEGER)' },
  { name: 'locks', sql: 'CREATE TABLE locks (addr INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, class INTEGER NOT NULL)' },
  // The order locks were taken in (lock_order.ts): one row per (held, asked for) pair of locks,
  // where the pair was first seen.
  { name: 'lock_edges', since: 3, sql: 'CREATE TABLE lock_edges (from_addr INTEGER NOT NULL, to_addr INTEGER NOT NULL, t INTEGER NOT NULL, cpu INTEGER NOT NULL, pid INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (from_addr, to_addr)) WITHOUT ROWID' },
  // Console output coalesced per CPU and channel up to a newline; t is the time of the first byte.
  { name: 'console', sql: 'CREATE TABLE console (seq INTEGER PRIMARY KEY NOT NULL, t INTEGER NOT NULL, cpu INTEGER NOT NULL, channel TEXT NOT NULL, text TEXT NOT NULL)' },
  { name: 'console_t', sql: 'CREATE INDEX console_t ON console (t)' },
  // Machine snapshots for time travel; `base` names the full checkpoint a delta applies to.
  { name: 'checkpoints', sql: 'CREATE TABLE checkpoints (id INTEGER PRIMARY KEY NOT NULL, t INTEGER NOT NULL, seq INTEGER NOT NULL, base INTEGER, state BLOB NOT NULL)' },
  { name: 'checkpoints_t', sql: 'CREATE INDEX checkpoints_t ON checkpoints (t)' },
  { name: 'bookmarks', sql: 'CREATE TABLE bookmarks (id INTEGER PRIMARY KEY NOT NULL, t INTEGER NOT NULL, title TEXT NOT NULL, note TEXT NOT NULL, created TEXT NOT NULL)' },
];

/** The schema of a file of format `version`: the objects that format has, each with exactly its SQL. */
export function schemaOf(version: number): SchemaObject[] {
  return SCHEMA.filter((o) => (o.since ?? 1) <= version);
}

/** Columns of the row chunks, in stored order. */
export const SPAN_COLUMNS = ['t0', 't1', 'state', 'detail', 'seq0', 'seq1'] as const;
export const SUMMARY_COLUMNS = ['t0', 't1', 'state', 'present', 'count'] as const;
export const FLOW_COLUMNS = ['kind', 'vector', 'cpu', 'seqFrom', 'tFrom', 'seqTo', 'tTo'] as const;
export const FLOW_KINDS = ['exception', 'interrupt', 'syscall', 'nested'] as const;

/** Span states of a cpu-mode track. */
export const CpuMode = { Off: 0, User: 1, Kernel: 2, Exception: 3, Interrupt: 4, DoubleFault: 5, Halted: 6 } as const;
export const CPU_MODE_NAMES = ['off', 'user', 'kernel', 'exception', 'interrupt', 'double-fault', 'halted'] as const;

/** Span states of a lock track (one track per lock and CPU). */
export const LockState = { Spinning: 1, Held: 2 } as const;
export const LOCK_STATE_NAMES = ['', 'spinning', 'held'] as const;

/** Meta keys. */
export const Meta = {
  FormatVersion: 'format_version',
  AppVersion: 'app_version',
  CreatedAt: 'created_at',
  Scenario: 'scenario',
  Config: 'config',
  Cmdline: 'cmdline',
  Status: 'status',
  Outcome: 'outcome',
  Stats: 'stats',
} as const;
