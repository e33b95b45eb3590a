// mmap/munmap of anonymous memory, in the process's mmap region.
#include "defs.h"
#include "proc.h"
#include "uaccess.h"

#define MMAP_MAX (64UL << 20)   // one mapping: at most 64 MiB

// mmap(addr, len, prot, flags, fd, off): only MAP_PRIVATE|MAP_ANONYMOUS with
// fd = -1; addr is a hint we ignore. Pages are zeroed and mapped at once.
long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, u64 fd, u64 off)
{
    (void)addr;
    struct proc *p = myproc();
    if (len == 0 || len > MMAP_MAX)
        return -EINVAL;
    // prot, flags and fd are C ints: only the low 32 bits of their registers
    // are defined.
    if ((u32)flags != (MAP_PRIVATE | MAP_ANONYMOUS) || (int)fd != -1 || off != 0)
        return -EINVAL;
    prot = (u32)prot;
    if (prot & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    len = ROUNDUP(len, PAGE_SIZE);
    if (p->mmap_next + len > MMAP_END)
        return -ENOMEM;
    u64 va = p->mmap_next;
    u64 pte = PTE_U | ((prot & PROT_WRITE) ? PTE_W : 0) | ((prot & PROT_EXEC) ? 0 : PTE_NX);
    // PROT_NONE: leave the range reserved but unmapped, so it faults.
    if (prot != PROT_NONE && uvm_alloc(p->pml4, va, len, pte) < 0) {
        uvm_unmap(p->pml4, va, len);
        return -ENOMEM;
    }
    p->mmap_next += len + PAGE_SIZE;    // an unmapped page between mappings
    return (long)va;
}

long sys_munmap(u64 addr, u64 len)
{
    struct proc *p = myproc();
    if (addr % PAGE_SIZE || len == 0 || len > MMAP_MAX)
        return -EINVAL;
    len = ROUNDUP(len, PAGE_SIZE);
    if (addr < MMAP_BASE || !access_ok(addr, len) || addr + len > MMAP_END)
        return -EINVAL;
    uvm_unmap(p->pml4, addr, len);
    return 0;
}
