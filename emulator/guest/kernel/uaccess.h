// access_ok: may a system call touch [addr, addr + n) on the user's behalf?
// Only if the whole range lies below USER_TOP, computed without overflow: a
// huge n must not wrap around to a small end address. Whether the pages are
// mapped is not checked here; the accessors' exception-table fixups catch that.
#ifndef UACCESS_H
#define UACCESS_H
#include "types.h"
#include "mmu.h"

static inline int access_ok(u64 addr, u64 n)
{
    return n <= USER_TOP && addr <= USER_TOP - n;
}

#endif
