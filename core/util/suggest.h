/*
** "Did you mean": the known name nearest to a word that matched none.
*/
#ifndef MJ_SUGGEST_H
#define MJ_SUGGEST_H

#include <stddef.h>

/* Edit distance (optimal string alignment), for "did you mean". */
int mj__edit_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL when none is close enough. */
const char *mj__suggest(const char *word, const char *const *cands, size_t n);

#endif
