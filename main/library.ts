// The folder of session files the app knows: recordings it made, and copies of files the page
// sent to be opened (browser mode cannot hand the server a path). The page names a file only by
// a key this module listed, so no path text from the page ever reaches the file system.

import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecentSession } from '../preload/api.ts';

const IMPORTED = 'opened';

/** A file name safe on every OS, from untrusted text; keeps letters, digits, dot, dash, underscore. */
export function safeFileName(name: string, fallback: string): string {
  const base = name.replace(/\.flt$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return (base === '' ? fallback : base) + '.flt';
}

export class SessionLibrary {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, IMPORTED), { recursive: true });
  }

  list(): RecentSession[] {
    const out: RecentSession[] = [];
    for (const sub of ['', IMPORTED]) {
      for (const name of readdirSync(join(this.dir, sub))) {
        if (!name.endsWith('.flt')) continue;
        const st = statSync(join(this.dir, sub, name));
        if (st.isFile()) out.push({ key: sub === '' ? name : `${sub}/${name}`, name, bytes: st.size, modified: st.mtimeMs });
      }
    }
    return out.sort((a, b) => b.modified - a.modified);
  }

  /** The path of a listed file; throws for any key this library did not list. */
  pathOf(key: string): string {
    if (!this.list().some((r) => r.key === key)) throw new Error('that session file is not in the library');
    return join(this.dir, key);
  }

  /** Stores bytes sent by the page under a fresh name and returns the path. */
  importBytes(name: string, bytes: Uint8Array): string {
    const file = this.freshName(IMPORTED, safeFileName(name, 'session'));
    writeFileSync(file, bytes, { flag: 'wx' });
    return file;
  }

  /** A new file for a recording of `scenario`, named by scenario and time. */
  recordingPath(scenario: string, now: Date): string {
    const stamp = now.toISOString().replace(/[:.]/g, '-').slice(0, 19);
    return this.freshName('', safeFileName(`${scenario}-${stamp}`, 'run'));
  }

  private freshName(sub: string, fileName: string): string {
    const stem = fileName.slice(0, -'.flt'.length);
    for (let i = 0; ; i++) {
      const candidate = join(this.dir, sub, i === 0 ? fileName : `${stem}-${i}.flt`);
      try {
        statSync(candidate);
      } catch {
        return candidate;
      }
    }
  }
}
