// One opened session as the API shows it: info, lanes, markers, event details, jumps, console,
// symbols and bookmarks, over the session layer's client (its reader in a worker thread, so a
// slow or hostile file never blocks the process serving the page). Bookmarks are edited in
// memory and written into the file on save (bookmark_store.ts), the only write the app makes.

import { describeOutcome } from '../session/outcome.ts';
import type { TrackInfo, TrackSpans } from '../session/reader.ts';
import type { SessionClient } from '../session/session_client.ts';
import { TrackKind } from '../session/schema.ts';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import type {
  Bookmark,
  EventDetail,
  EventMarks,
  EventQuery,
  JumpQuery,
  JumpTarget,
  MachineState,
  SessionInfo,
  SourceText,
  SpanQuery,
  SpanResult,
  SymbolInfo,
} from '../../preload/api.ts';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { describeEvent, type Names } from './describe_event.ts';
import { buildLanes, lockLaneId, spinFlows, type SpinFlows } from './lanes.ts';
import { addFlows, buildMarks, indexNotable, type NotableIndex } from './marks.ts';
import { cpuRegisters, ripOf } from './cpu_registers.ts';
import { SessionMachine } from './session_machine.ts';

type StepFilter = { kinds: string[]; traceTypes?: number[] };
type TraceEvent = Extract<MachineEvent, { kind: 'trace' }>;

const LOCK_TRACES = [TraceType.LOCK_ACQUIRE, TraceType.LOCK_ACQUIRED, TraceType.LOCK_RELEASE];
/** Lock tracepoints lockTraces() hands over by default (the lock graph is built from them). */
const MAX_LOCK_TRACES = 100_000;

// Each target is one or more reader filters; the nearest hit of any of them wins. Kinds and trace
// types are kept in separate filters because the reader skips a whole chunk when it lacks every
// wanted trace type, even if the chunk holds a wanted non-trace kind.
const JUMP_FILTERS: Record<JumpTarget, StepFilter[]> = {
  event: [{ kinds: ['priv-switch', 'exception', 'interrupt', 'ipi', 'triple-fault', 'reset', 'power-off', 'trace', 'cpu-start'] }],
  fault: [{ kinds: ['exception', 'triple-fault'] }],
  privilege: [{ kinds: ['priv-switch'] }],
  lock: [{ kinds: ['trace'], traceTypes: [TraceType.LOCK_ACQUIRE, TraceType.LOCK_CONTENDED, TraceType.LOCK_ACQUIRED, TraceType.LOCK_RELEASE, TraceType.LOCKDEP, TraceType.SPINLOCK_RECURSION] }],
  panic: [
    { kinds: ['triple-fault'] },
    { kinds: ['trace'], traceTypes: [TraceType.PANIC, TraceType.OOPS, TraceType.STACK_PROTECTOR, TraceType.WATCHDOG, TraceType.LOCKDEP, TraceType.SPINLOCK_RECURSION, TraceType.DOUBLE_FAULT] },
  ],
};

/** The first address of the kernel half of the canonical address space. */
const KERNEL_HALF = 0xffff800000000000n;

export function hexAddr(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** Parses an API hex string into a 64-bit value; throws on anything else. */
export function parseHex64(text: string): bigint {
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(text)) throw new Error(`not a 64-bit hex address: ${text.slice(0, 40)}`);
  return BigInt(text);
}

/** What a view needs from the session once, at open: names and tracks do not change. */
interface Fixed {
  tracks: TrackInfo[];
  locks: { addr: number; name: string }[];
  tasks: Map<number, string>;
  symbols: Map<bigint, string | null>;
}

export class SessionView {
  private notableIndex: Promise<NotableIndex> | null = null;
  /** The machine time travel moves, shared with the inspectors. */
  readonly machine: SessionMachine;
  private bookmarkList: Bookmark[] = [];
  private nextBookmark = 1;
  dirty = false;

  private constructor(readonly id: string, readonly name: string, readonly client: SessionClient, private fixed: Fixed, readonly live: boolean) {
    this.machine = new SessionMachine(client);
  }

