// The IPC argument checks: every API method takes its well-formed arguments, and refuses
// malformed ones (wrong types, out of range, too long, too many, paths that climb) with an error
// naming the call and the argument.

import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod } from '../../preload/api.ts';
import { checkCallArguments } from '../../main/electron/ipc_arguments.ts';

const range = { session: 's1', t0: 0, t1: 100, resolution: 1 };
const bookmark = { t: 5, title: 'CPU 0', note: 'the fault' };

/** For each method: arguments the page really sends, and malformed variants with the argument blamed. */
const CASES: Record<ApiMethod, { good: unknown[]; bad: [unknown[], string][] }> = {
  appInfo: { good: [], bad: [[['x'], 'expected 0 arguments']] },
  scenarios: { good: [], bad: [[[1], 'expected 0 arguments']] },
  recentSessions: { good: [], bad: [[[{}], 'expected 0 arguments']] },
  startRun: {
    good: [{ scenarioId: 'double-fault', cmdline: 'init=/bin/df', cpus: 2, budget: 1_000_000 }],
    bad: [
      [[null], 'options'],
      [[{ scenarioId: 3, cmdline: '', cpus: 2, budget: 1 }], 'scenarioId'],
      [[{ scenarioId: null, cmdline: 'a\0b', cpus: 2, budget: 1 }], 'cmdline'],
      [[{ scenarioId: null, cmdline: 'x'.repeat(5000), cpus: 2, budget: 1 }], 'cmdline'],
      [[{ scenarioId: null, cmdline: '', cpus: 0, budget: 1 }], 'cpus'],
      [[{ scenarioId: null, cmdline: '', cpus: 1.5, budget: 1 }], 'cpus'],
      [[{ scenarioId: null, cmdline: '', cpus: 2, budget: -1 }], 'budget'],
      [[{ scenarioId: null, cmdline: '', cpus: 2, budget: Infinity }], 'budget'],
    ],
  },
  pauseRun: { good: ['r1'], bad: [[[7], 'runId'], [['r'.repeat(65)], 'runId'], [['r1', 'r2'], 'expected 1 argument']] },
  resumeRun: { good: ['r1'], bad: [[[undefined], 'runId']] },
  stopRun: { good: ['r1'], bad: [[[{}], 'runId']] },
  openSession: {
    good: [{ from: 'recent', key: 'opened/run.flt' }],
    bad: [
      [[{ from: 'path', path: '/etc/passwd' }], 'request.from'],
      [[{ from: 'recent', key: '../outside.flt' }], 'key'],
      [[{ from: 'recent', key: '/etc/x.flt' }], 'key'],
      [[{ from: 'recent', key: 'opened\\..\\x.flt' }], 'key'],
      [[{ from: 'recent', key: 'C:/x.flt' }], 'key'],
      [[{ from: 'recent', key: 'notes.txt' }], 'key'],
      [[{ from: 'bytes', name: 'a.flt', bytes: [1, 2, 3] }], 'bytes'],
      [[{ from: 'bytes', name: 42, bytes: new Uint8Array(1) }], 'name'],
      [['opened/run.flt'], 'request'],
    ],
  },
  closeSession: { good: ['s1'], bad: [[[null], 'session']] },
  saveSession: { good: ['s1'], bad: [[[1], 'session']] },
  verifySession: { good: ['s1'], bad: [[['s'.repeat(100)], 'session']] },
  exportSession: { good: ['s1', 'perfetto'], bad: [[['s1', 'pdf'], 'format'], [['s1'], 'format'], [['s1', 'session', 1], 'expected 2 arguments']] },
  spans: {
    good: [range],
    bad: [
      [[{ ...range, t1: 0 }], 't1'],
      [[{ ...range, t0: Number.NaN }], 't0'],
      [[{ ...range, resolution: 0 }], 'resolution'],
      [[{ ...range, session: 5 }], 'session'],
    ],
  },
  events: { good: [{ ...range, limit: 1000 }], bad: [[[{ ...range, limit: 0 }], 'limit'], [[{ ...range, limit: 1e9 }], 'limit'], [[range], 'limit']] },
  eventDetail: { good: ['s1', 12], bad: [[['s1', -1], 'seq'], [['s1', 1.5], 'seq'], [['s1', '12'], 'seq']] },
  jump: {
    good: [{ session: 's1', t: 10, cpu: null, target: 'fault', direction: -1 }],
    bad: [
      [[{ session: 's1', t: 10, cpu: 300, target: 'fault', direction: 1 }], 'cpu'],
      [[{ session: 's1', t: 10, cpu: null, target: 'everything', direction: 1 }], 'target'],
      [[{ session: 's1', t: 10, cpu: null, target: 'fault', direction: 2 }], 'direction'],
      [[{ session: 's1', t: '10', cpu: null, target: 'fault', direction: 1 }], 't'],
    ],
  },
  stateAt: { good: ['s1', 1234], bad: [[['s1', Infinity], 't'], [['s1'], 't']] },
  step: {
    good: [{ session: 's1', t: 5, cpu: 1, unit: 'instruction', direction: 1 }],
    bad: [
      [[{ session: 's1', t: 5, cpu: 1, unit: 'cycle', direction: 1 }], 'unit'],
      [[{ session: 's1', t: 5, cpu: -1, unit: 'event', direction: 1 }], 'cpu'],
    ],
  },
  symbolize: {
    good: ['s1', '0x400078', 'readkptr'],
    bad: [[['s1', 'ffff'], 'addr'], [['s1', '0x' + 'f'.repeat(17)], 'addr'], [['s1', 42], 'addr'],
      [['s1', '0x400078', 7], 'program'], [['s1', '0x400078', 'p'.repeat(65)], 'program'], [['s1', '0x400078', 'a\0b'], 'program'],
      [['s1', '0x400078', 'readkptr', 1], 'expected 3 arguments']],
  },
  source: {
    good: ['s1', 'kernel/spinlock.c'],
    bad: [[['s1', '../../etc/passwd'], 'file'], [['s1', '/etc/passwd'], 'file'], [['s1', 'C:\\x.c'], 'file'], [['s1', 'a\0.c'], 'file']],
  },
  bookmarks: { good: ['s1'], bad: [[[['s1']], 'session']] },
  addBookmark: {
    good: ['s1', bookmark],
    bad: [[['s1', { ...bookmark, t: 'now' }], 't'], [['s1', { ...bookmark, note: 'n'.repeat(100_001) }], 'note'], [['s1', null], 'bookmark']],
  },
  updateBookmark: { good: ['s1', { id: 3, ...bookmark }], bad: [[['s1', { id: -3, ...bookmark }], 'id'], [['s1', bookmark], 'id']] },
  removeBookmark: { good: ['s1', 3], bad: [[['s1', 'three'], 'id'], [['s1', 2 ** 60], 'id']] },
  inspect: {
    good: [{ session: 's1', t: 10, cpu: 0, addr: '0xffff800000102000' }],
    bad: [[[{ session: 's1', t: 10, cpu: 0, addr: 'kernel' }], 'addr'], [[{ session: 's1', t: 10, cpu: -1, addr: null }], 'cpu'], [[{ session: 's1', t: 'now', cpu: 0, addr: null }], 't']],
  },
  lockGraph: { good: ['s1'], bad: [[[3], 'session']] },
  panicReport: { good: ['s1'], bad: [[[null], 'session']] },
};

