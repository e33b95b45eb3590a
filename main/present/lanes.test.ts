import { describe, expect, it } from 'vitest';
import { Band, Flow } from '../../preload/api.ts';
import type { TrackInfo, TrackSpans } from '../session/reader.ts';
import { buildLanes, spinFlows, type SpinFlows } from './lanes.ts';

const LOCK = -2146430912; // 0xffffffff80101040, a kernel address read as signed 64-bit
const tracks: TrackInfo[] = [
  { id: 1, kind: 'cpu-mode', cpu: 0, lockAddr: 0, name: 'CPU 0' },
  { id: 2, kind: 'lock', cpu: 0, lockAddr: LOCK, name: 'ptable_lock on CPU 0' },
  { id: 3, kind: 'lock', cpu: 1, lockAddr: LOCK, name: 'ptable_lock on CPU 1' },
];
const span = (t0: number, t1: number, state: number, label: string, detail = 0) => ({ t0, t1, state, label, detail, seq0: 0, seq1: 0 });

describe('lanes from tracks', () => {
  it('names handler bands by vector and merges a lock\'s per-CPU tracks into one lane in time order', () => {
    const answers: TrackSpans[] = [
      { track: 1, level: null, truncated: false, spans: [span(0, 10, 1, 'user'), span(10, 20, 3, 'exception', 14), span(20, 30, 2, 'kernel')] },
      { track: 2, level: null, truncated: false, spans: [span(5, 50, 2, 'held')] },
      { track: 3, level: null, truncated: false, spans: [span(8, 50, 1, 'spinning'), span(50, 60, 2, 'held')] },
    ];
    const lanes = buildLanes(tracks, answers, [{ addr: LOCK, name: 'ptable_lock' }]);
    const cpu = lanes.find((l) => l.lane === 'cpu:0')!;
    expect([...cpu.band]).toEqual([Band.User, Band.Exception, Band.Kernel]);
    expect(cpu.labels[cpu.label[1]!]).toBe('#PF');
    const lock = lanes.find((l) => l.lane === 'lock:0xffffffff80101040')!;
    expect(lock.title).toBe('ptable_lock');
    expect([...lock.t0]).toEqual([5, 8, 50]);
    expect([...lock.band]).toEqual([Band.LockHeld, Band.LockSpinning, Band.LockHeld]);
    expect([...lock.aux]).toEqual([0, 1, 1]);

    const flows: SpinFlows = { t0: [], cpu0: [], t1: [], cpu1: [], kind: [] };
    spinFlows(lanes, 10, flows);
    expect(flows).toEqual({ t0: [8], cpu0: [1], t1: [8], cpu1: [0], kind: [Flow.SpinWait] });
    const none: SpinFlows = { t0: [], cpu0: [], t1: [], cpu1: [], kind: [] };
    spinFlows(lanes, 100, none);
    expect(none.t0).toEqual([]);
  });

  it('marks summarised spans that hid other states', () => {
    const answers: TrackSpans[] = [{ track: 1, level: 12, truncated: false, summaries: [{ t0: 0, t1: 4096, state: 2, label: 'kernel', present: (1 << 2) | (1 << 1), count: 9 }] }];
    const lane = buildLanes(tracks, answers, [])[0]!;
    expect(lane.mixed[0]).toBe(1);
    expect(lane.band[0]).toBe(Band.Kernel);
  });
});
