// The Electron preload: one function exposing one object, `window.faultline`, through the
// context bridge. Each call becomes ipcRenderer.invoke on a channel built from a name listed in
// API_METHODS, so the page can reach exactly the API and nothing else of Node or Electron.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHODS, IPC_PREFIX, IPC_PUSH_RUN, type FaultlineApi, type RunProgress } from './api.ts';

function expose(): void {
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    api[method] = (...args: unknown[]) => ipcRenderer.invoke(IPC_PREFIX + method, ...args);
  }
  api.onRun = (listener: (progress: RunProgress) => void) => {
    const handler = (_event: IpcRendererEvent, progress: RunProgress) => listener(progress);
    ipcRenderer.on(IPC_PUSH_RUN, handler);
    return () => ipcRenderer.removeListener(IPC_PUSH_RUN, handler);
  };
  contextBridge.exposeInMainWorld('faultline', api as unknown as FaultlineApi);
}

expose();
