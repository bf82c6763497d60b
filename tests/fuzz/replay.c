/*
** make check's fuzz replay: every seed of one target's corpus and every
** input that once crashed it, fed to the target's LLVMFuzzerTestOneInput
** in a plain build (no clang needed), one TAP line each. A crash, a
** sanitizer report or a broken invariant ends the run and fails it.
** Arguments, if any, are files to replay instead (to try a new crash).
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tap.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET names the target (csv, json, ...)"
#endif

typedef struct inputs {
  char **v;
  size_t n, cap;
} inputs;

static void add(inputs *in, const char *path)
{
  if (in->n == in->cap) {
    in->cap = in->cap ? 2 * in->cap : 64;
    in->v = realloc(in->v, in->cap * sizeof *in->v);
    if (!in->v)
      bail("out of memory");
  }
  if (!(in->v[in->n++] = strdup(path)))
    bail("out of memory");
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir (none when it does not exist), in name order. */
static void add_dir(inputs *in, const char *dir)
{
  DIR *d = opendir(dir);
  if (!d)
    return;
  size_t from = in->n;
  struct dirent *de;
  while ((de = readdir(d)))
    if (de->d_name[0] != '.') {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
      add(in, path);
    }
  closedir(d);
  if (in->n > from)
    qsort(in->v + from, in->n - from, sizeof *in->v, by_name);
}

static unsigned char *slurp(const char *path, size_t *size)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  unsigned char *buf = NULL;
  size_t n = 0, cap = 0, got;
  do {
    if (n == cap) {
      cap = cap ? 2 * cap : 4096;
      unsigned char *b = realloc(buf, cap);
      if (!b) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = b;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got);
  fclose(f);
  *size = n;
  return buf ? buf : malloc(1);
}

int main(int argc, char **argv)
{
  inputs in = {0};
  if (argc > 1) {
    for (int i = 1; i < argc; i++)
      add(&in, argv[i]);
  } else {
    const char *top = getenv("top_srcdir");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", top ? top : ".",
             FUZZ_TARGET);
    add_dir(&in, dir);
    size_t seeds = in.n;
    snprintf(dir, sizeof dir, "%s/tests/fuzz/crashes/%s", top ? top : ".",
             FUZZ_TARGET);
    add_dir(&in, dir);
    if (seeds == 0)
      bail("no seeds in tests/fuzz/corpus/%s (is top_srcdir set?)",
           FUZZ_TARGET);
  }
  plan((int)in.n);
  for (size_t i = 0; i < in.n; i++) {
    size_t size = 0;
    unsigned char *data = slurp(in.v[i], &size);
    if (!data)
      bail("cannot read %s", in.v[i]);
    const char *shown = strstr(in.v[i], "tests/fuzz/");
    is_int(0, LLVMFuzzerTestOneInput(data, size), "%s: %s", FUZZ_TARGET,
           shown ? shown + strlen("tests/fuzz/") : in.v[i]);
    free(data);
    free(in.v[i]);
  }
  free(in.v);
  return tap_done();
}
