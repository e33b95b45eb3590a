// panic(): the kernel's decision that it cannot safely go on.
//
// Print why, where (registers and a backtrace), stop every other CPU with an
// NMI (an NMI is delivered even with interrupts off, so a CPU spinning on a
// lock stops too), then halt or reboot as panic=<ms> says.
#include "defs.h"
#include "x86.h"
#include "proc.h"

volatile int panicking;
volatile int tainted_by_oops;       // Linux's taint flag D: a task died in an oops
static volatile int stopped_cpus;
static volatile u32 nmi_print_lock;

void print_registers(const struct trapframe *tf)
{
    char buf[96];
    kprintf("RIP: %04lx:%s\n", tf->cs, ksym_format(tf->rip, buf, sizeof(buf)));
    kprintf("RSP: %04lx:%016lx EFLAGS: %08lx\n", tf->ss, tf->rsp, tf->rflags);
    kprintf("RAX: %016lx RBX: %016lx RCX: %016lx\n", tf->rax, tf->rbx, tf->rcx);
    kprintf("RDX: %016lx RSI: %016lx RDI: %016lx\n", tf->rdx, tf->rsi, tf->rdi);
    kprintf("RBP: %016lx R08: %016lx R09: %016lx\n", tf->rbp, tf->r8, tf->r9);
    kprintf("R10: %016lx R11: %016lx R12: %016lx\n", tf->r10, tf->r11, tf->r12);
    kprintf("R13: %016lx R14: %016lx R15: %016lx\n", tf->r13, tf->r14, tf->r15);
    kprintf("CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr2(), read_cr3(), read_cr4());
}

// The line every report has, in Linux's words: after an oops the kernel
// carries on "Tainted" (flag D, "died"): its state is no longer trusted.
void print_cpu_line(struct cpu *c)
{
    struct proc *p = c->proc;
    kprintf("CPU: %d PID: %d Comm: %s %s\n", c->id, p ? p->pid : 0, p ? p->name : "swapper",
            tainted_by_oops ? "Tainted: G      D" : "Not tainted");
}

void stop_this_cpu(void)
{
    cli();
    for (;;)
        hlt();
}

void panic(const char *fmt, ...)
{
    cli();
    struct cpu *c = this_cpu();
    // Only the first panic runs; a second CPU panicking meanwhile just stops,
    // and a panic inside panic stops where it is.
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL)) {
        __atomic_fetch_add(&stopped_cpus, 1, __ATOMIC_ACQ_REL);
        stop_this_cpu();
    }
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    trace1(TRACE_PANIC, msg, (u64)c->id);

    struct trapframe regs;
    save_registers(&regs);
    report_begin();
    kprintf("Kernel panic - not syncing: %s\n", msg);
    print_cpu_line(c);
    print_registers(&regs);
    print_backtrace(regs.rbp, 0);
    report_end();

    // NMI to all CPUs but this one (x2APIC ICR, SDM 11.6.1): each prints where
    // it was and halts with interrupts off.
    if (ncpu > 1) {
        lapic_nmi_others();
        for (u64 spins = 0; spins < 2000000 && stopped_cpus < ncpu - 1; spins++)
            pause();
    }
    if (kconfig.panic_ms > 0)
        kprintf("Rebooting in %lu ms..\n", kconfig.panic_ms);
    kprintf("---[ end Kernel panic - not syncing: %s ]---\n", msg);
    if (kconfig.panic_ms > 0) {
        // Wait in virtual time. The timer keeps ticking (trap() only
        // acknowledges it once panicking), and while every CPU is halted the
        // machine's clock jumps straight to the next tick.
        u64 until = rdtsc() + ms_to_ticks(kconfig.panic_ms);
        while (rdtsc() < until) {
            sti_hlt();
            cli();
        }
        machine_reset();
    }
    stop_this_cpu();
}

// NMI: the panicking CPU asks the others to stop. Print where this CPU was
// (one at a time), then halt for good. An NMI that is not ours is ignored.
void nmi_handler(struct trapframe *tf)
{
    if (!panicking)
        return;
    struct cpu *c = this_cpu();
    while (__atomic_exchange_n(&nmi_print_lock, 1, __ATOMIC_ACQUIRE))
        pause();
    char buf[96];
    kprintf("NMI backtrace for cpu %d\n", c->id);
    print_cpu_line(c);
    kprintf("RIP: %04lx:%s\n", tf->cs, ksym_format(tf->rip, buf, sizeof(buf)));
    if (c->spinning_on)
        kprintf("spinning on lock %s held by CPU#%d\n", c->spinning_on->name,
                c->spinning_on->cpu ? c->spinning_on->cpu->id : -1);
    if ((tf->cs & 3) == 0)
        print_backtrace(tf->rbp, 0);
    __atomic_store_n(&nmi_print_lock, 0, __ATOMIC_RELEASE);
    __atomic_fetch_add(&stopped_cpus, 1, __ATOMIC_ACQ_REL);
    stop_this_cpu();
}
