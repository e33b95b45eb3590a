// The ways into the kernel: exceptions and interrupts (the IDT points at the
// stubs below), SYSCALL, and the context switch between kernel stacks.
//
// Every entry saves the same struct trapframe (proc.h) so C sees one shape.
#include "asm.h"

    .altmacro   // lets a .rept counter become part of a label: %i

// Exceptions that push an error code (SDM Table 6-1); for the others the stub
// pushes a zero so the frame has the same layout.
.macro EXCEPTION n
    .globl vector\n
vector\n:
    .if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp alltraps
.endm

.macro VECTOR_ADDRESS n
    .quad vector\n
.endm

.macro SAVE_REGS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rbp
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro RESTORE_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rbp
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

    .text
    .set i, 0
    .rept 32
    .if (i != 2) && (i != 8)
    EXCEPTION %i
    .endif
    .set i, i + 1
    .endr
    EXCEPTION 32        // x2APIC timer
    EXCEPTION 240       // inter-processor interrupt: wake an idle CPU
    EXCEPTION 255       // spurious interrupt

// Vector addresses for idt.c; NMI and #DF have their own entries below.
    .section .rodata
    .balign 8
    .globl exception_vectors
exception_vectors:
    .set i, 0
    .rept 32
    .if i == 2
    .quad nmi_entry
    .elseif i == 8
    .quad double_fault_entry
    .else
    VECTOR_ADDRESS %i
    .endif
    .set i, i + 1
    .endr
    .text

// Frame on entry: vector, error code, then the CPU's RIP, CS, RFLAGS, RSP, SS.
    .globl alltraps
    .type alltraps, @function
alltraps:
    cld                     // the SysV ABI wants DF = 0 in C
    testb $3, 24(%rsp)      // came from user mode (CS.RPL = 3)?
    jz 1f
    swapgs                  // GS.base <- this CPU's struct cpu (SDM Vol. 2B, SWAPGS)
1:  clac                    // an interrupt gate keeps AC: close SMAP's window
    SAVE_REGS
    mov %rsp, %rdi
    call trap
    .globl trapret
trapret:
    cli                     // GS must not change under an interrupt from here on
    RESTORE_REGS
    testb $3, 24(%rsp)
    jz 2f
    swapgs                  // back to the user's GS.base
2:  add $16, %rsp           // vector and error code
    iretq
    .size alltraps, . - alltraps

// NMI (on IST2 unless ist=off). It may arrive anywhere, even between SYSCALL
// and SWAPGS, so it never touches GS: the handler finds its CPU by APIC ID.
    .globl nmi_entry
    .type nmi_entry, @function
nmi_entry:
    pushq $0
    pushq $2
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call nmi_handler
    RESTORE_REGS
    add $16, %rsp
    iretq
    .size nmi_entry, . - nmi_entry

// Double fault (on IST1 unless ist=off): an abort, the handler never returns.
    .globl double_fault_entry
    .type double_fault_entry, @function
double_fault_entry:
    pushq $8
    cld
    SAVE_REGS
    mov %rsp, %rdi
    call double_fault
    .size double_fault_entry, . - double_fault_entry

// SYSCALL (SDM Vol. 2B, SYSCALL): RCX = user RIP, R11 = user RFLAGS, RFLAGS
// masked by FMASK (IF, DF, TF, AC now clear), CS/SS from STAR, CPL 0. RSP is
// still the user's: switch to this task's kernel stack through per-CPU data.
    .globl syscall_entry
    .type syscall_entry, @function
syscall_entry:
    swapgs
    mov %rsp, %gs:CPU_USER_RSP
    mov %gs:CPU_KSTACK_TOP, %rsp
    pushq $USER_DS_SEL          // build what an interrupt from CPL 3 would push
    pushq %gs:CPU_USER_RSP
    pushq %r11
    pushq $USER_CS_SEL
    pushq %rcx
    pushq $0
    pushq $T_SYSCALL_VEC
    SAVE_REGS
    mov %rsp, %rdi
    sti
    call syscall            // returns nonzero when every register must be restored
    cli
    test %eax, %eax
    jnz trapret
    // SYSRET: RIP = RCX, RFLAGS = R11, CS/SS from STAR (SDM Vol. 2B, SYSRET).
    // RCX and R11 belong to the kernel here, as the syscall ABI says. A
    // non-canonical RCX would make SYSRET raise #GP at CPL 0 on the user's
    // stack; it cannot happen: no user page is mapped at or above USER_TOP,
    // one page below the canonical boundary, so the instruction after a
    // SYSCALL is always at a canonical address.
    // (sigreturn, which sets RIP from user memory, returns through IRETQ.)
    RESTORE_REGS
    add $16, %rsp           // vector and error code
    popq %rcx               // user RIP
    add $8, %rsp            // CS
    popq %r11               // user RFLAGS
    popq %rsp               // user RSP
    swapgs
    sysretq
    .size syscall_entry, . - syscall_entry

// void swtch(struct context **old, struct context *new)
// Save the callee-saved registers on this stack, store the stack pointer in
// *old, load new as the stack pointer and pop its registers; the ret then
// continues wherever that stack last called swtch (or at a new task's start).
    .globl swtch
    .type swtch, @function
swtch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size swtch, . - swtch

// void save_registers(struct trapframe *tf): the caller's registers, for panic().
    .globl save_registers
    .type save_registers, @function
save_registers:
    mov %r15, 0(%rdi)
    mov %r14, 8(%rdi)
    mov %r13, 16(%rdi)
    mov %r12, 24(%rdi)
    mov %r11, 32(%rdi)
    mov %r10, 40(%rdi)
    mov %r9, 48(%rdi)
    mov %r8, 56(%rdi)
    mov %rdi, 64(%rdi)
    mov %rsi, 72(%rdi)
    mov %rbp, 80(%rdi)
    mov %rdx, 88(%rdi)
    mov %rcx, 96(%rdi)
    mov %rbx, 104(%rdi)
    mov %rax, 112(%rdi)
    movq $0, 120(%rdi)      // vector
    movq $0, 128(%rdi)      // error
    mov (%rsp), %rax
    mov %rax, 136(%rdi)     // rip: the caller
    mov %cs, %eax
    mov %rax, 144(%rdi)
    pushfq
    popq 152(%rdi)
    lea 8(%rsp), %rax
    mov %rax, 160(%rdi)     // rsp of the caller
    mov %ss, %eax
    mov %rax, 168(%rdi)
    mov 112(%rdi), %rax
    ret
    .size save_registers, . - save_registers
