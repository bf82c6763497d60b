/*
** Metric references: the one parser and lookup of "SCORER.METRIC[:SUBJECT]
** [@SEGMENT]" that plan verification, the service standard, promises and
** declarative triggers share, so a reference means the same everywhere.
*/
#include <stdio.h>
#include <string.h>

#include "model.h"

/* Short forms a service manager writes: NAME[:X] stands for a full ref. */
static const struct {
  const char *name, *scorer, *metric;
  int x_is_segment; /* X is the segment (nps:retail), else the subject */
} shorts[] = {
    {"mean", "csat", "mean", 0},
    {"t2b", "csat", "t2b", 0},
    {"nps", "nps", "nps", 1},
    {"complaints", "complaints", "count", 0},
    {"audit", "audit", "compliance", 0},
    {"standard", "standard", "met", 0},
};

static int copy(char *dst, size_t cap, const char *src, size_t n)
{
  if (n == 0 || n >= cap)
    return 0;
  memcpy(dst, src, n);
  dst[n] = '\0';
  return 1;
}

int mj__metric_parse(const char *spec, mj_metric_ref *m)
{
  memset(m, 0, sizeof *m);
  if (!spec || !*spec || strpbrk(spec, " \t\n"))
    return 0;
  const char *dot = strchr(spec, '.');
  size_t head = strcspn(spec, ".:@");
  if (!dot || (size_t)(dot - spec) != head) {
    /* NAME, NAME:X or NAME@SEG: a short form. */
    for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++) {
      if (strlen(shorts[i].name) != head ||
          strncmp(spec, shorts[i].name, head) != 0)
        continue;
      snprintf(m->scorer, sizeof m->scorer, "%s", shorts[i].scorer);
      snprintf(m->metric, sizeof m->metric, "%s", shorts[i].metric);
      snprintf(m->segment, sizeof m->segment, "all");
      const char *rest = spec + head;
      if (*rest == ':' && shorts[i].x_is_segment)
        return copy(m->segment, sizeof m->segment, rest + 1,
                    strlen(rest + 1)) &&
               !strchr(m->segment, '@');
      if (*rest == ':') {
        rest++;
        size_t n = strcspn(rest, "@");
        if (!copy(m->subject, sizeof m->subject, rest, n))
          return 0;
        rest += n;
      }
      if (*rest == '@')
        return copy(m->segment, sizeof m->segment, rest + 1, strlen(rest + 1));
      return *rest == '\0';
    }
    return 0;
  }
  if (!copy(m->scorer, sizeof m->scorer, spec, head))
    return 0;
  const char *rest = dot + 1;
  size_t n = strcspn(rest, ":@");
  if (!copy(m->metric, sizeof m->metric, rest, n))
    return 0;
  rest += n;
  if (*rest == ':') {
    rest++;
    n = strcspn(rest, "@");
    if (!copy(m->subject, sizeof m->subject, rest, n))
      return 0;
    rest += n;
  }
  if (*rest == '@')
    return copy(m->segment, sizeof m->segment, rest + 1, strlen(rest + 1));
  snprintf(m->segment, sizeof m->segment, "all");
  return 1;
}

const char *mj__metric_suggest(const char *spec)
{
  const char *names[sizeof shorts / sizeof *shorts];
  for (size_t i = 0; i < sizeof shorts / sizeof *shorts; i++)
    names[i] = shorts[i].name;
  char head[64];
  snprintf(head, sizeof head, "%.*s", (int)strcspn(spec, ".:@"), spec);
  return mj__suggest(head, names, sizeof shorts / sizeof *shorts);
}

void mj__metric_format(const mj_metric_ref *m, char *buf, size_t n)
{
  snprintf(buf, n, "%s.%s%s%s%s%s", m->scorer, m->metric,
           m->subject[0] ? ":" : "", m->subject,
           strcmp(m->segment, "all") != 0 ? "@" : "",
           strcmp(m->segment, "all") != 0 ? m->segment : "");
}

/* Complaint figures by category live under questionnaire "category". */
static int is_category_metric(const mj_metric_ref *m)
{
  return strcmp(m->scorer, "complaints") == 0 && m->subject[0] &&
         !strchr(m->subject, '/');
}

/* Case figures of one alert live under questionnaire "alert". */
static int is_alert_metric(const mj_metric_ref *m)
{
  return strcmp(m->scorer, "cases") == 0 && m->subject[0];
}

const mj_result_rec *mj__metric_find(const mj_figset *fs, const mj_model *model,
                                     const mj_metric_ref *m)
{
  const char *req = NULL, *qn = NULL, *q = NULL;
  char buf[128];
  if (m->subject[0]) {
    if (is_category_metric(m)) {
      qn = "category";
      q = m->subject;
    } else if (is_alert_metric(m)) {
      qn = "alert";
      q = m->subject;
    } else if (model && mj__model_requirement(model, m->subject)) {
      req = m->subject;
    } else {
      snprintf(buf, sizeof buf, "%s", m->subject);
      char *slash = strchr(buf, '/');
      if (slash) {
        *slash = 0;
        qn = buf;
        q = slash + 1;
      } else {
        q = buf;
      }
    }
  }
  return mj__figset_find(fs, m->scorer, m->metric, qn, q, req, m->segment);
}

/* ---- checking at load time ---------------------------------------------- */

/* Figures the core makes itself, beside the scorer plugins'. */
static const char *const service_scorers[] = {"complaints", "audit", "standard",
                                              "gaps", "cases"};
/* Scorers built into mejora (plugins/scorer-*, and the shares of yes/no,
** choice and multi answers every cycle counts), for "did you mean". */
static const char *const known_scorers[] = {
    "csat", "nps",      "ces",         "csi",       "ipa",
    "kano", "servqual", "reliability", "retention", "share"};

