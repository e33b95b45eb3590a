// Signals: generation, delivery on the way back to user mode, sigreturn.
//
// Delivery builds a frame on the user stack (or the alternate signal stack),
// holding the interrupted registers and a return address into the libc's
// trampoline, and points the user's RIP at the handler. If the frame cannot be
// written (the stack is unmapped or full), the task cannot run its handler:
// as on Linux, it gets a SIGSEGV instead, with the default action if the
// failing signal was SIGSEGV itself: the task dies and the system goes on.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "uaccess.h"

#define SIGBIT(sig) (1UL << ((sig) - 1))
#define UNBLOCKABLE (SIGBIT(SIGKILL))
// RFLAGS bits sigreturn takes from the user: CF PF AF ZF SF DF OF AC.
#define USER_RFLAGS_MASK 0x40cd5UL

// What the handler finds on its stack: RSP points at restorer, so its RET
// goes to the trampoline, which calls sigreturn with RSP at info.
struct sigframe {
    u64 restorer;
    struct siginfo info;
    struct ucontext uc;
};

static const char *const signal_names[NSIG] = {
    [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGCHLD] = "SIGCHLD",
};

static const char *signame(int sig)
{
    return sig > 0 && sig < NSIG && signal_names[sig] ? signal_names[sig] : "signal";
}

// Mark sig pending for p and wake p if it sleeps, so that the sleeping call
// can return -EINTR and the signal be delivered.
void send_signal(struct proc *p, int sig, const char *reason)
{
    trace3(TRACE_SIGNAL_GENERATE, reason, (u64)p->pid, (u64)sig, p->siginfo[sig].si_addr);
    acquire(&ptable_lock);
    // kill() on another CPU may set a bit while the target clears one:
    // LOCK OR / LOCK AND keep both.
    __atomic_or_fetch(&p->sig_pending, SIGBIT(sig), __ATOMIC_ACQ_REL);
    if (p->state == SLEEPING)
        p->state = RUNNABLE;
    release(&ptable_lock);
    kick_idle_cpus();
}

// A fault in user mode. Such a signal cannot be ignored or blocked: the
// instruction would just fault again. Like Linux's force_sig_fault, an
// ignored or blocked fault signal gets its default action back.
void force_sig_fault(int sig, int code, u64 addr, const char *reason)
{
    struct proc *p = myproc();
    p->siginfo[sig].si_signo = sig;
    p->siginfo[sig].si_code = code;
    p->siginfo[sig].si_addr = addr;
    if (p->sigactions[sig].sa_handler == SIG_IGN || (p->sig_blocked & SIGBIT(sig))) {
        p->sigactions[sig].sa_handler = SIG_DFL;
        p->sig_blocked &= ~SIGBIT(sig);
    }
    send_signal(p, sig, reason);
}

int signal_pending(struct proc *p)
{
    return (p->sig_pending & ~p->sig_blocked) != 0;
}

static int on_altstack(struct proc *p, u64 sp)
{
    u64 base = (u64)p->altstack.ss_sp;
    return !(p->altstack.ss_flags & SS_DISABLE) && p->altstack.ss_size && sp >= base &&
           sp - base < p->altstack.ss_size;
}

static void save_sigcontext(struct sigcontext *sc, const struct trapframe *tf)
{
    sc->r15 = tf->r15, sc->r14 = tf->r14, sc->r13 = tf->r13, sc->r12 = tf->r12;
    sc->r11 = tf->r11, sc->r10 = tf->r10, sc->r9 = tf->r9, sc->r8 = tf->r8;
    sc->rdi = tf->rdi, sc->rsi = tf->rsi, sc->rbp = tf->rbp, sc->rdx = tf->rdx;
    sc->rcx = tf->rcx, sc->rbx = tf->rbx, sc->rax = tf->rax;
    sc->rip = tf->rip, sc->rflags = tf->rflags, sc->rsp = tf->rsp;
}

