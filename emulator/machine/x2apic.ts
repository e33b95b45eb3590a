// The local APIC of one CPU, in x2APIC mode (Intel SDM Vol. 3, chapter 11 (10 in older
// editions) "Advanced Programmable Interrupt Controller"; GUEST-INTERFACE.md). Registers are
// reached through RDMSR/WRMSR only (x2APIC has no MMIO window); `readMsr` returns null and
// `writeMsr` false where the SDM says the instruction raises #GP(0), and the caller raises it.
//
// Time is the machine's virtual clock (`now()`, in ticks). The timer counts down once every
// `divide` ticks; everything about it is computed from its deadline, so no work is done per
// tick: the machine asks `nextTimerDeadline()` and calls `tick(now)` once the clock passed it.
//
// Simplifications (written down here and in the README's "Machine" section):
// - No xAPIC MMIO: in xAPIC mode (APIC_BASE.EXTD clear) the x2APIC MSRs raise #GP; the contract
//   starts every CPU in x2APIC mode. A globally disabled APIC (APIC_BASE.EN clear) accepts nothing.
// - Interrupts are edge-triggered only: TMR stays zero, there is no I/O APIC.
// - SMI and lowest-priority delivery are not emulated: an ICR write with delivery mode 001, 010
//   (or the reserved 011, 111) raises #GP. INIT level de-assert (mode 101, level 0, trigger 1)
//   does nothing, as on every CPU since the Pentium 4 (SDM 11.6.1).
// - No CMCI LVT (the version register says 6 LVT entries, as QEMU does).
// - TSC-deadline timer mode is supported through IA32_TSC_DEADLINE (0x6e0); the clock is the TSC.

import { InterruptSource } from './events.ts';

export const MSR_APIC_BASE = 0x1b;
export const MSR_TSC_DEADLINE = 0x6e0;
export const APIC_BASE_BSP = 1n << 8n;
export const APIC_BASE_EXTD = 1n << 10n; // x2APIC enable
export const APIC_BASE_EN = 1n << 11n; // APIC global enable
export const APIC_DEFAULT_BASE = 0xfee00000n;
/** Bits a write to IA32_APIC_BASE may set: BSP (read-only here), EXTD, EN, base (MAXPHYADDR 52). */
const APIC_BASE_WRITABLE = APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN | (((1n << 52n) - 1n) & ~0xfffn);

// x2APIC MSR numbers (SDM Table 11-6).
export const X2APIC_ID = 0x802, X2APIC_VERSION = 0x803, X2APIC_TPR = 0x808, X2APIC_PPR = 0x80a,
  X2APIC_EOI = 0x80b, X2APIC_LDR = 0x80d, X2APIC_SVR = 0x80f, X2APIC_ISR0 = 0x810,
  X2APIC_TMR0 = 0x818, X2APIC_IRR0 = 0x820, X2APIC_ESR = 0x828, X2APIC_ICR = 0x830,
  X2APIC_LVT_TIMER = 0x832, X2APIC_LVT_THERMAL = 0x833, X2APIC_LVT_PMC = 0x834,
  X2APIC_LVT_LINT0 = 0x835, X2APIC_LVT_LINT1 = 0x836, X2APIC_LVT_ERROR = 0x837,
  X2APIC_TIMER_INITIAL = 0x838, X2APIC_TIMER_CURRENT = 0x839, X2APIC_TIMER_DIVIDE = 0x83e,
  X2APIC_SELF_IPI = 0x83f;

/** Version 0x14 (integrated APIC), max LVT entry 5 (six LVTs), no directed-EOI support. */
export const APIC_VERSION = 0x00050014;

// ICR delivery modes (bits 8-10).
export const DM_FIXED = 0, DM_LOWEST = 1, DM_SMI = 2, DM_NMI = 4, DM_INIT = 5, DM_STARTUP = 6;
// ICR destination shorthands (bits 18-19).
export const SH_NONE = 0, SH_SELF = 1, SH_ALL = 2, SH_ALL_BUT_SELF = 3;
/** ICR bits reserved in x2APIC mode (12 delivery status is gone, 13, 16-17, 20-31): #GP if set. */
const ICR_RESERVED = 0xfff33000;

