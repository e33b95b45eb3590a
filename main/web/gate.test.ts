import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { admit, makeGate } from './gate.ts';

const gate = makeGate('tok_en-123', 4567);

function req(url: string, headers: Record<string, string>): IncomingMessage {
  return { url, headers } as unknown as IncomingMessage;
}
const HOST = { host: '127.0.0.1:4567' };

describe('browser-mode gate', () => {
  it('admits the token path and returns the rest', () => {
    expect(admit(gate, req('/tok_en-123/', HOST), false)).toEqual({ ok: true, rest: '/' });
    expect(admit(gate, req('/tok_en-123/assets/a.js?x=1', HOST), false)).toEqual({ ok: true, rest: '/assets/a.js' });
    expect(admit(gate, req('/tok_en-123', HOST), false)).toEqual({ ok: true, rest: '/' });
  });

  it('refuses a missing or wrong token', () => {
    expect(admit(gate, req('/', HOST), false).ok).toBe(false);
    expect(admit(gate, req('/tok_en-124/', HOST), false).ok).toBe(false);
    expect(admit(gate, req('/tok_en-1234/', HOST), false).ok).toBe(false);
    expect(admit(gate, req('/assets/a.js', HOST), false).ok).toBe(false);
  });

  it('refuses another host name (DNS rebinding)', () => {
    expect(admit(gate, req('/tok_en-123/', { host: 'evil.example:4567' }), false).ok).toBe(false);
    expect(admit(gate, req('/tok_en-123/', { host: 'localhost:4567' }), false).ok).toBe(false);
  });

  it('refuses a foreign origin and cross-site fetches', () => {
    expect(admit(gate, req('/tok_en-123/', { ...HOST, origin: 'http://evil.example' }), false).ok).toBe(false);
    expect(admit(gate, req('/tok_en-123/', { ...HOST, 'sec-fetch-site': 'cross-site' }), false).ok).toBe(false);
    expect(admit(gate, req('/tok_en-123/', { ...HOST, origin: 'http://127.0.0.1:4567', 'sec-fetch-site': 'same-origin' }), false).ok).toBe(true);
  });

  it('requires our own origin on a WebSocket upgrade', () => {
    expect(admit(gate, req('/tok_en-123/ws', HOST), true).ok).toBe(false);
    expect(admit(gate, req('/tok_en-123/ws', { ...HOST, origin: 'http://127.0.0.1:9999' }), true).ok).toBe(false);
    expect(admit(gate, req('/tok_en-123/ws', { ...HOST, origin: 'http://127.0.0.1:4567' }), true)).toEqual({ ok: true, rest: '/ws' });
  });
});
