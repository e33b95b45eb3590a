// App commands on their way to the page (main/electron/app_command.ts): sent on the command
// channel once the page has loaded, held while it loads or reloads (the preload's listener does
// not exist yet), and held for the next window when the page is gone. The page is an
// EventEmitter with the WebContents methods the commands use; Electron does not run here.

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { IPC_PUSH_COMMAND, type AppCommand } from '../../preload/api.ts';
import { PageCommands, type CommandPage } from '../../main/electron/app_command.ts';

class Page extends EventEmitter implements CommandPage {
  readonly sent: [string, AppCommand][] = [];
  destroyed = false;
  send(channel: string, command: AppCommand): void {
    this.sent.push([channel, command]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

describe('page commands', () => {
  it('hold commands until the page has loaded, then send them in order on the command channel', () => {
    const commands = new PageCommands();
    const page = new Page();
    commands.attach(page);
    commands.send({ kind: 'new-run' });
    commands.send({ kind: 'keyboard-map' });
    expect(page.sent).toEqual([]);
    page.emit('did-finish-load');
    commands.send({ kind: 'session-closed', session: 's1' });
    expect(page.sent).toEqual([
      [IPC_PUSH_COMMAND, { kind: 'new-run' }],
      [IPC_PUSH_COMMAND, { kind: 'keyboard-map' }],
      [IPC_PUSH_COMMAND, { kind: 'session-closed', session: 's1' }],
    ]);
  });

  it('hold commands while the page reloads', () => {
    const commands = new PageCommands();
    const page = new Page();
    commands.attach(page);
    page.emit('did-finish-load');
    page.emit('did-start-loading');
    commands.send({ kind: 'new-run' });
    expect(page.sent).toEqual([]);
    page.emit('did-finish-load');
    expect(page.sent).toEqual([[IPC_PUSH_COMMAND, { kind: 'new-run' }]]);
  });

  it('keep what was sent while no page is there for the next window', () => {
    const commands = new PageCommands();
    const first = new Page();
    commands.attach(first);
    first.emit('did-finish-load');
    first.destroyed = true;
    first.emit('destroyed');
    commands.send({ kind: 'keyboard-map' });
    expect(first.sent).toEqual([]);

    const second = new Page();
    commands.attach(second);
    second.emit('did-finish-load');
    expect(second.sent).toEqual([[IPC_PUSH_COMMAND, { kind: 'keyboard-map' }]]);
  });
});
