// The only instructions that touch user memory on behalf of a system call.
// Each one that may fault is listed in __ex_table with a fixup address: when
// the page-fault handler finds the faulting RIP in the table it resumes at the
// fixup instead of calling it a kernel bug (trap.c), and the function returns
// an error. STAC/CLAC open SMAP's window around the access (SDM 4.6.1).
#include "asm.h"

.macro EXTABLE insn, fixup
    .pushsection __ex_table, "a"
    .balign 8
    .quad \insn, \fixup
    .popsection
.endm

    .text
// u64 copy_user_raw(void *dst, const void *src, u64 n): bytes NOT copied.
// A faulting REP MOVSB leaves RCX = bytes still to copy (SDM Vol. 2B, REP).
    .globl copy_user_raw
    .type copy_user_raw, @function
copy_user_raw:
    mov %rdx, %rcx
    stac
1:  rep movsb
    clac
    xor %eax, %eax
    ret
2:  clac
    mov %rcx, %rax
    ret
    EXTABLE 1b, 2b
    .size copy_user_raw, . - copy_user_raw

// int get_user_1(u8 *out, const void *uaddr): 0 or -EFAULT.
    .globl get_user_1
    .type get_user_1, @function
get_user_1:
    stac
1:  movzbl (%rsi), %eax
    clac
    mov %al, (%rdi)
    xor %eax, %eax
    ret
2:  clac
    mov $EFAULT_NEG, %eax
    ret
    EXTABLE 1b, 2b
    .size get_user_1, . - get_user_1

// int get_user_8(u64 *out, const void *uaddr): 0 or -EFAULT.
    .globl get_user_8
    .type get_user_8, @function
get_user_8:
    stac
1:  movq (%rsi), %rax
    clac
    mov %rax, (%rdi)
    xor %eax, %eax
    ret
2:  clac
    mov $EFAULT_NEG, %eax
    ret
    EXTABLE 1b, 2b
    .size get_user_8, . - get_user_8

// int put_user_8(void *uaddr, u64 value): 0 or -EFAULT.
    .globl put_user_8
    .type put_user_8, @function
put_user_8:
    stac
1:  movq %rsi, (%rdi)
    clac
    xor %eax, %eax
    ret
2:  clac
    mov $EFAULT_NEG, %eax
    ret
    EXTABLE 1b, 2b
    .size put_user_8, . - put_user_8
