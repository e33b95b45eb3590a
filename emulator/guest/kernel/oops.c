// Oops: a bug detected in kernel mode that the kernel may survive.
//
// Print what happened in Linux's words, the registers and a backtrace; then
// panic (panic_on_oops=1, the default) or, when the bug hit a task that holds
// no lock, kill that task and let the system go on (panic_on_oops=0).
#include "defs.h"
#include "x86.h"
#include "proc.h"

static int oops_count;

// preamble: lines that explain the fault (the page-fault analysis), or "".
// headline: "Oops", "general protection fault", "invalid opcode", ...
void oops(struct trapframe *tf, const char *preamble, const char *headline, u64 address)
{
    struct cpu *c = this_cpu();
    struct proc *p = c->proc;
    report_begin();
    int n = __atomic_add_fetch(&oops_count, 1, __ATOMIC_RELAXED);
    kprintf("%s", preamble);
    kprintf("%s: %04lx [#%d] SMP\n", headline, tf->error, n);
    print_cpu_line(c);
    print_registers(tf);
    // The faulting function may not have set up its frame yet (or already
    // torn it down): then its caller appears only as the word at RSP.
    u64 at_rsp = (tf->cs & 3) == 0 && kernel_address_mapped(tf->rsp) ? *(u64 *)tf->rsp : 0;
    print_backtrace(tf->rbp, at_rsp);
    kprintf("---[ end trace %016x ]---\n", 0);
    tainted_by_oops = 1;
    const char *text = report_end();
    trace4(TRACE_OOPS, text, tf->vector, tf->error, address, tf->rip);

    if (kconfig.panic_on_oops)
        panic("Fatal exception");
    // Killing the task is safe only if it holds nothing: a lock it holds
    // would never be released. trap() entered with interrupts off, so any
    // pushcli nesting at this point belongs to the code that faulted.
    if (!p || c->ncli > 0)
        panic("Fatal exception in interrupt");
    kprintf("Killing %s/%d after the oops; the system goes on\n", p->name, p->pid);
    sti();
    proc_exit(SIGSEGV);
}
