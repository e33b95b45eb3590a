// Tracepoints: what only the kernel knows, posted to the machine through the
// trace port (GUEST-INTERFACE.md, "Trace records"). The kernel writes a record
// into memory and OUTs its physical address to port 0x500; the machine copies
// it during that OUT, so one per-CPU buffer is enough.
#ifndef TRACE_H
#define TRACE_H
#include "types.h"

enum trace_type {
    TRACE_SYSCALL_ENTER = 1,    // a0 nr, a1-a5 args            text: syscall name
    TRACE_SYSCALL_EXIT = 2,     // a0 nr, a1 result             text: syscall name
    TRACE_SWITCH = 3,           // a0 prev pid, a1 next pid, a2 next is a kernel thread
    TRACE_TASK_CREATE = 4,      // a0 pid, a1 parent pid, a2 kernel thread
    TRACE_TASK_EXIT = 5,        // a0 pid, a1 status (or 128+signal)
    TRACE_SIGNAL_GENERATE = 6,  // a0 pid, a1 signal, a2 fault address   text: reason
    TRACE_SIGNAL_DELIVER = 7,   // a0 pid, a1 signal, a2 handler, a3 frame, a4 on altstack
    TRACE_SIGNAL_FORCE = 8,     // a0 pid, a1 signal            text: why no frame
    TRACE_LOCK_ACQUIRE = 9,     // a0 lock, a1 class id         text: lock name
    TRACE_LOCK_CONTENDED = 10,  // a0 lock, a1 holder CPU
    TRACE_LOCK_ACQUIRED = 11,   // a0 lock
    TRACE_LOCK_RELEASE = 12,    // a0 lock
    TRACE_LOCKDEP = 13,         // a0 locks in the cycle        text: the report
    TRACE_SPINLOCK_RECURSION = 14, // a0 lock, a1 owner CPU
    TRACE_OOPS = 15,            // a0 vector, a1 error code, a2 address, a3 RIP   text: oops
    TRACE_PANIC = 16,           // a0 CPU                       text: message
    TRACE_WATCHDOG = 17,        // a0 stuck CPU, a1 ticks stuck text: message
    TRACE_FIXUP = 18,           // a0 faulting RIP, a1 fixup RIP, a2 address
    TRACE_STACK_PROTECTOR = 19, // a0 return address            text: function
    TRACE_DOUBLE_FAULT = 20,    // a0 RSP at the fault, a1 CR2  text: message
    TRACE_CRASHLAB = 21,        // a0 pid                       text: trigger
    TRACE_MARK = 22,            // free                         text: free
};

#define TRACE_HEADER_SIZE 56
#define TRACE_MAX_SIZE 4096

struct trace_record {
    u16 type;
    u16 size;       // header + text bytes
    u32 pid;
    u64 a[6];
    char text[TRACE_MAX_SIZE - TRACE_HEADER_SIZE];
} __attribute__((aligned(4096)));

_Static_assert(__builtin_offsetof(struct trace_record, text) == TRACE_HEADER_SIZE, "trace layout");

// Post a record; text may be NULL. Safe with interrupts on or off, in any context
// that knows its CPU.
void trace(enum trace_type type, const char *text, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

#define trace0(type, text) trace(type, text, 0, 0, 0, 0, 0, 0)
#define trace1(type, text, a0) trace(type, text, a0, 0, 0, 0, 0, 0)
#define trace2(type, text, a0, a1) trace(type, text, a0, a1, 0, 0, 0, 0)
#define trace3(type, text, a0, a1, a2) trace(type, text, a0, a1, a2, 0, 0, 0)
#define trace4(type, text, a0, a1, a2, a3) trace(type, text, a0, a1, a2, a3, 0, 0)

#endif
