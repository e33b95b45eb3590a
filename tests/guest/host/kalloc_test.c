// The physical page allocator over a host buffer. P2V adds DIRECT_MAP, so the
// "physical" range handed to kalloc_init is the buffer's address minus
// DIRECT_MAP (mod 2^64): P2V of it is the buffer again.
#include "defs.h"
#include "mmu.h"
#include "check.h"

#define NPAGES 64
static u8 arena[(NPAGES + 1) * PAGE_SIZE];

int main(void)
{
    u64 start = ROUNDUP((u64)arena, PAGE_SIZE);
    u64 end = start + NPAGES * PAGE_SIZE;
    kalloc_init(start - DIRECT_MAP + 100, end - DIRECT_MAP);   // a partial first page is skipped
    CHECK(kalloc_free_pages() == NPAGES - 1);

    void *pages[NPAGES];
    int n = 0;
    while ((pages[n] = kalloc()) != NULL)
        n++;
    CHECK(n == NPAGES - 1);
    CHECK(kalloc_free_pages() == 0);
    for (int i = 0; i < n; i++) {
        CHECK((u64)pages[i] % PAGE_SIZE == 0);
        CHECK((u64)pages[i] >= start + PAGE_SIZE && (u64)pages[i] < end);
        for (int j = 0; j < i; j++)
            CHECK(pages[i] != pages[j]);
    }
    // Freed pages come back, zeroed on request.
    memset(pages[5], 0xab, PAGE_SIZE);
    kfree(pages[5]);
    CHECK(kalloc_free_pages() == 1);
    u8 *z = kalloc_zeroed();
    CHECK(z == pages[5]);
    int nonzero = 0;
    for (int i = 0; i < PAGE_SIZE; i++)
        nonzero += z[i] != 0;
    CHECK(nonzero == 0);
    CHECK(kalloc() == NULL);
    for (int i = 0; i < n; i++)
        kfree(pages[i]);
    CHECK(kalloc_free_pages() == (u64)n);
    CHECKS_DONE("kalloc");
}
