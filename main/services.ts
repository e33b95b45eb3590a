// The services behind `window.faultline`: one object implementing every call of the API over
// the session layer and the emulator host. Electron's main process registers it on IPC and the
// browser-mode server on its WebSocket; neither adds behaviour of its own. Arguments arrive from
// a page, so each call checks what it was given before using it (check_args.ts).

import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type {
  ExportFormat,
  ExportedFile,
  FaultlineCalls,
  OpenRequest,
  RunProgress,
  Scenario,
  SessionInfo,
  Unsubscribe,
  VerifyReport,
} from '../preload/api.ts';
import pkg from '../package.json' with { type: 'json' };
import { SessionClient } from './session/session_client.ts';
import { SessionLibrary } from './library.ts';
import { writeBookmarks } from './session/bookmarks.ts';
import { exportChromeTrace } from './session/export_chrome.ts';
import { sessionReport } from './session/report.ts';
import { SessionView } from './present/session_view.ts';
import * as check from './check_args.ts';
import { RunManager } from './run_manager.ts';
import { record, type StartRecording } from './emulator_host/host.ts';
import { inspectServices } from './present/inspect/inspect_services.ts';
import { SCENARIOS } from '../emulator/scenarios/catalogue.ts';

export interface ServicesOptions {
  /** Where recordings are written and where "recent sessions" are listed from. */
  libraryDir: string;
  mode: 'electron' | 'browser';
  /** Where runs execute: worker threads of this process by default; the desktop app passes its utility process. */
  record?: StartRecording;
  /** The guest kernel build the scenarios boot: the source tree's, or the packaged app's copy. */
  guestBuildDir: string;
}

export interface Services extends FaultlineCalls {
  onRun(listener: (progress: RunProgress) => void): Unsubscribe;
  /**
   * Opens the user's own session file where it lies (the desktop app's File > Open, recent
   * files, the command line, the OS), so Save writes its bookmarks back there. Main process
   * only: a page never names a path.
   */
  openFile(path: string): Promise<SessionInfo>;
  /**
   * Writes the session with its bookmarks to `path` and makes that file the session's own
   * (Save As): the file it was opened from stays as it was. Main process only.
   */
  saveSessionAs(session: string, path: string): Promise<SessionInfo>;
  close(): Promise<void>;
}

// Bytes of a session file the page may send to be opened (the WebSocket bounds it too).
const MAX_OPEN_BYTES = 256 * 1024 * 1024;

