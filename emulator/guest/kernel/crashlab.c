// The crash lab: named kernel bugs that user programs trigger on purpose
// through ioctl(open("/dev/crashlab"), CRASHLAB_RUN, &req), in the spirit of
// Linux's LKDTM. Each trigger is a small, realistic piece of buggy (or, for
// the *_CHECKED ones, fixed) kernel code; what happens next is the rest of the
// kernel doing its job: fixups, oopses, the stack protector, the double-fault
// handler, lockdep, the watchdog.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "uaccess.h"
#include "bug.h"

struct widget {
    const char *name;
    u64 count;
};

static struct widget widgets[] = { { "gear", 3 }, { "spring", 7 } };

// Three locks for the ordering bugs, and the state of the threads using them.
static struct spinlock lock_A, lock_B, lock_C;
static struct spinlock *const cycle_locks[3] = { &lock_A, &lock_B, &lock_C };
static volatile int first_locks_held;   // LOCK_CYCLE: threads holding their first lock
static volatile int order_turn;         // LOCK_ORDER: whose turn it is
static volatile int threads_done;
static int threads_rendezvous;          // LOCK_CYCLE (1) or LOCK_ORDER (0)
static char threads_done_chan;

// Read-only data: .rodata is mapped without write permission.
static const u64 crashlab_limits[2] = { 16, 64 };

void crashlab_init(void)
{
    initlock(&lock_A, "lock_A");
    initlock(&lock_B, "lock_B");
    initlock(&lock_C, "lock_C");
}

// A list entry, as Linux's list_del leaves it: pointers poisoned with
// non-canonical addresses, so a use after deletion cannot quietly succeed.
#define LIST_POISON1 ((struct list_entry *)0xdead000000000100UL)
#define LIST_POISON2 ((struct list_entry *)0xdead000000000122UL)

struct list_entry {
    struct list_entry *next, *prev;
    u64 value;
};

static struct list_entry deleted_entry = { LIST_POISON1, LIST_POISON2, 0 };

// LEAK_KPTR: a "statistics" call that hands user space a kernel address: the
// pointer to the caller's task structure. Reading it from user mode faults
// (U/S = 0 in the kernel's page-table entries): SIGSEGV, nothing worse.
static long leak_kptr(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req;
    return put_user(&ureq->out, (u64)myproc());
}

static struct widget *__attribute__((noinline)) widget_lookup(const char *name)
{
    for (u64 i = 0; i < ARRAY_SIZE(widgets); i++)
        if (strcmp(widgets[i].name, name) == 0)
            return &widgets[i];
    return NULL;
}

// NULL_DEREF: the lookup fails and nobody checks. A kernel-mode read of
// address 0: page not present, no fixup: oops.
static long null_deref(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    struct widget *w = widget_lookup("flywheel");
    return (long)w->count;
}

// BAD_USER_PTR: copy_from_user from wherever the user said. An unmapped
// address faults inside copy_user_raw, which the exception table lists:
// -EFAULT, no oops.
static long bad_user_ptr(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)ureq;
    char buf[64];
    if (copy_from_user(buf, req->data, sizeof(buf)) < 0)
        return -EFAULT;
    return buf[0];
}

// STACK_SMASH: the length comes from the user and is not checked against
// the buffer: a long input runs over the canary, and the function's return
// ends in __stack_chk_fail.
static long __attribute__((noinline)) stack_smash(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)ureq;
    char buf[16];
    if (copy_from_user(buf, req->data, req->len) < 0)
        return -EFAULT;
    return buf[0];
}

// STACK_SMASH_CHECKED: the fixed version.
static long __attribute__((noinline)) stack_smash_checked(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)ureq;
    char buf[16];
    if (req->len > sizeof(buf))
        return -EINVAL;
    if (copy_from_user(buf, req->data, req->len) < 0)
        return -EFAULT;
    return buf[0];
}

// EXHAUST_STACK: recursion without a bound. Each frame takes about 300
// bytes; after about 50 of them the stack runs into its guard page.
static volatile int recursion_limit = 1 << 30;

static int __attribute__((noinline)) recurse(int depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth >= recursion_limit)
        return depth;
    return recurse(depth + 1) + frame[0];
}

static long exhaust_stack(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    return recurse(0);
}

// The lock-ordering threads T1, T2, T3: Ti takes lock i, then lock i+1
// (mod 3): A -> B, B -> C, C -> A. Together the three orders form a cycle.
static void lock_pair_thread(void *arg)
{
    int i = (int)(u64)arg;
    struct spinlock *first = cycle_locks[i], *second = cycle_locks[(i + 1) % 3];
    if (!threads_rendezvous) {
        // LOCK_ORDER: one thread after the other. Nothing ever waits, yet
        // the three orders are recorded, and T3's closes the cycle.
        while (order_turn != i)
            yield();
    }
    acquire(first);
    if (threads_rendezvous) {
        // LOCK_CYCLE: the unlucky timing. Each thread holds its first lock
        // before any takes its second: all three wait forever.
        __atomic_add_fetch(&first_locks_held, 1, __ATOMIC_ACQ_REL);
        while (first_locks_held < 3)
            pause();
    }
    acquire(second);
    release(second);
    release(first);
    order_turn = i + 1;
    __atomic_add_fetch(&threads_done, 1, __ATOMIC_ACQ_REL);
    wakeup(&threads_done_chan);
}

