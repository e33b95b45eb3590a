// Physical page allocator: a free list of 4 KiB pages threaded through the
// pages themselves, reached through the direct map.
#include "defs.h"
#include "mmu.h"
#include "spinlock.h"

struct free_page {
    struct free_page *next;
};

static struct spinlock kmem_lock;
static struct free_page *free_list;
static u64 free_pages;

// Every whole page of [phys_start, phys_end) becomes free. The boot info
// says where free RAM starts (after the kernel and the initrd). Only CPU 0
// runs yet, so the list is built without taking the lock.
void kalloc_init(u64 phys_start, u64 phys_end)
{
    initlock(&kmem_lock, "kmem_lock");
    for (u64 pa = ROUNDUP(phys_start, PAGE_SIZE); pa + PAGE_SIZE <= phys_end; pa += PAGE_SIZE) {
        struct free_page *page = P2V(pa);
        page->next = free_list;
        free_list = page;
        free_pages++;
    }
}

// Returns a direct-map address, or NULL when memory is exhausted.
void *kalloc(void)
{
    acquire(&kmem_lock);
    struct free_page *page = free_list;
    if (page) {
        free_list = page->next;
        free_pages--;
    }
    release(&kmem_lock);
    return page;
}

void *kalloc_zeroed(void)
{
    void *page = kalloc();
    if (page)
        memset(page, 0, PAGE_SIZE);
    return page;
}

void kfree(void *v)
{
    if ((u64)v % PAGE_SIZE != 0)
        panic("kfree: %p is not a page", v);
    struct free_page *page = v;
    acquire(&kmem_lock);
    page->next = free_list;
    free_list = page;
    free_pages++;
    release(&kmem_lock);
}

u64 kalloc_free_pages(void)
{
    return free_pages;
}
