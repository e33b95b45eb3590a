// stress: several processes making system calls at once, on every CPU.
//   stress            spawns the workers and waits for them
//   stress worker N   one worker: rounds of getpid, write, mmap, munmap, yield, sleep
#include "libc.h"

#define WORKERS 6

static int worker(int id)
{
    int pid = getpid();
    for (int round = 0; round < 5; round++) {
        printf("stress: worker %d (pid %d) round %d\n", id, pid, round);
        for (int i = 0; i < 20; i++)
            getpid();
        char *mem = mmap(NULL, 256 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            return 100;
        for (int off = 0; off < 256 * 1024; off += 4096)
            mem[off] = (char)round;
        munmap(mem, 256 * 1024);
        yield();
        sleep_ms(1);
    }
    return id;
}

int main(int argc, char **argv)
{
    if (argc > 2)
        return worker(argv[2][0] - '0');
    for (int i = 0; i < WORKERS; i++) {
        char id[2] = { (char)('0' + i), 0 };
        char *args[] = { "stress", "worker", id, NULL };
        int pid = spawn("stress", args);
        if (pid < 0)
            printf("stress: spawn: %s\n", errno_name(pid));
    }
    int sum = 0;
    for (int i = 0; i < WORKERS; i++) {
        int status;
        if (wait(&status) > 0)
            sum += WEXITSTATUS(status);
    }
    printf("stress: all %d workers done (checksum %d)\n", WORKERS, sum);
    return 0;
}