  /**
   * A view of an opened session. `live`: the session is a recording still being written (its
   * client opened with `live`); its tasks, locks and notable events are read again at each info().
   */
  static async open(id: string, name: string, client: SessionClient, live = false): Promise<SessionView> {
    const view = new SessionView(id, name, client, await SessionView.load(client), live);
    view.bookmarkList = (await client.query('bookmarks')).map((b) => ({ id: b.id, t: b.t, title: b.title, note: b.note }));
    view.nextBookmark = Math.max(0, ...view.bookmarkList.map((b) => b.id)) + 1;
    return view;
  }

  /** Takes over the bookmarks made on another view of the same recording (the live one, when it ends). */
  adoptBookmarks(from: SessionView): void {
    if (!from.dirty) return;
    this.bookmarkList = from.bookmarks();
    this.nextBookmark = Math.max(this.nextBookmark, ...this.bookmarkList.map((b) => b.id + 1));
    this.dirty = true;
  }

  private static async load(client: SessionClient): Promise<Fixed> {
    const [tracks, locks, tasks] = await Promise.all([client.query('tracks'), client.query('locks'), client.query('tasks')]);
    return { tracks, locks, tasks: new Map(tasks.map((t) => [t.pid, t.name])), symbols: new Map() };
  }

  get path(): string {
    return this.client.path;
  }

  /** Names for describe_event: tasks from the table, symbols looked up ahead (see detail()). */
  private names(): Names {
    return {
      task: (pid) => (pid === 0 ? 'idle' : (this.fixed.tasks.get(pid) ?? null)),
      symbol: (addr) => this.fixed.symbols.get(addr) ?? null,
    };
  }

  private async detail(ev: MachineEvent | null): Promise<EventDetail | null> {
    if (ev === null) return null;
    // describe_event is synchronous: symbolize every address the event carries first.
    const addrs = addressesOf(ev).filter((a) => !this.fixed.symbols.has(a));
    const names = await Promise.all(addrs.map((a) => this.symbolOf(a, null)));
    addrs.forEach((a, i) => this.fixed.symbols.set(a, names[i] ?? null));
    return describeEvent(ev, this.names());
  }

  /**
   * A kernel address's symbol, or a user address's in the tables of `program` (the task running
   * it); a user address with no program names nothing, so it costs no query.
   */
  private async symbolOf(addr: bigint, program: string | null): Promise<string | null> {
    if (BigInt.asUintN(64, addr) < KERNEL_HALF && program === null) return null;
    return this.client.query('symbolize', addr, program);
  }

  async info(): Promise<SessionInfo> {
    if (this.live) {
      // What the recording has committed since: new tasks, locks and tracks, later notable events.
      this.fixed = { ...(await SessionView.load(this.client)), symbols: this.fixed.symbols };
      this.notableIndex = null;
    }
    const i = await this.client.query('info');
    return {
      id: this.id, name: this.name, scenarioId: i.scenario || null, cmdline: i.cmdline, cpus: Math.max(i.cpus, i.config.cpus, 1),
      tStart: i.tFirst, tEnd: Math.max(i.tLast, i.tFirst + 1), events: i.events,
      // A recording still being written has no outcome yet (its file says "cut short").
      outcome: this.live ? null : describeOutcome(i.outcome),
      live: this.live, dirty: this.dirty,
      locks: this.fixed.locks.map((l) => ({ addr: lockLaneId(l.addr).slice('lock:'.length), name: l.name || lockLaneId(l.addr).slice(5) })),
    };
  }

  private notable(): Promise<NotableIndex> {
    return (this.notableIndex ??= indexNotable(this.client));
  }

  async spans(q: SpanQuery): Promise<SpanResult> {
    const answers: TrackSpans[] = await this.client.query('spans', q.t0, q.t1, Math.max(q.resolution, 1e-3));
    const lanes = buildLanes(this.fixed.tracks, answers, this.fixed.locks);
    return { t0: q.t0, t1: q.t1, summarised: answers.some((a) => a.level !== null), lanes };
  }

