import { describe, expect, it } from 'vitest';
import { RunState } from '../../emulator/machine/vcpu.ts';
import { assemble, BareMetal, P, RW, US } from './bare_metal.ts';

/** A small deterministic PRNG (xorshift32), so a failing case is reproducible from its seed. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return x >>> 0;
  };
}

const CASES = 150;

// Random bytes executed as code must never raise a host exception: every outcome is a machine
// state (faulted into a handler, halted, shut down, or out of budget).
describe.each([0, 3] as const)('random code at CPL %i', (cpl) => {
  it(`${CASES} random byte streams end in an orderly state`, () => {
    const handler = assemble('hlt', 0x7000);
    const outcomes = new Map<string, number>();
    for (let seed = 1; seed <= CASES; seed++) {
      const next = rng(seed * 7919 + cpl);
      const b = new BareMetal();
      const code = new Uint8Array(4096);
      for (let i = 0; i < code.length; i++) code[i] = next() & 0xff;
      b.load(0x100000, code);
      b.load(0x7000, handler);
      for (let v = 0; v < 32; v++) b.gate(v, 0x7000, { ist: v === 8 ? 1 : 0 });
      b.tssStack('rsp0', 0x9ff0);
      b.tssStack(1, 0xaff0);
      if (cpl === 3) {
        b.map(0x100000, P | US);
        b.map(0x101000, P | RW | US);
      }
      // Registers full of random values, so memory operands land anywhere.
      const c = b.m.vcpus[0]!.cpu;
      for (let r = 0; r < 16; r++) { c.lo[r] = next() | 0; c.hi[r] = r % 3 === 0 ? 0 : next() | 0; }
      b.start(0, 0x100000, 0x101ff0, cpl);
      let result: ReturnType<BareMetal['run']> | undefined;
      expect(() => { result = b.run(5_000); }, `seed ${seed}`).not.toThrow();
      const state = b.m.vcpus[0]!.state;
      expect(['budget', 'all-halted', 'shutdown']).toContain(result!.cause);
      if (result!.cause === 'all-halted') expect(state).toBe(RunState.Halted);
      const key = b.of('exception')[0]?.mnemonic ?? result!.cause;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    // The streams really exercise the fault paths (not just one outcome).
    expect(outcomes.size).toBeGreaterThan(2);
  });
});
