// The exception table: pairs (address of an instruction allowed to fault on a
// user address, where to continue if it does), emitted by uaccess.S into the
// __ex_table section, which the linker script brackets with these symbols.
// And the bug table of BUG() (bug.h), found the same way.
#include "defs.h"
#include "bug.h"

struct exception_table_entry {
    u64 insn;
    u64 fixup;
};

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

u64 search_exception_table(u64 rip)
{
    for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

extern const struct bug_entry __start___bug_table[], __stop___bug_table[];

const struct bug_entry *find_bug(u64 rip)
{
    for (const struct bug_entry *b = __start___bug_table; b < __stop___bug_table; b++)
        if (b->rip == rip)
            return b;
    return NULL;
}
