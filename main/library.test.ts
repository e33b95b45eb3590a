import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safeFileName, SessionLibrary } from './library.ts';

const dirs: string[] = [];
function library(): SessionLibrary {
  const dir = mkdtempSync(join(tmpdir(), 'flt-lib-'));
  dirs.push(dir);
  return new SessionLibrary(dir);
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('session library', () => {
  it('makes safe file names from untrusted text', () => {
    expect(safeFileName('../../etc/passwd', 'x')).toBe('etc_passwd.flt');
    expect(safeFileName('my run.flt', 'x')).toBe('my_run.flt');
    expect(safeFileName('...', 'x')).toBe('x.flt');
    expect(safeFileName('a\\b:c', 'x')).toBe('a_b_c.flt');
  });

  it('opens only keys it listed', () => {
    const lib = library();
    writeFileSync(join(lib.dir, 'a.flt'), 'x');
    writeFileSync(join(lib.dir, 'notes.txt'), 'x');
    expect(lib.list().map((r) => r.key)).toEqual(['a.flt']);
    expect(lib.pathOf('a.flt')).toBe(join(lib.dir, 'a.flt'));
    expect(() => lib.pathOf('notes.txt')).toThrow();
    expect(() => lib.pathOf('../a.flt')).toThrow();
  });

  it('never overwrites when importing the same name twice', () => {
    const lib = library();
    const p1 = lib.importBytes('s.flt', new Uint8Array([1]));
    const p2 = lib.importBytes('s.flt', new Uint8Array([2]));
    expect(p1).not.toBe(p2);
    expect(lib.list().map((r) => r.key).sort()).toEqual(['opened/s-1.flt', 'opened/s.flt']);
  });
});
