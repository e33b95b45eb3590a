// The one API between the app's face and everything behind it: `window.faultline`.
//
// Defined once here and used by all three processes: the preload exposes it over Electron IPC,
// the browser-mode server exposes the same services over a WebSocket, and the renderer only
// ever sees this interface. Every method is asynchronous and every value is structured-clone
// safe (plain objects, strings, numbers, typed arrays), so the same call crosses IPC or the
// wire codec (preload/wire_codec.ts) unchanged. 64-bit machine values travel as hex strings:
// they are shown as text and compared for change highlighting, never computed on.

import type { Inspection, InspectQuery, LockGraph, PanicReport } from './inspect_api.ts';

export type * from './inspect_api.ts';

/** '0x' followed by 16 hex digits. */
export type Hex64 = string;

/** One scenario of the catalogue, as the gallery shows it. */
export interface Scenario {
  id: string;
  title: string;
  /** The concept in one or two plain sentences. */
  concept: string;
  /** What the student should see happen. */
  expected: string;
  /** The article's reference, e.g. "[3657694]", or null. */
  article: string | null;
  /** The sentence of the article this scenario makes happen. */
  passage: string | null;
  cmdline: string;
  cpus: number;
  budget: number;
}

export interface RunOptions {
  scenarioId: string;
  cmdline: string;
  cpus: number;
  /** Instructions (all CPUs together) after which the run stops by itself. */
  budget: number;
}

export type RunPhase = 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed';

/** Pushed through onRun while a run is alive, and once more when it ends. */
export interface RunProgress {
  runId: string;
  options: RunOptions;
  phase: RunPhase;
  instructions: number;
  budget: number;
  /** Virtual time reached, in ticks (1 tick = 1 ns). */
  t: number;
  events: number;
  /** The session the run records into; queries work on it while the run goes on. */
  session: SessionInfo | null;
  /** The scenario's outcome in one line once known (e.g. "panic: spinlock recursion"). */
  outcome: string | null;
  error: string | null;
}

export interface SessionInfo {
  /** Handle valid for this app's lifetime. */
  id: string;
  name: string;
  scenarioId: string | null;
  cmdline: string;
  cpus: number;
  tStart: number;
  tEnd: number;
  events: number;
  outcome: string | null;
  live: boolean;
  /** Bookmarks changed since the last save. */
  dirty: boolean;
  locks: LockInfo[];
}

export interface LockInfo {
  /** Lane id of the lock: its address. */
  addr: Hex64;
  name: string;
}

/** A session file the app knows about (recorded by it, or opened before). */
export interface RecentSession {
  /** Opaque key; in browser mode only keys handed out by the server can be opened. */
  key: string;
  name: string;
  bytes: number;
  modified: number;
}

export type OpenRequest =
  | { from: 'recent'; key: string }
  | { from: 'bytes'; name: string; bytes: Uint8Array };

export interface VerifyReport {
  ok: boolean;
  problems: string[];
}

export type ExportFormat = 'session' | 'perfetto' | 'panic-report';

export interface ExportedFile {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
}

// ---- Timeline data ----

/** What a CPU (or a lock) is doing during a span. Values index colour and legend tables. */
export const Band = {
  User: 0,
  Kernel: 1,
  Exception: 2,
  Interrupt: 3,
  DoubleFault: 4,
  Halted: 5,
  LockHeld: 6,
  LockSpinning: 7,
  Task: 8,
  Off: 9,
} as const;
export type Band = (typeof Band)[keyof typeof Band];
export const BAND_NAMES = [
  'user', 'kernel', 'exception handler', 'interrupt handler', 'double fault', 'halted', 'lock held', 'spinning',
  'task', 'off',
] as const;

/** Marker families, one glyph and colour each, one navigation key each where it makes sense. */
export const Mark = {
  Syscall: 0,
  Sysret: 1,
  Fault: 2,
  Interrupt: 3,
  Signal: 4,
  Panic: 5,
  TripleFault: 6,
  Reset: 7,
  Lock: 8,
  Oops: 9,
  Console: 10,
  Other: 11,
} as const;
export type Mark = (typeof Mark)[keyof typeof Mark];
export const MARK_NAMES = [
  'syscall', 'sysret', 'fault', 'interrupt', 'signal', 'panic', 'triple fault', 'reset', 'lock', 'oops',
  'console', 'other',
] as const;

