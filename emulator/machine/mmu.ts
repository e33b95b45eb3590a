// The memory-management unit of one CPU: 4-level long-mode paging (SDM Vol. 3, chapter 4) with
// 4 KiB, 2 MiB and 1 GiB pages, P, R/W, U/S, XD (with EFER.NXE), accessed and dirty bits, CR0.WP,
// CR4.SMEP/SMAP with RFLAGS.AC, global pages (CR4.PGE), and exact #PF error codes and CR2.
//
// The TLB is the fast path: direct-mapped arrays of (linear page -> physical page), one set for
// user mode and one for supervisor mode, each split into read, write and fetch. An entry is only
// installed when that access is allowed in that mode, so a hit needs no permission check. What
// the fast path cannot decide goes through walk(): supervisor accesses to user pages under SMAP
// or SMEP (AC changes too often to cache), writes to pages holding decoded code (they must
// invalidate it), and the first write to a page since the last snapshot (it must be marked dirty).

import { canonicalNum, TWO32, type Bus, type Cpu } from '../x86/cpu.ts';
import type { CodeCache } from '../x86/code_cache.ts';
import { PAGE, type PhysMem } from './phys_mem.ts';

const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;
/** Physical-address width reported by CPUID 0x80000008: bits 39-51 of a paging entry are reserved. */
export const MAXPHYADDR = 39;
const RSVD_HI_MASK = 0x000fff80; // bits 39-51 of the high word

export const PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, PF_I = 16;
const ACC_READ = 0, ACC_WRITE = 1, ACC_FETCH = 2;

export const CR0_WP = 1 << 16;
export const CR4_PGE = 1 << 7, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21;
export const EFER_NXE = 1 << 11;
const FLAG_AC = 1 << 18;

/** The PML4, PDPT, PD and PT indices of a linear address (bits 47-39, 38-30, 29-21, 20-12). */
function tableIndices(a: number): number[] {
  const hi = Math.floor(a / TWO32), lo = a >>> 0;
  return [(hi >>> 7) & 511, ((hi & 0x7f) << 2) | (lo >>> 30), (lo >>> 21) & 511, (lo >>> 12) & 511];
}

/**
 * Reserved bits of a paging-structure entry (SDM 4.5, tables 4-14..4-20): above MAXPHYADDR, XD
 * without EFER.NXE, PS in a PML4E, and the low address bits of a large page. `level` 0 is the PML4.
 */
function reservedBitSet(lo: number, hi: number, level: number, nxe: boolean): boolean {
  if ((hi & RSVD_HI_MASK) !== 0 || (!nxe && (hi & 0x80000000) !== 0)) return true;
  if ((lo & 0x80) === 0) return false;
  return level === 0 || (level === 1 && (lo & 0x3fffe000) !== 0) || (level === 2 && (lo & 0x1fe000) !== 0);
}

/**
 * Why the combined rights of a walk refuse an access (SDM 4.6), in words naming the flag, or
 * null when they allow it. `userAccess`: a CPL-3 access the CPU did not make on its own;
 * `implicit` supervisor accesses ignore RFLAGS.AC under SMAP.
 */
function refusal(cpu: Cpu, kind: number, userAccess: boolean, implicit: boolean, writable: boolean, userOk: boolean, nx: boolean): string | null {
  if (kind === ACC_FETCH) {
    if (nx) return 'the page is execute-disabled (XD=1)';
    if (userAccess && !userOk) return 'the page is supervisor-only (U/S=0)';
    if (!userAccess && userOk && (cpu.cr4 & CR4_SMEP) !== 0) return 'SMEP: the kernel may not execute a user page (U/S=1)';
    return null;
  }
  if (userAccess) {
    if (!userOk) return 'the page is supervisor-only (U/S=0)';
    if (kind === ACC_WRITE && !writable) return 'the page is read-only (R/W=0)';
    return null;
  }
  if (userOk && (cpu.cr4 & CR4_SMAP) !== 0 && (implicit || (cpu.flags.bits & FLAG_AC) === 0)) {
    return implicit ? 'SMAP: the CPU\'s own supervisor access may not touch a user page' : 'SMAP: the kernel may not touch a user page with RFLAGS.AC=0';
  }
  if (kind === ACC_WRITE && !writable && (cpu.cr0 & CR0_WP) !== 0) return 'the page is read-only (R/W=0) and CR0.WP=1';
  return null;
}

