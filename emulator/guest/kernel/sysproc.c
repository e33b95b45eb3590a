// Process system calls: exit, getpid, spawn, wait, yield, sleep, kill.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "uaccess.h"

long sys_exit(u64 status)
{
    proc_exit((int)((status & 0xff) << 8));
}

long sys_getpid(void)
{
    return myproc()->pid;
}

// spawn(path, argv): argv is a NULL-terminated array of at most MAXARG
// strings, each shorter than MAXARGLEN, all copied in before anything starts.
long sys_spawn(u64 upath, u64 uargv)
{
    char path[MAXPATH];
    long len = strncpy_from_user(path, (const char *)upath, sizeof(path));
    if (len < 0)
        return len;
    char *strings = kmalloc(MAXARG * MAXARGLEN);
    if (!strings)
        return -ENOMEM;
    char *argv[MAXARG];
    int argc = 0;
    long err = 0;
    for (;; argc++) {
        u64 uarg;
        if (get_user(&uarg, (void *)(uargv + 8 * (u64)argc)) < 0) {
            err = -EFAULT;
            break;
        }
        if (uarg == 0)
            break;
        if (argc == MAXARG) {
            err = -E2BIG;
            break;
        }
        argv[argc] = strings + argc * MAXARGLEN;
        long n = strncpy_from_user(argv[argc], (const char *)uarg, MAXARGLEN);
        if (n < 0) {
            err = n == -EINVAL ? -E2BIG : n;
            break;
        }
    }
    if (err == 0)
        err = spawn(path, argc, argv);
    kfree_small(strings);
    return err;
}

long sys_wait(u64 status)
{
    return proc_wait(status);
}

long sys_yield(void)
{
    yield();
    return 0;
}

// Sleep for ms milliseconds of virtual time; -EINTR if a signal comes first.
long sys_sleep(u64 ms)
{
    if (ms > 60000)
        return -EINVAL;
    u64 until = rdtsc() + ms_to_ticks(ms);
    struct proc *p = myproc();
    while (rdtsc() < until) {
        if (signal_pending(p))
            return -EINTR;
        sleep_until(until);
    }
    return 0;
}

long sys_kill(u64 pid, u64 sig)
{
    return proc_kill((int)pid, (int)sig);
}
