// The C side of the libc: wrappers that need more than a register move,
// printf, and names for error and signal numbers.
#include "libc.h"

long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int sys_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
void __restore_rt(void);

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
    long r = sys_mmap(addr, len, prot, flags, fd, off);
    return r < 0 && r > -4096 ? MAP_FAILED : (void *)r;
}

// Every handler returns through __restore_rt (SA_RESTORER), like glibc's.
int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct sigaction a;
    if (act) {
        a = *act;
        a.sa_flags |= SA_RESTORER;
        a.sa_restorer = __restore_rt;
        act = &a;
    }
    return sys_sigaction(sig, act, old);
}

int signal_handler(int sig, void (*handler)(int, struct siginfo *, struct ucontext *), unsigned long flags)
{
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_handler = (void (*)(int))(void (*)(void))handler;   // the kernel passes all three arguments
    act.sa_flags = flags;
    return sigaction(sig, &act, NULL);
}

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    write(1, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

const char *errno_name(long err)
{
    switch (-err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ENOSYS: return "ENOSYS";
    default: return err >= 0 ? "OK" : "E?";
    }
}

const char *signal_name(int sig)
{
    switch (sig) {
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    default: return "signal";
    }
}
