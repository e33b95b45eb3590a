// writeval: write(fd, buf, n) with each argument wrong in turn. The kernel
// must check them all and answer with an error code, never crash.
#include "libc.h"

static void try(const char *what, int fd, const void *buf, size_t n)
{
    long r = write(fd, buf, n);
    printf("writeval: %-44s -> %ld (%s)\n", what, r, errno_name(r));
}

int main(void)
{
    static const char ok[] = "[a good write]\n";
    try("good fd, buffer and length", 1, ok, sizeof(ok) - 1);
    try("fd 9 (never opened)", 9, ok, sizeof(ok) - 1);
    try("fd -1", -1, ok, sizeof(ok) - 1);
    try("fd 0 (open, but read-only)", 0, ok, sizeof(ok) - 1);
    try("buffer in the kernel (0xffffffff80100000)", 1, (const void *)0xffffffff80100000UL, 16);
    try("buffer at NULL", 1, NULL, 16);

    // Two pages, then unmap the second: a range that starts mapped and runs
    // into unmapped memory.
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page + 4096, 4096);
    memset(page, '.', 4096);
    try("range running into an unmapped page", 1, page + 4096 - 8, 64);
    try("huge length (1 TiB)", 1, ok, 1UL << 40);
    try("length that wraps around (-1)", 1, ok, (size_t)-1);
    printf("writeval: every bad call got an error, the kernel is fine\n");
    return 0;
}
