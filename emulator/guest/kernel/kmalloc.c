// kmalloc: small kernel objects, 16 to 2048 bytes, from power-of-two size
// classes. Each class carves pages from kalloc into equal blocks; a page's
// first bytes say which class it serves, so kfree_small needs no size.
#include "defs.h"
#include "mmu.h"
#include "spinlock.h"

#define MIN_SHIFT 4                 // 16 bytes
#define MAX_SHIFT 11                // 2048 bytes
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define PAGE_HEADER 64              // class number, then blocks

struct block {
    struct block *next;
};

static struct spinlock kmalloc_lock;
static struct block *free_blocks[NCLASSES];

static int size_class(size_t n)
{
    int shift = MIN_SHIFT;
    while (((size_t)1 << shift) < n)
        shift++;
    return shift - MIN_SHIFT;
}

void kmalloc_init(void)
{
    initlock(&kmalloc_lock, "kmalloc_lock");
}

void *kmalloc(size_t n)
{
    if (n == 0 || n > ((size_t)1 << MAX_SHIFT))
        return NULL;
    int cls = size_class(n);
    size_t size = (size_t)1 << (cls + MIN_SHIFT);
    acquire(&kmalloc_lock);
    if (!free_blocks[cls]) {
        u8 *page = kalloc();
        if (!page) {
            release(&kmalloc_lock);
            return NULL;
        }
        *(int *)page = cls;
        u64 first = size > PAGE_HEADER ? size : PAGE_HEADER;   // keep blocks size-aligned
        for (u64 off = first; off + size <= PAGE_SIZE; off += size) {
            struct block *b = (struct block *)(page + off);
            b->next = free_blocks[cls];
            free_blocks[cls] = b;
        }
    }
    struct block *b = free_blocks[cls];
    free_blocks[cls] = b->next;
    release(&kmalloc_lock);
    return b;
}

void kfree_small(void *p)
{
    if (!p)
        return;
    int cls = *(int *)ROUNDDOWN((u64)p, PAGE_SIZE);
    if (cls < 0 || cls >= NCLASSES)
        panic("kfree_small: %p was not allocated by kmalloc", p);
    struct block *b = p;
    acquire(&kmalloc_lock);
    b->next = free_blocks[cls];
    free_blocks[cls] = b;
    release(&kmalloc_lock);
}
