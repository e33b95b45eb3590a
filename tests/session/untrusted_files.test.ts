// Session files are untrusted input: every damaged or crafted file is rejected with a clear,
// specific error, never a crash and never SQL from the file run.

import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSessionFile, SessionFileError, type SessionErrorCode } from '../../main/session/open_session.ts';
import { PAGE_SIZE, sealPages } from '../../main/session/page_seal.ts';
import { SessionClient } from '../../main/session/session_client.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { verifySession } from '../../main/session/verify.ts';
import { SessionWriter } from '../../main/session/writer.ts';
import { recordScripted, scriptedInputs, tempDir } from './fixtures/record_scripted.ts';
import { scriptedBatches } from './fixtures/scripted_stream.ts';

let dir: string;
let good: string;
let n = 0;

function variant(edit: (bytes: Buffer) => Buffer | void): string {
  const bytes = readFileSync(good);
  const out = edit(bytes) ?? bytes;
  const path = join(dir, `variant${n++}.flt`);
  writeFileSync(path, out);
  return path;
}

/** A copy changed through SQLite itself (as a crafter would), then sealed again or not. */
function crafted(sql: string[], reseal = true): string {
  const path = join(dir, `crafted${n++}.flt`);
  copyFileSync(good, path);
  const db = new Database(path);
  db.unsafeMode(true);
  for (const s of sql) db.exec(s);
  db.close();
  if (reseal) sealPages(path);
  return path;
}

function rejection(path: string): { code: SessionErrorCode; message: string } {
  try {
    openSessionFile(path).db.close();
  } catch (e) {
    expect(e).toBeInstanceOf(SessionFileError);
    const err = e as SessionFileError;
    expect(err.message.startsWith(path)).toBe(true);
    expect(err.message).not.toMatch(/\n/);
    return { code: err.code, message: err.message };
  }
  throw new Error(`${path} was accepted`);
}

beforeAll(() => {
  dir = tempDir();
  good = join(dir, 'good.flt');
  recordScripted(good, { cpus: 2, events: 20000, ending: 'power-off' });
});

