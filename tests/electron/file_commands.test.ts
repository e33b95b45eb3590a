// The File menu's work on real session files with the real services: open a recorded file where
// it lies, bookmark it, Save back into that file, Save As a new one (leaving the first as it
// was), Export, the unsaved-changes question and its three answers, a vanished recent file,
// paths that are not session files. Electron's dialogs are answered by the
// test (Electron itself does not run here); everything else is the app's own code.

import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const answers = vi.hoisted(() => ({
  save: [] as (string | null)[],
  open: [] as (string | null)[],
  question: [] as number[],
  errors: [] as string[],
}));

vi.mock('electron', () => ({
  app: { getName: () => 'Faultline', getPath: () => '/nonexistent', addRecentDocument: () => undefined },
  BrowserWindow: { getFocusedWindow: () => null },
  dialog: {
    showSaveDialog: async () => {
      const path = answers.save.shift() ?? null;
      return path === null ? { canceled: true } : { canceled: false, filePath: path };
    },
    showOpenDialog: async () => {
      const path = answers.open.shift() ?? null;
      return path === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [path] };
    },
    showMessageBox: async () => ({ response: answers.question.shift() ?? 2 }),
    showErrorBox: (_title: string, message: string) => answers.errors.push(message),
  },
}));

import type { BrowserWindow } from 'electron';
import type { SessionInfo } from '../../preload/api.ts';
import { SOURCE_GUEST_BUILD } from '../../main/session/guest_build.ts';
import { createServices, type Services } from '../../main/services.ts';
import type { AppCommand } from '../../preload/api.ts';
import type { PageCommands } from '../../main/electron/app_command.ts';
import { FileCommands } from '../../main/electron/file_commands.ts';
import { OpenSessions } from '../../main/electron/open_sessions.ts';
import { defaultWindowState, type WindowState } from '../../main/electron/window_state.ts';
import { recordThroughServer, tempDir } from './fixtures/recorded_run.ts';