/** The #PF error code of a refused access (SDM 4.7); CR2 receives the linear address on delivery. */
function pageFaultCode(cpu: Cpu, bits: number, kind: number, userAccess: boolean): number {
  let ec = bits;
  if (kind === ACC_WRITE) ec |= PF_W;
  if (userAccess) ec |= PF_U;
  if (kind === ACC_FETCH && ((cpu.efer & EFER_NXE) !== 0 || (cpu.cr4 & CR4_SMEP) !== 0)) ec |= PF_I;
  return ec;
}

/** One set of TLB arrays for an access kind in a mode. */
class TlbSet {
  readonly tag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly phys = new Int32Array(TLB_SIZE);
  readonly global = new Uint8Array(TLB_SIZE);

  flush(keepGlobal: boolean): void {
    for (let i = 0; i < TLB_SIZE; i++) if (!keepGlobal || this.global[i] === 0) this.tag[i] = NaN;
  }
}

/** The outcome of a page walk, for the inspectors: every level's entry and the verdict. */
export interface WalkStep {
  level: 4 | 3 | 2 | 1;
  entryAddr: number;
  entry: bigint;
}

export interface WalkResult {
  steps: WalkStep[];
  /** Physical address, or -1 when the walk faults. */
  phys: number;
  /** #PF error code the access would raise (0 and phys >= 0 when it succeeds). */
  errorCode: number;
  /** Plain-words reason when it faults. */
  reason: string;
  user: boolean;
  writable: boolean;
  nx: boolean;
  pageSize: number;
}

export class Mmu implements Bus {
  hi = 0;
  cpu!: Cpu;
  // User-mode and supervisor-mode sets; `r`, `w`, `x` point at the current mode's.
  private readonly userSets = [new TlbSet(), new TlbSet(), new TlbSet()] as const;
  private readonly supSets = [new TlbSet(), new TlbSet(), new TlbSet()] as const;
  private r: TlbSet = this.supSets[0];
  private w: TlbSet = this.supSets[1];
  private x: TlbSet = this.supSets[2];
  private readonly view: DataView;
  private readonly bytes: Uint8Array;

  constructor(readonly mem: PhysMem, readonly code: CodeCache) {
    this.view = mem.view;
    this.bytes = mem.bytes;
  }

  /** Selects the TLB sets for the CPU's current privilege level. */
  setMode(cpl: number): void {
    const s = cpl === 3 ? this.userSets : this.supSets;
    this.r = s[0]; this.w = s[1]; this.x = s[2];
  }

  /** Flushes the TLB: all of it, or (CR3 write with CR4.PGE) all but global entries. */
  flush(keepGlobal = false): void {
    for (const s of this.userSets) s.flush(keepGlobal);
    for (const s of this.supSets) s.flush(keepGlobal);
    this.cpu.fetchEpoch++;
  }

  /** INVLPG: drops every translation of the page holding `addr`, global or not. */
  invalidatePage(addr: number): void {
    const base = addr - (addr & 0xfff);
    const idx = (addr >>> 12) & TLB_MASK;
    for (const s of this.userSets) if (s.tag[idx] === base) s.tag[idx] = NaN;
    for (const s of this.supSets) if (s.tag[idx] === base) s.tag[idx] = NaN;
    this.cpu.fetchEpoch++;
  }

  /** Drops write translations to a physical page (it now holds code, or a snapshot was taken). */
  dropWrites(physPage: number): void {
    for (const s of [this.userSets[1], this.supSets[1]]) {
      for (let i = 0; i < TLB_SIZE; i++) if (s.phys[i] === physPage) s.tag[i] = NaN;
    }
  }

  dropAllWrites(): void {
    this.userSets[1].flush(false);
    this.supSets[1].flush(false);
  }

  // ---- the Bus: fast path inline, everything else in access() ----

  read8(a: number): number {
    const r = this.r, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (r.tag[idx] === a - off) return this.bytes[r.phys[idx]! + off]!;
    return this.mem.read8(this.access(a, 1, ACC_READ));
  }

