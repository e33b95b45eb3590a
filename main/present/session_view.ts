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

const JUMP_FILTERS: Record<JumpTarget, { kinds: string[]; traceTypes?: number[] }> = {
  event: { kinds: ['priv-switch', 'exception', 'interrupt', 'ipi', 'triple-fault', 'reset', 'power-off', 'trace', 'cpu-start'] },
  fault: { kinds: ['exception', 'triple-fault'] },
  privilege: { kinds: ['priv-switch'] },
  lock: { kinds: ['trace'], traceTypes: [TraceType.LOCK_ACQUIRE, TraceType.LOCK_CONTENDED, TraceType.LOCK_ACQUIRED, TraceType.LOCK_RELEASE, TraceType.LOCKDEP, TraceType.SPINLOCK_RECURSION] },
  panic: { kinds: ['triple-fault', 'trace'], traceTypes: [TraceType.PANIC, TraceType.OOPS, TraceType.STACK_PROTECTOR, TraceType.WATCHDOG, TraceType.LOCKDEP, TraceType.SPINLOCK_RECURSION, TraceType.DOUBLE_FAULT] },
};

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
  private bookmarkList: Bookmark[] = [];
  private nextBookmark = 1;
  dirty = false;

  private constructor(readonly id: string, readonly name: string, public client: SessionClient, private fixed: Fixed, readonly live: boolean) {}

  static async open(id: string, name: string, client: SessionClient, live: boolean): Promise<SessionView> {
    const view = new SessionView(id, name, client, await SessionView.load(client), live);
    view.bookmarkList = (await client.query('bookmarks')).map((b) => ({ id: b.id, t: b.t, title: b.title, note: b.note }));
    view.nextBookmark = Math.max(0, ...view.bookmarkList.map((b) => b.id)) + 1;
    return view;
  }

  private static async load(client: SessionClient): Promise<Fixed> {
    const [tracks, locks, tasks] = await Promise.all([client.query('tracks'), client.query('locks'), client.query('tasks')]);
    return { tracks, locks, tasks: new Map(tasks.map((t) => [t.pid, t.name])), symbols: new Map() };
  }

  /** A live recording grows tracks, locks and tasks: read them again. */
  async refresh(): Promise<void> {
    this.fixed = { ...(await SessionView.load(this.client)), symbols: this.fixed.symbols };
    this.notableIndex = null;
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
    const names = await Promise.all(addrs.map((a) => this.client.query('symbolize', a)));
    addrs.forEach((a, i) => this.fixed.symbols.set(a, names[i] ?? null));
    return describeEvent(ev, this.names());
  }

  async info(): Promise<SessionInfo> {
    const i = await this.client.query('info');
    return {
      id: this.id, name: this.name, scenarioId: i.scenario || null, cmdline: i.cmdline, cpus: Math.max(i.cpus, i.config.cpus, 1),
      tStart: i.tFirst, tEnd: Math.max(i.tLast, i.tFirst + 1), events: i.events,
      outcome: i.status === 'complete' || !this.live ? describeOutcome(i.outcome) : null,
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
    addFlows(await this.client.query('flows', q.t0, q.t1), resolution, flows);
    const lockTracks = this.fixed.tracks.filter((t) => t.kind === TrackKind.Lock).map((t) => t.id);
    if (lockTracks.length > 0) {
      const answers = await this.client.query('spans', q.t0, q.t1, resolution, lockTracks);
      spinFlows(buildLanes(this.fixed.tracks, answers, this.fixed.locks), 4 * resolution, flows);
    }
    return buildMarks(this.client, () => this.notable(), q.t0, q.t1, resolution, q.limit, flows);
  }

  async eventDetail(seq: number): Promise<EventDetail | null> {
    return this.detail(await this.client.query('eventAt', seq));
  }

  async jump(q: JumpQuery): Promise<EventDetail | null> {
    const f = JUMP_FILTERS[q.target];
    return this.detail(await this.client.query('step', q.t, q.direction, { ...f, ...(q.cpu === null ? {} : { cpus: [q.cpu] }) }));
  }

  consoleAt(t: number): Promise<string> {
    return this.client.query('consoleText', t);
  }

  async symbolInfo(addrText: string): Promise<SymbolInfo> {
    const addr = parseHex64(addrText);
    const [name, line] = await Promise.all([this.client.query('symbolize', addr), this.client.query('lineOf', addr)]);
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
