// The page's Content-Security-Policy: its own scripts and styles only, no network at all (every
// call goes through the preload's IPC), no plugins, frames, forms or base rewriting. Sent as a
// response header on every page the app serves (app_protocol.ts) and the dev server's.

export function contentSecurityPolicy(devServerOrigin: string | null): string {
  // Vite's dev client talks to its own server over a WebSocket for hot reload.
  const connect = devServerOrigin === null ? "'none'" : `${devServerOrigin} ${devServerOrigin.replace(/^http/, 'ws')}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Svelte sets style attributes for positions and colours; no script can come in through them.
    "style-src 'self' 'unsafe-inline'",
    // Exports hand their bytes to a blob: link to download.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
