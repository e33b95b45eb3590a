// Interrupts and exceptions, after entry.S saved the registers.
//
// An exception in user mode is the program's problem: it becomes a signal
// (SIGSEGV, SIGILL, SIGFPE...) and the kernel goes on. An exception in kernel
// mode is the kernel's own bug, unless the faulting instruction is one of the
// few listed in the exception table (the user-memory accessors), in which
// case execution resumes at its fixup and the system call returns -EFAULT.
#include "defs.h"
#include "x86.h"
#include "mmu.h"
#include "proc.h"
#include "traps.h"
#include "bug.h"

const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "int3", "overflow", "bounds", "invalid opcode", "device not available",
    "double fault", "coprocessor segment overrun", "invalid TSS", "segment not present", "stack segment",
    "general protection fault", "page fault", "reserved", "coprocessor error", "alignment check",
    "machine check", "SIMD exception", "virtualization exception", "control protection", "reserved",
    "reserved", "reserved", "reserved", "reserved", "reserved", "hypervisor injection", "VMM communication",
    "security exception", "reserved",
};

// A page fault in kernel mode, described as Linux does (arch/x86/mm/fault.c:
// show_fault_oops), then the oops.
static void kernel_page_fault_oops(struct trapframe *tf, u64 addr)
{
    u64 err = tf->error;
    char text[512];
    int n = 0;
    // An instruction fetch from a present page: NX (a kernel page) or SMEP (a user page).
    if ((err & PF_I) && (err & PF_P))
        n += snprintf(text, sizeof(text), addr < USER_TOP ? "unable to execute userspace code (SMEP?) (uid: 0)\n"
                                                          : "kernel tried to execute NX-protected page - exploit attempt? (uid: 0)\n");
    if (addr < PAGE_SIZE)
        n += snprintf(text + n, sizeof(text) - n, "BUG: kernel NULL pointer dereference, address: %016lx\n", addr);
    else
        n += snprintf(text + n, sizeof(text) - n, "BUG: unable to handle page fault for address: %016lx\n", addr);
    n += snprintf(text + n, sizeof(text) - n, "#PF: %s %s in %s mode\n", (err & PF_U) ? "user" : "supervisor",
                  (err & PF_I) ? "instruction fetch" : (err & PF_W) ? "write access" : "read access",
                  (tf->cs & 3) ? "user" : "kernel");
    snprintf(text + n, sizeof(text) - n, "#PF: error_code(0x%04lx) - %s\n", err,
             !(err & PF_P)     ? "not-present page"
             : (err & PF_RSVD) ? "reserved bit violation"
                               : "permissions violation");
    oops(tf, text, "Oops", addr);
}

static int fault_signal(int vector)
{
    switch (vector) {
    case T_DE:
    case T_MF:
    case T_XM:
        return SIGFPE;
    case T_UD:
        return SIGILL;
    case T_DB:
    case T_BP:
        return SIGTRAP;
    case T_AC:
        return SIGBUS;
    default:
        return SIGSEGV;
    }
}

static void exception(struct trapframe *tf, u64 cr2)
{
    int vector = (int)tf->vector;
    if ((tf->cs & 3) == 3) {
        // User mode: a signal. The fault address is CR2 for a page fault and
        // the instruction for the others, as Linux reports in si_addr.
        int code = vector == T_PF ? ((tf->error & PF_P) ? SEGV_ACCERR : SEGV_MAPERR) : SI_KERNEL;
        u64 addr = vector == T_PF ? cr2 : vector == T_GP ? 0 : tf->rip;
        force_sig_fault(fault_signal(vector), code, addr, exception_names[vector]);
        return;
    }
    u64 fixup = search_exception_table(tf->rip);
    if (fixup) {
        trace3(TRACE_FIXUP, NULL, tf->rip, fixup, cr2);
        tf->rip = fixup;
        return;
    }
    if (vector == T_PF) {
        kernel_page_fault_oops(tf, cr2);
        return;
    }
    char preamble[160] = "";
    const struct bug_entry *bug = vector == T_UD ? find_bug(tf->rip) : NULL;
    if (bug)
        snprintf(preamble, sizeof(preamble), "kernel BUG at %s:%lu!\n", bug->file, bug->line);
    oops(tf, preamble, exception_names[vector], 0);
}

void trap(struct trapframe *tf)
{
    // CR2 first: nothing else may fault before it is read.
    u64 cr2 = tf->vector == T_PF ? read_cr2() : 0;
    int from_user = (tf->cs & 3) == 3;

    switch (tf->vector) {
    case T_TIMER:
        watchdog_tick();
        lapic_eoi();
        if (panicking)
            return;
        break;
    case T_IPI_WAKEUP:
        lapic_eoi();
        break;
    case T_SPURIOUS:
        // Not a real interrupt: no EOI (SDM 11.9).
        return;
    default:
        if (tf->vector < 32) {
            exception(tf, cr2);
            break;
        }
        panic("trap: unexpected vector %lu", tf->vector);
    }

    // Preempt: give up the CPU at every timer tick.
    struct proc *p = myproc();
    if (tf->vector == T_TIMER && p && p->state == RUNNING)
        yield();
    if (from_user)
        signal_deliver(tf);
}
