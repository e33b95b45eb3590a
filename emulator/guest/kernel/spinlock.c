// Mutual exclusion spin locks, in the style of xv6.
//
// A spin lock is held with interrupts off on the holding CPU: an interrupt
// handler that wanted the same lock would otherwise spin forever on a CPU
// whose holder cannot run. pushcli/popcli count nested "interrupts off".
//
// Each lock records its holder (CPU, task, where it was taken), so that taking
// a lock this CPU already holds is caught as the bug it is instead of spinning
// forever, and every step is posted as a trace record for the lock lanes.
#include "defs.h"
#include "x86.h"
#include "proc.h"

void initlock(struct spinlock *lk, const char *name)
{
    lk->locked = 0;
    lk->name = name;
    lk->class_id = lockdep_register_class(name);
    lk->cpu = NULL;
    lk->owner_pid = 0;
    lk->owner_ip = 0;
}

// Does this CPU hold the lock? Interrupts must be off.
int holding(struct spinlock *lk)
{
    return lk->locked && lk->cpu == mycpu();
}

// A non-recursive lock taken twice by the same CPU can never be released:
// the second acquire would wait for itself. Say so, and stop.
static void __attribute__((noreturn)) spinlock_recursion(struct spinlock *lk, u64 ip)
{
    struct cpu *c = mycpu();
    struct proc *p = c->proc;
    char at[96], owner_at[96];
    trace2(TRACE_SPINLOCK_RECURSION, lk->name, (u64)lk, (u64)c->id);
    report_begin();
    kprintf("BUG: spinlock recursion on CPU#%d, %s/%d\n", c->id, p ? p->name : "swapper", p ? p->pid : 0);
    kprintf(" lock: %s (%p), .owner: %s/%d, .owner_cpu: %d\n", lk->name, lk, p ? p->name : "swapper",
            lk->owner_pid, lk->cpu ? lk->cpu->id : -1);
    kprintf(" first taken at: %s\n", ksym_format_return(lk->owner_ip, owner_at, sizeof(owner_at)));
    kprintf(" taken again at: %s\n", ksym_format_return(ip, at, sizeof(at)));
    report_end();
    panic("spinlock recursion: %s", lk->name);
}

void acquire(struct spinlock *lk)
{
    pushcli();
    struct cpu *c = mycpu();
    u64 ip = (u64)__builtin_return_address(0);
    if (holding(lk))
        spinlock_recursion(lk, ip);
    lockdep_acquire(lk, ip);
    trace2(TRACE_LOCK_ACQUIRE, lk->name, (u64)lk, (u64)lk->class_id);

    // __atomic_exchange_n is XCHG with a memory operand, which the CPU always
    // executes as a locked read-modify-write (SDM Vol. 2B, XCHG): exactly one
    // CPU sees the 0 -> 1 transition.
    if (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0) {
        struct cpu *holder = lk->cpu;
        trace2(TRACE_LOCK_CONTENDED, lk->name, (u64)lk, holder ? (u64)holder->id : (u64)-1);
        c->spinning_on = lk;
        do {
            // Spin on a plain read (no bus lock) until the lock looks free;
            // PAUSE tells the CPU this is a spin-wait loop.
            while (lk->locked)
                pause();
        } while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0);
        c->spinning_on = NULL;
    }
    lk->cpu = c;
    lk->owner_pid = c->proc ? c->proc->pid : 0;
    lk->owner_ip = ip;
    trace1(TRACE_LOCK_ACQUIRED, lk->name, (u64)lk);
}

void release(struct spinlock *lk)
{
    if (!holding(lk))
        panic("release: %s not held by this CPU", lk->name);
    trace1(TRACE_LOCK_RELEASE, lk->name, (u64)lk);
    lockdep_release(lk);
    lk->cpu = NULL;
    lk->owner_pid = 0;
    lk->owner_ip = 0;
    // A release store: x86 keeps stores in order (SDM 9.2.2), so every write
    // made inside the critical section is visible before the lock reads 0.
    __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
    popcli();
}

// pushcli/popcli are like cli/sti except that they nest: two pushcli need two
// popcli to turn interrupts back on, and if they were off to begin with they
// stay off.
void pushcli(void)
{
    u64 rflags = read_rflags();
    cli();
    struct cpu *c = mycpu();
    if (c->ncli == 0)
        c->intena = (rflags & FL_IF) != 0;
    c->ncli++;
}

void popcli(void)
{
    if (read_rflags() & FL_IF)
        panic("popcli: interrupts are on");
    struct cpu *c = mycpu();
    if (--c->ncli < 0)
        panic("popcli: not pushed");
    if (c->ncli == 0 && c->intena)
        sti();
}
