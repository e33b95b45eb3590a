// The File and Help menus' work, done in the main process with native dialogs: open a session
// file where it lies (menu, recent list, command line, OS, second start), save its bookmarks
// back into it, save it under a new name, export it, close it, and ask before unsaved changes
// are lost. The page is told what changed through app commands.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { app, BrowserWindow, dialog } from 'electron';
import type { SessionInfo } from '../../preload/api.ts';
import type { Services } from '../services.ts';
import pkg from '../../package.json' with { type: 'json' };
import { aboutDetail } from './about.ts';
import type { PageCommands } from './app_command.ts';
import type { ExportKind, MenuActions } from './app_menu.ts';
import type { OpenSessions } from './open_sessions.ts';
import { withRecent, withoutRecent } from './recent_files.ts';
import { writeFileAtomically } from './session_files.ts';
import { unsavedPrompt } from './unsaved_prompt.ts';
import type { WindowState } from './window_state.ts';

const SESSION_FILTER = { name: 'Faultline session', extensions: ['flt'] };
const EXPORT_FILTERS: Record<ExportKind, { name: string; extensions: string[] }> = {
  'perfetto': { name: 'Perfetto / Chrome trace', extensions: ['json'] },
  'panic-report': { name: 'Panic report', extensions: ['txt'] },
};

export interface FileCommandsHost {
  /** The app's window, opened if there is none (macOS keeps the app running without one). */
  window(): BrowserWindow;
  page: PageCommands;
  services: Services;
  sessions: OpenSessions;
  state: WindowState;
  /** The recent list or last folder changed: save the state and rebuild the menu. */
  stateChanged(): void;
}

/** Menu actions that do work resolve when it is done (a failure shown in an error box). */
export class FileCommands implements MenuActions {
  constructor(private readonly host: FileCommandsHost) {}

  newRun(): void {
    this.host.window();
    this.host.page.send({ kind: 'new-run' });
  }

  open(): Promise<void> {
    return this.guard(async () => {
      const r = await dialog.showOpenDialog(this.host.window(), {
        title: 'Open Session', properties: ['openFile'], filters: [SESSION_FILTER],
        ...this.inLastFolder(),
      });
      if (!r.canceled && r.filePaths[0] !== undefined) await this.openPath(r.filePaths[0]);
    });
  }

  openRecent(path: string): Promise<void> {
    return this.guard(() => this.openPath(path));
  }

  clearRecent(): void {
    this.host.state.recent = [];
    this.host.stateChanged();
  }

  /** Opens a .flt from anywhere the user pointed at: a dialog, the recent list, the command line, the OS. */
  async openPath(path: string): Promise<SessionInfo> {
    const { services, sessions, state } = this.host;
    let info: SessionInfo;
    try {
      info = await services.openFile(path);
    } catch (err) {
      if (!existsSync(path)) {
        state.recent = withoutRecent(state.recent, path);
        this.host.stateChanged();
      }
      throw err;
    }
    sessions.remember(info);
    sessions.savedTo(info, path);
    this.remember(path);
    this.host.window();
    this.host.page.send({ kind: 'show-session', session: info });
    return info;
  }

  save(): Promise<void> {
    return this.guard(async () => {
      const current = this.host.sessions.current;
      if (current === null) return;
      const file = this.host.sessions.fileOf(current.id);
      if (file === null) await this.saveAsDialog(current);
      else await this.writeTo(current, file);
    });
  }

  saveAs(): Promise<void> {
    return this.guard(async () => {
      const current = this.host.sessions.current;
      if (current !== null) await this.saveAsDialog(current);
    });
  }

  exportAs(kind: ExportKind): Promise<void> {
    return this.guard(async () => {
      const current = this.host.sessions.current;
      if (current === null) return;
      const file = await this.host.services.exportSession(current.id, kind);
      const r = await dialog.showSaveDialog(this.host.window(), {
        title: 'Export', filters: [EXPORT_FILTERS[kind]], defaultPath: this.inLastFolder(file.fileName).defaultPath,
      });
      if (r.canceled || r.filePath === undefined) return;
      writeFileAtomically(r.filePath, file.bytes);
      this.host.state.lastFolder = dirname(r.filePath);
      this.host.stateChanged();
    });
  }

