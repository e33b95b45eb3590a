// The Bochs/QEMU debug console (port 0xe9, GUEST-INTERFACE.md "I/O ports"): every byte written
// is console output. Reading the port returns 0xe9, which is how guests detect it on QEMU.
// Also ConsoleLine, which turns the byte streams of both consoles into console-event text.

import type { PortDevice } from './io_ports.ts';

export const DEBUGCON_PORT = 0xe9;

export class DebugConsole implements PortDevice {
  constructor(private readonly onOutput: (byte: number) => void, readonly port = DEBUGCON_PORT) {}

  in(_port: number, _size: number): number {
    return DEBUGCON_PORT;
  }

  out(_port: number, size: number, value: number): void {
    // A wider OUT writes its bytes low first (what two byte OUTs would do).
    for (let i = 0; i < size; i++) this.onOutput((value >>> (8 * i)) & 0xff);
  }

  // Stateless: nothing to snapshot, but the machine treats every device alike.
  save(): Record<string, never> { return {}; }
  load(_s: Record<string, never>): void {}
}

export type ConsoleChannel = 'uart' | 'debugcon';

export const CONSOLE_LINE_MAX = 256;

export interface ConsoleLineState { pending: number[] }

/**
 * Buffers the bytes of one console channel and emits text at each newline (included in the
 * text) or when `max` bytes are waiting, so that one console event is one line in the common
 * case and concatenating the events reproduces the output exactly. A UTF-8 sequence is never
 * split across two events; malformed UTF-8 becomes U+FFFD. `flush()` emits what is waiting
 * (at power-off, reset, or before the machine pauses).
 */
export class ConsoleLine {
  private buf: Uint8Array;
  private n = 0;
  private static readonly decoder = new TextDecoder('utf-8');

  constructor(
    readonly channel: ConsoleChannel,
    private readonly onText: (text: string, channel: ConsoleChannel) => void,
    readonly max = CONSOLE_LINE_MAX,
  ) {
    this.buf = new Uint8Array(max + 4);
  }

  push(byte: number): void {
    this.buf[this.n++] = byte & 0xff;
    if (byte === 0x0a) { this.emit(this.n); return; }
    if (this.n >= this.max) this.emit(this.completeLength());
  }

  /** Emits everything waiting, even an incomplete UTF-8 sequence. */
  flush(): void {
    if (this.n > 0) this.emit(this.n);
  }

  get pending(): number {
    return this.n;
  }

  /** Length of the buffer without a trailing incomplete UTF-8 sequence (never 0 when n > 0). */
  private completeLength(): number {
    const b = this.buf;
    // Look back at most 3 bytes for the lead byte of the last sequence.
    for (let back = 1; back <= 3 && back <= this.n; back++) {
      const c = b[this.n - back]!;
      if ((c & 0xc0) === 0x80) continue; // continuation byte
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return need > back && this.n - back > 0 ? this.n - back : this.n;
    }
    return this.n;
  }

  private emit(len: number): void {
    const text = ConsoleLine.decoder.decode(this.buf.subarray(0, len));
    this.buf.copyWithin(0, len, this.n);
    this.n -= len;
    this.onText(text, this.channel);
  }

  save(): ConsoleLineState {
    return { pending: Array.from(this.buf.subarray(0, this.n)) };
  }

  load(s: ConsoleLineState): void {
    this.n = 0;
    for (const b of s.pending.slice(0, this.buf.length)) this.buf[this.n++] = b & 0xff;
  }
}
