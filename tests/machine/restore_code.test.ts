import { describe, expect, it } from 'vitest';
import type { MachineSnapshot } from '../../emulator/machine/machine.ts';
import { PAGE } from '../../emulator/machine/phys_mem.ts';
import { assemble, BareMetal } from './bare_metal.ts';

const CODE = 0x100000, DATA = 0x150000;

/** One CPU adding `step` to a counter forever: which code runs shows in the counter. */
function adder(step: number): BareMetal {
  const b = new BareMetal(1);
  b.load(CODE, assemble(`1: add qword ptr [${DATA}], ${step}\njmp 1b`, CODE));
  b.start(0, CODE, 0x20000, 0);
  return b;
}

/** Writes a snapshot's pages straight into memory, as time travel does after restore(). */
function writePages(b: BareMetal, s: MachineSnapshot): void {
  for (const [p, data] of s.pages) b.m.mem.bytes.set(data, p * PAGE);
}

describe('restore and decoded code', () => {
  for (const how of ['pages in the snapshot', 'pages written after restore'] as const) {
    it(`runs the code a restored page holds, not what was decoded from it before (${how})`, () => {
      const original = adder(3);
      original.run(1001);
      const snapshot = original.m.snapshot(true);
      original.run(2000);
      const expected = original.m.mem.read64(DATA);

      // Another machine has run different code from the same page, so its decoded code is stale.
      const other = adder(5);
      other.run(2001);
      expect(other.m.code.hasCode(CODE)).toBe(true);
      if (how === 'pages in the snapshot') other.m.restore(snapshot);
      else { other.m.restore({ ...snapshot, pages: [] }); writePages(other, snapshot); }
      other.run(2000);
      expect(other.m.mem.read64(DATA)).toBe(expected);
      expect(expected % 3n).toBe(0n);
    });
  }

  it('code whose page a restore leaves as it was keeps running the same way', () => {
    const b = adder(7);
    b.run(1001);
    const snapshot = b.m.snapshot(true);
    b.run(3000);
    const expected = b.m.mem.read64(DATA);
    b.m.restore(snapshot);
    b.run(3000);
    expect(b.m.mem.read64(DATA)).toBe(expected);
  });
});