  read16(a: number): number {
    const r = this.r, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (r.tag[idx] === a - off && off <= 0xffe) return this.view.getUint16(r.phys[idx]! + off, true);
    return this.readSlow(a, 2);
  }

  read32(a: number): number {
    const r = this.r, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (r.tag[idx] === a - off && off <= 0xffc) return this.view.getInt32(r.phys[idx]! + off, true);
    return this.readSlow(a, 4);
  }

  read64(a: number): number {
    const r = this.r, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (r.tag[idx] === a - off && off <= 0xff8) {
      const p = r.phys[idx]! + off;
      this.hi = this.view.getInt32(p + 4, true);
      return this.view.getInt32(p, true);
    }
    const lo = this.readSlow(a, 4);
    this.hi = this.readSlow(a + 4, 4);
    return lo;
  }

  write8(a: number, v: number): void {
    const w = this.w, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (w.tag[idx] === a - off) { this.bytes[w.phys[idx]! + off] = v; return; }
    this.writeSlow(a, 1, v);
  }

  write16(a: number, v: number): void {
    const w = this.w, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (w.tag[idx] === a - off && off <= 0xffe) { this.view.setUint16(w.phys[idx]! + off, v, true); return; }
    this.writeSlow(a, 2, v);
  }

  write32(a: number, v: number): void {
    const w = this.w, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (w.tag[idx] === a - off && off <= 0xffc) { this.view.setInt32(w.phys[idx]! + off, v, true); return; }
    this.writeSlow(a, 4, v);
  }

  write64(a: number, lo: number, hi: number): void {
    const w = this.w, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (w.tag[idx] === a - off && off <= 0xff8) {
      const p = w.phys[idx]! + off;
      this.view.setInt32(p, lo, true);
      this.view.setInt32(p + 4, hi, true);
      return;
    }
    // Check both halves before writing either, so a fault leaves memory untouched.
    if (off > 0xff8) this.access(a + 7, 1, ACC_WRITE);
    this.writeSlow(a, 4, lo);
    this.writeSlow(a + 4, 4, hi);
  }

  fetch8(a: number): number {
    return this.mem.read8(this.access(a, 1, ACC_FETCH));
  }

  fetchPage(a: number): number {
    const x = this.x, idx = (a >>> 12) & TLB_MASK, off = a & 0xfff;
    if (x.tag[idx] === a - off) return x.phys[idx]!;
    return this.access(a, 1, ACC_FETCH) - off;
  }

  private readSlow(a: number, n: number): number {
    const off = a & 0xfff;
    if (off + n <= PAGE) {
      const p = this.access(a, n, ACC_READ);
      return n === 2 ? this.mem.read16(p) : this.mem.read32(p) | 0;
    }
    // Straddles two pages: translate both, then assemble little-endian bytes.
    this.access(a + n - 1, 1, ACC_READ);
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = (v << 8) | this.mem.read8(this.access(a + k, 1, ACC_READ));
    return n === 4 ? v | 0 : v & 0xffff;
  }

  private writeSlow(a: number, n: number, v: number): void {
    const off = a & 0xfff;
    if (off + n <= PAGE) {
      const p = this.access(a, n, ACC_WRITE);
      if (n === 1) this.mem.write8(p, v); else if (n === 2) this.mem.write16(p, v); else this.mem.write32(p, v);
      this.noteWrite(p);
      return;
    }
    this.access(a + n - 1, 1, ACC_WRITE);
    for (let k = 0; k < n; k++) {
      const p = this.access(a + k, 1, ACC_WRITE);
      this.mem.write8(p, (v >>> (8 * k)) & 0xff);
      this.noteWrite(p);
    }
  }

  /** A write reached a physical address through the slow path: drop code decoded from its page. */
  private noteWrite(p: number): void {
    const page = p - (p & 0xfff);
    if (this.code.hasCode(page)) this.code.invalidate(page);
  }

