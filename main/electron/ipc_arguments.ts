// The arguments of every API call that arrives over IPC, checked before the services see them:
// how many, their types, ranges and lengths, and the shape of anything naming a file. Each
// checker returns fresh values holding only the fields the API defines, so nothing else a page
// put on an object travels further. The services check again; this layer is the one that also
// refuses calls with extra arguments and names the call in its error.

import type { ApiMethod } from '../../preload/api.ts';
import * as check from '../check_args.ts';

type ArgsCheck = (args: readonly unknown[]) => unknown[];

// Generous bounds: far beyond what the app sends, small enough that nothing is costly to refuse.
const ID = 64;
const NAME = 300;
const TEXT = 100_000;
const MAX_CPUS = 64;
const MAX_BUDGET = 1e13;
const MAX_OPEN_BYTES = 256 * 1024 * 1024;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const TASK_NAME = 64;

function count(args: readonly unknown[], n: number): void {
  if (args.length > n) throw new Error(`expected ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

function text(v: unknown, name: string, max: number): string {
  const s = check.str(v, name, max);
  if (s.includes('\0')) throw new Error(`bad argument ${name}: contains a NUL character`);
  return s;
}

const id = (v: unknown, name = 'session') => text(v, name, ID);
const time = (v: unknown, name = 't') => check.num(v, name);
const cpu = (v: unknown) => check.int(v, 'cpu', 0, MAX_CPUS - 1);
const direction = (v: unknown) => check.oneOf(v, 'direction', [1, -1] as const);

/** A library key: a relative .flt path of plain segments, never absolute, never climbing. */
function libraryKey(v: unknown): string {
  const key = text(v, 'key', NAME);
  const segments = key.split('/');
  const plain = segments.every((s) => s !== '' && s !== '.' && s !== '..' && !/[\\:]/.test(s));
  if (!plain || !key.toLowerCase().endsWith('.flt')) throw new Error('bad argument key: not a session file key');
  return key;
}

/** A source file as the session names it: relative, no climbing out of the source tree. */
function sourceFile(v: unknown): string {
  const file = text(v, 'file', 4096);
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file) || file.split(/[\\/]/).includes('..')) {
    throw new Error('bad argument file: not a relative source path');
  }
  return file;
}

function range(v: unknown): { session: string; t0: number; t1: number; resolution: number } {
  const r = check.range(v);
  return { ...r, session: id(r.session) };
}

function bookmarkFields(v: unknown): { t: number; title: string; note: string } {
  const b = check.obj(v, 'bookmark');
  return { t: time(b.t), title: text(b.title, 'title', 4096), note: text(b.note, 'note', TEXT) };
}

const none: ArgsCheck = (a) => (count(a, 0), []);
const sessionOnly: ArgsCheck = (a) => (count(a, 1), [id(a[0])]);
const runOnly: ArgsCheck = (a) => (count(a, 1), [id(a[0], 'runId')]);

const CHECKS: Record<ApiMethod, ArgsCheck> = {
  appInfo: none,
  scenarios: none,
  recentSessions: none,

  startRun: (a) => {
    count(a, 1);
    const o = check.obj(a[0], 'options');
    return [{
      scenarioId: o.scenarioId === null ? null : text(o.scenarioId, 'scenarioId', NAME),
      cmdline: text(o.cmdline, 'cmdline', 4096),
      cpus: check.int(o.cpus, 'cpus', 1, MAX_CPUS),
      budget: check.int(o.budget, 'budget', 1, MAX_BUDGET),
    }];
  },
  pauseRun: runOnly,
  resumeRun: runOnly,
  stopRun: runOnly,

  openSession: (a) => {
    count(a, 1);
    const r = check.obj(a[0], 'request');
    if (r.from === 'recent') return [{ from: 'recent', key: libraryKey(r.key) }];
    if (r.from === 'bytes') {
      return [{ from: 'bytes', name: text(r.name, 'name', NAME), bytes: check.bytes(r.bytes, 'bytes', MAX_OPEN_BYTES) }];
    }
    throw new Error("bad argument request.from: not 'recent' or 'bytes'");
  },
  closeSession: sessionOnly,
  saveSession: sessionOnly,
  verifySession: sessionOnly,
  exportSession: (a) => (count(a, 2), [id(a[0]), check.oneOf(a[1], 'format', ['session', 'perfetto', 'panic-report'] as const)]),

  spans: (a) => (count(a, 1), [range(a[0])]),
  events: (a) => {
    count(a, 1);
    return [{ ...range(a[0]), limit: check.int(check.obj(a[0], 'query').limit, 'limit', 1, 100_000) }];
  },
  eventDetail: (a) => (count(a, 2), [id(a[0]), check.int(a[1], 'seq', 0, MAX_SEQ)]),
  jump: (a) => {
    count(a, 1);
    const q = check.obj(a[0], 'query');
    return [{
      session: id(q.session), t: time(q.t), cpu: q.cpu === null ? null : cpu(q.cpu),
      target: check.oneOf(q.target, 'target', ['event', 'fault', 'privilege', 'lock', 'panic'] as const),
      direction: direction(q.direction),
    }];
  },

  stateAt: (a) => (count(a, 2), [id(a[0]), time(a[1])]),
  step: (a) => {
    count(a, 1);
    const q = check.obj(a[0], 'query');
    return [{
      session: id(q.session), t: time(q.t), cpu: cpu(q.cpu),
      unit: check.oneOf(q.unit, 'unit', ['instruction', 'event'] as const), direction: direction(q.direction),
    }];
  },

  symbolize: (a) => {
    count(a, 3);
    const addr = text(a[1], 'addr', 18);
    if (!/^0x[0-9a-fA-F]{1,16}$/.test(addr)) throw new Error('bad argument addr: not 0x and 1 to 16 hex digits');
    // A task's name (the kernel keeps 15 characters), or nothing for a kernel address.
    if (a.length < 3) return [id(a[0]), addr];
    return [id(a[0]), addr, a[2] === undefined || a[2] === null ? null : text(a[2], 'program', TASK_NAME)];
  },
  source: (a) => (count(a, 2), [id(a[0]), sourceFile(a[1])]),

  bookmarks: sessionOnly,
  addBookmark: (a) => (count(a, 2), [id(a[0]), bookmarkFields(a[1])]),
  updateBookmark: (a) => {
    count(a, 2);
    const b = check.obj(a[1], 'bookmark');
    return [id(a[0]), { id: check.int(b.id, 'id', 0, MAX_SEQ), ...bookmarkFields(b) }];
  },
  removeBookmark: (a) => (count(a, 2), [id(a[0]), check.int(a[1], 'id', 0, MAX_SEQ)]),

  inspect: (a) => {
    count(a, 1);
    const q = check.obj(a[0], 'query');
    const addr = q.addr === null ? null : text(q.addr, 'addr', 18);
    if (addr !== null && !/^0x[0-9a-fA-F]{1,16}$/.test(addr)) throw new Error('bad argument addr: not 0x and 1 to 16 hex digits');
    return [{ session: id(q.session), t: time(q.t), cpu: cpu(q.cpu), addr }];
  },
  lockGraph: sessionOnly,
  panicReport: sessionOnly,
};

/** The checked arguments of `method`, or an Error saying which call and which argument is wrong. */
export function checkCallArguments(method: ApiMethod, args: readonly unknown[]): unknown[] {
  try {
    return CHECKS[method](args);
  } catch (err) {
    throw new Error(`faultline.${method}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

