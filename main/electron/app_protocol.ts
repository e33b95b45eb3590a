// Serves the built renderer on app://faultline/ with the app's Content-Security-Policy on every
// response. The scheme is registered as standard and secure before the app is ready, so the page
// gets a proper origin, ES modules and no mixed-content exceptions.

import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME } from './app_origin.ts';
import { contentSecurityPolicy } from './content_security_policy.ts';
import { contentTypeOf, rendererFileFor } from './renderer_files.ts';

/** Must run before the app's 'ready' event. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  const csp = contentSecurityPolicy(null);
  protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFileFor(rendererDir, request.url);
    if (file === null || request.method !== 'GET') return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': contentTypeOf(file),
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
