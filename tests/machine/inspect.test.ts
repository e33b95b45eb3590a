import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePageFaultError, decodeSelectorError, describePageFault, readIdt, readTss, readU64, readVirtual, walk } from '../../emulator/machine/inspect.ts';
import { findScenario } from '../../emulator/scenarios/catalogue.ts';
import { scenarioMachine } from '../../emulator/scenarios/scenario_machine.ts';
import { BareMetal, P, RW } from './bare_metal.ts';

describe('inspecting the machine without touching it', () => {
  it('names the bits of error codes', () => {
    expect(describePageFault(0x5)).toBe('user-mode read: protection violation');
    expect(describePageFault(0x2)).toBe('supervisor-mode write: page not present');
    expect(describePageFault(0x11)).toBe('supervisor-mode instruction fetch: protection violation');
    expect(decodePageFaultError(0x5).filter((b) => b.set).map((b) => b.name)).toEqual(['P', 'U/S']);
    expect(decodeSelectorError(14 * 8 + 3)).toMatchObject({ ext: true, idt: true, index: 14 });
    expect(decodeSelectorError(14 * 8 + 3).text).toBe('IDT entry 14 (vector 14), while delivering an earlier event (EXT)');
  });

  it('reads the IDT and TSS through the page tables and marks missing gates', () => {
    const b = new BareMetal();
    b.gate(14, 0x7000);
    b.gate(8, 0x7100, { ist: 1 });
    b.m.mem.write64(0x6000 + 13 * 16, 0xen << 40n); // type 0xE, not present
    b.tssStack('rsp0', 0x9ff0);
    b.tssStack(1, 0xaff0);
    const v = b.m.vcpus[0]!;
    const idt = readIdt(v, 32);
    expect(idt[14]).toMatchObject({ present: true, type: 0xe, handler: 0x7000n, ist: 0, problem: null });
    expect(idt[8]).toMatchObject({ ist: 1, handler: 0x7100n });
    expect(idt[13]!.problem).toBe('gate not present (#NP)');
    expect(idt[0]!.problem).toBe('not a 64-bit interrupt or trap gate (#GP)');
    const tss = readTss(v);
    expect(tss.rsp[0]).toBe(0x9ff0n);
    expect(tss.ist[0]).toBe(0xaff0n);
    expect(tss.ist[1]).toBe(0n);
  });

  it('walks the page tables and says which bit denies an access, without setting A/D', () => {
    const b = new BareMetal();
    b.map(0x104000, P | RW);
    const v = b.m.vcpus[0]!;
    const before = b.m.mem.read64(0x4000 + 0x104 * 8);
    const w = walk(v, 0x104000, 'read', true);
    expect(w.steps.map((s) => s.level)).toEqual([4, 3, 2, 1]);
    expect(w.phys).toBe(-1);
    expect(w.errorCode).toBe(0x5);
    expect(w.reason).toContain('U/S=0');
    expect(walk(v, 0x104000, 'read', false).phys).toBe(0x104000);
    expect(b.m.mem.read64(0x4000 + 0x104 * 8)).toBe(before);
    b.m.mem.write64(0x104010, 0x1122334455667788n);
    expect(readU64(v, 0x104010)).toBe(0x1122334455667788n);
    b.unmap(0x105000);
    expect(readVirtual(v, 0x104ffe, 4)).toEqual([0, 0, null, null]);
  });
});

const BUILD = 'emulator/guest/build';
const built = existsSync(`${BUILD}/kernel.elf`);

describe.skipIf(!built)('inspecting the guest after the article\'s cascades', () => {
  const files = built ? { kernel: readFileSync(`${BUILD}/kernel.elf`), initrd: readFileSync(`${BUILD}/initrd.img`) } : null;
  it('missing-pf-handler: the IDT shows vector 14 empty and #DF on IST1', () => {
    const m = scenarioMachine(findScenario('missing-pf-handler')!, files!);
    m.run(findScenario('missing-pf-handler')!.budget);
    const idt = readIdt(m.vcpus[0]!, 32);
    expect(idt[14]!.problem).not.toBeNull();
    expect(idt[8]).toMatchObject({ present: true, ist: 1, problem: null });
    expect(readTss(m.vcpus[0]!).ist[0]).not.toBe(0n);
  });

  it('kernel-stack-overflow-no-ist: the #DF gate names no IST stack', () => {
    const s = { ...findScenario('kernel-stack-overflow-no-ist')!, maxResets: 0 };
    const m = scenarioMachine(s, files!);
    m.run(s.budget);
    expect(readIdt(m.vcpus[0]!, 32)[8]!.ist).toBe(0);
  });
});
