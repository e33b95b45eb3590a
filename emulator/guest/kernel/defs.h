// Functions shared between kernel files, grouped by the file that defines them.
#ifndef DEFS_H
#define DEFS_H
#include "types.h"
#include "string.h"
#include "abi.h"
#include "param.h"

struct trapframe;
struct proc;
struct cpu;
struct spinlock;
struct context;

// cmdline.c
struct kconfig {
    u8 idt_omit[256];       // idt.omit=<vectors>: leave these gates not present
    int ist;                // ist=on|off: #DF and NMI on their own stacks
    int panic_on_oops;      // panic_on_oops=0|1
    int lockdep;            // lockdep=on|off
    int watchdog;           // watchdog=on|off
    u64 panic_ms;           // panic=<ms>: reboot after that much virtual time, 0 = halt
    int cpus;               // cpus=<n>: start at most n CPUs
    char init[48];          // init=<program>
    int init_argc;          // words after "--" go to init
    char *init_argv[MAXARG - 1];  // argv[0] is the program
};
extern struct kconfig kconfig;
void cmdline_parse(const char *cmdline);

// console.c
void console_init(void);
void console_write(const char *s, size_t n);
int console_read(char *buf, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report_begin(void);
const char *report_end(void);

// panic.c
extern volatile int panicking;
extern volatile int tainted_by_oops;
void print_cpu_line(struct cpu *c);
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void save_registers(struct trapframe *tf);     // entry.S
void print_registers(const struct trapframe *tf);
void stop_this_cpu(void) __attribute__((noreturn));
void nmi_handler(struct trapframe *tf);

// oops.c
void oops(struct trapframe *tf, const char *preamble, const char *headline, u64 address);

// doublefault.c
void double_fault(struct trapframe *tf) __attribute__((noreturn));

// ksyms.c
int ksym_lookup(u64 addr, const char **name, u64 *offset, u64 *size);
const char *ksym_format(u64 addr, char *buf, size_t size);
const char *ksym_format_return(u64 ret, char *buf, size_t size);
void print_backtrace(u64 rbp, u64 at_rsp);

// kalloc.c
void kalloc_init(u64 phys_start, u64 phys_end);
void *kalloc(void);
void *kalloc_zeroed(void);
void kfree(void *page);
u64 kalloc_free_pages(void);

// kmalloc.c
void kmalloc_init(void);
void *kmalloc(size_t n);
void kfree_small(void *p);

// vm.c
extern u64 *kernel_pml4;
void vm_init(void);
void vm_enable_cpu(void);
void vm_switch(u64 *pml4);
u64 *uvm_create(void);
int uvm_alloc(u64 *pml4, u64 va, u64 len, u64 pte_flags);
void uvm_unmap(u64 *pml4, u64 va, u64 len);
void uvm_free(u64 *pml4);
int uvm_copyout(u64 *pml4, u64 va, const void *src, u64 len);
int kernel_address_mapped(u64 va);
u64 vmalloc_stack(void);
void vfree_stack(u64 top);
int stack_guard_hit(u64 addr, u64 *stack_lo, u64 *stack_hi);

// gdt.c
void cpu_tables_init(struct cpu *c);

// idt.c
void idt_init(void);
void idt_load(void);

// lapic.c
void lapic_init(void);
void lapic_eoi(void);
u32 lapic_id(void);
struct cpu *this_cpu(void);
void lapic_send_ipi(u32 dest, u64 mode_and_vector);
void lapic_nmi_others(void);

// smp.c
void smp_start_cpus(void);
void ap_main(struct cpu *c);

// trap.c
void trap(struct trapframe *tf);
extern const char *const exception_names[32];

// extable.c
u64 search_exception_table(u64 rip);

// uaccess.S / uaccess.c
u64 copy_user_raw(void *dst, const void *src, u64 n);
int get_user_1(u8 *out, const void *uaddr);
int get_user_8(u64 *out, const void *uaddr);
int put_user_8(void *uaddr, u64 value);
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
int get_user(u64 *out, const void *uaddr);
int put_user(void *uaddr, u64 value);
long strncpy_from_user(char *dst, const char *usrc, size_t max);

// proc.c
void proc_init(void);
struct proc *kthread_create(void (*fn)(void *), void *arg, const char *name, int cpu);
int spawn(const char *path, int argc, char *const argv[]);
void proc_exit(int wait_status) __attribute__((noreturn));
int proc_wait(u64 status_uaddr);
int proc_kill(int pid, int sig);
struct proc *proc_find(int pid);

// sched.c
void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
void wakeup_locked(void *chan);
void kick_idle_cpus(void);
void sleep_until(u64 when);
extern struct spinlock ptable_lock;
void swtch(struct context **old, struct context *new);   // entry.S

// exec.c
int load_program(struct proc *p, const char *path, int argc, char *const argv[]);

// initrd.c
void initrd_init(void);
int initrd_find(const char *name, const u8 **data, u64 *size);

// syscall.c
int syscall(struct trapframe *tf);

// signal.c
void force_sig_fault(int sig, int code, u64 addr, const char *reason);
void send_signal(struct proc *p, int sig, const char *reason);
int signal_deliver(struct trapframe *tf);
int signal_pending(struct proc *p);
long sys_sigaction(u64 sig, u64 act, u64 old);
long sys_sigprocmask(u64 how, u64 set, u64 old);
long sys_sigreturn(void);
long sys_sigaltstack(u64 ss, u64 old);

// sysfile.c
long sys_read(u64 fd, u64 buf, u64 n);
long sys_write(u64 fd, u64 buf, u64 n);
long sys_open(u64 path, u64 flags);
long sys_close(u64 fd);
long sys_ioctl(u64 fd, u64 cmd, u64 arg);
void fd_init_console(struct proc *p);

// sysproc.c
long sys_exit(u64 status);
long sys_getpid(void);
long sys_spawn(u64 path, u64 argv);
long sys_wait(u64 status);
long sys_yield(void);
long sys_sleep(u64 ms);
long sys_kill(u64 pid, u64 sig);

// sysmem.c
long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, u64 fd, u64 off);
long sys_munmap(u64 addr, u64 len);

// crashlab.c
void crashlab_init(void);
long crashlab_ioctl(u64 cmd, u64 arg);

// spinlock.c and lockdep.c
extern int lockdep_enabled;
int lockdep_register_class(const char *name);
void lockdep_acquire(struct spinlock *lk, u64 ip);
void lockdep_release(struct spinlock *lk);
struct held_locks;
void lockdep_handoff(struct spinlock *lk, struct held_locks *from, struct held_locks *to);

// watchdog.c
void watchdog_tick(void);

// power.c
void power_off(void) __attribute__((noreturn));
void machine_reset(void) __attribute__((noreturn));

// time
u64 ms_to_ticks(u64 ms);

#endif
