// What the page does on a command from the desktop app's menu or the OS (AppCommand in the API):
// the main process has already done its part (opened, saved or closed the file); the page shows
// the result.

import type { AppCommand } from '../../../preload/api.ts';
import { app } from './app_state.svelte.ts';
import { backToGallery, showSession } from './session_actions.ts';

export function handleAppCommand(command: AppCommand): void {
  switch (command.kind) {
    case 'show-session':
      app.error = null;
      if (app.session?.id !== command.session.id) app.run = null;
      showSession(command.session);
      break;
    case 'session-closed':
      if (app.session?.id !== command.session) return;
      app.session = null;
      backToGallery();
      break;
    case 'new-run':
      backToGallery();
      break;
    case 'keyboard-map':
      app.help = true;
      break;
  }
}
