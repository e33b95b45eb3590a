// The one window: created hidden and shown once painted, placed where it was last (if that place
// is still on a display), with the hardened webPreferences. Its size and place are written back
// to the window state as they change, so a crash does not lose them.

import { BrowserWindow, screen } from 'electron';
import { DEFAULT_SIZE, MIN_SIZE, placeOnDisplays, type Bounds, type WindowState } from './window_state.ts';
import { secureWebPreferences } from './web_preferences.ts';

export function createMainWindow(state: WindowState, preloadPath: string, title: string): BrowserWindow {
  const bounds = placeOnDisplays(state.bounds, screen.getAllDisplays().map((d) => d.workArea));
  // Electronegativity reads only literal options here; secureWebPreferences() holds them and
  // tests/electron/window_security.test.ts checks them.
  const win = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title,
    show: false,
    backgroundColor: '#101216',
    webPreferences: secureWebPreferences(preloadPath),
  });
  // The title names the session in view (window_title.ts), not the page's <title>.
  win.on('page-title-updated', (e) => e.preventDefault());
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  return win;
}

/** Calls `save` with the window's placement a moment after it was last moved or resized. */
export function followPlacement(win: BrowserWindow, save: (placement: ReturnType<typeof windowPlacement>) => void): void {
  let timer: NodeJS.Timeout | undefined;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => !win.isDestroyed() && save(windowPlacement(win)), 500);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('close', () => {
    clearTimeout(timer);
    save(windowPlacement(win));
  });
}

/** The window's normal (unmaximised) bounds and maximised flag, for the window state. */
export function windowPlacement(win: BrowserWindow): { bounds: Bounds; maximized: boolean } {
  const b = win.getNormalBounds();
  return {
    bounds: {
      x: Math.round(b.x), y: Math.round(b.y),
      width: Math.max(MIN_SIZE.width, Math.round(b.width)), height: Math.max(MIN_SIZE.height, Math.round(b.height)),
    },
    maximized: win.isMaximized(),
  };
}
