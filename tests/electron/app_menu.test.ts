// The application menu follows each platform's conventions and every item reaches its action.

import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate, type MenuActions } from '../../main/electron/app_menu.ts';
import { aboutDetail } from '../../main/electron/about.ts';

function recorder(): { calls: string[]; actions: MenuActions } {
  const calls: string[] = [];
  const actions: MenuActions = {
    newRun: () => calls.push('newRun'), open: () => calls.push('open'), openRecent: (p) => calls.push(`openRecent ${p}`),
    clearRecent: () => calls.push('clearRecent'), save: () => calls.push('save'), saveAs: () => calls.push('saveAs'),
    exportAs: (k) => calls.push(`export ${k}`), close: () => calls.push('close'), keyboardMap: () => calls.push('keyboardMap'),
    about: () => calls.push('about'),
  };
  return { calls, actions };
}

const items = (m: MenuItemConstructorOptions) => m.submenu as MenuItemConstructorOptions[];
const labels = (menu: MenuItemConstructorOptions[]) => menu.map((m) => m.label ?? m.role);

function find(menu: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  for (const m of menu) {
    if (m.id === id) return m;
    if (Array.isArray(m.submenu)) {
      try {
        return find(m.submenu, id);
      } catch {
        // not in this submenu
      }
    }
  }
  throw new Error(`no menu item ${id}`);
}

const click = (m: MenuItemConstructorOptions) => (m.click as () => void)();

describe('application menu', () => {
  const ctx = { appName: 'Faultline', recent: ['/home/ada/df.flt', '/home/ada/lock.flt'], developer: false };

  it('on macOS starts with the app menu (About, Hide, Quit) and has a Window menu', () => {
    const { actions } = recorder();
    const menu = appMenuTemplate({ ...ctx, platform: 'darwin' }, actions);
    expect(labels(menu)).toEqual(['Faultline', 'File', 'Edit', 'View', 'windowMenu', 'Help']);
    const appMenu = items(menu[0]!).map((m) => m.role ?? m.id ?? m.type);
    expect(appMenu).toEqual(['about', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(items(menu[1]!).some((m) => m.role === 'quit')).toBe(false);
    expect(items(menu[5]!).some((m) => m.id === 'about')).toBe(false);
  });

  it('on Windows ends File with Exit and puts About under Help', () => {
    const { actions } = recorder();
    const menu = appMenuTemplate({ ...ctx, platform: 'win32' }, actions);
    expect(labels(menu)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(items(menu[0]!).at(-1)).toMatchObject({ role: 'quit', label: 'Exit' });
    expect(items(menu[3]!).at(-1)).toMatchObject({ id: 'about' });
    expect(find(menu, 'keyboard-map').accelerator).toBe('F1');
  });

  it('on Linux ends File with Quit on Ctrl+Q', () => {
    const { actions } = recorder();
    const menu = appMenuTemplate({ ...ctx, platform: 'linux' }, actions);
    expect(items(menu[0]!).at(-1)).toMatchObject({ role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' });
  });

  it('uses CmdOrCtrl for the File shortcuts', () => {
    const { actions } = recorder();
    const menu = appMenuTemplate({ ...ctx, platform: 'linux' }, actions);
    expect(['new-run', 'open', 'save', 'save-as', 'close'].map((id) => find(menu, id).accelerator))
      .toEqual(['CmdOrCtrl+N', 'CmdOrCtrl+O', 'CmdOrCtrl+S', 'CmdOrCtrl+Shift+S', 'CmdOrCtrl+W']);
  });

  it('runs the action of each item', () => {
    const { calls, actions } = recorder();
    const menu = appMenuTemplate({ ...ctx, platform: 'linux' }, actions);
    for (const id of ['new-run', 'open', 'save', 'save-as', 'export-perfetto', 'export-report', 'close', 'keyboard-map', 'about']) {
      click(find(menu, id));
    }
    const recent = items(find(menu, 'open-recent'));
    click(recent[1]!);
    click(recent.at(-1)!);
    expect(calls).toEqual([
      'newRun', 'open', 'save', 'saveAs', 'export perfetto', 'export panic-report', 'close', 'keyboardMap', 'about',
      'openRecent /home/ada/lock.flt', 'clearRecent',
    ]);
    expect(recent.map((m) => m.label ?? m.type)).toEqual(['df.flt', 'lock.flt', 'separator', 'Clear Recent']);
  });

  it('says when there is nothing recent, and shows developer tools only unpackaged', () => {
    const { actions } = recorder();
    const empty = appMenuTemplate({ ...ctx, recent: [], platform: 'linux' }, actions);
    expect(items(find(empty, 'open-recent'))[0]).toMatchObject({ label: 'No Recent Sessions', enabled: false });
    expect(JSON.stringify(empty)).not.toContain('toggleDevTools');
    expect(JSON.stringify(appMenuTemplate({ ...ctx, developer: true, platform: 'linux' }, actions))).toContain('toggleDevTools');
  });
});

describe('About box', () => {
  it('names the app version and what it runs on', () => {
    const text = aboutDetail({ app: '0.1.0', electron: '45.5.0', chrome: '142.0', node: '22.20.0', v8: '14.2', os: 'linux 6.8' });
    for (const s of ['Version 0.1.0', 'Electron 45.5.0', 'Chromium 142.0', 'Node.js 22.20.0', 'V8 14.2', 'OS linux 6.8']) {
      expect(text).toContain(s);
    }
  });
});
