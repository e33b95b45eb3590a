// readkptr: a buggy kernel call (crashlab LEAK_KPTR) hands us a kernel
// address; reading through it faults because the kernel's pages are
// supervisor-only (U/S = 0). The kernel sends SIGSEGV; the system goes on.
#include "libc.h"

int main(void)
{
    int fd = open("/dev/crashlab", O_RDWR);
    struct crashlab_req req = { "LEAK_KPTR", NULL, 0, 0 };
    long r = ioctl(fd, CRASHLAB_RUN, &req);
    if (r < 0) {
        printf("readkptr: ioctl: %s\n", errno_name(r));
        return 1;
    }
    printf("readkptr: the kernel leaked %lx; reading it from user mode...\n", req.out);
    unsigned long v = *(volatile unsigned long *)req.out;
    printf("readkptr: read %lx (this line should never print)\n", v);
    return 0;
}
