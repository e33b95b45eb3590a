import { describe, expect, it } from 'vitest';
import * as check from './check_args.ts';

describe('argument checks for calls from a page', () => {
  it('passes good values through', () => {
    expect(check.range({ session: 's1', t0: 0, t1: 10, resolution: 0.5 })).toEqual({ session: 's1', t0: 0, t1: 10, resolution: 0.5 });
    expect(check.oneOf(-1, 'direction', [1, -1] as const)).toBe(-1);
    expect(check.bytes(new Uint8Array(3), 'bytes', 3)).toHaveLength(3);
  });

  it('names the argument that is wrong', () => {
    expect(() => check.range({ session: 's1', t0: 5, t1: 5, resolution: 1 })).toThrow('bad argument t1: not after t0');
    expect(() => check.range({ session: 's1', t0: 0, t1: 1, resolution: 0 })).toThrow('bad argument resolution');
    expect(() => check.num(Infinity, 't')).toThrow('bad argument t: not a finite number');
    expect(() => check.int(1.5, 'cpus', 1, 8)).toThrow('bad argument cpus');
    expect(() => check.str('x'.repeat(20), 'note', 10)).toThrow('bad argument note: longer than 10');
    expect(() => check.obj([], 'query')).toThrow('bad argument query: not an object');
    expect(() => check.oneOf('rm', 'format', ['session'] as const)).toThrow('bad argument format');
    expect(() => check.bytes('abc', 'bytes', 10)).toThrow('bad argument bytes: not bytes');
  });
});
