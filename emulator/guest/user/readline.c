// readline: read() one line from the console (fd 0, the serial line) and
// echo it back; then show that read() validates its arguments like write().
#include "libc.h"

int main(void)
{
    char line[128];
    printf("readline: type a line\n");
    long n = read(0, line, sizeof(line) - 1);
    if (n < 0) {
        printf("readline: read: %s\n", errno_name(n));
        return 1;
    }
    line[n] = 0;
    printf("readline: got %ld bytes: %s", n, line);
    long r = read(1, line, sizeof(line));
    printf("readline: read from fd 1 (write-only) -> %s\n", errno_name(r));
    r = read(0, (void *)0xffffffff80100000UL, 16);
    printf("readline: read into the kernel -> %s\n", errno_name(r));
    return 0;
}
