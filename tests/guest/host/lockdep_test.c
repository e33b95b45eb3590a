// lockdep's dependency graph: classes by name, paths, cycles.
#include "lockdep.h"
#include "check.h"

int lockdep_register_class(const char *name);

static void depend(int from, int to)
{
    lock_deps[from][to].exists = 1;
}

int main(void)
{
    int a = lockdep_register_class("lock_A");
    int b = lockdep_register_class("lock_B");
    int c = lockdep_register_class("lock_C");
    int d = lockdep_register_class("lock_D");
    CHECK(a == 0 && b == 1 && c == 2 && d == 3);
    // Locks initialised with the same name share a class.
    CHECK(lockdep_register_class("lock_B") == b);
    CHECK(lockdep_class_lookup("lock_C") == c);
    CHECK(lockdep_class_lookup("nope") == -1);

    int path[LOCKDEP_MAX_CLASSES];
    // T1 takes A then B, T2 takes B then C.
    depend(a, b);
    depend(b, c);
    CHECK(lockdep_find_path(a, c, path, LOCKDEP_MAX_CLASSES) == 3);
    CHECK(path[0] == a && path[1] == b && path[2] == c);
    CHECK(lockdep_find_path(c, a, path, LOCKDEP_MAX_CLASSES) == 0);
    // T3 would take A while holding C: the edge C -> A closes a cycle because
    // A already reaches C; the acquisition path checks exactly this.
    CHECK(lockdep_find_path(a, c, path, LOCKDEP_MAX_CLASSES) > 0);
    // Shortest path wins: with A -> C added, A reaches C directly.
    depend(a, c);
    CHECK(lockdep_find_path(a, c, path, LOCKDEP_MAX_CLASSES) == 2);
    // Unrelated class: no path either way.
    CHECK(lockdep_find_path(d, a, path, LOCKDEP_MAX_CLASSES) == 0);
    CHECK(lockdep_find_path(a, d, path, LOCKDEP_MAX_CLASSES) == 0);
    // A path longer than the caller's buffer is reported as none.
    CHECK(lockdep_find_path(a, c, path, 1) == 0);
    CHECKS_DONE("lockdep");
}