  /**
   * Translates `a` for an access by the current instruction, installing a TLB entry when the
   * fast path may take later accesses to that page; raises #PF (or #GP for a non-canonical
   * address) otherwise. Returns the physical address.
   */
  private access(a: number, _n: number, kind: number): number {
    const cpu = this.cpu;
    if (!(a >= -140737488355328 && a < 140737488355328)) return cpu.gp0();
    const user = cpu.cpl === 3;
    const t = this.translate(a, kind, user, false);
    const off = a & 0xfff;
    const physPage = t - off;
    const base = a - off;
    const idx = (a >>> 12) & TLB_MASK;
    // Install a TLB entry unless the fast path must not handle this page (see the file comment).
    const userPage = this.lastUser;
    const smapBlocked = !user && userPage && (cpu.cr4 & (kind === ACC_FETCH ? CR4_SMEP : CR4_SMAP)) !== 0;
    if (!smapBlocked && physPage + PAGE <= this.mem.size) {
      const set = (user ? this.userSets : this.supSets)[kind]!;
      if (kind === ACC_WRITE) {
        if (!this.code.hasCode(physPage)) {
          set.tag[idx] = base; set.phys[idx] = physPage; set.global[idx] = this.lastGlobal ? 1 : 0;
        }
      } else {
        set.tag[idx] = base; set.phys[idx] = physPage; set.global[idx] = this.lastGlobal ? 1 : 0;
      }
    }
    if (kind === ACC_WRITE) this.mem.markPage(physPage / PAGE);
    return t;
  }

  // Attributes of the last successful translate(), for TLB installation.
  private lastUser = false;
  private lastGlobal = false;

  /**
   * The page walk (SDM Vol. 3, 4.5). `implicit` marks supervisor-mode accesses the CPU makes on
   * its own (descriptor tables, the TSS, pushing an exception frame): they are supervisor
   * accesses whatever the CPL (SDM 4.6), and SMAP blocks them from user pages whatever AC is.
   * Raises #PF with the exact error code and the address for CR2.
   */
  translate(a: number, kind: number, user: boolean, implicit: boolean): number {
    const cpu = this.cpu;
    const nxe = (cpu.efer & EFER_NXE) !== 0;
    let tableBase = cpu.cr3 - (cpu.cr3 % PAGE);
    let writable = true, userOk = true, nx = false;
    const indices = tableIndices(a);
    let pageSize = PAGE;
    let phys = 0;
    const entries: number[] = [];
    for (let level = 0; level < 4; level++) {
      const ea = tableBase + indices[level]! * 8;
      const lo = this.mem.read32(ea), hi = this.mem.read32(ea + 4);
      entries.push(ea);
      if ((lo & 1) === 0) return this.pageFault(a, kind, user, implicit, 0);
      if (reservedBitSet(lo, hi, level, nxe)) return this.pageFault(a, kind, user, implicit, PF_P | PF_RSVD);
      const ps = (lo & 0x80) !== 0 && level >= 1 && level <= 2;
      writable &&= (lo & 2) !== 0;
      userOk &&= (lo & 4) !== 0;
      nx ||= nxe && (hi & 0x80000000) !== 0;
      const addr = (lo & 0xfffff000 & ~0) >>> 0;
      const next = (hi & 0x7f) * TWO32 + addr;
      if (level === 3 || ps) {
        if (ps) {
          pageSize = level === 1 ? 1 << 30 : 1 << 21;
          phys = next - (next % pageSize) + (a - Math.floor(a / pageSize) * pageSize);
        } else phys = next + (a & 0xfff);
        if (refusal(cpu, kind, user && !implicit, implicit, writable, userOk, nx) !== null) return this.pageFault(a, kind, user, implicit, PF_P);
        this.setAccessedDirty(entries, kind === ACC_WRITE, level);
        this.lastUser = userOk;
        this.lastGlobal = (cpu.cr4 & CR4_PGE) !== 0 && (lo & 0x100) !== 0;
        return phys;
      }
      tableBase = next;
    }
    return phys;
  }

  /** Sets A in every level's entry, and D in the leaf for a write (SDM 4.8). */
  private setAccessedDirty(entries: number[], write: boolean, leafLevel: number): void {
    for (let level = 0; level < entries.length; level++) {
      const ea = entries[level]!;
      const lo = this.mem.read32(ea);
      let nv = lo | 0x20;
      if (write && level === leafLevel) nv |= 0x40;
      if (nv !== lo) {
        this.mem.write32(ea, nv);
        this.noteWrite(ea);
      }
    }
  }

