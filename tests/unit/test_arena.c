/*
** Arena: alignment, zeroing, large blocks, strings, growing arrays.
*/
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "tap.h"

int main(void)
{
  plan(12);
  mj_arena a = {0};
  char *s = mj__arena_strdup(&a, "hello");
  is_string("hello", s, "strdup copies");
  ok(mj__arena_strdup(&a, NULL) == NULL, "strdup(NULL) is NULL");
  is_string("hel", mj__arena_strndup(&a, "hello", 3), "strndup cuts");
  double *d = mj__arena_alloc(&a, sizeof *d * 3);
  ok(((uintptr_t)d % alignof(max_align_t)) == 0, "allocations are aligned");
  ok(d[0] == 0 && d[1] == 0 && d[2] == 0, "allocations are zeroed");
  char *big = mj__arena_alloc(&a, 1 << 20);
  big[(1 << 20) - 1] = 'x';
  char *after = mj__arena_alloc(&a, 8);
  ok(big && after, "a large block leaves room for small ones");
  is_string("hello", s, "earlier strings survive later blocks");

  /* Strings pack unaligned; other allocations are still aligned after. */
  char *s1 = mj__arena_strdup(&a, "ab");
  char *s2 = mj__arena_strdup(&a, "cd");
  ok(s2 == s1 + 3, "strings pack without padding");
  d = mj__arena_alloc(&a, sizeof *d);
  ok(((uintptr_t)d % alignof(max_align_t)) == 0, "aligned after a string");

  /* A growing array keeps its contents, and small allocations in between
  ** do not land in it. */
  int *v = NULL;
  size_t cap = 0;
  int grew = 1;
  for (int i = 0; i < 100000 && grew; i++) {
    if ((size_t)i == cap) {
      cap = cap ? cap * 2 : 16;
      int *w = mj__arena_regrow(&a, v, cap * sizeof *w);
      grew = w != NULL;
      v = w;
      char *between = mj__arena_strdup(&a, "x");
      grew = grew && between &&
             (between < (char *)v || between >= (char *)(v + cap));
    }
    if (grew)
      v[i] = i;
  }
  ok(grew, "regrow to 100000 ints, small strings outside it");
  int same = 1;
  for (int i = 0; grew && i < 100000; i++)
    same = same && v[i] == i;
  ok(same, "contents kept across growth");
  v = mj__arena_regrow(&a, v, 10 * sizeof *v);
  ok(v && v[9] == 9, "shrinking keeps the start");
  mj__arena_free(&a);
  return tap_done();
}
