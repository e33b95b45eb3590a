import { describe, expect, it } from 'vitest';
import {
  X2Apic, type Ipi, ipiTargets, timerDivisor, DM_FIXED, DM_NMI, DM_INIT, DM_STARTUP, SH_ALL_BUT_SELF,
  SH_SELF, ESR_SEND_ILLEGAL_VECTOR,
} from '../../../emulator/machine/x2apic.ts';

function apic(id = 0) {
  const clock = { t: 0 };
  const ipis: Ipi[] = [];
  const eois: number[] = [];
  const a = new X2Apic(id, { now: () => clock.t, sendIpi: (i) => ipis.push(i), onEoi: (v) => eois.push(v) });
  const w = (msr: number, v: number | bigint) => expect(a.writeMsr(msr, BigInt(v))).toBe(true);
  const r = (msr: number) => a.readMsr(msr);
  return { a, clock, ipis, eois, w, r };
}

/** Enables the APIC (SVR bit 8, spurious vector 0xff), as every kernel does first. */
function enabled(id = 0) {
  const x = apic(id);
  x.w(0x80f, 0x1ff);
  return x;
}

describe('x2APIC registers', () => {
  it('starts in x2APIC mode with the BSP flag on CPU 0 only, and reports its ID', () => {
    expect(apic(0).r(0x1b)).toBe(0xfee00d00n);
    expect(apic(2).r(0x1b)).toBe(0xfee00c00n);
    expect(apic(2).r(0x802)).toBe(2n);
    expect(apic(0).r(0x803)).toBe(0x50014n);
    expect(apic(17).r(0x80d)).toBe(0x10002n); // logical ID: cluster 1, bit 1
  });

  it('raises #GP for writes to read-only registers, reads of write-only ones and unknown MSRs', () => {
    const { a } = apic();
    expect(a.writeMsr(0x802, 5n)).toBe(false);
    expect(a.writeMsr(0x803, 0n)).toBe(false);
    expect(a.writeMsr(0x839, 0n)).toBe(false);
    expect(a.writeMsr(0x820, 0n)).toBe(false);
    expect(a.readMsr(0x80b)).toBeNull();
    expect(a.readMsr(0x83f)).toBeNull();
    expect(a.readMsr(0x82f)).toBeNull();
    expect(a.readMsr(0xc0000080)).toBeNull();
    expect(a.writeMsr(0x80b, 1n)).toBe(false); // non-zero EOI
    expect(a.writeMsr(0x808, 1n << 32n)).toBe(false); // upper half reserved
  });

  it('follows the SDM mode transitions of IA32_APIC_BASE', () => {
    const { a } = apic();
    expect(a.writeMsr(0x1b, 0xfee00900n)).toBe(false); // x2APIC -> xAPIC is invalid
    expect(a.writeMsr(0x1b, 0xfee00400n)).toBe(false); // EXTD without EN
    expect(a.writeMsr(0x1b, 0xfee00000n)).toBe(true); // disable
    expect(a.readMsr(0x802)).toBeNull(); // x2APIC registers gone
    expect(a.writeMsr(0x1b, 0xfee00c00n)).toBe(false); // disabled -> x2APIC must pass xAPIC
    expect(a.writeMsr(0x1b, 0xfee00800n)).toBe(true);
    expect(a.writeMsr(0x1b, 0xfee00c00n)).toBe(true);
    expect(a.readMsr(0x1b)).toBe(0xfee00d00n); // BSP flag kept
    expect(a.readMsr(0x802)).toBe(0n);
  });

  it('stores the LVT LINT and error entries, and forces their masks while software-disabled', () => {
    const { a, w, r } = apic();
    w(0x835, 0x700);
    expect(r(0x835)).toBe(0x10700n); // SVR bit 8 clear: mask stays set
    w(0x80f, 0x1ff);
    w(0x835, 0x700);
    w(0x836, 0x400);
    w(0x837, 0xfe);
    expect([r(0x835), r(0x836), r(0x837)]).toEqual([0x700n, 0x400n, 0xfen]);
    w(0x80f, 0x0ff);
    expect([r(0x835), r(0x836), r(0x837), r(0x832)]).toEqual([0x10700n, 0x10400n, 0x100fen, 0x10000n]);
    expect(a.softwareEnabled).toBe(false);
    expect(a.writeMsr(0x80f, 0x11ffn)).toBe(false); // EOI-broadcast suppression: not offered
    w(0x80f, 0x3ff);
    expect(r(0x80f)).toBe(0x3ffn);
  });
});

