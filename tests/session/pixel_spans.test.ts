// Raw spans finer than the finest summary level, on a real recording: while a pixel column holds
// several, the reader merges them per column (O(pixels) rows), each row telling every state
// present under it; zoomed in further, the spans come as they are.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { record } from '../../main/emulator_host/host.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { TrackKind } from '../../main/session/schema.ts';
import { MIN_LEVEL } from '../../main/session/summaries.ts';
import { scriptedInputs, tempDir } from './fixtures/record_scripted.ts';

const recipe = { module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options: { cpus: 2, syscalls: 2000 } };
let reader: SessionReader;

beforeAll(async () => {
  const out = join(tempDir(), 'pixels.flt');
  reader = SessionReader.open((await record({ recipe, inputs: { ...scriptedInputs(2), scenario: 'user-kernel-program' }, out, budget: 20_000_000 }).done).path);
}, 120_000);

afterAll(() => reader.close());

describe('raw spans per pixel column', () => {
  it('merge when a column holds several, keeping every state present', () => {
    const info = reader.info();
    const cpu0 = reader.tracks().find((t) => t.kind === TrackKind.CpuMode && t.cpu === 0)!;
    const t0 = Math.floor((info.tFirst + info.tLast) / 2);
    const t1 = t0 + 400_000;
    const tpp = 2 ** (MIN_LEVEL - 1);
    const [raw] = reader.spans(t0, t1, 1, [cpu0.id]);
    if (raw!.level !== null) throw new Error('expected raw spans at one tick per pixel');
    const pixels = (t1 - t0) / tpp;
    expect(raw!.spans.length).toBeGreaterThan(pixels);

    const [merged] = reader.spans(t0, t1, tpp, [cpu0.id]);
    if (merged!.level === null) throw new Error('expected merged rows');
    const rows = merged!.summaries;
    expect(rows.length).toBeLessThanOrEqual(2 * pixels + 2);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(raw!.spans.length);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.t0).toBeGreaterThanOrEqual(rows[i - 1]!.t1);
    expect(rows[0]!.t0).toBe(raw!.spans[0]!.t0);
    expect(rows[rows.length - 1]!.t1).toBe(raw!.spans[raw!.spans.length - 1]!.t1);
    // Every raw span's state is present in the row covering its start.
    for (const s of raw!.spans) {
      const row = rows.find((r) => r.t0 <= s.t0 && s.t0 < r.t1)!;
      expect(row.present & (1 << s.state)).not.toBe(0);
    }
  });
});
