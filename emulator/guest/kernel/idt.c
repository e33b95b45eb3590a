// The interrupt descriptor table, shared by all CPUs.
//
// Every exception vector 0-31 gets a gate, plus the timer, the wakeup IPI and
// the spurious vector, unless idt.omit= names it: then the entry stays zero,
// not a valid gate type, and delivering that vector fails with #GP (checked
// before P), which during another exception's delivery becomes a #DF (Table 6-5).
#include "defs.h"
#include "x86.h"
#include "mmu.h"
#include "traps.h"

struct gate {
    u16 offset_lo;
    u16 selector;
    u8 ist;             // bits 0-2: IST index, 0 = no stack switch
    u8 type_attr;       // P, DPL, type
    u16 offset_mid;
    u32 offset_hi;
    u32 reserved;
} __attribute__((packed));

static struct gate idt[256];

extern const u64 exception_vectors[32];
extern char vector32[], vector240[], vector255[];

#define GATE_INTERRUPT 0x8e     // P = 1, DPL 0, 64-bit interrupt gate (clears IF)
#define GATE_DPL3 0x60          // INT3 from user mode is allowed (SIGTRAP)

static void set_gate(int vector, u64 handler, int ist, u8 type_attr)
{
    if (kconfig.idt_omit[vector])
        return;
    struct gate *g = &idt[vector];
    g->offset_lo = handler & 0xffff;
    g->selector = KERNEL_CS;
    g->ist = (u8)(kconfig.ist ? ist : 0);
    g->type_attr = type_attr;
    g->offset_mid = (handler >> 16) & 0xffff;
    g->offset_hi = (u32)(handler >> 32);
    g->reserved = 0;
}

void idt_init(void)
{
    for (int v = 0; v < 32; v++) {
        int ist = v == T_DF ? IST_DOUBLE_FAULT : v == T_NMI ? IST_NMI : 0;
        u8 attr = GATE_INTERRUPT | (v == T_BP || v == T_OF ? GATE_DPL3 : 0);
        set_gate(v, exception_vectors[v], ist, attr);
    }
    set_gate(T_TIMER, (u64)vector32, 0, GATE_INTERRUPT);
    set_gate(T_IPI_WAKEUP, (u64)vector240, 0, GATE_INTERRUPT);
    set_gate(T_SPURIOUS, (u64)vector255, 0, GATE_INTERRUPT);
    for (int v = 0; v < 256; v++)
        if (kconfig.idt_omit[v])
            kprintf("idt: vector %d left empty (idt.omit)\n", v);
    if (!kconfig.ist)
        kprintf("idt: no IST stacks for #DF and NMI (ist=off)\n");
}

void idt_load(void)
{
    lidt(idt, sizeof(idt) - 1);
}
