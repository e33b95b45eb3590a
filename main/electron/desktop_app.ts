// The desktop app's life: one instance, the hardened window on the app's own origin, the API on
// IPC, runs in the emulator host utility process, the menu, files from the command line and the
// OS, the window state, and the question about unsaved changes before the window closes. On macOS the app outlives its window, as apps
// there do, and a new window opens from the Dock or the File menu.

import { join, resolve } from 'node:path';
import { app, dialog, Menu, type BrowserWindow } from 'electron';
import { createServices } from '../services.ts';
import { PageCommands } from './app_command.ts';
import { APP_ENTRY_URL, trustedOrigin } from './app_origin.ts';
import { appMenuTemplate } from './app_menu.ts';
import { registerAppScheme, serveRenderer } from './app_protocol.ts';
import { sessionFilesIn } from './command_line.ts';
import { FileCommands } from './file_commands.ts';
import { applyDevServerPolicy, blockRemoteContent, denyPermissions, hardenWebContents } from './hardening.ts';
import { registerApiHandlers } from './ipc_handlers.ts';
import { createMainWindow, followPlacement } from './main_window.ts';
import { OpenSessions } from './open_sessions.ts';
import { utilityEmulatorHost } from './utility_emulator_host.ts';
import { windowTitle } from './window_title.ts';
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
  let files: FileCommands | null = null;
  const openFiles = (paths: readonly string[]) => {
    if (files === null) waitingFiles.push(...paths);
    else for (const p of paths) void files.openRecent(p);
  };
  // macOS: double-clicked files and files dropped on the Dock icon, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFiles([path]);
  });

  void app.whenReady().then(() => {
    // The build (out/) and the guest kernel (emulator/guest/build/) sit at the app's root, packaged or not.
    const root = app.getAppPath();
    const devServer = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
    const origin = trustedOrigin(devServer, app.isPackaged);
    denyPermissions();
    blockRemoteContent(origin);
    if (devServer === undefined) serveRenderer(join(root, 'out', 'renderer'));
    else applyDevServerPolicy(origin);

    const stateFile = join(app.getPath('userData'), 'window-state.json');
    const state = readWindowState(stateFile);
    const saveState = () => writeWindowState(stateFile, state);
    const host = utilityEmulatorHost(join(root, 'out', 'main', 'emulator_host_process.js'));
    const services = createServices({
      libraryDir: join(app.getPath('userData'), 'sessions'), mode: 'electron',
      record: (req) => host.record(req), guestBuildDir: join(root, 'emulator', 'guest', 'build'),
    });
    let win: BrowserWindow | null = null;
    const sessions: OpenSessions = new OpenSessions(() => {
      if (win === null) return;
      const current = sessions.current;
      win.setTitle(windowTitle(APP_NAME, current, process.platform));
      if (process.platform === 'darwin') {
        win.setDocumentEdited(current?.dirty ?? false);
        win.setRepresentedFilename(current === null ? '' : (sessions.fileOf(current.id) ?? ''));
      }
    });
    const page = new PageCommands();
    // Set by Quit: once the window has closed (after the unsaved-changes question), the app
    // goes too, on macOS as well. Cleared when the question is cancelled.
    let quitting = false;
    app.on('before-quit', () => (quitting = true));

    const openWindow = (): BrowserWindow => {
      const w = createMainWindow(state, join(root, 'out', 'preload', 'index.cjs'), APP_NAME);
      win = w;
      page.attach(w.webContents);
      followPlacement(w, (placement) => {
        Object.assign(state, placement);
        saveState();
      });
      closeOnlyWhenSettled(w, commands, sessions, () => (quitting = false));
      // The page's state goes with it: so do the sessions it had open.
      const forgetPage = () => {
        for (const id of sessions.ids()) {
          sessions.forget(id);
          void services.closeSession(id).catch(() => undefined);
        }
      };
      w.on('closed', () => {
        if (win === w) win = null;
        forgetPage();
        if (quitting) app.quit();
      });
      w.webContents.on('render-process-gone', (_event, details) => {
        if (details.reason === 'clean-exit') return;
        forgetPage();
        w.reload();
      });
      void w.loadURL(devServer ?? APP_ENTRY_URL);
      return w;
    };

    const buildMenu = () => Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(
      { platform: process.platform, appName: APP_NAME, recent: state.recent, developer: !app.isPackaged }, commands)));
    const commands: FileCommands = new FileCommands({
      window: () => win ?? openWindow(), page, services, sessions, state,
      stateChanged: () => {
        saveState();
        buildMenu();
      },
    });
    registerApiHandlers({ services, origin, sessions }, () => win?.webContents ?? null);
    buildMenu();
    openWindow();
    files = commands;
    openFiles(waitingFiles.splice(0));

    app.on('second-instance', (_event, argv, cwd) => {
      const w = win ?? openWindow();
      if (w.isMinimized()) w.restore();
      w.focus();
      openFiles(sessionFilesIn(argv.slice(1), cwd));
    });
    app.on('activate', () => {
      if (win === null) openWindow();
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('will-quit', () => {
      void services.close();
      host.dispose();
    });
  }).catch((err: unknown) => {
    // Nothing to show a window for (a bad dev server, an unreadable profile): say so and leave.
    dialog.showErrorBox(`${APP_NAME} could not start`, err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}

/** The window closes only once unsaved changes were saved or let go. */
function closeOnlyWhenSettled(win: BrowserWindow, files: FileCommands, sessions: OpenSessions, cancelled: () => void): void {
  let settled = false;
  win.on('close', (event) => {
    if (settled) return;
    event.preventDefault();
    void files.settleUnsaved(sessions.unsaved()).then((go) => {
      if (!go) return cancelled();
      settled = true;
      win.close();
    });
  });
}
