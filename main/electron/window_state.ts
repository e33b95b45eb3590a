// What the app remembers between starts: the window's size and place, whether it was maximised,
// the folder of the last file dialog and the recent session files. One small JSON file in the
// user data folder; everything read back is checked, and anything wrong falls back to defaults
// field by field (a hand-edited or half-written file must never stop the app from starting).

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { MAX_RECENT, isSessionPath } from './recent_files.ts';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Null until the window was first placed: the OS picks the position. */
  bounds: Bounds | null;
  maximized: boolean;
  lastFolder: string | null;
  /** Most recent first. */
  recent: string[];
}

export const DEFAULT_SIZE = { width: 1440, height: 900 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
const MAX_COORD = 100_000;
const MAX_PATH = 4096;
const MAX_FILE_BYTES = 256 * 1024;

export function defaultWindowState(): WindowState {
  return { bounds: null, maximized: false, lastFolder: null, recent: [] };
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function parseBounds(v: unknown): Bounds | null {
  if (v === null || typeof v !== 'object') return null;
  const b = v as Record<string, unknown>;
  if (!isInt(b.x, -MAX_COORD, MAX_COORD) || !isInt(b.y, -MAX_COORD, MAX_COORD)) return null;
  if (!isInt(b.width, MIN_SIZE.width, MAX_COORD) || !isInt(b.height, MIN_SIZE.height, MAX_COORD)) return null;
  return { x: b.x, y: b.y, width: b.width, height: b.height };
}

const isPath = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= MAX_PATH && !v.includes('\0') && isAbsolute(v);

/** The state in `text`, each field checked on its own. */
export function parseWindowState(text: string): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return defaultWindowState();
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return defaultWindowState();
  const r = raw as Record<string, unknown>;
  const recent = Array.isArray(r.recent) ? r.recent.filter((p): p is string => isPath(p) && isSessionPath(p)) : [];
  return {
    bounds: parseBounds(r.bounds),
    maximized: r.maximized === true,
    lastFolder: isPath(r.lastFolder) ? r.lastFolder : null,
    recent: [...new Set(recent)].slice(0, MAX_RECENT),
  };
}

export interface WorkArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The remembered bounds if enough of the window's title bar would land on a display now
 * attached (a monitor may have gone since), else null so the OS places the window.
 */
export function placeOnDisplays(bounds: Bounds | null, workAreas: readonly WorkArea[]): Bounds | null {
  if (bounds === null) return null;
  const grip = 64;
  const visible = workAreas.some((a) =>
    bounds.x + grip <= a.x + a.width && bounds.x + bounds.width - grip >= a.x &&
    bounds.y >= a.y && bounds.y + grip <= a.y + a.height);
  return visible ? bounds : null;
}

export function readWindowState(file: string): WindowState {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > MAX_FILE_BYTES ? defaultWindowState() : parseWindowState(text);
  } catch {
    return defaultWindowState();
  }
}

/** Writes through a temporary file and a rename, so a crash leaves the old state or the new one. */
export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, file);
}
