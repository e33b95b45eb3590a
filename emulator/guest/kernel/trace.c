// Posting a trace record: fill this CPU's record buffer, then OUT its physical
// address to the trace port. The machine copies the record during the OUT, so
// the buffer is free again when outl returns.
#include "defs.h"
#include "x86.h"
#include "ports.h"
#include "proc.h"

void trace(enum trace_type type, const char *text, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    u64 rflags = read_rflags();
    cli();          // an interrupt handler on this CPU would reuse the buffer
    struct cpu *c = this_cpu();
    struct trace_record *r = &c->trace_buf;
    size_t n = text ? strnlen(text, sizeof(r->text)) : 0;
    r->type = (u16)type;
    r->size = (u16)(TRACE_HEADER_SIZE + n);
    r->pid = c->proc ? (u32)c->proc->pid : 0;
    r->a[0] = a0;
    r->a[1] = a1;
    r->a[2] = a2;
    r->a[3] = a3;
    r->a[4] = a4;
    r->a[5] = a5;
    memcpy(r->text, text, n);
    outl(PORT_TRACE, (u32)KIMG_V2P(r));
    if (rflags & FL_IF)
        sti();
}
