// The initrd: the user programs, in a simple archive the machine loads after
// the kernel (tools/mkinitrd.mjs writes it):
//
//   "FLINITRD" (8 bytes), u32 version = 1, u32 count,
//   then count entries: char name[56] (NUL-padded), u64 size, size bytes of
//   data, zero padding to a multiple of 8.
//
// All integers little-endian. Reached through the direct map.
#include "defs.h"
#include "mmu.h"
#include "bootinfo.h"

struct initrd_header {
    char magic[8];
    u32 version;
    u32 count;
};

struct initrd_entry {
    char name[56];
    u64 size;
};

static const u8 *initrd;
static u64 initrd_size;

void initrd_init(void)
{
    initrd = P2V(bootinfo->initrd_phys);
    initrd_size = bootinfo->initrd_size;
    const struct initrd_header *h = (const struct initrd_header *)initrd;
    if (initrd_size < sizeof(*h) || memcmp(h->magic, "FLINITRD", 8) != 0 || h->version != 1)
        panic("initrd: not an initrd (size %lu)", initrd_size);
    kprintf("initrd: %u programs, %lu bytes\n", h->count, initrd_size);
}

int initrd_find(const char *name, const u8 **data, u64 *size)
{
    const struct initrd_header *h = (const struct initrd_header *)initrd;
    u64 off = sizeof(*h);
    for (u32 i = 0; i < h->count; i++) {
        if (off + sizeof(struct initrd_entry) > initrd_size)
            break;
        const struct initrd_entry *e = (const struct initrd_entry *)(initrd + off);
        off += sizeof(*e);
        if (e->size > initrd_size - off)
            break;
        if (strncmp(e->name, name, sizeof(e->name)) == 0) {
            *data = initrd + off;
            *size = e->size;
            return 0;
        }
        off += ROUNDUP(e->size, 8);
    }
    return -ENOENT;
}
