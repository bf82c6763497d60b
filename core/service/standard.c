/*
** The service standard: declared indicators with targets, judged met or
** not met every cycle from the cycle's figures (surveys, complaints,
** audits), and the 5-gap model's gaps.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "service.h"

/* "audit.compliance:phone/answer_time@site:north" -> the figure, or NULL
** (metric_ref.c reads references the same way for plans and triggers). */
static const mj_result_rec *indicator_find(const mj_figset *fs,
                                           const mj_model *m, const char *spec)
{
  mj_metric_ref ref;
  return mj__metric_parse(spec, &ref) ? mj__metric_find(fs, m, &ref) : NULL;
}

static int compare(mj_cmp cmp, double x, double t)
{
  switch (cmp) {
  case MJ_CMP_LE:
    return x <= t;
  case MJ_CMP_LT:
    return x < t;
  case MJ_CMP_GT:
    return x > t;
  case MJ_CMP_EQ:
    return x == t;
  default:
    return x >= t;
  }
}

int mj__standard_figures(mj_engine *e, int64_t cycle, mj_figset *figs)
{
  const mj_model *m = e->model;
  for (size_t i = 0; m && i < m->n_standards; i++) {
    const mj_standard *s = &m->standards[i];
    const mj_result_rec *r = indicator_find(figs, m, s->indicator);
    double v = r ? r->value : NAN;
    uint64_t n = r ? r->n : 0;
    int known = !isnan(v);
    int met = known && compare(s->cmp, v, s->target_value);
    mj_result_rec out = {.cycle = cycle,
                         .scorer = "standard",
                         .metric = "met",
                         .question = s->id,
                         .segment = "all",
                         .n = n,
                         .value = known ? met : NAN,
                         .ci_low = NAN,
                         .ci_high = NAN,
                         .subject = s->indicator,
                         .label = !known ? "no data"
                                  : met  ? "met"
                                         : "not met",
                         .delta = NAN,
                         .p_change = NAN};
    int rc = mj__figset_add(figs, &out);
    if (rc == MJ_OK) {
      out.metric = "indicator";
      out.value = v;
      out.label = s->target;
      rc = mj__figset_add(figs, &out);
    }
    if (rc != MJ_OK)
      return mj__seterr(e, rc, "out of memory");
  }
  return MJ_OK;
}

/*
** The 5-gap model (Parasuraman, Zeithaml and Berry), from what the
** playbook supplies:
**   gap 1: what staff believe customers expect of a requirement (a staff
**          questionnaire's questions tagged believes_expects = "R1")
**          minus what customers expect of it (scorer servqual's
**          expectation of requirement:R1, from the customers' questions
**          tagged role = "expectation" that measure R1, on the same
**          scale): > 0 means management overestimates what customers
**          expect, < 0 that it underestimates it (E_mgmt - E_cust,
**          doc/methods.md#the-five-gaps);
**   gap 2: the requirement's target (the service specification) minus
**          what staff believe customers expect of it (a staff
**          questionnaire's questions tagged believes_expects = "R1", on
**          the requirement's scale): < 0 means the specification asks
**          less than management believes customers expect;
**   gap 3: each standard's indicator minus its target (delivery against
**          the specification), signed so that < 0 is short of it;
**   gap 4: each promise's delivered indicator minus what was promised
**          (`promise "PR1" { indicator =, promised = }`), signed the same
**          way: < 0 means customers were promised more than they got;
**   gap 5: SERVQUAL's overall P - E gap (scorer servqual, metric gap),
**          copied when that scorer ran.
** A gap without its data is left out, never shown as 0.
*/
static int gap_fig(mj_figset *figs, int64_t cycle, const char *metric,
                   const char *requirement, const char *question, uint64_t n,
                   double v)
{
  const mj_figkey k = {cycle, "gaps", NULL, question, requirement, NULL};
  return mj__figset_put(figs, &k, metric, n, v, NAN, NAN, 0, NULL);
}

