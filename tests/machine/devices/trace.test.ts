import { describe, expect, it } from 'vitest';
import { PhysMem } from '../../../emulator/machine/phys_mem.ts';
import { TracePort, TRACE_PORT, type PostedTrace } from '../../../emulator/machine/trace_port.ts';
import { IoPortBus } from '../../../emulator/machine/io_ports.ts';
import {
  TRACE_NAMES, TraceType, argsFromWords, decodeTrace, traceName, traceSummary,
} from '../../../emulator/machine/trace_format.ts';

function setup(size = 1 << 20) {
  const mem = new PhysMem(size);
  const got: PostedTrace[] = [];
  const port = new TracePort(mem, (t) => got.push(t));
  const bus = new IoPortBus();
  bus.register(TRACE_PORT, 1, port);
  return { mem, got, bus, port };
}

/** Writes a record the way the kernel's trace() does. */
function writeRecord(mem: PhysMem, pa: number, type: number, pid: number, args: bigint[], text: string | Uint8Array, size?: number) {
  const t = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  mem.write16(pa, type);
  mem.write16(pa + 2, size ?? 56 + t.length);
  mem.write32(pa + 4, pid);
  for (let i = 0; i < 6; i++) mem.write64(pa + 8 + 8 * i, args[i] ?? 0n);
  mem.writeBytes(pa + 56, t);
}

describe('trace format', () => {
  it('names every tracepoint of the contract table', () => {
    expect(TRACE_NAMES.slice(1)).toEqual([
      'SYSCALL_ENTER', 'SYSCALL_EXIT', 'SWITCH', 'TASK_CREATE', 'TASK_EXIT', 'SIGNAL_GENERATE',
      'SIGNAL_DELIVER', 'SIGNAL_FORCE', 'LOCK_ACQUIRE', 'LOCK_CONTENDED', 'LOCK_ACQUIRED',
      'LOCK_RELEASE', 'LOCKDEP', 'SPINLOCK_RECURSION', 'OOPS', 'PANIC', 'WATCHDOG', 'FIXUP',
      'STACK_PROTECTOR', 'DOUBLE_FAULT', 'CRASHLAB', 'MARK',
    ]);
    expect(TRACE_NAMES[0]).toBe('INVALID_RECORD');
    expect(traceName(99)).toBe('TRACE_99');
  });

  it('decodes a syscall entry and exit with the name and a negative errno', () => {
    const enter = decodeTrace(TraceType.SYSCALL_ENTER, [1n, 1n, 0x4000n, 12n, 0n, 0n], 'write');
    expect(enter).toMatchObject({ name: 'SYSCALL_ENTER', nr: 1, syscall: 'write', args: [1n, 0x4000n, 12n, 0n, 0n] });
    expect(traceSummary(enter)).toBe('SYSCALL_ENTER write(1, 16384, 12, 0, 0)');
    const exit = decodeTrace(TraceType.SYSCALL_EXIT, [1n, BigInt.asUintN(64, -14n)], '');
    expect(exit).toMatchObject({ name: 'SYSCALL_EXIT', syscall: 'write', result: -14n, errno: 'EFAULT' });
  });

  it('decodes locks, signals and panics into named fields', () => {
    expect(decodeTrace(TraceType.LOCK_CONTENDED, [0xffffffff80123000n, 2n], 'ptable'))
      .toMatchObject({ name: 'LOCK_CONTENDED', lock: 0xffffffff80123000n, holderCpu: 2, lockName: 'ptable' });
    expect(decodeTrace(TraceType.SIGNAL_GENERATE, [5n, 11n, 0x10n], 'page fault'))
      .toMatchObject({ name: 'SIGNAL_GENERATE', pid: 5, signalName: 'SIGSEGV', faultAddr: 0x10n });
    expect(decodeTrace(TraceType.PANIC, [3n], 'acquire')).toMatchObject({ name: 'PANIC', cpu: 3, message: 'acquire' });
    expect(decodeTrace(TraceType.SWITCH, [1n, 2n, 1n], 'idle')).toMatchObject({ nextIsKernelThread: true, nextName: 'idle' });
  });

  it('converts argument words (lo, hi pairs) to bigints', () => {
    expect(argsFromWords([1, 0, 0xffffffff, 0xffffffff, 0, 1, 0, 0, 0, 0, 0, 0]))
      .toEqual([1n, 0xffffffffffffffffn, 1n << 32n, 0n, 0n, 0n]);
  });
});

