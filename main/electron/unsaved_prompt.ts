// The question asked before open sessions with unsaved changes would be lost (closing a session,
// the window, or quitting), and what each answer means.

import type { SessionInfo } from '../../preload/api.ts';

export type UnsavedChoice = 'save' | 'discard' | 'cancel';

export interface UnsavedPrompt {
  message: string;
  detail: string;
  /** In this order on the dialog; the index of the answer maps through `choices`. */
  buttons: string[];
  choices: UnsavedChoice[];
  defaultId: number;
  cancelId: number;
}

/** Null when nothing would be lost. */
export function unsavedPrompt(sessions: readonly SessionInfo[]): UnsavedPrompt | null {
  if (sessions.length === 0) return null;
  const live = sessions.filter((s) => s.live);
  const names = sessions.map((s) => `• ${s.name}${s.live ? ' (still recording)' : ''}`).join('\n');
  return {
    message: sessions.length === 1
      ? `Save the changes to ${sessions[0]!.name}?`
      : `Save the changes to ${sessions.length} sessions?`,
    detail: `${names}\n\nBookmarks not saved are lost.${live.length > 0 ? ' A run still recording is stopped and kept as cut short.' : ''}`,
    buttons: ['Save', "Don't Save", 'Cancel'],
    choices: ['save', 'discard', 'cancel'],
    defaultId: 0,
    cancelId: 2,
  };
}
