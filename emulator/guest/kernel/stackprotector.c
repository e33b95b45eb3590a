// Stack protector support. gcc -fstack-protector-strong, with
// -mstack-protector-guard=global, makes every function that has a local array
// (or a local whose address escapes) copy __stack_chk_guard into its frame
// between the locals and the saved RBP/return address, and compare it before
// returning. An overflow of a local buffer must run over that canary to reach
// the return address, so a mismatch means the stack was overwritten: the
// function calls __stack_chk_fail instead of returning through a corrupted
// frame. boot.S mixes the clock into the guard before the first protected call.
//
// This file is built with -fno-stack-protector.
#include "defs.h"
#include "trace.h"

u64 __stack_chk_guard = 0x595e9fbd94fda700UL;

// The return address points into the function whose canary was wrong.
void __attribute__((noreturn)) __stack_chk_fail(void)
{
    u64 ret = (u64)__builtin_return_address(0);
    const char *name = "?";
    u64 off, size;
    ksym_lookup(ret - 1, &name, &off, &size);
    trace1(TRACE_STACK_PROTECTOR, name, ret);
    char where[96];
    panic("stack-protector: Kernel stack is corrupted in: %s", ksym_format_return(ret, where, sizeof(where)));
}
