// The one API object the renderer uses: the preload's under Electron, the WebSocket client in
// browser mode (the page was served by main/web/server.ts under /TOKEN/, its socket is /TOKEN/ws).

import type { FaultlineApi } from '../../../preload/api.ts';
import { connectWebSocket } from './ws_client.ts';

declare global {
  interface Window {
    faultline?: FaultlineApi;
  }
}

function browserModeUrl(): string {
  const url = new URL('ws', location.href);
  url.protocol = 'ws:';
  url.search = '';
  return url.href;
}

export const api: FaultlineApi = window.faultline ?? connectWebSocket(browserModeUrl());
