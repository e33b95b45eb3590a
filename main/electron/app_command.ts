// Commands from the app menu and the OS to the page, pushed on one IPC channel: show a session
// the main process opened (File > Open, a file given on the command line or by the OS), go to
// the scenario gallery, show the keyboard map, forget a closed session. A command sent while the
// page is still loading (or reloading, after a crash) waits for it: the preload's listener does
// not exist before that.

import { IPC_PUSH_COMMAND, type AppCommand } from '../../preload/api.ts';

/** What the commands need of a window's WebContents (a test hands its own). */
export interface CommandPage {
  on(event: 'did-start-loading', listener: () => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  once(event: 'destroyed', listener: () => void): unknown;
  send(channel: string, command: AppCommand): void;
  isDestroyed(): boolean;
}

export class PageCommands {
  private page: CommandPage | null = null;
  private loaded = false;
  private readonly waiting: AppCommand[] = [];

  /** The page of a new window: commands wait until it has loaded. */
  attach(page: CommandPage): void {
    this.page = page;
    this.loaded = false;
    page.on('did-start-loading', () => {
      if (this.page === page) this.loaded = false;
    });
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
