// hello: one write() and exit(), the smallest round trip through the kernel.
#include "libc.h"

int main(void)
{
    static const char msg[] = "Hello from user space!\n";
    write(1, msg, sizeof(msg) - 1);
    return 0;
}
