// The services behind `window.faultline`: one object implementing every call of the API over
// the session layer and the emulator host. Electron's main process registers it on IPC and the
// browser-mode server on its WebSocket; neither adds behaviour of its own.

import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  FaultlineCalls,
  RecentSession,
  RunProgress,
  Unsubscribe,
} from '../preload/api.ts';
import pkg from '../package.json' with { type: 'json' };

export interface ServicesOptions {
  /** Where recordings are written and where "recent sessions" are listed from. */
  libraryDir: string;
  mode: 'electron' | 'browser';
}

export interface Services extends FaultlineCalls {
  onRun(listener: (progress: RunProgress) => void): Unsubscribe;
  close(): Promise<void>;
}

const NOT_YET = 'this build cannot read session files yet';

export function createServices(options: ServicesOptions): Services {
  mkdirSync(options.libraryDir, { recursive: true });
  const runListeners = new Set<(p: RunProgress) => void>();
  const unavailable = async (): Promise<never> => {
    throw new Error(NOT_YET);
  };

  return {
    appInfo: async () => ({ mode: options.mode, version: pkg.version }),
    scenarios: async () => [],
    recentSessions: async (): Promise<RecentSession[]> =>
      readdirSync(options.libraryDir)
        .filter((name) => name.endsWith('.flt'))
        .map((name) => {
          const st = statSync(join(options.libraryDir, name));
          return { key: name, name, bytes: st.size, modified: st.mtimeMs };
        })
        .sort((a, b) => b.modified - a.modified),
    startRun: unavailable,
    pauseRun: unavailable,
    resumeRun: unavailable,
    stopRun: unavailable,
    openSession: unavailable,
    closeSession: unavailable,
    saveSession: unavailable,
    verifySession: unavailable,
    exportSession: unavailable,
    spans: unavailable,
    events: unavailable,
    eventDetail: unavailable,
    jump: unavailable,
    stateAt: unavailable,
    step: unavailable,
    symbolize: unavailable,
    source: unavailable,
    bookmarks: unavailable,
    addBookmark: unavailable,
    updateBookmark: unavailable,
    removeBookmark: unavailable,
    onRun: (listener) => {
      runListeners.add(listener);
      return () => runListeners.delete(listener);
    },
    close: async () => {},
  };
}