export const LVT_MASKED = 1 << 16;
// Timer modes (LVT timer bits 17-18).
export const TIMER_ONESHOT = 0, TIMER_PERIODIC = 1, TIMER_TSC_DEADLINE = 2;
// SVR bit 8: APIC software enable.
export const SVR_ENABLE = 1 << 8;
// ESR bits (SDM 11.5.3).
export const ESR_SEND_ILLEGAL_VECTOR = 1 << 5, ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6,
  ESR_ILLEGAL_REGISTER = 1 << 7;

/** An interprocessor interrupt as written to the ICR, for the machine to route. */
export interface Ipi {
  /** APIC ID (= CPU index) of the sender. */
  from: number;
  /** ICR bits 63:32: an APIC ID (physical) or cluster/bitmap (logical); 0xffffffff = broadcast. */
  dest: number;
  /** Delivery mode, ICR bits 8-10: DM_FIXED, DM_NMI, DM_INIT or DM_STARTUP. */
  mode: number;
  vector: number;
  /** ICR bits 18-19: SH_NONE, SH_SELF, SH_ALL, SH_ALL_BUT_SELF. */
  shorthand: number;
  /** ICR bit 11: logical destination mode. */
  logical: boolean;
}

export interface X2ApicOptions {
  /** The machine's virtual clock, in ticks. */
  now: () => number;
  /** Called for every IPI the ICR (or SELF IPI register) sends; the machine routes it. */
  sendIpi: (ipi: Ipi) => void;
  /** Called on every EOI write with the vector it retired (-1 if the ISR was empty). */
  onEoi?: (vector: number) => void;
}

/** The CPUs an IPI goes to, in a machine of `cpuCount` CPUs whose APIC IDs are 0..n-1. */
export function ipiTargets(ipi: Ipi, cpuCount: number): number[] {
  const all = Array.from({ length: cpuCount }, (_, i) => i);
  switch (ipi.shorthand) {
    case SH_SELF: return [ipi.from];
    case SH_ALL: return all;
    case SH_ALL_BUT_SELF: return all.filter((i) => i !== ipi.from);
  }
  if (ipi.dest === 0xffffffff) return all; // broadcast, both modes (SDM 11.12.9)
  if (!ipi.logical) return ipi.dest < cpuCount ? [ipi.dest] : [];
  // x2APIC logical: cluster in bits 31:16, one bit per member in 15:0 (SDM 11.12.10.2).
  return all.filter((id) => id >>> 4 === ipi.dest >>> 16 && (ipi.dest & (1 << (id & 15))) !== 0);
}

/** Divide configuration (bits 0, 1, 3) to the divisor: 1, 2, 4, ..., 128 (SDM Figure 11-10). */
export function timerDivisor(dcr: number): number {
  const i = ((dcr & 8) >> 1) | (dcr & 3);
  return i === 7 ? 1 : 2 << i;
}

export interface X2ApicState {
  apicBase: number; tpr: number; svr: number; esr: number; icr: [number, number];
  lvtTimer: number; lvtThermal: number; lvtPmc: number; lvtLint0: number; lvtLint1: number; lvtError: number;
  timerInitial: number; dcr: number; deadline: number | null; tscDeadline: number | null;
  irr: number[]; isr: number[]; sources: number[];
}

export class X2Apic {
  private apicBase = 0n;
  private tpr = 0;
  private svr = 0xff;
  private esr = 0;
  private icrLo = 0;
  private icrHi = 0;
  private lvtTimer = LVT_MASKED;
  private lvtThermal = LVT_MASKED;
  private lvtPmc = LVT_MASKED;
  private lvtLint0 = LVT_MASKED;
  private lvtLint1 = LVT_MASKED;
  private lvtError = LVT_MASKED;
  private timerInitial = 0;
  private dcr = 0;
  private divide = 2;
  /** Tick at which the one-shot/periodic count reaches zero; Infinity when the timer is stopped. */
  private deadline = Infinity;
  /** IA32_TSC_DEADLINE (TSC-deadline mode); Infinity when disarmed. */
  private tscDeadline = Infinity;
  readonly irr = new Uint32Array(8);
  readonly isr = new Uint32Array(8);
  /** What raised each IRR/ISR vector (InterruptSource), for the machine's interrupt events. */
  private readonly sources = new Uint8Array(256);

  constructor(readonly id: number, private readonly opts: X2ApicOptions) {
    this.powerOn();
  }

  // ---- Reset ----

