import { describe, expect, it } from 'vitest';
import { assemble, BareMetal, P, RW, US } from './bare_metal.ts';

const HANDLER = 0x7000;

/** A machine whose #PF, #GP and #UD gates lead to a HLT, with user code and stack mapped. */
function machine(code: string, opts: { cpl: 0 | 3; setup?: (b: BareMetal) => void }): BareMetal {
  const b = new BareMetal();
  b.load(0x100000, assemble(code, 0x100000));
  b.load(HANDLER, assemble('hlt', HANDLER));
  for (const v of [6, 13, 14]) b.gate(v, HANDLER);
  b.tssStack('rsp0', 0x9ff0);
  if (opts.cpl === 3) {
    b.map(0x100000, P | US);
    b.map(0x101000, P | RW | US);
  }
  opts.setup?.(b);
  b.start(0, 0x100000, 0x101ff0, opts.cpl);
  b.run();
  return b;
}

describe('paging protection', () => {
  it('a user write to a read-only user page faults with P|W|U', () => {
    const b = machine('mov qword ptr [0x103000], 1\nhlt', { cpl: 3, setup: (b) => b.map(0x103000, P | US) });
    expect(b.of('exception')[0]).toMatchObject({ vector: 14, errorCode: 7, cr2: 0x103000n });
  });

  it('a supervisor write to a read-only page faults only with CR0.WP = 1', () => {
    const ro = (b: BareMetal) => b.map(0x103000, P);
    const withWp = machine('mov qword ptr [0x103000], 1\nhlt', { cpl: 0, setup: ro });
    expect(withWp.of('exception')[0]).toMatchObject({ vector: 14, errorCode: 3, cpl: 0 });
    const noWp = machine('mov qword ptr [0x103000], 1\nhlt', {
      cpl: 0, setup: (b) => { ro(b); b.m.vcpus[0]!.cpu.cr0 &= ~(1 << 16); },
    });
    expect(noWp.of('exception')).toHaveLength(0);
    expect(noWp.m.mem.read64(0x103000)).toBe(1n);
  });

  it('fetching from an NX page faults with P|I/D', () => {
    const b = machine('mov rax, 0x104000\njmp rax', {
      cpl: 0, setup: (b) => { b.load(0x104000, assemble('hlt', 0x104000)); b.map(0x104000, P | RW, true); },
    });
    expect(b.of('exception')[0]).toMatchObject({ vector: 14, errorCode: 0x11, cr2: 0x104000n });
  });

  it('SMEP: the kernel executing a user page faults with P|I/D', () => {
    const b = machine('mov rax, 0x104000\njmp rax', {
      cpl: 0, setup: (b) => {
        b.load(0x104000, assemble('hlt', 0x104000)); b.map(0x104000, P | US);
        b.m.vcpus[0]!.cpu.cr4 |= 1 << 20;
      },
    });
    expect(b.of('exception')[0]).toMatchObject({ vector: 14, errorCode: 0x11, cr2: 0x104000n, cpl: 0 });
  });

  it('SMAP: a kernel read of a user page faults unless RFLAGS.AC is set (STAC)', () => {
    const smap = (b: BareMetal) => { b.map(0x104000, P | RW | US); b.m.vcpus[0]!.cpu.cr4 |= 1 << 21; };
    const denied = machine('mov rax, [0x104000]\nhlt', { cpl: 0, setup: smap });
    expect(denied.of('exception')[0]).toMatchObject({ vector: 14, errorCode: 1, cr2: 0x104000n });
    const allowed = machine('stac\nmov rax, [0x104000]\nclac\nmov rbx, [0x104000]\nhlt', { cpl: 0, setup: smap });
    const ex = allowed.of('exception');
    expect(ex).toHaveLength(1); // only the read after CLAC
    expect(ex[0]!.rip).toBe(0x100000n + 3n + 8n + 3n);
  });
});

