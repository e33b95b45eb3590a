// Faults the core raises by itself: #UD for invalid encodings, #DE for division by zero and
// quotient overflow, #GP(0) for an instruction longer than 15 bytes. Each case is checked in the
// emulator (vector, error code, RIP left at the faulting instruction, registers untouched) and,
// where the host can run the differential runner, against the signal the host CPU raises.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeCache } from '../../emulator/x86/code_cache.ts';
import { BareSystem, Cpu } from '../../emulator/x86/cpu.ts';
import { FlatBus } from '../../emulator/x86/flat_bus.ts';
import { Interpreter, StopReason } from '../../emulator/x86/interpreter.ts';
import { signalFor } from './emu.ts';
import { buildHostRunner, type Case, CODE_ADDR, hostUnavailable, makeTempDir, REGION_ADDR, REGION_SIZE, runOnHost, WIN_ADDR, WIN_SIZE } from './host.ts';

interface FaultCase { name: string; code: number[]; regs?: Record<number, bigint>; vector: number; error?: number }

const RAX = 0, RCX = 1, RDX = 2, RBX = 3;
const cases: FaultCase[] = [
  // #UD (SDM Vol. 2, LOCK: "#UD if the LOCK prefix is used with an instruction not in the list or
  // with a register destination"; UD2; opcodes invalid in 64-bit mode, Table A-2 "i64").
  { name: 'lock add eax, eax (register destination)', code: [0xf0, 0x01, 0xc0], vector: 6 },
  { name: 'lock inc ecx (register destination)', code: [0xf0, 0xff, 0xc1], vector: 6 },
  { name: 'lock xchg eax, ecx (register operands)', code: [0xf0, 0x87, 0xc8], vector: 6 },
  { name: 'lock mov [rbx], eax', code: [0xf0, 0x89, 0x03], vector: 6 },
  { name: 'lock cmp [rbx], eax', code: [0xf0, 0x39, 0x03], vector: 6 },
  { name: 'lock bt [rbx], eax', code: [0xf0, 0x0f, 0xa3, 0x03], vector: 6 },
  { name: 'lock nop', code: [0xf0, 0x90], vector: 6 },
  { name: 'ud2', code: [0x0f, 0x0b], vector: 6 },
  { name: 'push es (invalid in 64-bit mode)', code: [0x06], vector: 6 },
  { name: 'daa (invalid in 64-bit mode)', code: [0x27], vector: 6 },
  { name: 'pusha (invalid in 64-bit mode)', code: [0x60], vector: 6 },
  { name: 'salc (0xd6, invalid in 64-bit mode)', code: [0xd6], vector: 6 },
  { name: 'lea with a register source', code: [0x8d, 0xc0], vector: 6 },
  { name: 'c7 /1 (undefined group member)', code: [0xc7, 0xc8, 0, 0, 0, 0], vector: 6 },
  { name: '0f ff (ud0)', code: [0x0f, 0xff, 0xc0], vector: 6 },
  // #GP(0) for CMPXCHG16B on an operand that is not 16-byte aligned (SDM Vol. 2, CMPXCHG8B/16B).
  { name: 'cmpxchg16b [rbx+8] (misaligned)', code: [0x48, 0x0f, 0xc7, 0x4b, 0x08], vector: 13, error: 0 },
  // #GP(0) for an instruction longer than 15 bytes (SDM Vol. 2, 2.3.11).
  { name: '16-byte instruction (14 prefixes + add)', code: [...Array(14).fill(0x66), 0x01, 0xc0], vector: 13, error: 0 },
  { name: '16-byte instruction (mov rax, imm64 with prefixes)', code: [0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x66, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8], vector: 13, error: 0 },
];

// #DE for each size of DIV and IDIV: division by zero and quotient overflow (SDM Vol. 2, DIV/IDIV).
const SIZE_ENC: Record<number, { pre: number[]; op: number }> = { 1: { pre: [], op: 0xf6 }, 2: { pre: [0x66], op: 0xf7 }, 4: { pre: [], op: 0xf7 }, 8: { pre: [0x48], op: 0xf7 } };
for (const size of [1, 2, 4, 8]) {
  const { pre, op } = SIZE_ENC[size]!;
  const bits = BigInt(size * 8);
  const div = (signed: boolean): number[] => [...pre, op, signed ? 0xfb : 0xf3]; // div/idiv bl/bx/ebx/rbx
  for (const signed of [false, true]) {
    const n = signed ? 'idiv' : 'div';
    cases.push({ name: `${n} ${size * 8}-bit by zero`, code: div(signed), regs: { [RAX]: 5n, [RDX]: 0n, [RBX]: bits === 64n ? 0n : BigInt.asUintN(64, 0xffffffffffff0000n << bits) }, vector: 0 });
    if (!signed) {
      // Quotient >= 2^bits: the high half of the dividend equals the divisor.
      const regs: Record<number, bigint> = size === 1 ? { [RAX]: 0x0300n, [RBX]: 3n } : { [RAX]: 0n, [RDX]: 7n, [RBX]: 7n };
      cases.push({ name: `div ${size * 8}-bit quotient overflow`, code: div(false), regs, vector: 0 });
    } else {
      // The most negative dividend-half / -1, and a positive quotient one too large.
      const minHalf = size === 1 ? 0xff80n : 1n << (bits - 1n);
      const m1 = (1n << bits) - 1n;
      const regs: Record<number, bigint> = size === 1 ? { [RAX]: minHalf, [RBX]: m1 } : { [RAX]: minHalf, [RDX]: (1n << 64n) - 1n, [RBX]: m1 };
      cases.push({ name: `idiv ${size * 8}-bit most negative / -1`, code: div(true), regs, vector: 0 });
      const big: Record<number, bigint> = size === 1 ? { [RAX]: 0x0100n, [RBX]: 2n } : { [RAX]: 0n, [RDX]: 1n, [RBX]: 2n };
      cases.push({ name: `idiv ${size * 8}-bit quotient 2^${size * 8 - 1}`, code: div(true), regs: big, vector: 0 });
    }
  }
}

