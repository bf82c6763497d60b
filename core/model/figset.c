/*
** The figures of one cycle, kept in memory for plan triggers and reports.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "invariant.h"

int mj__figset_add(mj_figset *fs, const mj_result_rec *r)
{
  MJ_ASSERT(fs->n <= fs->cap && (fs->cap == 0 || fs->items));
  if (fs->n == fs->cap) {
    size_t cap = fs->cap ? fs->cap * 2 : 64;
    mj_result_rec *items = realloc(fs->items, cap * sizeof *items);
    if (!items)
      return MJ_ENOMEM;
    fs->items = items;
    fs->cap = cap;
  }
  mj_result_rec c = *r;
  mj_arena *a = &fs->arena;
  c.scorer = mj__arena_strdup(a, r->scorer);
  c.metric = mj__arena_strdup(a, r->metric);
  c.questionnaire = mj__arena_strdup(a, r->questionnaire);
  c.question = mj__arena_strdup(a, r->question);
  c.requirement = mj__arena_strdup(a, r->requirement);
  c.segment = mj__arena_strdup(a, r->segment);
  c.subject = mj__arena_strdup(a, r->subject);
  c.label = mj__arena_strdup(a, r->label);
  c.test = mj__arena_strdup(a, r->test);
  if ((r->scorer && !c.scorer) || (r->metric && !c.metric) ||
      (r->questionnaire && !c.questionnaire) ||
      (r->question && !c.question) ||
      (r->requirement && !c.requirement) || (r->segment && !c.segment) ||
      (r->subject && !c.subject) || (r->label && !c.label) ||
      (r->test && !c.test))
    return MJ_ENOMEM;
  MJ_ASSERT(fs->n < fs->cap);
  fs->items[fs->n++] = c;
  return MJ_OK;
}

int mj__figset_put(mj_figset *fs, const mj_figkey *k, const char *metric,
                   uint64_t n, double value, double lo, double hi, double sd,
                   const char *label)
{
  mj_result_rec r = {.cycle = k->cycle,
                     .scorer = k->scorer,
                     .metric = metric,
                     .questionnaire = k->questionnaire,
                     .question = k->question,
                     .requirement = k->requirement,
                     .segment = k->segment ? k->segment : "all",
                     .n = n,
                     .value = value,
                     .ci_low = lo,
                     .ci_high = hi,
                     .label = label,
                     .sd = sd,
                     .delta = NAN,
                     .p_change = NAN};
  return mj__figset_add(fs, &r);
}

static int key_ok(const char *want, const char *have)
{
  return !want || (have && strcmp(want, have) == 0);
}

const mj_result_rec *mj__figset_find(const mj_figset *fs, const char *scorer,
                                     const char *metric,
                                     const char *questionnaire,
                                     const char *question,
                                     const char *requirement,
                                     const char *segment)
{
  MJ_ASSERT(fs->n <= fs->cap && (fs->n == 0 || fs->items));
  for (size_t i = 0; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (key_ok(scorer, r->scorer) && key_ok(metric, r->metric) &&
        key_ok(questionnaire, r->questionnaire) &&
        key_ok(question, r->question) &&
        key_ok(requirement, r->requirement) && key_ok(segment, r->segment))
      return r;
  }
  return NULL;
}

void mj__figset_free(mj_figset *fs)
{
  free(fs->items);
  mj__arena_free(&fs->arena);
  memset(fs, 0, sizeof *fs);
}
