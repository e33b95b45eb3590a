// Opens a session file as the untrusted input it is (DESIGN.md section 5): the header and the
// page checksums (page_seal.ts) are checked before SQLite sees the file, the connection is
// read-only with defensive settings (trusted_schema off, cell size checks, no mmap), the schema
// must be exactly ours (so no trigger, view or default from the file can ever run), the b-trees
// are checked, and every blob and text is bounded. Any failure is a SessionFileError whose
// message says what is wrong with the file, in words a user can act on.

import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { APPLICATION_ID, FORMAT_VERSION, Meta, OLDEST_FORMAT_VERSION, schemaOf } from './schema.ts';
import { checkPageSeal, PageSealError } from './page_seal.ts';

export type SessionErrorCode =
  | 'not-found' | 'not-a-file' | 'empty' | 'too-large' | 'not-sqlite' | 'not-a-session'
  | 'newer-format' | 'older-format' | 'truncated' | 'corrupt' | 'unexpected-schema'
  | 'oversized' | 'timeout' | 'worker-failed';

export class SessionFileError extends Error {
  constructor(readonly code: SessionErrorCode, message: string) {
    super(message);
    this.name = 'SessionFileError';
  }
}

/** Bounds on what a file may make us read; generous for real recordings, fatal for crafted ones. */
const LIMITS = {
  fileBytes: 16 * 2 ** 30,
  /** [table, column, max bytes] for every blob or text column. */
  columns: [
    ['meta', 'value', 1 << 20],
    ['inputs', 'data', 256 << 20],
    ['sources', 'text', 4 << 20],
    ['symbols', 'name', 4096],
    ['lines', 'file', 4096],
    ['user_symbols', 'program', 4096],
    ['user_symbols', 'name', 4096],
    ['user_lines', 'program', 4096],
    ['user_lines', 'file', 4096],
    ['event_chunks', 'data', 16 << 20],
    ['event_chunks', 'texts', 64 << 20],
    ['tracks', 'name', 4096],
    ['span_chunks', 'data', 64 << 20],
    ['summary_chunks', 'data', 64 << 20],
    ['flow_chunks', 'data', 64 << 20],
    ['tasks', 'name', 4096],
    ['locks', 'name', 4096],
    ['console', 'text', 1 << 20],
    ['checkpoints', 'state', 1 << 30],
    ['bookmarks', 'title', 4096],
    ['bookmarks', 'note', 1 << 20],
  ] as const,
};

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * How much of a file is checked on opening: 'quick' and 'full' are SQLite's quick_check and
 * integrity_check, for any file a user opens. 'live' is for the recording this app is writing
 * right now, opened again and again while it grows: the header and schema are checked, the
 * b-trees and value sizes are not (the writer is this app, and they change under the reader).
 */
export type CheckLevel = 'quick' | 'full' | 'live';

function fail(code: SessionErrorCode, message: string): never {
  throw new SessionFileError(code, message);
}

/**
 * Checks the 100-byte SQLite header for what makes a file ours, before SQLite parses anything,
 * and the page checksums of a finished file. Returns whether the file is sealed and its format.
 */
function checkHeader(path: string): { sealed: boolean; version: number } {
  if (!existsSync(path)) fail('not-found', `${path}: no such file`);
  const st = statSync(path);
  if (!st.isFile()) fail('not-a-file', `${path}: not a file`);
  if (st.size === 0) fail('empty', `${path}: the file is empty`);
  if (st.size > LIMITS.fileBytes) fail('too-large', `${path}: the file is larger than ${LIMITS.fileBytes} bytes`);
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    fail('not-sqlite', `${path}: not a Faultline session (not an SQLite database)`);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) fail('corrupt', `${path}: the database header is damaged (page size ${rawPageSize})`);
  if (header.readUInt32BE(68) !== APPLICATION_ID) fail('not-a-session', `${path}: not a Faultline session (an SQLite database of another application)`);
  const version = header.readUInt32BE(60);
  if (version > FORMAT_VERSION) fail('newer-format', `${path}: session format ${version} was made by a newer Faultline (this one reads format ${FORMAT_VERSION})`);
  if (version < OLDEST_FORMAT_VERSION) fail('older-format', `${path}: session format ${version} is no longer supported (this Faultline reads formats ${OLDEST_FORMAT_VERSION} to ${FORMAT_VERSION})`);
  // With no write-ahead log beside it, the header's page count must fit in the file.
  const pages = header.readUInt32BE(28);
  const walMode = header[18] === 2;
  const walPresent = existsSync(path + '-wal') && statSync(path + '-wal').size > 0;
  if (!(walMode && walPresent) && pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92) && pages * pageSize > st.size) {
    fail('truncated', `${path}: the file is truncated (${st.size} of ${pages * pageSize} bytes)`);
  }
  if (st.size % pageSize !== 0) fail('truncated', `${path}: the file is truncated (${st.size} bytes is not a whole number of ${pageSize}-byte pages)`);
  try {
    return { sealed: checkPageSeal(path), version };
  } catch (e) {
    if (e instanceof PageSealError) fail('corrupt', `${path}: ${e.message}`);
    throw e;
  }
}

