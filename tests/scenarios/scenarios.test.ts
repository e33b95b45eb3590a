import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBatch, RECORD_WORDS, type EventBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';
import { scenarioMachine } from '../../emulator/scenarios/scenario_machine.ts';
import { checkScenario } from './expectation.ts';
import { createHash } from 'node:crypto';

const BUILD = 'emulator/guest/build';
const built = existsSync(`${BUILD}/kernel.elf`) && existsSync(`${BUILD}/initrd.img`);
const files = built ? { kernel: readFileSync(`${BUILD}/kernel.elf`), initrd: readFileSync(`${BUILD}/initrd.img`) } : null;

describe.skipIf(!built)('scenarios', () => {
  it('ids are unique and include every id the app and scripts rely on', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['user-reads-kernel-pointer', 'write-validation', 'stack-smash',
      'stack-smash-checked', 'null-deref-user', 'null-deref-kernel', 'bad-user-pointer', 'lock-cycle',
      'lock-cycle-deadlock', 'spinlock-recursion', 'missing-pf-handler', 'missing-pf-and-df-handler',
      'kernel-stack-overflow', 'kernel-stack-overflow-no-ist', 'signal-bad-stack', 'signal-bad-stack-no-altstack',
      'privileged-instruction', 'oops-no-panic', 'smep', 'smap', 'nx', 'write-ro', 'syscall-stress']));
  });

  it('the README lists every scenario', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const s of SCENARIOS) expect(readme, s.id).toContain(`\`${s.id}\``);
  });

  for (const s of SCENARIOS) {
    it(`${s.id}: ${s.expected}`, () => {
      const m = scenarioMachine(s, files!);
      const events: MachineEvent[] = [];
      m.attach({ onBatch: (b) => events.push(...decodeBatch(b)) });
      const r = m.run(s.budget);
      m.flushConsole();
      checkScenario(s, r, events, m.consoleOutput);
    });
  }

  it('the same scenario run twice gives an identical event stream', () => {
    const s = SCENARIOS.find((x) => x.id === 'null-deref-kernel')!;
    const hash = () => {
      const m = scenarioMachine(s, files!);
      const h = createHash('sha256');
      m.attach({ onBatch: (b: EventBatch) => {
        h.update(Buffer.from(b.words.buffer, b.words.byteOffset, b.count * RECORD_WORDS * 4));
        h.update(JSON.stringify(b.texts));
      } });
      m.run(s.budget);
      return h.digest('hex');
    };
    expect(hash()).toBe(hash());
  });
});
