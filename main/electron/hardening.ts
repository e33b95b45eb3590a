// Electron's security checklist for everything not in the window's own options: no navigation
// away from the app's page, no new windows (allowlisted links go to the user's browser instead),
// no <webview>, every permission request denied, no request leaving for anywhere but the app's
// own origin, and on the dev server the same CSP as the app.

import { app, session, shell, type Session } from 'electron';
import { contentSecurityPolicy } from './content_security_policy.ts';
import { isAllowedExternalUrl } from './external_links.ts';
import { isAllowedRequest } from './request_policy.ts';

export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    // The app is one page: a link, a dropped file or a script must not replace it.
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

export function denyPermissions(target: Session = session.defaultSession): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
  target.setDevicePermissionHandler(() => false);
}

export function blockRemoteContent(origin: string, target: Session = session.defaultSession): void {
  target.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url, origin) }));
}

/** `electron-vite dev` only: the dev server sends no CSP of its own. */
export function applyDevServerPolicy(devServerOrigin: string, target: Session = session.defaultSession): void {
  const csp = contentSecurityPolicy(devServerOrigin);
  target.webRequest.onHeadersReceived({ urls: [`${devServerOrigin}/*`] }, (details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}
