import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeBookmarks } from '../../main/session/bookmarks.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { recordScripted, tempDir } from './fixtures/record_scripted.ts';

describe('bookmarks', () => {
  it('are written into a finished file, which still opens sealed and intact', () => {
    const path = join(tempDir(), 'marks.flt');
    recordScripted(path, { cpus: 2, events: 5000 });
    writeBookmarks(path, [{ id: 1, t: 500, title: 'the fault', note: 'look at CR2' }], new Date('2026-01-01T00:00:00Z'));
    writeBookmarks(path, [{ id: 1, t: 500, title: 'the fault', note: 'look at CR2 again' }, { id: 2, t: 900, title: '<b>not html</b>', note: '' }], new Date('2026-02-01T00:00:00Z'));
    const reader = SessionReader.open(path, 'full');
    expect(reader.bookmarks()).toEqual([
      { id: 1, t: 500, title: 'the fault', note: 'look at CR2 again', created: '2026-01-01T00:00:00.000Z' },
      { id: 2, t: 900, title: '<b>not html</b>', note: '', created: '2026-02-01T00:00:00.000Z' },
    ]);
    expect(reader.verify().ok).toBe(true);
    reader.close();
  });
});
