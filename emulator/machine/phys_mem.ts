// Physical memory: one buffer of RAM from address 0, with a dirty bit per 4 KiB page since the
// last snapshot (snapshots store only what changed), and the dirty pages listed as first
// written, so taking them costs what was written, not the size of RAM. Addresses beyond RAM read as all ones and
// ignore writes, as unbacked addresses do on a PC.

export const PAGE = 4096;

export class PhysMem {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** One flag per page: written since the last snapshot. */
  private readonly dirty: Uint8Array;
  /** The pages whose flag is set, in the order they were first written. */
  private dirtyList: number[] = [];

  constructor(readonly size: number) {
    if (size % PAGE !== 0) throw new Error('memory size must be a multiple of 4 KiB');
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.dirty = new Uint8Array(size / PAGE);
    this.markAllDirty();
  }

  /** Marks page number `p` written since the last snapshot. */
  markPage(p: number): void {
    if (this.dirty[p] === 0) {
      this.dirty[p] = 1;
      this.dirtyList.push(p);
    }
  }

  markAllDirty(): void {
    this.dirty.fill(1);
    this.dirtyList = Array.from({ length: this.dirty.length }, (_, p) => p);
  }

  /** The pages written since the last call (or since all were marked), in ascending order; clears the marks. */
  takeDirty(): number[] {
    const list = this.dirtyList;
    for (const p of list) this.dirty[p] = 0;
    this.dirtyList = [];
    return list.sort((a, b) => a - b);
  }

  inRam(pa: number, n: number): boolean {
    return pa >= 0 && pa + n <= this.size;
  }

  read8(pa: number): number { return this.inRam(pa, 1) ? this.bytes[pa]! : 0xff; }
  read16(pa: number): number { return this.inRam(pa, 2) ? this.view.getUint16(pa, true) : 0xffff; }
  read32(pa: number): number { return this.inRam(pa, 4) ? this.view.getUint32(pa, true) : 0xffffffff; }
  /** 64-bit read as a bigint (device and loader code, not the hot path). */
  read64(pa: number): bigint { return this.inRam(pa, 8) ? this.view.getBigUint64(pa, true) : 0xffffffffffffffffn; }

  write8(pa: number, v: number): void { if (this.inRam(pa, 1)) { this.bytes[pa] = v; this.markPage(pa >>> 12); } }
  write16(pa: number, v: number): void { if (this.inRam(pa, 2)) { this.view.setUint16(pa, v, true); this.markDirty(pa, 2); } }
  write32(pa: number, v: number): void { if (this.inRam(pa, 4)) { this.view.setUint32(pa, v >>> 0, true); this.markDirty(pa, 4); } }
  write64(pa: number, v: bigint): void { if (this.inRam(pa, 8)) { this.view.setBigUint64(pa, BigInt.asUintN(64, v), true); this.markDirty(pa, 8); } }
  writeBytes(pa: number, data: Uint8Array): void {
    if (!this.inRam(pa, data.length)) throw new Error(`write of ${data.length} bytes at ${pa.toString(16)} is outside RAM`);
    this.bytes.set(data, pa);
    this.markDirty(pa, data.length);
  }

  markDirty(pa: number, n: number): void {
    for (let p = pa >>> 12; p <= (pa + n - 1) >>> 12; p++) this.markPage(p);
  }
}
