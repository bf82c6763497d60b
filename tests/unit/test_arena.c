/*
** Arena: alignment, zeroing, large blocks, strings.
*/
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "tap.h"

int main(void)
{
  plan(7);
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
  mj__arena_free(&a);
  return tap_done();
}
