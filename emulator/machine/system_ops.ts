// The system instructions: privileged state (control registers, MSRs, descriptor tables, TR),
// SYSCALL/SYSRET, IRETQ, INT n, HLT, CLI/STI, SWAPGS, STAC/CLAC, INVLPG, port I/O, CPUID and
// RDTSC. Each one checks its privilege first: at CPL 3 the privileged ones raise #GP(0)
// (SDM Vol. 3, 5.9 "Privileged instructions").

import { canonicalNum, FLAG_AC, FLAG_IF, FLAG_IOPL, FLAG_RF, SysOp, type Cpu, type SystemHooks } from '../x86/cpu.ts';
import type { Instr } from '../x86/instr.ts';
import { ea, getReg, getRm, pop64, push64, setReg, setRm } from '../x86/operands.ts';
import { cpuid } from './cpuid.ts';
import { deliverOnce, Source, type DeliveryHost } from './exceptions.ts';
import { CR4_PGE, CR4_SMAP, CR4_SMEP, EFER_NXE } from './mmu.ts';
import type { VCpu } from './vcpu.ts';

export const MSR = {
  TSC: 0x10, APIC_BASE: 0x1b, TSC_DEADLINE: 0x6e0, PAT: 0x277, EFER: 0xc0000080, STAR: 0xc0000081, LSTAR: 0xc0000082,
  CSTAR: 0xc0000083, FMASK: 0xc0000084, FS_BASE: 0xc0000100, GS_BASE: 0xc0000101,
  KERNEL_GS_BASE: 0xc0000102, TSC_AUX: 0xc0000103,
} as const;

const CR4_FSGSBASE = 1 << 16, CR4_TSD = 1 << 2;
/** CR4 bits this CPU implements (writing another is #GP): VME..PCE subset, PAE, PGE, FSGSBASE, SMEP, SMAP. */
const CR4_KNOWN = 0x20 | CR4_PGE | CR4_TSD | (1 << 9) | (1 << 10) | CR4_FSGSBASE | CR4_SMEP | CR4_SMAP;

/** What the system instructions need from the machine around the CPU. */
export interface SystemContext extends DeliveryHost {
  vcpu(cpu: Cpu): VCpu;
  now(): number;
  cpuCount: number;
  portIn(v: VCpu, port: number, size: number): number;
  portOut(v: VCpu, port: number, size: number, value: number): void;
  /** x2APIC MSRs (0x1b, 0x800-0x8ff): null / false when not an APIC register or not allowed. */
  apicRead(v: VCpu, msr: number): bigint | null;
  apicWrite(v: VCpu, msr: number, value: bigint): boolean;
  onSyscall(v: VCpu, from: { rip: number; rsp: number }): void;
  onSysret(v: VCpu, from: { rip: number; rsp: number }): void;
  onIret(v: VCpu, fromCpl: number, fromRip: number): void;
  onHalt(v: VCpu): void;
  onSoftwareInterrupt(v: VCpu, vector: number, from: { rip: number; rsp: number; cpl: number }, stack: number, rsp: number): void;
}

