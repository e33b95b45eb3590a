// Runs and session files: starting a scenario, following its progress, opening, saving,
// exporting, bookmarks. Each action reports failure in the banner and leaves the app usable.

import type { ExportFormat, OpenRequest, RunOptions, RunProgress, SessionInfo } from '../../../preload/api.ts';
import { api } from './api.ts';
import { app, reportError } from './app_state.svelte.ts';
import { requestPass } from './frame_scheduler.ts';
import { resetTimeTravel, seek, setViewport } from './navigation.ts';
import { timelineData } from './timeline_data.svelte.ts';

// Longest a session file sent from the page may be (the server enforces its own bound too).
const MAX_OPEN_BYTES = 256 * 1024 * 1024;

export async function loadHome(): Promise<void> {
  try {
    [app.scenarios, app.recent] = await Promise.all([api.scenarios(), api.recentSessions()]);
  } catch (err) {
    reportError(err);
  }
}

export function showSession(info: SessionInfo): void {
  const fresh = app.session?.id !== info.id;
  app.session = info;
  app.view = 'session';
  if (fresh) {
    resetTimeTravel();
    app.cpu = 0;
    app.bookmarks = [];
    setViewport(info.tStart, Math.max(info.tEnd, info.tStart + 1));
    seek(info.tStart);
    void api.bookmarks(info.id).then((b) => (app.bookmarks = b), reportError);
  }
  requestPass('data', 'timeline', 'overview');
}

export function onRunProgress(p: RunProgress): void {
  if (app.run !== null && app.run.runId !== p.runId) return;
  app.run = p;
  if (p.error !== null) app.error = p.error;
  if (p.session !== null) showSession(p.session);
  if (p.phase === 'finished' || p.phase === 'stopped' || p.phase === 'failed') void loadHome();
}

export async function startRun(options: RunOptions): Promise<void> {
  try {
    app.error = null;
    app.run = null;
    const p = await api.startRun(options);
    // The run's session shows when it ends; until then the session view shows its progress.
    app.session = null;
    resetTimeTravel();
    timelineData.clear();
    app.view = 'session';
    app.run = p;
    onRunProgress(p);
  } catch (err) {
    reportError(err);
  }
}

export async function controlRun(action: 'pause' | 'resume' | 'stop'): Promise<void> {
  const run = app.run;
  if (run === null) return;
  try {
    const call = action === 'pause' ? api.pauseRun : action === 'resume' ? api.resumeRun : api.stopRun;
    onRunProgress(await call(run.runId));
  } catch (err) {
    reportError(err);
  }
}

export async function openSession(request: OpenRequest): Promise<void> {
  try {
    app.error = null;
    const info = await api.openSession(request);
    app.run = null;
    showSession(info);
    app.notice = `opened ${info.name}`;
  } catch (err) {
    reportError(err);
  }
}

export async function openFile(file: File): Promise<void> {
  if (file.size > MAX_OPEN_BYTES) return reportError(new Error(`${file.name} is larger than 256 MiB`));
  const bytes = new Uint8Array(await file.arrayBuffer());
  await openSession({ from: 'bytes', name: file.name, bytes });
}

export async function saveSession(): Promise<void> {
  const s = app.session;
  if (s === null) return;
  try {
    app.session = await api.saveSession(s.id);
    app.notice = `saved ${app.session.name}`;
  } catch (err) {
    reportError(err);
  }
}

/** Hands an exported file to the browser as a download (Electron shows its save dialog). */
export async function exportSession(format: ExportFormat): Promise<void> {
  const s = app.session;
  if (s === null) return;
  try {
    const file = await api.exportSession(s.id, format);
    const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mime }));
    const a = document.createElement('a');
    a.href = url;
    a.download = file.fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    reportError(err);
  }
}

export async function addBookmark(note: string): Promise<void> {
  const s = app.session;
  if (s === null) return;
  try {
    const ev = app.selected !== null && app.selected.t === app.playhead ? ` · ${app.selected.title}` : '';
    const b = await api.addBookmark(s.id, { t: app.playhead, title: `CPU ${app.cpu}${ev}`, note });
    app.bookmarks = [...app.bookmarks, b].sort((x, y) => x.t - y.t);
    app.session = { ...s, dirty: true };
  } catch (err) {
    reportError(err);
  }
}

export async function removeBookmark(id: number): Promise<void> {
  const s = app.session;
  if (s === null) return;
  try {
    await api.removeBookmark(s.id, id);
    app.bookmarks = app.bookmarks.filter((b) => b.id !== id);
    app.session = { ...s, dirty: true };
  } catch (err) {
    reportError(err);
  }
}

export function jumpBookmark(direction: 1 | -1): void {
  const list = direction > 0 ? app.bookmarks : [...app.bookmarks].reverse();
  const b = list.find((x) => (direction > 0 ? x.t > app.playhead : x.t < app.playhead));
  if (b === undefined) {
    app.notice = 'no more bookmarks';
    return;
  }
  seek(b.t);
}

export function backToGallery(): void {
  app.view = 'gallery';
  void loadHome();
}

/** Decodes the whole file (every chunk, every checkpoint) and says what, if anything, is damaged. */
export async function verifySession(): Promise<void> {
  const s = app.session;
  if (s === null) return;
  try {
    app.notice = `verifying ${s.name}…`;
    const report = await api.verifySession(s.id);
    if (report.ok) app.notice = `${s.name}: verified, no damage found`;
    else {
      app.notice = null;
      app.error = `${s.name} is damaged:\n${report.problems.join('\n')}`;
    }
  } catch (err) {
    reportError(err);
  }
}
