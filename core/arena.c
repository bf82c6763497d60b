/*
** Arena allocation: the model and a cycle's figures are built from many
** small strings and arrays that all die together.
*/
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct mj_arena_block {
  mj_arena_block *next;
  size_t used, cap;
  alignas(max_align_t) unsigned char data[];
};

enum { BLOCK_MIN = 16 * 1024 };

void *mj__arena_alloc(mj_arena *a, size_t n)
{
  size_t align = alignof(max_align_t);
  n = (n + align - 1) & ~(align - 1);
  if (n == 0)
    n = align;
  mj_arena_block *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
    b = malloc(sizeof *b + cap);
    if (!b)
      return NULL;
    b->used = 0;
    b->cap = cap;
    /* A large allocation gets its own block behind the current one, so the
    ** current block's free space stays usable. */
    if (a->head && cap == n) {
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = a->head;
      a->head = b;
    }
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *mj__arena_strndup(mj_arena *a, const char *s, size_t n)
{
  if (!s)
    return NULL;
  char *p = mj__arena_alloc(a, n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

char *mj__arena_strdup(mj_arena *a, const char *s)
{
  return s ? mj__arena_strndup(a, s, strlen(s)) : NULL;
}

void mj__arena_free(mj_arena *a)
{
  mj_arena_block *b = a->head;
  while (b) {
    mj_arena_block *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
}
