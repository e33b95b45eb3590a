// The decoder against GNU objdump over gcc -O2 -mgeneral-regs-only output of libc-like C
// (tests/x86/c/libc_like.c): every instruction's length, every direct branch target, every
// ModRM memory operand (base, index, scale, displacement), and no instruction objdump knows may
// decode to #UD. Then the program runs in the emulator and natively and must compute the same.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BareSystem, Cpu } from '../../emulator/x86/cpu.ts';
import { decode, ud } from '../../emulator/x86/decoder.ts';
import { FlatBus } from '../../emulator/x86/flat_bus.ts';
import { BASE_RIP } from '../../emulator/x86/instr.ts';
import { buildFlat, buildNative, FLAT_BASE, type FlatProgram, runFlat, runNative } from './flat_program.ts';
import { hostUnavailable, makeTempDir } from './host.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, 'c', 'libc_like.c');
const MEM = 4 << 20;

const REGS64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const REGS32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
function regNum(name: string): number {
  if (name === 'rip' || name === 'eip') return BASE_RIP;
  const k = REGS64.indexOf(name);
  return k >= 0 ? k : REGS32.indexOf(name);
}

interface Line { addr: number; len: number; text: string }

/** An address printed by objdump as the signed canonical number the emulator uses. */
function signedHex(h: string): number {
  return Number(BigInt.asIntN(64, BigInt('0x' + h)));
}

/** Kernel-style code: linked in the top 2 GiB, where every address is a negative number. */
const KERNEL_BASE = -0x80000000; // 0xffffffff80000000

function objdump(elf: string): Line[] {
  const out = execFileSync('objdump', ['-d', '--insn-width=16', '-j', '.text', elf], { maxBuffer: 1 << 28 }).toString();
  const lines: Line[] = [];
  for (const l of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(l);
    if (m) lines.push({ addr: signedHex(m[1]!), len: m[2]!.split(' ').length, text: m[3]!.trim() });
  }
  return lines;
}

const skip = hostUnavailable();

// Each source at several optimisation levels: different code shapes for the decoder.
const BUILDS: { name: string; source: string; entry: string; flags: string[]; base?: number }[] = [
  { name: 'libc-like -O2', source: SOURCE, entry: 'libc_like_main', flags: [] },
  { name: 'libc-like -Os', source: SOURCE, entry: 'libc_like_main', flags: ['-Os'] },
  { name: 'libc-like -O3', source: SOURCE, entry: 'libc_like_main', flags: ['-O3'] },
  { name: 'cpu benchmark workload -O2', source: join(here, '..', 'bench', 'cpu_workload.c'), entry: 'bench_main', flags: [] },
  { name: 'libc-like -O2 -mcmodel=kernel at 0xffffffff80000000', source: SOURCE, entry: 'libc_like_main', flags: ['-mcmodel=kernel'], base: KERNEL_BASE },
];

