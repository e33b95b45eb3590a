// A lock-dependency validator in the spirit of Linux's lockdep.
//
// Locks initialised with the same name form a class. Whenever a CPU takes a
// lock of class B while holding one of class A, the edge A -> B ("A is taken
// before B") goes into a graph. A deadlock needs a cycle in the waits-for
// relation, which needs a cycle in this graph, so an acquisition that would
// close a cycle (B -> ... -> A already recorded) is reported at once, even if
// this run's timing never makes the CPUs actually wait for each other.
//
// Each task keeps the chain of locks it holds (a CPU's scheduler loop, which
// runs as no task, has its own). ptable_lock is the one lock that changes
// hands: a task takes it and switches to the scheduler, which releases it, and
// the other way round; sched.c moves it between chains at those switches with
// lockdep_handoff, as Linux does for its run-queue lock.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "lockdep.h"

int lockdep_enabled = 1;
struct lock_class lock_classes[LOCKDEP_MAX_CLASSES];
int lock_class_count;
struct lock_dependency lock_deps[LOCKDEP_MAX_CLASSES][LOCKDEP_MAX_CLASSES];

// The graph's own lock: a bare flag, not a struct spinlock, because spinlock.c
// calls in here and must not recurse.
static volatile u32 graph_lock;

static void graph_lock_take(void)
{
    while (__atomic_exchange_n(&graph_lock, 1, __ATOMIC_ACQUIRE))
        pause();
}

static void graph_lock_drop(void)
{
    __atomic_store_n(&graph_lock, 0, __ATOMIC_RELEASE);
}

int lockdep_class_lookup(const char *name)
{
    for (int i = 0; i < lock_class_count; i++)
        if (strcmp(lock_classes[i].name, name) == 0)
            return i;
    return -1;
}

int lockdep_register_class(const char *name)
{
    // Interrupts off while the graph lock is held: an interrupt handler
    // taking a spin lock on this CPU would wait for it forever.
    pushcli();
    graph_lock_take();
    int id = lockdep_class_lookup(name);
    if (id < 0 && lock_class_count < LOCKDEP_MAX_CLASSES) {
        id = lock_class_count++;
        lock_classes[id].name = name;
    }
    graph_lock_drop();
    popcli();
    return id;
}

int lockdep_find_path(int src, int dst, int *path, int max)
{
    int prev[LOCKDEP_MAX_CLASSES], queue[LOCKDEP_MAX_CLASSES];
    int head = 0, tail = 0;
    for (int i = 0; i < LOCKDEP_MAX_CLASSES; i++)
        prev[i] = -2;
    prev[src] = -1;
    queue[tail++] = src;
    while (head < tail) {
        int at = queue[head++];
        if (at == dst) {
            int n = 0, rev[LOCKDEP_MAX_CLASSES];
            for (int c = dst; c != -1; c = prev[c])
                rev[n++] = c;
            if (n > max)
                return 0;
            for (int i = 0; i < n; i++)
                path[i] = rev[n - 1 - i];
            return n;
        }
        for (int next = 0; next < lock_class_count; next++) {
            if (lock_deps[at][next].exists && prev[next] == -2) {
                prev[next] = at;
                queue[tail++] = next;
            }
        }
    }
    return 0;
}

static struct held_locks *held_chain(struct cpu *c)
{
    return c->proc ? &c->proc->held : &c->idle_held;
}

static const char *class_name(int id)
{
    return id >= 0 ? lock_classes[id].name : "?";
}

