// Runs instruction bytes on the host CPU for the differential tests (tests/x86/differential.test.ts).
//
// Built with gcc at test time. Reads cases from stdin and writes one result per case to stdout,
// both in little-endian binary (layouts below, mirrored in host.ts). For each case it clears the
// guest region, copies the code to CODE_ADDR followed by an indirect jump to exit_stub, copies the
// memory window to WIN_ADDR, loads all 16 GPRs and RFLAGS, and jumps to the code. exit_stub saves
// the 16 GPRs and RFLAGS without touching memory outside the control page, then returns to C.
// A fault (SIGFPE, SIGILL, SIGSEGV, SIGBUS) is caught on an alternate stack and reported as the
// signal number; the region is reset per case so a faulting case cannot affect the next one.
//
// case:   u32 code_len, u8 code[code_len], u64 regs[16], u64 rflags, u8 window[WIN_SIZE]
// result: u32 status (0 or signal), u64 regs[16], u64 rflags, u8 window[WIN_SIZE], u64 outside_hash
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define REGION_ADDR 0x10000000UL /* code page, then the data pages: the emulator maps the same */
#define REGION_SIZE 0x4000UL
#define CODE_ADDR REGION_ADDR
#define WIN_ADDR (REGION_ADDR + 0x1000UL)
#define WIN_SIZE 1024
#define CTRL_ADDR 0x30000000UL /* control page: register images, host RSP, a scratch stack */
#define MAX_CODE 4000

// Control page layout (offsets): in regs 0x000, in flags 0x080, out regs 0x100, out flags 0x180,
// host rsp 0x200, exit target 0x208, scratch stack top 0x800.
__asm__(
  ".text\n"
  ".globl run_case\n"
  "run_case:\n"
  "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
  "  mov %rsp, 0x30000200\n"
  "  mov $0x30000800, %rsp\n"
  "  pushq 0x30000080\n"
  "  popfq\n"
  "  mov 0x30000000, %rax\n mov 0x30000008, %rcx\n mov 0x30000010, %rdx\n mov 0x30000018, %rbx\n"
  "  mov 0x30000028, %rbp\n mov 0x30000030, %rsi\n mov 0x30000038, %rdi\n"
  "  mov 0x30000040, %r8\n mov 0x30000048, %r9\n mov 0x30000050, %r10\n mov 0x30000058, %r11\n"
  "  mov 0x30000060, %r12\n mov 0x30000068, %r13\n mov 0x30000070, %r14\n mov 0x30000078, %r15\n"
  "  mov 0x30000020, %rsp\n"
  "  jmp *0x30000300\n"
  ".globl exit_stub\n"
  "exit_stub:\n"
  "  mov %rax, 0x30000100\n mov %rcx, 0x30000108\n mov %rdx, 0x30000110\n mov %rbx, 0x30000118\n"
  "  mov %rsp, 0x30000120\n mov %rbp, 0x30000128\n mov %rsi, 0x30000130\n mov %rdi, 0x30000138\n"
  "  mov %r8, 0x30000140\n mov %r9, 0x30000148\n mov %r10, 0x30000150\n mov %r11, 0x30000158\n"
  "  mov %r12, 0x30000160\n mov %r13, 0x30000168\n mov %r14, 0x30000170\n mov %r15, 0x30000178\n"
  "  mov $0x30000800, %rsp\n"
  "  pushfq\n"
  "  popq 0x30000180\n"
  "  cld\n"
  "  mov 0x30000200, %rsp\n"
  "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
  "  ret\n");

void run_case(void);
void exit_stub(void);

static sigjmp_buf recover;
static volatile sig_atomic_t caught;

static void on_fault(int sig) {
  caught = sig;
  siglongjmp(recover, 1);
}

static int read_all(void *p, size_t n) { return fread(p, 1, n, stdin) == n; }

int main(void) {
  uint8_t *region = mmap((void *)REGION_ADDR, REGION_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  uint8_t *ctrl = mmap((void *)CTRL_ADDR, 0x1000, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (region != (void *)REGION_ADDR || ctrl != (void *)CTRL_ADDR) {
    fprintf(stderr, "host_runner: cannot map fixed addresses\n");
    return 2;
  }
  static uint8_t altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sa.sa_flags = SA_ONSTACK | SA_NODEFER;
  sigaction(SIGFPE, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  sigaction(SIGTRAP, &sa, 0);

  static uint8_t code[MAX_CODE + 16];
  uint64_t *ctl = (uint64_t *)ctrl;
  for (;;) {
    uint32_t len;
    if (!read_all(&len, 4)) break;
    if (len > MAX_CODE || !read_all(code, len) || !read_all(ctrl + 0x000, 128) ||
        !read_all(ctrl + 0x080, 8)) {
      fprintf(stderr, "host_runner: bad case\n");
      return 2;
    }
    memset(region, 0, REGION_SIZE);
    if (!read_all(region + (WIN_ADDR - REGION_ADDR), WIN_SIZE)) return 2;
    memcpy(region, code, len);
    // jmp qword ptr [0x30000208]  (FF 24 25 disp32): leaves registers and flags untouched.
    const uint8_t jmp[] = {0xff, 0x24, 0x25, 0x08, 0x02, 0x00, 0x30};
    memcpy(region + len, jmp, sizeof jmp);
    ctl[0x208 / 8] = (uint64_t)(uintptr_t)exit_stub;
    ctl[0x300 / 8] = CODE_ADDR;
    caught = 0;
    if (sigsetjmp(recover, 1) == 0) run_case();
    __asm__ volatile("cld");
    uint32_t status = (uint32_t)caught;
    fwrite(&status, 4, 1, stdout);
    if (status) memset(ctrl + 0x100, 0, 136);
    fwrite(ctrl + 0x100, 8, 17, stdout);
    fwrite(region + (WIN_ADDR - REGION_ADDR), 1, WIN_SIZE, stdout);
    // FNV-1a over everything in the data pages outside the window, to catch stray writes.
    uint64_t h = 1469598103934665603ULL;
    for (size_t k = 0x1000; k < REGION_SIZE; k++) {
      if (k >= WIN_ADDR - REGION_ADDR && k < WIN_ADDR - REGION_ADDR + WIN_SIZE) continue;
      h = (h ^ region[k]) * 1099511627211ULL;
    }
    fwrite(&h, 8, 1, stdout);
  }
  fflush(stdout);
  return 0;
}
