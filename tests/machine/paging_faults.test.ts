import { describe, expect, it } from 'vitest';
import { assemble, BareMetal, P, RW, US } from './bare_metal.ts';

// The article's first example: a user program reads a kernel address. The MMU finds the page
// present but supervisor-only and raises #PF with P=1, U=1 from CPL 3; the CPU switches to the
// kernel stack from TSS.RSP0 and enters the handler at CPL 0.
describe('user access to a supervisor page', () => {
  it('raises #PF with error code P|U, CR2 = the address, and enters the handler on RSP0', () => {
    const b = new BareMetal();
    b.load(0x100000, assemble('mov rax, [0x102000]\nhlt', 0x100000));
    b.load(0x7000, assemble('hlt', 0x7000));
    b.map(0x100000, P | US);          // user code
    b.map(0x101000, P | RW | US);     // user stack
    b.map(0x102000, P | RW);          // kernel data: supervisor-only
    b.gate(14, 0x7000);
    b.tssStack('rsp0', 0x9ff0);
    b.start(0, 0x100000, 0x101ff0, 3);
    b.run();
    const [pf] = b.of('exception');
    expect(pf).toMatchObject({ vector: 14, mnemonic: '#PF', errorCode: 0x5, cpl: 3, depth: 1, stack: 'rsp0' });
    expect(pf!.cr2).toBe(0x102000n);
    expect(pf!.rip).toBe(0x100000n);
    expect(b.m.vcpus[0]!.cpu.cr2).toBe(0x102000);
    const sw = b.of('priv-switch');
    expect(sw[0]).toMatchObject({ fromCpl: 3, toCpl: 0, cause: 'exception', vector: 14 });
    // The frame on the kernel stack: error code, RIP, CS, RFLAGS, RSP, SS.
    const mem = b.m.mem;
    expect(mem.read64(0x9ff0 - 48)).toBe(5n);
    expect(mem.read64(0x9ff0 - 40)).toBe(0x100000n);
    expect(mem.read64(0x9ff0 - 32)).toBe(0x23n);
    expect(mem.read64(0x9ff0 - 16)).toBe(0x101ff0n);
    expect(b.of('halt')).toHaveLength(1);
  });

  it('CLI at CPL 3 raises #GP(0)', () => {
    const b = new BareMetal();
    b.load(0x100000, assemble('cli', 0x100000));
    b.load(0x7000, assemble('hlt', 0x7000));
    b.map(0x100000, P | US);
    b.map(0x101000, P | RW | US);
    b.gate(13, 0x7000);
    b.tssStack('rsp0', 0x9ff0);
    b.start(0, 0x100000, 0x101ff0, 3);
    b.run();
    expect(b.of('exception')[0]).toMatchObject({ vector: 13, errorCode: 0, cpl: 3 });
  });
});

// The article's IDT example: vector 14 has no gate. The #PF cannot be delivered: an all-zero
// entry is not a valid gate type (#GP), a gate with P=0 is not present (#NP), both with the IDT
// error-code format and EXT set. #PF then #GP/#NP is promoted to #DF by Table 6-5; with #DF's
// gate missing too, the CPU shuts down: a triple fault.
describe('missing page-fault handler', () => {
  function setup(withDoubleFaultGate: boolean, ist: number, notPresentGate = false) {
    const b = new BareMetal();
    if (notPresentGate) b.m.mem.write64(0x6000 + 14 * 16, 0xen << 40n); // type 0xE, P = 0
    b.load(0x100000, assemble('mov rax, [0x300000]\nhlt', 0x100000));
    b.load(0x7000, assemble('hlt', 0x7000));
    b.map(0x100000, P);
    if (withDoubleFaultGate) b.gate(8, 0x7000, { ist });
    b.tssStack(1, 0xaff0);
    b.start(0, 0x100000, 0x9ff0, 0);
    b.run();
    return b;
  }

  it('an empty gate gives #PF -> #GP -> #DF, and the #DF handler runs', () => {
    const b = setup(true, 1);
    const ex = b.of('exception');
    expect(ex.map((e) => e.mnemonic)).toEqual(['#PF', '#GP', '#DF']);
    expect(ex[0]).toMatchObject({ errorCode: 0, delivered: false });
    expect(ex[1]).toMatchObject({ errorCode: 14 * 8 + 2 + 1, duringDelivery: true, previousVector: 14 });
    expect(ex[2]).toMatchObject({ errorCode: 0, promoted: true, delivered: true, stack: 'ist1' });
    expect(b.of('triple-fault')).toHaveLength(0);
  });

  it('a not-present gate gives #PF -> #NP -> #DF', () => {
    const b = setup(true, 1, true);
    expect(b.of('exception').map((e) => e.mnemonic)).toEqual(['#PF', '#NP', '#DF']);
    expect(b.of('exception')[1]!.errorCode).toBe(14 * 8 + 2 + 1);
  });

  it('with #DF missing too, ends in a triple fault', () => {
    const b = setup(false, 0);
    expect(b.of('exception').map((e) => e.mnemonic)).toEqual(['#PF', '#GP', '#DF', '#GP']);
    expect(b.of('triple-fault')).toHaveLength(1);
  });
});

// The article's stack-overflow example: a push into the unmapped guard page faults, the #PF
// frame cannot be pushed on the same stack (a second #PF during delivery), so #DF. On IST1 the
// #DF handler runs; without an IST, #DF cannot push its frame either: triple fault.
describe('kernel stack overflow', () => {
  function setup(ist: number) {
    const b = new BareMetal();
    b.load(0x100000, assemble('1: push rax\njmp 1b', 0x100000));
    b.load(0x7000, assemble('hlt', 0x7000));
    b.map(0x100000, P);
    b.unmap(0x9000); // guard page below the stack page at 0xa000
    b.gate(14, 0x7000);
    b.gate(8, 0x7000, { ist });
    b.tssStack(1, 0xbff0);
    b.start(0, 0x100000, 0xb000, 0);
    b.run();
    return b;
  }

  it('with IST1 for #DF, the handler runs on the emergency stack', () => {
    const b = setup(1);
    const ex = b.of('exception');
    expect(ex.map((e) => e.mnemonic)).toEqual(['#PF', '#PF', '#DF']);
    expect(ex[0]!.cr2).toBe(0x9ff8n);
    expect(ex[1]).toMatchObject({ duringDelivery: true, errorCode: 2 });
    expect(ex[2]).toMatchObject({ promoted: true, delivered: true, stack: 'ist1' });
    expect(b.of('triple-fault')).toHaveLength(0);
  });

  it('without an IST, triple fault', () => {
    const b = setup(0);
    expect(b.of('triple-fault')).toHaveLength(1);
  });
});

describe('run control', () => {
  it('stops right after the instruction that raised an event of a requested kind', () => {
    const b = new BareMetal();
    b.load(0x100000, assemble('mov rax, 1\nmov rbx, [0x300000]\nmov rcx, 3\nhlt', 0x100000));
    b.load(0x7000, assemble('mov rdx, 4\nhlt', 0x7000));
    b.gate(14, 0x7000);
    b.start(0, 0x100000, 0x9ff0, 0);
    const r = b.m.run(1000, undefined, [2 /* EventKind.Exception */]);
    expect(r.cause).toBe('event');
    const cpu = b.m.vcpus[0]!.cpu;
    expect(cpu.rip).toBe(0x7000); // at the handler's first instruction, not past it
    expect(cpu.reg64(0)).toBe(1n);
    expect(cpu.reg64(2)).toBe(0n);
  });
});
