// Thin wrappers around the x86-64 instructions C cannot express.
#ifndef X86_H
#define X86_H
#include "types.h"

static inline u8 inb(u16 port)
{
    u8 v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
    asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

// The virtual clock: one tick per instruction retired by any CPU (1 tick = 1 ns).
static inline u64 rdtsc(void)
{
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

static inline u64 read_cr0(void) { u64 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u64 read_cr2(void) { u64 v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

static inline u64 read_rflags(void)
{
    u64 v;
    asm volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void cli(void) { asm volatile("cli" : : : "memory"); }
static inline void sti(void) { asm volatile("sti" : : : "memory"); }
static inline void hlt(void) { asm volatile("hlt" : : : "memory"); }
static inline void pause(void) { asm volatile("pause" : : : "memory"); }

// STI delays interrupts until after the next instruction (SDM Vol. 2B, STI), so
// "sti; hlt" cannot lose a wakeup interrupt between the two.
static inline void sti_hlt(void) { asm volatile("sti; hlt" : : : "memory"); }

// SMAP (SDM 4.6.1): supervisor data accesses to user pages are allowed only
// while RFLAGS.AC = 1. STAC/CLAC open and close that window.
static inline void stac(void) { asm volatile("stac" : : : "memory", "cc"); }
static inline void clac(void) { asm volatile("clac" : : : "memory", "cc"); }

// A full memory barrier. x86 may let a load pass an earlier store to another
// address (SDM 9.2.2: the store waits in the store buffer); a locked
// instruction drains the store buffer first. MFENCE would do too, but it is an
// SSE2 instruction.
static inline void smp_mb(void) { asm volatile("lock orq $0, (%%rsp)" : : : "memory", "cc"); }

static inline void invlpg(u64 va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }

struct descriptor_pointer {
    u16 limit;
    u64 base;
} __attribute__((packed));

static inline void lgdt(void *base, u16 limit)
{
    struct descriptor_pointer p = { limit, (u64)base };
    asm volatile("lgdt %0" : : "m"(p));
}

static inline void lidt(void *base, u16 limit)
{
    struct descriptor_pointer p = { limit, (u64)base };
    asm volatile("lidt %0" : : "m"(p));
}

static inline void ltr(u16 sel) { asm volatile("ltr %0" : : "r"(sel)); }

// RFLAGS bits
#define FL_CF 0x0001
#define FL_IF 0x0200
#define FL_DF 0x0400
#define FL_AC 0x40000

// Control register bits (SDM 2.5)
#define CR0_WP (1UL << 16)
#define CR4_PGE (1UL << 7)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

// MSRs (SDM Vol. 4, chapter 2)
#define MSR_APIC_BASE 0x1b
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1UL << 0)
#define EFER_NXE (1UL << 11)

#endif
