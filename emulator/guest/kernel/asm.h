// Constants the assembly files need from C headers they cannot include;
// proc.h checks each one against its C definition.
#ifndef ASM_H
#define ASM_H

#define CPU_SELF 0          // struct cpu: self
#define CPU_KSTACK_TOP 8    // struct cpu: kstack_top
#define CPU_USER_RSP 16     // struct cpu: user_rsp
#define USER_DS_SEL 0x1b
#define USER_CS_SEL 0x23
#define T_SYSCALL_VEC 256
#define EFAULT_NEG (-14)

#endif
