// Sizes and limits of the kernel.
#ifndef PARAM_H
#define PARAM_H

#define NCPU 8                  // the machine has at most 8 CPUs
#define NPROC 64                // processes and kernel threads
#define NOFILE 16               // open files per process
#define PAGE_SIZE 4096
#define KSTACK_SIZE (4 * PAGE_SIZE)     // kernel stack of a task, a CPU, an IST
#define USER_STACK_SIZE (16 * PAGE_SIZE)
#define MAXARG 8                // spawn: arguments
#define MAXARGLEN 128           // spawn: bytes per argument
#define MAXPATH 48              // initrd names
#define RW_MAX (1UL << 20)      // read/write: longest transfer accepted
#define TIMER_PERIOD 100000     // x2APIC timer: ticks between interrupts (100 us virtual)
#define WATCHDOG_THRESHOLD_MS 10        // soft lockup: no timer tick for this long
#define CMDLINE_MAX 1024

#endif
