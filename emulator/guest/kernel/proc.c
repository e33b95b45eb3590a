// Tasks: user processes and kernel threads. Creation, exit, wait, kill.
//
// A task's kernel stack (with its guard page, vm.c) holds, at the top, the
// trapframe of its user registers, and below it the context swtch() resumes.
// A new task's context starts at process_start (a user process: it returns
// into trapret, which "returns" to user mode with the registers exec.c
// prepared) or at kthread_start.
#include "defs.h"
#include "x86.h"
#include "proc.h"

struct proc procs[NPROC];
struct proc *initproc;
static int nextpid = 1;

extern void trapret(void);

static void process_start(void)
{
    // The scheduler took ptable_lock before switching here.
    release(&ptable_lock);
}

static void kthread_start(void)
{
    release(&ptable_lock);
    struct proc *p = myproc();
    p->kfn(p->karg);
    proc_exit(0);
}

static const char *basename(const char *path)
{
    const char *slash = path;
    for (const char *s = path; *s; s++)
        if (*s == '/')
            slash = s + 1;
    return slash;
}

// An EMBRYO task with a kernel stack laid out for its first swtch.
static struct proc *allocproc(const char *name, int kthread)
{
    acquire(&ptable_lock);
    struct proc *p = NULL;
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].state == UNUSED) {
            p = &procs[i];
            break;
        }
    }
    if (!p) {
        release(&ptable_lock);
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->state = EMBRYO;
    p->pid = nextpid++;
    release(&ptable_lock);

    u64 top = vmalloc_stack();
    if (!top) {
        p->state = UNUSED;
        return NULL;
    }
    strlcpy(p->name, basename(name), sizeof(p->name));
    p->kthread = kthread;
    p->affinity = -1;
    p->kstack = top - KSTACK_SIZE;
    u64 sp = top - sizeof(struct trapframe);
    p->tf = (struct trapframe *)sp;
    memset(p->tf, 0, sizeof(*p->tf));
    // The word above the context is where process_start returns to: trapret
    // for a process; 0 for a kernel thread, which never returns (and a zero
    // return address ends backtraces).
    sp -= 8;
    *(u64 *)sp = kthread ? 0 : (u64)trapret;
    sp -= sizeof(struct context);
    p->context = (struct context *)sp;
    memset(p->context, 0, sizeof(*p->context));
    p->context->rip = kthread ? (u64)kthread_start : (u64)process_start;
    return p;
}

// Free a dead task's address space and kernel stack, without ptable_lock:
// tearing down a large address space takes a while, and holding a spin lock
// (interrupts off) that long would look like a lockup to the watchdog.
static void free_task_memory(u64 *pml4, u64 kstack)
{
    if (pml4 && pml4 != kernel_pml4)
        uvm_free(pml4);
    vfree_stack(kstack + KSTACK_SIZE);
}

static void make_runnable(struct proc *p)
{
    acquire(&ptable_lock);
    p->state = RUNNABLE;
    release(&ptable_lock);
    kick_idle_cpus();
}

void proc_init(void)
{
    initlock(&ptable_lock, "ptable_lock");
}

// A kernel thread running fn(arg), on CPU cpu (or anywhere if cpu < 0).
struct proc *kthread_create(void (*fn)(void *), void *arg, const char *name, int cpu)
{
    struct proc *p = allocproc(name, 1);
    if (!p)
        return NULL;
    p->pml4 = kernel_pml4;
    p->kfn = fn;
    p->karg = arg;
    p->affinity = cpu;
    p->parent = initproc;   // init reaps kernel threads, like Linux's kthreadd children
    struct proc *cur = myproc();
    trace3(TRACE_TASK_CREATE, p->name, (u64)p->pid, cur ? (u64)cur->pid : 0, 1);
    make_runnable(p);
    return p;
}

// A new process running the initrd program path with argv. Returns its pid.
int spawn(const char *path, int argc, char *const argv[])
{
    struct proc *p = allocproc(path, 0);
    if (!p)
        return -EAGAIN;
    p->pml4 = uvm_create();
    int err = p->pml4 ? load_program(p, path, argc, argv) : -ENOMEM;
    if (err < 0) {
        free_task_memory(p->pml4, p->kstack);
        acquire(&ptable_lock);
        p->state = UNUSED;
        release(&ptable_lock);
        return err;
    }
    p->mmap_next = MMAP_BASE;
    fd_init_console(p);
    struct proc *cur = myproc();
    p->parent = cur;
    if (!initproc)
        initproc = p;
    trace3(TRACE_TASK_CREATE, p->name, (u64)p->pid, cur ? (u64)cur->pid : 0, 0);
    make_runnable(p);
    return p->pid;
}

// End the calling task. wait_status in wait()'s encoding: exit code << 8, or
// the number of the signal that killed it.
void proc_exit(int wait_status)
{
    struct proc *p = myproc();
    int sig = wait_status & 0x7f;
    int code = sig ? 128 + sig : (wait_status >> 8) & 0xff;
    trace2(TRACE_TASK_EXIT, p->name, (u64)p->pid, (u64)code);
    if (p == initproc) {
        kprintf("init exited with status %d: shutting down\n", code);
        power_off();
    }
    acquire(&ptable_lock);
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].parent == p) {
            procs[i].parent = initproc;
            if (procs[i].state == ZOMBIE)
                wakeup_locked(initproc);
        }
    }
    if (p->parent)
        wakeup_locked(p->parent);
    p->wait_status = wait_status;
    p->state = ZOMBIE;
    sched();
    panic("zombie exit");
}

// Wait for a child to end; store its status at status_uaddr (if not 0).
int proc_wait(u64 status_uaddr)
{
    struct proc *cur = myproc();
    acquire(&ptable_lock);
    for (;;) {
        int have_children = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *p = &procs[i];
            if (p->parent != cur || p->state == UNUSED)
                continue;
            have_children = 1;
            if (p->state == ZOMBIE) {
                int pid = p->pid, status = p->wait_status;
                u64 *pml4 = p->pml4, kstack = p->kstack;
                p->state = UNUSED;
                release(&ptable_lock);
                free_task_memory(pml4, kstack);
                if (status_uaddr) {
                    u32 s = (u32)status;
                    if (copy_to_user((void *)status_uaddr, &s, sizeof(s)) < 0)
                        return -EFAULT;
                }
                return pid;
            }
        }
        if (!have_children) {
            release(&ptable_lock);
            return -ECHILD;
        }
        if (signal_pending(cur)) {
            release(&ptable_lock);
            return -EINTR;
        }
        sleep(cur, &ptable_lock);
    }
}

struct proc *proc_find(int pid)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != UNUSED && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

int proc_kill(int pid, int sig)
{
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    struct proc *p = proc_find(pid);
    if (!p || p->state == ZOMBIE)
        return -ESRCH;
    if (p->kthread)
        return -EPERM;
    if (sig != 0)
        send_signal(p, sig, "kill");
    return 0;
}
