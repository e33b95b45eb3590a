// The kernel's own symbol table, for "function+0xoff/0xsize" in reports.
//
// build.sh links the kernel twice: the first link has an empty table; nm of
// that kernel becomes ksyms.S (address, size, name of every function and data
// object), which the second link places in .ksyms, after everything else, so
// no other address moves (build.sh checks that).
#include "defs.h"
#include "mmu.h"

struct ksym {
    u64 addr;
    u64 size;
    u64 name;           // offset in ksym_names
};

extern const struct ksym ksym_table[];
extern const u64 ksym_count;
extern const char ksym_names[];

// The symbol containing addr: the last one starting at or below it, if addr
// lies within its size (or before the next symbol, for a symbol of size 0).
int ksym_lookup(u64 addr, const char **name, u64 *offset, u64 *size)
{
    u64 lo = 0, hi = ksym_count;
    while (lo < hi) {
        u64 mid = (lo + hi) / 2;
        if (ksym_table[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const struct ksym *s = &ksym_table[lo - 1];
    u64 end = s->size ? s->addr + s->size : (lo < ksym_count ? ksym_table[lo].addr : s->addr + 1);
    if (addr >= end)
        return 0;
    *name = &ksym_names[s->name];
    *offset = addr - s->addr;
    *size = s->size;
    return 1;
}

// "name+0xoff/0xsize", or the bare address when no symbol contains it.
const char *ksym_format(u64 addr, char *buf, size_t size)
{
    const char *name;
    u64 off, len;
    if (ksym_lookup(addr, &name, &off, &len))
        snprintf(buf, size, "%s+0x%lx/0x%lx", name, off, len);
    else
        snprintf(buf, size, "0x%016lx", addr);
    return buf;
}

// Like ksym_format for a return address: a call to a function that never
// returns may be the last instruction of its caller, so the return address can
// lie just past the caller's end. Look up the call instruction's last byte
// instead (Linux's %pB does the same).
const char *ksym_format_return(u64 ret, char *buf, size_t size)
{
    const char *name;
    u64 off, len;
    if (ksym_lookup(ret - 1, &name, &off, &len))
        snprintf(buf, size, "%s+0x%lx/0x%lx", name, off + 1, len);
    else
        snprintf(buf, size, "0x%016lx", ret);
    return buf;
}

// Walk the frame-pointer chain: with -fno-omit-frame-pointer every function
// starts with push %rbp; mov %rsp,%rbp, so [rbp] is the caller's rbp and
// [rbp+8] the return address into the caller. A frame pointer is followed only
// if it lies in mapped kernel memory: a corrupted stack must not fault here.
// at_rsp, if it is a return address, comes first, marked "?" as Linux marks
// addresses found on the stack rather than through the frame chain.
void print_backtrace(u64 rbp, u64 at_rsp)
{
    char buf[96];
    const char *name;
    u64 off, len;
    kprintf("Call Trace:\n <TASK>\n");
    if (at_rsp && ksym_lookup(at_rsp - 1, &name, &off, &len))
        kprintf("  ? %s\n", ksym_format_return(at_rsp, buf, sizeof(buf)));
    for (int depth = 0; depth < 24 && rbp; depth++) {
        if ((rbp & 7) || !kernel_address_mapped(rbp) || !kernel_address_mapped(rbp + 15))
            break;
        u64 ret = ((u64 *)rbp)[1];
        if (!ksym_lookup(ret - 1, &name, &off, &len))
            break;
        kprintf("  %s\n", ksym_format_return(ret, buf, sizeof(buf)));
        u64 next = ((u64 *)rbp)[0];
        if (next <= rbp)
            break;
        rbp = next;
    }
    kprintf(" </TASK>\n");
}
