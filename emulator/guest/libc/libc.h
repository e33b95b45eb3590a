// The tiny libc: system call wrappers (errors are returned as -errno, there
// is no errno variable), string functions and printf.
#ifndef LIBC_H
#define LIBC_H
#include "types.h"
#include "string.h"
#include "abi.h"

long read(int fd, void *buf, size_t n);
long write(int fd, const void *buf, size_t n);
int open(const char *path, int flags);
int close(int fd);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int munmap(void *addr, size_t len);
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int sigprocmask(int how, const unsigned long *set, unsigned long *old);
int sigaltstack(const stack_t *ss, stack_t *old);
int ioctl(int fd, unsigned long cmd, void *arg);
int yield(void);
int sleep_ms(unsigned long ms);
int getpid(void);
void exit(int status) __attribute__((noreturn));
int wait(int *status);
int kill(int pid, int sig);
int spawn(const char *path, char *const argv[]);

// Install a handler taking (sig, info, context), with the libc's trampoline.
int signal_handler(int sig, void (*handler)(int, struct siginfo *, struct ucontext *), unsigned long flags);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errno_name(long err);       // "EFAULT" for -14
const char *signal_name(int sig);       // "SIGSEGV" for 11

#endif
