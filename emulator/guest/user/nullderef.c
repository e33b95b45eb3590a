// nullderef: a user-mode NULL pointer dereference. Page 0 is never mapped,
// so the load faults at CPL 3: SIGSEGV with address 0, the process dies.
#include "libc.h"

struct node {
    struct node *next;
    int value;
};

static struct node *__attribute__((noipa)) find(int value)
{
    (void)value;
    return NULL;
}

int main(void)
{
    printf("nullderef: dereferencing a NULL pointer in user mode...\n");
    struct node *n = find(42);
    printf("nullderef: value %d (this line should never print)\n", *(volatile int *)&n->value);
    return 0;
}
