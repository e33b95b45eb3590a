// The user-memory accessors system calls use: range check with access_ok,
// then the faultable instructions of uaccess.S. Either the copy completes or
// the call returns -EFAULT; a bad user pointer never becomes a kernel oops.
#include "defs.h"
#include "uaccess.h"

int copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (!access_ok((u64)usrc, n))
        return -EFAULT;
    return copy_user_raw(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
    if (!access_ok((u64)udst, n))
        return -EFAULT;
    return copy_user_raw(udst, src, n) ? -EFAULT : 0;
}

int get_user(u64 *out, const void *uaddr)
{
    if (!access_ok((u64)uaddr, sizeof(u64)))
        return -EFAULT;
    return get_user_8(out, uaddr);
}

int put_user(void *uaddr, u64 value)
{
    if (!access_ok((u64)uaddr, sizeof(u64)))
        return -EFAULT;
    return put_user_8(uaddr, value);
}

// Copy a NUL-terminated string of at most max-1 bytes. Returns its length,
// -EFAULT, or -EINVAL if no NUL came within max bytes.
long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        u8 c;
        if (!access_ok((u64)usrc + i, 1) || get_user_1(&c, usrc + i) != 0)
            return -EFAULT;
        dst[i] = (char)c;
        if (c == 0)
            return (long)i;
    }
    return -EINVAL;
}
