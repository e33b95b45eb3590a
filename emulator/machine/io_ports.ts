// The I/O port bus: IN and OUT instructions reach devices through it (GUEST-INTERFACE.md,
// "I/O ports"). As on a PC with nothing decoding an address, reads of an unclaimed port return
// all ones (the data lines float high) and writes to it are dropped.

/** A device that claims a range of ports. `size` is the access width in bytes: 1, 2 or 4. */
export interface PortDevice {
  in(port: number, size: number): number;
  out(port: number, size: number, value: number): void;
}

export const PORT_COUNT = 0x10000;

/** All ones for an access of `size` bytes. */
export function onesFor(size: number): number {
  return size >= 4 ? 0xffffffff : (1 << (size * 8)) - 1;
}

export class IoPortBus {
  /** Device per port (a flat table: one lookup per access). */
  private readonly devices: (PortDevice | undefined)[] = new Array(PORT_COUNT);

  /** Claims ports [first, first + count) for `device`; a port can have only one owner. */
  register(first: number, count: number, device: PortDevice): void {
    if (!Number.isInteger(first) || !Number.isInteger(count) || count <= 0 || first < 0 || first + count > PORT_COUNT) {
      throw new Error(`bad port range ${first.toString(16)}+${count}`);
    }
    for (let p = first; p < first + count; p++) {
      if (this.devices[p]) throw new Error(`port 0x${p.toString(16)} is already registered`);
    }
    for (let p = first; p < first + count; p++) this.devices[p] = device;
  }

  /** The device on `port`, if any. */
  deviceAt(port: number): PortDevice | undefined {
    return this.devices[port & 0xffff];
  }

  /** IN of `size` bytes from `port`; the result is masked to the access width. */
  in(port: number, size: number): number {
    const d = this.devices[port & 0xffff];
    if (!d) return onesFor(size);
    const v = d.in(port & 0xffff, size);
    return size >= 4 ? v >>> 0 : v & onesFor(size);
  }

  /** OUT of `size` bytes of `value` to `port`. */
  out(port: number, size: number, value: number): void {
    const d = this.devices[port & 0xffff];
    if (!d) return;
    d.out(port & 0xffff, size, size >= 4 ? value >>> 0 : value & onesFor(size));
  }
}