describe('x2APIC interrupt acceptance and priority', () => {
  it('delivers the highest pending vector and moves it from IRR to ISR on ack', () => {
    const { a, r } = enabled();
    expect(a.highestDeliverable()).toBe(-1);
    a.acceptFixed(0x31);
    a.acceptFixed(0x45);
    expect(r(0x821)).toBe(1n << 17n); // IRR bit 0x31
    expect(r(0x822)).toBe(1n << 5n); // IRR bit 0x45
    expect(a.highestDeliverable()).toBe(0x45);
    a.ack(0x45);
    expect(r(0x812)).toBe(1n << 5n); // ISR
    expect(r(0x822)).toBe(0n);
    // 0x31 is in a lower priority class than the in-service 0x45: held.
    expect(a.highestDeliverable()).toBe(-1);
    expect(r(0x80a)).toBe(0x40n); // PPR = in-service class
  });

  it('lets a higher class preempt, not the same class; EOI retires the highest in-service vector', () => {
    const { a, w, eois } = enabled();
    a.acceptFixed(0x40);
    a.ack(0x40);
    a.acceptFixed(0x4f);
    expect(a.highestDeliverable()).toBe(-1); // same class 4
    a.acceptFixed(0x50);
    expect(a.highestDeliverable()).toBe(0x50);
    a.ack(0x50);
    w(0x80b, 0);
    expect(eois).toEqual([0x50]);
    expect(a.isInService(0x40)).toBe(true);
    expect(a.highestDeliverable()).toBe(-1);
    w(0x80b, 0);
    expect(eois).toEqual([0x50, 0x40]);
    expect(a.highestDeliverable()).toBe(0x4f);
    a.ack(0x4f);
    w(0x80b, 0);
    w(0x80b, 0); // nothing in service
    expect(eois).toEqual([0x50, 0x40, 0x4f, -1]);
  });

  it('holds vectors whose class is not above the TPR class', () => {
    const { a, w, r } = enabled();
    w(0x808, 0x52);
    a.acceptFixed(0x5f);
    expect(a.highestDeliverable()).toBe(-1);
    expect(r(0x80a)).toBe(0x52n);
    a.acceptFixed(0x60);
    expect(a.highestDeliverable()).toBe(0x60);
    w(0x808, 0);
    a.ack(0x60);
    expect(a.highestDeliverable()).toBe(-1);
  });

  it('rejects illegal vectors and drops fixed interrupts while software-disabled', () => {
    const x = apic();
    expect(x.a.acceptFixed(0x40)).toBe(false);
    x.w(0x80f, 0x1ff);
    expect(x.a.acceptFixed(0x0e)).toBe(false);
    expect(x.r(0x828)).toBe(0x40n); // receive illegal vector
    x.w(0x828, 0);
    expect(x.r(0x828)).toBe(0n);
    expect(x.a.acceptFixed(0x40)).toBe(true);
  });

  it('reports what raised each vector when it is taken', () => {
    const { a, w, clock } = enabled();
    w(0x832, 0x20);
    w(0x838, 1);
    clock.t = 2;
    expect(a.tick(2)).toBe(true);
    a.acceptFixed(0x30);
    expect(a.ack(a.highestDeliverable())).toBe(1); // IPI
    expect(a.ack(0x20)).toBe(0); // timer
  });
});

