// Libc-like code for the decoder cross-check (tests/x86/decoder_objdump.test.ts): compiled with
// gcc -O2 -mgeneral-regs-only -ffreestanding, its .text is decoded by the emulator and by objdump,
// and the whole program also runs in the emulator and natively, with the same result.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *my_memcpy(void *restrict d, const void *restrict s, size_t n) {
  unsigned char *dp = d;
  const unsigned char *sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}

void *my_memmove(void *d, const void *s, size_t n) {
  unsigned char *dp = d;
  const unsigned char *sp = s;
  if (dp < sp) while (n--) *dp++ = *sp++;
  else while (n--) dp[n] = sp[n];
  return d;
}

void *my_memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

size_t my_strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

int my_strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

int my_strncmp(const char *a, const char *b, size_t n) {
  for (; n; n--, a++, b++) {
    if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
    if (!*a) return 0;
  }
  return 0;
}

char *my_strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c) return (char *)s;
    if (!*s) return 0;
  }
}

char *my_strstr(const char *h, const char *n) {
  size_t ln = my_strlen(n);
  if (!ln) return (char *)h;
  for (; *h; h++)
    if (*h == *n && !my_strncmp(h, n, ln)) return (char *)h;
  return 0;
}

long my_strtol(const char *s, char **end, int base) {
  long v = 0;
  int neg = 0;
  while (*s == ' ' || *s == '\t') s++;
  if (*s == '-') neg = 1, s++;
  else if (*s == '+') s++;
  if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2, base = 16;
  if (base == 0) base = 10;
  for (;; s++) {
    int d;
    if (*s >= '0' && *s <= '9') d = *s - '0';
    else if (*s >= 'a' && *s <= 'z') d = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'Z') d = *s - 'A' + 10;
    else break;
    if (d >= base) break;
    v = v * base + d;
  }
  if (end) *end = (char *)s;
  return neg ? -v : v;
}

static void swap_bytes(char *a, char *b, size_t n) {
  while (n--) { char t = *a; *a++ = *b; *b++ = t; }
}

void my_qsort(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *)) {
  char *b = base;
  while (n > 1) {
    if (n < 8) {
      for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(b + (j - 1) * sz, b + j * sz) > 0; j--) swap_bytes(b + (j - 1) * sz, b + j * sz, sz);
      return;
    }
    swap_bytes(b, b + (n / 2) * sz, sz);
    size_t last = 0;
    for (size_t i = 1; i < n; i++)
      if (cmp(b + i * sz, b) < 0) swap_bytes(b + ++last * sz, b + i * sz, sz);
    swap_bytes(b, b + last * sz, sz);
    my_qsort(b, last, sz, cmp);
    b += (last + 1) * sz;
    n -= last + 1;
  }
}

uint32_t crc32(const void *data, size_t n) {
  const uint8_t *p = data;
  uint32_t c = 0xffffffffu;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
  }
  return ~c;
}

uint64_t fnv1a64(const void *data, size_t n) {
  const uint8_t *p = data;
  uint64_t h = 14695981039346656037ull;
  while (n--) h = (h ^ *p++) * 1099511628211ull;
  return h;
}

// A small vsnprintf: %d %i %u %x %X %o %c %s %p %% with l/ll/z, width, zero padding, '-'.
static char *fmt_num(char *o, char *end, unsigned long long v, int base, int upper, int neg, int width, int zero, int left) {
  char tmp[24];
  int n = 0;
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do { tmp[n++] = digits[v % (unsigned)base]; v /= (unsigned)base; } while (v);
  if (neg) tmp[n++] = '-';
  int pad = width > n ? width - n : 0;
  if (!left) while (pad-- > 0 && o < end) *o++ = zero ? '0' : ' ';
  while (n && o < end) *o++ = tmp[--n];
  if (left) while (pad-- > 0 && o < end) *o++ = ' ';
  return o;
}

int my_vsnprintf(char *buf, size_t size, const char *f, va_list ap) {
  char *o = buf, *end = buf + (size ? size - 1 : 0);
  for (; *f; f++) {
    if (*f != '%') { if (o < end) *o++ = *f; continue; }
    f++;
    int left = 0, zero = 0, width = 0, lng = 0;
    if (*f == '-') left = 1, f++;
    if (*f == '0') zero = 1, f++;
    while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    while (*f == 'l' || *f == 'z') lng++, f++;
    switch (*f) {
      case 'd': case 'i': {
        long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
        o = fmt_num(o, end, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, 0, v < 0, width, zero, left);
        break;
      }
      case 'u': case 'x': case 'X': case 'o': {
        unsigned long long v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
        int base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
        o = fmt_num(o, end, v, base, *f == 'X', 0, width, zero, left);
        break;
      }
      case 'p': o = fmt_num(o, end, (uintptr_t)va_arg(ap, void *), 16, 0, 0, 16, 1, 0); break;
      case 'c': if (o < end) *o++ = (char)va_arg(ap, int); break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        if (!s) s = "(null)";
        int n = (int)my_strlen(s);
        int pad = width > n ? width - n : 0;
        if (!left) while (pad-- > 0 && o < end) *o++ = ' ';
        while (*s && o < end) *o++ = *s++;
        if (left) while (pad-- > 0 && o < end) *o++ = ' ';
        break;
      }
      case '%': if (o < end) *o++ = '%'; break;
      default: if (o < end) *o++ = '?'; break;
    }
  }
  if (size) *o = 0;
  return (int)(o - buf);
}

