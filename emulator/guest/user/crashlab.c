// crashlab TRIGGER: run one of the kernel's crash lab triggers through
// ioctl("/dev/crashlab") and print what the call returned (if it returns).
#include "libc.h"

// Code in a user page, for EXEC_USER (SMEP).
static long user_payload(void)
{
    return 42;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: crashlab TRIGGER\n");
        return 2;
    }
    static char input[256];
    memset(input, 'A', sizeof(input));
    static unsigned long user_word = 0x1234;
    struct crashlab_req req = { argv[1], input, 0, 0 };
    if (strcmp(argv[1], "STACK_SMASH") == 0 || strcmp(argv[1], "STACK_SMASH_CHECKED") == 0)
        req.len = 64;           // the kernel's buffer has 16 bytes
    else if (strcmp(argv[1], "BAD_USER_PTR") == 0)
        req.data = (const void *)0x0000100000000000UL;  // never mapped
    else if (strcmp(argv[1], "EXEC_USER") == 0)
        req.data = (const void *)user_payload;
    else if (strcmp(argv[1], "ACCESS_USER") == 0)
        req.data = &user_word;
    int fd = open("/dev/crashlab", O_RDWR);
    if (fd < 0) {
        printf("crashlab: open: %s\n", errno_name(fd));
        return 1;
    }
    long r = ioctl(fd, CRASHLAB_RUN, &req);
    printf("crashlab: %s returned %ld (%s)\n", argv[1], r, errno_name(r));
    return r < 0 ? 1 : 0;
}
