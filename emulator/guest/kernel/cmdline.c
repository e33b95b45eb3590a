// The kernel command line: space-separated key=value words, as on Linux.
// Words after "--" are passed to init as its arguments.
#include "defs.h"

struct kconfig kconfig = {
    .ist = 1,
    .panic_on_oops = 1,
    .lockdep = 1,
    .watchdog = 1,
    .panic_ms = 0,
    .cpus = 8,
    .init = "init",
};

static char words[1024];    // the command line, cut into NUL-terminated words

static u64 parse_number(const char *s)
{
    u64 v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (u64)(*s++ - '0');
    return v;
}

static int parse_bool(const char *s, int fallback)
{
    if (strcmp(s, "on") == 0 || strcmp(s, "1") == 0)
        return 1;
    if (strcmp(s, "off") == 0 || strcmp(s, "0") == 0)
        return 0;
    return fallback;
}

// idt.omit=14 or idt.omit=8,14
static void parse_vector_list(const char *s)
{
    while (*s) {
        u64 v = parse_number(s);
        if (v < 256)
            kconfig.idt_omit[v] = 1;
        while (*s && *s != ',')
            s++;
        if (*s == ',')
            s++;
    }
}

static void apply(char *word)
{
    char *eq = strchr(word, '=');
    if (!eq)
        return;
    *eq = 0;
    const char *key = word, *value = eq + 1;
    if (strcmp(key, "idt.omit") == 0)
        parse_vector_list(value);
    else if (strcmp(key, "ist") == 0)
        kconfig.ist = parse_bool(value, 1);
    else if (strcmp(key, "panic_on_oops") == 0)
        kconfig.panic_on_oops = parse_bool(value, 1);
    else if (strcmp(key, "lockdep") == 0)
        kconfig.lockdep = parse_bool(value, 1);
    else if (strcmp(key, "watchdog") == 0)
        kconfig.watchdog = parse_bool(value, 1);
    else if (strcmp(key, "panic") == 0)
        kconfig.panic_ms = parse_number(value);
    else if (strcmp(key, "init") == 0)
        strlcpy(kconfig.init, value, sizeof(kconfig.init));
    else if (strcmp(key, "cpus") == 0)
        kconfig.cpus = (int)parse_number(value);
}

void cmdline_parse(const char *cmdline)
{
    strlcpy(words, cmdline, sizeof(words));
    int to_init = 0;
    char *p = words;
    while (*p) {
        while (*p == ' ')
            *p++ = 0;
        if (!*p)
            break;
        char *word = p;
        while (*p && *p != ' ')
            p++;
        if (*p)
            *p++ = 0;
        if (to_init) {
            if (kconfig.init_argc < (int)ARRAY_SIZE(kconfig.init_argv))
                kconfig.init_argv[kconfig.init_argc++] = word;
        } else if (strcmp(word, "--") == 0) {
            to_init = 1;
        } else {
            apply(word);
        }
    }
    if (kconfig.cpus < 1)
        kconfig.cpus = 1;
}
