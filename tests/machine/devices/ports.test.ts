import { describe, expect, it } from 'vitest';
import { IoPortBus, type PortDevice } from '../../../emulator/machine/io_ports.ts';
import { Uart, COM1_BASE, LSR_DR, LSR_THRE, LSR_TEMT, LCR_DLAB, UART_RX_LIMIT } from '../../../emulator/machine/uart.ts';
import { ConsoleLine, DebugConsole, DEBUGCON_PORT } from '../../../emulator/machine/debug_console.ts';
import { PowerControl, POWER_OFF_PORT, RESET_PORT } from '../../../emulator/machine/power.ts';

function recorder(): PortDevice & { log: string[] } {
  const log: string[] = [];
  return { log, in: (p, s) => { log.push(`in ${p.toString(16)}/${s}`); return 0x12345678; },
    out: (p, s, v) => { log.push(`out ${p.toString(16)}/${s}=${v.toString(16)}`); } };
}

describe('I/O port bus', () => {
  it('reads all ones from unclaimed ports at every width and ignores writes to them', () => {
    const bus = new IoPortBus();
    expect(bus.in(0x80, 1)).toBe(0xff);
    expect(bus.in(0x80, 2)).toBe(0xffff);
    expect(bus.in(0x80, 4)).toBe(0xffffffff);
    expect(() => bus.out(0x80, 1, 5)).not.toThrow();
  });

  it('dispatches to the device owning the port, masking to the access width', () => {
    const bus = new IoPortBus();
    const d = recorder();
    bus.register(0x100, 4, d);
    expect(bus.in(0x102, 1)).toBe(0x78);
    expect(bus.in(0x103, 2)).toBe(0x5678);
    expect(bus.in(0x100, 4)).toBe(0x12345678);
    bus.out(0x101, 1, 0x1ff);
    expect(d.log).toEqual(['in 102/1', 'in 103/2', 'in 100/4', 'out 101/1=ff']);
    expect(bus.in(0x104, 1)).toBe(0xff);
  });

  it('refuses overlapping and out-of-range registrations', () => {
    const bus = new IoPortBus();
    bus.register(0x3f8, 8, recorder());
    expect(() => bus.register(0x3ff, 1, recorder())).toThrow(/already registered/);
    expect(() => bus.register(0xffff, 2, recorder())).toThrow(/bad port range/);
  });
});

describe('16550 UART', () => {
  function uart() {
    const out: number[] = [];
    const u = new Uart((b) => out.push(b));
    const bus = new IoPortBus();
    bus.register(COM1_BASE, 8, u);
    return { u, out, bus };
  }

  it('sends THR writes to the output callback; LSR always has THRE and TEMT', () => {
    const { out, bus } = uart();
    expect(bus.in(0x3fd, 1)).toBe(LSR_THRE | LSR_TEMT);
    for (const c of 'hi\n') bus.out(0x3f8, 1, c.charCodeAt(0));
    expect(String.fromCharCode(...out)).toBe('hi\n');
    expect(bus.in(0x3fd, 1) & (LSR_THRE | LSR_TEMT)).toBe(LSR_THRE | LSR_TEMT);
  });

  it('sets DR while host input waits and returns it byte by byte through RBR', () => {
    const { u, bus } = uart();
    u.feedInput('ab');
    expect(bus.in(0x3fd, 1) & LSR_DR).toBe(LSR_DR);
    expect(bus.in(0x3f8, 1)).toBe(0x61);
    expect(bus.in(0x3fd, 1) & LSR_DR).toBe(LSR_DR);
    expect(bus.in(0x3f8, 1)).toBe(0x62);
    expect(bus.in(0x3fd, 1) & LSR_DR).toBe(0);
    expect(bus.in(0x3f8, 1)).toBe(0);
  });

  it('with DLAB set, +0 and +1 are the divisor latch and THR writes are not output', () => {
    const { u, out, bus } = uart();
    bus.out(0x3f9, 1, 0x05); // IER
    bus.out(0x3fb, 1, LCR_DLAB | 0x03);
    bus.out(0x3f8, 1, 0x01); // DLL
    bus.out(0x3f9, 1, 0x00); // DLM
    expect(out).toEqual([]);
    expect(u.divisor).toBe(1);
    expect(bus.in(0x3f8, 1)).toBe(0x01);
    bus.out(0x3fb, 1, 0x03);
    expect(bus.in(0x3fb, 1)).toBe(0x03);
    expect(bus.in(0x3f9, 1)).toBe(0x05); // IER was kept apart from DLM
    bus.out(0x3f8, 1, 0x41);
    expect(out).toEqual([0x41]);
  });

  it('keeps scratch and MCR, reports a connected modem, and loops back in loopback mode', () => {
    const { out, bus } = uart();
    bus.out(0x3ff, 1, 0xa5);
    expect(bus.in(0x3ff, 1)).toBe(0xa5);
    expect(bus.in(0x3fe, 1)).toBe(0xb0);
    bus.out(0x3fc, 1, 0x1f); // loopback, all modem outputs
    expect(bus.in(0x3fc, 1)).toBe(0x1f);
    expect(bus.in(0x3fe, 1)).toBe(0xf0);
    bus.out(0x3f8, 1, 0xae);
    expect(out).toEqual([]);
    expect(bus.in(0x3fd, 1) & LSR_DR).toBe(LSR_DR);
    expect(bus.in(0x3f8, 1)).toBe(0xae);
  });

  it('reports interrupt identification in IIR and clears the FIFO through FCR', () => {
    const { u, bus } = uart();
    expect(bus.in(0x3fa, 1)).toBe(0x01);
    bus.out(0x3fa, 1, 0x07); // enable and clear FIFOs
    expect(bus.in(0x3fa, 1)).toBe(0xc1);
    bus.out(0x3f9, 1, 0x03); // RDA + THRE interrupts
    u.feedInput([1]);
    expect(bus.in(0x3fa, 1) & 0x0f).toBe(0x04);
    expect(u.interruptPending()).toBe(true);
    bus.out(0x3fa, 1, 0x03); // clear receive FIFO
    expect(u.inputPending).toBe(0);
    expect(bus.in(0x3fa, 1) & 0x0f).toBe(0x02); // THR empty, cleared by this read
    expect(bus.in(0x3fa, 1) & 0x0f).toBe(0x01);
  });

  it('drops input beyond its limit and flags an overrun once', () => {
    const { u, bus } = uart();
    u.feedInput(new Uint8Array(UART_RX_LIMIT + 3));
    expect(u.inputPending).toBe(UART_RX_LIMIT);
    expect(bus.in(0x3fd, 1) & 0x02).toBe(0x02);
    expect(bus.in(0x3fd, 1) & 0x02).toBe(0);
  });

  it('saves and restores its registers and queued input', () => {
    const { u, bus } = uart();
    bus.out(0x3ff, 1, 0x42);
    u.feedInput('xyz');
    bus.in(0x3f8, 1);
    const s = structuredClone(u.save());
    const v = new Uart(() => {});
    v.load(s);
    expect(v.in(0x3ff, 1)).toBe(0x42);
    expect(v.in(0x3f8, 1)).toBe(0x79);
    expect(v.in(0x3f8, 1)).toBe(0x7a);
    expect(v.inputPending).toBe(0);
  });
});

