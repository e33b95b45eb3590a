import { describe, expect, it } from 'vitest';
import { LEVELS, levelFor, MIN_LEVEL, TrackSummary } from '../../main/session/summaries.ts';

type Row = { level: number; t0: number; t1: number; state: number; present: number; count: number };

function summarise(spans: [number, number, number][]): Row[] {
  const rows: Row[] = [];
  const s = new TrackSummary(1, (_track, level, t0, t1, state, present, count) => rows.push({ level, t0, t1, state, present, count }));
  for (const [t0, t1, state] of spans) s.add(t0, t1, state);
  s.finish();
  return rows;
}

describe('level-of-detail summaries', () => {
  it('keep a short state visible in the bucket it falls in, under the dominant one', () => {
    const size = 2 ** MIN_LEVEL;
    // Kernel (2) for a whole bucket but for a 10-tick exception (3) in the middle of it.
    const rows = summarise([[0, 500, 2], [500, 510, 3], [510, size, 2]]).filter((r) => r.level === MIN_LEVEL);
    expect(rows).toEqual([{ level: MIN_LEVEL, t0: 0, t1: size, state: 2, present: (1 << 2) | (1 << 3), count: 3 }]);
  });

  it('merge identical buckets into one run, at every level', () => {
    const rows = summarise([[0, 2 ** 30, 1]]);
    for (const level of LEVELS) {
      const at = rows.filter((r) => r.level === level);
      expect(at.length).toBeLessThanOrEqual(1);
      if (at[0]) expect(at[0].state).toBe(1);
    }
  });

  it('hold at most one row per bucket, whatever the number of spans', () => {
    const spans: [number, number, number][] = [];
    for (let t = 0; t < 2 ** 22; t += 7) spans.push([t, t + 7, (t / 7) % 3]);
    const rows = summarise(spans);
    const end = spans[spans.length - 1]![1];
    for (const level of LEVELS) {
      const at = rows.filter((r) => r.level === level);
      expect(at.length).toBeLessThanOrEqual(Math.ceil(end / 2 ** level));
      // Every state shows up in every run: nothing short disappears when zoomed out.
      for (const r of at.filter((x) => x.t1 <= 2 ** 22)) expect(r.present).toBe(0b111);
    }
  });

  it('choose the level whose bucket fits in a pixel, and raw spans below the finest', () => {
    expect(levelFor(100)).toBeNull();
    expect(levelFor(2 ** MIN_LEVEL)).toBe(MIN_LEVEL);
    expect(levelFor(2 ** (MIN_LEVEL + 1))).toBe(MIN_LEVEL);
    expect(levelFor(2 ** (MIN_LEVEL + 2) + 5)).toBe(MIN_LEVEL + 2);
    expect(levelFor(2 ** 60)).toBe(LEVELS[LEVELS.length - 1]);
  });
});
