// The scheduler: one loop per CPU, round robin over the task table, in the
// style of xv6. A task gives up the CPU by calling sched() with ptable_lock
// held, which switches to this CPU's scheduler loop; the loop picks the next
// runnable task and switches to it. The timer interrupt makes every task
// yield once per tick, which is what makes the scheduling preemptive.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "traps.h"

struct spinlock ptable_lock;
extern struct proc procs[NPROC];

static char timed_sleep;    // the channel of sleep_until()

static void trace_switch(struct cpu *c, struct proc *next)
{
    char idle[16];
    snprintf(idle, sizeof(idle), "swapper/%d", c->id);
    trace3(TRACE_SWITCH, next ? next->name : idle, c->last_pid, next ? (u64)next->pid : 0,
           next ? (u64)next->kthread : 0);
    c->last_pid = next ? (u64)next->pid : 0;
}

// Could p run on CPU c now? A timed sleeper whose time has come counts.
static int ready_here(struct proc *p, struct cpu *c)
{
    int ready = p->state == RUNNABLE ||
                (p->state == SLEEPING && p->chan == &timed_sleep && rdtsc() >= p->wake_time);
    return ready && (p->affinity < 0 || p->affinity == c->id);
}

void scheduler(void)
{
    struct cpu *c = mycpu();
    c->proc = NULL;
    for (;;) {
        // Look without the lock first, so that an idle CPU halts again after
        // each timer tick without touching ptable_lock. idle is set before
        // the look: a CPU that makes a task runnable after it sends the wakeup
        // IPI, which stays pending (interrupts are off) and ends the HLT. The
        // barrier keeps the look from passing the store to idle; its twin is
        // in kick_idle_cpus.
        c->idle = 1;
        smp_mb();
        int work = 0;
        for (int i = 0; i < NPROC && !work; i++)
            work = ready_here(&procs[i], c);
        if (!work) {
            if (c->last_pid != 0)
                trace_switch(c, NULL);
            sti_hlt();      // until the next timer tick or a wakeup IPI
            cli();
            continue;
        }
        c->idle = 0;
        acquire(&ptable_lock);
        for (int i = 0; i < NPROC; i++) {
            struct proc *p = &procs[i];
            if (!ready_here(p, c))
                continue;
            // Switch to the task's address space and kernel stack: RSP0 in
            // the TSS is where the CPU puts the frame of an interrupt from
            // user mode, kstack_top where syscall_entry moves RSP.
            c->proc = p;
            vm_switch(p->pml4);
            c->kstack_top = p->kstack + KSTACK_SIZE;
            c->tss.rsp[0] = c->kstack_top;
            p->state = RUNNING;
            if (c->last_pid != (u64)p->pid)
                trace_switch(c, p);
            // p releases ptable_lock when it resumes, and holds it again when
            // it switches back here.
            lockdep_handoff(&ptable_lock, &c->idle_held, &p->held);
            swtch(&c->scheduler, p->context);
            lockdep_handoff(&ptable_lock, &p->held, &c->idle_held);
            vm_switch(kernel_pml4);
            c->proc = NULL;
        }
        release(&ptable_lock);
    }
}

// Switch to the scheduler. The caller holds ptable_lock and nothing else and
// has changed its state. intena belongs to this task, not to the CPU, so it
// is saved across the switch.
void sched(void)
{
    struct proc *p = myproc();
    struct cpu *c = mycpu();
    if (!holding(&ptable_lock))
        panic("sched: ptable_lock not held");
    if (c->ncli != 1)
        panic("sched: %s/%d holds locks", p->name, p->pid);
    if (p->state == RUNNING)
        panic("sched: %s/%d still running", p->name, p->pid);
    if (read_rflags() & FL_IF)
        panic("sched: interruptible");
    int intena = c->intena;
    swtch(&p->context, c->scheduler);
    mycpu()->intena = intena;
}

void yield(void)
{
    acquire(&ptable_lock);
    myproc()->state = RUNNABLE;
    sched();
    release(&ptable_lock);
}

// Atomically release lk and sleep on chan; take lk again when woken.
void sleep(void *chan, struct spinlock *lk)
{
    struct proc *p = myproc();
    if (lk != &ptable_lock) {
        acquire(&ptable_lock);
        release(lk);
    }
    p->chan = chan;
    p->state = SLEEPING;
    sched();
    p->chan = NULL;
    if (lk != &ptable_lock) {
        release(&ptable_lock);
        acquire(lk);
    }
}

// Sleep until the virtual clock reaches when (or a signal arrives); the
// scheduler loops wake such sleepers.
void sleep_until(u64 when)
{
    struct proc *p = myproc();
    acquire(&ptable_lock);
    p->wake_time = when;
    p->chan = &timed_sleep;
    p->state = SLEEPING;
    sched();
    p->chan = NULL;
    release(&ptable_lock);
}

// Wake every task sleeping on chan. Caller holds ptable_lock.
void wakeup_locked(void *chan)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == SLEEPING && procs[i].chan == chan)
            procs[i].state = RUNNABLE;
}

// A task became runnable: send halted CPUs the wakeup IPI so that they look
// now rather than at their next timer tick.
void kick_idle_cpus(void)
{
    smp_mb();   // the new task state is visible before idle is read
    pushcli();
    struct cpu *me = mycpu();
    for (int i = 0; i < ncpu; i++)
        if (&cpus[i] != me && cpus[i].idle)
            lapic_send_ipi((u32)i, T_IPI_WAKEUP);
    popcli();
}

void wakeup(void *chan)
{
    acquire(&ptable_lock);
    wakeup_locked(chan);
    release(&ptable_lock);
    kick_idle_cpus();
}