static const char *tag_of(const mj_question *q, const char *key)
{
  for (size_t i = 0; i < q->n_tags; i++)
    if (strcmp(q->tags[i].key, key) == 0)
      return q->tags[i].value;
  return NULL;
}

/* What customers expect of requirement req (all segments), from the
** servqual scorer, or NULL. */
static const mj_result_rec *customers_expect(const mj_figset *figs,
                                             const char *req)
{
  char subject[300];
  snprintf(subject, sizeof subject, "requirement:%s", req);
  for (size_t i = 0; i < figs->n; i++) {
    const mj_result_rec *r = &figs->items[i];
    if (r->scorer && strcmp(r->scorer, "servqual") == 0 &&
        strcmp(r->metric, "expectation") == 0 && r->subject &&
        strcmp(r->subject, subject) == 0 && r->segment &&
        strcmp(r->segment, "all") == 0 && !isnan(r->value))
      return r;
  }
  return NULL;
}

int mj__gap_figures(mj_engine *e, int64_t cycle, mj_figset *figs)
{
  const mj_model *m = e->model;
  int rc = MJ_OK;
  for (size_t i = 0; rc == MJ_OK && m && i < m->n_questionnaires; i++) {
    const mj_questionnaire *qn = &m->questionnaires[i];
    for (size_t k = 0; rc == MJ_OK && k < qn->n_questions; k++) {
      const char *req = tag_of(&qn->questions[k], "believes_expects");
      if (!req)
        continue;
      const mj_result_rec *staff = mj__figset_find(
          figs, "csat", "mean", qn->id, qn->questions[k].id, NULL, "all");
      const mj_result_rec *cust = customers_expect(figs, req);
      if (staff && cust && !isnan(staff->value))
        rc = gap_fig(figs, cycle, "gap1", req, qn->questions[k].id, cust->n,
                     staff->value - cust->value);
    }
  }
  for (size_t i = 0; rc == MJ_OK && m && i < m->n_questionnaires; i++) {
    const mj_questionnaire *qn = &m->questionnaires[i];
    for (size_t k = 0; rc == MJ_OK && k < qn->n_questions; k++) {
      const char *id = tag_of(&qn->questions[k], "believes_expects");
      const mj_requirement *req = id ? mj__model_requirement(m, id) : NULL;
      if (!req || !req->has_target)
        continue;
      const mj_result_rec *staff = mj__figset_find(
          figs, "csat", "mean", qn->id, qn->questions[k].id, NULL, "all");
      if (staff && !isnan(staff->value))
        rc = gap_fig(figs, cycle, "gap2", req->id, qn->questions[k].id,
                     staff->n, req->target - staff->value);
    }
  }
  for (size_t i = 0; rc == MJ_OK && m && i < m->n_standards; i++) {
    const mj_standard *s = &m->standards[i];
    const mj_result_rec *r = indicator_find(figs, m, s->indicator);
    if (!r || isnan(r->value))
      continue;
    double d = r->value - s->target_value;
    if (s->cmp == MJ_CMP_LE || s->cmp == MJ_CMP_LT)
      d = -d; /* below a ceiling is ahead of it */
    rc = gap_fig(figs, cycle, "gap3", NULL, s->id, r->n, d);
  }
  for (size_t i = 0; rc == MJ_OK && m && i < m->n_promises; i++) {
    const mj_promise *pr = &m->promises[i];
    const mj_result_rec *r = indicator_find(figs, m, pr->indicator);
    if (!r || isnan(r->value))
      continue;
    double d = r->value - pr->promised_value;
    if (pr->cmp == MJ_CMP_LE || pr->cmp == MJ_CMP_LT)
      d = -d; /* a promised ceiling ("within 48 h"): below it is kept */
    rc = gap_fig(figs, cycle, "gap4", NULL, pr->id, r->n, d);
  }
  const mj_result_rec *g5 = NULL;
  for (size_t i = 0; i < figs->n && !g5; i++) {
    const mj_result_rec *r = &figs->items[i];
    if (r->scorer && strcmp(r->scorer, "servqual") == 0 &&
        strcmp(r->metric, "gap") == 0 && !r->subject && r->segment &&
        strcmp(r->segment, "all") == 0)
      g5 = r;
  }
  if (rc == MJ_OK && g5)
    rc = gap_fig(figs, cycle, "gap5", NULL, NULL, g5->n, g5->value);
  return rc == MJ_OK ? MJ_OK : mj__seterr(e, rc, "out of memory");
}