describe.skipIf(skip !== undefined)(`decoder vs objdump on gcc output${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => { tmp = makeTempDir(); });
  afterAll(() => tmp?.dispose());

  for (const b of BUILDS) {
    it(`${b.name}: lengths, branch targets and memory operands of every instruction agree`, () => {
      const base = b.base ?? FLAT_BASE;
      const prog = buildFlat(tmp.dir, b.source, b.entry, base + MEM - 64, b.flags, base);
      const problems = compare(join(tmp.dir, 'prog.elf'), prog);
      expect(problems.slice(0, 40)).toEqual([]);
    });
  }

  // The teaching kernel itself, as committed (emulator/guest/build/kernel.elf): system
  // instructions, hand-written entry code and gcc output the machine actually runs.
  const kernel = join(here, '..', '..', 'emulator', 'guest', 'build', 'kernel.elf');
  it.skipIf(!existsSync(kernel))('the guest kernel: every .text instruction agrees with objdump', () => {
    const vma = /\.text\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(execFileSync('objdump', ['-h', kernel]).toString());
    const base = signedHex(vma![1]!);
    const bin = join(tmp.dir, 'kernel.text');
    execFileSync('objcopy', ['-O', 'binary', '--only-section=.text', kernel, bin]);
    const problems = compare(kernel, { base, image: new Uint8Array(readFileSync(bin)), symbols: new Map(), object: kernel });
    expect(problems.slice(0, 40)).toEqual([]);
  });

  it('runs the libc-like program linked at 0xffffffff80000000 (negative addresses) to the native result', () => {
    const prog = buildFlat(tmp.dir, SOURCE, 'libc_like_main', KERNEL_BASE + MEM - 64, ['-mcmodel=kernel'], KERNEL_BASE);
    const emu = runFlat(prog, MEM);
    const native = runNative(buildNative(tmp.dir, SOURCE, 'libc_like_main'), 1);
    expect(emu.result).toBe(native.result);
  });

  it('runs the libc-like program in the emulator to the same result as natively', () => {
    const prog = buildFlat(tmp.dir, SOURCE, 'libc_like_main', FLAT_BASE + MEM - 64);
    const emu = runFlat(prog, MEM);
    const native = runNative(buildNative(tmp.dir, SOURCE, 'libc_like_main'), 1);
    console.log(`libc-like program: ${emu.instructions} instructions in the emulator, result 0x${emu.result.toString(16)}`);
    expect(emu.result).toBe(native.result);
  });
});

/** Decodes every instruction objdump lists in the ELF's .text and returns the disagreements. */
function compare(elf: string, prog: FlatProgram): string[] {
  const lines = objdump(elf);
  const bus = new FlatBus(MEM, prog.base);
  bus.bytes.set(prog.image);
  const cpu = new Cpu(0, bus, BareSystem);
  bus.cpu = cpu;
  const problems: string[] = [];
  let branches = 0, memOps = 0;
  for (const l of lines) {
    const ins = decode(cpu, l.addr);
    const where = `0x${l.addr.toString(16)} ${l.text}`;
    if (ins.len !== l.len) { problems.push(`${where}: length ${ins.len}, objdump ${l.len}`); continue; }
    const mnemonic = l.text.split(/\s+/).filter((w) => !/^(data16|cs|ds|lock|rep[nz]*|notrack|bnd)$/.test(w))[0] ?? '';
    if (ins.exec === ud && !/^(ud2|\(bad\))/.test(mnemonic)) problems.push(`${where}: decodes to #UD`);
    // Direct branches: objdump prints the absolute target.
    const br = /^(j\w+|call|jmp|loop\w*)\s+([0-9a-f]+)\b/.exec(l.text.replace(/^(bnd|notrack)\s+/, ''));
    if (br) {
      branches++;
      const target = l.addr + ins.len + ins.immLo;
      if (target !== signedHex(br[2]!)) problems.push(`${where}: target 0x${target.toString(16)}`);
    }
    // ModRM memory operands in AT&T syntax: disp(base,index,scale).
    const mm = /(?:^|[\s,*])(-?0x[0-9a-f]+)?\((%(\w+))?(?:,%(\w+),(\d))?\)/.exec(l.text.slice(mnemonic.length));
    if (mm && !/%[de]s:/.test(l.text)) {
      memOps++;
      const disp = mm[1] ? (mm[1].startsWith('-') ? -parseInt(mm[1].slice(1), 16) : parseInt(mm[1], 16)) : 0;
      const base = mm[3] ? regNum(mm[3]) : -1;
      const index = mm[4] ? regNum(mm[4]) : -1;
      const scale = mm[5] ? Math.log2(Number(mm[5])) : 0;
      const got = `base ${ins.base} index ${ins.index} scale ${ins.scale} disp ${ins.disp} rm ${ins.rm}`;
      const want = `base ${base} index ${index} scale ${index < 0 ? ins.scale : scale} disp ${disp} rm -1`;
      if ((disp | 0) !== (ins.disp | 0) || got !== want) problems.push(`${where}: ${got}; objdump ${want}`);
    }
  }
  console.log(`decoder vs objdump: ${lines.length} instructions, ${branches} direct branches, ${memOps} memory operands compared`);
  if (lines.length < 100) problems.push(`only ${lines.length} instructions: objdump output not parsed?`);
  return problems;
}
