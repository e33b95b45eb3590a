// Commands from the app menu and the OS to the page, pushed on one IPC channel: show a session
// the main process opened (File > Open, a file given on the command line or by the OS), go to
// the scenario gallery, show the keyboard map, forget a closed session.

import type { WebContents } from 'electron';
import type { SessionInfo } from '../../preload/api.ts';

export const IPC_PUSH_COMMAND = 'faultline:push:command';

export type AppCommand =
  | { kind: 'show-session'; session: SessionInfo }
  | { kind: 'session-closed'; session: string }
  | { kind: 'new-run' }
  | { kind: 'keyboard-map' };

export function sendAppCommand(contents: WebContents, command: AppCommand): void {
  if (!contents.isDestroyed()) contents.send(IPC_PUSH_COMMAND, command);
}
