// The double-fault handler.
//
// #DF means the CPU failed to deliver an exception (SDM 6.15, "Interrupt 8"
// and Table 6-5): a page fault or contributory fault while delivering a page
// fault or a contributory fault. The classic cause is a kernel stack overflow:
// the access to the unmapped guard page below the stack faults, and the CPU
// cannot push the #PF frame on that same stack. That is why the #DF gate uses
// IST1: the CPU switches to a known-good stack before pushing anything
// (SDM 6.14.5). Without IST (ist=off) the #DF frame would go to the same
// broken stack, fault again, and the CPU would shut down: a triple fault.
//
// #DF is an abort: the saved RIP may not point at the faulting instruction and
// the task cannot be resumed, so this handler reports and panics. It runs with
// whatever GS the interrupted code had, so it finds its CPU by APIC ID.
#include "defs.h"
#include "x86.h"
#include "proc.h"

void double_fault(struct trapframe *tf)
{
    u64 cr2 = read_cr2();
    struct cpu *c = this_cpu();
    u64 lo, hi;
    int overflow = stack_guard_hit(cr2, &lo, &hi) || stack_guard_hit(tf->rsp, &lo, &hi);
    char msg[160];
    if (overflow)
        snprintf(msg, sizeof(msg), "kernel stack overflow: guard page hit at %016lx (stack is %016lx..%016lx)",
                 cr2, lo, hi);
    else
        snprintf(msg, sizeof(msg), "double fault at RSP %016lx, CR2 %016lx", tf->rsp, cr2);
    trace2(TRACE_DOUBLE_FAULT, msg, tf->rsp, cr2);

    report_begin();
    if (overflow)
        kprintf("BUG: stack guard page was hit at %016lx (stack is %016lx..%016lx)\n", cr2, lo, hi);
    kprintf("PANIC: double fault, error_code: 0x%lx, stack pointer %016lx\n", tf->error, tf->rsp);
    if (overflow)
        kprintf("kernel stack overflow (double-fault): %04lx [#1] SMP\n", tf->error);
    print_cpu_line(c);
    print_registers(tf);
    if ((tf->cs & 3) == 0)
        print_backtrace(tf->rbp, 0);
    report_end();
    panic(overflow ? "kernel stack overflow" : "double fault");
}
