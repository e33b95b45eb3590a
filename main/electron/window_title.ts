// The window title names the session in view, as document windows do: "name — Faultline", with
// a leading "• " for unsaved changes where the platform has no edited-document mark of its own
// (macOS shows it in the close button, through setDocumentEdited).

import type { SessionInfo } from '../../preload/api.ts';

export function windowTitle(appName: string, current: SessionInfo | null, platform: NodeJS.Platform): string {
  if (current === null) return appName;
  const edited = current.dirty && platform !== 'darwin' ? '• ' : '';
  return `${edited}${current.name} — ${appName}`;
}
