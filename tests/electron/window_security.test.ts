// The window's security settings, checked without Electron: webPreferences per Electron's
// checklist, the Content-Security-Policy, the app's origin, which built files app:// serves, and
// which links may leave for the user's browser.

import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isSameOrigin, trustedOrigin } from '../../main/electron/app_origin.ts';
import { contentSecurityPolicy } from '../../main/electron/content_security_policy.ts';
import { isAllowedExternalUrl } from '../../main/electron/external_links.ts';
import { isAllowedRequest } from '../../main/electron/request_policy.ts';
import { rendererFileFor } from '../../main/electron/renderer_files.ts';
import { secureWebPreferences } from '../../main/electron/web_preferences.ts';

describe('webPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs');

  it('isolate and sandbox the page, with no Node in it', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false,
      experimentalFeatures: false, webviewTag: false, navigateOnDragDrop: false,
    });
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('turn on no extra Blink features and load no extra script', () => {
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.additionalArguments).toBeUndefined();
    expect(Object.keys(prefs)).not.toContain('contextBridge');
  });
});

describe('Content-Security-Policy', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

  it('allows only the app’s own scripts and no network', () => {
    const d = directives(contentSecurityPolicy(null));
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'none'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy(null)).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:|\*/);
  });

  it('lets the dev server’s hot reload socket through, and only it', () => {
    const d = directives(contentSecurityPolicy('http://localhost:5173'));
    expect(d.get('connect-src')).toEqual(['http://localhost:5173', 'ws://localhost:5173']);
    expect(d.get('script-src')).toEqual(["'self'"]);
  });
});

describe('the app’s origin', () => {
  it('matches only app://faultline pages', () => {
    expect(isSameOrigin(APP_ENTRY_URL, APP_ORIGIN)).toBe(true);
    expect(isSameOrigin('app://faultline/assets/x.js?v=1#y', APP_ORIGIN)).toBe(true);
    expect(isSameOrigin('app://evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('file:///app/out/renderer/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('https://faultline/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('app://user:pw@faultline/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('not a url', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('', APP_ORIGIN)).toBe(false);
  });

  it('trusts a dev server only on this machine and only unpackaged', () => {
    expect(trustedOrigin(undefined, false)).toBe(APP_ORIGIN);
    expect(trustedOrigin('http://localhost:5173/', false)).toBe('http://localhost:5173');
    expect(trustedOrigin('http://localhost:5173/', true)).toBe(APP_ORIGIN);
    expect(() => trustedOrigin('http://example.com:5173/', false)).toThrow('not on this machine');
    expect(isSameOrigin('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

describe('files served on app://', () => {
  const dir = '/app/out/renderer';

  it('maps the page and its assets into the renderer folder', () => {
    expect(rendererFileFor(dir, 'app://faultline/')).toBe('/app/out/renderer/index.html');
    expect(rendererFileFor(dir, 'app://faultline/index.html')).toBe('/app/out/renderer/index.html');
    expect(rendererFileFor(dir, 'app://faultline/assets/index-abc.js?x=1')).toBe('/app/out/renderer/assets/index-abc.js');
  });

  it('keeps dot segments of the URL itself inside the folder', () => {
    expect(rendererFileFor(dir, 'app://faultline/../../main/index.js')).toBe('/app/out/renderer/main/index.js');
    expect(rendererFileFor(dir, 'app://faultline/%2e%2e/main/index.js')).toBe('/app/out/renderer/main/index.js');
  });

  it('refuses anything outside it, on another host, or of an unknown kind', () => {
    for (const url of [
 'app://faultline/assets/%2e%2e%2f%2e%2e%2fmain/index.js',
      'app://faultline/..%5c..%5cmain.js', 'app://other/index.html', 'file:///etc/passwd', 'app://faultline/a%00.js',
      'app://faultline/secrets.flt', 'app://faultline/%E0%A4%A',
    ]) expect(rendererFileFor(dir, url), url).toBeNull();
  });
});

describe('external links', () => {
  it('opens only allowlisted https pages', () => {
    expect(isAllowedExternalUrl('https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/faultline-app/faultline/issues')).toBe(true);
    for (const url of [
      'http://github.com/faultline-app/faultline', 'https://github.com/faultline-app/../evil/repo', 'https://github.com.evil.io/faultline-app/',
      'https://user@github.com/faultline-app/x', 'https://github.com:8443/faultline-app/x', 'file:///etc/passwd', 'javascript:alert(1)',
      'https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html.evil', 'smb://host/share', 'not a url',
    ]) expect(isAllowedExternalUrl(url), url).toBe(false);
  });
});

describe('requests leaving the app', () => {
  it('are its own origin’s, or local data, blob and devtools URLs', () => {
    expect(isAllowedRequest('app://faultline/assets/x.js', APP_ORIGIN)).toBe(true);
    expect(isAllowedRequest('blob:app://faultline/1234', APP_ORIGIN)).toBe(true);
    expect(isAllowedRequest('data:,', APP_ORIGIN)).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/index.html', APP_ORIGIN)).toBe(true);
    expect(isAllowedRequest('http://localhost:5173/src/main.ts', 'http://localhost:5173')).toBe(true);
    expect(isAllowedRequest('ws://localhost:5173/', 'http://localhost:5173')).toBe(true);
  });

  it('never anywhere else', () => {
    for (const url of ['https://example.com/', 'http://localhost:5173/', 'ws://127.0.0.1:9/', 'file:///etc/passwd', 'ftp://x/', 'app://other/', 'chrome-extension://x/', 'garbage']) {
      expect(isAllowedRequest(url, APP_ORIGIN), url).toBe(false);
    }
    expect(isAllowedRequest('ws://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAllowedRequest('https://example.com/', 'http://localhost:5173')).toBe(false);
  });
});
