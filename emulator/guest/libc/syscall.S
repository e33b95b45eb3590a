// System call wrappers. The kernel takes the number in RAX and arguments in
// RDI, RSI, RDX, R10, R8, R9; SYSCALL overwrites RCX, so the C convention's
// fourth argument (RCX) moves to R10. Results come back in RAX, errors as
// negative errno values, returned to the caller as they are.
#include "abi.h"

.macro SYSCALL_WRAPPER name, nr
    .globl \name
    .type \name, @function
\name:
    mov $\nr, %eax
    mov %rcx, %r10
    syscall
    ret
    .size \name, . - \name
.endm

    .text
    SYSCALL_WRAPPER read, SYS_read
    SYSCALL_WRAPPER write, SYS_write
    SYSCALL_WRAPPER open, SYS_open
    SYSCALL_WRAPPER close, SYS_close
    SYSCALL_WRAPPER sys_mmap, SYS_mmap
    SYSCALL_WRAPPER munmap, SYS_munmap
    SYSCALL_WRAPPER sys_sigaction, SYS_sigaction
    SYSCALL_WRAPPER sigprocmask, SYS_sigprocmask
    SYSCALL_WRAPPER ioctl, SYS_ioctl
    SYSCALL_WRAPPER yield, SYS_yield
    SYSCALL_WRAPPER sleep_ms, SYS_sleep
    SYSCALL_WRAPPER getpid, SYS_getpid
    SYSCALL_WRAPPER exit, SYS_exit
    SYSCALL_WRAPPER wait, SYS_wait
    SYSCALL_WRAPPER kill, SYS_kill
    SYSCALL_WRAPPER sigaltstack, SYS_sigaltstack
    SYSCALL_WRAPPER spawn, SYS_spawn

// The signal trampoline: a handler returns here (the kernel put this address
// above its frame), and sigreturn restores the interrupted registers.
    .globl __restore_rt
    .type __restore_rt, @function
__restore_rt:
    mov $SYS_sigreturn, %eax
    syscall
    ud2
    .size __restore_rt, . - __restore_rt
