// access_ok: the range check of every user pointer, without overflow.
#include "uaccess.h"
#include "check.h"

int main(void)
{
    CHECK(access_ok(0x400000, 4096));
    CHECK(access_ok(0, 0));
    CHECK(access_ok(USER_TOP - 16, 16));
    CHECK(access_ok(USER_TOP, 0));
    CHECK(!access_ok(USER_TOP - 16, 17));          // one byte too far
    CHECK(!access_ok(USER_TOP, 1));
    CHECK(!access_ok(0xffffffff80100000UL, 16));   // a kernel address
    CHECK(!access_ok(0x400000, (u64)-1));          // n = SIZE_MAX
    CHECK(!access_ok((u64)-16, 32));               // addr + n wraps to 16
    CHECK(!access_ok(0x1000, USER_TOP));           // ends past the top
    CHECK(access_ok(0, USER_TOP));                 // all of user space
    CHECKS_DONE("access_ok");
}
