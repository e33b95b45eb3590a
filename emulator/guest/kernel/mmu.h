// Virtual memory layout and 4-level paging structures (SDM 4.5).
#ifndef MMU_H
#define MMU_H
#include "types.h"
#include "param.h"

// Virtual address map
//   0x0000000000400000  user programs (ELF, linked there)
//   0x0000100000000000  mmap region (anonymous memory)
//   0x00007ffffffef000  user stack, growing down to ...
//   0x00007ffffffff000  USER_TOP: first address user space may not use
//   0xffff800000000000  direct map: all RAM, virt = phys + DIRECT_MAP
//   0xffffc90000000000  vmalloc: kernel stacks, each with unmapped guard pages below
//   0xffffffff80000000  kernel window: the kernel image, virt = phys + KERNEL_BASE
#define USER_TOP 0x00007ffffffff000UL
#define USER_STACK_TOP USER_TOP
#define MMAP_BASE 0x0000100000000000UL
#define MMAP_END 0x0000700000000000UL
#define DIRECT_MAP 0xffff800000000000UL
#define VMALLOC_BASE 0xffffc90000000000UL
#define VMALLOC_SLOT_SIZE (8 * PAGE_SIZE)   // stack at the top, guard pages below
#define VMALLOC_SLOTS 256
#define KERNEL_BASE 0xffffffff80000000UL

#define P2V(pa) ((void *)((u64)(pa) + DIRECT_MAP))
#define V2P(va) ((u64)(va) - DIRECT_MAP)
#define KIMG_V2P(va) ((u64)(va) - KERNEL_BASE)

// Page-table entry bits (SDM Table 4-19 and neighbours)
#define PTE_P (1UL << 0)        // present
#define PTE_W (1UL << 1)        // writable
#define PTE_U (1UL << 2)        // user-accessible
#define PTE_PS (1UL << 7)       // 2 MiB page (in a PDE)
#define PTE_G (1UL << 8)        // global: survives CR3 writes when CR4.PGE = 1
#define PTE_NX (1UL << 63)      // no execute (EFER.NXE = 1)
#define PTE_ADDR 0x000ffffffffff000UL

#define PML4_INDEX(va) (((va) >> 39) & 511)
#define PDPT_INDEX(va) (((va) >> 30) & 511)
#define PD_INDEX(va) (((va) >> 21) & 511)
#define PT_INDEX(va) (((va) >> 12) & 511)

// Page-fault error code bits (SDM 4.7)
#define PF_P (1UL << 0)         // 0: not present, 1: protection violation
#define PF_W (1UL << 1)         // write access
#define PF_U (1UL << 2)         // CPL 3 access
#define PF_RSVD (1UL << 3)      // reserved bit set in a paging entry
#define PF_I (1UL << 4)         // instruction fetch

// Segment selectors. The order is fixed by SYSRET (SDM Vol. 2B, SYSRET): user
// SS = STAR[63:48] + 8 and user CS = STAR[63:48] + 16, so user data sits just
// below user code.
#define SEG_KCODE 1
#define SEG_KDATA 2
#define SEG_UDATA 3
#define SEG_UCODE 4
#define SEG_TSS 5               // 16-byte descriptor: entries 5 and 6
#define NSEGS 7
#define KERNEL_CS (SEG_KCODE << 3)              // 0x08
#define KERNEL_DS (SEG_KDATA << 3)              // 0x10
#define USER_DS ((SEG_UDATA << 3) | 3)          // 0x1b
#define USER_CS ((SEG_UCODE << 3) | 3)          // 0x23
#define TSS_SEL (SEG_TSS << 3)                  // 0x28

// 64-bit TSS (SDM 8.7, Figure 8-11)
struct tss {
    u32 reserved0;
    u64 rsp[3];             // stack for a switch to CPL 0, 1, 2
    u64 reserved1;
    u64 ist[7];             // IST1..IST7
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;         // beyond the limit: no I/O bitmap, CPL 3 I/O denied
} __attribute__((packed));

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2

#endif