export function createServices(options: ServicesOptions): Services {
  const library = new SessionLibrary(options.libraryDir);
  // Sessions open on a click: keep a reader thread started ahead for the next one.
  SessionClient.prewarm();
  const runListeners = new Set<(p: RunProgress) => void>();
  const sessions = new Map<string, SessionView>();
  let nextSession = 1;

  const session = (id: unknown): SessionView => {
    const s = sessions.get(check.str(id, 'session', 64));
    if (s === undefined) throw new Error('that session is not open (it was closed, or the app restarted)');
    return s;
  };

  async function openPath(path: string, name: string): Promise<SessionInfo> {
    const view = await openView(`s${nextSession++}`, path, name);
    sessions.set(view.id, view);
    return view.info();
  }

  async function openView(id: string, path: string, name: string): Promise<SessionView> {
    let client: SessionClient;
    try {
      client = await SessionClient.open(path);
    } catch (err) {
      // Say what is wrong with the user's file by its name, not by where the server keeps it.
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(message.split(path).join(name));
    }
    try {
      return await SessionView.open(id, name, client);
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  /** An absolute path ending in .flt, or a clear error (what the file holds is checked as it opens). */
  function sessionFilePath(value: unknown): string {
    const path = check.str(value, 'path', 4096);
    if (!isAbsolute(path)) throw new Error(`${path}: not an absolute path`);
    if (!/\.flt$/i.test(path)) throw new Error(`${basename(path)} is not a Faultline session file (.flt)`);
    return resolve(path);
  }

  async function saveAs(view: SessionView, path: string): Promise<SessionInfo> {
    if (path === resolve(view.path)) return save(view);
    // The copy gets the bookmarks and replaces any file at `path` only once it is complete.
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      copyFileSync(view.path, tmp);
      writeBookmarks(tmp, view.bookmarks(), new Date());
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    // The same session id on the new file: the page keeps its place.
    const moved = await openView(view.id, path, basename(path));
    sessions.set(view.id, moved);
    await view.client.close();
    return moved.info();
  }

  async function exportFile(view: SessionView, format: ExportFormat): Promise<ExportedFile> {
    const stem = basename(view.path, '.flt');
    switch (format) {
      case 'session':
        if (view.dirty) await save(view);
        return { fileName: `${stem}.flt`, mime: 'application/vnd.sqlite3', bytes: new Uint8Array(readFileSync(view.path)) };
      case 'perfetto': {
        // The exporter streams to a file (traces can be large); hand its bytes over, then drop it.
        const dir = mkdtempSync(join(tmpdir(), 'faultline-export-'));
        try {
          const path = join(dir, `${stem}.json`);
          await exportChromeTrace(view.client, path);
          return { fileName: `${stem}.perfetto.json`, mime: 'application/json', bytes: new Uint8Array(readFileSync(path)) };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      case 'panic-report':
        return { fileName: `${stem}.report.txt`, mime: 'text/plain', bytes: new TextEncoder().encode(await sessionReport(view.client)) };
    }
  }

  async function save(view: SessionView): Promise<SessionInfo> {
    writeBookmarks(view.path, view.bookmarks(), new Date());
    view.dirty = false;
    return view.info();
  }

  const runs = new RunManager(library, () => `s${nextSession++}`, (view) => sessions.set(view.id, view), (p) => {
    for (const l of runListeners) l(p);
  }, options.record ?? record, options.guestBuildDir);

  return {
    appInfo: async () => ({ mode: options.mode, version: pkg.version }),
    scenarios: async (): Promise<Scenario[]> => SCENARIOS.map((s) => ({
      id: s.id, title: s.title, concept: s.concept, expected: s.expected, article: s.article ? `[${s.article}]` : null,
      passage: s.passage ?? null, cmdline: s.cmdline, cpus: s.cpus, budget: s.budget,
    })),
    recentSessions: async () => library.list(),

    startRun: async (options) => {
      const o = check.obj(options, 'options');
      return runs.start({
        scenarioId: check.oneOf(o.scenarioId, 'scenarioId', SCENARIOS.map((x) => x.id)),
        cmdline: check.str(o.cmdline, 'cmdline', 1023),
        cpus: check.int(o.cpus, 'cpus', 1, 8),
        budget: check.int(o.budget, 'budget', 1000, 10_000_000_000),
      });
    },
    pauseRun: async (runId) => runs.pause(check.str(runId, 'runId', 64)),
    resumeRun: async (runId) => runs.resume(check.str(runId, 'runId', 64)),
    stopRun: async (runId) => runs.stop(check.str(runId, 'runId', 64)),

    openSession: async (request: OpenRequest) => {
      const r = check.obj(request, 'request');
      if (r.from === 'recent') {
        const key = check.str(r.key, 'key', 300);
        return openPath(library.pathOf(key), basename(key));
      }
      if (r.from === 'bytes') {
        const name = check.str(r.name, 'name', 300);
        const bytes = check.bytes(r.bytes, 'bytes', MAX_OPEN_BYTES);
        const copy = library.importBytes(name, bytes);
        try {
          return await openPath(copy, name);
        } catch (err) {
          // A file that does not open is not kept: it would only be listed among the sessions.
          rmSync(copy, { force: true });
          throw err;
        }
      }
      throw new Error('open: unknown request');
    },
    openFile: async (path) => {
      const file = sessionFilePath(path);
      return openPath(file, basename(file));
    },
    saveSessionAs: async (id, path) => saveAs(session(id), sessionFilePath(path)),
    closeSession: async (id) => {
      const view = session(id);
      sessions.delete(view.id);
      await view.client.close();
    },
    saveSession: async (id) => save(session(id)),
    verifySession: async (id): Promise<VerifyReport> => {
      const report = await session(id).client.query('verify');
      return { ok: report.ok, problems: report.problems };
    },
    exportSession: async (id, format) => exportFile(session(id), check.oneOf(format, 'format', ['session', 'perfetto', 'panic-report'] as const)),

    spans: async (q) => session(check.obj(q, 'query').session).spans(check.range(q)),
    events: async (q) => session(check.obj(q, 'query').session).events({ ...check.range(q), limit: check.int(q.limit, 'limit', 1, 100_000) }),
    eventDetail: async (id, seq) => session(id).eventDetail(check.int(seq, 'seq', 0, Number.MAX_SAFE_INTEGER)),
    jump: async (q) => {
      const j = check.obj(q, 'query');
      return session(j.session).jump({
        session: String(j.session), t: check.num(j.t, 't'),
        cpu: j.cpu === null ? null : check.int(j.cpu, 'cpu', 0, 255),
        target: check.oneOf(j.target, 'target', ['event', 'fault', 'privilege', 'lock', 'panic'] as const),
        direction: check.oneOf(j.direction, 'direction', [1, -1] as const),
      });
    },

    stateAt: async (id, t) => session(id).stateAt(check.num(t, 't')),
    step: async (q) => {
      const s = check.obj(q, 'query');
      const view = session(s.session);
      const t = check.num(s.t, 't');
      const direction = check.oneOf(s.direction, 'direction', [1, -1] as const);
      const unit = check.oneOf(s.unit, 'unit', ['instruction', 'event'] as const);
      // One instruction of the selected CPU; an "event" step is one clock tick of the machine.
      if (unit === 'instruction') return view.stepInstruction(t, check.int(s.cpu, 'cpu', 0, 255), direction);
      return t + direction;
    },

    symbolize: async (id, addr, program) => session(id).symbolInfo(check.str(addr, 'addr', 18), check.optionalStr(program, 'program', 64)),
    source: async (id, file) => session(id).source(check.str(file, 'file', 4096)),

    bookmarks: async (id) => session(id).bookmarks(),
    addBookmark: async (id, b) => {
      const x = check.obj(b, 'bookmark');
      return session(id).addBookmark({ t: check.num(x.t, 't'), title: check.str(x.title, 'title', 4096), note: check.str(x.note, 'note', 100_000) });
    },
    updateBookmark: async (id, b) => {
      const x = check.obj(b, 'bookmark');
      return session(id).updateBookmark({
        id: check.int(x.id, 'id', 0, Number.MAX_SAFE_INTEGER), t: check.num(x.t, 't'),
        title: check.str(x.title, 'title', 4096), note: check.str(x.note, 'note', 100_000),
      });
    },
    removeBookmark: async (id, bookmark) => session(id).removeBookmark(check.int(bookmark, 'id', 0, Number.MAX_SAFE_INTEGER)),

    ...inspectServices(session),

    onRun: (listener) => {
      runListeners.add(listener);
      return () => runListeners.delete(listener);
    },
    close: async () => {
      await Promise.all([...sessions.values()].map((s) => s.client.close()));
      sessions.clear();
    },
  };
}
