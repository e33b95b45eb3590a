// A flat memory bus with no paging: linear address = offset into one buffer. Used to run the
// CPU core alone (differential tests against the host CPU, the CPU benchmark). An access outside
// the buffer raises #PF with the address in pendingCr2, like an unmapped page would.

import type { Bus, Cpu } from './cpu.ts';

export class FlatBus implements Bus {
  hi = 0;
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  cpu!: Cpu;

  constructor(size: number, readonly base = 0) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Offset of an n-byte access at `addr`, or a #PF like an unmapped page would raise. */
  private off(addr: number, n: number, write: boolean, fetch = false): number {
    const o = addr - this.base;
    if (o >= 0 && o <= this.bytes.length - n) return o;
    this.cpu.pendingCr2 = addr;
    return this.cpu.fault(14, (write ? 2 : 0) | (fetch ? 16 : 0) | (this.cpu.cpl === 3 ? 4 : 0));
  }

  read8(a: number): number { return this.bytes[this.off(a, 1, false)]!; }
  read16(a: number): number { return this.view.getUint16(this.off(a, 2, false), true); }
  read32(a: number): number { return this.view.getInt32(this.off(a, 4, false), true); }
  read64(a: number): number {
    const o = this.off(a, 8, false);
    const v = this.view;
    this.hi = v.getInt32(o + 4, true);
    return v.getInt32(o, true);
  }
  write8(a: number, v: number): void { this.bytes[this.off(a, 1, true)] = v; }
  write16(a: number, v: number): void { this.view.setUint16(this.off(a, 2, true), v, true); }
  write32(a: number, v: number): void { this.view.setInt32(this.off(a, 4, true), v, true); }
  write64(a: number, lo: number, hi: number): void {
    const o = this.off(a, 8, true);
    const v = this.view;
    v.setInt32(o, lo, true);
    v.setInt32(o + 4, hi, true);
  }
  fetch8(a: number): number { return this.bytes[this.off(a, 1, false, true)]!; }
  fetchPage(a: number): number {
    this.off(a, 1, false, true);
    return a - (a & 0xfff);
  }
}
