// Console output on the 16550 UART (COM1), and reports: the texts the kernel
// prints when something went wrong (oops, panic, lockdep, watchdog), which are
// also captured so they can travel in a trace record.
#include "defs.h"
#include "x86.h"
#include "ports.h"
#include "proc.h"

static struct spinlock console_lock;

// Reports are printed by one CPU at a time and bypass console_lock: the CPU
// reporting may hold it, or be in a state (NMI, double fault, a held lock
// being the bug) where taking a lock is the wrong thing to do.
static volatile int report_cpu = -1;
static int report_depth;
static char report_text[3840];
static size_t report_len;

void console_init(void)
{
    initlock(&console_lock, "console_lock");
    outb(PORT_COM1 + 1, 0x00);     // no UART interrupts: we poll
    outb(PORT_COM1 + 3, 0x03);     // 8 data bits, no parity, one stop bit
}

static void uart_putc(char c)
{
    while (!(inb(PORT_COM1 + UART_LSR) & UART_LSR_THR_EMPTY))
        pause();
    outb(PORT_COM1, (u8)c);
}

static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

void console_write(const char *s, size_t n)
{
    if (report_cpu == (int)lapic_id()) {
        uart_write(s, n);
        for (size_t i = 0; i < n && report_len + 1 < sizeof(report_text); i++)
            report_text[report_len++] = s[i];
        return;
    }
    if (panicking) {
        uart_write(s, n);
        return;
    }
    acquire(&console_lock);
    uart_write(s, n);
    release(&console_lock);
}

// fd 0: bytes typed on the serial line. Polls the line status register, and
// sleeps a millisecond between polls: there is no UART interrupt.
int console_read(char *buf, size_t n)
{
    size_t got = 0;
    while (got == 0) {
        while (got < n && (inb(PORT_COM1 + UART_LSR) & UART_LSR_DATA_READY)) {
            char c = (char)inb(PORT_COM1);
            buf[got++] = c == '\r' ? '\n' : c;
            if (c == '\r' || c == '\n')
                return (int)got;
        }
        if (got == 0) {
            if (signal_pending(myproc()))
                return -EINTR;
            sleep_until(rdtsc() + ms_to_ticks(1));
        }
    }
    return (int)got;
}

int kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

// Start capturing this CPU's output (reports nest: an oops may end in panic).
// Waits, for a bounded time, for another CPU's report to end.
void report_begin(void)
{
    int me = (int)lapic_id();
    if (report_cpu == me) {
        report_depth++;
        return;
    }
    for (u64 spins = 0; spins < 10000000; spins++) {
        if (__sync_bool_compare_and_swap(&report_cpu, -1, me))
            break;
        pause();
    }
    report_cpu = me;
    report_depth = 1;
    report_len = 0;
}

// The text captured since the outermost report_begin; valid until the next
// report. Ends the capture when the outermost report ends.
const char *report_end(void)
{
    report_text[report_len] = 0;
    if (--report_depth == 0)
        __atomic_store_n(&report_cpu, -1, __ATOMIC_RELEASE);
    return report_text;
}
