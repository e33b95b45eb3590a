// A vCPU's saved state as people read it: registers in hex by name, the run state, RFLAGS and
// control-register bits decoded. For `faultline state` and the inspectors.

import type { VCpuState } from '../../emulator/machine/vcpu.ts';

const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;
const RUN_STATES = ['waiting for start-up', 'running', 'halted', 'shut down (triple fault)'] as const;
/** RFLAGS bits (SDM Vol. 1, 3.4.3). */
const RFLAGS_BITS: [number, string][] = [[0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF'], [14, 'NT'], [16, 'RF'], [18, 'AC']];
/** CR0 and CR4 bits the machine models (SDM Vol. 3, 2.5). */
const CR0_BITS: [number, string][] = [[0, 'PE'], [16, 'WP'], [31, 'PG']];
const CR4_BITS: [number, string][] = [[5, 'PAE'], [7, 'PGE'], [20, 'SMEP'], [21, 'SMAP']];
const EFER_BITS: [number, string][] = [[0, 'SCE'], [8, 'LME'], [10, 'LMA'], [11, 'NXE']];

export interface CpuStateView {
  cpu: number;
  state: string;
  cpl: number;
  pid: number;
  rip: string;
  rflags: string;
  flags: string[];
  regs: Record<(typeof GPR_NAMES)[number], string>;
  cr0: string; cr2: string; cr3: string; cr4: string;
  controlBits: string[];
  efer: string;
  segments: { cs: string; ss: string };
  idt: { base: string; limit: number };
  tr: { selector: string; base: string };
}

function hexNum(v: number): string {
  return '0x' + BigInt.asUintN(64, BigInt(Math.trunc(v))).toString(16).padStart(16, '0');
}

function hex32(lo: number, hi: number): string {
  return '0x' + ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16).padStart(16, '0');
}

function bits(value: number, table: [number, string][]): string[] {
  return table.filter(([b]) => Math.floor(value / 2 ** b) % 2 === 1).map(([, n]) => n);
}

export function cpuStateView(cpu: number, s: VCpuState): CpuStateView {
  const regs = Object.fromEntries(GPR_NAMES.map((n, i) => [n, hex32(s.lo[i]!, s.hi[i]!)])) as CpuStateView['regs'];
  return {
    cpu,
    state: RUN_STATES[s.state] ?? `state ${s.state}`,
    cpl: s.cpl,
    pid: s.pid,
    rip: hexNum(s.rip),
    rflags: hexNum(s.rflags),
    flags: bits(s.rflags, RFLAGS_BITS),
    regs,
    cr0: hexNum(s.cr[0]!), cr2: hexNum(s.cr[1]!), cr3: hexNum(s.cr[2]!), cr4: hexNum(s.cr[3]!),
    controlBits: [...bits(s.cr[0]!, CR0_BITS), ...bits(s.cr[3]!, CR4_BITS)],
    efer: [hexNum(s.efer), ...bits(s.efer, EFER_BITS)].join(' '),
    segments: { cs: '0x' + s.seg[0]!.toString(16), ss: '0x' + s.seg[1]!.toString(16) },
    idt: { base: hexNum(s.idt[0]!), limit: s.idt[1]! },
    tr: { selector: '0x' + s.tr[0]!.toString(16), base: hexNum(s.tr[1]!) },
  };
}
