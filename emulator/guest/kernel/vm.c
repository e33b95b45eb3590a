// Page tables: the kernel's, each process's, and the kernel stacks' region.
//
// Every page table shares the kernel half (PML4 entries 256-511): a new
// process's PML4 copies those entries, which point at page-directory-pointer
// tables built once at boot, so later kernel mappings (new kernel stacks)
// appear in every address space. User mappings live in entries 0-255 and have
// U/S = 1 at every level; kernel mappings have U/S = 0, so a CPL 3 access to
// them faults with P = 1, U = 1 (SDM 4.6).
#include "defs.h"
#include "x86.h"
#include "mmu.h"
#include "proc.h"
#include "bootinfo.h"

u64 *kernel_pml4;
u64 kernel_pml4_phys;        // for boot.S: a new CPU loads it into CR3

// Linker-script symbols: the kernel image's sections, page aligned.
extern char _text[], _etext[], _rodata[], _erodata[], _data[], _ksyms[], _end[];

static struct spinlock vmalloc_lock;
static u8 vmalloc_used[VMALLOC_SLOTS];
static u8 vmalloc_mapped[VMALLOC_SLOTS];

// The entry for va in the table at level 1 (a PTE), allocating missing tables
// when alloc is set. Intermediate entries are as permissive as table_flags:
// the leaf entry decides (rights combine across levels, SDM 4.6.1).
static u64 *walk(u64 *pml4, u64 va, int alloc, u64 table_flags)
{
    u64 *table = pml4;
    for (int shift = 39; shift > 12; shift -= 9) {
        u64 *entry = &table[(va >> shift) & 511];
        if (*entry & PTE_P) {
            if (*entry & PTE_PS)
                return NULL;
            table = P2V(*entry & PTE_ADDR);
        } else {
            if (!alloc)
                return NULL;
            u64 *next = kalloc_zeroed();
            if (!next)
                return NULL;
            *entry = V2P(next) | table_flags;
            table = next;
        }
    }
    return &table[PT_INDEX(va)];
}

static void map_kernel_page(u64 va, u64 pa, u64 flags)
{
    u64 *pte = walk(kernel_pml4, va, 1, PTE_P | PTE_W);
    if (!pte)
        panic("vm_init: out of memory");
    *pte = pa | flags | PTE_P | PTE_G;
}

static void map_kernel_range(char *start, char *end, u64 flags)
{
    for (u64 va = (u64)start; va < (u64)end; va += PAGE_SIZE)
        map_kernel_page(va, KIMG_V2P(va), flags);
}

// The direct map covers all RAM with 2 MiB pages (PS = 1 in the PDE).
static void map_direct(u64 mem_size)
{
    for (u64 pa = 0; pa < mem_size; pa += 2 << 20) {
        u64 va = DIRECT_MAP + pa;
        u64 *pdpt_entry;
        u64 *pml4_entry = &kernel_pml4[PML4_INDEX(va)];
        if (!(*pml4_entry & PTE_P))
            *pml4_entry = V2P(kalloc_zeroed()) | PTE_P | PTE_W;
        u64 *pdpt = P2V(*pml4_entry & PTE_ADDR);
        pdpt_entry = &pdpt[PDPT_INDEX(va)];
        if (!(*pdpt_entry & PTE_P))
            *pdpt_entry = V2P(kalloc_zeroed()) | PTE_P | PTE_W;
        u64 *pd = P2V(*pdpt_entry & PTE_ADDR);
        pd[PD_INDEX(va)] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
    }
}

void vm_init(void)
{
    initlock(&vmalloc_lock, "vmalloc_lock");
    kernel_pml4 = kalloc_zeroed();
    map_direct(bootinfo->mem_size);
    // The kernel image, by section: code executable and read-only, read-only
    // data and the symbol table read-only, data and bss writable; only code
    // is executable.
    map_kernel_range(_text, _etext, 0);
    map_kernel_range(_rodata, _erodata, PTE_NX);
    map_kernel_range(_data, _ksyms, PTE_W | PTE_NX);
    map_kernel_range(_ksyms, _end, PTE_NX);
    // The vmalloc region's top-level table exists before any process copies
    // the kernel half.
    kernel_pml4[PML4_INDEX(VMALLOC_BASE)] = V2P(kalloc_zeroed()) | PTE_P | PTE_W;
    kernel_pml4_phys = V2P(kernel_pml4);
    vm_enable_cpu();
}

// Per CPU: NX, WP, PGE, SMEP, SMAP, then our page tables.
void vm_enable_cpu(void)
{
    // EFER.NXE first: with NXE = 0, bit 63 of a paging entry is reserved and
    // our tables would fault with RSVD = 1 (SDM 4.5.4).
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    // CR0.WP: supervisor writes honour read-only pages too (SDM 2.5), so
    // .rodata and .text cannot be written even by the kernel.
    write_cr0(read_cr0() | CR0_WP);
    // PGE keeps global (kernel) TLB entries across CR3 writes; SMEP forbids
    // executing user pages at CPL 0; SMAP forbids touching them unless AC = 1.
    write_cr4(read_cr4() | CR4_PGE | CR4_SMEP | CR4_SMAP);
    write_cr3(V2P(kernel_pml4));
}

void vm_switch(u64 *pml4)
{
    write_cr3(V2P(pml4));
}

u64 *uvm_create(void)
{
    u64 *pml4 = kalloc_zeroed();
    if (!pml4)
        return NULL;
    for (int i = 256; i < 512; i++)
        pml4[i] = kernel_pml4[i];
    return pml4;
}

