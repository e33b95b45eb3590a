// better-sqlite3 as the desktop app's bundle loads it (main/electron/electron_sqlite.ts): outside
// Electron it is the package itself, with the options it is given, on the addon built for Node.

import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import Database from '../../main/electron/electron_sqlite.ts';
import { tempDir } from './fixtures/recorded_run.ts';

describe('better-sqlite3 for the bundle', () => {
  it('is the package itself under Node, honouring the options', () => {
    const path = join(tempDir(), 'x.sqlite');
    const db = new Database(path);
    expect(db).toBeInstanceOf(BetterSqlite3);
    db.exec('CREATE TABLE t (n INTEGER)');
    db.prepare('INSERT INTO t VALUES (?)').run(42);
    db.close();

    const ro = new Database(path, { readonly: true, fileMustExist: true });
    expect(ro.prepare('SELECT n FROM t').get()).toEqual({ n: 42 });
    expect(() => ro.exec('INSERT INTO t VALUES (1)')).toThrow(BetterSqlite3.SqliteError);
    ro.close();
    expect(() => new Database(join(tempDir(), 'missing.sqlite'), { fileMustExist: true })).toThrow();
  });
});
