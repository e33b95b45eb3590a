// File descriptors: the console (fd 0 reads the serial line, fds 1 and 2
// write to it) and the crash lab device.
//
// write(fd, buf, n) is the article's example of a call that must trust
// nothing: the fd must be open in this process and writable, n must be
// reasonable, and [buf, buf + n) must lie in user space without wrapping
// around; then the copy may still fault on an unmapped page, which the
// exception table turns into -EFAULT.
#include "defs.h"
#include "proc.h"
#include "uaccess.h"

void fd_init_console(struct proc *p)
{
    p->fds[0] = (struct fd){ FD_CONSOLE, 1, 0 };
    p->fds[1] = (struct fd){ FD_CONSOLE, 0, 1 };
    p->fds[2] = (struct fd){ FD_CONSOLE, 0, 1 };
}

// The caller's open file fd, or NULL. fd is a C int: only the low 32 bits of
// its register count.
static struct fd *fd_lookup(u64 ufd)
{
    struct proc *p = myproc();
    int fd = (int)ufd;
    if (fd < 0 || fd >= NOFILE || p->fds[fd].kind == FD_NONE)
        return NULL;
    return &p->fds[fd];
}

long sys_write(u64 fd, u64 buf, u64 n)
{
    struct fd *f = fd_lookup(fd);
    if (!f || !f->writable)
        return -EBADF;
    if (n > RW_MAX)
        return -EINVAL;
    if (!access_ok(buf, n))
        return -EFAULT;
    // Copy in chunks through a kernel buffer; the console never sees user
    // memory directly.
    char chunk[256];
    u64 done = 0;
    while (done < n) {
        u64 len = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
        if (copy_from_user(chunk, (void *)(buf + done), len) < 0)
            return done ? (long)done : -EFAULT;
        console_write(chunk, len);
        done += len;
    }
    return (long)done;
}

long sys_read(u64 fd, u64 buf, u64 n)
{
    struct fd *f = fd_lookup(fd);
    if (!f || !f->readable)
        return -EBADF;
    if (n > RW_MAX)
        return -EINVAL;
    if (!access_ok(buf, n))
        return -EFAULT;
    if (n == 0)
        return 0;
    char chunk[256];
    int got = console_read(chunk, n < sizeof(chunk) ? n : sizeof(chunk));
    if (got < 0)
        return got;
    if (copy_to_user((void *)buf, chunk, (size_t)got) < 0)
        return -EFAULT;
    return got;
}

long sys_open(u64 upath, u64 flags)
{
    char path[MAXPATH];
    long len = strncpy_from_user(path, (const char *)upath, sizeof(path));
    if (len < 0)
        return len;
    u64 mode = flags & 3;
    if (mode > O_RDWR)
        return -EINVAL;
    enum fdkind kind;
    if (strcmp(path, "/dev/console") == 0)
        kind = FD_CONSOLE;
    else if (strcmp(path, "/dev/crashlab") == 0)
        kind = FD_CRASHLAB;
    else
        return -ENOENT;
    struct proc *p = myproc();
    for (int fd = 0; fd < NOFILE; fd++) {
        if (p->fds[fd].kind == FD_NONE) {
            p->fds[fd] = (struct fd){ (u8)kind, mode != O_WRONLY, mode != O_RDONLY };
            return fd;
        }
    }
    return -EMFILE;
}

long sys_close(u64 fd)
{
    struct fd *f = fd_lookup(fd);
    if (!f)
        return -EBADF;
    f->kind = FD_NONE;
    return 0;
}

long sys_ioctl(u64 fd, u64 cmd, u64 arg)
{
    struct fd *f = fd_lookup(fd);
    if (!f)
        return -EBADF;
    if (f->kind == FD_CRASHLAB)
        return crashlab_ioctl(cmd, arg);
    return -ENOTTY;
}
