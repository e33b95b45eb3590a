// Power-off and reset ports (GUEST-INTERFACE.md "I/O ports"; X86-FACTS.md "PC conventions").
// 0x604 is QEMU's ACPI PM1a control register: writing SLP_TYP=0 with SLP_EN (bit 13), i.e.
// 0x2000, enters S5 (soft off). 0xcf9 is the PC reset control register: bit 2 (RST_CPU) set
// with bit 1 (SYS_RST, 0x06 "hard") or also bit 3 (FULL_RST, 0x0e) resets the machine.

import { onesFor, type PortDevice } from './io_ports.ts';

export const POWER_OFF_PORT = 0x604;
export const POWER_OFF_VALUE = 0x2000;
export const RESET_PORT = 0xcf9;

/** Claims 0x604-0x605 (a 16-bit register) and, separately, 0xcf9. */
export class PowerControl implements PortDevice {
  /** Last value written to 0xcf9 (readable back, as on the chipset). */
  private resetControl = 0;

  constructor(private readonly onPowerOff: () => void, private readonly onReset: () => void) {}

  in(port: number, size: number): number {
    if (port === RESET_PORT) return ((onesFor(size) & ~0xff) | this.resetControl) >>> 0;
    return onesFor(size); // PM1a: no status kept, reads as all ones
  }

  out(port: number, size: number, value: number): void {
    if (port === POWER_OFF_PORT) {
      // Only a 16-bit (or wider) write carries SLP_EN; a byte write to 0x604 holds only bits 0-7.
      if (size >= 2 && (value & 0xffff) === POWER_OFF_VALUE) this.onPowerOff();
      return;
    }
    if (port === RESET_PORT) {
      const v = value & 0xff;
      this.resetControl = v & ~0x04; // RST_CPU is self-clearing
      if (v === 0x06 || v === 0x0e) this.onReset();
    }
  }

  save(): { resetControl: number } { return { resetControl: this.resetControl }; }
  load(s: { resetControl: number }): void { this.resetControl = s.resetControl; }
}
