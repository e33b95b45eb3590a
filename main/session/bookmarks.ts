// Bookmarks and notes: the one thing written into a session file after it is recorded. The file
// is checked as untrusted input first, the write is one transaction of our own statements, and a
// finished file is sealed again (page_seal.ts) so that it still opens.

import Database from 'better-sqlite3';
import { openSessionFile } from './open_session.ts';
import { sealPages } from './page_seal.ts';

export interface BookmarkInput {
  id: number;
  t: number;
  title: string;
  note: string;
}

/** Replaces the bookmarks of the session at `path`; keeps the creation time of those it had. */
export function writeBookmarks(path: string, bookmarks: readonly BookmarkInput[], now: Date): void {
  const { db: check, sealed } = openSessionFile(path);
  check.close();
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('trusted_schema = OFF');
    const created = new Map((db.prepare('SELECT id, created FROM bookmarks').all() as { id: number; created: string }[]).map((r) => [r.id, r.created]));
    const insert = db.prepare('INSERT INTO bookmarks (id, t, title, note, created) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      db.prepare('DELETE FROM bookmarks').run();
      for (const b of bookmarks) insert.run(b.id, b.t, b.title, b.note, created.get(b.id) ?? now.toISOString());
    })();
  } finally {
    db.close();
  }
  if (sealed) sealPages(path);
}