  async events(q: EventQuery): Promise<EventMarks> {
    const flows: SpinFlows = { t0: [], cpu0: [], t1: [], cpu1: [], kind: [] };
    const resolution = Math.max(q.resolution, 1e-3);
    addFlows(await this.client.query('flows', q.t0, q.t1, 3 * resolution), resolution, flows);
    const lockTracks = this.fixed.tracks.filter((t) => t.kind === TrackKind.Lock).map((t) => t.id);
    if (lockTracks.length > 0) {
      const answers = await this.client.query('spans', q.t0, q.t1, resolution, lockTracks);
      spinFlows(buildLanes(this.fixed.tracks, answers, this.fixed.locks), 4 * resolution, flows);
    }
    return buildMarks(this.client, () => this.notable(), q.t0, q.t1, resolution, q.limit, flows);
  }

  /**
   * The lock tracepoints the lock graph is learnt from (lock_graph.ts), read as columns and cut
   * down to the few that decide it: the first tracepoint of each lock, and each request for a
   * lock made while holding others for the first time with those locks, framed by the holding
   * (acquired ... request ... released) so that the graph sees exactly the order it would have
   * seen in the whole stream. At most `limit` tracepoints of the recording are read. For files
   * of formats 1 and 2: later ones carry the edges, derived while recording.
   */
  async lockGraphTraces(limit = MAX_LOCK_TRACES): Promise<TraceEvent[]> {
    const rec = await this.client.background('records', { kinds: ['trace'], traceTypes: LOCK_TRACES, limit });
    const n = rec.seq.length;
    const a = rec.args;
    const arg = (i: number, k: number) => (BigInt(a[4 * i + 2 * k + 1]!) << 32n) | BigInt(a[4 * i + 2 * k]!);
    // Which tracepoints to hand over, by index; a held lock is kept as the index that acquired it.
    const firstOf = new Map<bigint, number>();
    const held = new Map<number, number[]>();
    const pairs = new Set<string>();
    const picked: { i: number; type: number }[] = [];
    for (let i = 0; i < n; i++) {
      const lock = arg(i, 0);
      const type = rec.word[i]! >>> 16;
      const cpu = rec.cpu[i]!;
      const list = held.get(cpu) ?? [];
      held.set(cpu, list);
      if (!firstOf.has(lock)) firstOf.set(lock, rec.seq[i]!);
      if (type === TraceType.LOCK_ACQUIRED) list.push(i);
      else if (type === TraceType.LOCK_RELEASE) {
        for (let k = list.length - 1; k >= 0; k--) if (arg(list[k]!, 0) === lock) { list.splice(k, 1); break; }
      } else if (list.length > 0) {
        const fresh = list.filter((h) => !pairs.has(`${arg(h, 0)}:${lock}`));
        if (fresh.length === 0) continue;
        for (const h of list) pairs.add(`${arg(h, 0)}:${lock}`);
        for (const h of list) picked.push({ i: h, type: TraceType.LOCK_ACQUIRED });
        picked.push({ i, type });
        for (const h of [...list].reverse()) picked.push({ i: h, type: TraceType.LOCK_RELEASE });
        continue;
      }
      if (firstOf.get(lock) === rec.seq[i]) picked.push({ i, type: TraceType.LOCK_ACQUIRE });
    }
    const named = await this.client.query('eventsAt', [...firstOf.values()]);
    const names = new Map<bigint, string>();
    [...firstOf.keys()].forEach((addr, k) => {
      const ev = named[k];
      names.set(addr, ev?.kind === 'trace' ? ev.text : '');
    });
    return picked.map(({ i, type }) => {
      const lock = arg(i, 0);
      return { kind: 'trace', seq: rec.seq[i]!, t: rec.t[i]!, cpu: rec.cpu[i]!, pid: rec.pid[i]!, type,
        args: [lock, arg(i, 1), 0n, 0n, 0n, 0n], text: names.get(lock) ?? '' };
    });
  }

  async eventDetail(seq: number): Promise<EventDetail | null> {
    return this.detail(await this.client.query('eventAt', seq));
  }

  async jump(q: JumpQuery): Promise<EventDetail | null> {
    const cpus = q.cpu === null ? {} : { cpus: [q.cpu] };
    const hits = await Promise.all(JUMP_FILTERS[q.target].map((f) => this.client.query('step', q.t, q.direction, { ...f, ...cpus })));
    let best: MachineEvent | null = null;
    for (const ev of hits) {
      if (ev !== null && (best === null || (ev.t - best.t) * q.direction < 0 || (ev.t === best.t && (ev.seq - best.seq) * q.direction < 0))) best = ev;
    }
    return this.detail(best);
  }

