// Where each lane sits on the timeline canvas, and what is under a point. One CPU lane has a
// marker strip above its band; lock lanes are thinner and follow under a section title.

import type { SessionInfo } from '../../../preload/api.ts';

export const RULER_H = 28;
export const CPU_LANE_H = 52;
const MARK_STRIP_H = 13;
const BAND_H = 20;
const TASK_H = 13;
const LOCK_TITLE_H = 20;
const LOCK_LANE_H = 18;

export interface Row {
  lane: string;
  kind: 'cpu' | 'lock';
  /** CPU number for CPU lanes, lock index for lock lanes. */
  index: number;
  title: string;
  y: number;
  h: number;
  bandY: number;
  bandH: number;
  /** CPU lanes: the strip naming the task on the CPU, under the mode band. */
  taskY: number;
  taskH: number;
}

export interface Layout {
  rows: Row[];
  byLane: Map<string, Row>;
  cpuRows: Row[];
  lockTitleY: number | null;
  height: number;
}

export function cpuLane(cpu: number): string {
  return `cpu:${cpu}`;
}

export function taskLane(cpu: number): string {
  return `task:${cpu}`;
}

export function layoutRows(session: SessionInfo): Layout {
  const rows: Row[] = [];
  let y = RULER_H;
  for (let c = 0; c < session.cpus; c++) {
    const bandY = y + MARK_STRIP_H + 2;
    rows.push({ lane: cpuLane(c), kind: 'cpu', index: c, title: `CPU ${c}`, y, h: CPU_LANE_H,
      bandY, bandH: BAND_H, taskY: bandY + BAND_H + 1, taskH: TASK_H });
    y += CPU_LANE_H;
  }
  let lockTitleY: number | null = null;
  if (session.locks.length > 0) {
    lockTitleY = y;
    y += LOCK_TITLE_H;
    session.locks.forEach((lock, i) => {
      rows.push({ lane: `lock:${lock.addr}`, kind: 'lock', index: i, title: lock.name, y, h: LOCK_LANE_H,
        bandY: y + 2, bandH: LOCK_LANE_H - 4, taskY: 0, taskH: 0 });
      y += LOCK_LANE_H;
    });
  }
  const byLane = new Map(rows.map((r) => [r.lane, r]));
  for (const r of rows) if (r.kind === 'cpu') byLane.set(taskLane(r.index), r);
  return { rows, byLane, cpuRows: rows.filter((r) => r.kind === 'cpu'), lockTitleY, height: y + 8 };
}

export function rowAt(layout: Layout, y: number): Row | null {
  return layout.rows.find((r) => y >= r.y && y < r.y + r.h) ?? null;
}

/** Index of the span containing t in sorted t0/t1 columns, or -1. */
export function spanAt(t0: Float64Array, t1: Float64Array, t: number): number {
  let lo = 0;
  let hi = t0.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t0[mid]! > t) hi = mid - 1;
    else if (t1[mid]! <= t) lo = mid + 1;
    else return mid;
  }
  return -1;
}
