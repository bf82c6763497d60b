/*
** Change between cycles for a scale question: each cycle stores the
** answer distribution (scorer "distribution", a count per scale value),
** so the next cycle tests the mean's change with Mann-Whitney U from the
** counts. p-values are scipy.stats.mannwhitneyu's (default method) on the
** Likert before/after vector of doc/methods.md#change-between-cycles;
** without the counts (stores of older versions) the test falls back to
** Welch.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"
#include "tap.h"

static const char playbook[] =
    "segment \"a\" {}\n"
    "segment \"b\" {}\n"
    "customer \"c1\" { segment = \"a\" }\n"
    "customer \"c2\" { segment = \"b\" }\n"
    "requirement \"R1\" { target = 4 }\n"
    "questionnaire \"q\" {\n"
    "  question \"sat\" { type = \"scale5\", measures = \"R1\" },\n"
    "  question \"rec\" { type = \"nps\" },\n"
    "}\n"
    "cycle \"w1\" { min_n = 1,\n"
    "  period = { from = \"2026-11-01\", to = \"2026-12-01\" } }\n"
    "cycle \"w2\" { min_n = 1,\n"
    "  period = { from = \"2026-12-01\", to = \"2027-01-01\" } }\n";

/* The two cycles' clocks: the middle of each one's period. */
#define NOV_15 1794700800
#define DEC_15 1797292800

/* [SELF] Likert before/after (5-point),
** doc/methods.md#change-between-cycles. */
static const char *const before[] = {"3", "4", "2", "3", "3", "4",
                                     "5", "2", "3", "4", "3", "2"};
static const char *const after[] = {"4", "4", "3", "5", "4", "5",
                                    "5", "3", "4", "4", "5", "3"};

/* Twelve responses r<first>.., even ones from c1 (segment a), odd ones
** from c2 (segment b), in the cycle whose period holds the engine's
** clock. The second cycle gets the first wave's answers again and the new
** ones, so it is compared (before, before + after), as the vectors are. */
static int wave(mj_engine *e, const char *const *vals, int first)
{
  const char *qs[] = {"sat", "rec"};
  int added = 0;
  for (int i = 0; i < 12; i++) {
    char id[8];
    snprintf(id, sizeof id, "r%d", first + i);
    const char *v[] = {vals[i], "9"};
    added +=
        mj_response_add(e, "q", id, i % 2 ? "c2" : "c1", qs, v, 2) == MJ_OK;
  }
  return added;
}

static json_t *report(mj_engine *e)
{
  char *text = NULL;
  size_t len = 0;
  if (mj_report(e, "json", 0, &text, &len) != MJ_OK)
    return NULL;
  json_t *r = json_loadb(text, len, 0, NULL);
  mj_free(text);
  return r;
}

static int is(const json_t *f, const char *k, const char *want)
{
  const json_t *v = json_object_get(f, k);
  return want ? json_is_string(v) && strcmp(json_string_value(v), want) == 0
              : !v || json_is_null(v);
}

/* The figure of scorer/metric for question sat (or requirement R1 when
** req), in segment, with label (NULL: any). */
static const json_t *fig(const json_t *r, const char *scorer,
                         const char *metric, int req, const char *segment,
                         const char *label)
{
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(r, "figures"), i, f)
  {
    if (is(f, "scorer", scorer) && is(f, "metric", metric) &&
        is(f, "segment", segment) && is(f, "requirement", req ? "R1" : NULL) &&
        is(f, "question", req ? NULL : "sat") &&
        (!label || is(f, "label", label)))
      return f;
  }
  return NULL;
}

static size_t count_of(const json_t *r, const char *scorer, const char *q)
{
  size_t i, n = 0;
  const json_t *f;
  json_array_foreach(json_object_get(r, "figures"), i, f) n +=
      is(f, "scorer", scorer) && is(f, "question", q);
  return n;
}

