// API calls as the IPC handlers run them, on the real services over a real recording of the
// guest kernel panicking: calls from anywhere but the app's own top-level page are refused,
// malformed arguments never reach the services, the panic is found, and the main process keeps
// track of open and unsaved sessions.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mark, type EventDetail, type SessionInfo } from '../../preload/api.ts';
import { SOURCE_GUEST_BUILD } from '../../main/session/guest_build.ts';
import { createServices, type Services } from '../../main/services.ts';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../main/electron/app_origin.ts';
import { runCall, type CallContext, type CallSender } from '../../main/electron/api_call.ts';
import { OpenSessions } from '../../main/electron/open_sessions.ts';
import { recordScenarioThroughServer, tempDir } from './fixtures/recorded_run.ts';

const page: CallSender = { url: APP_ENTRY_URL, topFrame: true };

describe('API calls over IPC', () => {
  let services: Services;
  let ctx: CallContext;
  let bytes: Uint8Array;

  beforeAll(async () => {
    const out = join(tempDir(), 'null-deref-kernel.flt');
    await recordScenarioThroughServer('null-deref-kernel', out);
    bytes = new Uint8Array(readFileSync(out));
    services = createServices({ libraryDir: tempDir(), mode: 'electron', guestBuildDir: SOURCE_GUEST_BUILD });
    ctx = { services, origin: APP_ORIGIN, sessions: new OpenSessions() };
  });
  afterAll(async () => services.close());

  it('answers the app’s own page', async () => {
    expect(await runCall(ctx, 'appInfo', page, [])).toMatchObject({ mode: 'electron' });
  });

  it('refuses pages of other origins, subframes and frames already gone, before running anything', async () => {
    const request = { from: 'bytes', name: 'evil.flt', bytes };
    for (const sender of [
      { url: 'https://evil.example/', topFrame: true },
      { url: 'file:///tmp/x.html', topFrame: true },
      { url: 'app://other/index.html', topFrame: true },
      { url: APP_ENTRY_URL, topFrame: false },
      { url: null, topFrame: true },
    ]) {
      await expect(runCall(ctx, 'openSession', sender, [request]), JSON.stringify(sender))
        .rejects.toThrow("faultline.openSession: refused, the call did not come from the app's own page");
    }
    expect(await services.recentSessions()).toEqual([]);
  });

  it('refuses malformed arguments before the services see them', async () => {
    await expect(runCall(ctx, 'openSession', page, [{ from: 'recent', key: '../../etc/passwd.flt' }])).rejects.toThrow('faultline.openSession: bad argument key');
    await expect(runCall(ctx, 'stateAt', page, ['s1', 'noon'])).rejects.toThrow('faultline.stateAt: bad argument t');
    expect(await services.recentSessions()).toEqual([]);
  });

  it('opens the recording, finds the panic, follows unsaved changes, and forgets the session when closed', async () => {
    const info = (await runCall(ctx, 'openSession', page, [{ from: 'bytes', name: 'null-deref-kernel.flt', bytes }])) as SessionInfo;
    expect(info.events).toBeGreaterThan(0);
    expect(info.outcome).toMatch(/panic/);
    expect(ctx.sessions.current?.id).toBe(info.id);
    expect(ctx.sessions.unsaved()).toEqual([]);

    const spans = await runCall(ctx, 'spans', page, [{ session: info.id, t0: info.tStart, t1: info.tEnd + 1, resolution: 1 }]);
    expect((spans as { lanes: unknown[] }).lanes.length).toBeGreaterThan(0);

    const panic = (await runCall(ctx, 'jump', page, [{ session: info.id, t: info.tStart, cpu: null, target: 'panic', direction: 1 }])) as EventDetail | null;
    expect(panic?.mark).toBeOneOf([Mark.Panic, Mark.Oops]);

    await runCall(ctx, 'addBookmark', page, [info.id, { t: panic!.t, title: 'CPU 0', note: 'the kernel gives up' }]);
    expect(ctx.sessions.unsaved().map((s) => s.id)).toEqual([info.id]);

    const saved = (await runCall(ctx, 'saveSession', page, [info.id])) as SessionInfo;
    expect(saved.dirty).toBe(false);
    expect(ctx.sessions.unsaved()).toEqual([]);

    await runCall(ctx, 'closeSession', page, [info.id]);
    expect(ctx.sessions.current).toBeNull();
    await expect(runCall(ctx, 'bookmarks', page, [info.id])).rejects.toThrow('not open');
  });
});
