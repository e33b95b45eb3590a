// A vCPU at the playhead as the registers inspector shows it: the session layer's readable view
// (cpu_state_view.ts) in the order a reader of an oops expects, with RFLAGS, CR0/CR4 and EFER
// bits decoded beside the values.

import type { VCpuState } from '../../emulator/machine/vcpu.ts';
import type { CpuState } from '../../preload/api.ts';
import { cpuStateView } from '../session/cpu_state_view.ts';

const GPRS = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

export function ripOf(s: VCpuState): bigint {
  return BigInt.asUintN(64, BigInt(Math.trunc(s.rip)));
}

export function cpuRegisters(cpu: number, s: VCpuState, task: string | null, where: string | null): CpuState {
  const v = cpuStateView(cpu, s);
  const pad = (selector: string) => '0x' + BigInt(selector).toString(16).padStart(4, '0');
  const regs: [string, string][] = GPRS.map((n) => [n, v.regs[n]]);
  regs.push(['rip', v.rip], ['rflags', v.rflags], ['cs', pad(v.segments.cs)], ['ss', pad(v.segments.ss)],
    ['cr0', v.cr0], ['cr2', v.cr2], ['cr3', v.cr3], ['cr4', v.cr4]);
  const [efer, ...eferBits] = v.efer.split(' ');
  regs.push(['efer', efer!]);
  return {
    cpu, cpl: v.cpl, state: v.state, halted: s.state === 2, started: s.state !== 0, task, regs, where,
    decoded: [['RFLAGS', v.flags.join(' ')], ['CR0/CR4', v.controlBits.join(' ')], ['EFER', eferBits.join(' ')]],
  };
}
