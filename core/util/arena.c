/*
** Arena allocation: the model and a cycle's figures are built from many
** small strings and arrays that all die together.
*/
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "invariant.h"

struct mj_arena_block {
  mj_arena_block *next;
  size_t used, cap;
  alignas(max_align_t) unsigned char data[];
};

enum { BLOCK_MIN = 16 * 1024 };

/* n bytes at the given alignment (a power of two), not zeroed. Strings ask
** for alignment 1: 100k short ids would otherwise round up to 16 each. */
static void *take(mj_arena *a, size_t n, size_t align)
{
  MJ_ASSERT(align && (align & (align - 1)) == 0 &&
            align <= alignof(max_align_t));
  if (n == 0)
    n = 1;
  mj_arena_block *b = a->head;
  size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
  if (!b || at > b->cap || b->cap - at < n) {
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
    at = 0;
  }
  b->used = at + n;
  MJ_ASSERT(b->used <= b->cap && b->used > at);
  MJ_ASSERT(((uintptr_t)(b->data + at) & (align - 1)) == 0);
  return b->data + at;
}

void *mj__arena_alloc(mj_arena *a, size_t n)
{
  void *p = take(a, n, alignof(max_align_t));
  if (p)
    memset(p, 0, n);
  return p;
}

void *mj__arena_regrow(mj_arena *a, void *p, size_t n)
{
  mj_arena_block *old = NULL, **link = &a->head;
  if (p) {
    old =
        (mj_arena_block *)((unsigned char *)p - offsetof(mj_arena_block, data));
    /* p is an array this function grew in a, hence a full block of it. */
    MJ_ASSERT(old->used == old->cap);
    while (*link != old) {
      MJ_ASSERT(*link != NULL);
      link = &(*link)->next;
    }
  }
  mj_arena_block *b = realloc(old, sizeof *b + (n ? n : 1));
  if (!b)
    return NULL;
  /* Full, so that mj__arena_alloc never carves from it. */
  b->used = b->cap = n ? n : 1;
  if (old) {
    *link = b;
  } else if (a->head) { /* behind the current block, as large ones go */
    b->next = a->head->next;
    a->head->next = b;
  } else {
    b->next = NULL;
    a->head = b;
  }
  return b->data;
}

char *mj__arena_strndup(mj_arena *a, const char *s, size_t n)
{
  if (!s)
    return NULL;
  char *p = take(a, n + 1, 1);
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
