// Builds the Faultline boot state under QEMU (dev only, single CPU): kernel
// segments at their p_paddr, the initrd after them, boot page tables at
// 0x1000, boot GDT at 0x6000, boot info at 0x7000, x2APIC on.
// Modules: 0 = kernel.elf, 1 = initrd.img; the multiboot command line is the
// kernel's.
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

struct multiboot_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};
struct multiboot_module {
    u32 start, end, string, reserved;
};

static void copy(u8 *dst, const u8 *src, u32 n)
{
    if (dst < src)
        for (u32 i = 0; i < n; i++)
            dst[i] = src[i];
    else
        while (n--)
            dst[n] = src[n];
}

static void zero(u8 *dst, u32 n)
{
    for (u32 i = 0; i < n; i++)
        dst[i] = 0;
}

u64 shim_main(struct multiboot_info *mbi)
{
    struct multiboot_module *mods = (struct multiboot_module *)mbi->mods_addr;
    u8 *elf = (u8 *)mods[0].start;
    u64 entry = *(u64 *)(elf + 24), phoff = *(u64 *)(elf + 32);
    u16 phnum = *(u16 *)(elf + 56);
    u32 kernel_end = 0;
    for (u16 i = 0; i < phnum; i++) {
        u8 *ph = elf + (u32)phoff + i * 56;
        if (*(u32 *)ph != 1)
            continue;
        u32 off = (u32)*(u64 *)(ph + 8), paddr = (u32)*(u64 *)(ph + 24);
        u32 filesz = (u32)*(u64 *)(ph + 32), memsz = (u32)*(u64 *)(ph + 40);
        copy((u8 *)paddr, elf + off, filesz);
        zero((u8 *)paddr + filesz, memsz - filesz);
        if (paddr + memsz > kernel_end)
            kernel_end = paddr + memsz;
    }
    kernel_end = (kernel_end + 4095) & ~4095u;
    u32 initrd_size = mods[1].end - mods[1].start;
    copy((u8 *)kernel_end, (u8 *)mods[1].start, initrd_size);
    u32 free_start = (kernel_end + initrd_size + 4095) & ~4095u;
    // The modules sit above this shim; keep them out of the free memory too.
    if (free_start < mods[1].end)
        free_start = (mods[1].end + 4095) & ~4095u;

    // Page tables: PML4 0x1000, PDPT (low and direct map) 0x2000, PDPT
    // (kernel window) 0x3000, one PD of 2 MiB pages for the first GiB 0x4000.
    u64 *pml4 = (u64 *)0x1000, *pdpt_lo = (u64 *)0x2000, *pdpt_hi = (u64 *)0x3000, *pd = (u64 *)0x4000;
    zero((u8 *)0x1000, 0x5000);
    pml4[0] = 0x2000 | 3;
    pml4[256] = 0x2000 | 3;
    pml4[511] = 0x3000 | 3;
    pdpt_lo[0] = 0x4000 | 3;
    pdpt_hi[510] = 0x4000 | 3;
    for (u32 i = 0; i < 512; i++)
        pd[i] = ((u64)i << 21) | 0x83;

    u64 *gdt = (u64 *)0x6000;
    gdt[0] = 0;
    gdt[1] = 0x00209a0000000000ULL;
    gdt[2] = 0x0000920000000000ULL;

    u8 *bi = (u8 *)0x7000;
    zero(bi, 0x500);
    *(u32 *)(bi + 0x00) = 0x544c4146;
    *(u32 *)(bi + 0x04) = 1;
    *(u64 *)(bi + 0x08) = ((u64)mbi->mem_upper + 1024) * 1024;
    *(u32 *)(bi + 0x10) = 1;
    *(u64 *)(bi + 0x18) = kernel_end;
    *(u64 *)(bi + 0x20) = initrd_size;
    *(u64 *)(bi + 0x28) = kernel_end;
    *(u64 *)(bi + 0x30) = 0x8000;
    *(u64 *)(bi + 0x38) = free_start;
    *(u64 *)(bi + 0x40) = 1000000000ULL;
    // QEMU's multiboot command line starts with the shim's own path.
    const char *cmd = (const char *)mbi->cmdline;
    while (*cmd && *cmd != ' ')
        cmd++;
    while (*cmd == ' ')
        cmd++;
    u32 n = 0;
    while (cmd[n] && n < 1023) {
        bi[0x100 + n] = (u8)cmd[n];
        n++;
    }
    *(u32 *)(bi + 0x48) = n;

    // Mask the legacy 8259 PICs: SeaBIOS left the PIT's IRQ 0 on vector 8,
    // which would look like a double fault. The Faultline machine has no PIC.
    asm volatile("outb %0, $0x21; outb %0, $0xa1" : : "a"((u8)0xff));

    // x2APIC mode: IA32_APIC_BASE bits 11 (enable) and 10 (x2APIC).
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
    lo |= (1u << 11) | (1u << 10);
    asm volatile("wrmsr" : : "c"(0x1b), "a"(lo), "d"(hi));
    return entry;
}