  /**
   * The instant right after CPU `cpu` executes its next (direction 1) or previous (-1)
   * instruction, or t itself when it executes none within reach.
   */
  async stepInstruction(t: number, cpu: number, direction: 1 | -1): Promise<number> {
    const r = await this.machine.use(async (travel) => {
      try {
        return (await travel.stepCpu(t, cpu, direction)) ?? t;
      } catch (err) {
        if (err instanceof RangeError) return t;
        throw err;
      }
    });
    if (typeof r === 'string') throw new Error(`cannot step: ${r}`);
    return r;
  }

  /** Registers of every CPU and the console, at t. */
  async stateAt(t: number): Promise<MachineState> {
    const console = await this.client.query('consoleText', t);
    const at = await this.machine.use(async (travel) => {
      try {
        return await travel.stateAt(t);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        return { before: err.message };
      }
    });
    if (typeof at === 'string') return { t, cpus: [], note: `no registers: ${at}`, console };
    if ('before' in at) return { t, cpus: [], note: `no registers here: ${at.before}`, console };
    const names = this.names();
    const tasks = at.cpus.map((c) => (c.pid >= 0 ? names.task(c.pid) : null));
    // RIP in user code is named from the program the CPU's task runs.
    const wheres = await Promise.all(at.cpus.map((c, i) => this.symbolOf(ripOf(c), tasks[i] ?? null)));
    const cpus = at.cpus.map((c, i) => cpuRegisters(i, c, tasks[i] ?? null, wheres[i] ?? null));
    return { t: at.t, cpus, note: null, console: at.t === t ? console : await this.client.query('consoleText', at.t) };
  }

  /**
   * The symbol and source line of an address: a kernel address from the kernel's tables, a user
   * address from those of `program`, the task running it (the page passes the name it shows).
   */
  async symbolInfo(addrText: string, program: string | null = null): Promise<SymbolInfo> {
    const addr = parseHex64(addrText);
    const [name, line] = await Promise.all([
      this.symbolOf(addr, program),
      this.client.query('lineOf', addr, program),
    ]);
    const plus = name?.lastIndexOf('+0x') ?? -1;
    return {
      addr: hexAddr(addr), symbol: name === null ? null : plus > 0 ? name.slice(0, plus) : name,
      offset: name === null || plus < 0 ? 0 : parseInt(name.slice(plus + 3), 16),
      file: line?.file ?? null, line: line?.line ?? null,
    };
  }

  async source(file: string): Promise<SourceText | null> {
    const text = await this.client.query('source', file);
    return text === null ? null : { file, lines: text.split('\n') };
  }

  bookmarks(): Bookmark[] {
    return this.bookmarkList.map((b) => ({ ...b }));
  }

  addBookmark(b: Omit<Bookmark, 'id'>): Bookmark {
    const made = { id: this.nextBookmark++, t: b.t, title: b.title, note: b.note };
    this.bookmarkList.push(made);
    this.bookmarkList.sort((x, y) => x.t - y.t);
    this.dirty = true;
    return { ...made };
  }

  updateBookmark(b: Bookmark): Bookmark {
    const at = this.bookmarkList.findIndex((x) => x.id === b.id);
    if (at < 0) throw new Error(`no bookmark ${b.id}`);
    this.bookmarkList[at] = { ...b };
    this.dirty = true;
    return { ...b };
  }

  removeBookmark(id: number): void {
    const before = this.bookmarkList.length;
    this.bookmarkList = this.bookmarkList.filter((b) => b.id !== id);
    if (this.bookmarkList.length !== before) this.dirty = true;
  }
}

/** Every code or data address an event names, for symbolizing. */
function addressesOf(ev: MachineEvent): bigint[] {
  switch (ev.kind) {
    case 'exception': return [ev.rip];
    case 'priv-switch': return [ev.ripBefore, ev.ripAfter];
    case 'interrupt': return [ev.rip];
    case 'triple-fault': return [ev.rip];
    case 'iret': return [ev.fromRip, ev.toRip];
    case 'cpu-start': return [ev.rip];
    case 'halt': return [ev.rip];
    case 'trace': return ev.args.slice(0, 4);
    default: return [];
  }
}
