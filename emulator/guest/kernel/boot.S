// Kernel entry points. The machine is the boot loader (GUEST-INTERFACE.md):
// CPU 0 arrives here in 64-bit long mode on the boot page tables, interrupts
// off, with RDI = physical address of the boot info. The other CPUs arrive at
// ap_entry when a start-up IPI wakes them, with RDI = their struct cpu and RSP
// = the stack the kernel put in the wakeup mailbox.
#include "param.h"

    .section .text.boot, "ax"
    .globl _start
    .type _start, @function
_start:
    cli
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp                  // end of the frame-pointer chain

    // Stack protector: every protected function stores __stack_chk_guard
    // below its saved registers and compares on return. Mix the clock into
    // the built-in value before any protected function runs; keep the low
    // byte zero so a string overflow (strcpy) cannot forge the canary.
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    xor %rax, __stack_chk_guard(%rip)
    movb $0, __stack_chk_guard(%rip)

    call kmain
1:  hlt
    jmp 1b
    .size _start, . - _start

    .globl ap_entry
    .type ap_entry, @function
ap_entry:
    cli
    // Our stack is a kernel stack in the vmalloc region, which the boot page
    // tables do not map: switch to the kernel's page tables before the first
    // push. They use the NX bit, so EFER.NXE first (with NXE = 0, bit 63 of
    // a paging entry is reserved: SDM 4.5.4). RDMSR/WRMSR leave RDI alone.
    mov $0xc0000080, %ecx
    rdmsr
    or $0x800, %eax
    wrmsr
    mov kernel_pml4_phys(%rip), %rax
    mov %rax, %cr3
    xor %ebp, %ebp
    call ap_main                    // RDI = struct cpu *
1:  hlt
    jmp 1b
    .size ap_entry, . - ap_entry

    .bss
    .balign 4096
boot_stack:
    .space KSTACK_SIZE
boot_stack_top:
