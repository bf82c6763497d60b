/*
** Change between two cycles' figures: the difference and the test that
** fits the metric, from the stored summaries alone (mean, sd, n; a share
** and its n; an NPS and its promoter/detractor shares), so no cycle needs
** its raw answers again. Formulas: doc/methods.md#change-between-cycles.
**
** A mean of a scale question is ordinal: when both cycles stored the
** question's answer distribution (MJ__DIST_SCORER figures, one count per
** scale value), its change is tested with Mann-Whitney U from those
** counts; stores written before the distributions existed fall back to
** Welch's t from mean, sd and n.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"
#include "stats.h"

/* Metrics that are a percentage of n (a two-proportion z-test fits). */
static int is_share(const char *metric)
{
  static const char *const shares[] = {"t2b",      "b2b",        "promoters",
                                       "passives", "detractors", "easy",
                                       "topbox",   NULL};
  for (size_t i = 0; shares[i]; i++)
    if (strcmp(metric, shares[i]) == 0)
      return 1;
  return strncmp(metric, "share_", 6) == 0;
}

static const char *auto_test(const mj_result_rec *r)
{
  if (strcmp(r->metric, "nps") == 0)
    return "nps-wald-z";
  if (is_share(r->metric))
    return "two-proportion-z";
  if (strcmp(r->metric, "mean") == 0)
    return "welch-t";
  return NULL;
}

