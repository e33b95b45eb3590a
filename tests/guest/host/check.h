// A tiny assertion harness for kernel code compiled for the host.
#ifndef CHECK_H
#define CHECK_H

int printf(const char *fmt, ...);
void exit(int status) __attribute__((noreturn));

static int checks_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);           \
            checks_failed++;                                                 \
        }                                                                    \
    } while (0)

#define CHECKS_DONE(name)                                                    \
    do {                                                                     \
        printf("%s: %s\n", name, checks_failed ? "FAILED" : "ok");           \
        return checks_failed ? 1 : 0;                                        \
    } while (0)

#endif