function initialRegs(fc: FaultCase): bigint[] {
  const regs: bigint[] = [];
  for (let r = 0; r < 16; r++) regs.push(BigInt.asUintN(64, 0x1111111111111111n * BigInt(r + 1)));
  regs[4] = BigInt(WIN_ADDR + 0x300);
  regs[RBX] = BigInt(WIN_ADDR + 0x100);
  regs[RCX] = 3n;
  for (const [r, v] of Object.entries(fc.regs ?? {})) regs[Number(r)] = BigInt.asUintN(64, v);
  return regs;
}

function runEmu(fc: FaultCase): { stop: StopReason; cpu: Cpu } {
  const bus = new FlatBus(REGION_SIZE, REGION_ADDR);
  const cpu = new Cpu(0, bus, BareSystem);
  bus.cpu = cpu;
  bus.bytes.set(fc.code, CODE_ADDR - REGION_ADDR);
  const regs = initialRegs(fc);
  for (let r = 0; r < 16; r++) cpu.setReg64(r, regs[r]!);
  cpu.rip = CODE_ADDR;
  const stop = new Interpreter(cpu, new CodeCache()).run(1);
  return { stop, cpu };
}

describe('faults raised by the core', () => {
  for (const fc of cases) {
    it(`${fc.name}: ${fc.vector === 0 ? '#DE' : fc.vector === 6 ? '#UD' : '#GP(0)'}`, () => {
      const { stop, cpu } = runEmu(fc);
      expect(stop).toBe(StopReason.Fault);
      expect(cpu.pendingVector).toBe(fc.vector);
      if (fc.error !== undefined) expect(cpu.pendingError).toBe(fc.error);
      expect(cpu.rip).toBe(CODE_ADDR); // a fault leaves RIP at the instruction
      const regs = initialRegs(fc);
      for (let r = 0; r < 16; r++) expect(cpu.reg64(r), `register ${r} untouched`).toBe(regs[r]);
    });
  }
});

describe('a fault in the middle of a REP string instruction', () => {
  // SDM Vol. 2, REP: a fault leaves RCX, RSI and RDI describing the iterations completed, and the
  // instruction restarts from there.
  for (const [name, code, size] of [['rep stosb', [0xf3, 0xaa], 1], ['rep movsq', [0xf3, 0x48, 0xa5], 8], ['rep movsb (67)', [0x67, 0xf3, 0xa4], 1]] as const) {
    it(`${name}: #PF at the end of memory after 5 elements, RCX and RDI (and RSI) count those 5`, () => {
      const end = REGION_ADDR + REGION_SIZE;
      const fc: FaultCase = { name, code: [...code], regs: { [RCX]: 12n, [6]: BigInt(WIN_ADDR), [7]: BigInt(end - 5 * size) }, vector: 14 };
      const { stop, cpu } = runEmu(fc);
      expect(stop).toBe(StopReason.Fault);
      expect(cpu.pendingVector).toBe(14);
      expect(cpu.rip).toBe(CODE_ADDR);
      expect(cpu.reg64(RCX)).toBe(7n);
      expect(cpu.reg64(7)).toBe(BigInt(end));
      expect(cpu.reg64(6)).toBe(BigInt(WIN_ADDR + (name.includes('movs') ? 5 * size : 0))); // STOS leaves RSI
    });
  }
});

const skip = hostUnavailable();
describe.skipIf(skip !== undefined)(`the same faults on the host CPU${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let runner: string;
  beforeAll(() => { tmp = makeTempDir(); runner = buildHostRunner(tmp.dir); });
  afterAll(() => tmp?.dispose());

  it('raises the signal that corresponds to each vector', () => {
    const hostCases: Case[] = cases.map((fc) => ({ code: Uint8Array.from(fc.code), regs: initialRegs(fc), rflags: 0x202n, window: new Uint8Array(WIN_SIZE) }));
    const out = runOnHost(runner, hostCases);
    const got = out.map((o, k) => `${cases[k]!.name}: ${o.status}`);
    const want = cases.map((fc) => `${fc.name}: ${signalFor(fc.vector)}`);
    expect(got).toEqual(want);
  });
});
