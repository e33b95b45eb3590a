import { describe, expect, it } from 'vitest';
import { assemble, BareMetal, wrmsrAsm } from './bare_metal.ts';

// Shared data lives at 0x150000; each CPU's stack at 0x20000 + 0x1000 * (id + 1).
const DATA = 0x150000;
const stackOf = (id: number) => 0x20000 + 0x1000 * (id + 1) - 16;

/** Reads this CPU's APIC ID into RAX. */
const APIC_ID = 'mov ecx, 0x802\nrdmsr';
/** Writes EDX:EAX to the x2APIC register `msr`. */
const wrmsr = wrmsrAsm;
const EOI = wrmsr(0x80b, 0);

describe('SMP', () => {
  it('a LOCK-prefixed counter incremented by 4 CPUs reaches the exact total', () => {
    const b = new BareMetal(4);
    b.load(0x100000, assemble(`
      mov rcx, 20000
    1: lock inc qword ptr [${DATA}]
      dec rcx
      jnz 1b
      hlt`, 0x100000));
    for (let i = 0; i < 4; i++) b.start(i, 0x100000, stackOf(i), 0);
    const r = b.run(1_000_000);
    expect(r.cause).toBe('all-halted');
    expect(b.m.mem.read64(DATA)).toBe(80000n);
  });

  it('the APIC timer interrupts every CPU, periodically', () => {
    const b = new BareMetal(4);
    b.load(0x100000, assemble(`
      ${wrmsr(0x80f, 0x1ff)}
      ${wrmsr(0x83e, 0xb)}
      ${wrmsr(0x832, 0x20 | (1 << 17))}
      ${wrmsr(0x838, 5000)}
      sti
    1: hlt
      jmp 1b`, 0x100000));
    b.load(0x7000, assemble(`
      push rax
      push rcx
      push rdx
      ${APIC_ID}
      lock inc qword ptr [${DATA} + rax*8]
      ${EOI}
      pop rdx
      pop rcx
      pop rax
      iretq`, 0x7000));
    b.gate(0x20, 0x7000);
    for (let i = 0; i < 4; i++) b.start(i, 0x100000, stackOf(i), 0);
    b.run(20_000);
    const ticks = [0, 1, 2, 3].map((i) => Number(b.m.mem.read64(DATA + 8 * i)));
    for (const t of ticks) expect(t).toBeGreaterThanOrEqual(3);
    const timer = b.of('interrupt').filter((e) => e.source === 'timer');
    expect(new Set(timer.map((e) => e.cpu))).toEqual(new Set([0, 1, 2, 3]));
    // Every delivered tick is acknowledged, but for at most one still in its handler per CPU.
    const inFlight = timer.length - b.of('eoi').length;
    expect(inFlight).toBeGreaterThanOrEqual(0);
    expect(inFlight).toBeLessThanOrEqual(4);
  });

  it('an IPI ping: CPU 0 interrupts CPU 1, which answers with an IPI back', () => {
    const b = new BareMetal(2);
    // CPU 0: enable the APIC, wait until CPU 1 is ready, send it vector 0x40, wait for the answer.
    b.load(0x100000, assemble(`
      ${wrmsr(0x80f, 0x1ff)}
      sti
    0: pause
      cmp qword ptr [${DATA} + 16], 0
      je 0b
      ${wrmsr(0x830, 0x40, 1)}
    1: hlt
      cmp qword ptr [${DATA} + 8], 0
      je 1b
      cli
      hlt`, 0x100000));
    // CPU 1: enable the APIC (a software-disabled APIC drops fixed IPIs), say so, and wait.
    b.load(0x101000, assemble(`
      ${wrmsr(0x80f, 0x1ff)}
      mov qword ptr [${DATA} + 16], 1
      sti
    1: hlt
      jmp 1b`, 0x101000));
    // 0x40 on CPU 1: record, answer with 0x41 to CPU 0. 0x41 on CPU 0: record.
    b.load(0x7000, assemble(`
      mov qword ptr [${DATA}], 1
      ${wrmsr(0x830, 0x41, 0)}
      ${EOI}
      iretq`, 0x7000));
    b.load(0x7100, assemble(`
      mov qword ptr [${DATA} + 8], 1
      ${EOI}
      iretq`, 0x7100));
    b.gate(0x40, 0x7000);
    b.gate(0x41, 0x7100);
    b.start(0, 0x100000, stackOf(0), 0);
    b.start(1, 0x101000, stackOf(1), 0);
    b.run(50_000);
    expect(b.m.mem.read64(DATA)).toBe(1n);
    expect(b.m.mem.read64(DATA + 8)).toBe(1n);
    const ipis = b.of('ipi');
    expect(ipis.map((e) => [e.cpu, e.target, e.vector])).toEqual([[0, 1, 0x40], [1, 0, 0x41]]);
    const irq = b.of('interrupt').filter((e) => e.source === 'ipi');
    expect(irq.map((e) => [e.cpu, e.vector])).toEqual([[1, 0x40], [0, 0x41]]);
  });

  it('a start-up IPI starts a waiting CPU at the mailbox entry', () => {
    const b = new BareMetal(2);
    b.load(0x100000, assemble(`
      mov dword ptr [0x8004], 1
      mov qword ptr [0x8008], 0x101000
      mov qword ptr [0x8010], 0x1234
      mov qword ptr [0x8018], ${stackOf(1)}
      mov dword ptr [0x8000], 1
      ${wrmsr(0x830, 6 << 8, 1)}
    1: cmp dword ptr [0x8000], 0
      jne 1b
      hlt`, 0x100000));
    b.load(0x101000, assemble(`mov [${DATA}], rdi\nmov [${DATA} + 8], rsi\nhlt`, 0x101000));
    b.start(0, 0x100000, stackOf(0), 0);
    b.run(10_000);
    expect(b.of('cpu-start')).toMatchObject([{ cpu: 1, rip: 0x101000n }]);
    expect(b.m.mem.read64(DATA)).toBe(0x1234n);
    expect(b.m.mem.read64(DATA + 8)).toBe(1n);
  });

  it('an NMI is delivered on IST2 and a second one waits for IRETQ', () => {
    const b = new BareMetal(2);
    // CPU 0 sends two NMIs to CPU 1, which spins with interrupts off.
    b.load(0x100000, assemble(`
      ${wrmsr(0x830, 4 << 8, 1)}
      ${wrmsr(0x830, 4 << 8, 1)}
      hlt`, 0x100000));
    b.load(0x101000, assemble('cli\n1: pause\njmp 1b', 0x101000));
    b.load(0x7000, assemble(`lock inc qword ptr [${DATA}]\niretq`, 0x7000));
    b.gate(2, 0x7000, { ist: 2 });
    b.tssStack(2, 0xcff0);
    b.start(0, 0x100000, stackOf(0), 0);
    b.start(1, 0x101000, stackOf(1), 0);
    b.run(20_000);
    const nmis = b.of('interrupt').filter((e) => e.source === 'nmi');
    expect(nmis.length).toBeGreaterThanOrEqual(1);
    expect(nmis[0]).toMatchObject({ cpu: 1, vector: 2, stack: 'ist2', handlerRsp: 0xcff0n - 40n });
    expect(Number(b.m.mem.read64(DATA))).toBe(nmis.length);
  });
});
