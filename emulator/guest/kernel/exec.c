// Loading an initrd program (a static ELF64 executable) into a new process.
// Every field of the file is checked before it is used: the program comes
// from the initrd, but the loader should not care.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "uaccess.h"

struct elf64_header {
    u8 ident[16];           // "\x7fELF", class, data, version...
    u16 type;
    u16 machine;
    u32 version;
    u64 entry;
    u64 phoff;
    u64 shoff;
    u32 flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    u32 type;
    u32 flags;
    u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define ELF_PF_X 1   // p_flags: executable
#define ELF_PF_W 2   // p_flags: writable

// Lowest address a program may use: page 0 stays unmapped so that a NULL
// pointer dereference faults.
#define USER_MIN 0x10000UL

static int load_segment(u64 *pml4, const u8 *file, u64 size, const struct elf64_phdr *ph)
{
    if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset)
        return -ENOEXEC;
    if (ph->vaddr < USER_MIN || ph->memsz > MMAP_BASE || ph->vaddr > MMAP_BASE - ph->memsz)
        return -ENOEXEC;
    u64 pte = PTE_U | ((ph->flags & ELF_PF_W) ? PTE_W : 0) | ((ph->flags & ELF_PF_X) ? 0 : PTE_NX);
    if (uvm_alloc(pml4, ph->vaddr, ph->memsz, pte) < 0)
        return -ENOMEM;
    return uvm_copyout(pml4, ph->vaddr, file + ph->offset, ph->filesz);
}

// The initial stack: argument strings at the top, then the argv array, with
// RSP 16-byte aligned at _start; RDI = argc and RSI = argv (crt0.S).
static int setup_stack(struct proc *p, int argc, char *const argv[])
{
    if (uvm_alloc(p->pml4, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PTE_U | PTE_W | PTE_NX) < 0)
        return -ENOMEM;
    u64 sp = USER_STACK_TOP;
    u64 uargv[MAXARG + 1];
    for (int i = argc - 1; i >= 0; i--) {
        u64 len = strlen(argv[i]) + 1;
        sp -= len;
        if (uvm_copyout(p->pml4, sp, argv[i], len) < 0)
            return -EFAULT;
        uargv[i] = sp;
    }
    uargv[argc] = 0;
    sp = ROUNDDOWN(sp - (u64)(argc + 1) * 8, 16);
    if (uvm_copyout(p->pml4, sp, uargv, (u64)(argc + 1) * 8) < 0)
        return -EFAULT;
    p->tf->rsp = sp;
    p->tf->rdi = (u64)argc;
    p->tf->rsi = sp;
    return 0;
}

int load_program(struct proc *p, const char *path, int argc, char *const argv[])
{
    const u8 *file;
    u64 size;
    if (argc > MAXARG)
        return -E2BIG;
    if (initrd_find(path, &file, &size) < 0)
        return -ENOENT;
    const struct elf64_header *eh = (const struct elf64_header *)file;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\x7f" "ELF", 4) != 0 || eh->ident[4] != ELFCLASS64 ||
        eh->ident[5] != ELFDATA2LSB || eh->type != ET_EXEC || eh->machine != EM_X86_64 ||
        eh->phentsize != sizeof(struct elf64_phdr) || eh->phoff > size ||
        (u64)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff || eh->entry >= USER_TOP)
        return -ENOEXEC;
    const struct elf64_phdr *ph = (const struct elf64_phdr *)(file + eh->phoff);
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        int err = load_segment(p->pml4, file, size, &ph[i]);
        if (err < 0)
            return err;
    }
    int err = setup_stack(p, argc, argv);
    if (err < 0)
        return err;
    p->tf->rip = eh->entry;
    p->tf->cs = USER_CS;
    p->tf->ss = USER_DS;
    p->tf->rflags = FL_IF | 0x2;    // bit 1 is always 1
    return 0;
}