int my_snprintf(char *buf, size_t size, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int n = my_vsnprintf(buf, size, f, ap);
  va_end(ap);
  return n;
}

// A dense switch: gcc makes a jump table (an indirect jmp through a RIP-relative table).
int opcode_class(int op) {
  switch (op) {
    case 0: return 11; case 1: return 17; case 2: return 23; case 3: return 5;
    case 4: return 99; case 5: return 3; case 6: return 71; case 7: return 13;
    case 8: return 41; case 9: return 2; case 10: return 61; case 11: return 7;
    case 12: return 19; case 13: return 29; case 14: return 31; case 15: return 37;
    default: return -1;
  }
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b) {
  return my_strcmp(*(const char *const *)a, *(const char *const *)b);
}

int64_t mix(int64_t a, int64_t b, uint32_t c, int16_t d, int8_t e) {
  int64_t r = a * b + (int64_t)c / (d | 1) - (a >> (c & 63)) + ((uint64_t)b >> 7) + e;
  r ^= (int64_t)__builtin_bswap64((uint64_t)r);
  r += __builtin_clzll((uint64_t)r | 1) + __builtin_ctzll((uint64_t)a | 0x100000);
  r += (int64_t)((unsigned __int128)(uint64_t)a * (uint64_t)b >> 64);
  r -= (uint64_t)a % (uint64_t)(b | 1);
  r += a < b ? (r % 1000003) : (int64_t)((uint32_t)r / 77u);
  return r;
}

static char out[4096];
static int numbers[300];
static const char *words[] = {"kernel", "spinlock", "trap", "page", "fault", "lock", "panic", "sched", "proc", "vm",
                              "file", "pipe", "exec", "syscall", "uart", "timer"};

/** Runs everything; the result is a checksum of all outputs. */
uint64_t libc_like_main(void) {
  uint64_t h = 0;
  uint32_t seed = 12345;
  for (int i = 0; i < 300; i++) { seed = seed * 1103515245u + 12345u; numbers[i] = (int)(seed >> 8) - (1 << 22); }
  my_qsort(numbers, 300, sizeof numbers[0], cmp_int);
  for (int i = 1; i < 300; i++) if (numbers[i - 1] > numbers[i]) return 1;
  h ^= fnv1a64(numbers, sizeof numbers);
  const char *ws[16];
  my_memcpy(ws, words, sizeof words);
  my_qsort(ws, 16, sizeof ws[0], cmp_str);
  int n = 0;
  for (int i = 0; i < 16; i++)
    n += my_snprintf(out + n, sizeof out - (size_t)n, "%s:%d:%-6x|%05u|%c%ld %lld %zu %o %X%%\n", ws[i], i - 8, i * 4099,
                     (unsigned)i * 7, 'a' + i, (long)i * -123456789L, (long long)i << 40, (size_t)i, i * 8, i * 0xabcd);
  n += my_snprintf(out + n, sizeof out - (size_t)n, "%p %s\n", (void *)0x1234abcdULL, (const char *)0);
  h = h * 31 + crc32(out, (size_t)n);
  h = h * 31 + (uint64_t)(my_strstr(out, "spinlock") - out);
  h = h * 31 + (uint64_t)(my_strchr(out, '|') - out);
  h = h * 31 + (uint64_t)my_strtol("  -0x7fA9z", 0, 0) + (uint64_t)my_strtol("123456789", 0, 10);
  for (int i = -2; i < 18; i++) h = h * 31 + (uint64_t)opcode_class(i);
  for (int i = 0; i < 64; i++) h = h * 31 + (uint64_t)mix((int64_t)numbers[i] * 977, numbers[299 - i] | 1, (uint32_t)i * 2654435761u, (int16_t)(i * 1000), (int8_t)i);
  my_memmove(out + 3, out, 100);
  my_memmove(out, out + 7, 100);
  my_memset(out + 200, 'z', 33);
  h = h * 31 + fnv1a64(out, 400);
  return h;
}
