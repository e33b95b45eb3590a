// A bare-metal harness for machine tests: assembles small GNU as programs at test time, and
// builds the descriptor tables and page tables a test program runs under directly in the
// machine's physical memory, so each test states its setup in a few lines.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBatch, type EventBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { Machine } from '../../emulator/machine/machine.ts';
import { RunState } from '../../emulator/machine/vcpu.ts';

/** Assembles Intel-syntax code at `org` and returns its bytes (needs GNU as and objcopy). */
export function assemble(source: string, org: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'flt-asm-'));
  writeFileSync(join(dir, 'a.s'), `.intel_syntax noprefix\n.text\n${source}\n`);
  execFileSync('as', ['--64', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
  execFileSync('ld', ['-Ttext', '0x' + org.toString(16), '--oformat', 'binary', '-e', '0', '-o', join(dir, 'a.bin'), join(dir, 'a.o')]);
  return new Uint8Array(readFileSync(join(dir, 'a.bin')));
}

/** Assembly writing EDX:EAX = (hi, value) to MSR `msr`. */
export function wrmsrAsm(msr: number, value: number, hi = 0): string {
  return `mov ecx, ${msr}\nmov eax, ${value}\nmov edx, ${hi}\nwrmsr`;
}

/** Assembly that enables the x2APIC and starts its periodic timer on vector 0x20 (divide by 1). */
export function periodicTimerAsm(count: number): string {
  return [wrmsrAsm(0x80f, 0x1ff), wrmsrAsm(0x83e, 0xb), wrmsrAsm(0x832, 0x20 | (1 << 17)), wrmsrAsm(0x838, count)].join('\n');
}

/**
 * Assembly that enables SYSCALL to `entry` (STAR: kernel CS 0x08, user selectors from 0x10;
 * FMASK clears IF) and drops to CPL 3 at `rip` with stack `rsp` (a number or a register) by IRETQ.
 */
export function syscallAndEnterUserAsm(entry: number, rip: number, rsp: number | string): string {
  return [
    wrmsrAsm(0xc0000081, 0, 0x00100008), wrmsrAsm(0xc0000082, entry), wrmsrAsm(0xc0000084, 0x200),
    'push 0x1b', `push ${rsp}`, 'push 0x202', 'push 0x23', `push ${rip}`, 'iretq',
  ].join('\n');
}

/** A timer handler that counts its ticks at `counter` and signals EOI. */
export function countingTimerHandlerAsm(counter: string): string {
  return `push rax\npush rcx\npush rdx\nlock inc qword ptr [${counter}]\n${wrmsrAsm(0x80b, 0)}\npop rdx\npop rcx\npop rax\niretq`;
}

/**
 * Work that mixes plain and LOCK'd read-modify-writes of shared data under timer interrupts:
 * with several CPUs running it, any nondeterminism in the machine changes the result.
 */
export function racingLoopAsm(data: number, iterations: number, timerCount: number): string {
  return `
    ${periodicTimerAsm(timerCount)}
    sti
    mov rcx, ${iterations}
  1: mov rax, [${data}]
    imul rax, rax, 31
    add rax, rcx
    mov [${data}], rax
    lock xadd [${data} + 8], rax
    dec rcx
    jnz 1b
    cli
    hlt`;
}

export const GDT = 0x5000, IDT = 0x6000, TSS = 0x8000, PML4 = 0x1000;
export const KCODE = 0x08, KDATA = 0x10, UDATA = 0x1b, UCODE = 0x23, TSS_SEL = 0x28;

/** Page flags. */
export const P = 1, RW = 2, US = 4, PS = 0x80;
export const XD = 1n << 63n;

export class BareMetal {
  readonly m: Machine;
  readonly events: MachineEvent[] = [];

  constructor(cpus = 1) {
    this.m = new Machine({ cpus, memoryMiB: 16, onTripleFault: 'stop' });
    this.m.attach({ onBatch: (b: EventBatch) => this.events.push(...decodeBatch(b)) });
    const mem = this.m.mem;
    // GDT: null, kernel code/data, user data/code (the SYSRET layout), a 64-bit TSS.
    const gdt = [0n, 0x00209a0000000000n, 0x0000920000000000n, 0x0000f20000000000n, 0x0020fa0000000000n];
    gdt.forEach((d, k) => mem.write64(GDT + 8 * k, d));
    const tssLimit = 0x67n, base = BigInt(TSS);
    mem.write64(GDT + 0x28, tssLimit | ((base & 0xffffffn) << 16n) | (0x89n << 40n) | (((base >> 24n) & 0xffn) << 56n));
    mem.write64(GDT + 0x30, base >> 32n);
    // Page tables: PML4 -> PDPT -> PD -> PT covering [0, 2 MiB) with 4 KiB pages.
    mem.write64(PML4, 0x2000n | BigInt(P | RW | US));
    mem.write64(0x2000, 0x3000n | BigInt(P | RW | US));
    mem.write64(0x3000, 0x4000n | BigInt(P | RW | US));
    for (let p = 0; p < 512; p++) this.map(p * 0x1000, P | RW);
    for (const v of this.m.vcpus) {
      v.gdtBase = GDT; v.gdtLimit = 0x37;
      v.idtBase = IDT; v.idtLimit = 256 * 16 - 1;
      v.tr = TSS_SEL; v.trBase = TSS; v.trLimit = 0x67;
      v.cpu.cr3 = PML4;
      v.cpu.cr0 = 0x80010001; // PE, WP, PG
      v.cpu.cr4 = 0x20;
      v.cpu.efer = 0xd01; // SCE, LME, LMA, NXE
    }
  }

  /** Maps the 4 KiB page at `va` (below 2 MiB, identity) with `flags` (+ XD when nx). */
  map(va: number, flags: number, nx = false): void {
    this.m.mem.write64(0x4000 + (va >>> 12) * 8, BigInt(va) | BigInt(flags) | (nx ? XD : 0n));
  }

  unmap(va: number): void {
    this.m.mem.write64(0x4000 + (va >>> 12) * 8, 0n);
  }

  /** Installs a 64-bit interrupt gate for `vector` to `handler`. */
  gate(vector: number, handler: number, opts: { dpl?: number; ist?: number; trap?: boolean } = {}): void {
    const h = BigInt(handler);
    const type = opts.trap ? 0xfn : 0xen;
    const lo = (h & 0xffffn) | (BigInt(KCODE) << 16n) | (BigInt(opts.ist ?? 0) << 32n) | (type << 40n)
      | (BigInt(opts.dpl ?? 0) << 45n) | (1n << 47n) | (((h >> 16n) & 0xffffn) << 48n);
    this.m.mem.write64(IDT + vector * 16, lo);
    this.m.mem.write64(IDT + vector * 16 + 8, h >> 32n);
  }

  /** Sets TSS.RSP0 or TSS.ISTn. */
  tssStack(slot: 'rsp0' | number, top: number): void {
    this.m.mem.write64(TSS + (slot === 'rsp0' ? 4 : 0x24 + (slot - 1) * 8), BigInt(top));
  }

  /** Writes a trace record (emulator/machine/GUEST-INTERFACE.md) at physical `at`, for code that posts it to the trace port. */
  traceRecord(at: number, type: number, args: bigint[], text: string): void {
    const bytes = new TextEncoder().encode(text);
    const head = new DataView(new ArrayBuffer(8));
    head.setUint16(0, type, true);
    head.setUint16(2, 56 + bytes.length, true);
    head.setUint32(4, 1, true);
    this.m.mem.writeBytes(at, new Uint8Array(56 + bytes.length));
    this.m.mem.writeBytes(at, new Uint8Array(head.buffer));
    args.forEach((a, i) => this.m.mem.write64(at + 8 + 8 * i, a));
    this.m.mem.writeBytes(at + 56, bytes);
  }

  load(at: number, code: Uint8Array): void {
    this.m.mem.writeBytes(at, code);
  }

  /** Starts CPU `id` at `rip` with CPL `cpl` and stack `rsp`. */
  start(id: number, rip: number, rsp: number, cpl: 0 | 3): void {
    const v = this.m.vcpus[id]!;
    v.cpu.cs = cpl === 3 ? UCODE : KCODE;
    v.cpu.ss = cpl === 3 ? UDATA : KDATA;
    v.setCpl(cpl);
    v.cpu.rip = rip;
    v.cpu.lo[4] = rsp;
    v.state = RunState.Running;
  }

  run(max = 100_000) {
    return this.m.run(max);
  }

  of<K extends MachineEvent['kind']>(kind: K): Extract<MachineEvent, { kind: K }>[] {
    return this.events.filter((e) => e.kind === kind) as Extract<MachineEvent, { kind: K }>[];
  }
}
