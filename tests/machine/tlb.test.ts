import { describe, expect, it } from 'vitest';
import { assemble, BareMetal, P, RW, wrmsrAsm } from './bare_metal.ts';

const G = 0x100; // global page (with CR4.PGE)
const A = 0x20, D = 0x40;

describe('paging state the CPU keeps and updates', () => {
  it('sets the accessed bit on a read and the dirty bit on a write (SDM 4.8)', () => {
    const b = new BareMetal();
    b.load(0x100000, assemble('mov rax, [0x104000]\nmov qword ptr [0x105000], 1\nhlt', 0x100000));
    b.map(0x104000, P | RW);
    b.map(0x105000, P | RW);
    b.start(0, 0x100000, 0x9ff0, 0);
    b.run();
    const pte = (va: number) => Number(b.m.mem.read64(0x4000 + (va >>> 12) * 8) & 0xfffn);
    expect(pte(0x104000) & (A | D)).toBe(A);
    expect(pte(0x105000) & (A | D)).toBe(A | D);
  });

  /**
   * Remaps a page behind the TLB's back, then reloads CR3 and reads it again: a global entry
   * survives the CR3 write (the stale mapping is still used), a non-global one does not, and
   * INVLPG drops either (SDM 4.10.4).
   */
  function staleRead(global: boolean, invlpg: boolean): bigint {
    const b = new BareMetal();
    b.m.mem.write64(0x104000, 0x1111n);
    b.m.mem.write64(0x106000, 0x2222n);
    b.load(0x100000, assemble(`
      mov rax, [0x104000]
      mov qword ptr [0x4000 + 0x104 * 8], 0x106000 | 3 | ${global ? G : 0}
      ${invlpg ? 'invlpg [0x104000]' : 'mov rbx, cr3\nmov cr3, rbx'}
      mov rcx, [0x104000]
      hlt`, 0x100000));
    b.map(0x104000, P | RW | (global ? G : 0));
    b.m.vcpus[0]!.cpu.cr4 |= 1 << 7; // PGE
    b.start(0, 0x100000, 0x9ff0, 0);
    b.run();
    return b.m.vcpus[0]!.cpu.reg64(1);
  }

  it('a CR3 write flushes non-global translations', () => expect(staleRead(false, false)).toBe(0x2222n));
  it('a CR3 write keeps global translations (CR4.PGE)', () => expect(staleRead(true, false)).toBe(0x1111n));
  it('INVLPG drops a global translation too', () => expect(staleRead(true, true)).toBe(0x2222n));
});

describe('interrupt shadow', () => {
  it('STI lets the next instruction run before a pending interrupt is taken (SDM 6.8.3)', () => {
    const b = new BareMetal();
    const wr = wrmsrAsm;
    // Make a self-IPI pending with interrupts off, then STI; MOV: the MOV must run first.
    b.load(0x100000, assemble(`
      ${wr(0x80f, 0x1ff)}
      ${wr(0x83f, 0x40)}
      sti
      mov rbx, 7
      mov rbx, 8
      hlt`, 0x100000));
    b.load(0x7000, assemble('mov r12, rbx\nhlt', 0x7000));
    b.gate(0x40, 0x7000);
    b.start(0, 0x100000, 0x9ff0, 0);
    b.run();
    expect(b.m.vcpus[0]!.cpu.reg64(12)).toBe(7n);
  });
});