  /** Machine reset: the state the contract gives at entry (x2APIC on; BSP flag on CPU 0). */
  powerOn(): void {
    this.apicBase = APIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD | (this.id === 0 ? APIC_BASE_BSP : 0n);
    this.resetRegisters();
  }

  /** INIT: registers as after power-up, except the APIC ID and IA32_APIC_BASE (SDM 11.4.7.3). */
  initReset(): void {
    this.resetRegisters();
  }

  private resetRegisters(): void {
    this.tpr = 0; this.svr = 0xff; this.esr = 0; this.icrLo = 0; this.icrHi = 0;
    this.lvtTimer = this.lvtThermal = this.lvtPmc = this.lvtLint0 = this.lvtLint1 = this.lvtError = LVT_MASKED;
    this.timerInitial = 0; this.dcr = 0; this.divide = 2; this.deadline = Infinity; this.tscDeadline = Infinity;
    this.irr.fill(0); this.isr.fill(0); this.sources.fill(0);
  }

  get x2apicMode(): boolean {
    return (this.apicBase & (APIC_BASE_EN | APIC_BASE_EXTD)) === (APIC_BASE_EN | APIC_BASE_EXTD);
  }

  /** SVR bit 8: a software-disabled APIC accepts no fixed interrupts and keeps every LVT masked. */
  get softwareEnabled(): boolean {
    return (this.svr & SVR_ENABLE) !== 0;
  }

  // ---- MSR interface ----

  /** RDMSR; null: not an APIC MSR, or one that raises #GP on read. */
  readMsr(msr: number): bigint | null {
    if (msr === MSR_APIC_BASE) return this.apicBase;
    if (msr === MSR_TSC_DEADLINE) {
      // Reads 0 unless TSC-deadline mode is armed (SDM 11.5.4.1).
      return this.timerMode() === TIMER_TSC_DEADLINE && this.tscDeadline !== Infinity ? BigInt(this.tscDeadline) : 0n;
    }
    if (msr < 0x800 || msr > 0x8ff || !this.x2apicMode) return null;
    if (msr >= X2APIC_ISR0 && msr < X2APIC_ISR0 + 8) return BigInt(this.isr[msr - X2APIC_ISR0]!);
    if (msr >= X2APIC_TMR0 && msr < X2APIC_TMR0 + 8) return 0n; // edge-triggered only
    if (msr >= X2APIC_IRR0 && msr < X2APIC_IRR0 + 8) return BigInt(this.irr[msr - X2APIC_IRR0]!);
    switch (msr) {
      case X2APIC_ID: return BigInt(this.id);
      case X2APIC_VERSION: return BigInt(APIC_VERSION);
      case X2APIC_TPR: return BigInt(this.tpr);
      case X2APIC_PPR: return BigInt(this.ppr());
      case X2APIC_LDR: return BigInt((((this.id >>> 4) << 16) | (1 << (this.id & 15))) >>> 0);
      case X2APIC_SVR: return BigInt(this.svr);
      case X2APIC_ESR: return BigInt(this.esr);
      case X2APIC_ICR: return (BigInt(this.icrHi) << 32n) | BigInt(this.icrLo);
      case X2APIC_LVT_TIMER: return BigInt(this.lvtTimer);
      case X2APIC_LVT_THERMAL: return BigInt(this.lvtThermal);
      case X2APIC_LVT_PMC: return BigInt(this.lvtPmc);
      case X2APIC_LVT_LINT0: return BigInt(this.lvtLint0);
      case X2APIC_LVT_LINT1: return BigInt(this.lvtLint1);
      case X2APIC_LVT_ERROR: return BigInt(this.lvtError);
      case X2APIC_TIMER_INITIAL: return BigInt(this.timerInitial);
      case X2APIC_TIMER_CURRENT: return BigInt(this.currentCount(this.opts.now()));
      case X2APIC_TIMER_DIVIDE: return BigInt(this.dcr);
      default: return null; // EOI and SELF IPI are write-only; the rest is not implemented
    }
  }