// Build the frame and redirect the task to the handler. 0, or -EFAULT if the
// frame could not be written.
static int setup_frame(struct proc *p, int sig, struct trapframe *tf)
{
    struct sigaction *act = &p->sigactions[sig];
    int use_alt = (act->sa_flags & SA_ONSTACK) && !(p->altstack.ss_flags & SS_DISABLE) && p->altstack.ss_size &&
                  !on_altstack(p, tf->rsp);
    // Below the interrupted code's red zone (128 bytes the SysV ABI lets a
    // leaf function use below RSP), or at the top of the alternate stack.
    u64 top = use_alt ? (u64)p->altstack.ss_sp + p->altstack.ss_size : tf->rsp - 128;
    // At a function's first instruction RSP + 8 is a multiple of 16.
    u64 sp = ROUNDDOWN(top - sizeof(struct sigframe), 16) - 8;

    struct sigframe frame;
    memset(&frame, 0, sizeof(frame));
    frame.restorer = (u64)act->sa_restorer;
    frame.info = p->siginfo[sig];
    frame.info.si_signo = sig;
    frame.uc.uc_stack = p->altstack;
    frame.uc.uc_sigmask = p->sig_blocked;
    save_sigcontext(&frame.uc.uc_mcontext, tf);
    if (top > USER_TOP || copy_to_user((void *)sp, &frame, sizeof(frame)) < 0) {
        char why[96];
        snprintf(why, sizeof(why), "cannot write the %s frame at %016lx%s", signame(sig), sp,
                 use_alt ? " (alternate stack)" : "");
        trace2(TRACE_SIGNAL_FORCE, why, (u64)p->pid, (u64)sig);
        return -EFAULT;
    }
    tf->rip = (u64)act->sa_handler;
    tf->rsp = sp;
    tf->rdi = (u64)sig;
    tf->rsi = sp + __builtin_offsetof(struct sigframe, info);
    tf->rdx = sp + __builtin_offsetof(struct sigframe, uc);
    tf->rax = 0;
    tf->rflags &= ~(FL_DF | 0x100UL);   // the ABI's DF = 0; no single-stepping into the handler
    p->sig_blocked |= act->sa_mask & ~UNBLOCKABLE;
    if (!(act->sa_flags & SA_NODEFER))
        p->sig_blocked |= SIGBIT(sig);
    trace(TRACE_SIGNAL_DELIVER, NULL, (u64)p->pid, (u64)sig, tf->rip, sp, (u64)use_alt, 0);
    return 0;
}

// On the way back to user mode: act on pending, unblocked signals. Returns 1
// if the user registers were changed (then the return must restore all of
// them, through IRETQ).
int signal_deliver(struct trapframe *tf)
{
    struct proc *p = myproc();
    int changed = 0;
    for (;;) {
        u64 ready = p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE);
        if (!ready)
            return changed;
        int sig = 1;
        while (!(ready & SIGBIT(sig)))     // lowest pending signal first
            sig++;
        __atomic_and_fetch(&p->sig_pending, ~SIGBIT(sig), __ATOMIC_ACQ_REL);
        struct sigaction *act = &p->sigactions[sig];
        if (act->sa_handler == SIG_IGN && sig != SIGKILL)
            continue;
        if (act->sa_handler == SIG_DFL || sig == SIGKILL) {
            if (sig == SIGCHLD)
                continue;
            // Default action: terminate.
            proc_exit(sig);
        }
        if (setup_frame(p, sig, tf) == 0) {
            changed = 1;
            continue;
        }
        // No frame, no handler: SIGSEGV instead. If SIGSEGV itself could not
        // be delivered, reset it to the default action, which kills.
        if (sig == SIGSEGV)
            act->sa_handler = SIG_DFL;
        p->siginfo[SIGSEGV].si_signo = SIGSEGV;
        p->siginfo[SIGSEGV].si_code = SI_KERNEL;
        p->siginfo[SIGSEGV].si_addr = 0;
        p->sig_blocked &= ~SIGBIT(SIGSEGV);
        __atomic_or_fetch(&p->sig_pending, SIGBIT(SIGSEGV), __ATOMIC_ACQ_REL);
    }
}

