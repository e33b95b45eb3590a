// A sentence of what the markers in view are ("2 fault (#PF ×2) · 14 syscall · 1 panic"), for
// the status line under the lanes and for screen readers, which cannot read the canvas.

import { MARK_NAMES, type EventMarks } from '../../../preload/api.ts';

export function summariseMarks(m: EventMarks | null, t0: number, t1: number): string {
  if (m === null) return '';
  const counts = new Uint32Array(MARK_NAMES.length);
  const labels = new Map<number, Map<string, number>>();
  for (let i = 0; i < m.t.length; i++) {
    const t = m.t[i]!;
    if (t < t0 || t > t1) continue;
    const k = m.mark[i]!;
    const n = m.count[i]!;
    counts[k] = counts[k]! + n;
    const li = m.label[i]!;
    if (li < 0) continue;
    let per = labels.get(k);
    if (per === undefined) labels.set(k, (per = new Map()));
    const label = m.labels[li]!;
    per.set(label, (per.get(label) ?? 0) + n);
  }
  const parts: string[] = [];
  counts.forEach((n, k) => {
    if (n === 0) return;
    const per = labels.get(k);
    const only = per !== undefined && per.size === 1 ? [...per.keys()][0] : undefined;
    const detail =
      per !== undefined && per.size <= 4 && k !== 0 && k !== 1 && k !== 3 && only !== MARK_NAMES[k] && only !== 'reset'
        ? ` (${[...per].map(([l, c]) => (c > 1 ? `${l} ×${c}` : l)).join(', ')})`
        : '';
    parts.push(`${n} ${MARK_NAMES[k]}${detail}`);
  });
  return parts.length === 0 ? 'no events in view' : parts.join(' · ');
}