  /** WRMSR; false: not an APIC MSR, read-only, or a value the SDM rejects with #GP. */
  writeMsr(msr: number, value: bigint): boolean {
    value = BigInt.asUintN(64, value);
    if (msr === MSR_APIC_BASE) return this.writeApicBase(value);
    if (msr === MSR_TSC_DEADLINE) {
      this.tick(this.opts.now());
      // Ignored unless the timer is in TSC-deadline mode; 0 disarms (SDM 11.5.4.1).
      if (this.timerMode() === TIMER_TSC_DEADLINE) this.tscDeadline = value === 0n ? Infinity : Number(value);
      return true;
    }
    if (msr < 0x800 || msr > 0x8ff || !this.x2apicMode) return false;
    if (msr === X2APIC_ICR) return this.writeIcr(value);
    // The upper 32 bits of every other x2APIC register are reserved (SDM 11.12.1.2).
    if (value >> 32n !== 0n) return false;
    const v = Number(value);
    // A deadline reached but not yet ticked is settled first, so a timer write never loses or
    // re-times an interrupt that was already due.
    if (msr === X2APIC_LVT_TIMER || msr === X2APIC_TIMER_INITIAL || msr === X2APIC_TIMER_DIVIDE) this.tick(this.opts.now());
    switch (msr) {
      case X2APIC_TPR: this.tpr = v & 0xff; return true;
      case X2APIC_EOI:
        if (v !== 0) return false; // a non-zero EOI write raises #GP in x2APIC mode
        this.eoi();
        return true;
      case X2APIC_SVR: {
        // Bits 0-7 vector, 8 enable, 9 focus checking (kept, meaningless without lowest-priority
        // delivery); bit 12 (EOI-broadcast suppression) is not offered by the version register.
        if (v & ~0x3ff) return false;
        this.svr = v;
        // Software disable sets every LVT mask bit (SDM 11.4.7.2).
        if (!this.softwareEnabled) this.maskAllLvts();
        return true;
      }
      case X2APIC_ESR:
        if (v !== 0) return false;
        this.esr = 0;
        return true;
      case X2APIC_LVT_TIMER: {
        const oldMode = this.timerMode();
        this.lvtTimer = this.lvtMask(v & 0x700ff);
        const mode = this.timerMode();
        // Switching to or from TSC-deadline mode disarms the timer (SDM 11.5.4.1); between
        // one-shot and periodic the countdown in progress goes on.
        if (mode !== oldMode && (mode === TIMER_TSC_DEADLINE || oldMode === TIMER_TSC_DEADLINE)) {
          this.deadline = Infinity; this.tscDeadline = Infinity; this.timerInitial = 0;
        }
        return true;
      }
      case X2APIC_LVT_THERMAL: this.lvtThermal = this.lvtMask(v & 0x107ff); return true;
      case X2APIC_LVT_PMC: this.lvtPmc = this.lvtMask(v & 0x107ff); return true;
      case X2APIC_LVT_LINT0: this.lvtLint0 = this.lvtMask(v & 0x1a7ff); return true;
      case X2APIC_LVT_LINT1: this.lvtLint1 = this.lvtMask(v & 0x1a7ff); return true;
      case X2APIC_LVT_ERROR: this.lvtError = this.lvtMask(v & 0x100ff); return true;
      case X2APIC_TIMER_INITIAL: {
        if (this.timerMode() === TIMER_TSC_DEADLINE) return true; // ignored in that mode
        this.timerInitial = v >>> 0;
        // Writing the initial count (re)starts the countdown; 0 stops the timer (SDM 11.5.4).
        this.deadline = v === 0 ? Infinity : this.opts.now() + v * this.divide;
        return true;
      }
      case X2APIC_TIMER_DIVIDE: {
        // A new rate applies to the counts still to go: re-base the deadline on the current count.
        const now = this.opts.now();
        const remaining = this.deadline === Infinity ? 0 : this.currentCount(now);
        const wasRunning = this.deadline !== Infinity;
        this.dcr = v & 0xb;
        this.divide = timerDivisor(this.dcr);
        if (wasRunning) this.deadline = now + remaining * this.divide;
        return true;
      }
      case X2APIC_SELF_IPI:
        if (v & ~0xff) return false;
        // Same as an ICR write of a fixed, edge, self-shorthand IPI (SDM 11.12.11).
        return this.writeIcr(BigInt(v | (SH_SELF << 18)));
      default:
        return false; // read-only or not implemented
    }
  }

