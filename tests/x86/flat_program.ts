// Builds freestanding C into a flat binary that the CPU core runs alone (no paging, no OS): a
// `_start` stub sets RSP, calls the entry function and executes HLT, which a bare CPU turns into
// #UD, ending the run with the entry's return value in RAX. The same C can also be built as a
// native program (with a small main) for comparing results and timing.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeCache } from '../../emulator/x86/code_cache.ts';
import { BareSystem, Cpu } from '../../emulator/x86/cpu.ts';
import { FlatBus } from '../../emulator/x86/flat_bus.ts';
import { Interpreter, StopReason } from '../../emulator/x86/interpreter.ts';

export const FLAT_BASE = 0x400000;
export const CFLAGS = ['-O2', '-mgeneral-regs-only', '-ffreestanding', '-fno-pic', '-fno-stack-protector',
  '-fcf-protection=none', '-fno-asynchronous-unwind-tables', '-fno-builtin'];

export interface FlatProgram {
  /** Linear address the image is linked at (and loaded to). */
  base: number;
  image: Uint8Array;
  symbols: Map<string, number>;
  /** Path of the relocatable object (for objdump). */
  object: string;
}

const ldscript = (base: string): string => `ENTRY(_start)
SECTIONS {
  . = ${base};
  .text : { *(.text.start) *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(4096); /* data on its own pages: stores next to code would drop its decoded copy */
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.* COMMON) }
  /DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }
}
`;

/**
 * Compiles `source` and links it with a start stub that calls `entry` with RSP = stackTop. The
 * image is linked at `base` (a signed canonical number: kernel-style negative addresses work with
 * -mcmodel=kernel in extraFlags).
 */
export function buildFlat(dir: string, source: string, entry: string, stackTop: number, extraFlags: string[] = [], base = FLAT_BASE): FlatProgram {
  const obj = join(dir, 'prog.o');
  execFileSync('gcc', [...CFLAGS, ...extraFlags, '-c', source, '-o', obj], { stdio: 'pipe' });
  const start = join(dir, 'start.S');
  writeFileSync(start, `.section .text.start,"ax"\n.globl _start\n_start:\n  mov $${stackTop}, %rsp\n  call ${entry}\n  hlt\n.section .note.GNU-stack,"",@progbits\n`);
  const startObj = join(dir, 'start.o');
  execFileSync('gcc', ['-c', start, '-o', startObj]);
  writeFileSync(join(dir, 'flat.ld'), ldscript('0x' + BigInt.asUintN(64, BigInt(base)).toString(16)));
  const elf = join(dir, 'prog.elf');
  execFileSync('ld', ['-T', join(dir, 'flat.ld'), '--no-warn-rwx-segments', '-o', elf, startObj, obj], { stdio: 'pipe' });
  const bin = join(dir, 'prog.bin');
  execFileSync('objcopy', ['-O', 'binary', elf, bin]);
  const symbols = new Map<string, number>();
  for (const line of execFileSync('nm', [elf]).toString().split('\n')) {
    const m = /^([0-9a-f]+) \w (\S+)$/.exec(line);
    if (m) symbols.set(m[2]!, Number(BigInt.asIntN(64, BigInt('0x' + m[1]!))));
  }
  return { base, image: new Uint8Array(readFileSync(bin)), symbols, object: obj };
}

/** Builds the same source natively with a main that prints `entry()` `reps` times' timing. */
export function buildNative(dir: string, source: string, entry: string): string {
  const main = join(dir, 'native_main.c');
  writeFileSync(main, `#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
uint64_t ${entry}(void);
int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 1;
  uint64_t r = 0;
  struct timespec a, b, ca, cb;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
  for (int i = 0; i < reps; i++) r = ${entry}();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%llu %.9f %.9f\\n", (unsigned long long)r, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
         (cb.tv_sec - ca.tv_sec) + (cb.tv_nsec - ca.tv_nsec) / 1e9);
  return 0;
}
`);
  const exe = join(dir, 'native');
  const nobj = join(dir, 'native_prog.o');
  execFileSync('gcc', [...CFLAGS.filter((f) => f !== '-fno-pic'), '-fPIE', '-c', source, '-o', nobj]);
  execFileSync('gcc', ['-O2', '-o', exe, main, nobj]);
  return exe;
}

/** Runs the native build `reps` times: the last result, wall seconds and CPU seconds in total. */
export function runNative(exe: string, reps: number): { result: bigint; seconds: number; cpuSeconds: number } {
  const [r, s, c] = execFileSync(exe, [String(reps)]).toString().trim().split(' ');
  return { result: BigInt(r!), seconds: Number(s), cpuSeconds: Number(c) };
}

export interface FlatRun {
  result: bigint;
  instructions: number;
  seconds: number;
  cpu: Cpu;
}

/** Runs a flat program in the emulator until its final HLT; `memSize` bytes from its base. */
export function runFlat(p: FlatProgram, memSize: number, maxInstructions = 5e9): FlatRun {
  const bus = new FlatBus(memSize, p.base);
  bus.bytes.set(p.image);
  const cpu = new Cpu(0, bus, BareSystem);
  bus.cpu = cpu;
  cpu.rip = p.base;
  const cache = new CodeCache();
  bus.attachCodeCache(cache);
  const interp = new Interpreter(cpu, cache);
  let instructions = 0;
  const t0 = performance.now();
  for (;;) {
    const stop = interp.run(1_000_000);
    instructions += interp.retired;
    if (stop === StopReason.Fault) break;
    if (instructions > maxInstructions) throw new Error('flat program did not finish');
  }
  const seconds = (performance.now() - t0) / 1000;
  if (cpu.pendingVector !== 6 || cpu.bus.fetch8(cpu.rip) !== 0xf4) {
    throw new Error(`flat program faulted: vector ${cpu.pendingVector} error ${cpu.pendingError} at rip 0x${cpu.rip.toString(16)}`);
  }
  return { result: cpu.reg64(0), instructions, seconds, cpu };
}
