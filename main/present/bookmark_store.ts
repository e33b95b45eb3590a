// Writes a session's bookmarks into its file: the one write the app makes to a session file.
// The file was opened and checked as untrusted input (open_session.ts) before, and this
// connection runs only its own two statements with trusted_schema off, in one transaction, so
// a crash leaves either the old bookmarks or the new ones.

import Database from 'better-sqlite3';
import type { Bookmark } from '../../preload/api.ts';

export function writeBookmarks(path: string, bookmarks: readonly Bookmark[], now: Date): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('trusted_schema = OFF');
    const created = new Map(
      (db.prepare('SELECT id, created FROM bookmarks').all() as { id: number; created: string }[]).map((r) => [r.id, r.created]),
    );
    const insert = db.prepare('INSERT INTO bookmarks (id, t, title, note, created) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      db.prepare('DELETE FROM bookmarks').run();
      for (const b of bookmarks) insert.run(b.id, b.t, b.title, b.note, created.get(b.id) ?? now.toISOString());
    })();
  } finally {
    db.close();
  }
}
