import { describe, expect, it } from 'vitest';
import { decodeBatch, EventKind, EventLog, type EventBatch } from '../../emulator/machine/events.ts';

/** Console events carrying `lines`, in batches of at most `flushEvery` events. */
function consoleBatches(lines: string[], flushEvery: number): EventBatch[] {
  const batches: EventBatch[] = [];
  const log = new EventLog({ onBatch: (b) => batches.push(b) });
  lines.forEach((text, i) => {
    const w = log.begin(EventKind.Console, 0, 0, 1, i);
    log.words[w + 4] = log.text(text);
    if (i % flushEvery === flushEvery - 1) log.flush();
  });
  log.flush();
  return batches;
}

describe('event log texts', () => {
  it('stores each distinct text once per batch, and every event still reads its own', () => {
    const lines = ['lock a', 'lock b', 'lock a', 'sys_write', 'lock a', 'lock b'];
    const [batch] = consoleBatches(lines, 100);
    expect(batch!.texts).toEqual(['lock a', 'lock b', 'sys_write']);
    expect(decodeBatch(batch!).map((e) => (e.kind === 'console' ? e.text : null))).toEqual(lines);
  });

  it('starts every batch with its own texts', () => {
    const lines = ['x', 'y', 'x', 'x', 'z', 'x'];
    const batches = consoleBatches(lines, 3);
    expect(batches.map((b) => b.texts)).toEqual([['x', 'y'], ['x', 'z']]);
    expect(batches.flatMap(decodeBatch).map((e) => (e.kind === 'console' ? e.text : null))).toEqual(lines);
  });

  it('a batch handed over stays as it was while later events are recorded', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const batches = consoleBatches(lines, 7);
    expect(batches.flatMap(decodeBatch).map((e) => (e.kind === 'console' ? e.text : null))).toEqual(lines);
    expect(batches.flatMap(decodeBatch).map((e) => e.t)).toEqual(lines.map((_, i) => i));
  });
});
