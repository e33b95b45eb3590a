// BUG_ON(cond): a kernel assertion that stops with an oops. As on Linux the
// check compiles to a single UD2, an instruction defined to be undefined
// (#UD, SDM Vol. 2B, UD), plus an entry in the __bug_table section recording
// the file and line; the #UD handler (trap.c) finds the entry by RIP and says
// "kernel BUG at file:line!".
#ifndef BUG_H
#define BUG_H
#include "types.h"

struct bug_entry {
    u64 rip;
    const char *file;
    u64 line;
};

#define BUG()                                                                  \
    do {                                                                       \
        asm volatile("1: ud2\n\t"                                              \
                     ".pushsection __bug_table, \"a\"\n\t"                     \
                     ".balign 8\n\t"                                           \
                     ".quad 1b, %c0, %c1\n\t"                                  \
                     ".popsection"                                             \
                     :                                                         \
                     : "i"(__FILE__), "i"(__LINE__));                          \
        __builtin_unreachable();                                               \
    } while (0)

#define BUG_ON(cond)                                                           \
    do {                                                                       \
        if (cond)                                                              \
            BUG();                                                             \
    } while (0)

const struct bug_entry *find_bug(u64 rip);

#endif