describe('File menu', () => {
  let recorded: string;
  let services: Services;
  let sessions: OpenSessions;
  let state: WindowState;
  let sent: AppCommand[];
  let files: FileCommands;
  let dir: string;

  beforeAll(async () => {
    recorded = join(tempDir(), 'program.flt');
    await recordThroughServer(recorded, 40, 2_000_000);
  });

  beforeEach(() => {
    dir = tempDir();
    services = createServices({ libraryDir: join(dir, 'library'), mode: 'electron', guestBuildDir: SOURCE_GUEST_BUILD });
    sessions = new OpenSessions();
    state = defaultWindowState();
    sent = [];
    answers.save = [];
    answers.open = [];
    answers.question = [];
    answers.errors = [];
    const page = { send: (c: AppCommand) => sent.push(c) } as unknown as PageCommands;
    files = new FileCommands({ window: () => ({}) as BrowserWindow, page, services, sessions, state, stateChanged: () => undefined });
  });

  afterEach(async () => services.close());

  async function bookmarkIt(info: SessionInfo, note: string): Promise<void> {
    await services.addBookmark(info.id, { t: info.tStart, title: 'CPU 0', note });
    sessions.observe('addBookmark', [info.id], undefined);
  }

  it('opens a file through the dialog, shows it, and remembers it', async () => {
    const path = join(dir, 'mine.flt');
    copyFileSync(recorded, path);
    answers.open.push(path);
    await files.open();
    expect(answers.errors).toEqual([]);
    const shown = sent.find((c) => c.kind === 'show-session');
    expect(shown).toBeDefined();
    expect(sessions.current?.events).toBeGreaterThan(0);
    expect(sessions.fileOf(sessions.current!.id)).toBe(path);
    expect(state.recent).toEqual([path]);
    expect(state.lastFolder).toBe(dir);
    // Opened where it lies: the library holds no copy of it.
    expect(readdirSync(join(dir, 'library', 'opened'))).toEqual([]);
  });

  it('saves bookmarks back into the file it was opened from', async () => {
    const path = join(dir, 'mine.flt');
    copyFileSync(recorded, path);
    const info = await files.openPath(path);
    await bookmarkIt(info, 'the fault');
    expect(sessions.unsaved()).toHaveLength(1);
    await files.save();
    expect(answers.errors).toEqual([]);
    expect(sessions.unsaved()).toEqual([]);
    expect(sent.at(-1)).toMatchObject({ kind: 'show-session', session: { id: info.id, dirty: false } });

    const again = await files.openPath(path);
    expect((await services.bookmarks(again.id)).map((b) => b.note)).toEqual(['the fault']);
  });

  it('saves under a new name with Save As, which then becomes the file Save writes; the first file stays as it was', async () => {
    const first = copyOf(recorded, join(dir, 'first.flt'));
    const before = readFileSync(first);
    const info = await files.openPath(first);
    await bookmarkIt(info, 'in the copy');
    const second = join(dir, 'second.flt');
    answers.save.push(second);
    await files.saveAs();
    expect(answers.errors).toEqual([]);
    expect(existsSync(second)).toBe(true);
    expect(readFileSync(first).equals(before)).toBe(true);
    expect(sessions.fileOf(info.id)).toBe(second);
    expect(state.recent).toEqual([second, first]);
    expect(sent.at(-1)).toMatchObject({ kind: 'show-session', session: { id: info.id, name: 'second.flt', dirty: false } });
    // The page keeps its session: the same id now reads the new file.
    expect((await services.bookmarks(info.id)).map((b) => b.note)).toEqual(['in the copy']);

    await bookmarkIt(info, 'then saved');
    await files.save();
    expect(readFileSync(first).equals(before)).toBe(true);
    const reopened = await services.openFile(second);
    expect((await services.bookmarks(reopened.id)).map((b) => b.note)).toEqual(['in the copy', 'then saved']);
  });

  it('gives a name typed without the extension the .flt a session file has', async () => {
    const info = await files.openPath(copyOf(recorded, join(dir, 'plain.flt')));
    answers.save.push(join(dir, 'typed'));
    await files.saveAs();
    expect(answers.errors).toEqual([]);
    expect(sessions.fileOf(info.id)).toBe(join(dir, 'typed.flt'));
    expect(existsSync(join(dir, 'typed.flt'))).toBe(true);
  });

  it('opens only absolute paths to .flt files, and says what is wrong with any other', async () => {
    writeFileSync(join(dir, 'notes.flt'), 'not a database');
    writeFileSync(join(dir, 'notes.txt'), 'text');
    await expect(services.openFile('relative/run.flt')).rejects.toThrow('not an absolute path');
    await expect(services.openFile(join(dir, 'notes.txt'))).rejects.toThrow('notes.txt is not a Faultline session file (.flt)');
    await expect(services.openFile(join(dir, 'missing.flt'))).rejects.toThrow('missing.flt: no such file');
    await expect(services.openFile(join(dir, 'notes.flt'))).rejects.toThrow(/^notes\.flt: not a Faultline session/);
    await expect(services.openFile(dir + '.flt')).rejects.toThrow();
    await expect(services.openFile(42 as unknown as string)).rejects.toThrow('path');
  });

  it('asks before closing a session with unsaved bookmarks: Cancel keeps it, Don’t Save closes it', async () => {
    const info = await files.openPath(copyOf(recorded, join(dir, 'c.flt')));
    await bookmarkIt(info, 'unsaved');
    answers.question.push(2);
    await files.close();
    expect(sessions.current?.id).toBe(info.id);
    answers.question.push(1);
    await files.close();
    expect(sessions.current).toBeNull();
    expect(sent.at(-1)).toEqual({ kind: 'session-closed', session: info.id });
    await expect(services.bookmarks(info.id)).rejects.toThrow('not open');
  });

  it('on “Save” asks for a name when the session has no file yet; cancelling that cancels the close', async () => {
    const info = await services.openSession({ from: 'bytes', name: 'from-page.flt', bytes: new Uint8Array(readFileSync(recorded)) });
    sessions.observe('openSession', [], info);
    await bookmarkIt(info, 'keep me');
    const target = join(dir, 'named.flt');
    answers.question.push(0);
    answers.save.push(target);
    expect(await files.settleUnsaved(sessions.unsaved())).toBe(true);
    expect(sessions.fileOf(info.id)).toBe(target);
    expect(sessions.unsaved()).toEqual([]);

    const fresh = await services.openSession({ from: 'bytes', name: 'unnamed.flt', bytes: new Uint8Array(readFileSync(recorded)) });
    sessions.observe('openSession', [], fresh);
    await bookmarkIt(fresh, 'never named');
    answers.question.push(0);
    answers.save.push(null);
    expect(await files.settleUnsaved(sessions.unsaved())).toBe(false);
  });

  it('asks nothing when nothing would be lost', async () => {
    answers.question.push(2);
    expect(await files.settleUnsaved([])).toBe(true);
    expect(answers.question).toEqual([2]);
  });

  it('exports a Perfetto trace and a report to the files chosen', async () => {
    await files.openPath(copyOf(recorded, join(dir, 'e.flt')));
    answers.save.push(join(dir, 'e.trace.json'), join(dir, 'e.report.txt'));
    await files.exportAs('perfetto');
    await files.exportAs('panic-report');
    expect(answers.errors).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'e.trace.json'), 'utf8'))).toBeTypeOf('object');
    expect(readFileSync(join(dir, 'e.report.txt'), 'utf8').length).toBeGreaterThan(0);
  });

  it('drops a recent file that is gone, saying why', async () => {
    const gone = join(dir, 'gone.flt');
    state.recent = [gone];
    await files.openRecent(gone);
    expect(answers.errors[0]).toMatch(/gone\.flt|ENOENT/);
    expect(state.recent).toEqual([]);
  });
});

function copyOf(from: string, to: string): string {
  copyFileSync(from, to);
  return to;
}
