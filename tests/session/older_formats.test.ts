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

  it('its spans, summaries and flows read the same as the same run written in this format', () => {
    const { tFirst, tLast } = now.info();
    expect(old.info()).toMatchObject({ tFirst, tLast });
    for (const pixels of [10, 1000, 100_000]) expect(old.spans(tFirst, tLast, (tLast - tFirst) / pixels)).toEqual(now.spans(tFirst, tLast, (tLast - tFirst) / pixels));
    expect(old.flows(tFirst, tLast)).toEqual(now.flows(tFirst, tLast));
  });
});
