// CPUs, tasks (processes and kernel threads), and the saved register sets.
#ifndef PROC_H
#define PROC_H
#include "types.h"
#include "param.h"
#include "mmu.h"
#include "abi.h"
#include "spinlock.h"
#include "trace.h"
#include "asm.h"

// Everything the entry code saves, in push order reversed (entry.S builds it).
// The last five words are what the CPU pushes on an interrupt or exception
// (SDM 6.14.2); syscall_entry builds the same shape by hand.
struct trapframe {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rdi, rsi, rbp, rdx, rcx, rbx, rax;
    u64 vector;     // T_SYSCALL for a system call
    u64 error;      // error code, 0 if the vector has none
    u64 rip, cs, rflags, rsp, ss;
};

#define T_SYSCALL 256

// Registers a context switch saves: the callee-saved ones of the SysV ABI;
// swtch's return address is rip.
struct context {
    u64 r15, r14, r13, r12, rbx, rbp, rip;
};

#define MAX_HELD_LOCKS 16

struct held_lock {
    struct spinlock *lock;
    u64 ip;                 // return address of acquire(): where it was taken
};

// lockdep: the locks a task holds, in the order it took them.
struct held_locks {
    struct held_lock lock[MAX_HELD_LOCKS];
    int n;
};

// Per-CPU state; GS.base points at it in the kernel (SWAPGS on every entry from
// user mode). The first three fields are read by entry.S at fixed offsets.
struct cpu {
    struct cpu *self;       // %gs:0
    u64 kstack_top;         // %gs:8   syscall_entry switches RSP to this
    u64 user_rsp;           // %gs:16  syscall_entry parks the user RSP here
    int id;                 // index in cpus[], also the APIC ID
    volatile int started;
    struct proc *proc;      // running task, or NULL
    struct context *scheduler;
    int ncli;               // depth of pushcli nesting
    int intena;             // were interrupts enabled before the first pushcli?
    volatile int idle;      // halted in the scheduler
    struct spinlock *volatile spinning_on;  // lock this CPU waits for (watchdog, NMI report)
    volatile u64 heartbeat; // virtual time of the last timer interrupt (watchdog)
    u64 last_pid;           // task this CPU last ran (SWITCH records)
    struct held_locks idle_held;    // lockdep: locks held while no task runs here
    u64 gdt[NSEGS];
    struct tss tss;
    struct trace_record trace_buf;
} __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(struct cpu, self) == CPU_SELF, "asm.h: CPU_SELF");
_Static_assert(__builtin_offsetof(struct cpu, kstack_top) == CPU_KSTACK_TOP, "asm.h: CPU_KSTACK_TOP");
_Static_assert(__builtin_offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "asm.h: CPU_USER_RSP");
_Static_assert(USER_DS == USER_DS_SEL && USER_CS == USER_CS_SEL, "asm.h: user selectors");
_Static_assert(T_SYSCALL == T_SYSCALL_VEC, "asm.h: T_SYSCALL_VEC");
_Static_assert(-EFAULT == EFAULT_NEG, "asm.h: EFAULT_NEG");

extern struct cpu cpus[NCPU];
extern int ncpu;

static inline struct cpu *mycpu(void)
{
    struct cpu *c;
    asm volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

enum procstate { UNUSED, EMBRYO, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

enum fdkind { FD_NONE, FD_CONSOLE, FD_CRASHLAB };

struct fd {
    u8 kind;
    u8 readable;
    u8 writable;
};

struct proc {
    int pid;
    enum procstate state;
    char name[16];
    int kthread;                // kernel thread: no user address space
    int affinity;               // CPU it must run on, or -1
    u64 *pml4;                  // page tables (kernel_pml4 for kernel threads)
    u64 kstack;                 // lowest address of the kernel stack
    struct trapframe *tf;       // user registers, at the top of the kernel stack
    struct context *context;    // swtch() here to run the task
    struct proc *parent;
    void *chan;                 // sleeping on chan
    u64 wake_time;              // sleep(): virtual time to wake up
    int wait_status;            // for wait(), Linux encoding
    u64 mmap_next;              // next free address in the mmap region
    struct fd fds[NOFILE];
    void (*kfn)(void *);        // kernel thread body
    void *karg;
    // signals
    struct sigaction sigactions[NSIG];
    struct siginfo siginfo[NSIG];   // details of a pending fault signal
    u64 sig_pending;            // bit (sig - 1)
    u64 sig_blocked;
    stack_t altstack;
    struct held_locks held;     // lockdep: the locks this task holds
};

extern struct proc *initproc;

static inline struct proc *myproc(void)
{
    pushcli();
    struct proc *p = mycpu()->proc;
    popcli();
    return p;
}

static inline int mypid(void)
{
    struct proc *p = myproc();
    return p ? p->pid : 0;
}

#endif