export interface SpanQuery {
  session: string;
  t0: number;
  t1: number;
  /** Ticks one pixel covers: detail finer than this may be summarised. */
  resolution: number;
}

/**
 * The spans of one lane, columnar. A lane is a CPU's privilege mode ("cpu:N"), the task on a
 * CPU ("task:N", band Task, label = task name) or a lock ("lock:ADDR", held or spinning, aux =
 * the CPU). When the resolution is coarse a span may stand for many: `band` is then what
 * covered most of it, and `mixed` says other bands were there too.
 */
export interface LaneSpans {
  lane: string;
  title: string;
  t0: Float64Array;
  t1: Float64Array;
  band: Uint8Array;
  /** Index into `labels` (task name, vector mnemonic, holder), -1 when none. */
  label: Int32Array;
  labels: string[];
  /** Lock lanes: the CPU holding or spinning; CPU lanes: the handler's vector, or -1. */
  aux: Int32Array;
  /** 1 where a summarised span hid other bands (drawn hatched). */
  mixed: Uint8Array;
}

export interface SpanResult {
  t0: number;
  t1: number;
  summarised: boolean;
  lanes: LaneSpans[];
}

export interface EventQuery extends SpanQuery {
  /** At most this many markers; past it, markers are thinned to one per family per pixel. */
  limit: number;
}

/** Event markers, columnar. */
export interface EventMarks {
  seq: Float64Array;
  t: Float64Array;
  cpu: Uint8Array;
  mark: Uint8Array;
  /** Index into `labels` (e.g. "#PF", "write", "IRQ 32"). */
  label: Int32Array;
  labels: string[];
  /** Markers that stand for more than one event (thinned), 1 otherwise. */
  count: Uint32Array;
  /** Flow arrows: from (t, cpu) to (t, cpu); kind is a Flow value. */
  flows: {
    t0: Float64Array;
    cpu0: Uint8Array;
    t1: Float64Array;
    cpu1: Uint8Array;
    kind: Uint8Array;
  };
}

export const Flow = { FaultReturn: 0, SyscallReturn: 1, SpinWait: 2, InterruptReturn: 3 } as const;
export type Flow = (typeof Flow)[keyof typeof Flow];

export interface EventDetail {
  seq: number;
  t: number;
  cpu: number;
  pid: number;
  task: string | null;
  kind: string;
  mark: Mark;
  title: string;
  fields: [string, string][];
  /** What happened and why, in plain words. */
  explain: string;
}

/** Targets of "jump to next/previous". */
export type JumpTarget = 'event' | 'fault' | 'privilege' | 'lock' | 'panic';

export interface JumpQuery {
  session: string;
  t: number;
  /** Only this CPU's events, or every CPU's when null. */
  cpu: number | null;
  target: JumpTarget;
  direction: 1 | -1;
}

// ---- Machine state at an instant ----

export interface CpuState {
  cpu: number;
  cpl: number;
  /** Run state in words ("running", "halted", "waiting for start-up", ...). */
  state: string;
  halted: boolean;
  started: boolean;
  task: string | null;
  /** Register name -> value, in display order. */
  regs: [string, Hex64][];
  /** Flag and control bits set, by register group (e.g. ["RFLAGS", "IF ZF"]). */
  decoded: [string, string][];
  /** RIP as symbol+offset when symbols are known. */
  where: string | null;
}

export interface MachineState {
  /** The instant shown: the one asked for, or later only if every CPU slept through it. */
  t: number;
  cpus: CpuState[];
  /** Why there are no CPU states (e.g. the recording holds no checkpoint before t), or null. */
  note: string | null;
  /** Console output up to t. */
  console: string;
}

export interface StepQuery {
  session: string;
  t: number;
  cpu: number;
  unit: 'instruction' | 'event';
  direction: 1 | -1;
}

export interface SymbolInfo {
  addr: Hex64;
  symbol: string | null;
  offset: number;
  file: string | null;
  line: number | null;
}

