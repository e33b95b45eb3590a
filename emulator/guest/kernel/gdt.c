// Per-CPU descriptor tables: GDT, TSS, and the MSRs that SYSCALL and GS use.
//
// In 64-bit mode segmentation is mostly gone (SDM 3.2.4): code segments still
// carry the privilege level (DPL) and the L bit, and the TSS still matters
// because it holds the stacks the CPU switches to: RSP0 when an interrupt
// arrives in user mode, and the IST stacks for the gates that name one.
#include "defs.h"
#include "x86.h"
#include "mmu.h"
#include "proc.h"

extern void syscall_entry(void);

// Segment descriptors (SDM 3.4.5): P, DPL, S, type, and L for 64-bit code.
#define DESC_KCODE 0x00209a0000000000UL     // P, DPL 0, code exec/read, L
#define DESC_KDATA 0x0000920000000000UL     // P, DPL 0, data read/write
#define DESC_UDATA 0x0000f20000000000UL     // P, DPL 3, data read/write
#define DESC_UCODE 0x0020fa0000000000UL     // P, DPL 3, code exec/read, L

// RFLAGS bits SYSCALL clears (IA32_FMASK): IF (no interrupts until the kernel
// stack is in place), DF, TF, NT and AC (SMAP enforced from the first kernel
// instruction, whatever the user left in AC).
#define SYSCALL_FMASK (FL_IF | FL_DF | 0x100 | 0x4000 | FL_AC)

void cpu_tables_init(struct cpu *c)
{
    c->gdt[0] = 0;
    c->gdt[SEG_KCODE] = DESC_KCODE;
    c->gdt[SEG_KDATA] = DESC_KDATA;
    c->gdt[SEG_UDATA] = DESC_UDATA;
    c->gdt[SEG_UCODE] = DESC_UCODE;

    // The emergency stacks: #DF on IST1, NMI on IST2 (idt.c picks them).
    u64 df_stack = vmalloc_stack(), nmi_stack = vmalloc_stack();
    if (!df_stack || !nmi_stack)
        panic("cpu %d: no memory for IST stacks", c->id);
    memset(&c->tss, 0, sizeof(c->tss));
    c->tss.ist[IST_DOUBLE_FAULT - 1] = df_stack;
    c->tss.ist[IST_NMI - 1] = nmi_stack;
    // rsp[0] is set at every switch to a task (sched.c): user mode only
    // ever runs on a task's behalf.
    c->tss.iomap_base = sizeof(struct tss);

    // 16-byte TSS descriptor (SDM 8.2.3): limit, base, type 9 (available), P.
    u64 base = (u64)&c->tss, limit = sizeof(struct tss) - 1;
    c->gdt[SEG_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
                      (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    c->gdt[SEG_TSS + 1] = base >> 32;

    lgdt(c->gdt, sizeof(c->gdt) - 1);
    // Reload CS with a far return, then the data segments. Loading GS/FS with
    // a null selector clears their base, so GS.base is set afterwards.
    asm volatile("pushq %0\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "movl %1, %%eax\n\t"
                 "movl %%eax, %%ds\n\t"
                 "movl %%eax, %%es\n\t"
                 "movl %%eax, %%ss\n\t"
                 "xorl %%eax, %%eax\n\t"
                 "movl %%eax, %%fs\n\t"
                 "movl %%eax, %%gs\n\t"
                 :
                 : "i"((u64)KERNEL_CS), "i"(KERNEL_DS)
                 : "rax", "memory");
    ltr(TSS_SEL);
    idt_load();

    c->self = c;
    wrmsr(MSR_GS_BASE, (u64)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);   // the user's GS.base until the first SWAPGS

    // SYSCALL/SYSRET (SDM 5.8.8): STAR[47:32] = kernel CS (SS = +8),
    // STAR[63:48] = base for SYSRET (SS = base+8, CS = base+16, RPL 3).
    wrmsr(MSR_STAR, ((u64)KERNEL_CS << 32) | ((u64)(SEG_KDATA << 3) << 48));
    wrmsr(MSR_LSTAR, (u64)syscall_entry);
    wrmsr(MSR_FMASK, SYSCALL_FMASK);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