describe('x2APIC ICR', () => {
  it('decodes destination, vector, delivery mode and shorthand into an IPI', () => {
    const { a, w, r, ipis } = enabled(1);
    w(0x830, (3n << 32n) | 0x4000n | 0xf0n);
    w(0x830, (2n << 32n) | BigInt(DM_NMI << 8));
    w(0x830, (2n << 32n) | BigInt((DM_INIT << 8) | 0x4000));
    w(0x830, (2n << 32n) | BigInt((DM_STARTUP << 8) | 0x08));
    w(0x830, BigInt((SH_ALL_BUT_SELF << 18) | 0xfd));
    expect(ipis).toEqual([
      { from: 1, dest: 3, mode: DM_FIXED, vector: 0xf0, shorthand: 0, logical: false },
      { from: 1, dest: 2, mode: DM_NMI, vector: 0, shorthand: 0, logical: false },
      { from: 1, dest: 2, mode: DM_INIT, vector: 0, shorthand: 0, logical: false },
      { from: 1, dest: 2, mode: DM_STARTUP, vector: 8, shorthand: 0, logical: false },
      { from: 1, dest: 0, mode: DM_FIXED, vector: 0xfd, shorthand: SH_ALL_BUT_SELF, logical: false },
    ]);
    expect(r(0x830)).toBe(BigInt((SH_ALL_BUT_SELF << 18) | 0xfd));
    expect(a.readMsr(0x830)).not.toBeNull();
  });

  it('raises #GP for reserved bits and unsupported modes; an illegal fixed vector is not sent', () => {
    const { a, r, ipis } = enabled();
    expect(a.writeMsr(0x830, 0x1000n | 0x40n)).toBe(false); // bit 12
    expect(a.writeMsr(0x830, 0x200n | 0x40n)).toBe(false); // SMI
    expect(a.writeMsr(0x830, 0x700n)).toBe(false); // reserved mode 111
    expect(a.writeMsr(0x830, 0x05n)).toBe(true);
    expect(ipis).toEqual([]);
    expect(r(0x828)).toBe(BigInt(ESR_SEND_ILLEGAL_VECTOR));
  });

  it('ignores INIT level de-assert and sends SELF IPIs as self-shorthand fixed IPIs', () => {
    const { a, w, ipis } = enabled(3);
    w(0x830, (1n << 32n) | BigInt((DM_INIT << 8) | 0x8000));
    expect(ipis).toEqual([]);
    w(0x83f, 0x44);
    expect(ipis).toEqual([{ from: 3, dest: 0, mode: DM_FIXED, vector: 0x44, shorthand: SH_SELF, logical: false }]);
    expect(a.writeMsr(0x83f, 0x144n)).toBe(false);
  });

  it('resolves IPI targets for shorthands, physical, broadcast and logical destinations', () => {
    const ipi = (p: Partial<Ipi>): Ipi => ({ from: 1, dest: 0, mode: 0, vector: 0x40, shorthand: 0, logical: false, ...p });
    expect(ipiTargets(ipi({ dest: 2 }), 4)).toEqual([2]);
    expect(ipiTargets(ipi({ dest: 9 }), 4)).toEqual([]);
    expect(ipiTargets(ipi({ dest: 0xffffffff }), 4)).toEqual([0, 1, 2, 3]);
    expect(ipiTargets(ipi({ shorthand: 1 }), 4)).toEqual([1]);
    expect(ipiTargets(ipi({ shorthand: 2 }), 4)).toEqual([0, 1, 2, 3]);
    expect(ipiTargets(ipi({ shorthand: 3 }), 4)).toEqual([0, 2, 3]);
    expect(ipiTargets(ipi({ logical: true, dest: 0b1010 }), 4)).toEqual([1, 3]);
    expect(ipiTargets(ipi({ logical: true, dest: 0x10001 }), 4)).toEqual([]);
  });
});

