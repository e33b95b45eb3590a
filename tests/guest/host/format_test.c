// vsnprintf, the formatter behind kprintf and the libc's printf.
#include "string.h"
#include "check.h"

static int same(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

int main(void)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%d %d %u %i", 42, -7, 4000000000u, 0);
    CHECK(same(buf, "42 -7 4000000000 0"));
    snprintf(buf, sizeof(buf), "%lx %016lx %X", 0xffffffff80100000UL, 0x1fUL, 0xabcu);
    CHECK(same(buf, "ffffffff80100000 000000000000001f ABC"));
    snprintf(buf, sizeof(buf), "%04lx:%08lx", 0x10UL, 0x246UL);
    CHECK(same(buf, "0010:00000246"));
    snprintf(buf, sizeof(buf), "[%-6s][%6s][%c%%]", "ab", "cd", 'x');
    CHECK(same(buf, "[ab    ][    cd][x%]"));
    const char *volatile nothing = 0;
    snprintf(buf, sizeof(buf), "%ld %05d %s", -9223372036854775807L - 1, -42, nothing);
    CHECK(same(buf, "-9223372036854775808 -0042 (null)"));
    snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
    CHECK(same(buf, "0000000000001234"));
    // Truncation: always terminated, and the return value is the full length.
    CHECK(snprintf(buf, 5, "%s", "truncated") == 9);
    CHECK(same(buf, "trun"));
    CHECKS_DONE("format");
}
