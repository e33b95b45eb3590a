// privinsn: instructions user mode may not execute, each caught by the
// kernel as a signal. The handler skips the instruction by editing the saved
// RIP, and sigreturn resumes after it.
//   CLI, HLT (privileged at CPL 3: #GP -> SIGSEGV), UD2 (#UD -> SIGILL),
//   DIV by zero (#DE -> SIGFPE).
#include "libc.h"

static volatile int caught;
static volatile unsigned long skip;

static void handler(int sig, struct siginfo *info, struct ucontext *uc)
{
    printf("privinsn:   %s at rip %lx (si_addr %lx)\n", signal_name(sig), uc->uc_mcontext.rip, info->si_addr);
    uc->uc_mcontext.rip += skip;
    caught = sig;
}

int main(void)
{
    signal_handler(SIGSEGV, handler, 0);
    signal_handler(SIGILL, handler, 0);
    signal_handler(SIGFPE, handler, 0);

    printf("privinsn: cli\n");
    skip = 1;
    asm volatile("cli");
    printf("privinsn: hlt\n");
    skip = 1;
    asm volatile("hlt");
    printf("privinsn: ud2\n");
    skip = 2;
    asm volatile("ud2");
    printf("privinsn: divide by zero\n");
    skip = 3;       // div %rcx: 48 f7 f1
    asm volatile("xor %%edx, %%edx\n\t"
                 "mov $1, %%eax\n\t"
                 "xor %%ecx, %%ecx\n\t"
                 "div %%rcx" ::: "rax", "rcx", "rdx");
    printf("privinsn: every instruction trapped (last %s), the process lives\n", signal_name(caught));
    return 0;
}