static long run_lock_threads(int rendezvous)
{
    threads_rendezvous = rendezvous;
    first_locks_held = 0;
    order_turn = 0;
    threads_done = 0;
    static const char *const names[3] = { "T1", "T2", "T3" };
    for (int i = 0; i < 3; i++)
        if (!kthread_create(lock_pair_thread, (void *)(u64)i, names[i], ncpu > 1 ? 1 + i % (ncpu - 1) : 0))
            return -EAGAIN;
    acquire(&ptable_lock);
    while (threads_done < 3)
        sleep(&threads_done_chan, &ptable_lock);
    release(&ptable_lock);
    return 0;
}

static long lock_cycle(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    return run_lock_threads(1);
}

static long lock_order(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    return run_lock_threads(0);
}

// SPINLOCK_RECURSION: T4 updates widget statistics under lock_B and, through
// a helper that "also needs the lock", takes lock_B again.
static void __attribute__((noinline)) widget_stats_add(struct widget *w)
{
    acquire(&lock_B);
    w->count++;
    release(&lock_B);
}

static void recursion_thread(void *arg)
{
    (void)arg;
    acquire(&lock_B);
    widget_stats_add(&widgets[0]);
    release(&lock_B);
    __atomic_add_fetch(&threads_done, 1, __ATOMIC_ACQ_REL);
    wakeup(&threads_done_chan);
}

static long spinlock_recursion(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    threads_done = 0;
    if (!kthread_create(recursion_thread, NULL, "T4", -1))
        return -EAGAIN;
    acquire(&ptable_lock);
    while (threads_done < 1)
        sleep(&threads_done_chan, &ptable_lock);
    release(&ptable_lock);
    return 0;
}

// WRITE_RO: write to const data. CR0.WP = 1 makes the read-only PTE bind the
// kernel too: a protection-violation page fault.
static long write_ro(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    *(volatile u64 *)&crashlab_limits[0] = 1 << 20;
    return (long)crashlab_limits[0];
}

// EXEC_USER: call a function pointer the user supplied. The code is in a
// user page: with CR4.SMEP the instruction fetch at CPL 0 faults.
static long exec_user(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)ureq;
    long (*fn)(void) = (long (*)(void))req->data;
    return fn();
}

// EXEC_DATA: jump into a data buffer that holds code (a lone RET). Kernel
// data pages have the NX bit: the instruction fetch faults (SDM 4.6.2).
static u8 data_code[16] = { 0xc3 };

static long exec_data(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    void (*fn)(void) = (void (*)(void))(void *)data_code;
    fn();
    return 0;
}

// ACCESS_USER: dereference a user pointer directly instead of through
// copy_from_user. With CR4.SMAP (and AC = 0) the access faults.
static long access_user(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)ureq;
    return (long)*(const volatile u64 *)req->data;
}

// BUG: an internal consistency check fails. BUG_ON's UD2 raises #UD in
// kernel mode: "kernel BUG at kernel/crashlab.c:N!", "invalid opcode" oops.
static long bug(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    struct widget *w = widget_lookup("gear");
    BUG_ON(w->count < 100);     // the invariant this code wrongly believes in
    return (long)w->count;
}

// DIVIDE_ERROR: an average over a count the user chose, unchecked: DIV by
// zero raises #DE (SDM Vol. 2B, DIV) in kernel mode: "divide error" oops.
static long divide_error(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)ureq;
    u64 total = widgets[0].count + widgets[1].count;
    return (long)(total / *(volatile u64 *)&req->len);
}

// LIST_POISON: following a deleted list entry's next pointer. The poison is
// a non-canonical address: the load raises #GP(0) rather than #PF (SDM 3.3.7.1),
// "general protection fault" oops.
static long list_poison(struct crashlab_req *req, struct crashlab_req *ureq)
{
    (void)req, (void)ureq;
    struct list_entry *volatile e = &deleted_entry;
    return (long)e->next->value;
}

struct trigger {
    const char *name;
    long (*run)(struct crashlab_req *req, struct crashlab_req *ureq);
};

static const struct trigger triggers[] = {
    { "LEAK_KPTR", leak_kptr },
    { "NULL_DEREF", null_deref },
    { "BAD_USER_PTR", bad_user_ptr },
    { "STACK_SMASH", stack_smash },
    { "STACK_SMASH_CHECKED", stack_smash_checked },
    { "EXHAUST_STACK", exhaust_stack },
    { "LOCK_CYCLE", lock_cycle },
    { "LOCK_ORDER", lock_order },
    { "SPINLOCK_RECURSION", spinlock_recursion },
    { "WRITE_RO", write_ro },
    { "EXEC_USER", exec_user },
    { "EXEC_DATA", exec_data },
    { "ACCESS_USER", access_user },
    { "BUG", bug },
    { "DIVIDE_ERROR", divide_error },
    { "LIST_POISON", list_poison },
};

long crashlab_ioctl(u64 cmd, u64 arg)
{
    if (cmd != CRASHLAB_RUN)
        return -ENOTTY;
    struct crashlab_req req;
    struct crashlab_req *ureq = (struct crashlab_req *)arg;
    if (copy_from_user(&req, ureq, sizeof(req)) < 0)
        return -EFAULT;
    char name[32];
    long len = strncpy_from_user(name, req.trigger, sizeof(name));
    if (len < 0)
        return len;
    for (u64 i = 0; i < ARRAY_SIZE(triggers); i++) {
        if (strcmp(triggers[i].name, name) == 0) {
            trace1(TRACE_CRASHLAB, name, (u64)mypid());
            kprintf("crashlab: %s/%d runs %s\n", myproc()->name, mypid(), name);
            return triggers[i].run(&req, ureq);
        }
    }
    return -EINVAL;
}
