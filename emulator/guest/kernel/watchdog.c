// Soft-lockup watchdog.
//
// Every CPU's timer interrupt stamps that CPU's heartbeat. A CPU stuck in a
// loop with interrupts off (spinning on a lock that will never be released:
// a deadlock) takes no timer interrupt, so its heartbeat stops; the timer
// interrupt of any other CPU notices the stale stamp and reports it. The
// panic that follows stops the stuck CPU with an NMI, which interrupts even a
// CPU with interrupts off, and has it print where it was spinning.
#include "defs.h"
#include "x86.h"
#include "proc.h"

static volatile int lockup_reported;

// Called from the timer interrupt on every CPU, interrupts off.
void watchdog_tick(void)
{
    struct cpu *me = mycpu();
    u64 now = rdtsc();
    me->heartbeat = now;
    if (!kconfig.watchdog || panicking || lockup_reported)
        return;
    u64 threshold = ms_to_ticks(WATCHDOG_THRESHOLD_MS);
    for (int i = 0; i < ncpu; i++) {
        struct cpu *c = &cpus[i];
        u64 beat = c->heartbeat;
        if (c == me || !c->started || beat == 0 || now < beat || now - beat < threshold)
            continue;
        if (__atomic_exchange_n(&lockup_reported, 1, __ATOMIC_ACQ_REL))
            return;
        u64 stuck = now - beat;
        struct proc *p = c->proc;
        char msg[160];
        snprintf(msg, sizeof(msg), "watchdog: BUG: soft lockup - CPU#%d stuck for %lums! [%s:%d]", c->id,
                 stuck / ms_to_ticks(1), p ? p->name : "swapper", p ? p->pid : 0);
        trace2(TRACE_WATCHDOG, msg, (u64)c->id, stuck);
        report_begin();
        kprintf("%s\n", msg);
        struct spinlock *lk = c->spinning_on;
        if (lk) {
            char at[96];
            kprintf("CPU#%d is spinning on %s, held by CPU#%d (taken at %s)\n", c->id, lk->name,
                    lk->cpu ? lk->cpu->id : -1, ksym_format_return(lk->owner_ip, at, sizeof(at)));
        }
        kprintf("detected by CPU#%d\n", me->id);
        report_end();
        panic("softlockup: hung tasks");
    }
}
