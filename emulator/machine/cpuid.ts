// CPUID: a fixed, documented identity (SDM Vol. 2, CPUID). Faultline's CPU reports exactly what
// the emulator implements: long mode, NX, SYSCALL, PAE/PGE, CMPXCHG8B/16B, CMOV, TSC, MSRs,
// x2APIC, SMEP, SMAP, FSGSBASE, 1 GiB pages; no FPU, no SSE, no BMI. Vendor "FaultlineVM!".

export interface CpuidResult { eax: number; ebx: number; ecx: number; edx: number }

const VENDOR = 'FaultlineVM!';
function word(s: string, at: number): number {
  return s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24);
}

export function cpuid(leaf: number, subleaf: number, apicId: number, cpuCount: number): CpuidResult {
  switch (leaf >>> 0) {
    case 0: return { eax: 7, ebx: word(VENDOR, 0), edx: word(VENDOR, 4), ecx: word(VENDOR, 8) };
    case 1: return {
      eax: 0x000806a1, // family 6, model 0xa6-like, stepping 1: arbitrary but fixed
      ebx: (apicId << 24) | (cpuCount << 16),
      ecx: (1 << 13) | (1 << 21) | (1 << 31), // CMPXCHG16B, x2APIC, hypervisor
      edx: (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 9) | (1 << 13) | (1 << 15), // TSC MSR PAE CX8 APIC PGE CMOV
    };
    case 7: return subleaf === 0
      ? { eax: 0, ebx: (1 << 0) | (1 << 7) | (1 << 20), ecx: 0, edx: 0 } // FSGSBASE SMEP SMAP
      : { eax: 0, ebx: 0, ecx: 0, edx: 0 };
    case 0x80000000: return { eax: 0x80000008, ebx: 0, ecx: 0, edx: 0 };
    case 0x80000001: return { eax: 0, ebx: 0, ecx: 0, edx: (1 << 11) | (1 << 20) | (1 << 26) | (1 << 29) }; // SYSCALL NX 1GB LM
    case 0x80000008: return { eax: 39 | (48 << 8), ebx: 0, ecx: 0, edx: 0 };
    default: return { eax: 0, ebx: 0, ecx: 0, edx: 0 };
  }
}
