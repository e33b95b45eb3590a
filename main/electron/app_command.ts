// Commands from the app menu and the OS to the page, pushed on one IPC channel: show a session
// the main process opened (File > Open, a file given on the command line or by the OS), go to
// the scenario gallery, show the keyboard map, forget a closed session. A command sent while the
// page is still loading waits for it: the preload's listener does not exist before that.

import type { WebContents } from 'electron';
import type { SessionInfo } from '../../preload/api.ts';

export const IPC_PUSH_COMMAND = 'faultline:push:command';

export type AppCommand =
  | { kind: 'show-session'; session: SessionInfo }
  | { kind: 'session-closed'; session: string }
  | { kind: 'new-run' }
  | { kind: 'keyboard-map' };

export class PageCommands {
  private page: WebContents | null = null;
  private loaded = false;
  private readonly waiting: AppCommand[] = [];

  /** The page of a new window: commands wait until it has loaded. */
  attach(page: WebContents): void {
    this.page = page;
    this.loaded = false;
    page.on('did-finish-load', () => {
      this.loaded = true;
      for (const c of this.waiting.splice(0)) page.send(IPC_PUSH_COMMAND, c);
    });
    page.once('destroyed', () => {
      if (this.page === page) this.page = null;
    });
  }

  send(command: AppCommand): void {
    if (this.page !== null && this.loaded && !this.page.isDestroyed()) this.page.send(IPC_PUSH_COMMAND, command);
    else this.waiting.push(command);
  }
}
