/*
** Arena allocation: many small allocations freed together.
*/
#ifndef MJ_ARENA_H
#define MJ_ARENA_H

#include <stddef.h>

typedef struct mj_arena_block mj_arena_block;

typedef struct mj_arena {
  mj_arena_block *head;
} mj_arena;

/* Zeroed memory aligned for any type; NULL when out of memory. */
void *mj__arena_alloc(mj_arena *a, size_t n);
/* A big array that grows without a copy into the arena when done: p is NULL
** or this function's last result for the array (invalid afterwards, like
** realloc's); the array is freed with the arena. Not zeroed; NULL when out
** of memory, p then still valid. realloc of a
** large block remaps pages, so growing by doubling costs no second copy. */
void *mj__arena_regrow(mj_arena *a, void *p, size_t n);
/* Copies, unaligned; NULL in gives NULL out (and is not an error). */
char *mj__arena_strdup(mj_arena *a, const char *s);
char *mj__arena_strndup(mj_arena *a, const char *s, size_t n);
void mj__arena_free(mj_arena *a);

#endif
