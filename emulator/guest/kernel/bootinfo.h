// The boot-info block the machine writes at physical 0x7000 and the wakeup
// mailbox at 0x8000 (emulator/machine/GUEST-INTERFACE.md restates both).
#ifndef BOOTINFO_H
#define BOOTINFO_H
#include "types.h"

#define BOOTINFO_MAGIC 0x544c4146   // "FALT"
#define BOOTINFO_VERSION 1

struct bootinfo {
    u32 magic;
    u32 version;
    u64 mem_size;          // bytes of RAM from physical 0
    u32 cpu_count;
    u32 bsp_apic_id;
    u64 initrd_phys;
    u64 initrd_size;
    u64 kernel_phys_end;
    u64 mailbox_phys;
    u64 free_phys_start;   // RAM from here to mem_size is ours to allocate
    u64 tsc_hz;            // virtual clock ticks per virtual second
    u32 cmdline_len;
    u32 reserved;
    u8 pad[0x100 - 0x50];
    char cmdline[1024];
};

_Static_assert(__builtin_offsetof(struct bootinfo, cmdline) == 0x100, "boot info layout");

// Filled in to start one more CPU, then a start-up IPI is sent to it.
struct wakeup_mailbox {
    volatile u32 command;  // 1: start; the machine writes 0 when the CPU took it
    u32 apic_id;
    u64 wakeup_vector;     // virtual address, boot page tables
    u64 argument;          // RDI
    u64 stack;             // RSP
};

extern struct bootinfo *bootinfo;

#endif
