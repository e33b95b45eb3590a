// The application menu, per platform convention: on macOS the app menu comes first (About, Hide,
// Quit) and Window is standard; elsewhere File ends with Exit/Quit and About sits under Help.
// Shortcuts are CmdOrCtrl so each platform gets its own modifier. Built as a plain template so a
// Node test can check it; menu_glue.ts hands it to Electron.

import { basename } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';

export type ExportKind = 'perfetto' | 'panic-report';

export interface MenuActions {
  newRun(): void;
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  save(): void;
  saveAs(): void;
  exportAs(kind: ExportKind): void;
  close(): void;
  keyboardMap(): void;
  about(): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  appName: string;
  recent: readonly string[];
  /** Developer tools and reload only where the app is not packaged. */
  developer: boolean;
}

function fileMenu(ctx: MenuContext, act: MenuActions): MenuItemConstructorOptions {
  const recent: MenuItemConstructorOptions[] = ctx.recent.length === 0
    ? [{ label: 'No Recent Sessions', enabled: false }]
    : ctx.recent.map((path) => ({ label: basename(path), toolTip: path, click: () => act.openRecent(path) }));
  const items: MenuItemConstructorOptions[] = [
    { id: 'new-run', label: 'New Run', accelerator: 'CmdOrCtrl+N', click: () => act.newRun() },
    { id: 'open', label: 'Open Session…', accelerator: 'CmdOrCtrl+O', click: () => act.open() },
    { id: 'open-recent', label: 'Open Recent', submenu: [
      ...recent, { type: 'separator' },
      { label: 'Clear Recent', enabled: ctx.recent.length > 0, click: () => act.clearRecent() },
    ] },
    { type: 'separator' },
    { id: 'save', label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => act.save() },
    { id: 'save-as', label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => act.saveAs() },
    { id: 'export', label: 'Export', submenu: [
      { id: 'export-perfetto', label: 'Perfetto / Chrome Trace…', click: () => act.exportAs('perfetto') },
      { id: 'export-report', label: 'Panic Report…', click: () => act.exportAs('panic-report') },
    ] },
    { type: 'separator' },
    { id: 'close', label: 'Close', accelerator: 'CmdOrCtrl+W', click: () => act.close() },
  ];
  if (ctx.platform !== 'darwin') {
    items.push({ type: 'separator' }, ctx.platform === 'win32'
      ? { role: 'quit', label: 'Exit' }
      : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' });
  }
  return { label: 'File', submenu: items };
}

function viewMenu(ctx: MenuContext): MenuItemConstructorOptions {
  const developer: MenuItemConstructorOptions[] = ctx.developer
    ? [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  return { label: 'View', submenu: [
    ...developer,
    { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
  ] };
}

function helpMenu(ctx: MenuContext, act: MenuActions): MenuItemConstructorOptions {
  const items: MenuItemConstructorOptions[] = [
    { id: 'keyboard-map', label: 'Keyboard Map', accelerator: ctx.platform === 'darwin' ? 'Cmd+/' : 'F1', click: () => act.keyboardMap() },
  ];
  if (ctx.platform !== 'darwin') items.push({ type: 'separator' }, { id: 'about', label: `About ${ctx.appName}`, click: () => act.about() });
  return { role: 'help', label: 'Help', submenu: items };
}

export function appMenuTemplate(ctx: MenuContext, act: MenuActions): MenuItemConstructorOptions[] {
  const edit: MenuItemConstructorOptions = { label: 'Edit', submenu: [
    { role: 'undo' }, { role: 'redo' }, { type: 'separator' },
    { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' },
  ] };
  if (ctx.platform === 'darwin') {
    return [
      { label: ctx.appName, submenu: [
        { id: 'about', label: `About ${ctx.appName}`, click: () => act.about() },
        { type: 'separator' }, { role: 'services' }, { type: 'separator' },
        { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' },
      ] },
      fileMenu(ctx, act), edit, viewMenu(ctx),
      { role: 'windowMenu' },
      helpMenu(ctx, act),
    ];
  }
  return [fileMenu(ctx, act), edit, viewMenu(ctx), helpMenu(ctx, act)];
}
