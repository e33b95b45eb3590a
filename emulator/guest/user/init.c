// init: the first process. Runs each program named on the kernel command line
// after "--" (or "hello" if none) one after the other, and reports how each
// ended. A word "prog,arg1,arg2" runs prog with those arguments:
//   init=init -- readkptr hello crashlab,BAD_USER_PTR
// When init exits, the kernel powers the machine off.
#include "libc.h"

static void run(char *word)
{
    char *argv[8];
    int argc = 0;
    for (char *p = word; p && argc < 7;) {
        argv[argc++] = p;
        p = strchr(p, ',');
        if (p)
            *p++ = 0;
    }
    argv[argc] = NULL;
    char *prog = argv[0];
    int pid = spawn(prog, argv);
    if (pid < 0) {
        printf("init: cannot run %s: %s\n", prog, errno_name(pid));
        return;
    }
    for (;;) {
        int status;
        int got = wait(&status);
        if (got < 0) {
            printf("init: wait: %s\n", errno_name(got));
            return;
        }
        if (got != pid)
            continue;   // a kernel thread or an orphan we inherited
        if (WIFSIGNALED(status))
            printf("init: %s (pid %d) was killed by %s; the system goes on\n", prog, pid,
                   signal_name(WTERMSIG(status)));
        else
            printf("init: %s (pid %d) exited with status %d\n", prog, pid, WEXITSTATUS(status));
        return;
    }
}

int main(int argc, char **argv)
{
    printf("init: started as pid %d\n", getpid());
    if (argc < 2)
        run("hello");
    for (int i = 1; i < argc; i++)
        run(argv[i]);
    return 0;
}
