// What the kernel files under test call, for a host process: spin locks
// without a CPU, printing to stdout, a panic that ends the test.
#include "defs.h"
#include "spinlock.h"
#include "trace.h"

int printf(const char *fmt, ...);
void exit(int status) __attribute__((noreturn));

void initlock(struct spinlock *lk, const char *name)
{
    lk->locked = 0;
    lk->name = name;
}

void acquire(struct spinlock *lk)
{
    if (lk->locked)
        panic("acquire: %s already held", lk->name);
    lk->locked = 1;
}

void release(struct spinlock *lk)
{
    lk->locked = 0;
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("panic: %s\n", buf);
    exit(2);
}

int kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("%s", buf);
    return n;
}

void report_begin(void) {}
const char *report_end(void) { return ""; }
void print_backtrace(u64 rbp, u64 at_rsp) { (void)rbp, (void)at_rsp; }
void trace(enum trace_type type, const char *text, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    (void)type, (void)text, (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
}
const char *ksym_format_return(u64 ret, char *buf, size_t size)
{
    snprintf(buf, size, "0x%lx", ret);
    return buf;
}

void pushcli(void) {}
void popcli(void) {}
