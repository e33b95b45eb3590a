// Boot: from the machine's boot protocol to a scheduler on every CPU.
#include "defs.h"
#include "x86.h"
#include "bootinfo.h"
#include "proc.h"

struct bootinfo *bootinfo;

u64 ms_to_ticks(u64 ms)
{
    return ms * (bootinfo->tsc_hz / 1000);
}

// CPU 0 comes here from _start, still on the boot page tables, which map the
// first GiB at the direct-map address too: that is how we read the boot info.
void kmain(u64 bootinfo_phys)
{
    // Per-CPU data first: spin locks find their CPU through GS.base.
    cpus[0].self = &cpus[0];
    wrmsr(MSR_GS_BASE, (u64)&cpus[0]);
    bootinfo = P2V(bootinfo_phys);
    console_init();
    if (bootinfo->magic != BOOTINFO_MAGIC || bootinfo->version != BOOTINFO_VERSION)
        panic("boot info: bad magic %x or version %u", bootinfo->magic, bootinfo->version);
    cmdline_parse(bootinfo->cmdline);
    lockdep_enabled = kconfig.lockdep;

    kprintf("Faultline kernel: %u CPU(s), %lu MiB RAM\n", bootinfo->cpu_count, bootinfo->mem_size >> 20);
    kprintf("Command line: %s\n", bootinfo->cmdline);

    kalloc_init(bootinfo->free_phys_start, bootinfo->mem_size);
    kmalloc_init();
    vm_init();              // our page tables; NX, WP, SMEP, SMAP on
    idt_init();
    cpus[0].id = 0;
    cpu_tables_init(&cpus[0]);  // GDT, TSS, IDT, GS, SYSCALL MSRs
    ncpu = 1;
    lapic_init();
    initrd_init();
    crashlab_init();
    proc_init();

    kprintf("Memory: %lu KiB free\n", kalloc_free_pages() * 4);
    smp_start_cpus();
    cpus[0].started = 1;

    // init starts once every CPU is up, so that it sees them all.
    char *argv[MAXARG];
    argv[0] = kconfig.init;
    for (int i = 0; i < kconfig.init_argc; i++)
        argv[1 + i] = kconfig.init_argv[i];
    int err = spawn(kconfig.init, 1 + kconfig.init_argc, argv);
    if (err < 0)
        panic("No working init found: %s (error %d)", kconfig.init, err);

    // CPU 0's scheduler moves to a kernel stack with guard pages, like every
    // other CPU's; the boot stack is left behind.
    u64 stack = vmalloc_stack();
    if (!stack)
        panic("no memory for CPU 0's stack");
    asm volatile("mov %0, %%rsp\n\t"
                 "xor %%ebp, %%ebp\n\t"
                 "call scheduler" : : "r"(stack) : "memory");
    __builtin_unreachable();
}