static void hint_of(char *hint, size_t n, const char *word,
                    const char *const *cands, size_t k)
{
  const char *best = mj__suggest(word, cands, k);
  if (best)
    snprintf(hint, n, " (did you mean '%s'?)", best);
  else
    hint[0] = '\0';
}

/* Ids of a model array (first member of each record is its id). */
static size_t ids_of(const void *base, size_t n, size_t size, const char **out,
                     size_t cap)
{
  size_t k = 0;
  for (size_t i = 0; i < n && k < cap; i++)
    out[k++] = *(const char *const *)((const char *)base + i * size);
  return k;
}

static int check_scorer(const mj_model *m, const char *name,
                        mj_scorer_known_fn known, void *ud, char *why, size_t n)
{
  /* The names a playbook may use without a plugin search, which are
  ** also the "did you mean" candidates. */
  const char *c[64];
  size_t k = 0;
  for (size_t i = 0; i < sizeof service_scorers / sizeof *service_scorers; i++)
    c[k++] = service_scorers[i];
  for (size_t i = 0; i < sizeof known_scorers / sizeof *known_scorers; i++)
    c[k++] = known_scorers[i];
  for (size_t i = 0; m && i < m->n_uses && k < 64; i++)
    if (strcmp(m->uses[i].kind, "scorer") == 0)
      c[k++] = m->uses[i].as ? m->uses[i].as : m->uses[i].name;
  for (size_t i = 0; i < k; i++)
    if (strcmp(name, c[i]) == 0)
      return 1;
  if (known && known(ud, name)) /* a scorer plugin of its own */
    return 1;
  char hint[128];
  hint_of(hint, sizeof hint, name, c, k);
  snprintf(why, n, "unknown scorer '%s'%s", name, hint);
  return 0;
}

int mj__metric_check(const mj_model *m, const mj_metric_ref *r,
                     mj_scorer_known_fn known, void *ud, char *why, size_t n)
{
  if (!check_scorer(m, r->scorer, known, ud, why, n))
    return MJ_EREF;
  const char *c[256];
  char hint[128];
  size_t k;
  int service = 0;
  for (size_t i = 0; i < sizeof service_scorers / sizeof *service_scorers; i++)
    service |= strcmp(r->scorer, service_scorers[i]) == 0;
  if (is_category_metric(r)) {
    for (size_t i = 0; m && i < m->n_complaint_categories; i++)
      if (strcmp(m->complaint_categories[i].id, r->subject) == 0)
        goto segment;
    k = m ? ids_of(m->complaint_categories, m->n_complaint_categories,
                   sizeof *m->complaint_categories, c, 256)
          : 0;
    hint_of(hint, sizeof hint, r->subject, c, k);
    snprintf(why, n,
             "unknown complaint category '%s'%s (declare it: "
             "complaint_category \"%s\" { ... })",
             r->subject, hint, r->subject);
    return MJ_EREF;
  }
  if (is_alert_metric(r) && m) {
    for (size_t i = 0; i < m->n_alerts; i++)
      if (strcmp(m->alerts[i].id, r->subject) == 0)
        goto segment;
    k = ids_of(m->alerts, m->n_alerts, sizeof *m->alerts, c, 256);
    hint_of(hint, sizeof hint, r->subject, c, k);
    snprintf(why, n, "unknown alert '%s'%s (declare it: alert \"%s\" "
             "{ ... })", r->subject, hint, r->subject);
    return MJ_EREF;
  }
  if (r->subject[0] && !service && m) {
    /* A survey figure: a requirement, QUESTIONNAIRE/QUESTION or a
    ** question of some questionnaire. */
    const char *slash = strchr(r->subject, '/');
    if (slash) {
      char qn[128];
      snprintf(qn, sizeof qn, "%.*s", (int)(slash - r->subject), r->subject);
      const mj_questionnaire *q = mj__model_questionnaire(m, qn);
      if (!q) {
        k = ids_of(m->questionnaires, m->n_questionnaires,
                   sizeof *m->questionnaires, c, 256);
        hint_of(hint, sizeof hint, qn, c, k);
        snprintf(why, n, "unknown questionnaire '%s'%s", qn, hint);
        return MJ_EREF;
      }
      if (!mj__model_question(q, slash + 1)) {
        k = ids_of(q->questions, q->n_questions, sizeof *q->questions, c, 256);
        hint_of(hint, sizeof hint, slash + 1, c, k);
        snprintf(why, n, "questionnaire '%s' has no question '%s'%s", qn,
                 slash + 1, hint);
        return MJ_EREF;
      }
    } else if (!mj__model_requirement(m, r->subject)) {
      for (size_t i = 0; i < m->n_questionnaires; i++)
        if (mj__model_question(&m->questionnaires[i], r->subject))
          goto segment;
      k = ids_of(m->requirements, m->n_requirements, sizeof *m->requirements, c,
                 256);
      hint_of(hint, sizeof hint, r->subject, c, k);
      snprintf(why, n, "unknown requirement '%s'%s", r->subject, hint);
      return MJ_EREF;
    }
  }
segment:
  /* Audit segments are "site:X" and "agent:Y", made from the visits. */
  if (strcmp(r->segment, "all") == 0 || strchr(r->segment, ':') || !m ||
      mj__model_segment(m, r->segment))
    return MJ_OK;
  k = ids_of(m->segments, m->n_segments, sizeof *m->segments, c, 256);
  hint_of(hint, sizeof hint, r->segment, c, k);
  snprintf(why, n, "unknown segment '%s'%s", r->segment, hint);
  return MJ_EREF;
}