function toNum(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/** A popped 64-bit value as a number: exact when canonical, else a non-canonical stand-in that
 * the canonical checks reject. */
function canonicalOrSentinel(lo: number, hi: number): number {
  const n = canonicalNum(lo, hi);
  return n === n ? n : 2 ** 60;
}

function canonicalOrGp(cpu: Cpu, v: bigint): number {
  const n = toNum(v);
  if (!(n >= -140737488355328 && n < 140737488355328)) cpu.gp0();
  return n;
}

export class SystemOps implements SystemHooks {
  constructor(private readonly m: SystemContext) {}

  flagsWritten(cpu: Cpu): void {
    // POPF may have set IF (an interrupt can now be taken) or changed AC (SMAP decisions are not
    // cached in the TLB, so nothing to flush): let the machine look at its interrupt lines.
    cpu.attention = true;
  }

  exec(cpu: Cpu, op: number, i: Instr): void {
    const v = this.m.vcpu(cpu);
    switch (op) {
      case SysOp.Hlt: this.priv(cpu); this.m.onHalt(v); cpu.attention = true; return;
      case SysOp.Cli: this.iopl(cpu); cpu.flags.bits &= ~FLAG_IF; return;
      case SysOp.Sti:
        this.iopl(cpu);
        if ((cpu.flags.bits & FLAG_IF) === 0) { v.shadow = true; cpu.attention = true; }
        cpu.flags.bits |= FLAG_IF;
        return;
      case SysOp.Clac: case SysOp.Stac:
        if (cpu.cpl !== 0) cpu.fault(6); // SDM: CLAC/STAC at CPL > 0 are #UD
        if (op === SysOp.Stac) cpu.flags.bits |= FLAG_AC; else cpu.flags.bits &= ~FLAG_AC;
        return;
      case SysOp.MovFromCr: this.priv(cpu); setReg(cpu, i.rm, 8, ...this.readCr(cpu, i.reg)); return;
      case SysOp.MovToCr: this.priv(cpu); this.writeCr(v, i.reg, cpu.reg64(i.rm)); return;
      case SysOp.Rdmsr: {
        this.priv(cpu);
        const val = this.readMsr(v, cpu.lo[1]! >>> 0);
        setReg(cpu, 0, 4, Number(val & 0xffffffffn) | 0, 0);
        setReg(cpu, 2, 4, Number((val >> 32n) & 0xffffffffn) | 0, 0);
        return;
      }
      case SysOp.Wrmsr:
        this.priv(cpu);
        this.writeMsr(v, cpu.lo[1]! >>> 0, (BigInt(cpu.lo[2]! >>> 0) << 32n) | BigInt(cpu.lo[0]! >>> 0));
        return;
      case SysOp.Swapgs: {
        this.priv(cpu);
        const t = cpu.gsBase; cpu.gsBase = cpu.kernelGsBase; cpu.kernelGsBase = t;
        return;
      }
      case SysOp.Lgdt: case SysOp.Lidt: {
        this.priv(cpu);
        if (i.rm >= 0) cpu.fault(6);
        const a = ea(cpu, i);
        const limit = cpu.bus.read16(a);
        const lo = cpu.bus.read64(a + 2), hi = cpu.bus.hi;
        const base = canonicalNum(lo, hi);
        if (base !== base) cpu.gp0();
        if (op === SysOp.Lgdt) { v.gdtBase = base; v.gdtLimit = limit; } else { v.idtBase = base; v.idtLimit = limit; }
        return;
      }
      case SysOp.Sgdt: case SysOp.Sidt: {
        if (i.rm >= 0) cpu.fault(6);
        const a = ea(cpu, i);
        const base = op === SysOp.Sgdt ? v.gdtBase : v.idtBase;
        cpu.bus.write16(a, op === SysOp.Sgdt ? v.gdtLimit : v.idtLimit);
        cpu.bus.write64(a + 2, base | 0, Math.floor(base / 4294967296) | 0);
        return;
      }
      case SysOp.Ltr: this.priv(cpu); this.ltr(v, getRm(cpu, i, 2)); return;
      case SysOp.Str: setRm(cpu, i, i.rm >= 0 ? i.size : 2, v.tr, 0); return;
      case SysOp.Invlpg: this.priv(cpu); if (i.rm >= 0) cpu.fault(6); v.mmu.invalidatePage(ea(cpu, i)); return;
      case SysOp.Syscall: this.syscall(v); return;
      case SysOp.Sysret: this.sysret(v, i); return;
      case SysOp.Iretq: this.iret(v, i.size); return;
      case SysOp.RetFar: this.retFar(v, i); return;
      case SysOp.Int: this.softInt(v, i.immLo & 0xff); return;
      case SysOp.Int3: this.softInt(v, 3); return;
      case SysOp.In: {
        this.iopl(cpu);
        const port = i.immLo >= 0 ? i.immLo : cpu.lo[2]! & 0xffff;
        setReg(cpu, 0, i.size, this.m.portIn(v, port, i.size), 0);
        return;
      }
      case SysOp.Out: {
        this.iopl(cpu);
        const port = i.immLo >= 0 ? i.immLo : cpu.lo[2]! & 0xffff;
        this.m.portOut(v, port, i.size, getReg(cpu, 0, i.size) >>> 0);
        return;
      }
      case SysOp.Cpuid: {
        const r = cpuid(cpu.lo[0]!, cpu.lo[1]!, v.id, this.m.cpuCount);
        setReg(cpu, 0, 4, r.eax | 0, 0); setReg(cpu, 3, 4, r.ebx | 0, 0);
        setReg(cpu, 1, 4, r.ecx | 0, 0); setReg(cpu, 2, 4, r.edx | 0, 0);
        return;
      }
      case SysOp.Rdtsc: case SysOp.Rdtscp: {
        if ((cpu.cr4 & CR4_TSD) !== 0 && cpu.cpl !== 0) cpu.gp0();
        const t = this.m.now();
        setReg(cpu, 0, 4, t | 0, 0);
        setReg(cpu, 2, 4, Math.floor(t / 4294967296) | 0, 0);
        if (op === SysOp.Rdtscp) setReg(cpu, 1, 4, v.tscAux, 0);
        return;
      }
      case SysOp.MovFromSeg: setRm(cpu, i, i.rm >= 0 ? i.size : 2, this.segSel(cpu, i.reg & 7), 0); return;
      case SysOp.MovToSeg: this.loadSeg(cpu, i.reg & 7, getRm(cpu, i, 2)); return;
      case SysOp.PushFs: push64(cpu, cpu.fs, 0); return;
      case SysOp.PushGs: push64(cpu, cpu.gs, 0); return;
      case SysOp.PopFs: this.loadSeg(cpu, 4, pop64(cpu) & 0xffff); return;
      case SysOp.PopGs: this.loadSeg(cpu, 5, pop64(cpu) & 0xffff); return;
      case SysOp.Rdfsbase: case SysOp.Rdgsbase: case SysOp.Wrfsbase: case SysOp.Wrgsbase: {
        if ((cpu.cr4 & CR4_FSGSBASE) === 0) cpu.fault(6);
        const fs = op === SysOp.Rdfsbase || op === SysOp.Wrfsbase;
        if (op === SysOp.Rdfsbase || op === SysOp.Rdgsbase) {
          const b = fs ? cpu.fsBase : cpu.gsBase;
          setReg(cpu, i.rm, i.size, b | 0, Math.floor(b / 4294967296) | 0);
        } else {
          const b = i.size === 8 ? canonicalOrGp(cpu, cpu.reg64(i.rm)) : cpu.lo[i.rm]! >>> 0;
          if (fs) cpu.fsBase = b; else cpu.gsBase = b;
        }
        return;
      }
      case SysOp.Smsw: setRm(cpu, i, i.rm >= 0 ? i.size : 2, cpu.cr0 & 0xffff, 0); return;
      case SysOp.Lmsw: this.priv(cpu); cpu.cr0 = (cpu.cr0 & ~0xe) | (getRm(cpu, i, 2) & 0xe) | (cpu.cr0 & 1); return;
      case SysOp.Clts: this.priv(cpu); cpu.cr0 &= ~8; return;
      case SysOp.Wbinvd: this.priv(cpu); return;
      default: cpu.fault(6); // LSL, VERR and others: not implemented in this machine (README, "Machine")
    }
  }

  /** Privileged instruction: #GP(0) unless CPL 0. */
  private priv(cpu: Cpu): void {
    if (cpu.cpl !== 0) cpu.gp0();
  }

  /** IOPL-sensitive instruction (CLI, STI, IN, OUT): #GP(0) when CPL > IOPL. This machine has no
   * TSS I/O permission bitmap: ports are denied whenever IOPL forbids them. */
  private iopl(cpu: Cpu): void {
    if (cpu.cpl > ((cpu.flags.bits & FLAG_IOPL) >>> 12)) cpu.gp0();
  }

  private readCr(cpu: Cpu, n: number): [number, number] {
    let val: number;
    switch (n) {
      case 0: val = cpu.cr0; break;
      case 2: val = cpu.cr2; break;
      case 3: val = cpu.cr3; break;
      case 4: val = cpu.cr4; break;
      case 8: val = cpu.cr8; break;
      default: return cpu.fault(6);
    }
    return [val | 0, Math.floor(val / 4294967296) | 0];
  }

  /** MOV to CRn (SDM Vol. 3, 2.5 and 4.10.4): TLB effects included. */
  private writeCr(v: VCpu, n: number, val: bigint): void {
    const cpu = v.cpu;
    switch (n) {
      case 0: {
        const x = Number(val & 0xffffffffn);
        if (val >> 32n !== 0n) cpu.gp0();
        if (((x & 0x80000001) >>> 0) !== 0x80000001) cpu.gp0(); // leaving paging or protected mode: not supported in long mode
        const changed = (cpu.cr0 ^ x) >>> 0;
        cpu.cr0 = x >>> 0;
        if (changed & (1 << 16)) v.mmu.flush();
        return;
      }
      case 2: cpu.cr2 = toNum(val); return;
      case 3: {
        if (val >> BigInt(39) !== 0n) cpu.gp0(); // bits above MAXPHYADDR
        cpu.cr3 = Number(val);
        v.mmu.flush((cpu.cr4 & CR4_PGE) !== 0);
        return;
      }
      case 4: {
        const x = Number(val & 0xffffffffn);
        if (val >> 32n !== 0n || (x & ~CR4_KNOWN) !== 0 || (x & 0x20) === 0) cpu.gp0();
        cpu.cr4 = x;
        v.mmu.flush();
        return;
      }
      case 8: cpu.cr8 = Number(val & 0xfn); return;
      default: cpu.fault(6);
    }
  }

  readMsr(v: VCpu, msr: number): bigint {
    const cpu = v.cpu;
    const apic = this.m.apicRead(v, msr);
    if (apic !== null) return apic;
    switch (msr) {
      case MSR.TSC: return BigInt(this.m.now());
      case MSR.EFER: return BigInt(cpu.efer);
      case MSR.STAR: return v.star;
      case MSR.LSTAR: return BigInt.asUintN(64, BigInt(v.lstar));
      case MSR.CSTAR: return BigInt.asUintN(64, BigInt(v.cstar));
      case MSR.FMASK: return BigInt(v.fmask >>> 0);
      case MSR.FS_BASE: return BigInt.asUintN(64, BigInt(cpu.fsBase));
      case MSR.GS_BASE: return BigInt.asUintN(64, BigInt(cpu.gsBase));
      case MSR.KERNEL_GS_BASE: return BigInt.asUintN(64, BigInt(cpu.kernelGsBase));
      case MSR.TSC_AUX: return BigInt(v.tscAux);
      case MSR.PAT: return v.pat;
      default: return cpu.gp0();
    }
  }

  writeMsr(v: VCpu, msr: number, val: bigint): void {
    const cpu = v.cpu;
    if (msr === MSR.APIC_BASE || msr === MSR.TSC_DEADLINE || (msr >= 0x800 && msr <= 0x8ff)) {
      if (!this.m.apicWrite(v, msr, val)) cpu.gp0();
      // A timer write may have raised an interrupt that is already due: look before the next instruction.
      cpu.attention = true;
      return;
    }
    switch (msr) {
      case MSR.TSC: return; // the virtual clock is the machine's; writes are ignored (README)
      case MSR.EFER: {
        // SCE, LME, LMA (read-only: kept), NXE; anything else is reserved (SDM Vol. 4, table 2-2).
        if ((val & ~0xd01n) !== 0n) cpu.gp0();
        const x = (Number(val) & 0x901) | 0x400;
        if (((cpu.efer ^ x) & EFER_NXE) !== 0) v.mmu.flush();
        cpu.efer = x;
        return;
      }
      case MSR.STAR: v.star = val; return;
      case MSR.LSTAR: v.lstar = canonicalOrGp(cpu, val); return;
      case MSR.CSTAR: v.cstar = canonicalOrGp(cpu, val); return;
      case MSR.FMASK: v.fmask = Number(val & 0xffffffffn); return;
      case MSR.FS_BASE: cpu.fsBase = canonicalOrGp(cpu, val); return;
      case MSR.GS_BASE: cpu.gsBase = canonicalOrGp(cpu, val); return;
      case MSR.KERNEL_GS_BASE: cpu.kernelGsBase = canonicalOrGp(cpu, val); return;
      case MSR.TSC_AUX: v.tscAux = Number(val & 0xffffffffn); return;
      case MSR.PAT: v.pat = val; return;
      default: cpu.gp0();
    }
  }

  /** LTR (SDM Vol. 3, 7.2.4): a present, available 64-bit TSS descriptor, marked busy. */
  private ltr(v: VCpu, sel: number): void {
    const cpu = v.cpu;
    if ((sel & 0xfffc) === 0 || (sel & 4) !== 0) cpu.gp0();
    if ((sel | 7) + 8 > v.gdtLimit) cpu.fault(13, sel & 0xfffc);
    const at = v.gdtBase + (sel & 0xfff8);
    const lo = v.mmu.sysRead64(at), hi = v.mmu.sysRead64(at + 8);
    const type = Number((lo >> 40n) & 0x1fn); // S bit and type
    if (type !== 0x09) cpu.fault(13, sel & 0xfffc);
    if (((lo >> 47n) & 1n) === 0n) cpu.fault(11, sel & 0xfffc);
    const base = (lo >> 16n) & 0xffffffn | (((lo >> 56n) & 0xffn) << 24n) | ((hi & 0xffffffffn) << 32n);
    let limit = Number((lo & 0xffffn) | (((lo >> 48n) & 0xfn) << 16n));
    if ((lo >> 55n) & 1n) limit = limit * 4096 + 4095;
    v.mmu.sysWrite64(at, lo | (2n << 40n)); // busy
    v.tr = sel;
    v.trBase = canonicalOrGp(cpu, base);
    v.trLimit = limit;
  }

  private segSel(cpu: Cpu, seg: number): number {
    return [cpu.es, cpu.cs, cpu.ss, cpu.ds, cpu.fs, cpu.gs][seg] ?? 0;
  }

  /** MOV Sreg / POP FS/GS in 64-bit mode: selectors are recorded; FS/GS bases reset to the
   * descriptor's base, which is 0 for every data segment this machine's kernels use. */
  private loadSeg(cpu: Cpu, seg: number, sel: number): void {
    switch (seg) {
      case 0: cpu.es = sel; return;
      case 2: if ((sel & 3) !== cpu.cpl && (sel & 0xfffc) !== 0) cpu.fault(13, sel & 0xfffc); cpu.ss = sel; return;
      case 3: cpu.ds = sel; return;
      case 4: cpu.fs = sel; cpu.fsBase = 0; return;
      case 5: cpu.gs = sel; cpu.gsBase = 0; return;
      default: cpu.fault(6); // MOV CS is #UD
    }
  }

  /** SYSCALL (SDM Vol. 2): RCX = next RIP, R11 = RFLAGS, CPL 0 at LSTAR; RSP untouched. */
  private syscall(v: VCpu): void {
    const cpu = v.cpu;
    if ((cpu.efer & 1) === 0) cpu.fault(6);
    const from = { rip: cpu.rip, rsp: cpu.regNum(4) };
    const flags = cpu.flags.get() & ~FLAG_RF;
    const next = cpu.nextRip;
    cpu.lo[1] = next | 0; cpu.hi[1] = Math.floor(next / 4294967296) | 0;
    cpu.lo[11] = flags; cpu.hi[11] = 0;
    cpu.flags.set(flags & ~v.fmask & ~FLAG_RF);
    const sel = Number((v.star >> 32n) & 0xffffn);
    cpu.cs = sel & 0xfffc;
    cpu.ss = (sel + 8) & 0xffff;
    v.setCpl(0);
    cpu.nextRip = v.lstar;
    this.m.onSyscall(v, from);
  }

  /** SYSRET with REX.W back to 64-bit user code; #GP(0) at CPL 0 for a non-canonical RCX (Intel). */
  private sysret(v: VCpu, i: Instr): void {
    const cpu = v.cpu;
    if ((cpu.efer & 1) === 0) cpu.fault(6);
    this.priv(cpu);
    if (i.size !== 8) cpu.fault(6); // return to compatibility mode: not supported (README)
    const target = canonicalNum(cpu.lo[1]!, cpu.hi[1]!);
    if (target !== target) cpu.gp0();
    const from = { rip: cpu.rip, rsp: cpu.regNum(4) };
    const sel = Number((v.star >> 48n) & 0xffffn);
    cpu.cs = ((sel + 16) | 3) & 0xffff;
    cpu.ss = ((sel + 8) | 3) & 0xffff;
    cpu.flags.set((cpu.lo[11]! & 0x3c7fd7) | 2);
    v.setCpl(3);
    cpu.nextRip = target;
    cpu.attention = true; // IF may have come back on
    this.m.onSysret(v, from);
  }

  /**
   * IRETQ (SDM Vol. 2, IRET, 64-bit mode): pops RIP, CS, RFLAGS, RSP, SS; the return CS must be
   * a present 64-bit code segment with RPL >= CPL; RIP must be canonical.
   */
  private iret(v: VCpu, size: number): void {
    const cpu = v.cpu;
    if (size !== 8) cpu.fault(6); // 32-bit IRET: not supported (README)
    const sp = cpu.regNum(4);
    const rd = (k: number): bigint => {
      const lo = cpu.bus.read64(sp + 8 * k);
      return (BigInt(cpu.bus.hi >>> 0) << 32n) | BigInt(lo >>> 0);
    };
    const rip = toNum(rd(0));
    const cs = Number(rd(1) & 0xffffn);
    const flags = Number(rd(2) & 0xffffffffn);
    const rsp = toNum(rd(3));
    const ss = Number(rd(4) & 0xffffn);
    const rpl = cs & 3;
    this.checkReturnCs(v, cs);
    if (rpl !== 0 && (ss & 3) !== rpl) cpu.fault(13, ss & 0xfffc);
    if (!(rip >= -140737488355328 && rip < 140737488355328)) cpu.gp0();
    // RFLAGS: IOPL only at CPL 0, IF only when CPL <= IOPL (SDM Vol. 2, IRET).
    const old = cpu.flags.get();
    let writable = 0x257fd5;
    const iopl = (old & FLAG_IOPL) >>> 12;
    if (cpu.cpl > 0) writable &= ~FLAG_IOPL;
    if (cpu.cpl > iopl) writable &= ~FLAG_IF;
    const fromCpl = cpu.cpl, fromRip = cpu.rip;
    cpu.flags.set((old & ~writable) | (flags & writable));
    cpu.cs = cs;
    cpu.ss = ss;
    v.setCpl(rpl);
    cpu.lo[4] = rsp | 0; cpu.hi[4] = Math.floor(rsp / 4294967296) | 0;
    cpu.nextRip = rip;
    v.nmiBlocked = false;
    cpu.attention = true;
    this.m.onIret(v, fromCpl, fromRip);
  }

  /** Checks a code-segment selector loaded by a far return or IRET: present 64-bit code whose DPL
   * equals the selector's RPL, with RPL >= CPL (SDM Vol. 2, RET far / IRET). */
  private checkReturnCs(v: VCpu, cs: number): void {
    const cpu = v.cpu;
    if ((cs & 0xfffc) === 0 || (cs & 3) < cpu.cpl || (cs | 7) > v.gdtLimit) cpu.fault(13, cs & 0xfffc);
    const desc = v.mmu.sysRead64(v.gdtBase + (cs & 0xfff8));
    if (((desc >> 43n) & 3n) !== 3n || ((desc >> 53n) & 1n) !== 1n || Number((desc >> 45n) & 3n) !== (cs & 3)) {
      cpu.fault(13, cs & 0xfffc);
    }
    if (((desc >> 47n) & 1n) === 0n) cpu.fault(11, cs & 0xfffc);
  }

  /**
   * RET far (CA/CB; LRETQ with REX.W): pops RIP and CS, releases imm16 bytes, and on a return to
   * an outer privilege level pops RSP and SS too. Kernels use it to reload CS after LGDT.
   */
  private retFar(v: VCpu, i: Instr): void {
    const cpu = v.cpu;
    const n = i.size === 8 ? 8 : i.size === 2 ? 2 : 4;
    const sp = cpu.regNum(4);
    const rd = (a: number): number => {
      if (n === 2) return cpu.bus.read16(a);
      if (n === 4) return cpu.bus.read32(a) >>> 0;
      const lo = cpu.bus.read64(a);
      return canonicalOrSentinel(lo, cpu.bus.hi);
    };
    const rip = rd(sp);
    const cs = rd(sp + n) & 0xffff;
    this.checkReturnCs(v, cs);
    const imm = i.immLo & 0xffff;
    let newSp = sp + 2 * n + imm;
    let ss = cpu.ss;
    const rpl = cs & 3;
    if (rpl > cpu.cpl) {
      const outerSp = rd(newSp);
      ss = rd(newSp + n) & 0xffff;
      if ((ss & 3) !== rpl) cpu.fault(13, ss & 0xfffc);
      newSp = outerSp + imm;
    }
    if (!(rip >= -140737488355328 && rip < 140737488355328)) cpu.gp0();
    const fromCpl = cpu.cpl, fromRip = cpu.rip;
    cpu.cs = cs;
    cpu.ss = ss;
    v.setCpl(rpl);
    cpu.lo[4] = newSp | 0; cpu.hi[4] = Math.floor(newSp / 4294967296) | 0;
    cpu.nextRip = rip;
    if (fromCpl !== rpl) this.m.onIret(v, fromCpl, fromRip);
  }

  /** INT n / INT3: a software interrupt through the IDT, gate DPL checked against CPL. */
  private softInt(v: VCpu, vector: number): void {
    const cpu = v.cpu;
    const from = { rip: cpu.rip, rsp: cpu.regNum(4), cpl: cpu.cpl };
    // A fault during INT n delivery propagates as a fault of the INT instruction itself (a
    // benign first event, so it is delivered serially with RIP at the INT).
    const d = deliverOnce(v, vector, -1, Source.Software, cpu.nextRip);
    this.m.onSoftwareInterrupt(v, vector, from, d.stack, d.rsp);
  }
}

