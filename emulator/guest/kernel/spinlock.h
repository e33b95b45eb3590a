// Mutual exclusion spin lock that knows who holds it.
#ifndef SPINLOCK_H
#define SPINLOCK_H
#include "types.h"

struct cpu;

struct spinlock {
    volatile u32 locked;    // 0 free, 1 held
    const char *name;       // for reports and trace records
    int class_id;           // lockdep class (locks initialised with one name share it)
    struct cpu *cpu;        // holder
    int owner_pid;          // task of the holder (0 = none or idle)
    u64 owner_ip;           // where the holder took it
};

void initlock(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int holding(struct spinlock *lk);
void pushcli(void);
void popcli(void);

#endif
