import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import { Mark } from '../../preload/api.ts';
import { decodePageFaultCode, decodeSelectorCode, describeEvent, shortLabel } from './describe_event.ts';

const names = { task: (pid: number) => (pid === 2 ? 'readkptr' : null), symbol: (a: bigint) => (a === 0xffffffff80100010n ? 'kernel_main+0x10' : null) };
const head = { seq: 7, t: 1000, cpu: 1, pid: 2 };

function pageFault(cpl: number, errorCode: number): MachineEvent {
  return { ...head, kind: 'exception', vector: 14, mnemonic: '#PF', errorCode, cr2: 0xffffffff80144eb0n, rip: 0x400078n,
    rsp: 0x7ffffffefb0n, cpl, depth: 1, promoted: false, duringDelivery: false, delivered: true, previousVector: null, stack: 'rsp0', handlerRsp: 0n };
}

describe('event descriptions', () => {
  it('decodes #PF error codes bit by bit (SDM 4.7)', () => {
    expect(decodePageFaultCode(5)).toBe('P=1 protection violation (the page is present), W=0 read, U=1 user-mode access');
    expect(decodePageFaultCode(0x12)).toContain('I=1 instruction fetch');
    expect(decodePageFaultCode(0x12)).toContain('W=1 write');
  });

  it('decodes selector error codes, naming the IDT gate', () => {
    expect(decodeSelectorCode(14 * 8 + 2)).toBe('IDT entry 14 (the gate of vector 14)');
    expect(decodeSelectorCode(0)).toBe('0 (not about a segment or gate)');
  });

  it('explains a user page fault as the program\'s problem, a kernel one as the kernel\'s', () => {
    const user = describeEvent(pageFault(3, 5), names);
    expect(user.mark).toBe(Mark.Fault);
    expect(user.task).toBe('readkptr');
    expect(user.explain).toBe('CPU 1 tried to read 0xffffffff80144eb0 in user mode; the page is present but supervisor-only (U/S=0), so the MMU raised #PF ' +
      'with error code 0x5. Nothing is wrong with the kernel: its page-fault handler sends SIGSEGV to pid 2 (readkptr), and the rest of the system goes on.');
    expect(user.fields).toContainEqual(['CR2', '0xffffffff80144eb0']);
    const kernel = describeEvent(pageFault(0, 2), names);
    expect(kernel.explain).toContain('oops, then panic');
  });

  it('labels trace markers with what the kernel said', () => {
    const trace = (type: number, args: bigint[], text: string): MachineEvent => ({ ...head, kind: 'trace', type, args, text });
    expect(shortLabel(trace(1, [1n, 0n, 0n, 0n, 0n, 0n], 'write'))).toBe('write');
    expect(shortLabel(trace(2, [1n, BigInt.asUintN(64, -14n), 0n, 0n, 0n, 0n], 'write'))).toBe('write=EFAULT');
    expect(shortLabel(trace(6, [2n, 11n, 0n, 0n, 0n, 0n], 'user fault'))).toBe('SIGSEGV');
    const panic = describeEvent(trace(16, [0n, 0n, 0n, 0n, 0n, 0n], 'Kernel panic - not syncing: Fatal exception'), names);
    expect(panic.mark).toBe(Mark.Panic);
    expect(panic.fields).toContainEqual(['message', 'Kernel panic - not syncing: Fatal exception']);
  });

  it('names the symbol of a kernel address beside it', () => {
    const ev: MachineEvent = { ...head, kind: 'cpu-start', rip: 0xffffffff80100010n, rsp: 0n };
    expect(describeEvent(ev, names).fields).toContainEqual(['RIP', '0xffffffff80100010 <kernel_main+0x10>']);
  });
});
