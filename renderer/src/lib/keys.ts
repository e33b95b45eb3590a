// Every key of the app, in one table: the keydown handler dispatches from it and the help
// overlay lists it, so a binding cannot exist without being documented. A binding with two keys
// runs with direction 1 for the first and -1 for the second; a binding with a range of keys (the
// inspector tabs) gets the index of the key pressed.

import { app } from './app_state.svelte.ts';
import { jump, panBy, seek, selectCpu, stepBy, zoomBy, zoomToFit } from './navigation.ts';
import { backToGallery, controlRun, jumpBookmark, saveSession } from './session_actions.ts';
import { inspection } from '../inspectors/inspection.svelte.ts';
import { TAB_TITLES } from '../inspectors/tab_help.ts';

const INSPECTOR_TABS = Object.keys(TAB_TITLES) as (keyof typeof TAB_TITLES)[];

export interface Binding {
  /** KeyboardEvent.key values, exactly (so 'F' is shift+f). */
  keys: string[];
  what: string;
  group: 'Time travel' | 'Jump' | 'View' | 'App';
  inSession: boolean;
  /** Shown in the help instead of every key, for a range such as 1–8. */
  label?: string;
  run: (direction: 1 | -1, index: number) => void;
}

export const BINDINGS: readonly Binding[] = [
  { keys: ['ArrowRight', 'ArrowLeft'], what: 'next / previous event on the selected CPU', group: 'Time travel',
    inSession: true, run: (d) => void stepBy('event', d) },
  { keys: ['.', ','], what: 'next / previous instruction of the selected CPU', group: 'Time travel',
    inSession: true, run: (d) => void stepBy('instruction', d) },
  { keys: ['ArrowDown', 'ArrowUp'], what: 'select the CPU below / above', group: 'Time travel', inSession: true,
    run: (d) => selectCpu(d) },
  { keys: ['End', 'Home'], what: 'end / start of the recording', group: 'Time travel', inSession: true,
    run: (d) => seek(d > 0 ? app.tEnd : app.tStart) },
  { keys: ['f', 'F'], what: 'next / previous fault (exception)', group: 'Jump', inSession: true,
    run: (d) => void jump('fault', d) },
  { keys: ['p', 'P'], what: 'next / previous privilege switch', group: 'Jump', inSession: true,
    run: (d) => void jump('privilege', d) },
  { keys: ['l', 'L'], what: 'next / previous lock event', group: 'Jump', inSession: true,
    run: (d) => void jump('lock', d) },
  { keys: ['x', 'X'], what: 'next / previous panic, oops or triple fault', group: 'Jump', inSession: true,
    run: (d) => void jump('panic', d) },
  { keys: [']', '['], what: 'next / previous bookmark', group: 'Jump', inSession: true,
    run: (d) => jumpBookmark(d) },
  { keys: ['w', 's'], what: 'zoom in / out around the playhead', group: 'View', inSession: true,
    run: (d) => zoomBy(d > 0 ? 0.5 : 2) },
  { keys: ['d', 'a'], what: 'pan right / left', group: 'View', inSession: true, run: (d) => panBy(d * 0.2) },
  { keys: ['0'], what: 'zoom to fit the whole recording', group: 'View', inSession: true, run: zoomToFit },
  { keys: INSPECTOR_TABS.map((_, i) => String(i + 1)), label: `1–${INSPECTOR_TABS.length}`, group: 'View', inSession: true,
    what: `inspector tab: ${INSPECTOR_TABS.map((t) => TAB_TITLES[t]).join(', ')}`, run: (_, i) => (inspection.tab = INSPECTOR_TABS[i]!) },
  { keys: ['t'], what: 'go to a time: type ticks, Enter', group: 'Time travel', inSession: true,
    run: () => document.getElementById('goto-time')?.focus() },
  { keys: ['b'], what: 'bookmark the playhead: type a note, Enter', group: 'App', inSession: true,
    run: () => document.getElementById('bookmark-note')?.focus() },
  { keys: [' '], what: 'pause / resume the run', group: 'App', inSession: true,
    run: () => void controlRun(app.run?.phase === 'paused' ? 'resume' : 'pause') },
  { keys: ['g'], what: 'back to the scenario gallery', group: 'App', inSession: true, run: backToGallery },
  { keys: ['?'], what: 'show / hide this help', group: 'App', inSession: false, run: () => (app.help = !app.help) },
  { keys: ['Escape'], what: 'close help, clear the message', group: 'App', inSession: false,
    run: () => {
      app.help = false;
      app.error = null;
    } },
];

/** Ctrl+S is handled apart: it must work while typing a note too. */
export const SAVE_KEY_LABEL = 'Ctrl+S';

const LABELS: Record<string, string> = {
  ArrowRight: '→', ArrowLeft: '←', ArrowUp: '↑', ArrowDown: '↓', ' ': 'Space', Escape: 'Esc',
};
export function keyLabel(key: string): string {
  return LABELS[key] ?? key;
}

export function handleKey(e: KeyboardEvent): void {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
    e.preventDefault();
    if (app.view === 'session') void saveSession();
    return;
  }
  const target = e.target as HTMLElement | null;
  const typing = target !== null && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const b = BINDINGS.find((x) => x.keys.includes(e.key));
  if (b === undefined || (b.inSession && app.view !== 'session')) return;
  // Space or an arrow on a focused button would also click or scroll: the binding wins.
  e.preventDefault();
  b.run(b.keys[0] === e.key ? 1 : -1, b.keys.indexOf(e.key));
}