static int same_key(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/*
** The figures of a figset by group (questionnaire, question, requirement,
** segment): comparing two cycles looks up each figure's sibling and each
** mean's distribution, and a scan of the whole figset for each was
** quadratic in the figures (thousands with segments). Without an index
** (ix NULL) lookups scan, as plans do for their few figures.
*/
typedef struct fig_index {
  uint32_t *head; /* per hash bucket: first item + 1, 0 none */
  uint32_t *next; /* per item: next item of its bucket + 1 */
  size_t mask;
} fig_index;

static size_t group_of(const fig_index *ix, const mj_result_rec *r)
{
  uint64_t h = MJ__HASH_START;
  h = mj__hash_field(h, r->questionnaire);
  h = mj__hash_field(h, r->question);
  h = mj__hash_field(h, r->requirement);
  h = mj__hash_field(h, r->segment);
  return (size_t)(h ^ (h >> 29)) & ix->mask;
}

/* 0 when out of memory (then lookups scan). */
static int index_build(fig_index *ix, const mj_figset *fs)
{
  size_t n = 64;
  while (n < 2 * fs->n)
    n *= 2;
  ix->mask = n - 1;
  ix->head = fs->n < UINT32_MAX ? calloc(n, sizeof *ix->head) : NULL;
  ix->next = ix->head ? calloc(fs->n + 1, sizeof *ix->next) : NULL;
  if (!ix->next) {
    free(ix->head);
    ix->head = NULL;
    return 0;
  }
  for (size_t i = fs->n; i-- > 0;) { /* each bucket in figure order */
    size_t g = group_of(ix, &fs->items[i]);
    ix->next[i] = ix->head[g];
    ix->head[g] = (uint32_t)(i + 1);
  }
  return 1;
}

static void index_free(fig_index *ix)
{
  free(ix->head);
  free(ix->next);
}

/* The items that may share r's group, in order: start at first(), move on
** with following(); SIZE_MAX ends. Every item when there is no index. */
static size_t first(const fig_index *ix, const mj_figset *fs,
                    const mj_result_rec *r)
{
  if (!ix)
    return fs->n ? 0 : SIZE_MAX;
  uint32_t k = ix->head[group_of(ix, r)];
  return k ? k - 1 : SIZE_MAX;
}

static size_t following(const fig_index *ix, const mj_figset *fs, size_t i)
{
  if (!ix)
    return i + 1 < fs->n ? i + 1 : SIZE_MAX;
  return ix->next[i] ? ix->next[i] - 1 : SIZE_MAX;
}

#define EACH_OF_GROUP(ix, fs, r, i)                                           \
  for (size_t i = first(ix, fs, r); i != SIZE_MAX; i = following(ix, fs, i))

/* Scale values one distribution may span (a bucket counts at most 1024). */
#define DIST_SPAN 1024

/* A count of the answer distribution of r's question, requirement and
** segment (any scorer of r: the distribution belongs to the answers). */
static int dist_of(const mj_result_rec *x, const mj_result_rec *r)
{
  return x->scorer && strcmp(x->scorer, MJ__DIST_SCORER) == 0 &&
         strcmp(x->metric, "count") == 0 && x->label &&
         same_key(x->questionnaire, r->questionnaire) &&
         same_key(x->question, r->question) &&
         same_key(x->requirement, r->requirement) &&
         same_key(x->segment, r->segment);
}

/* The scale value a count is of (its label), or 0 when not an integer. */
static int dist_value(const mj_result_rec *x, long *v)
{
  char *end;
  *v = strtol(x->label, &end, 10);
  return end != x->label && *end == 0 && *v > -1000000 && *v < 1000000;
}

/* Lowest and highest value of r's distribution in fs; 0 when it has none
** (or a label is not a value). */
static int dist_range(const mj_figset *fs, const fig_index *ix,
                      const mj_result_rec *r, long *lo, long *hi)
{
  int found = 0;
  EACH_OF_GROUP(ix, fs, r, i) {
    long v;
    if (!dist_of(&fs->items[i], r))
      continue;
    if (!dist_value(&fs->items[i], &v))
      return 0;
    *lo = found && *lo < v ? *lo : v;
    *hi = found && *hi > v ? *hi : v;
    found = 1;
  }
  return found;
}

/* cnt[v - lo] = the count of value v; returns the total. */
static double dist_fill(const mj_figset *fs, const fig_index *ix,
                        const mj_result_rec *r, long lo, double *cnt)
{
  double total = 0.0;
  EACH_OF_GROUP(ix, fs, r, i) {
    long v;
    const mj_result_rec *x = &fs->items[i];
    if (dist_of(x, r) && dist_value(x, &v) && !isnan(x->value)) {
      cnt[v - lo] += x->value;
      total += x->value;
    }
  }
  return total;
}

/* Mann-Whitney U of the two cycles' answer distributions behind a mean;
** NAN when a cycle has none or its counts do not add up to the mean's n
** (the figures would not describe the same answers). */
static double mwu_p(const mj_figset *fs_before, const fig_index *ix_before,
                    const mj_result_rec *before, const mj_figset *fs_after,
                    const fig_index *ix_after, const mj_result_rec *after)
{
  long lo1, hi1, lo2, hi2;
  if (!fs_before || !fs_after ||
      !dist_range(fs_before, ix_before, before, &lo1, &hi1) ||
      !dist_range(fs_after, ix_after, after, &lo2, &hi2))
    return NAN;
  long lo = lo1 < lo2 ? lo1 : lo2, hi = hi1 > hi2 ? hi1 : hi2;
  if (hi - lo >= DIST_SPAN)
    return NAN;
  size_t k = (size_t)(hi - lo + 1);
  double c1[DIST_SPAN] = {0}, c2[DIST_SPAN] = {0};
  if (dist_fill(fs_before, ix_before, before, lo, c1) != (double)before->n ||
      dist_fill(fs_after, ix_after, after, lo, c2) != (double)after->n)
    return NAN;
  /* scipy's default ("auto"): the tie-corrected normal approximation with
  ** continuity correction, exact only for small samples without ties. */
  return mj_stats_mann_whitney_counts(c1, c2, k, MJ_STATS_MWU_AUTO).p;
}

/* The count of r's distribution in fs with r's value (label). */
static const mj_result_rec *dist_sibling(const mj_figset *fs,
                                         const fig_index *ix,
                                         const mj_result_rec *r)
{
  EACH_OF_GROUP(ix, fs, r, i)
    if (dist_of(&fs->items[i], r) && strcmp(fs->items[i].label, r->label) == 0)
      return &fs->items[i];
  return NULL;
}

/* The figure of metric in fs with the other keys of r. */
static const mj_result_rec *sibling(const mj_figset *fs, const fig_index *ix,
                                    const mj_result_rec *r, const char *metric)
{
  EACH_OF_GROUP(ix, fs, r, i) {
    const mj_result_rec *x = &fs->items[i];
    if (strcmp(x->metric, metric) == 0 && same_key(x->scorer, r->scorer) &&
        same_key(x->questionnaire, r->questionnaire) &&
        same_key(x->question, r->question) &&
        same_key(x->requirement, r->requirement) &&
        same_key(x->segment, r->segment) && same_key(x->subject, r->subject))
      return x;
  }
  return NULL;
}

/* mj__compare_test with the figsets' indexes, or NULL to scan them. */
static int change_test(const char *test, const mj_figset *fs_before,
                       const fig_index *ix_before, const mj_result_rec *before,
                       const mj_figset *fs_after, const fig_index *ix_after,
                       const mj_result_rec *after, double *p,
                       const char **test_used)
{
  *p = NAN;
  *test_used = NULL;
  int automatic = !test || strcmp(test, "auto") == 0;
  if (automatic)
    test = auto_test(after);
  if (!test || isnan(before->value) || isnan(after->value))
    return MJ_ENOTFOUND;
  double n1 = (double)before->n, n2 = (double)after->n;
  /* A mean of a scale is ordinal: Mann-Whitney when both cycles stored
  ** its distribution, else (older stores) Welch as before. */
  if (automatic && strcmp(test, "welch-t") == 0) {
    *p = mwu_p(fs_before, ix_before, before, fs_after, ix_after, after);
    if (!isnan(*p)) {
      *test_used = "mann-whitney-u";
      return MJ_OK;
    }
  }
  if (strcmp(test, "mann-whitney-u") == 0 ||
      strcmp(test, "mann-whitney") == 0) {
    *p = mwu_p(fs_before, ix_before, before, fs_after, ix_after, after);
    *test_used = "mann-whitney-u";
  } else if (strcmp(test, "welch-t") == 0 || strcmp(test, "welch") == 0) {
    if (n1 < 2 || n2 < 2 || before->sd <= 0 || after->sd <= 0)
      return MJ_ENOTFOUND;
    mj_stats_test t = mj_stats_welch_summary(before->value, before->sd, n1,
                                             after->value, after->sd, n2);
    *p = t.p;
    *test_used = "welch-t";
  } else if (strcmp(test, "two-proportion-z") == 0 ||
             strcmp(test, "two-proportion") == 0) {
    if (n1 < 1 || n2 < 1)
      return MJ_ENOTFOUND;
    mj_stats_test t = mj_stats_two_proportion(before->value / 100.0 * n1, n1,
                                              after->value / 100.0 * n2, n2);
    *p = t.p;
    *test_used = "two-proportion-z";
  } else if (strcmp(test, "nps-wald-z") == 0 || strcmp(test, "nps") == 0) {
    const mj_result_rec *pb = sibling(fs_before, ix_before, before,
                                      "promoters");
    const mj_result_rec *db = sibling(fs_before, ix_before, before,
                                      "detractors");
    const mj_result_rec *pa = sibling(fs_after, ix_after, after, "promoters");
    const mj_result_rec *da = sibling(fs_after, ix_after, after, "detractors");
    if (!pb || !db || !pa || !da || n1 < 1 || n2 < 1)
      return MJ_ENOTFOUND;
    mj_stats_test t =
        mj_stats_nps_diff(pb->value / 100.0, db->value / 100.0, n1,
                          pa->value / 100.0, da->value / 100.0, n2);
    *p = t.p;
    *test_used = "nps-wald-z";
  } else {
    return MJ_EINVAL;
  }
  return isnan(*p) ? MJ_ENOTFOUND : MJ_OK;
}

int mj__compare_test(const char *test, const mj_figset *fs_before,
                     const mj_result_rec *before, const mj_figset *fs_after,
                     const mj_result_rec *after, double *p,
                     const char **test_used)
{
  return change_test(test, fs_before, NULL, before, fs_after, NULL, after, p,
                     test_used);
}

void mj__figset_compare(mj_figset *now, const mj_figset *before)
{
  fig_index ixn, ixb;
  int indexed = index_build(&ixn, now);
  if (indexed && !index_build(&ixb, before)) {
    index_free(&ixn);
    indexed = 0;
  }
  const fig_index *in = indexed ? &ixn : NULL, *ib = indexed ? &ixb : NULL;
  for (size_t i = 0; i < now->n; i++) {
    mj_result_rec *r = &now->items[i];
    /* Counts of one distribution differ only by their value (label). */
    const mj_result_rec *b = dist_of(r, r) ? dist_sibling(before, ib, r)
                                           : sibling(before, ib, r, r->metric);
    if (!b || isnan(b->value) || isnan(r->value))
      continue;
    r->delta = r->value - b->value;
    double p;
    const char *used;
    if (change_test(NULL, before, ib, b, now, in, r, &p, &used) == MJ_OK) {
      r->p_change = p;
      r->test = used; /* a static string: outlives the figset */
    }
  }
  if (indexed) {
    index_free(&ixn);
    index_free(&ixb);
  }
}

/* A test's name as people write it. */
const char *mj__test_name(const char *test)
{
  static const char *const names[][2] = {
      {"two-proportion-z", "two-proportion z"},
      {"mann-whitney-u", "Mann-Whitney U"},
      {"welch-t", "Welch t"},
      {"nps-wald-z", "NPS Wald z"}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(test, names[i][0]) == 0)
      return names[i][1];
  return test;
}

/* A p-value with the digits that matter: 0.031, 6.6e-06. */
const char *mj__fmt_p(char *buf, size_t n, double p)
{
  snprintf(buf, n, p >= 0.001 ? "%.3f" : "%.1e", p);
  return buf;
}
