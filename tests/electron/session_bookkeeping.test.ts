// The main process's own state about session files: which are open and unsaved, the question
// asked before they are lost, files named on the command line, and how files are read and saved.

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../preload/api.ts';
import { sessionFilesIn } from '../../main/electron/command_line.ts';
import { OpenSessions } from '../../main/electron/open_sessions.ts';
import { writeFileAtomically } from '../../main/electron/session_files.ts';
import { unsavedPrompt } from '../../main/electron/unsaved_prompt.ts';
import { windowTitle } from '../../main/electron/window_title.ts';

const info = (id: string, more: Partial<SessionInfo> = {}): SessionInfo => ({
  id, name: `${id}.flt`, scenarioId: null, cmdline: '', cpus: 2, tStart: 0, tEnd: 10, events: 5, outcome: null,
  live: false, dirty: false, locks: [], ...more,
});

describe('open sessions', () => {
  it('follows the current session, its file, and its unsaved changes', () => {
    const s = new OpenSessions();
    s.observe('openSession', [], info('s1'));
    s.observe('openSession', [], info('s2'));
    expect(s.current?.id).toBe('s2');
    s.observe('removeBookmark', ['s1', 3], undefined);
    expect(s.unsaved().map((x) => x.id)).toEqual(['s1']);
    s.savedTo(info('s1', { name: 'renamed.flt', dirty: true }), '/home/ada/renamed.flt');
    expect(s.fileOf('s1')).toBe('/home/ada/renamed.flt');
    expect(s.unsaved()).toEqual([]);
    expect(s.current?.id).toBe('s2');
    s.observe('closeSession', ['s2'], undefined);
    expect(s.current).toBeNull();
    expect(s.fileOf('s2')).toBeNull();
  });

  it('lists every open session, so all can be let go when the page goes', () => {
    const s = new OpenSessions();
    s.observe('openSession', [], info('s1'));
    s.observe('openSession', [], info('s2', { dirty: true }));
    expect(s.ids()).toEqual(['s1', 's2']);
    for (const id of s.ids()) s.forget(id);
    expect(s.ids()).toEqual([]);
    expect(s.current).toBeNull();
    expect(s.unsaved()).toEqual([]);
  });

  it('counts a run still recording as unsaved, until its progress says it ended', () => {
    const s = new OpenSessions();
    s.observe('startRun', [], { session: info('s3', { live: true }) });
    s.observe('startRun', [], { session: null });
    expect(s.unsaved().map((x) => x.id)).toEqual(['s3']);
    s.observeRun({ session: null });
    expect(s.unsaved().map((x) => x.id)).toEqual(['s3']);
    s.observeRun({ session: info('s3', { live: false }) });
    expect(s.unsaved()).toEqual([]);
  });
});

describe('the unsaved-changes question', () => {
  it('is not asked when nothing would be lost', () => {
    expect(unsavedPrompt([])).toBeNull();
  });

  it('names the sessions, offers Save / Don’t Save / Cancel, and says a live run is cut short', () => {
    const p = unsavedPrompt([info('a', { dirty: true }), info('b', { live: true })])!;
    expect(p.message).toBe('Save the changes to 2 sessions?');
    expect(p.detail).toContain('a.flt');
    expect(p.detail).toContain('b.flt (still recording)');
    expect(p.detail).toContain('cut short');
    expect(p.buttons).toEqual(['Save', "Don't Save", 'Cancel']);
    expect(p.choices[p.cancelId]).toBe('cancel');
    expect(p.choices[p.defaultId]).toBe('save');
    expect(unsavedPrompt([info('a', { dirty: true })])!.message).toBe('Save the changes to a.flt?');
  });
});

describe('files on the command line', () => {
  it('takes .flt arguments, made absolute, and skips switches and other files', () => {
    expect(sessionFilesIn(['--inspect=0', 'runs/df.flt', '/abs/lock.FLT', 'notes.txt', '--enable-logging'], '/home/ada'))
      .toEqual(['/home/ada/runs/df.flt', '/abs/lock.FLT']);
    expect(sessionFilesIn(['.'], '/x')).toEqual([]);
  });
});

describe('files written at user paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-files-'));

  it('replaces a file whole, leaving no temporary behind', () => {
    const path = join(dir, 'saved.flt');
    writeFileSync(path, 'old');
    writeFileAtomically(path, new TextEncoder().encode('new contents'));
    expect(readFileSync(path, 'utf8')).toBe('new contents');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('the window title', () => {
  it('names the session in view, marking unsaved changes where the platform has no mark of its own', () => {
    expect(windowTitle('Faultline', null, 'linux')).toBe('Faultline');
    expect(windowTitle('Faultline', info('s1'), 'linux')).toBe('s1.flt — Faultline');
    expect(windowTitle('Faultline', info('s1', { dirty: true }), 'win32')).toBe('• s1.flt — Faultline');
    expect(windowTitle('Faultline', info('s1', { dirty: true }), 'darwin')).toBe('s1.flt — Faultline');
  });

  it('follows every change to the sessions', () => {
    let changes = 0;
    const s = new OpenSessions(() => changes++);
    s.observe('openSession', [], info('s1'));
    s.observe('addBookmark', ['s1'], undefined);
    s.savedTo(info('s1'), '/x/s1.flt');
    s.observe('closeSession', ['s1'], undefined);
    expect(changes).toBe(4);
  });
});
