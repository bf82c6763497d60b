/*
** Benchmark data: a deterministic generator of response and
** customer CSVs, the same bytes for the same arguments on every machine.
**
**   gen responses ROWS CUSTOMERS [SEGMENTS] FILE
**       response_id,customer_id,segment,wave,submitted_at,nps,q1..q10,
**       comment
**   gen customers CUSTOMERS [SEGMENTS] FILE
**       id,segment,name,lang,channel,email,consent
**
** Responses: nps 0..10 and q1..q10 on 1..5 driven by one latent
** satisfaction per row (so Cronbach's alpha is meaningful) with a shift
** per segment (so segments differ); about 3% of q cells empty ("no
** experience"); about 20% of rows carry a quoted comment with a comma,
** 30% a plain one. The customer of a row is drawn from CUSTOMERS ids and
** its segment column is that customer's: 20 segments of equal size, or,
** given SEGMENTS, that many of unequal size (segment k holds a share of
** the customers proportional to k), as real segmentations are.
*/
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_SEGMENTS = 20, N_ITEMS = 10 };

/* splitmix64: tiny, seedable, and the same on every platform. */
typedef struct rng {
  uint64_t s;
} rng;

static uint64_t next64(rng *r)
{
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static double uniform(rng *r)
{
  return (double)(next64(r) >> 11) * (1.0 / 9007199254740992.0);
}

static unsigned below(rng *r, unsigned n)
{
  return (unsigned)(next64(r) % n);
}

/*
** The segment of customer i among n (0: the 20 equal ones): fixed, so
** both files agree without sharing state.
*/
static unsigned segment_of(uint64_t i, unsigned n)
{
  if (!n)
    return (unsigned)((i * 7u + i / 3u) % N_SEGMENTS) + 1u;
  rng r = {i};
  uint64_t w = next64(&r) % ((uint64_t)n * (n + 1) / 2);
  unsigned k = 1;
  while (w >= k)
    w -= k++;
  return k;
}

static int clampi(int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Sum of three uniforms, centred: a cheap bell shape in (-1.5, 1.5). */
static double bell(rng *r)
{
  return uniform(r) + uniform(r) + uniform(r) - 1.5;
}

static const char *const plain[] = {
    "Good service", "Too slow", "Friendly staff", "Will come back",
    "Long queue",   "Great",    "Price too high", "Clean shop",
};
static const char *const quoted[] = {
    "Fast, friendly and clean",
    "Nice staff, but the queue was long",
    "Ok, nothing special",
    "Slow, and nobody answered the phone",
    "Great prices, great people",
};

static int responses(uint64_t rows, uint64_t customers, unsigned segments,
                     FILE *f)
{
  rng r = {0x6d656a6f7261u}; /* "mejora" */
  fputs("response_id,customer_id,segment,wave,submitted_at,nps", f);
  for (int q = 1; q <= N_ITEMS; q++)
    fprintf(f, ",q%d", q);
  fputs(",comment\n", f);
  for (uint64_t i = 1; i <= rows; i++) {
    uint64_t c = 1 + next64(&r) % customers;
    unsigned seg = segment_of(c, segments);
    /* Segments 1..20 (or 1..SEGMENTS) range from unhappy to happy. */
    double mid = segments ? (segments + 1) / 2.0 : 10.5;
    double shift = ((double)seg - mid) * 0.05;
    double sat = bell(&r) * 0.9 + shift;
    unsigned day = 1 + below(&r, 30), sec = below(&r, 86400);
    fprintf(f, "R%08" PRIu64 ",C%06" PRIu64 ",seg%02u,2026-11,"
               "2026-11-%02uT%02u:%02u:%02uZ,",
            i, c, seg, day, sec / 3600, sec / 60 % 60, sec % 60);
    int nps = clampi((int)(7.5 + 3.0 * sat + 1.6 * bell(&r) + 0.5), 0, 10);
    fprintf(f, "%d", nps);
    for (int q = 0; q < N_ITEMS; q++) {
      if (uniform(&r) < 0.03) {
        fputc(',', f); /* no experience */
        continue;
      }
      /* Items load 0.6..1.05 on the latent satisfaction. */
      double load = 0.6 + 0.05 * q;
      int v = clampi((int)(3.6 + 1.4 * load * sat + 0.9 * bell(&r) + 0.5), 1,
                     5);
      fprintf(f, ",%d", v);
    }
    double u = uniform(&r);
    if (u < 0.2)
      fprintf(f, ",\"%s\"\n", quoted[below(&r, 5)]);
    else if (u < 0.5)
      fprintf(f, ",%s\n", plain[below(&r, 8)]);
    else
      fputs(",\n", f);
  }
  return ferror(f) ? -1 : 0;
}

static int customer_file(uint64_t n, unsigned segments, FILE *f)
{
  static const char *const langs[] = {"es", "en", "ca"};
  static const char *const channels[] = {"shop", "web", "phone"};
  fputs("id,segment,name,lang,channel,email,consent\n", f);
  for (uint64_t i = 1; i <= n; i++)
    fprintf(f,
            "C%06" PRIu64 ",seg%02u,Customer %" PRIu64
            ",%s,%s,c%" PRIu64 "@example.com,%d\n",
            i, segment_of(i, segments), i, langs[i % 3], channels[i / 3 % 3],
            i, i % 50 != 0);
  return ferror(f) ? -1 : 0;
}

/* "10k", "1M", "2500": a count, or 0 when it is none. */
static uint64_t count(const char *s)
{
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end == 'k' || *end == 'K')
    v *= 1000, end++;
  else if (*end == 'M' || *end == 'm')
    v *= 1000000, end++;
  return *end || end == s ? 0 : (uint64_t)v;
}

int main(int argc, char **argv)
{
  int resp = (argc == 5 || argc == 6) && strcmp(argv[1], "responses") == 0;
  int cust = (argc == 4 || argc == 5) && strcmp(argv[1], "customers") == 0;
  uint64_t a = argc > 2 ? count(argv[2]) : 0;
  uint64_t b = resp ? count(argv[3]) : 1;
  /* SEGMENTS, when given, is the argument before FILE. */
  int with_segments = argc == (resp ? 6 : 5);
  uint64_t s = with_segments ? count(argv[argc - 2]) : 0;
  if ((!resp && !cust) || !a || !b || (with_segments && (!s || s > 99))) {
    fputs("usage: gen responses ROWS CUSTOMERS [SEGMENTS] FILE\n"
          "       gen customers CUSTOMERS [SEGMENTS] FILE\n",
          stderr);
    return 2;
  }
  const char *path = argv[argc - 1];
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 1;
  }
  static char buf[1 << 16];
  setvbuf(f, buf, _IOFBF, sizeof buf);
  int rc = resp ? responses(a, b, (unsigned)s, f)
                 : customer_file(a, (unsigned)s, f);
  if (fclose(f) != 0 || rc != 0) {
    perror(path);
    return 1;
  }
  return 0;
}
