/*
** Change between two cycles' figures: the difference and the test that
** fits the metric, from the stored summaries alone (mean, sd, n; a share
** and its n; an NPS and its promoter/detractor shares), so no cycle needs
** its raw answers again. Formulas: METHODS.md sections 1 and 7.
*/
#include <math.h>
#include <string.h>

#include "engine.h"
#include "stats.h"

/* Metrics that are a percentage of n (a two-proportion z-test fits). */
static int is_share(const char *metric)
{
  static const char *const shares[] = {"t2b",       "b2b",        "promoters",
                                        "passives",  "detractors", "easy",
                                        "topbox",    NULL};
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

/* The figure of metric in fs with the other keys of r. */
static const mj_result_rec *sibling(const mj_figset *fs,
                                    const mj_result_rec *r,
                                    const char *metric)
{
  for (size_t i = 0; i < fs->n; i++) {
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

int mj__change_test(const char *test, const mj_figset *fs_before,
                    const mj_result_rec *before, const mj_figset *fs_after,
                    const mj_result_rec *after, double *p,
                    const char **test_used)
{
  *p = NAN;
  *test_used = NULL;
  if (!test || strcmp(test, "auto") == 0)
    test = auto_test(after);
  if (!test || isnan(before->value) || isnan(after->value))
    return MJ_ENOTFOUND;
  double n1 = (double)before->n, n2 = (double)after->n;
  if (strcmp(test, "welch-t") == 0 || strcmp(test, "welch") == 0) {
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
    const mj_result_rec *pb = sibling(fs_before, before, "promoters");
    const mj_result_rec *db = sibling(fs_before, before, "detractors");
    const mj_result_rec *pa = sibling(fs_after, after, "promoters");
    const mj_result_rec *da = sibling(fs_after, after, "detractors");
    if (!pb || !db || !pa || !da || n1 < 1 || n2 < 1)
      return MJ_ENOTFOUND;
    mj_stats_test t = mj_stats_nps_diff(pb->value / 100.0, db->value / 100.0,
                                        n1, pa->value / 100.0,
                                        da->value / 100.0, n2);
    *p = t.p;
    *test_used = "nps-wald-z";
  } else {
    return MJ_EINVAL;
  }
  return isnan(*p) ? MJ_ENOTFOUND : MJ_OK;
}

void mj__figset_compare(mj_figset *now, const mj_figset *before)
{
  for (size_t i = 0; i < now->n; i++) {
    mj_result_rec *r = &now->items[i];
    const mj_result_rec *b = sibling(before, r, r->metric);
    if (!b || isnan(b->value) || isnan(r->value))
      continue;
    r->delta = r->value - b->value;
    double p;
    const char *used;
    if (mj__change_test(NULL, before, b, now, r, &p, &used) == MJ_OK) {
      r->p_change = p;
      r->test = used; /* a static string: outlives the figset */
    }
  }
}
