// Electron's main-process entry (built to out/main/index.js). Everything it does lives in
// main/electron/; this file only starts it.

import { startDesktopApp } from './electron/desktop_app.ts';

startDesktopApp();