describe('IPC argument checks', () => {
  it('cover every method of the API', () => {
    expect(Object.keys(CASES).sort()).toEqual([...API_METHODS].sort());
  });

  for (const method of API_METHODS) {
    const { good, bad } = CASES[method];

    it(`${method}: takes the arguments the page sends`, () => {
      expect(checkCallArguments(method, good)).toEqual(good);
    });

    for (const [args, blamed] of bad) {
      it(`${method}: refuses ${JSON.stringify(args, (_k, v: unknown) => (v instanceof Uint8Array ? 'bytes' : v)).slice(0, 80)} naming ${blamed}`, () => {
        expect(() => checkCallArguments(method, args)).toThrow(`faultline.${method}: `);
        expect(() => checkCallArguments(method, args)).toThrow(blamed);
      });
    }
  }

  it('keeps only the fields the API defines', () => {
    const [q] = checkCallArguments('jump', [{ session: 's1', t: 1, cpu: 0, target: 'panic', direction: 1, __proto__: { polluted: true }, extra: 'x' }]);
    expect(Object.keys(q as object).sort()).toEqual(['cpu', 'direction', 'session', 't', 'target']);
  });

  it('passes session file bytes through as bytes', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const [r] = checkCallArguments('openSession', [{ from: 'bytes', name: 'x.flt', bytes }]);
    expect(r).toEqual({ from: 'bytes', name: 'x.flt', bytes });
  });
});
