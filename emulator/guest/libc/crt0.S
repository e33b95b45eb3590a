// Program entry: the kernel starts a program here with RDI = argc, RSI = argv
// and RSP 16-byte aligned (kernel/exec.c).
    .section .text.start, "ax"
    .globl _start
_start:
    xor %ebp, %ebp          // end of the frame-pointer chain
    call main
    mov %eax, %edi
    call exit
    ud2
