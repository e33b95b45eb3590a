// signals: kill, masks and default actions between processes.
//   1. SIGUSR1 to ourselves with a handler: it runs before kill() returns.
//   2. The same with SIGUSR1 blocked: pending until unblocked, then delivered.
//   3. A child sleeping for a long time gets SIGTERM: its sleep ends and the
//      default action kills it; wait() reports the signal.
#include "libc.h"

static volatile int usr1_count;

static void on_usr1(int sig, struct siginfo *info, struct ucontext *uc)
{
    (void)info, (void)uc;
    usr1_count++;
    printf("signals:   handler: %s (count %d)\n", signal_name(sig), usr1_count);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0) {     // sleep until killed
        long r = sleep_ms(60000);
        printf("signals: child's sleep ended with %ld (this line should never print)\n", r);
        return 0;
    }
    signal_handler(SIGUSR1, on_usr1, 0);

    printf("signals: kill(self, SIGUSR1)\n");
    kill(getpid(), SIGUSR1);
    printf("signals: delivered %d time(s)\n", usr1_count);

    unsigned long mask = 1UL << (SIGUSR1 - 1);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    kill(getpid(), SIGUSR1);
    printf("signals: blocked, still %d delivery\n", usr1_count);
    sigprocmask(SIG_UNBLOCK, &mask, NULL);
    printf("signals: unblocked, %d deliveries\n", usr1_count);

    char *args[] = { "signals", "child", NULL };
    int pid = spawn("signals", args);
    sleep_ms(2);
    printf("signals: kill(%d, SIGTERM)\n", pid);
    kill(pid, SIGTERM);
    int status;
    wait(&status);
    if (WIFSIGNALED(status))
        printf("signals: child %d was killed by %s\n", pid, signal_name(WTERMSIG(status)));
    long r = kill(pid, SIGTERM);
    printf("signals: kill of the reaped child: %s\n", errno_name(r));
    return 0;
}
