/*
** TAP output for the C tests.
*/
#define _GNU_SOURCE
#include "tap.h"

#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int planned = -1, run = 0, failed = 0;

void plan(int n)
{
  planned = n;
  printf("1..%d\n", n);
  fflush(stdout);
}

static int report(int cond, const char *fmt, va_list ap)
{
  run++;
  if (!cond)
    failed++;
  printf("%sok %d - ", cond ? "" : "not ", run);
  vprintf(fmt, ap);
  printf("\n");
  fflush(stdout);
  return cond;
}

int ok(int cond, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  report(cond, fmt, ap);
  va_end(ap);
  return cond;
}

int is_int(long long want, long long got, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = report(want == got, fmt, ap);
  va_end(ap);
  if (!r)
    diag("    wanted: %lld\n           got: %lld", want, got);
  return r;
}

int is_double(double want, double got, double tol, const char *fmt, ...)
{
  int cond = (isnan(want) && isnan(got)) || fabs(got - want) <= tol;
  va_list ap;
  va_start(ap, fmt);
  int r = report(cond, fmt, ap);
  va_end(ap);
  if (!r)
    diag("    wanted: %.15g (tolerance %g)\n           got: %.15g", want, tol,
         got);
  return r;
}

int is_rel(double want, double got, double rel, const char *fmt, ...)
{
  double scale = fabs(want) > 1 ? fabs(want) : 1;
  int cond = (isnan(want) && isnan(got)) || fabs(got - want) <= rel * scale;
  va_list ap;
  va_start(ap, fmt);
  int r = report(cond, fmt, ap);
  va_end(ap);
  if (!r)
    diag("    wanted: %.15g (relative %g)\n           got: %.15g", want, rel,
         got);
  return r;
}

int is_string(const char *want, const char *got, const char *fmt, ...)
{
  int cond = want && got ? strcmp(want, got) == 0 : want == got;
  va_list ap;
  va_start(ap, fmt);
  int r = report(cond, fmt, ap);
  va_end(ap);
  if (!r)
    diag("    wanted: %s\n           got: %s", want ? want : "(null)",
         got ? got : "(null)");
  return r;
}

int contains(const char *haystack, const char *needle, const char *fmt, ...)
{
  int cond = haystack && needle && strstr(haystack, needle) != NULL;
  va_list ap;
  va_start(ap, fmt);
  int r = report(cond, fmt, ap);
  va_end(ap);
  if (!r)
    diag("    wanted text containing: %s\n           got: %s",
         needle ? needle : "(null)", haystack ? haystack : "(null)");
  return r;
}

void diag(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fflush(stdout);
  printf("# ");
  vprintf(fmt, ap);
  printf("\n");
  fflush(stdout);
  va_end(ap);
}

void bail(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  printf("Bail out! ");
  vprintf(fmt, ap);
  printf("\n");
  fflush(stdout);
  va_end(ap);
  exit(255);
}

int tap_done(void)
{
  if (planned >= 0 && run != planned) {
    diag("planned %d tests but ran %d", planned, run);
    return 1;
  }
  return failed ? 1 : 0;
}

char *tap_slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
      }
      buf = nb;
    }
  }
  fclose(f);
  if (!buf)
    return NULL;
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

char *tap_tmpdir(const char *tag)
{
  const char *base = getenv("TMPDIR");
  char tmpl[4096];
  snprintf(tmpl, sizeof tmpl, "%s/mj-%s-XXXXXX", base ? base : "/tmp", tag);
  if (!mkdtemp(tmpl))
    bail("cannot create a temporary directory %s", tmpl);
  return strdup(tmpl);
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

void tap_rmtree(const char *path)
{
  if (path)
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void tap_write(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0)
    bail("cannot write %s", path);
}
