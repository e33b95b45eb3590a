// Registers one IPC handler per API method (the channels the preload builds from API_METHODS) and
// forwards run progress to the window (noting the run's session). Every call goes through runCall: sender check, argument
// check, service, session bookkeeping.

import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { API_METHODS, IPC_PREFIX, IPC_PUSH_RUN } from '../../preload/api.ts';
import type { Services } from '../services.ts';
import { runCall, type CallContext, type CallSender } from './api_call.ts';

function senderOf(event: IpcMainInvokeEvent): CallSender {
  const frame = event.senderFrame;
  return frame === null ? { url: null, topFrame: false } : { url: frame.url, topFrame: frame.parent === null };
}

/** For the app's whole life; `page()` is the app's page, if a window is open. */
export function registerApiHandlers(ctx: CallContext & { services: Services }, page: () => WebContents | null): void {
  for (const method of API_METHODS) {
    ipcMain.handle(IPC_PREFIX + method, (event, ...args: unknown[]) => runCall(ctx, method, senderOf(event), args));
  }
  ctx.services.onRun((progress) => {
    ctx.sessions.observeRun(progress);
    const target = page();
    if (target !== null && !target.isDestroyed()) target.send(IPC_PUSH_RUN, progress);
  });
}