  /** Raises #PF: error code bits per SDM 4.7; CR2 receives the linear address on delivery. */
  private pageFault(a: number, kind: number, user: boolean, implicit: boolean, bits: number): never {
    this.cpu.pendingCr2 = a;
    return this.cpu.fault(14, pageFaultCode(this.cpu, bits, kind, user && !implicit));
  }

  // ---- implicit supervisor accesses made by the CPU itself (descriptor tables, TSS, frames) ----

  sysRead64(a: number): bigint {
    const lo = this.mem.read32(this.sysPhys(a, ACC_READ)) >>> 0;
    const hi = this.mem.read32(this.sysPhys(a + 4, ACC_READ)) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  sysRead32(a: number): number {
    return this.mem.read32(this.sysPhys(a, ACC_READ)) >>> 0;
  }

  sysWrite64(a: number, v: bigint): void {
    const p0 = this.sysPhys(a, ACC_WRITE), p1 = this.sysPhys(a + 4, ACC_WRITE);
    this.mem.write32(p0, Number(v & 0xffffffffn));
    this.mem.write32(p1, Number((v >> 32n) & 0xffffffffn));
    this.noteWrite(p0); this.noteWrite(p1);
  }

  sysWrite32(a: number, v: number): void {
    const p = this.sysPhys(a, ACC_WRITE);
    this.mem.write32(p, v);
    this.noteWrite(p);
  }

  private sysPhys(a: number, kind: number): number {
    if (!(a >= -140737488355328 && a < 140737488355328)) return this.cpu.gp0();
    return this.translate(a, kind, this.cpu.cpl === 3, true);
  }

  /**
   * Walks the current page tables for `a` without faulting or setting A/D bits (the page-table
   * inspector): every level's entry and, if the access would fault, the error code and why.
   */
  inspect(a: number, access: 'read' | 'write' | 'fetch', user: boolean): WalkResult {
    const cpu = this.cpu;
    const steps: WalkStep[] = [];
    const result: WalkResult = { steps, phys: -1, errorCode: 0, reason: '', user: true, writable: true, nx: false, pageSize: PAGE };
    const canon = canonicalNum(a | 0, Math.floor(a / TWO32) | 0);
    if (canon !== canon) { result.reason = 'non-canonical address: #GP, not #PF'; return result; }
    const kind = access === 'write' ? ACC_WRITE : access === 'fetch' ? ACC_FETCH : ACC_READ;
    const nxe = (cpu.efer & EFER_NXE) !== 0;
    const indices = tableIndices(a);
    let tableBase = cpu.cr3 - (cpu.cr3 % PAGE);
    const fail = (bits: number, reason: string): WalkResult => {
      result.errorCode = pageFaultCode(cpu, bits, kind, user);
      result.reason = reason;
      return result;
    };
    for (let level = 0; level < 4; level++) {
      const ea = tableBase + indices[level]! * 8;
      const entry = this.mem.read64(ea);
      steps.push({ level: (4 - level) as 4 | 3 | 2 | 1, entryAddr: ea, entry });
      const lo = Number(entry & 0xffffffffn), hi = Number(entry >> 32n);
      if ((lo & 1) === 0) return fail(0, `the level-${4 - level} entry is not present (P=0)`);
      if (reservedBitSet(lo, hi, level, nxe)) return fail(PF_P | PF_RSVD, `a reserved bit is set in the level-${4 - level} entry`);
      result.writable &&= (lo & 2) !== 0;
      result.user &&= (lo & 4) !== 0;
      result.nx ||= nxe && (hi & 0x80000000) !== 0;
      const next = (hi & 0x7f) * TWO32 + ((lo & 0xfffff000) >>> 0);
      const ps = (lo & 0x80) !== 0 && (level === 1 || level === 2);
      if (level === 3 || ps) {
        result.pageSize = ps ? (level === 1 ? 1 << 30 : 1 << 21) : PAGE;
        const phys = next - (next % result.pageSize) + (a - Math.floor(a / result.pageSize) * result.pageSize);
        const refused = refusal(cpu, kind, user, false, result.writable, result.user, result.nx);
        if (refused !== null) return fail(PF_P, refused);
        result.phys = phys;
        return result;
      }
      tableBase = next;
    }
    return result;
  }
}
