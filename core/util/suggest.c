/*
** "Did you mean": the known name nearest to a word that matched none.
*/
#include <string.h>

#include "mejora.h"
#include "suggest.h"

int mj__edit_distance(const char *a, const char *b)
{
  enum { MAX = 64 };
  size_t n = strlen(a), m = strlen(b);
  if (n >= MAX || m >= MAX)
    return MAX;
  int d[MAX + 1][MAX + 1];
  for (size_t i = 0; i <= n; i++)
    d[i][0] = (int)i;
  for (size_t j = 0; j <= m; j++)
    d[0][j] = (int)j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      int cost = a[i - 1] != b[j - 1];
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v)
        v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v)
        v = d[i - 1][j - 1] + cost;
      /* A swap of two neighbours ("tagret") counts as one edit. */
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[n][m];
}

static int close_enough(const char *word, int d)
{
  size_t n = strlen(word);
  return d <= 2 && (size_t)d < n && (n > 3 || d <= 1);
}

const char *mj__suggest(const char *word, const char *const *cands, size_t n)
{
  const char *best = NULL;
  int bestd = 1000;
  for (size_t i = 0; i < n; i++) {
    if (!cands[i])
      continue;
    int d = mj__edit_distance(word, cands[i]);
    if (d < bestd) {
      bestd = d;
      best = cands[i];
    }
  }
  return best && close_enough(word, bestd) ? best : NULL;
}

const char *mj_suggest(const char *word, const char *const *cands, size_t n)
{
  return word && cands ? mj__suggest(word, cands, n) : NULL;
}
