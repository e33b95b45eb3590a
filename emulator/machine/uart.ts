// A 16550 UART (COM1 at 0x3f8, GUEST-INTERFACE.md "I/O ports"; register map of the National
// Semiconductor PC16550D data sheet). Transmission is instantaneous: a byte written to THR goes
// straight to `onOutput`, so LSR always reports THRE|TEMT (the transmitter is never busy).
// Received bytes come from the host through `feedInput`. No interrupt line is wired to the CPUs
// (there is no I/O APIC), so IER/IIR are register state a driver can program and poll; the
// kernel polls LSR. Loopback (MCR bit 4) is honoured: THR bytes return through RBR, as drivers
// use to probe for the chip.

import type { PortDevice } from './io_ports.ts';

export const COM1_BASE = 0x3f8;
export const UART_PORTS = 8;

// Register offsets.
export const UART_RBR_THR = 0, UART_IER = 1, UART_IIR_FCR = 2, UART_LCR = 3, UART_MCR = 4,
  UART_LSR = 5, UART_MSR = 6, UART_SCR = 7;
// LSR bits.
export const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
// LCR bit 7: divisor latch access.
export const LCR_DLAB = 0x80;
// MCR bit 4: loopback.
export const MCR_LOOP = 0x10;
// IER bits: received data available, THR empty.
export const IER_RDA = 0x01, IER_THRE = 0x02;
// IIR identification (bit 0 = 1: nothing pending); bits 6-7 set when the FIFOs are enabled.
export const IIR_NONE = 0x01, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_FIFO = 0xc0;

/** Host input held at most (a chip would report overrun; we drop and set OE). */
export const UART_RX_LIMIT = 65536;

export interface UartState {
  dll: number; dlm: number; ier: number; lcr: number; mcr: number; scr: number; fcr: number;
  overrun: boolean; threPending: boolean; rx: number[];
}

export class Uart implements PortDevice {
  private dll = 0x0c; // 9600 baud after reset on a PC BIOS; any value works here
  private dlm = 0;
  private ier = 0;
  private lcr = 0x03;
  private mcr = 0;
  private scr = 0;
  private fcr = 0;
  private overrun = false;
  /** THR-empty interrupt condition: set when the transmitter empties, cleared by IIR read/THR write. */
  private threPending = false;
  private rx: number[] = [];
  private rxHead = 0;

  constructor(private readonly onOutput: (byte: number) => void, readonly base = COM1_BASE) {}

  /** Queues bytes typed on the host; the guest reads them from RBR. */
  feedInput(bytes: Uint8Array | readonly number[] | string): void {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    for (let i = 0; i < data.length; i++) this.receive(data[i]! & 0xff);
  }

  /** Bytes waiting in the receive queue. */
  get inputPending(): number {
    return this.rx.length - this.rxHead;
  }

  /** Whether the chip asserts its interrupt output (IIR bit 0 clear). Not wired to a CPU. */
  interruptPending(): boolean {
    return (this.iirValue() & IIR_NONE) === 0;
  }

  in(port: number, size: number): number {
    // A wider access to this 8-bit device reads consecutive registers, as the bus would split it.
    let v = 0;
    for (let i = 0; i < size; i++) {
      const off = port + i - this.base;
      v |= (off >= 0 && off < UART_PORTS ? this.readReg(off) : 0xff) << (8 * i);
    }
    return v >>> 0;
  }

  out(port: number, size: number, value: number): void {
    for (let i = 0; i < size; i++) {
      const off = port + i - this.base;
      if (off >= 0 && off < UART_PORTS) this.writeReg(off, (value >>> (8 * i)) & 0xff);
    }
  }

  private receive(byte: number): void {
    if (this.inputPending >= UART_RX_LIMIT) { this.overrun = true; return; }
    this.rx.push(byte);
  }

  private iirValue(): number {
    const fifo = this.fcr & 1 ? IIR_FIFO : 0;
    if (this.ier & IER_RDA && this.inputPending > 0) return IIR_RDA | fifo;
    if (this.ier & IER_THRE && this.threPending) return IIR_THRE | fifo;
    return IIR_NONE | fifo;
  }

  private readReg(off: number): number {
    switch (off) {
      case UART_RBR_THR: {
        if (this.lcr & LCR_DLAB) return this.dll;
        if (this.inputPending === 0) return 0;
        const b = this.rx[this.rxHead++]!;
        if (this.rxHead === this.rx.length) { this.rx = []; this.rxHead = 0; }
        return b;
      }
      case UART_IER: return this.lcr & LCR_DLAB ? this.dlm : this.ier;
      case UART_IIR_FCR: {
        const v = this.iirValue();
        // Reading IIR while it reports THR empty clears that condition (PC16550D, table IV).
        if ((v & 0x0f) === IIR_THRE) this.threPending = false;
        return v;
      }
      case UART_LCR: return this.lcr;
      case UART_MCR: return this.mcr;
      case UART_LSR: {
        const v = LSR_THRE | LSR_TEMT | (this.inputPending > 0 ? LSR_DR : 0) | (this.overrun ? LSR_OE : 0);
        this.overrun = false; // error bits clear on read
        return v;
      }
      case UART_MSR:
        if (this.mcr & MCR_LOOP) {
          // Loopback: CTS<-RTS, DSR<-DTR, RI<-OUT1, DCD<-OUT2.
          const m = this.mcr;
          return ((m & 2) << 3) | ((m & 1) << 5) | ((m & 4) << 4) | ((m & 8) << 4);
        }
        return 0xb0; // DCD, DSR, CTS: a terminal is always attached
      default: return this.scr;
    }
  }

  private writeReg(off: number, v: number): void {
    switch (off) {
      case UART_RBR_THR:
        if (this.lcr & LCR_DLAB) { this.dll = v; return; }
        if (this.mcr & MCR_LOOP) this.receive(v);
        else this.onOutput(v);
        // The byte left at once: the holding register is empty again.
        this.threPending = true;
        return;
      case UART_IER:
        if (this.lcr & LCR_DLAB) { this.dlm = v; return; }
        // Enabling the THRE interrupt with THR already empty raises it at once.
        if (v & IER_THRE && !(this.ier & IER_THRE)) this.threPending = true;
        this.ier = v & 0x0f;
        return;
      case UART_IIR_FCR:
        // Bit 1 clears the receive FIFO; bit 2 the transmit FIFO (always empty here).
        if (v & 2) { this.rx = []; this.rxHead = 0; }
        this.fcr = v & 0xc9;
        return;
      case UART_LCR: this.lcr = v; return;
      case UART_MCR: this.mcr = v & 0x1f; return;
      case UART_LSR: case UART_MSR: return; // read-only (factory test registers)
      default: this.scr = v;
    }
  }

  /** Divisor latch value (baud = 115200 / divisor); informational. */
  get divisor(): number {
    return (this.dlm << 8) | this.dll;
  }

  save(): UartState {
    return { dll: this.dll, dlm: this.dlm, ier: this.ier, lcr: this.lcr, mcr: this.mcr, scr: this.scr,
      fcr: this.fcr, overrun: this.overrun, threPending: this.threPending, rx: this.rx.slice(this.rxHead) };
  }

  load(s: UartState): void {
    this.dll = s.dll; this.dlm = s.dlm; this.ier = s.ier; this.lcr = s.lcr; this.mcr = s.mcr; this.scr = s.scr;
    this.fcr = s.fcr; this.overrun = s.overrun; this.threPending = s.threPending;
    this.rx = s.rx.slice(); this.rxHead = 0;
  }
}