static double num(const json_t *f, const char *k)
{
  const json_t *v = f ? json_object_get(f, k) : NULL;
  return v && json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(const json_t *f, const char *k)
{
  const json_t *v = f ? json_object_get(f, k) : NULL;
  return json_is_string(v) ? json_string_value(v) : "(null)";
}

/* mj__compare_test on hand-made figsets: the fallback and named tests. */
static void direct(void)
{
  mj_figset b = {0}, a = {0};
  mj_result_rec mb = {.scorer = "csat",
                      .metric = "mean",
                      .questionnaire = "q",
                      .question = "sat",
                      .segment = "all",
                      .n = 12,
                      .value = 38.0 / 12,
                      .sd = 0.9374369};
  mj_result_rec ma = mb;
  ma.value = 49.0 / 12;
  ma.sd = 0.7929615;
  mj__figset_add(&b, &mb);
  mj__figset_add(&a, &ma);
  double p;
  const char *used;
  int rc = mj__compare_test(NULL, &b, &b.items[0], &a, &a.items[0], &p, &used);
  ok(rc == MJ_OK && used && strcmp(used, "welch-t") == 0,
     "no distributions (an older store): auto falls back to welch-t");
  is_double(0.0170691, p, 5e-7, "welch p 0.0170691");
  rc = mj__compare_test("mann-whitney", &b, &b.items[0], &a, &a.items[0], &p,
                        &used);
  ok(rc == MJ_ENOTFOUND && isnan(p),
     "mann-whitney named but no distributions: not testable");
  /* The distributions, as a cycle stores them. */
  static const double cb[] = {0, 3, 5, 3, 1}, ca[] = {0, 0, 3, 5, 4};
  for (int v = 0; v < 5; v++) {
    char label[4];
    snprintf(label, sizeof label, "%d", v + 1);
    mj_result_rec d = {.scorer = MJ__DIST_SCORER,
                       .metric = "count",
                       .questionnaire = "q",
                       .question = "sat",
                       .segment = "all",
                       .n = 12,
                       .label = label,
                       .value = cb[v]};
    mj__figset_add(&b, &d);
    d.value = ca[v];
    mj__figset_add(&a, &d);
  }
  rc = mj__compare_test("mann-whitney", &b, &b.items[0], &a, &a.items[0], &p,
                        &used);
  ok(rc == MJ_OK && strcmp(used, "mann-whitney-u") == 0,
     "plan verify test \"mann-whitney\" is Mann-Whitney U");
  is_double(0.023727454969563154, p, 1e-9, "its p is scipy's");
  rc = mj__compare_test("welch", &b, &b.items[0], &a, &a.items[0], &p, &used);
  ok(rc == MJ_OK && strcmp(used, "welch-t") == 0,
     "test \"welch\" named: welch-t even with distributions");
  /* Counts that do not add up to the mean's n describe other answers. */
  a.items[0].n = 13;
  rc = mj__compare_test(NULL, &b, &b.items[0], &a, &a.items[0], &p, &used);
  ok(rc == MJ_OK && strcmp(used, "welch-t") == 0,
     "counts not adding up to n: auto falls back to welch-t");
  mj__figset_free(&b);
  mj__figset_free(&a);
}

int main(void)
{
  plan(24);
  char *dir = tap_tmpdir("compare");
  char store[512], pb[512];
  snprintf(store, sizeof store, "sqlite:%s/c.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = NOV_15;
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, playbook, strlen(playbook)) != MJ_OK)
    bail("engine: %s", mj_errmsg(e));

  is_int(12, wave(e, before, 0), "first wave: 12 responses");
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "first cycle: %s", mj_errmsg(e));
  json_t *r = report(e);
  const json_t *c3 = fig(r, MJ__DIST_SCORER, "count", 0, "all", "3");
  ok(c3 && num(c3, "value") == 5 && num(c3, "n") == 12,
     "distribution: value 3 counted 5 times of 12");
  is_int(5 * 3, count_of(r, MJ__DIST_SCORER, "sat"),
         "one count per scale value, for all, a and b");
  ok(fig(r, MJ__DIST_SCORER, "count", 1, "all", "1") != NULL,
     "the requirement has its distribution too");
  is_int(0, count_of(r, MJ__DIST_SCORER, "rec"), "no distribution for NPS");
  json_decref(r);

  mj_engine_free(e);
  o.now = DEC_15;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, playbook, strlen(playbook)) != MJ_OK)
    bail("engine: %s", mj_errmsg(e));
  is_int(24, wave(e, before, 100) + wave(e, after, 12),
         "second wave: the first one's answers again and 12 new");
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "second cycle: %s", mj_errmsg(e));
  r = report(e);
  const json_t *m = fig(r, "csat", "mean", 0, "all", NULL);
  is_string("mann-whitney-u", str(m, "test"),
            "the mean's change is tested with Mann-Whitney U");
  /* scipy.stats.mannwhitneyu(before, before + after). */
  is_double(0.18851847932500887, num(m, "p_change"), 1e-9,
            "p_change is scipy's 0.18851847932500887");
  is_double(87.0 / 24 - 38.0 / 12, num(m, "delta"), 1e-12,
            "delta 87/24 - 38/12");
  m = fig(r, "csat", "mean", 1, "all", NULL);
  ok(strcmp(str(m, "test"), "mann-whitney-u") == 0 &&
         fabs(num(m, "p_change") - 0.18851847932500887) < 1e-9,
     "the requirement's mean too");
  /* mannwhitneyu(before[0::2], before[0::2] + after[0::2]). */
  m = fig(r, "csat", "mean", 0, "a", NULL);
  ok(strcmp(str(m, "test"), "mann-whitney-u") == 0 &&
         fabs(num(m, "p_change") - 0.2891336383164662) < 1e-9,
     "segment a: its own Mann-Whitney p (scipy 0.2891336383164662)");
  is_string("two-proportion-z",
            str(fig(r, "csat", "t2b", 0, "all", NULL), "test"),
            "shares keep the two-proportion z");
  const json_t *c5 = fig(r, MJ__DIST_SCORER, "count", 0, "all", "5");
  ok(c5 && num(c5, "value") == 5 && num(c5, "delta") == 4,
     "a count's delta is against the same value's count (1 -> 5)");
  json_decref(r);
  char *text = NULL;
  mj_report(e, "text", 0, &text, NULL);
  contains(text ? text : "", "1:0 2:3 3:8 4:8 5:5",
           "text report: one line of answers per value");
  ok(text && !strstr(text, "count"), "text report: no column per count");
  mj_free(text);
  direct();
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
