// The app's state, as runes. Components read fields directly; a component reruns only when a
// field it read changed. Large query results (spans, markers) are kept in $state.raw: they are
// replaced whole, never mutated, so deep proxies over typed arrays would only cost time.

import type {
  Bookmark,
  EventDetail,
  MachineState,
  RecentSession,
  RunProgress,
  Scenario,
  SessionInfo,
} from '../../../preload/api.ts';

export class AppState {
  view = $state<'gallery' | 'session'>('gallery');
  scenarios = $state.raw<Scenario[]>([]);
  recent = $state.raw<RecentSession[]>([]);
  session = $state.raw<SessionInfo | null>(null);
  run = $state.raw<RunProgress | null>(null);

  /** Visible time range in ticks. */
  t0 = $state(0);
  t1 = $state(1);
  playhead = $state(0);
  cpu = $state(0);

  selected = $state.raw<EventDetail | null>(null);
  machine = $state.raw<MachineState | null>(null);
  /** The state shown before the current one: registers that differ are highlighted. */
  previous = $state.raw<MachineState | null>(null);
  bookmarks = $state.raw<Bookmark[]>([]);

  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  help = $state(false);

  get tStart(): number {
    return this.session?.tStart ?? 0;
  }
  get tEnd(): number {
    return Math.max(this.session?.tEnd ?? 1, this.tStart + 1);
  }
}

export const app = new AppState();

/** Shows an error in the banner; the app keeps working. */
export function reportError(err: unknown): void {
  app.error = err instanceof Error ? err.message : String(err);
}
