// Starting the other CPUs through the wakeup mailbox (GUEST-INTERFACE.md):
// fill in where the CPU should start, which argument and stack it gets, then
// send it a start-up IPI. One CPU at a time: there is one mailbox.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "bootinfo.h"

#define ICR_STARTUP (6 << 8)

extern char ap_entry[];

struct cpu cpus[NCPU];
int ncpu;

void smp_start_cpus(void)
{
    struct wakeup_mailbox *mb = P2V(bootinfo->mailbox_phys);
    int want = (int)bootinfo->cpu_count;
    if (want > kconfig.cpus)
        want = kconfig.cpus;
    if (want > NCPU)
        want = NCPU;
    for (int id = 1; id < want; id++) {
        struct cpu *c = &cpus[id];
        u64 stack = vmalloc_stack();
        if (!stack)
            panic("smp: no memory for CPU %d's stack", id);
        c->id = id;
        c->self = c;
        mb->apic_id = (u32)id;
        mb->wakeup_vector = (u64)ap_entry;
        mb->argument = (u64)c;
        mb->stack = stack;
        __atomic_store_n(&mb->command, 1, __ATOMIC_RELEASE);    // last: the fields are ready
        // The vector field of a start-up IPI is a page number; this machine
        // reads the start address from the mailbox, 0x8000 keeps tradition.
        lapic_send_ipi((u32)id, ICR_STARTUP | (bootinfo->mailbox_phys >> 12));
        while (!c->started)
            pause();
        ncpu = id + 1;
    }
    kprintf("smp: Brought up %d CPU(s)\n", want > 1 ? want : 1);
}

// A new CPU, on the boot page tables and the stack from the mailbox.
void ap_main(struct cpu *c)
{
    wrmsr(MSR_GS_BASE, (u64)c);
    vm_enable_cpu();
    cpu_tables_init(c);
    lapic_init();
    kprintf("smp: CPU %d online\n", c->id);
    __atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
    scheduler();
}
