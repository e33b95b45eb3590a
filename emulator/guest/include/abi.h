// The user/kernel ABI: system call numbers, error numbers, signals and the
// structures that cross the boundary. Shared by the kernel and the libc, so
// both sides always agree.
//
// Calling convention (x86-64 SYSCALL, like Linux): number in RAX, arguments in
// RDI, RSI, RDX, R10, R8, R9; result in RAX. SYSCALL itself overwrites RCX
// (return RIP) and R11 (RFLAGS), so the fourth argument travels in R10.
// Errors come back as negative errno values (-EFAULT, ...).
#ifndef ABI_H
#define ABI_H

// System call numbers: Linux's number where Linux has the call, so a student
// can compare with a real strace; spawn has no Linux twin.
#define SYS_read        0   // read(fd, buf, n) -> bytes
#define SYS_write       1   // write(fd, buf, n) -> bytes
#define SYS_open        2   // open(path, flags) -> fd ("/dev/console", "/dev/crashlab")
#define SYS_close       3   // close(fd)
#define SYS_mmap        9   // mmap(0, len, prot, flags, -1, 0): anonymous memory only
#define SYS_munmap      11  // munmap(addr, len)
#define SYS_sigaction   13  // sigaction(sig, const struct sigaction *act, struct sigaction *old)
#define SYS_sigprocmask 14  // sigprocmask(how, const u64 *set, u64 *old)
#define SYS_sigreturn   15  // sigreturn(): only from the signal trampoline
#define SYS_ioctl       16  // ioctl(fd, cmd, arg)
#define SYS_yield       24  // yield()
#define SYS_sleep       35  // sleep(milliseconds of virtual time)
#define SYS_getpid      39  // getpid()
#define SYS_exit        60  // exit(status)
#define SYS_wait        61  // wait(int *status) -> pid of a child that ended
#define SYS_kill        62  // kill(pid, sig)
#define SYS_sigaltstack 131 // sigaltstack(const stack_t *ss, stack_t *old)
#define SYS_spawn       500 // spawn(path, argv) -> pid: a new process running an initrd program
#define NSYSCALLS       501

// Error numbers (Linux's values).
#define EPERM   1
#define ENOENT  2
#define ESRCH   3
#define EINTR   4
#define E2BIG   7
#define ENOEXEC 8
#define EBADF   9
#define ECHILD  10
#define EAGAIN  11
#define ENOMEM  12
#define EFAULT  14
#define EBUSY   16
#define ENODEV  19
#define EINVAL  22
#define EMFILE  24
#define ENOTTY  25
#define ENOSYS  38

// Signals (Linux's numbers).
#define SIGHUP   1
#define SIGINT   2
#define SIGQUIT  3
#define SIGILL   4
#define SIGTRAP  5
#define SIGABRT  6
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGUSR1  10
#define SIGSEGV  11
#define SIGUSR2  12
#define SIGPIPE  13
#define SIGALRM  14
#define SIGTERM  15
#define SIGCHLD  17
#define NSIG     32   // signals 1..31

#define SIG_DFL ((void (*)(int))0)
#define SIG_IGN ((void (*)(int))1)

#define SA_ONSTACK  0x08000000  // run the handler on the alternate signal stack
#define SA_RESTORER 0x04000000  // sa_restorer holds the return trampoline (set by the libc)
#define SA_NODEFER  0x40000000  // do not block the signal while its handler runs

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK 1   // sigaltstack: currently executing on the alternate stack
#define SS_DISABLE 2   // sigaltstack: no alternate stack
#define MINSIGSTKSZ 2048

// Fault codes in siginfo.code.
#define SEGV_MAPERR 1  // address not mapped
#define SEGV_ACCERR 2  // mapped, but the access is not allowed
#define SI_KERNEL   0x80

#ifndef __ASSEMBLER__     // the structures, for C only (libc/syscall.S wants the numbers)

struct sigaction {
    void (*sa_handler)(int);
    unsigned long sa_flags;
    void (*sa_restorer)(void);
    unsigned long sa_mask;      // bit (sig - 1) set: blocked while the handler runs
};

typedef struct {
    void *ss_sp;
    int ss_flags;
    unsigned long ss_size;
} stack_t;

struct siginfo {
    int si_signo;
    int si_code;
    unsigned long si_addr;      // faulting address for SIGSEGV/SIGBUS/SIGILL/SIGFPE
};

// The registers a signal interrupted, as the handler's third argument sees them.
// sigreturn puts them back, so a handler may change them (e.g. skip an instruction).
struct sigcontext {
    unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
    unsigned long rdi, rsi, rbp, rdx, rcx, rbx, rax;
    unsigned long rip, rflags, rsp;
};

struct ucontext {
    stack_t uc_stack;           // the alternate stack at delivery
    unsigned long uc_sigmask;   // the mask to restore on sigreturn
    struct sigcontext uc_mcontext;
};

#endif

// mmap
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define MAP_PRIVATE   0x02
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)

// open flags
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR   2

// The crash lab device ("/dev/crashlab"): ioctl(fd, CRASHLAB_RUN, &req) runs the
// named trigger. data/len are the trigger's input (STACK_SMASH copies them into a
// stack buffer; BAD_USER_PTR reads from data); LEAK_KPTR writes into out.
#define CRASHLAB_RUN 0xc1a0
#ifndef __ASSEMBLER__
struct crashlab_req {
    const char *trigger;
    const void *data;
    unsigned long len;
    unsigned long out;
};
#endif

#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s)    ((s) & 0x7f)
#define WIFEXITED(s)   (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0)

#endif
