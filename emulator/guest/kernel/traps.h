// Interrupt and exception vectors (SDM Table 6-1) and the kernel's own.
#ifndef TRAPS_H
#define TRAPS_H

#define T_DE 0      // divide error
#define T_DB 1      // debug
#define T_NMI 2     // non-maskable interrupt
#define T_BP 3      // breakpoint (INT3)
#define T_OF 4      // overflow (INTO)
#define T_BR 5      // BOUND range exceeded
#define T_UD 6      // invalid opcode
#define T_NM 7      // device not available
#define T_DF 8      // double fault
#define T_TS 10     // invalid TSS
#define T_NP 11     // segment not present
#define T_SS 12     // stack-segment fault
#define T_GP 13     // general protection
#define T_PF 14     // page fault
#define T_MF 16     // x87 floating-point error
#define T_AC 17     // alignment check
#define T_MC 18     // machine check
#define T_XM 19     // SIMD floating-point

#define T_TIMER 32          // x2APIC timer
#define T_IPI_WAKEUP 240    // another CPU made a task runnable
#define T_SPURIOUS 255      // APIC spurious vector

#endif