/* "R1 via cree_informacion", "S1", "overall": what a gap is about. */
static void gap_about(const mj_result_rec *r, char *about, size_t n)
{
  snprintf(about, n, "%s%s%s", r->requirement ? r->requirement : "",
           r->requirement && r->question ? " via " : "",
           r->question      ? r->question
           : r->requirement ? ""
                            : "overall");
}

static void gaps_section(FILE *f, const mj_figset *fs, int md)
{
  int any = 0, width = 20;
  char about[160];
  /* Values line up however long the staff questions' ids are. */
  for (size_t i = 0; i < fs->n; i++)
    if (fs->items[i].scorer && strcmp(fs->items[i].scorer, "gaps") == 0) {
      gap_about(&fs->items[i], about, sizeof about);
      if ((int)strlen(about) > width)
        width = (int)strlen(about);
    }
  for (size_t i = 0; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (!r->scorer || strcmp(r->scorer, "gaps") != 0)
      continue;
    if (!any)
      fprintf(f, md ? "\n## Service gaps\n\n| gap | about | value |\n"
                      "|---|---|---:|\n"
                    : "\nService gaps\n");
    any = 1;
    const char *what = strcmp(r->metric, "gap1") == 0
                           ? "believed - customers' expectation"
                       : strcmp(r->metric, "gap2") == 0
                           ? "specification - believed expectation"
                       : strcmp(r->metric, "gap3") == 0
                           ? "delivery - standard"
                       : strcmp(r->metric, "gap4") == 0
                           ? "delivery - promise"
                           : "perception - expectation (SERVQUAL)";
    gap_about(r, about, sizeof about);
    if (md)
      fprintf(f, "| %s %s | %s | %+.2f |\n", r->metric, what, about, r->value);
    else
      fprintf(f, "  %-5s %-38s %-*s %+.2f\n", r->metric, what, width, about,
              r->value);
  }
}

void mj__standard_section(FILE *f, const mj_figset *fs, const mj_model *m,
                          int md)
{
  int any = 0;
  for (size_t i = 0; m && i < m->n_standards; i++) {
    const mj_standard *s = &m->standards[i];
    const mj_result_rec *met =
        mj__figset_find(fs, "standard", "met", NULL, s->id, NULL, "all");
    const mj_result_rec *ind =
        mj__figset_find(fs, "standard", "indicator", NULL, s->id, NULL, "all");
    if (!met)
      continue;
    if (!any)
      fprintf(f, md ? "\n## Service standard\n\n| standard | indicator | "
                      "value | target | n | |\n|---|---|---:|---|---:|---|\n"
                    : "\nService standard\n");
    any = 1;
    char value[32] = "-";
    if (ind && !isnan(ind->value))
      snprintf(value, sizeof value, "%.1f", ind->value);
    const char *text = mj__i18n_get(&s->text, NULL);
    if (md)
      fprintf(f, "| %s%s%s | %s | %s | %s | %llu | %s |\n", s->id,
              text ? ": " : "", text ? text : "", s->indicator, value,
              s->target, (unsigned long long)met->n,
              met->label ? met->label : "");
    else
      fprintf(f, "  %-8s %-8s %s = %s (target %s, n %llu)%s%s\n", s->id,
              met->label ? met->label : "", s->indicator, value, s->target,
              (unsigned long long)met->n, text ? "  " : "", text ? text : "");
  }
  gaps_section(f, fs, md);
}