describe('privilege checks', () => {
  it('INT n through a DPL 0 gate from CPL 3 raises #GP(vector*8+2)', () => {
    const b = machine('int 0x80\nhlt', { cpl: 3, setup: (b) => b.gate(0x80, HANDLER, { dpl: 0 }) });
    expect(b.of('exception')[0]).toMatchObject({ vector: 13, errorCode: 0x80 * 8 + 2 });
  });

  it('INT n through a DPL 3 gate enters the handler at CPL 0 on RSP0', () => {
    const b = machine('int 0x80\nhlt', { cpl: 3, setup: (b) => b.gate(0x80, HANDLER, { dpl: 3 }) });
    expect(b.of('exception')).toHaveLength(0);
    expect(b.of('interrupt')[0]).toMatchObject({ vector: 0x80, source: 'software', cpl: 3, stack: 'rsp0' });
    expect(b.m.vcpus[0]!.cpu.cpl).toBe(0);
  });

  it.each(['hlt', 'mov rax, cr3', 'wrmsr', 'swapgs', 'lidt [rsp]', 'invlpg [rax]', 'in al, 0x60'])(
    '%s at CPL 3 raises #GP(0)', (insn) => {
      const b = machine(insn, { cpl: 3 });
      expect(b.of('exception')[0]).toMatchObject({ vector: 13, errorCode: 0, cpl: 3 });
    });
});

describe('SYSCALL and SYSRET', () => {
  const STAR = (0x13n << 48n) | (0x08n << 32n); // SYSRET: CS = 0x23, SS = 0x1b; SYSCALL: CS = 0x08

  /** User code at 0x100000 making system calls into `kernel` (at LSTAR = 0x7000); #GP halts. */
  function syscallMachine(user: string, kernel: string, fmask = 0): BareMetal {
    const b = new BareMetal();
    b.load(0x100000, assemble(user, 0x100000));
    b.load(0x7000, assemble(kernel, 0x7000));
    b.load(0x7100, assemble('hlt', 0x7100));
    b.gate(13, 0x7100);
    b.map(0x100000, P | US);
    b.map(0x101000, P | RW | US);
    b.tssStack('rsp0', 0x9ff0);
    const v = b.m.vcpus[0]!;
    v.star = STAR; v.lstar = 0x7000; v.fmask = fmask;
    b.start(0, 0x100000, 0x101ff0, 3);
    v.cpu.flags.set(0x202);
    b.run();
    return b;
  }

  it('round-trips between CPL 3 and CPL 0 with RCX/R11 and the FMASK', () => {
    const b = syscallMachine('mov rax, 42\nsyscall\nmov rbx, rax\nhlt', 'add rax, 1\nsysretq', 0x200);
    const v = b.m.vcpus[0]!;
    const sw = b.of('priv-switch');
    expect(sw.map((e) => e.cause)).toEqual(['syscall', 'sysret', 'exception']);
    expect(sw[0]).toMatchObject({ fromCpl: 3, toCpl: 0, ripAfter: 0x7000n });
    expect(sw[1]).toMatchObject({ fromCpl: 0, toCpl: 3, ripAfter: 0x100000n + 7n + 2n });
    // Back at CPL 3, HLT is privileged: #GP(0), after RBX got the kernel's answer.
    expect(b.of('exception')[0]).toMatchObject({ vector: 13, cpl: 3 });
    expect(v.cpu.reg64(3)).toBe(43n);
    expect(v.cpu.reg64(11) & 0x200n).toBe(0x200n); // R11 held the user's RFLAGS (IF set)
  });

  it('SYSRET to a non-canonical RCX raises #GP(0) at CPL 0', () => {
    const b = syscallMachine('syscall', 'mov rcx, 0x0000800000000000\nsysretq');
    expect(b.of('exception')[0]).toMatchObject({ vector: 13, errorCode: 0, cpl: 0 });
  });
});