  close(): Promise<void> {
    return this.guard(async () => {
      const current = this.host.sessions.current;
      if (current === null) {
        BrowserWindow.getFocusedWindow()?.close();
        return;
      }
      if (!(await this.settleUnsaved([current]))) return;
      await this.host.services.closeSession(current.id);
      this.host.sessions.forget(current.id);
      this.host.page.send({ kind: 'session-closed', session: current.id });
    });
  }

  keyboardMap(): void {
    this.host.window();
    this.host.page.send({ kind: 'keyboard-map' });
  }

  about(): void {
    void dialog.showMessageBox(this.host.window(), {
      type: 'info', title: `About ${app.getName()}`, message: app.getName(), buttons: ['OK'],
      detail: aboutDetail({
        app: pkg.version, electron: process.versions.electron, chrome: process.versions.chrome,
        node: process.versions.node, v8: process.versions.v8, os: `${process.platform} ${process.getSystemVersion()}`,
      }),
    });
  }

  /**
   * Asks about `sessions` with unsaved changes; true when the caller may go on (saved, or the
   * user chose to discard), false when the user cancelled or a save failed.
   */
  async settleUnsaved(sessions: readonly SessionInfo[]): Promise<boolean> {
    const prompt = unsavedPrompt(sessions.filter((s) => s.dirty || s.live));
    if (prompt === null) return true;
    const r = await dialog.showMessageBox(this.host.window(), {
      type: 'warning', message: prompt.message, detail: prompt.detail, buttons: prompt.buttons,
      defaultId: prompt.defaultId, cancelId: prompt.cancelId, noLink: true,
    });
    const choice = prompt.choices[r.response] ?? 'cancel';
    if (choice === 'cancel') return false;
    if (choice === 'discard') return true;
    for (const s of sessions) {
      if (s.live) continue;
      const file = this.host.sessions.fileOf(s.id);
      const saved = file === null ? await this.saveAsDialog(s) : (await this.writeTo(s, file), true);
      if (!saved) return false;
    }
    return true;
  }

  private async saveAsDialog(session: SessionInfo): Promise<boolean> {
    const r = await dialog.showSaveDialog(this.host.window(), {
      title: 'Save Session As', filters: [SESSION_FILTER],
      defaultPath: this.inLastFolder(session.name.replace(/(\.flt)?$/i, '.flt')).defaultPath,
    });
    if (r.canceled || r.filePath === undefined) return false;
    // Some platforms' dialogs leave the extension to the app.
    await this.writeTo(session, /\.flt$/i.test(r.filePath) ? r.filePath : `${r.filePath}.flt`);
    return true;
  }

  /** The session with its bookmarks saved into `path`, from now on the session's own file. */
  private async writeTo(session: SessionInfo, path: string): Promise<void> {
    this.host.sessions.savedTo(await this.host.services.saveSessionAs(session.id, path), path);
    this.remember(path);
    const saved = this.host.sessions.current;
    if (saved?.id === session.id) this.host.page.send({ kind: 'show-session', session: saved });
  }

  private remember(path: string): void {
    this.host.state.recent = withRecent(this.host.state.recent, path);
    this.host.state.lastFolder = dirname(path);
    this.host.stateChanged();
    app.addRecentDocument(path);
  }

  private inLastFolder(fileName?: string): { defaultPath?: string } {
    const folder = this.host.state.lastFolder ?? app.getPath('documents');
    return { defaultPath: fileName === undefined ? folder : join(folder, fileName) };
  }

  private async guard(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      dialog.showErrorBox('Faultline', err instanceof Error ? err.message : String(err));
    }
  }
}