describe('x2APIC timer', () => {
  it('maps the divide configuration as hardware does', () => {
    expect([0, 1, 2, 3, 8, 9, 10, 11].map(timerDivisor)).toEqual([2, 4, 8, 16, 32, 64, 128, 1]);
  });

  it('one-shot: fires once at start + initial * divide, current count counts down', () => {
    const { a, w, r, clock } = enabled();
    w(0x83e, 0b1011); // divide by 1
    w(0x832, 0x30);
    clock.t = 1000;
    w(0x838, 500);
    expect(a.nextTimerDeadline()).toBe(1500);
    clock.t = 1100;
    expect(r(0x839)).toBe(400n);
    expect(a.tick(1499)).toBe(false);
    expect(a.tick(1500)).toBe(true);
    expect(a.highestDeliverable()).toBe(0x30);
    expect(a.nextTimerDeadline()).toBe(Infinity);
    clock.t = 1600;
    expect(r(0x839)).toBe(0n);
    expect(a.tick(5000)).toBe(false);
  });

  it('counts once per divide ticks: divide 16 makes each count 16 ticks', () => {
    const { a, w, r, clock } = enabled();
    w(0x83e, 0b0011); // 16
    w(0x832, 0x30);
    clock.t = 100;
    w(0x838, 10);
    expect(a.nextTimerDeadline()).toBe(100 + 160);
    clock.t = 117;
    expect(r(0x839)).toBe(9n); // 17 ticks: one full count gone, rounded up
    clock.t = 116;
    expect(r(0x839)).toBe(9n);
    clock.t = 115;
    expect(r(0x839)).toBe(10n);
  });

  it('re-bases the remaining count when the divide changes mid-count', () => {
    const { a, w, clock } = enabled();
    w(0x83e, 0); // 2
    w(0x832, 0x30);
    w(0x838, 100); // deadline 200
    clock.t = 100; // 50 counts to go
    w(0x83e, 0b1010); // 128
    expect(a.nextTimerDeadline()).toBe(100 + 50 * 128);
  });

  it('periodic: re-arms from the deadline, not from when the machine looked', () => {
    const { a, w, r, clock } = enabled();
    w(0x83e, 0b1011);
    w(0x832, (1 << 17) | 0x31);
    clock.t = 10;
    w(0x838, 100);
    expect(a.nextTimerDeadline()).toBe(110);
    expect(a.tick(113)).toBe(true); // late by 3
    expect(a.nextTimerDeadline()).toBe(210);
    a.ack(0x31);
    clock.t = 150;
    expect(r(0x839)).toBe(60n);
    // Several periods missed: one interrupt (IRR is one bit), next deadline on the grid.
    expect(a.tick(555)).toBe(true);
    expect(a.nextTimerDeadline()).toBe(610);
    clock.t = 700;
    expect(r(0x839)).toBe(10n); // lazily on the grid even before tick()
  });

  it('settles a deadline already due before a timer register write re-times it', () => {
    const { a, w, clock } = enabled();
    w(0x83e, 0b1011);
    w(0x832, (1 << 17) | 0x31);
    w(0x838, 100);
    clock.t = 100; // due, not yet ticked
    w(0x83e, 0); // divide by 2 from here
    expect(a.isPending(0x31)).toBe(true);
    expect(a.nextTimerDeadline()).toBe(100 + 200);
  });

  it('a masked timer keeps counting but raises nothing; writing 0 stops it', () => {
    const { a, w, clock } = enabled();
    w(0x83e, 0b1011);
    w(0x832, (1 << 16) | (1 << 17) | 0x31);
    w(0x838, 100);
    expect(a.nextTimerDeadline()).toBe(Infinity);
    expect(a.tick(100)).toBe(false);
    expect(a.highestDeliverable()).toBe(-1);
    w(0x832, (1 << 17) | 0x31); // unmask: still on the grid
    expect(a.nextTimerDeadline()).toBe(200);
    clock.t = 150;
    w(0x838, 0);
    expect(a.nextTimerDeadline()).toBe(Infinity);
    expect(a.tick(1e9)).toBe(false);
  });

  it('TSC-deadline mode fires at IA32_TSC_DEADLINE', () => {
    const { a, w, r } = enabled();
    w(0x832, (2 << 17) | 0x33);
    w(0x6e0, 12345);
    expect(a.nextTimerDeadline()).toBe(12345);
    expect(r(0x6e0)).toBe(12345n);
    expect(a.tick(12345)).toBe(true);
    expect(a.nextTimerDeadline()).toBe(Infinity);
    expect(r(0x6e0)).toBe(0n);
  });

  it('saves and restores a running periodic timer and pending interrupts', () => {
    const x = enabled(1);
    x.w(0x83e, 0b1011);
    x.w(0x832, (1 << 17) | 0x31);
    x.w(0x838, 100);
    x.a.acceptFixed(0x50);
    x.a.ack(0x50);
    x.a.acceptFixed(0x60);
    const s = structuredClone(x.a.save());
    const y = apic(1);
    y.a.load(s);
    expect(y.a.nextTimerDeadline()).toBe(100);
    expect(y.a.isInService(0x50)).toBe(true);
    expect(y.a.highestDeliverable()).toBe(0x60);
    expect(y.a.tick(100)).toBe(true);
    expect(y.a.nextTimerDeadline()).toBe(200);
    expect(JSON.parse(JSON.stringify(x.a.save()))).toEqual(x.a.save());
  });

  it('INIT resets the registers but not the ID or APIC base', () => {
    const x = enabled(2);
    x.a.acceptFixed(0x40);
    x.a.initReset();
    expect(x.r(0x802)).toBe(2n);
    expect(x.r(0x80f)).toBe(0xffn);
    expect(x.a.highestDeliverable()).toBe(-1);
  });
});
