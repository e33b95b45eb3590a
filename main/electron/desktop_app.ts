// The desktop app's life: one instance, the hardened window on the app's own origin, the API on
// IPC, the menu, files from the command line and the OS, the window state, and the question
// about unsaved changes before the window closes or the app quits.

import { join, resolve } from 'node:path';
import { app, Menu, type BrowserWindow } from 'electron';
import { createServices } from '../services.ts';
import { APP_ENTRY_URL, trustedOrigin } from './app_origin.ts';
import { appMenuTemplate } from './app_menu.ts';
import { registerAppScheme, serveRenderer } from './app_protocol.ts';
import { sessionFilesIn } from './command_line.ts';
import { FileCommands } from './file_commands.ts';
import { applyDevServerPolicy, blockRemoteContent, denyPermissions, hardenWebContents } from './hardening.ts';
import { registerApiHandlers } from './ipc_handlers.ts';
import { createMainWindow, windowPlacement } from './main_window.ts';
import { OpenSessions } from './open_sessions.ts';
import { readWindowState, writeWindowState } from './window_state.ts';

const APP_NAME = 'Faultline';

export function startDesktopApp(): void {
  app.setName(APP_NAME);
  // A separate profile (window state, recordings) for portable use and for tests.
  const profile = app.commandLine.getSwitchValue('user-data-dir');
  if (profile !== '') app.setPath('userData', resolve(profile));
  registerAppScheme();
  // Every renderer sandboxed, whatever options a window is given.
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    // A second start hands its files to the first (second-instance below) and leaves.
    app.quit();
    return;
  }
  hardenWebContents();

  const waitingFiles = sessionFilesIn(process.argv.slice(1), process.cwd());
  let commands: FileCommands | null = null;
  const openFiles = (paths: readonly string[]) => {
    if (commands === null) waitingFiles.push(...paths);
    else for (const p of paths) commands.openRecent(p);
  };
  // macOS: double-clicked files and files dropped on the Dock icon, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFiles([path]);
  });

  void app.whenReady().then(() => {
    const devServer = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
    const origin = trustedOrigin(devServer, app.isPackaged);
    denyPermissions();
    blockRemoteContent(origin);
    if (devServer === undefined) serveRenderer(join(app.getAppPath(), 'out', 'renderer'));
    else applyDevServerPolicy(origin);

    const stateFile = join(app.getPath('userData'), 'window-state.json');
    const state = readWindowState(stateFile);
    const services = createServices({ libraryDir: join(app.getPath('userData'), 'sessions'), mode: 'electron' });
    const sessions = new OpenSessions();
    const win = createMainWindow(state, join(app.getAppPath(), 'out', 'preload', 'index.cjs'), APP_NAME);
    registerApiHandlers({ services, origin, sessions }, win);

    const buildMenu = () => Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(
      { platform: process.platform, appName: APP_NAME, recent: state.recent, developer: !app.isPackaged }, files)));
    const files: FileCommands = new FileCommands({
      win, services, sessions, state,
      stateChanged: () => {
        writeWindowState(stateFile, state);
        buildMenu();
      },
    });
    buildMenu();

    app.on('second-instance', (_event, argv, cwd) => {
      if (win.isMinimized()) win.restore();
      win.focus();
      openFiles(sessionFilesIn(argv.slice(1), cwd));
    });

    closeOnlyWhenSettled(win, files, sessions, () => {
      Object.assign(state, windowPlacement(win));
      writeWindowState(stateFile, state);
    });
    app.on('window-all-closed', () => app.quit());
    app.on('will-quit', () => void services.close());

    void win.loadURL(devServer ?? APP_ENTRY_URL);
    win.webContents.once('did-finish-load', () => {
      commands = files;
      openFiles(waitingFiles.splice(0));
    });
  });
}

/** The window closes (and the app quits) only once unsaved changes were saved or let go. */
function closeOnlyWhenSettled(win: BrowserWindow, files: FileCommands, sessions: OpenSessions, beforeClose: () => void): void {
  let settled = false;
  win.on('close', (event) => {
    if (settled) return beforeClose();
    event.preventDefault();
    void files.settleUnsaved(sessions.unsaved()).then((go) => {
      if (!go) return;
      settled = true;
      win.close();
    });
  });
}
