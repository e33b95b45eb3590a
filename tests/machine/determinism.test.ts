import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RECORD_WORDS, type EventBatch } from '../../emulator/machine/events.ts';
import type { MachineSnapshot } from '../../emulator/machine/machine.ts';
import { assemble, BareMetal, countingTimerHandlerAsm, racingLoopAsm } from './bare_metal.ts';

const DATA = 0x150000;

/** Four CPUs racing on a shared counter under timer interrupts: any nondeterminism shows. */
function racing(): BareMetal {
  const b = new BareMetal(4);
  b.load(0x100000, assemble(racingLoopAsm(DATA, 3000, 3331), 0x100000));
  b.load(0x7000, assemble(countingTimerHandlerAsm(`${DATA} + 16`), 0x7000));
  b.gate(0x20, 0x7000);
  for (let i = 0; i < 4; i++) b.start(i, 0x100000, 0x20000 + 0x1000 * (i + 1) - 16, 0);
  return b;
}

/** Hashes the raw event records (all words but the text indices) and their texts. */
function hashBatches(batches: EventBatch[]): string {
  const h = createHash('sha256');
  for (const b of batches) {
    h.update(Buffer.from(b.words.buffer, b.words.byteOffset, b.count * RECORD_WORDS * 4));
    h.update(JSON.stringify(b.texts));
  }
  return h.digest('hex');
}

describe('determinism', () => {
  it('the same program gives the same event stream on every run', () => {
    const hashes = [0, 1].map(() => {
      const b = racing();
      const batches: EventBatch[] = [];
      b.m.attach({ onBatch: (x) => batches.push(x) });
      b.run(200_000);
      return { hash: hashBatches(batches), data: b.m.mem.read64(DATA) };
    });
    expect(hashes[1]).toEqual(hashes[0]);
  });

  it('restoring a mid-way snapshot and running on gives the same events as the original run', () => {
    const b = racing();
    const events: { seq: number; words: number[] }[] = [];
    const collect = (x: EventBatch) => {
      for (let i = 0; i < x.count; i++) events.push({ seq: x.firstSeq + i, words: Array.from(x.words.subarray(i * RECORD_WORDS, (i + 1) * RECORD_WORDS)) });
    };
    b.m.attach({ onBatch: collect });
    b.run(37_777);
    const snaps: MachineSnapshot[] = [b.m.snapshot()];
    b.run(20_000);
    snaps.push(b.m.snapshot());
    const cut = events.length;
    b.run(100_000);
    const original = events.slice(cut);
    const finalData = b.m.mem.read64(DATA);

    // Replay from the two snapshots on a fresh machine: same events, same memory.
    const r = racing();
    const replay: typeof events = [];
    r.m.attach({ onBatch: (x) => { for (let i = 0; i < x.count; i++) replay.push({ seq: x.firstSeq + i, words: Array.from(x.words.subarray(i * RECORD_WORDS, (i + 1) * RECORD_WORDS)) }); } });
    r.m.restore(snaps[0]!);
    r.m.restore(snaps[1]!);
    r.run(100_000);
    expect(original.length).toBeGreaterThan(100);
    expect(replay).toEqual(original);
    expect(r.m.mem.read64(DATA)).toBe(finalData);
  });
});

describe('runUntil', () => {
  it('stops at the first instruction boundary at or after t, and running on matches an uninterrupted run', () => {
    const straight = racing();
    straight.m.run(60_000);
    const stepped = racing();
    for (const t of [1234, 5000, 17_777, 30_001]) {
      const r = stepped.m.runUntil(t);
      expect(r.time).toBeGreaterThanOrEqual(t);
      expect(r.time - t).toBeLessThanOrEqual(1);
    }
    // Same machine state after the same number of ticks either way.
    stepped.m.runUntil(straight.m.clock);
    expect(stepped.m.clock).toBe(straight.m.clock);
    expect(stepped.m.mem.read64(DATA)).toBe(straight.m.mem.read64(DATA));
    expect(stepped.m.vcpus.map((v) => v.save())).toEqual(straight.m.vcpus.map((v) => v.save()));
  });
});

describe('event time', () => {
  it('stamps an event with the time of the instruction that raised it, wherever the run was split', () => {
    const stamps = (split: number | null) => {
      const b = new BareMetal();
      b.load(0x100000, assemble('mov rax, 1\nnop\nnop\nsyscall\nhlt', 0x100000));
      b.load(0x7000, assemble('nop\nsysretq', 0x7000));
      b.map(0x100000, 1 | 4);
      const v = b.m.vcpus[0]!;
      v.star = (0x13n << 48n) | (0x08n << 32n); v.lstar = 0x7000;
      b.start(0, 0x100000, 0x9ff0, 3);
      if (split !== null) b.m.runUntil(split);
      b.run(100);
      return b.of('priv-switch').map((e) => [e.cause, e.t]);
    };
    // SYSCALL is the 4th instruction (time 3), SYSRET the 2nd of the handler (time 5).
    expect(stamps(null)).toEqual([['syscall', 3], ['sysret', 5]]);
    expect(stamps(2)).toEqual(stamps(null));
    expect(stamps(4)).toEqual(stamps(null));
  });
});

describe('stepping one CPU', () => {
  it('runs until the chosen CPU has executed exactly one more instruction, the others running their turns', () => {
    const b = racing();
    b.m.runUntil(1500); // CPU 1's turn has not come yet
    const v1 = b.m.vcpus[1]!;
    const rip = v1.cpu.rip;
    const before = b.m.vcpus.map((v) => v.cpu.rip);
    expect(b.m.runCpuInstruction(1, 100_000)).toBe(true);
    expect(v1.cpu.rip).not.toBe(rip);
    // CPU 0 finished its turn first (round robin), CPU 1 ran one instruction.
    expect(b.m.clock).toBeGreaterThan(1500);
    expect(b.m.vcpus[2]!.cpu.rip).toBe(before[2]);
    // The state reached is a state of the uninterrupted run at that instant.
    const straight = racing();
    straight.m.runUntil(b.m.clock);
    expect(straight.m.vcpus.map((v) => v.save())).toEqual(b.m.vcpus.map((v) => v.save()));
  });
});
