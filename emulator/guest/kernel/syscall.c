// System call dispatch. syscall_entry (entry.S) saved the user registers in
// the trapframe; the number is in RAX and the arguments in RDI, RSI, RDX,
// R10, R8, R9 (the SysV convention, with R10 for RCX which SYSCALL uses).
// Each call validates its own arguments: nothing the user passes is trusted.
#include "defs.h"
#include "proc.h"

typedef long (*syscall_fn)(u64, u64, u64, u64, u64, u64);

struct syscall_desc {
    const char *name;
    syscall_fn fn;
};

// Every handler is called with six arguments; in the SysV ABI a function that
// declares fewer simply ignores the extra registers. ("sys_read" + 4 = "read")
#define SYSCALL(nr, fn) [nr] = { #fn + 4, (syscall_fn)(void (*)(void))(fn) }

static const struct syscall_desc syscalls[NSYSCALLS] = {
    SYSCALL(SYS_read, sys_read),
    SYSCALL(SYS_write, sys_write),
    SYSCALL(SYS_open, sys_open),
    SYSCALL(SYS_close, sys_close),
    SYSCALL(SYS_mmap, sys_mmap),
    SYSCALL(SYS_munmap, sys_munmap),
    SYSCALL(SYS_sigaction, sys_sigaction),
    SYSCALL(SYS_sigprocmask, sys_sigprocmask),
    SYSCALL(SYS_sigreturn, sys_sigreturn),
    SYSCALL(SYS_ioctl, sys_ioctl),
    SYSCALL(SYS_yield, sys_yield),
    SYSCALL(SYS_sleep, sys_sleep),
    SYSCALL(SYS_getpid, sys_getpid),
    SYSCALL(SYS_exit, sys_exit),
    SYSCALL(SYS_wait, sys_wait),
    SYSCALL(SYS_kill, sys_kill),
    SYSCALL(SYS_sigaltstack, sys_sigaltstack),
    SYSCALL(SYS_spawn, sys_spawn),
};

// Returns nonzero when the return to user mode must restore every register
// (IRETQ) rather than take the SYSRET fast path, which clobbers RCX and R11:
// after sigreturn, or when a signal handler is being entered.
int syscall(struct trapframe *tf)
{
    u64 nr = tf->rax;
    const struct syscall_desc *d = nr < NSYSCALLS && syscalls[nr].fn ? &syscalls[nr] : NULL;
    const char *name = d ? d->name : "unknown";
    trace(TRACE_SYSCALL_ENTER, name, nr, tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8);
    long ret = d ? d->fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9) : -ENOSYS;
    tf->rax = (u64)ret;
    trace2(TRACE_SYSCALL_EXIT, name, nr, (u64)ret);
    int changed = signal_deliver(tf);
    return changed || nr == SYS_sigreturn;
}
