// Dev-only QEMU boot shim (never part of the kernel image): QEMU's multiboot
// loader starts this 32-bit stub; shim.c builds the state the Faultline
// machine's boot protocol promises (GUEST-INTERFACE.md), then this file
// enters long mode and jumps to the kernel's 64-bit entry point.
    .set MB_MAGIC, 0x1badb002
    .set MB_FLAGS, 0x3              // page-aligned modules, memory info
    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .code32
    .text
    .globl shim_start
shim_start:
    mov $stack_top, %esp
    push %ebx                       // multiboot info
    call shim_main                  // returns the kernel entry's low 32 bits in EAX, high in EDX
    mov %eax, entry_lo
    mov %edx, entry_hi

    // Long mode (SDM 10.8.5): PAE, CR3, EFER.LME, then paging.
    mov %cr4, %eax
    or $0x20, %eax
    mov %eax, %cr4
    mov $0x1000, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax
    mov %eax, %cr0
    lgdt gdt_pointer
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $0x10000, %rsp
    mov $0x7000, %rdi
    mov entry_lo(%rip), %rax        // entry_hi follows: the 64-bit entry point
    jmp *%rax

    .data
    .balign 8
entry_lo: .long 0
entry_hi: .long 0
gdt_pointer:
    .word 23
    .long 0x6000
    .bss
    .balign 16
    .space 16384
stack_top:
