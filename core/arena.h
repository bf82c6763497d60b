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
/* Copies; NULL in gives NULL out (and is not an error). */
char *mj__arena_strdup(mj_arena *a, const char *s);
char *mj__arena_strndup(mj_arena *a, const char *s, size_t n);
void mj__arena_free(mj_arena *a);

#endif
