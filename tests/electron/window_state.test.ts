// The remembered window state: every field read back is checked on its own, a broken file gives
// defaults, a window is only put back where a display still is, and writes are atomic.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultWindowState, parseWindowState, placeOnDisplays, readWindowState, writeWindowState, type WindowState,
} from '../../main/electron/window_state.ts';
import { MAX_RECENT, withRecent, withoutRecent } from '../../main/electron/recent_files.ts';

const good: WindowState = {
  bounds: { x: 40, y: 30, width: 1400, height: 880 },
  maximized: true,
  lastFolder: '/home/ada/sessions',
  recent: ['/home/ada/sessions/df.flt', '/tmp/lock.FLT'],
};

describe('window state', () => {
  it('reads back what was written', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'faultline-state-')), 'sub', 'window-state.json');
    writeWindowState(file, good);
    expect(readWindowState(file)).toEqual(good);
    expect(readdirSync(join(file, '..'))).toEqual(['window-state.json']);
  });

  it('gives defaults for a missing, empty, truncated or foreign file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-state-'));
    expect(readWindowState(join(dir, 'none.json'))).toEqual(defaultWindowState());
    for (const text of ['', '{"bounds": {"x": 1', '[]', 'null', '42', '"x"']) {
      writeFileSync(join(dir, 'w.json'), text);
      expect(readWindowState(join(dir, 'w.json')), text).toEqual(defaultWindowState());
    }
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ ...good, pad: 'x'.repeat(300_000) }));
    expect(readWindowState(join(dir, 'big.json'))).toEqual(defaultWindowState());
  });

  it('drops each bad field alone and keeps the good ones', () => {
    const s = parseWindowState(JSON.stringify({
      bounds: { x: 1.5, y: 0, width: 1000, height: 700 },
      maximized: 'yes',
      lastFolder: 'relative/dir',
      recent: ['/ok/a.flt', 'relative.flt', '/ok/b.txt', 42, '/ok/a.flt', '/nul\0.flt', '/ok/c.flt'],
    }));
    expect(s).toEqual({ bounds: null, maximized: false, lastFolder: null, recent: ['/ok/a.flt', '/ok/c.flt'] });
  });

  it('refuses sizes below the minimum and coordinates out of any screen’s range', () => {
    for (const bounds of [
      { x: 0, y: 0, width: 100, height: 700 }, { x: 0, y: 0, width: 1000, height: 10 },
      { x: 1e9, y: 0, width: 1000, height: 700 }, { x: 0, y: 0, width: 1000 },
    ]) expect(parseWindowState(JSON.stringify({ ...good, bounds })).bounds, JSON.stringify(bounds)).toBeNull();
  });

  it('keeps at most the recent-list length', () => {
    const recent = Array.from({ length: 30 }, (_, i) => `/s/${i}.flt`);
    expect(parseWindowState(JSON.stringify({ recent })).recent).toHaveLength(MAX_RECENT);
  });
});

describe('placing the window', () => {
  const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
  const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1440 };

  it('puts it back where it was while that display is attached', () => {
    const onRight = { x: 2200, y: 100, width: 1400, height: 900 };
    expect(placeOnDisplays(onRight, [laptop, rightMonitor])).toEqual(onRight);
  });

  it('lets the OS place it when its display is gone or its title bar would be off screen', () => {
    expect(placeOnDisplays({ x: 2200, y: 100, width: 1400, height: 900 }, [laptop])).toBeNull();
    expect(placeOnDisplays({ x: 100, y: -500, width: 1400, height: 900 }, [laptop])).toBeNull();
    expect(placeOnDisplays(null, [laptop])).toBeNull();
  });
});

describe('recent files', () => {
  it('puts the newest first without duplicates, and forgets on request', () => {
    let r = withRecent([], '/a.flt');
    r = withRecent(r, '/b.flt');
    r = withRecent(r, '/a.flt');
    expect(r).toEqual(['/a.flt', '/b.flt']);
    expect(withoutRecent(r, '/a.flt')).toEqual(['/b.flt']);
    for (let i = 0; i < 20; i++) r = withRecent(r, `/${i}.flt`);
    expect(r).toHaveLength(MAX_RECENT);
    expect(r[0]).toBe('/19.flt');
  });
});
