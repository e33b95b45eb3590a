// The Electron preload: one function exposing one object, `window.faultline`, through the
// context bridge. Each call becomes ipcRenderer.invoke on a channel built from a name listed in
// API_METHODS, so the page can reach exactly the API and nothing else of Node or Electron. The
// two push channels reach the page's listeners without the IPC event.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHODS, IPC_PREFIX, IPC_PUSH_COMMAND, IPC_PUSH_RUN, type AppCommand, type FaultlineApi, type RunProgress } from './api.ts';

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, handler);
  return () => void ipcRenderer.removeListener(channel, handler);
}

function expose(): void {
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    api[method] = (...args: unknown[]) => ipcRenderer.invoke(IPC_PREFIX + method, ...args);
  }
  api.onRun = (listener: (progress: RunProgress) => void) => subscribe(IPC_PUSH_RUN, listener);
  api.onCommand = (listener: (command: AppCommand) => void) => subscribe(IPC_PUSH_COMMAND, listener);
  contextBridge.exposeInMainWorld('faultline', api as unknown as FaultlineApi);
}

expose();