describe('debug console and console lines', () => {
  it('passes every byte written to port 0xe9 to its callback; reads return 0xe9', () => {
    const out: number[] = [];
    const bus = new IoPortBus();
    bus.register(DEBUGCON_PORT, 1, new DebugConsole((b) => out.push(b)));
    bus.out(0xe9, 1, 0x41);
    bus.out(0xe9, 1, 0x0a);
    expect(out).toEqual([0x41, 0x0a]);
    expect(bus.in(0xe9, 1)).toBe(0xe9);
  });

  it('emits text at each newline (included) and at 256 bytes, and on flush', () => {
    const texts: string[] = [];
    const line = new ConsoleLine('uart', (t, ch) => texts.push(`${ch}:${t}`));
    for (const b of new TextEncoder().encode('one\ntwo')) line.push(b);
    expect(texts).toEqual(['uart:one\n']);
    line.flush();
    expect(texts).toEqual(['uart:one\n', 'uart:two']);
    line.flush();
    expect(texts.length).toBe(2);
    texts.length = 0;
    for (let i = 0; i < 600; i++) line.push(0x78);
    expect(texts.map((t) => t.length - 5)).toEqual([256, 256]);
    expect(line.pending).toBe(88);
  });

  it('never splits a UTF-8 sequence at the length limit and replaces malformed bytes', () => {
    const texts: string[] = [];
    const line = new ConsoleLine('debugcon', (t) => texts.push(t), 8);
    const bytes = new TextEncoder().encode('abcdefg\u00e9z');
    for (const b of bytes) line.push(b);
    expect(texts).toEqual(['abcdefg']);
    line.flush();
    expect(texts.join('')).toBe('abcdefg\u00e9z');
    texts.length = 0;
    for (const b of [0xff, 0x41, 0x0a]) line.push(b);
    expect(texts).toEqual(['\ufffdA\n']);
  });

  it('saves and restores a partial line', () => {
    const texts: string[] = [];
    const a = new ConsoleLine('uart', () => {});
    for (const b of [0x68, 0x69]) a.push(b);
    const b = new ConsoleLine('uart', (t) => texts.push(t));
    b.load(structuredClone(a.save()));
    b.push(0x0a);
    expect(texts).toEqual(['hi\n']);
  });
});

describe('power and reset ports', () => {
  function power() {
    const calls: string[] = [];
    const p = new PowerControl(() => calls.push('off'), () => calls.push('reset'));
    const bus = new IoPortBus();
    bus.register(POWER_OFF_PORT, 2, p);
    bus.register(RESET_PORT, 1, p);
    return { calls, bus };
  }

  it('powers off on a 16-bit write of 0x2000 to 0x604 only', () => {
    const { calls, bus } = power();
    bus.out(0x604, 2, 0x1000);
    bus.out(0x604, 1, 0x00);
    expect(calls).toEqual([]);
    bus.out(0x604, 2, 0x2000);
    expect(calls).toEqual(['off']);
  });

  it('resets on 0x06 or 0x0e written to 0xcf9, not on other values', () => {
    const { calls, bus } = power();
    bus.out(0xcf9, 1, 0x02);
    expect(calls).toEqual([]);
    expect(bus.in(0xcf9, 1)).toBe(0x02);
    bus.out(0xcf9, 1, 0x06);
    bus.out(0xcf9, 1, 0x0e);
    expect(calls).toEqual(['reset', 'reset']);
  });
});
