// The window's webPreferences, per Electron's security checklist: the page runs sandboxed and
// isolated from the preload, with no Node, no <webview>, no insecure content, no experimental or
// extra Blink features. Kept apart from the window code so a plain Node test can check them.

import type { WebPreferences } from 'electron';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A file dropped on the window must not replace the app's page.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // A middle click must not open a window either (new windows are denied anyway).
    disableBlinkFeatures: 'Auxclick',
  };
}