// Linux's words, so a student can compare with a real splat. held is the lock
// this CPU holds, lk the one it is trying to take; path runs from lk's class
// back to held's class through dependencies already recorded.
static void report_cycle(struct cpu *c, struct held_lock *held, struct spinlock *lk, u64 ip, int *path, int n)
{
    struct proc *p = c->proc;
    char at[96], at2[96];
    report_begin();
    kprintf("\n======================================================\n");
    kprintf("WARNING: possible circular locking dependency detected\n");
    kprintf("------------------------------------------------------\n");
    kprintf("%s/%d is trying to acquire lock:\n", p ? p->name : "swapper", p ? p->pid : 0);
    kprintf("%p (%s), at: %s\n\n", lk, lk->name, ksym_format_return(ip, at, sizeof(at)));
    kprintf("but task is already holding lock:\n");
    kprintf("%p (%s), at: %s\n\n", held->lock, held->lock->name, ksym_format_return(held->ip, at, sizeof(at)));
    kprintf("which lock already depends on the new lock.\n\n");
    kprintf("the existing dependency chain (in reverse order) is:\n");
    for (int i = n - 1; i > 0; i--) {
        struct lock_dependency *d = &lock_deps[path[i - 1]][path[i]];
        kprintf("\n-> #%d (%s):\n", i, class_name(path[i]));
        kprintf("       taken at %s by %s/%d\n", ksym_format_return(d->to_ip, at, sizeof(at)), d->comm, d->pid);
        kprintf("       while holding %s taken at %s\n", class_name(path[i - 1]),
                ksym_format_return(d->from_ip, at2, sizeof(at2)));
    }
    kprintf("\n-> #0 (%s):\n", lk->name);
    kprintf("       being taken at %s by %s/%d\n", ksym_format_return(ip, at, sizeof(at)), p ? p->name : "swapper",
            p ? p->pid : 0);
    kprintf("       while holding %s taken at %s\n", held->lock->name, ksym_format_return(held->ip, at2, sizeof(at2)));
    kprintf("\nother info that might help us debug this:\n\n");
    kprintf("Chain exists of:\n  ");
    for (int i = 0; i < n; i++)
        kprintf("%s --> ", class_name(path[i]));
    kprintf("%s\n\n", lk->name);
    kprintf(" Possible unsafe locking scenario:\n\n");
    kprintf("       CPU0                    CPU1\n");
    kprintf("       ----                    ----\n");
    kprintf("  lock(%s);\n", class_name(path[n - 1]));
    kprintf("                               lock(%s);\n", class_name(path[n - 2 >= 0 ? n - 2 : 0]));
    kprintf("                               lock(%s);\n", class_name(path[n - 1]));
    kprintf("  lock(%s);\n\n", lk->name);
    kprintf(" *** DEADLOCK ***\n\n");
    struct held_locks *chain = held_chain(c);
    kprintf("%d lock(s) held by %s/%d:\n", chain->n, p ? p->name : "swapper", p ? p->pid : 0);
    for (int i = 0; i < chain->n; i++)
        kprintf(" #%d: %p (%s), at: %s\n", i, chain->lock[i].lock, chain->lock[i].lock->name,
                ksym_format_return(chain->lock[i].ip, at, sizeof(at)));
    kprintf("\nstack backtrace:\n");
    print_backtrace((u64)__builtin_frame_address(0), 0);
    const char *text = report_end();
    trace1(TRACE_LOCKDEP, text, (u64)n);
}

// Called by acquire() with interrupts off, before it waits for the lock.
void lockdep_acquire(struct spinlock *lk, u64 ip)
{
    if (!lockdep_enabled)
        return;
    struct cpu *c = mycpu();
    struct held_locks *chain = held_chain(c);
    int to = lk->class_id;
    graph_lock_take();
    for (int i = 0; i < chain->n && lockdep_enabled; i++) {
        struct held_lock *h = &chain->lock[i];
        int from = h->lock->class_id;
        if (from < 0 || to < 0 || from == to || lock_deps[from][to].exists)
            continue;
        int path[LOCKDEP_MAX_CLASSES];
        int n = lockdep_find_path(to, from, path, LOCKDEP_MAX_CLASSES);
        if (n > 0) {
            // Like Linux, report the first problem only: after it the graph
            // describes a kernel already known to be wrong.
            lockdep_enabled = 0;
            graph_lock_drop();
            report_cycle(c, h, lk, ip, path, n);
            graph_lock_take();
            break;
        }
        struct lock_dependency *d = &lock_deps[from][to];
        d->from_ip = h->ip;
        d->to_ip = ip;
        d->pid = c->proc ? c->proc->pid : 0;
        strlcpy(d->comm, c->proc ? c->proc->name : "swapper", sizeof(d->comm));
        d->exists = 1;
    }
    graph_lock_drop();
    if (chain->n < MAX_HELD_LOCKS) {
        chain->lock[chain->n].lock = lk;
        chain->lock[chain->n].ip = ip;
        chain->n++;
    }
}

// Take lk out of a chain; returns where it had been taken, 0 if absent.
static u64 chain_remove(struct held_locks *chain, struct spinlock *lk)
{
    for (int i = chain->n - 1; i >= 0; i--) {
        if (chain->lock[i].lock == lk) {
            u64 ip = chain->lock[i].ip;
            for (int j = i; j + 1 < chain->n; j++)
                chain->lock[j] = chain->lock[j + 1];
            chain->n--;
            return ip;
        }
    }
    return 0;
}

void lockdep_release(struct spinlock *lk)
{
    chain_remove(held_chain(mycpu()), lk);
}

// lk, held, passes from one chain to another (sched.c, around swtch).
void lockdep_handoff(struct spinlock *lk, struct held_locks *from, struct held_locks *to)
{
    u64 ip = chain_remove(from, lk);
    if (ip && to->n < MAX_HELD_LOCKS) {
        to->lock[to->n].lock = lk;
        to->lock[to->n].ip = ip;
        to->n++;
    }
}