  private writeApicBase(value: bigint): boolean {
    if (value & ~APIC_BASE_WRITABLE) return false;
    const en = (value & APIC_BASE_EN) !== 0n;
    const extd = (value & APIC_BASE_EXTD) !== 0n;
    const wasEn = (this.apicBase & APIC_BASE_EN) !== 0n;
    const wasExtd = (this.apicBase & APIC_BASE_EXTD) !== 0n;
    // Mode transitions (SDM 11.12.5, Figure 11-27): EXTD without EN is invalid; x2APIC -> xAPIC
    // is invalid; disabled -> x2APIC must pass through xAPIC.
    if (extd && !en) return false;
    if (wasEn && wasExtd && en && !extd) return false;
    if (!wasEn && en && extd) return false;
    if (wasEn && !en) this.resetRegisters(); // disabling the APIC resets it (SDM 11.4.3)
    this.apicBase = (value & ~APIC_BASE_BSP) | (this.apicBase & APIC_BASE_BSP);
    return true;
  }

  private writeIcr(value: bigint): boolean {
    const lo = Number(value & 0xffffffffn);
    const hi = Number(value >> 32n);
    if (lo & ICR_RESERVED) return false;
    const mode = (lo >>> 8) & 7;
    if (mode !== DM_FIXED && mode !== DM_NMI && mode !== DM_INIT && mode !== DM_STARTUP) return false;
    this.icrLo = lo;
    this.icrHi = hi;
    const vector = lo & 0xff;
    const shorthand = (lo >>> 18) & 3;
    // INIT level de-assert: no effect (SDM 11.6.1, "INIT Level De-assert").
    if (mode === DM_INIT && (lo & (1 << 14)) === 0 && (lo & (1 << 15)) !== 0) return true;
    if (mode === DM_FIXED && vector < 16) {
      this.esr |= ESR_SEND_ILLEGAL_VECTOR; // not sent (SDM 11.5.3)
      return true;
    }
    this.opts.sendIpi({ from: this.id, dest: hi, mode, vector, shorthand, logical: (lo & (1 << 11)) !== 0 });
    return true;
  }

  private lvtMask(v: number): number {
    return this.softwareEnabled ? v : v | LVT_MASKED;
  }

  private maskAllLvts(): void {
    this.lvtTimer |= LVT_MASKED; this.lvtThermal |= LVT_MASKED; this.lvtPmc |= LVT_MASKED;
    this.lvtLint0 |= LVT_MASKED; this.lvtLint1 |= LVT_MASKED; this.lvtError |= LVT_MASKED;
  }

  // ---- Timer ----

  private timerMode(): number {
    return (this.lvtTimer >>> 17) & 3;
  }

  /** Ticks of one period in periodic mode. */
  private period(): number {
    return this.timerInitial * this.divide;
  }

  /** The current-count register at time `now`: counts to go, rounded up (0 once expired). */
  currentCount(now: number): number {
    const mode = this.timerMode();
    if (mode === TIMER_TSC_DEADLINE || this.deadline === Infinity) return 0;
    let d = this.deadline;
    if (now >= d) {
      if (mode !== TIMER_PERIODIC) return 0;
      const p = this.period();
      d += (Math.floor((now - d) / p) + 1) * p;
    }
    return Math.ceil((d - now) / this.divide);
  }

  /**
   * The tick at which the timer next raises its interrupt (possibly already past, if `tick` has
   * not been called since); Infinity when it will not (stopped, or masked).
   */
  nextTimerDeadline(): number {
    if (this.lvtTimer & LVT_MASKED) return Infinity;
    return this.timerMode() === TIMER_TSC_DEADLINE ? this.tscDeadline : this.deadline;
  }

  /**
   * Advances the timer to `now`: if the deadline passed, raises the timer vector in IRR (unless
   * masked) and re-arms a periodic timer from its deadline, not from `now`, so the period never
   * drifts with how late the machine looked. Returns whether an interrupt was raised.
   */
  tick(now: number): boolean {
    const mode = this.timerMode();
    if (mode === TIMER_TSC_DEADLINE) {
      if (now < this.tscDeadline) return false;
      this.tscDeadline = Infinity;
      return this.timerFire();
    }
    if (now < this.deadline) return false;
    if (mode === TIMER_PERIODIC) {
      const p = this.period();
      this.deadline += (Math.floor((now - this.deadline) / p) + 1) * p; // missed periods coalesce
    } else {
      this.deadline = Infinity;
    }
    return this.timerFire();
  }

  private timerFire(): boolean {
    if (this.lvtTimer & LVT_MASKED) return false;
    return this.acceptFixed(this.lvtTimer & 0xff, InterruptSource.Timer);
  }

  // ---- Interrupt acceptance ----

