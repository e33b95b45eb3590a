// sigstack: a process whose stack is broken takes a SIGSEGV.
//   sigstack alt    with an alternate signal stack: the handler runs there
//   sigstack noalt  without one: no frame can be written, the kernel forces
//                   SIGSEGV with the default action, the process is killed
//   sigstack        runs both as children and reports
#include "libc.h"

static char altstack[16384];

static void on_segv(int sig, struct siginfo *info, struct ucontext *uc)
{
    (void)uc;
    char here;
    int on_alt = &here >= altstack && &here < altstack + sizeof(altstack);
    printf("sigstack: handler got %s (address %lx) on the %s stack\n", signal_name(sig), info->si_addr,
           on_alt ? "alternate" : "normal");
    exit(on_alt ? 0 : 1);   // the interrupted stack is unusable: do not return to it
}

static void break_stack_and_fault(void)
{
    // Point RSP at an unmapped address and touch the stack.
    asm volatile("mov $0x00007f0000000000, %%rsp\n\t"
                 "pushq $0" ::: "memory");
}

static int child(int with_alt)
{
    if (with_alt) {
        stack_t ss = { altstack, 0, sizeof(altstack) };
        sigaltstack(&ss, NULL);
    }
    signal_handler(SIGSEGV, on_segv, SA_ONSTACK);
    printf("sigstack: breaking the stack (%s alternate stack)\n", with_alt ? "with an" : "without an");
    break_stack_and_fault();
    return 3;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return child(strcmp(argv[1], "alt") == 0);
    static const char *const modes[2] = { "alt", "noalt" };
    for (int i = 0; i < 2; i++) {
        char *args[] = { "sigstack", (char *)modes[i], NULL };
        int pid = spawn("sigstack", args);
        int status;
        wait(&status);
        if (WIFSIGNALED(status))
            printf("sigstack: child %d (%s) was killed by %s\n", pid, modes[i], signal_name(WTERMSIG(status)));
        else
            printf("sigstack: child %d (%s) exited with %d\n", pid, modes[i], WEXITSTATUS(status));
    }
    return 0;
}
