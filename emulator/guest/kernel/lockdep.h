// The lock-dependency graph of lockdep.c, exposed for its host unit test.
#ifndef LOCKDEP_H
#define LOCKDEP_H
#include "types.h"

#define LOCKDEP_MAX_CLASSES 64

// "to" was taken while "from" was held: from must come before to.
struct lock_dependency {
    u8 exists;
    u64 from_ip;        // where the held lock had been taken
    u64 to_ip;          // where the new lock was taken
    int pid;            // the task that first took them in this order
    char comm[16];
};

struct lock_class {
    const char *name;
};

extern struct lock_class lock_classes[LOCKDEP_MAX_CLASSES];
extern int lock_class_count;
extern struct lock_dependency lock_deps[LOCKDEP_MAX_CLASSES][LOCKDEP_MAX_CLASSES];

int lockdep_class_lookup(const char *name);
// Shortest chain of dependencies from class src to class dst (breadth-first),
// written to path[0] = src ... path[n-1] = dst. Returns n, or 0 if none.
int lockdep_find_path(int src, int dst, int *path, int max);

#endif
