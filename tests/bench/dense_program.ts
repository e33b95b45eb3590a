// A real program for the machine that makes events as fast as it can, for benchmarks that need
// a recording of ten million events in seconds: every CPU drops to user mode and loops making
// system calls (each posting syscall and lock tracepoints), under its own periodic timer, with
// an INT3 every few thousand calls. Built in the emulator's worker through a MachineRecipe.

import type { Machine } from '../../emulator/machine/machine.ts';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import { assemble, BareMetal, countingTimerHandlerAsm, P, periodicTimerAsm, RW, syscallAndEnterUserAsm, US } from '../machine/bare_metal.ts';

const KERNEL = 0x100000, KENTRY = 0x101000, TIMER = 0x102000, BREAKPOINT = 0x103000;
const USER = 0x110000, DATA = 0x150000, TRACES = 0x160000;
/** Per CPU: a user stack page, a kernel stack page and a TSS, each 0x1000 apart. */
const USER_STACKS = 0x120000, KERNEL_STACKS = 0x140000, TSSES = 0x170000;

export interface DenseOptions {
  cpus: number;
  /** Loop iterations of user work between two system calls. */
  spin: number;
  /** System calls between two INT3s. */
  breakEvery: number;
}

export function denseProgram(options: DenseOptions): Machine {
  const b = new BareMetal(options.cpus);
  const LOCK = 0xffffffff80200040n;
  const records = [
    [TraceType.SYSCALL_ENTER, [39n, 0n], ''],
    [TraceType.LOCK_ACQUIRE, [LOCK, 1n], 'dense_lock'],
    [TraceType.LOCK_ACQUIRED, [LOCK], 'dense_lock'],
    [TraceType.LOCK_RELEASE, [LOCK], 'dense_lock'],
    [TraceType.SYSCALL_EXIT, [39n, 7n], ''],
  ] as const;
  records.forEach(([type, args, text], i) => b.traceRecord(TRACES + 0x100 * i, type, [...args], text));
  const post = (i: number) => `mov eax, ${TRACES + 0x100 * i}\nout dx, eax`;
  b.load(KERNEL, assemble(`
    ${periodicTimerAsm(7919)}
    ${syscallAndEnterUserAsm(KENTRY, USER, 'rbx')}`, KERNEL));
  b.load(KENTRY, assemble(`
    mov dx, 0x500
    ${post(0)}
    ${post(1)}
    ${post(2)}
    lock inc qword ptr [${DATA}]
    ${post(3)}
    ${post(4)}
    sysretq`, KENTRY));
  b.load(TIMER, assemble(countingTimerHandlerAsm(`${DATA} + 8`), TIMER));
  b.load(BREAKPOINT, assemble('iretq', BREAKPOINT));
  b.load(USER, assemble(`
    mov r8, ${options.breakEvery}
  1: syscall
    mov ecx, ${options.spin}
  2: dec ecx
    jnz 2b
    dec r8
    jnz 1b
    mov r8, ${options.breakEvery}
    int3
    jmp 1b`, USER));
  b.map(USER, P | RW | US);
  b.gate(0x20, TIMER);
  b.gate(3, BREAKPOINT, { dpl: 3 });
  for (let i = 0; i < options.cpus; i++) {
    const userStack = USER_STACKS + 0x1000 * i;
    b.map(userStack, P | RW | US);
    // Each CPU its own TSS, so that interrupts from user mode land on its own kernel stack.
    const tss = TSSES + 0x1000 * i;
    b.m.mem.write64(tss + 4, BigInt(KERNEL_STACKS + 0x1000 * (i + 1) - 16));
    b.m.vcpus[i]!.trBase = tss;
    b.start(i, KERNEL, KERNEL_STACKS + 0x1000 * (i + 1) - 0x200, 0);
    b.m.vcpus[i]!.cpu.lo[3] = userStack + 0x1000 - 16; // rbx: the user stack for the iretq
  }
  return b.m;
}