export interface SourceText {
  file: string;
  lines: string[];
}

export interface Bookmark {
  id: number;
  t: number;
  /** Short label made when the bookmark is added (the CPU and event at the playhead). */
  title: string;
  /** The user's note. */
  note: string;
}

export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
}

/**
 * Every call of the API. The transports (Electron IPC, WebSocket) route by these names, so a
 * method exists exactly when it is listed in API_METHODS below.
 */
export interface FaultlineCalls {
  appInfo(): Promise<AppInfo>;
  scenarios(): Promise<Scenario[]>;

  startRun(options: RunOptions): Promise<RunProgress>;
  pauseRun(runId: string): Promise<RunProgress>;
  resumeRun(runId: string): Promise<RunProgress>;
  stopRun(runId: string): Promise<RunProgress>;

  recentSessions(): Promise<RecentSession[]>;
  openSession(request: OpenRequest): Promise<SessionInfo>;
  closeSession(session: string): Promise<void>;
  saveSession(session: string): Promise<SessionInfo>;
  verifySession(session: string): Promise<VerifyReport>;
  exportSession(session: string, format: ExportFormat): Promise<ExportedFile>;

  spans(query: SpanQuery): Promise<SpanResult>;
  events(query: EventQuery): Promise<EventMarks>;
  eventDetail(session: string, seq: number): Promise<EventDetail | null>;
  jump(query: JumpQuery): Promise<EventDetail | null>;

  stateAt(session: string, t: number): Promise<MachineState>;
  step(query: StepQuery): Promise<number>;

  /**
   * The symbol and source line of addr. A user-half address needs `program`, the name of the
   * task running it (every user program is linked at the same addresses); without it, none.
   */
  symbolize(session: string, addr: Hex64, program?: string | null): Promise<SymbolInfo>;
  source(session: string, file: string): Promise<SourceText | null>;

  bookmarks(session: string): Promise<Bookmark[]>;
  addBookmark(session: string, bookmark: Omit<Bookmark, 'id'>): Promise<Bookmark>;
  updateBookmark(session: string, bookmark: Bookmark): Promise<Bookmark>;
  removeBookmark(session: string, id: number): Promise<void>;

  inspect(query: InspectQuery): Promise<Inspection>;
  lockGraph(session: string): Promise<LockGraph>;
  panicReport(session: string): Promise<PanicReport | null>;
}

export type ApiMethod = keyof FaultlineCalls;

export const API_METHODS: readonly ApiMethod[] = [
  'appInfo', 'scenarios',
  'startRun', 'pauseRun', 'resumeRun', 'stopRun',
  'recentSessions', 'openSession', 'closeSession', 'saveSession', 'verifySession', 'exportSession',
  'spans', 'events', 'eventDetail', 'jump',
  'stateAt', 'step',
  'symbolize', 'source',
  'bookmarks', 'addBookmark', 'updateBookmark', 'removeBookmark',
  'inspect', 'lockGraph', 'panicReport',
];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/**
 * What the desktop app's menu and the OS tell the page: show a session the main process opened
 * or saved (File > Open, Open Recent, a file from the command line or the OS, Save), forget a
 * session it closed, go to the scenario gallery (File > New Run), show the keyboard map.
 */
export type AppCommand =
  | { kind: 'show-session'; session: SessionInfo }
  | { kind: 'session-closed'; session: string }
  | { kind: 'new-run' }
  | { kind: 'keyboard-map' };

/** Pushed notifications, by channel. */
export interface FaultlinePush {
  run: RunProgress;
  command: AppCommand;
}

export type Unsubscribe = () => void;

/** `window.faultline`. */
export interface FaultlineApi extends FaultlineCalls {
  onRun(listener: (progress: RunProgress) => void): Unsubscribe;
  /** Commands from the desktop app's menu and the OS; browser mode has neither and never sends one. */
  onCommand(listener: (command: AppCommand) => void): Unsubscribe;
}

/** Channel names on Electron IPC; the preload refuses anything not built from these. */
export const IPC_PREFIX = 'faultline:';
export const IPC_PUSH_RUN = 'faultline:push:run';
export const IPC_PUSH_COMMAND = 'faultline:push:command';