// Map fresh zeroed pages over [va, va+len), page aligned, with pte_flags
// (PTE_U and PTE_W/PTE_NX as the caller wants). 0 or -ENOMEM.
int uvm_alloc(u64 *pml4, u64 va, u64 len, u64 pte_flags)
{
    for (u64 a = ROUNDDOWN(va, PAGE_SIZE); a < va + len; a += PAGE_SIZE) {
        u64 *pte = walk(pml4, a, 1, PTE_P | PTE_W | PTE_U);
        if (!pte)
            return -ENOMEM;
        if (*pte & PTE_P)
            continue;
        void *page = kalloc_zeroed();
        if (!page)
            return -ENOMEM;
        *pte = V2P(page) | pte_flags | PTE_P;
    }
    return 0;
}

// Unmap and free the pages of [va, va+len) that are mapped. The caller's CPU
// is the only one running this address space, so a local INVLPG suffices.
void uvm_unmap(u64 *pml4, u64 va, u64 len)
{
    for (u64 a = ROUNDDOWN(va, PAGE_SIZE); a < va + len; a += PAGE_SIZE) {
        u64 *pte = walk(pml4, a, 0, 0);
        if (!pte || !(*pte & PTE_P))
            continue;
        kfree(P2V(*pte & PTE_ADDR));
        *pte = 0;
        invlpg(a);
    }
}

static void free_table(u64 *table, int level)
{
    for (int i = 0; i < 512; i++) {
        if (!(table[i] & PTE_P))
            continue;
        u64 *next = P2V(table[i] & PTE_ADDR);
        if (level > 1)
            free_table(next, level - 1);
        else
            kfree(next);
    }
    kfree(table);
}

// Free the user half and the PML4 itself (not the shared kernel half).
void uvm_free(u64 *pml4)
{
    for (int i = 0; i < 256; i++)
        if (pml4[i] & PTE_P)
            free_table(P2V(pml4[i] & PTE_ADDR), 3);
    kfree(pml4);
}

// Copy into another address space through the direct map. 0 or -EFAULT.
int uvm_copyout(u64 *pml4, u64 va, const void *src, u64 len)
{
    const u8 *s = src;
    while (len > 0) {
        u64 *pte = walk(pml4, va, 0, 0);
        if (!pte || !(*pte & PTE_P))
            return -EFAULT;
        u64 off = va % PAGE_SIZE;
        u64 n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        memcpy((u8 *)P2V(*pte & PTE_ADDR) + off, s, n);
        s += n;
        va += n;
        len -= n;
    }
    return 0;
}

// Can the kernel read va without faulting? For following frame pointers
// through a stack that may be corrupted. Handles the 2 MiB direct map.
int kernel_address_mapped(u64 va)
{
    if (va < DIRECT_MAP || !kernel_pml4)    // (a panic before vm_init: no backtrace)
        return 0;
    u64 *table = kernel_pml4;
    for (int shift = 39; shift >= 12; shift -= 9) {
        u64 e = table[(va >> shift) & 511];
        if (!(e & PTE_P))
            return 0;
        if (shift == 12 || (e & PTE_PS))
            return 1;
        table = P2V(e & PTE_ADDR);
    }
    return 0;
}

// Kernel stacks: slot i of the vmalloc region holds a KSTACK_SIZE stack at its
// top; the pages below it in the slot stay unmapped, so running off the end of
// the stack touches a guard page and faults instead of silently overwriting
// whatever lies below. A freed slot keeps its pages and is reused as is: no
// other CPU can hold a stale TLB entry for pages that never change.
u64 vmalloc_stack(void)
{
    acquire(&vmalloc_lock);
    for (int i = 0; i < VMALLOC_SLOTS; i++) {
        if (vmalloc_used[i])
            continue;
        u64 top = VMALLOC_BASE + (u64)(i + 1) * VMALLOC_SLOT_SIZE;
        if (!vmalloc_mapped[i]) {
            for (u64 va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
                void *page = kalloc_zeroed();
                if (!page) {
                    release(&vmalloc_lock);
                    return 0;
                }
                map_kernel_page(va, V2P(page), PTE_W | PTE_NX);
            }
            vmalloc_mapped[i] = 1;
        }
        vmalloc_used[i] = 1;
        release(&vmalloc_lock);
        return top;
    }
    release(&vmalloc_lock);
    return 0;
}

void vfree_stack(u64 top)
{
    u64 slot = (top - VMALLOC_BASE) / VMALLOC_SLOT_SIZE - 1;
    acquire(&vmalloc_lock);
    vmalloc_used[slot] = 0;
    release(&vmalloc_lock);
}

// Is addr in the guard pages below a kernel stack? Then say which stack.
int stack_guard_hit(u64 addr, u64 *stack_lo, u64 *stack_hi)
{
    if (addr < VMALLOC_BASE || addr >= VMALLOC_BASE + (u64)VMALLOC_SLOTS * VMALLOC_SLOT_SIZE)
        return 0;
    u64 slot = (addr - VMALLOC_BASE) / VMALLOC_SLOT_SIZE;
    u64 top = VMALLOC_BASE + (slot + 1) * VMALLOC_SLOT_SIZE;
    if (!vmalloc_mapped[slot] || addr >= top - KSTACK_SIZE)
        return 0;
    *stack_lo = top - KSTACK_SIZE;
    *stack_hi = top;
    return 1;
}