describe('opening untrusted session files', () => {
  it('accepts an intact file, which is sealed with a checksum per page', () => {
    const { db, sealed } = openSessionFile(good, 'full');
    db.close();
    expect(sealed).toBe(true);
    expect(readFileSync(good)[20]).toBe(8);
  });

  it('rejects a missing file, an empty file and a directory', () => {
    expect(rejection(join(dir, 'nope.flt')).code).toBe('not-found');
    const empty = join(dir, 'empty.flt');
    writeFileSync(empty, '');
    expect(rejection(empty).code).toBe('empty');
    expect(rejection(dir).code).toBe('not-a-file');
  });

  it('rejects files that are not SQLite, and SQLite files of other applications', () => {
    const text = join(dir, 'notes.flt');
    writeFileSync(text, 'just some text, not a database at all\n'.repeat(20));
    expect(rejection(text)).toMatchObject({ code: 'not-sqlite', message: expect.stringContaining('not an SQLite database') });
    const png = join(dir, 'image.flt');
    writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(4000)]));
    expect(rejection(png).code).toBe('not-sqlite');
    const other = join(dir, 'other.flt');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(rejection(other)).toMatchObject({ code: 'not-a-session', message: expect.stringContaining('another application') });
  });

  it('rejects truncated files', () => {
    const size = statSync(good).size;
    for (const keep of [50, 100, PAGE_SIZE, PAGE_SIZE + 10, Math.floor(size / 2), size - PAGE_SIZE, size - 1]) {
      const r = rejection(variant((b) => b.subarray(0, keep)));
      expect(['truncated', 'not-sqlite', 'corrupt']).toContain(r.code);
    }
  });

  it('rejects a flipped byte in every page', () => {
    const pages = statSync(good).size / PAGE_SIZE;
    expect(pages).toBeGreaterThan(20);
    for (let p = 0; p < pages; p++) {
      const offset = p * PAGE_SIZE + ((p * 1237 + 101) % PAGE_SIZE);
      const r = rejection(variant((b) => { b[offset] ^= 0x10; }));
      expect(['corrupt', 'not-sqlite', 'not-a-session', 'newer-format', 'older-format', 'truncated']).toContain(r.code);
    }
  });

  it('rejects other format versions, saying which', () => {
    const newer = rejection(variant((b) => { b.writeUInt32BE(99, 60); }));
    expect(newer).toMatchObject({ code: 'newer-format', message: expect.stringContaining('newer Faultline') });
    const older = rejection(variant((b) => { b.writeUInt32BE(0, 60); }));
    expect(older.code).toBe('older-format');
    const meta = rejection(crafted(["UPDATE meta SET value = '7' WHERE key = 'format_version'"]));
    expect(meta.code).toBe('unexpected-schema');
  });

  it('opens a format 1 file (no user programs\' tables) and holds each format to exactly its own schema', () => {
    const toFormat1 = ["UPDATE meta SET value = '1' WHERE key = 'format_version'", 'PRAGMA user_version = 1'];
    const toFormat2 = ["UPDATE meta SET value = '2' WHERE key = 'format_version'", 'PRAGMA user_version = 2'];
    const v1 = crafted(['DROP TABLE user_symbols', 'DROP TABLE user_lines', 'DROP TABLE lock_edges', ...toFormat1]);
    const { db, sealed, version } = openSessionFile(v1, 'full');
    expect(version).toBe(1);
    expect(verifySession(db, sealed).ok).toBe(true);
    const reader = new SessionReader(db, v1, sealed);
    expect(reader.lineOf(0x400078n, 'readkptr')).toBeNull();
    expect(reader.symbolize(0x400078n, 'readkptr')).toBeNull();
    expect(reader.programSymbols('readkptr')).toEqual([]);
    reader.close();
    // Format 2 (no lock-order edges) opens, and reads no edges.
    const v2 = crafted(['DROP TABLE lock_edges', ...toFormat2]);
    const older = new SessionReader(openSessionFile(v2, 'full').db, v2);
    expect(older.lockEdges()).toBeNull();
    older.close();
    // Format 1 with format 2's tables, format 2 with format 3's, a format without its own tables,
    // and a format record that disagrees with the header.
    expect(rejection(crafted(toFormat1)).code).toBe('unexpected-schema');
    expect(rejection(crafted(toFormat2)).code).toBe('unexpected-schema');
    expect(rejection(crafted(['DROP TABLE lock_edges'])).code).toBe('unexpected-schema');
    expect(rejection(crafted(['DROP TABLE user_lines'])).code).toBe('unexpected-schema');
    expect(rejection(crafted(['DROP TABLE user_symbols', 'DROP TABLE user_lines', 'PRAGMA user_version = 1'])).code).toBe('unexpected-schema');
    expect(rejection(crafted(['ALTER TABLE user_lines ADD COLUMN extra INTEGER DEFAULT 0'])).code).toBe('unexpected-schema');
    expect(rejection(crafted([`INSERT INTO user_symbols (program, addr, size, name) VALUES ('p', 0, 0, printf('%.*c', 5000, 'x'))`])).code).toBe('oversized');
  });

  it('rejects a file carrying a trigger, a view, an extra table or an altered table, without running it', () => {
    const trigger = rejection(crafted(["CREATE TRIGGER evil AFTER INSERT ON bookmarks BEGIN DELETE FROM meta; END"]));
    expect(trigger).toMatchObject({ code: 'unexpected-schema', message: expect.stringContaining('a trigger') });
    const view = rejection(crafted(['CREATE VIEW evil AS SELECT * FROM meta']));
    expect(view).toMatchObject({ code: 'unexpected-schema', message: expect.stringContaining('a view') });
    expect(rejection(crafted(['CREATE TABLE extra (x)'])).code).toBe('unexpected-schema');
    expect(rejection(crafted(['CREATE INDEX extra_i ON console (text)'])).code).toBe('unexpected-schema');
    expect(rejection(crafted(['ALTER TABLE console ADD COLUMN extra INTEGER DEFAULT 0'])).code).toBe('unexpected-schema');
    expect(rejection(crafted(['DROP TABLE bookmarks'])).code).toBe('unexpected-schema');
  });

  it('rejects an oversized value', () => {
    const big = rejection(crafted([`INSERT INTO console (seq, t, cpu, channel, text) VALUES (999999999, 0, 0, 'uart', printf('%.*c', 2000000, 'x'))`]));
    expect(big).toMatchObject({ code: 'oversized', message: expect.stringContaining('console.text') });
  });

  it('rejects a value of the wrong type: text for a number, text for a blob, a blob for text', () => {
    const cases: [string, string][] = [
      ["UPDATE tracks SET cpu = 'zero' WHERE id = (SELECT min(id) FROM tracks)", 'tracks.cpu is text, where a session holds integer or real'],
      ["UPDATE event_chunks SET data = 'not a chunk' WHERE first_seq = 0", 'event_chunks.data is text, where a session holds blob'],
      ["UPDATE console SET text = x'00ff' WHERE seq = (SELECT min(seq) FROM console)", 'console.text is blob, where a session holds text'],
      ["INSERT INTO lock_edges VALUES ('lock', 1, 2, 0, 1, 3)", 'lock_edges.from_addr is text'],
      ["UPDATE tasks SET t_exit = x'01' WHERE pid = (SELECT min(pid) FROM tasks)", 'tasks.t_exit is blob'],
    ];
    for (const [sql, message] of cases) expect(rejection(crafted([sql]))).toMatchObject({ code: 'corrupt', message: expect.stringContaining(message) });
    // NULL where a column may hold it is sound.
    expect(() => openSessionFile(crafted(['UPDATE tasks SET t_exit = NULL, exit_status = NULL'])).db.close()).not.toThrow();
  });

  it('rejects a resealed file\'s changed pages only through the schema check, and an unresealed one by its seal', () => {
    expect(rejection(crafted(['CREATE VIEW evil AS SELECT 1'], false))).toMatchObject({ code: 'corrupt', message: expect.stringContaining('checksum') });
  });

  it('rejects a view in a file that was cut short (never sealed) through the schema check', () => {
    const path = join(dir, 'cut.flt');
    const writer = new SessionWriter(path, scriptedInputs(2));
    for (const b of scriptedBatches({ cpus: 2, events: 5000 })) writer.append(b);
    writer.abandon();
    openSessionFile(path).db.close();
    const db = new Database(path);
    db.exec('CREATE VIEW evil AS SELECT 1');
    db.close();
    expect(rejection(path).code).toBe('unexpected-schema');
  });
});