describe('trace port', () => {
  it('reads a record posted by a 32-bit OUT of its physical address', () => {
    const { mem, got, bus } = setup();
    writeRecord(mem, 0x3000, TraceType.SYSCALL_ENTER, 7, [1n, 1n, 0xffff800000001000n, 12n], 'write');
    bus.out(0x500, 4, 0x3000);
    expect(got.length).toBe(1);
    const t = got[0]!;
    expect(t.type).toBe(1);
    expect(t.pid).toBe(7);
    expect(t.text).toBe('write');
    expect(argsFromWords(t.args).slice(0, 4)).toEqual([1n, 1n, 0xffff800000001000n, 12n]);
  });

  it('accepts a header-only record and the largest one, and decodes UTF-8 with replacement', () => {
    const { mem, got, port } = setup();
    writeRecord(mem, 0x1000, TraceType.MARK, 0, [], '');
    expect(port.read(0x1000)).toMatchObject({ type: TraceType.MARK, text: '' });
    writeRecord(mem, 0x2000, TraceType.MARK, 0, [], new Uint8Array(4040).fill(0x61));
    expect(port.read(0x2000).text.length).toBe(4040);
    writeRecord(mem, 0x4000, TraceType.MARK, 0, [], new Uint8Array([0x68, 0xc3, 0x28, 0xe2, 0x82, 0xac]));
    expect(port.read(0x4000).text).toBe('h\ufffd(\u20ac');
    expect(got.length).toBe(0); // read() does not post
  });

  it('reports malformed records as INVALID_RECORD traces with the reason, never throwing', () => {
    const { mem, got, bus } = setup(1 << 16);
    const post = (pa: number, size = 4) => { bus.out(0x500, size, pa); return got[got.length - 1]!; };
    writeRecord(mem, 0x100, TraceType.MARK, 3, [], '', 55);
    let t = post(0x100);
    expect(t.type).toBe(0);
    expect(t.pid).toBe(-1);
    expect(t.text).toMatch(/size 55 is outside 56\.\.4096/);
    expect(argsFromWords(t.args).slice(0, 3)).toEqual([0x100n, 55n, 22n]);

    writeRecord(mem, 0x100, TraceType.MARK, 3, [], '', 4097);
    expect(post(0x100).text).toMatch(/size 4097/);

    writeRecord(mem, 0xff00, TraceType.MARK, 3, [], '', 512); // runs past the end of RAM
    expect(post(0xff00).text).toMatch(/past the end of RAM/);

    expect(post(0xfffffff0).text).toMatch(/outside RAM/);
    expect(post(0xfff0).text).toMatch(/outside RAM/); // header itself straddles the end

    writeRecord(mem, 0x200, 23, 3, [], 'x');
    expect(post(0x200).text).toMatch(/unknown tracepoint type 23/);
    writeRecord(mem, 0x200, 0, 3, [], 'x');
    expect(post(0x200).text).toMatch(/unknown tracepoint type 0/);

    writeRecord(mem, 0x300, TraceType.MARK, 3, [], 'ok');
    expect(post(0x300, 2).text).toMatch(/16-bit OUT/);
    expect(post(0x300)).toMatchObject({ type: TraceType.MARK, text: 'ok' });

    expect(decodeTrace(0, argsFromWords(got[0]!.args), got[0]!.text)).toMatchObject({
      name: 'INVALID_RECORD', phys: 0x100n, claimedSize: 55, claimedType: 22,
    });
  });
});

describe('trace port against an untrusted guest', () => {
  it('turns any posted address and any memory into a trace, valid or INVALID_RECORD', () => {
    const { mem, got, bus } = setup(1 << 16);
    let seed = 7;
    const rand = (n: number) => { // mulberry32: deterministic, good low bits
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    for (let i = 0; i < mem.size; i += 4) mem.write32(i, rand(0x100000000));
    for (let i = 0; i < 5000; i++) {
      const pa = rand(3) === 0 ? rand(0x100000000) : rand(mem.size);
      if (rand(2) === 0) { mem.write16(pa & ~1, 1 + rand(22)); mem.write16((pa & ~1) + 2, 56 + rand(200)); }
      bus.out(0x500, rand(8) === 0 ? 1 + rand(2) : 4, pa);
    }
    expect(got.length).toBe(5000);
    for (const t of got) {
      expect(t.type).toBeGreaterThanOrEqual(0);
      expect(t.type).toBeLessThanOrEqual(22);
      expect(t.args.length).toBe(12);
      expect(typeof decodeTrace(t.type, argsFromWords(t.args), t.text).name).toBe('string');
    }
    expect(got.some((t) => t.type !== 0)).toBe(true);
    expect(got.some((t) => t.type === 0)).toBe(true);
  });
});

