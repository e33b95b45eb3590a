// One API call from the page, as the IPC handlers run it: refuse it unless it comes from the
// app's own page in the window's top frame, check its arguments, run the service, and note what
// the result says about open sessions. Free of Electron so it runs in a plain Node test.

import type { ApiMethod, FaultlineCalls } from '../../preload/api.ts';
import { isSameOrigin } from './app_origin.ts';
import { checkCallArguments } from './ipc_arguments.ts';
import type { OpenSessions } from './open_sessions.ts';

/** Who sent a call: the sending frame's URL (null when the frame is gone) and whether it is the top frame. */
export interface CallSender {
  url: string | null;
  topFrame: boolean;
}

export interface CallContext {
  services: FaultlineCalls;
  /** The app's own origin (app_origin.ts). */
  origin: string;
  sessions: OpenSessions;
}

export function checkSender(method: ApiMethod, sender: CallSender, origin: string): void {
  if (sender.url === null || !sender.topFrame || !isSameOrigin(sender.url, origin)) {
    throw new Error(`faultline.${method}: refused, the call did not come from the app's own page`);
  }
}

export async function runCall(ctx: CallContext, method: ApiMethod, sender: CallSender, args: readonly unknown[]): Promise<unknown> {
  checkSender(method, sender, ctx.origin);
  const checked = checkCallArguments(method, args);
  const call = ctx.services[method] as (...a: unknown[]) => Promise<unknown>;
  const result = await call(...checked);
  ctx.sessions.observe(method, checked, result);
  return result;
}