long sys_sigaction(u64 sig, u64 uact, u64 uold)
{
    struct proc *p = myproc();
    if (sig < 1 || sig >= NSIG || sig == SIGKILL)
        return -EINVAL;
    if (uold && copy_to_user((void *)uold, &p->sigactions[sig], sizeof(struct sigaction)) < 0)
        return -EFAULT;
    if (!uact)
        return 0;
    struct sigaction act;
    if (copy_from_user(&act, (void *)uact, sizeof(act)) < 0)
        return -EFAULT;
    // Handler and trampoline become user RIPs: they must be user addresses,
    // or the return to user mode would fault in the kernel (a non-canonical
    // RIP faults on IRETQ, at CPL 0).
    if (act.sa_handler != SIG_DFL && act.sa_handler != SIG_IGN) {
        if ((u64)act.sa_handler >= USER_TOP || !(act.sa_flags & SA_RESTORER) ||
            (u64)act.sa_restorer >= USER_TOP)
            return -EINVAL;
    }
    p->sigactions[sig] = act;
    return 0;
}

long sys_sigprocmask(u64 how, u64 uset, u64 uold)
{
    struct proc *p = myproc();
    if (uold && copy_to_user((void *)uold, &p->sig_blocked, sizeof(u64)) < 0)
        return -EFAULT;
    if (!uset)
        return 0;
    u64 set;
    if (get_user(&set, (void *)uset) < 0)
        return -EFAULT;
    set &= ~UNBLOCKABLE;
    if (how == SIG_BLOCK)
        p->sig_blocked |= set;
    else if (how == SIG_UNBLOCK)
        p->sig_blocked &= ~set;
    else if (how == SIG_SETMASK)
        p->sig_blocked = set;
    else
        return -EINVAL;
    return 0;
}

// The trampoline's syscall: the handler's RET popped the restorer slot, so
// the frame starts 8 bytes below the current user RSP.
long sys_sigreturn(void)
{
    struct proc *p = myproc();
    struct trapframe *tf = p->tf;
    struct sigframe frame;
    if (copy_from_user(&frame, (void *)(tf->rsp - 8), sizeof(frame)) < 0) {
        force_sig_fault(SIGSEGV, SI_KERNEL, 0, "bad sigreturn frame");
        return 0;
    }
    struct sigcontext *sc = &frame.uc.uc_mcontext;
    if (sc->rip >= USER_TOP) {  // see sys_sigaction: never IRETQ to a kernel or non-canonical RIP
        force_sig_fault(SIGSEGV, SI_KERNEL, 0, "bad sigreturn RIP");
        return 0;
    }
    tf->r15 = sc->r15, tf->r14 = sc->r14, tf->r13 = sc->r13, tf->r12 = sc->r12;
    tf->r11 = sc->r11, tf->r10 = sc->r10, tf->r9 = sc->r9, tf->r8 = sc->r8;
    tf->rdi = sc->rdi, tf->rsi = sc->rsi, tf->rbp = sc->rbp, tf->rdx = sc->rdx;
    tf->rcx = sc->rcx, tf->rbx = sc->rbx, tf->rax = sc->rax;
    tf->rip = sc->rip, tf->rsp = sc->rsp;
    // The user may only change the arithmetic flags, DF and AC; IF stays on
    // and IOPL stays 0, so sigreturn cannot grant port access or cli.
    tf->rflags = (sc->rflags & USER_RFLAGS_MASK) | FL_IF | 0x2;
    tf->cs = USER_CS;
    tf->ss = USER_DS;
    p->sig_blocked = frame.uc.uc_sigmask & ~UNBLOCKABLE;
    return (long)tf->rax;
}

long sys_sigaltstack(u64 uss, u64 uold)
{
    struct proc *p = myproc();
    if (uold) {
        stack_t old = p->altstack;
        if (on_altstack(p, p->tf->rsp))
            old.ss_flags |= SS_ONSTACK;
        if (copy_to_user((void *)uold, &old, sizeof(old)) < 0)
            return -EFAULT;
    }
    if (!uss)
        return 0;
    stack_t ss;
    if (copy_from_user(&ss, (void *)uss, sizeof(ss)) < 0)
        return -EFAULT;
    if (on_altstack(p, p->tf->rsp))
        return -EPERM;
    if (ss.ss_flags & SS_DISABLE) {
        p->altstack.ss_sp = NULL;
        p->altstack.ss_size = 0;
        p->altstack.ss_flags = SS_DISABLE;
        return 0;
    }
    if (ss.ss_flags != 0)
        return -EINVAL;
    if (ss.ss_size < MINSIGSTKSZ)
        return -ENOMEM;
    if (!access_ok((u64)ss.ss_sp, ss.ss_size))
        return -EFAULT;
    p->altstack = ss;
    return 0;
}
