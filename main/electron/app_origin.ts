// Where the app's own pages come from. Packaged and built runs serve the renderer from a
// privileged custom scheme (app://faultline/) rather than file://, so the page has a real origin
// of its own that every IPC message and navigation is checked against; `electron-vite dev` serves
// it from the dev server instead, and that origin is trusted only in an unpackaged run.

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://faultline';
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True when `url` parses and has the same scheme, host and port as `origin`. */
export function isSameOrigin(url: string, origin: string): boolean {
  let u: URL;
  let o: URL;
  try {
    u = new URL(url);
    o = new URL(origin);
  } catch {
    return false;
  }
  // Node gives custom schemes the opaque origin "null", so compare the parts instead of .origin.
  return u.protocol === o.protocol && u.host === o.host && u.username === '' && u.password === '';
}

/** The origin the app's page is loaded from: the dev server's when one is given, else app://. */
export function trustedOrigin(devServerUrl: string | undefined, packaged: boolean): string {
  if (devServerUrl === undefined || packaged) return APP_ORIGIN;
  const u = new URL(devServerUrl);
  if (u.protocol !== 'http:' || (u.hostname !== 'localhost' && u.hostname !== '127.0.0.1')) {
    throw new Error(`refusing a renderer dev server that is not on this machine: ${devServerUrl}`);
  }
  return `${u.protocol}//${u.host}`;
}
