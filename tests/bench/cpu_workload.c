// The CPU benchmark's integer workload (tests/bench/cpu_bench.ts): a table CRC-32, a quicksort
// and a Horspool string search over a pseudo-random buffer. Freestanding: it runs in the
// emulator's flat address space and natively, built with the same gcc -O2 flags.
#include <stddef.h>
#include <stdint.h>

#define N 65536
static uint8_t buf[N];
static uint32_t keys[8192];
static uint32_t crc_table[256];

static uint32_t rng_state;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

static void quicksort(uint32_t *a, long lo, long hi) {
  while (lo < hi) {
    uint32_t pivot = a[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}

static long search(const uint8_t *h, size_t hn, const uint8_t *n, size_t nn) {
  size_t skip[256];
  for (int k = 0; k < 256; k++) skip[k] = nn;
  for (size_t k = 0; k + 1 < nn; k++) skip[n[k]] = nn - 1 - k;
  long count = 0;
  for (size_t i = 0; i + nn <= hn;) {
    size_t k = nn - 1;
    while (h[i + k] == n[k]) {
      if (k == 0) { count++; break; }
      k--;
    }
    i += skip[h[i + nn - 1]];
  }
  return count;
}

uint64_t bench_main(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    crc_table[i] = c;
  }
  rng_state = 2463534242u;
  // A buffer of words over a small alphabet, so searches find matches.
  for (size_t i = 0; i < N; i++) buf[i] = (uint8_t)("abcdefgh ijklmnop"[rnd() % 17]);
  uint64_t h = 0;
  for (int round = 0; round < 4; round++) {
    h = h * 31 + crc32(buf, N);
    for (size_t i = 0; i < 8192; i++) keys[i] = rnd();
    quicksort(keys, 0, 8191);
    for (size_t i = 1; i < 8192; i++) if (keys[i - 1] > keys[i]) return 0;
    h = h * 31 + keys[round * 100];
    static const char *needles[] = {"abc", "fgh ij", "p a", "hello", "ab", "mnop abc"};
    for (int k = 0; k < 6; k++) {
      size_t nn = 0;
      while (needles[k][nn]) nn++;
      h = h * 31 + (uint64_t)search(buf, N, (const uint8_t *)needles[k], nn);
    }
    buf[round * 977] ^= 0x5a;
  }
  return h;
}
