import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SessionReader } from '../../main/session/reader.ts';
import { recordScripted, tempDir } from './fixtures/record_scripted.ts';
import { scriptedBatches, type ScriptOptions } from './fixtures/scripted_stream.ts';

// A file written by Faultline in format 2 (event chunks of version 1, deflated bodies), of the
// scripted stream below, recorded with recordScripted(path, OPTIONS, 'idle').
const FORMAT2 = fileURLToPath(new URL('./fixtures/format2-scripted.flt', import.meta.url));
const OPTIONS: ScriptOptions = { cpus: 2, events: 6000, ending: 'panic' };

describe('files of older formats', () => {
  const old = SessionReader.open(FORMAT2, 'full');
  const path = join(tempDir(), 'now.flt');
  recordScripted(path, OPTIONS, 'idle');
  const now = SessionReader.open(path, 'full');
  afterAll(() => { old.close(); now.close(); });

  it('a format 2 file verifies and gives back exactly the events it was written from', () => {
    const events = scriptedBatches(OPTIONS).reduce((n, b) => n + b.count, 0);
    expect(old.verify()).toMatchObject({ ok: true, events });
    expect(now.verify()).toMatchObject({ ok: true, events });
    const stored = old.events({ limit: events });
    expect(stored).toHaveLength(events);
    expect(stored).toEqual(now.events({ limit: events }));
  });

  it('its derived rows decode: the same tracks as now, spans in order inside the run, summaries, flows', () => {
    // Not compared row for row with a run derived now: what is derived improves between versions.
    const { tFirst, tLast } = old.info();
    expect(now.info()).toMatchObject({ tFirst, tLast });
    expect(old.tracks()).toEqual(now.tracks());
    const raw = old.spans(tFirst, tLast, 1);
    expect(raw.length).toBe(old.tracks().length);
    let spans = 0;
    for (const track of raw) {
      if (track.level !== null) throw new Error(`track ${track.track} answered with summaries at one tick per pixel`);
      let end = tFirst;
      for (const s of track.spans) {
        expect(s.t0).toBeGreaterThanOrEqual(end);
        expect(s.t1).toBeGreaterThan(s.t0);
        end = s.t1;
      }
      expect(end).toBeLessThanOrEqual(tLast);
      spans += track.spans.length;
    }
    expect(spans).toBeGreaterThan(1000);
    const zoomedOut = old.spans(tFirst, tLast, (tLast - tFirst) / 10);
    expect(zoomedOut.every((t) => t.level !== null && t.summaries.length > 0)).toBe(true);
    const flows = old.flows(tFirst, tLast);
    expect(flows.length).toBeGreaterThan(100);
    expect(flows.every((f) => f.tFrom <= f.tTo && f.seqFrom < f.seqTo)).toBe(true);
  });
});