describe('a session opened in a worker', () => {
  it('answers queries off the calling thread', async () => {
    const client = await SessionClient.open(good);
    const info = await client.query('info');
    expect(info.events).toBe(20000 + 5);
    const events = await client.query('events', { kinds: ['console'], limit: 3 });
    expect(events.map((e) => e.kind)).toEqual(['console', 'console', 'console']);
    await client.close();
  });

  it('reports a bad file as a rejected open, with the specific error', async () => {
    const text = join(dir, 'garbage.flt');
    writeFileSync(text, 'garbage'.repeat(1000));
    await expect(SessionClient.open(text)).rejects.toMatchObject({ name: 'SessionFileError', code: 'not-sqlite' });
  });

  it('ends a query that runs past its deadline and closes the session, without hurting the caller', async () => {
    const client = await SessionClient.open(good, { queryTimeoutMs: 1 });
    await expect(client.query('events', { limit: 100000 })).rejects.toMatchObject({ code: 'timeout' });
    await expect(client.query('info')).rejects.toMatchObject({ code: 'timeout' });
    await client.close();
  });

  it('rejects an unknown query name', async () => {
    const client = await SessionClient.open(good);
    await expect((client.query as (m: string) => Promise<unknown>)('close')).rejects.toThrow(/no such query/);
    await client.close();
  });
});