/** sqlite_master must hold the objects of the file's format, each with exactly their SQL, and nothing else. */
function checkSchema(db: Database.Database, path: string, version: number): void {
  const expected = new Map(schemaOf(version).map((o) => [o.name, o.sql]));
  const rows = db.prepare('SELECT type, name, sql FROM sqlite_master').all() as { type: string; name: string; sql: string | null }[];
  const seen = new Set<string>();
  for (const row of rows) {
    const want = expected.get(row.name);
    if (want === undefined || row.sql !== want) {
      const what = row.type === 'trigger' || row.type === 'view' ? `a ${row.type}` : `an unexpected ${row.type}`;
      fail('unexpected-schema', `${path}: the file contains ${what} ("${row.name.slice(0, 64)}") that a Faultline session never has; it was not opened`);
    }
    seen.add(row.name);
  }
  for (const name of expected.keys()) {
    if (!seen.has(name)) fail('unexpected-schema', `${path}: the session is missing its "${name}" table`);
  }
}

function checkIntegrity(db: Database.Database, path: string, level: CheckLevel): void {
  const pragma = level === 'full' ? 'integrity_check(20)' : 'quick_check(20)';
  const rows = db.pragma(pragma) as Record<string, string>[];
  const problems = rows.map((r) => Object.values(r)[0]).filter((v) => v !== 'ok');
  if (problems.length > 0) fail('corrupt', `${path}: the database is damaged (${problems[0]})`);
}

function checkSizes(db: Database.Database, path: string, version: number): void {
  const tables = new Set(schemaOf(version).map((o) => o.name));
  for (const [table, column, max] of LIMITS.columns) {
    if (!tables.has(table)) continue;
    // length() of a blob reads its size from the record header, not the blob itself.
    const row = db.prepare(`SELECT max(length(${column})) AS n FROM ${table}`).get() as { n: number | null };
    if (row.n !== null && row.n > max) fail('oversized', `${path}: a value in ${table}.${column} is ${row.n} bytes (at most ${max} allowed)`);
  }
  const meta = db.prepare('SELECT value FROM meta WHERE key = ?').get(Meta.FormatVersion) as { value: string } | undefined;
  if (meta?.value !== String(version)) fail('unexpected-schema', `${path}: the session's format record is missing or wrong`);
}

/** The storage classes a value of a declared column type may have in a file this app wrote. */
const STORAGE: Record<string, string[]> = {
  // Times are whole ticks as integers, or reals when a stream's times were not whole.
  INTEGER: ['integer', 'real'],
  TEXT: ['text'],
  BLOB: ['blob'],
};

/** Each column of a table and the storage classes its values may have, read from its CREATE TABLE. */
function columnsOf(sql: string): { name: string; allowed: string[] }[] {
  const body = sql.slice(sql.indexOf('(') + 1, sql.lastIndexOf(')'));
  const out: { name: string; allowed: string[] }[] = [];
  for (const m of body.matchAll(/(?:^|,)\s*(\w+) (INTEGER|TEXT|BLOB)([^,]*)/g)) {
    const notNull = /NOT NULL|PRIMARY KEY/.test(m[3]!);
    out.push({ name: m[1]!, allowed: notNull ? STORAGE[m[2]!]! : [...STORAGE[m[2]!]!, 'null'] });
  }
  return out;
}

/**
 * Every value has the storage class its column declares (SQLite lets a file hold text in an
 * INTEGER column): a crafted file cannot hand a string to code reading a number, or a blob to
 * code reading text. typeof() reads a record's header only, not its blobs.
 */
function checkTypes(db: Database.Database, path: string, version: number): void {
  for (const o of schemaOf(version)) {
    if (!o.sql.startsWith('CREATE TABLE')) continue;
    const columns = columnsOf(o.sql);
    const wrong = columns.map((c) => `typeof(${c.name}) NOT IN (${c.allowed.map((a) => `'${a}'`).join(', ')})`).join(' OR ');
    const row = db.prepare(`SELECT ${columns.map((c) => `typeof(${c.name}) AS ${c.name}`).join(', ')} FROM ${o.name} WHERE ${wrong} LIMIT 1`).get() as Record<string, string> | undefined;
    if (row === undefined) continue;
    const c = columns.find((col) => !col.allowed.includes(row[col.name]!))!;
    fail('corrupt', `${path}: a value in ${o.name}.${c.name} is ${row[c.name]}, where a session holds ${c.allowed.filter((a) => a !== 'null').join(' or ')}`);
  }
}

/** Maps SQLite's own errors on a bad file to a SessionFileError. */
function translate(e: unknown, path: string): never {
  if (e instanceof SessionFileError) throw e;
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB') fail('not-sqlite', `${path}: not a Faultline session (not an SQLite database)`);
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) fail('corrupt', `${path}: the database is damaged (${message})`);
  if (code === 'SQLITE_CANTOPEN') fail('not-found', `${path}: cannot open the file (${message})`);
  fail('corrupt', `${path}: cannot read the session (${message})`);
}

/**
 * Opens and checks a session file read-only. The connection keeps better-sqlite3's defensive
 * mode (never unsafeMode) and runs no SQL from the file. `version` is the file's format.
 */
export function openSessionFile(path: string, level: CheckLevel = 'quick'): { db: Database.Database; sealed: boolean; version: number } {
  const { sealed, version } = checkHeader(path);
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('trusted_schema = OFF');
    db.pragma('cell_size_check = ON');
    db.pragma('mmap_size = 0');
    db.pragma('query_only = ON');
    checkSchema(db, path, version);
    if (level !== 'live') {
      checkIntegrity(db, path, level);
      checkSizes(db, path, version);
      checkTypes(db, path, version);
    }
    return { db, sealed, version };
  } catch (e) {
    db?.close();
    translate(e, path);
  }
}
