// A flat memory bus with no paging: linear address = offset into one buffer. Used to run the
// CPU core alone (differential tests against the host CPU, the CPU benchmark). An access outside
// the buffer raises #PF with the address in pendingCr2, like an unmapped page would.

import type { CodeCache } from './code_cache.ts';
import type { Bus, Cpu } from './cpu.ts';

export class FlatBus implements Bus {
  hi = 0;
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  cpu!: Cpu;
  /** With a CodeCache attached: 1 for each 4 KiB page (from `base`) that holds decoded code. */
  private codePages: Uint8Array | null = null;
  private cache: CodeCache | null = null;

  constructor(size: number, readonly base = 0) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  /**
   * Makes stores into pages that hold decoded instructions drop them from `cache`, so that
   * self-modifying code runs what it wrote (x86 snoops stores to code: SDM Vol. 3, 11.6). The
   * page keys are the linear pages fetchPage returns.
   */
  attachCodeCache(cache: CodeCache): void {
    const pages = new Uint8Array(Math.ceil((this.bytes.length + (this.base & 0xfff)) / 4096));
    this.codePages = pages;
    this.cache = cache;
    cache.onNewCodePage = (page) => {
      const k = this.pageIndex(page);
      if (k >= 0 && k < pages.length) pages[k] = 1;
    };
  }

  /** Index in codePages of the page holding linear address `addr`. */
  private pageIndex(addr: number): number {
    return Math.floor((addr - (this.base - (this.base & 0xfff))) / 4096);
  }

  /** A store touched bytes [o, o + n) (at most two pages): drop decoded code on them. */
  private codeWrite(o: number, n: number): void {
    const pages = this.codePages!;
    const sh = this.base & 0xfff;
    const first = (o + sh) >>> 12, last = (o + sh + n - 1) >>> 12;
    for (let k = first; k <= last; k++) {
      if (pages[k] === 1) {
        pages[k] = 0;
        this.cache!.invalidate(this.base - sh + k * 4096);
      }
    }
  }

  /** Offset of an n-byte read at `addr`, or a #PF like an unmapped page would raise. */
  private off(addr: number, n: number, fetch = false): number {
    const o = addr - this.base;
    if (o >= 0 && o <= this.bytes.length - n) return o;
    return this.miss(addr, false, fetch);
  }

  /** Offset of an n-byte write at `addr`; drops decoded code the write lands on. */
  private offW(addr: number, n: number): number {
    const o = addr - this.base;
    if (o < 0 || o > this.bytes.length - n) return this.miss(addr, true, false);
    const p = this.codePages;
    if (p !== null) {
      const sh = this.base & 0xfff;
      if ((p[(o + sh) >>> 12]! | p[(o + sh + n - 1) >>> 12]!) !== 0) this.codeWrite(o, n);
    }
    return o;
  }

  private miss(addr: number, write: boolean, fetch: boolean): never {
    this.cpu.pendingCr2 = addr;
    return this.cpu.fault(14, (write ? 2 : 0) | (fetch ? 16 : 0) | (this.cpu.cpl === 3 ? 4 : 0));
  }

  read8(a: number): number { return this.bytes[this.off(a, 1)]!; }
  read16(a: number): number { return this.view.getUint16(this.off(a, 2), true); }
  read32(a: number): number { return this.view.getInt32(this.off(a, 4), true); }
  read64(a: number): number {
    const o = this.off(a, 8);
    const v = this.view;
    this.hi = v.getInt32(o + 4, true);
    return v.getInt32(o, true);
  }
  write8(a: number, v: number): void { this.bytes[this.offW(a, 1)] = v; }
  write16(a: number, v: number): void { this.view.setUint16(this.offW(a, 2), v, true); }
  write32(a: number, v: number): void { this.view.setInt32(this.offW(a, 4), v, true); }
  write64(a: number, lo: number, hi: number): void {
    const o = this.offW(a, 8);
    const v = this.view;
    v.setInt32(o, lo, true);
    v.setInt32(o + 4, hi, true);
  }
  fetch8(a: number): number { return this.bytes[this.off(a, 1, true)]!; }
  fetchPage(a: number): number {
    this.off(a, 1, true);
    return a - (a & 0xfff);
  }
}