  /**
   * A fixed interrupt arrives (IPI, or the timer): sets its IRR bit. Vectors 0-15 are illegal
   * (ESR "receive illegal vector", SDM 11.5.3); a software-disabled APIC accepts none. Returns
   * whether the bit was set. A vector already pending stays one request (IRR is one bit).
   */
  acceptFixed(vector: number, source: number = InterruptSource.Ipi): boolean {
    vector &= 0xff;
    if (vector < 16) { this.esr |= ESR_RECEIVE_ILLEGAL_VECTOR; return false; }
    if (!this.softwareEnabled || (this.apicBase & APIC_BASE_EN) === 0n) return false;
    this.irr[vector >>> 5]! |= 1 << (vector & 31);
    this.sources[vector] = source;
    return true;
  }

  /** Processor priority (SDM 11.8.3.1): TPR if its class is at least the highest in-service one. */
  ppr(): number {
    const isrv = highestBit(this.isr);
    const isrClass = isrv < 0 ? 0 : isrv & 0xf0;
    return (this.tpr & 0xf0) >= isrClass ? this.tpr : isrClass;
  }

  /**
   * The vector the CPU would take now if RFLAGS.IF allowed it: the highest pending one whose
   * priority class is above the processor priority class (SDM 11.8.3.1); -1 if none.
   */
  highestDeliverable(): number {
    const v = highestBit(this.irr);
    if (v < 0) return -1;
    return (v & 0xf0) > (this.ppr() & 0xf0) ? v : -1;
  }

  /** The CPU takes `vector`: IRR -> ISR. Returns what raised it (an InterruptSource). */
  ack(vector: number): number {
    const w = vector >>> 5, bit = 1 << (vector & 31);
    this.irr[w]! &= ~bit;
    this.isr[w]! |= bit;
    return this.sources[vector]!;
  }

  /** EOI: retires the highest in-service vector (SDM 11.8.5). Returns it, or -1. */
  eoi(): number {
    const v = highestBit(this.isr);
    if (v >= 0) this.isr[v >>> 5]! &= ~(1 << (v & 31));
    this.opts.onEoi?.(v);
    return v;
  }

  isPending(vector: number): boolean {
    return (this.irr[vector >>> 5]! & (1 << (vector & 31))) !== 0;
  }

  isInService(vector: number): boolean {
    return (this.isr[vector >>> 5]! & (1 << (vector & 31))) !== 0;
  }

  // ---- Snapshots ----

  save(): X2ApicState {
    return {
      apicBase: Number(this.apicBase), tpr: this.tpr, svr: this.svr, esr: this.esr, icr: [this.icrLo, this.icrHi],
      lvtTimer: this.lvtTimer, lvtThermal: this.lvtThermal, lvtPmc: this.lvtPmc, lvtLint0: this.lvtLint0,
      lvtLint1: this.lvtLint1, lvtError: this.lvtError, timerInitial: this.timerInitial, dcr: this.dcr,
      deadline: this.deadline === Infinity ? null : this.deadline,
      tscDeadline: this.tscDeadline === Infinity ? null : this.tscDeadline,
      irr: Array.from(this.irr), isr: Array.from(this.isr), sources: Array.from(this.sources),
    };
  }

  load(s: X2ApicState): void {
    this.apicBase = BigInt(s.apicBase); this.tpr = s.tpr; this.svr = s.svr; this.esr = s.esr;
    this.icrLo = s.icr[0]; this.icrHi = s.icr[1];
    this.lvtTimer = s.lvtTimer; this.lvtThermal = s.lvtThermal; this.lvtPmc = s.lvtPmc;
    this.lvtLint0 = s.lvtLint0; this.lvtLint1 = s.lvtLint1; this.lvtError = s.lvtError;
    this.timerInitial = s.timerInitial; this.dcr = s.dcr; this.divide = timerDivisor(s.dcr);
    this.deadline = s.deadline ?? Infinity; this.tscDeadline = s.tscDeadline ?? Infinity;
    this.irr.set(s.irr); this.isr.set(s.isr); this.sources.set(s.sources);
  }
}

/** Index of the highest set bit in a 256-bit register held as 8 words; -1 if none. */
function highestBit(r: Uint32Array): number {
  for (let w = 7; w >= 0; w--) {
    const x = r[w]!;
    if (x !== 0) return w * 32 + 31 - Math.clz32(x);
  }
  return -1;
}
