/*
** Declarative triggers, `when = "mean:R1 < target"`: compiled once the
** playbook is linked and judged against a cycle's figures without Lua;
** and the evidence every trigger records, the figures it read.
*/
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model.h"

int mj__evidence_add(mj_evidence *ev, const mj_result_rec *r)
{
  for (size_t i = 0; i < ev->n; i++)
    if (ev->read[i] == r)
      return MJ_OK;
  if (ev->n == ev->cap) {
    size_t cap = ev->cap ? ev->cap * 2 : 8;
    const mj_result_rec **v = realloc(ev->read, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    ev->read = v;
    ev->cap = cap;
  }
  ev->read[ev->n++] = r;
  return MJ_OK;
}

static json_t *str_or_null(const char *s)
{
  return s ? json_string(s) : json_null();
}

char *mj__evidence_json(const mj_evidence *ev)
{
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < ev->n; i++) {
    const mj_result_rec *r = ev->read[i];
    json_t *o = json_object();
    if (!o || json_array_append_new(arr, o) != 0) {
      json_decref(arr);
      return NULL;
    }
    json_object_set_new(o, "scorer", str_or_null(r->scorer));
    json_object_set_new(o, "metric", str_or_null(r->metric));
    json_object_set_new(o, "questionnaire", str_or_null(r->questionnaire));
    json_object_set_new(o, "question", str_or_null(r->question));
    json_object_set_new(o, "requirement", str_or_null(r->requirement));
    json_object_set_new(o, "segment", str_or_null(r->segment));
    json_object_set_new(o, "value",
                        isfinite(r->value) ? json_real(r->value) : json_null());
    json_object_set_new(o, "n", json_integer((json_int_t)r->n));
  }
  char *s = arr ? json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(arr);
  return s;
}

/* ---- declarative triggers --------------------------------------------- */

/*
** when = "MEASURE OP VALUE [and|or MEASURE OP VALUE ...]"
**   MEASURE  a metric reference (metric_ref.c): csat.mean:R1, mean:R1,
**            nps:retail, complaints.count:late-delivery, complaints.fcr,
**            audit.compliance:answer_time, complaints.hours_median:step/
**            responded ...
**   OP       < <= > >= == !=
**   VALUE    a number; `target`, the target of the measure's requirement;
**            or a rate N/day, N/week, N/month, N/year: the figure divided
**            by the cycle's period in those units.
** `and` binds tighter than `or` (a and b or c = (a and b) or c); there are
** no parentheses: write a Lua function for anything more.
** The period is the cycle's `period = { from, to }`; whole calendar
** months when both fall on the 1st (so 2026-11-01..2026-12-01 is exactly
** one month), else days / 30.436875. A cycle without a period whose name
** is a month ("2026-11", the default wave of complaints and visits) is one
** month long. Without either, a rate is not judged (the clause is false).
*/
typedef enum vkind { V_NUM = 1, V_TARGET, V_RATE } vkind;

typedef struct clause {
  mj_metric_ref ref;
  mj_cmp cmp;
  int ne;           /* != (mj_cmp has no "not equal") */
  vkind kind;
  double value;     /* the number; a target's value after compiling */
  double unit_days; /* V_RATE: days in one unit (month: 30.436875) */
  const char *unit; /* V_RATE: "month" */
  int or_before;    /* starts a new `or` group */
  const char *text; /* the measure as written, for messages */
} clause;

struct mj_rule {
  clause *c;
  size_t n;
};

static const struct {
  const char *name;
  double days;
} units[] = {{"day", 1}, {"week", 7}, {"month", 365.2425 / 12},
             {"year", 365.2425}};

/* A token of s at *pos: a word of anything but blanks and operators, or an
** operator. Returns its length (0 at the end). */
static size_t token(const char *s, size_t *pos, int op)
{
  while (s[*pos] == ' ' || s[*pos] == '\t' || s[*pos] == '\n')
    (*pos)++;
  const char *p = s + *pos;
  if (op)
    return strspn(p, "<>=!");
  return strcspn(p, " \t\n<>=!");
}

static int rule_error(mj_engine *e, const mj_plan *p, int code,
                      const char *what)
{
  return mj__seterr_at(e, code, p->pos.file,
                       p->when_line > 0 ? p->when_line : p->pos.line, 0,
                       "plan \"%s\": when \"%s\": %s", p->id, p->when_text,
                       what);
}

static int parse_value(const char *w, clause *k)
{
  char *end;
  double v = strtod(w, &end);
  if (strcmp(w, "target") == 0) {
    k->kind = V_TARGET;
    return 1;
  }
  if (end == w || !isfinite(v))
    return 0;
  k->value = v;
  if (*end == '\0') {
    k->kind = V_NUM;
    return 1;
  }
  if (*end != '/')
    return 0;
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcmp(end + 1, units[i].name) == 0) {
      k->kind = V_RATE;
      k->unit = units[i].name;
      k->unit_days = units[i].days;
      return 1;
    }
  return 0;
}

static int compile_one(mj_engine *e, mj_model *m, mj_plan *p,
                       mj_scorer_known_fn known, void *ud)
{
  const char *s = p->when_text;
  size_t len = strlen(s), pos = 0, n = 0, cap = 1;
  for (size_t i = 0; i < len; i++)
    cap += s[i] == ' ' || s[i] == '\t' || s[i] == '\n'; /* and/or need
                                                         ** blanks */
  clause *c = mj__arena_alloc(&m->arena, cap * sizeof *c);
  char *buf = mj__arena_alloc(&m->arena, len + 1);
  if (!c || !buf)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  char msg[600], why[400];
  int or_next = 0;
  for (;;) {
    /* MEASURE */
    size_t k = token(s, &pos, 0);
    if (k == 0) {
      snprintf(msg, sizeof msg,
               n == 0 ? "nothing to test; write e.g. \"mean:R1 < target\" or "
                        "\"complaints:late-delivery > 10/month\""
                      : "'%s' at the end needs a comparison after it",
               or_next ? "or" : "and");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    clause *x = &c[n];
    memset(x, 0, sizeof *x);
    memcpy(buf, s + pos, k);
    buf[k] = '\0';
    x->text = mj__arena_strdup(&m->arena, buf);
    pos += k;
    if (!x->text)
      return mj__seterr(e, MJ_ENOMEM, "out of memory");
    if (!mj__metric_parse(x->text, &x->ref)) {
      const char *best = mj__metric_suggest(x->text);
      snprintf(msg, sizeof msg,
               "'%s' is not a measure%s%s%s; write SCORER.METRIC[:SUBJECT]"
               "[@SEGMENT] (e.g. csat.mean:R1) or a short form (mean:R1, "
               "nps:SEGMENT, complaints:CATEGORY)",
               x->text, best ? " (did you mean '" : "", best ? best : "",
               best ? ":...'?)" : "");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    int rc = mj__metric_check(m, &x->ref, known, ud, why, sizeof why);
    if (rc != MJ_OK) {
      snprintf(msg, sizeof msg, "'%s': %s", x->text, why);
      return rule_error(e, p, rc, msg);
    }
    /* OP */
    k = token(s, &pos, 1);
    static const struct {
      const char *op;
      mj_cmp cmp;
      int ne;
    } ops[] = {{"<", MJ_CMP_LT, 0},  {"<=", MJ_CMP_LE, 0},
               {">", MJ_CMP_GT, 0},  {">=", MJ_CMP_GE, 0},
               {"==", MJ_CMP_EQ, 0}, {"!=", MJ_CMP_EQ, 1}};
    size_t o = 0;
    while (o < 6 && (strlen(ops[o].op) != k || strncmp(s + pos, ops[o].op, k)))
      o++;
    if (o == 6) {
      size_t w = k ? k : token(s, &pos, 0);
      snprintf(msg, sizeof msg,
               "after '%s' comes %s%.*s%s; expected a comparison: < <= > >= "
               "== !=",
               x->text, w ? "'" : "", (int)(w ? w : 7), w ? s + pos : "nothing",
               w ? "'" : "");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    x->cmp = ops[o].cmp;
    x->ne = ops[o].ne;
    pos += k;
    /* VALUE */
    k = token(s, &pos, 0);
    memcpy(buf, s + pos, k);
    buf[k] = '\0';
    pos += k;
    if (!parse_value(buf, x)) {
      static const char *const words[] = {"target"};
      const char *best = k ? mj__suggest(buf, words, 1) : NULL;
      snprintf(msg, sizeof msg,
               "%s%s%s%s; write a number, target, or a rate like 10/month "
               "(/day, /week, /month, /year)",
               k ? "'" : "", k ? buf : "no value after the comparison",
               k ? "' is not a value" : "",
               best ? " (did you mean 'target'?)" : "");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    if (x->kind == V_TARGET) {
      const mj_requirement *r =
          x->ref.subject[0] ? mj__model_requirement(m, x->ref.subject) : NULL;
      if (!r || !r->has_target) {
        snprintf(msg, sizeof msg,
                 "'target' is the target of the measure's requirement, and "
                 "%s%s%s; compare with a number instead",
                 r ? "requirement '" : "'", r ? r->id : x->text,
                 r ? "' declares no target" : "' names no requirement");
        return rule_error(e, p, MJ_EVALIDATE, msg);
      }
      x->value = r->target;
    }
    x->or_before = or_next;
    n++;
    /* and | or | end */
    k = token(s, &pos, 0);
    if (k == 0 && token(s, &pos, 1) == 0)
      break;
    if (k == 0)
      k = token(s, &pos, 1);
    if ((k == 3 && strncmp(s + pos, "and", 3) == 0) ||
        (k == 2 && strncmp(s + pos, "or", 2) == 0)) {
      or_next = k == 2;
      pos += k;
      continue;
    }
    snprintf(msg, sizeof msg, "'%.*s' where 'and' or 'or' was expected "
                              "(after '%s')",
             (int)k, s + pos, buf);
    return rule_error(e, p, MJ_EVALIDATE, msg);
  }
  struct mj_rule *r = mj__arena_alloc(&m->arena, sizeof *r);
  if (!r)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  r->c = c;
  r->n = n;
  p->when_rule = r;
  return MJ_OK;
}

int mj__rules_compile(mj_engine *e, mj_model *m, mj_scorer_known_fn known,
                      void *ud)
{
  for (size_t i = 0; i < m->n_plans; i++) {
    if (!m->plans[i].when_text)
      continue;
    int rc = compile_one(e, m, &m->plans[i], known, ud);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

/* The cycle's length in days and whole months (0 when not whole). */
static int period_of(const mj_cycle_decl *d, double *days, int *months)
{
  *months = 0;
  if (!d)
    return 0;
  if (d->period_from > 0 && d->period_to > d->period_from) {
    *days = (double)(d->period_to - d->period_from) / 86400.0;
    int64_t df = d->period_from / 86400, dt = d->period_to / 86400;
    /* Both on the 1st at midnight: count the calendar months. */
    if (d->period_from % 86400 == 0 && d->period_to % 86400 == 0) {
      int y1, m1, y2, m2;
      char a[16], b[16];
      mj__utc_month(d->period_from, a, sizeof a);
      mj__utc_month(d->period_to, b, sizeof b);
      if (sscanf(a, "%d-%d", &y1, &m1) == 2 &&
          sscanf(b, "%d-%d", &y2, &m2) == 2 &&
          mj__days_from_civil(y1, (unsigned)m1, 1) == df &&
          mj__days_from_civil(y2, (unsigned)m2, 1) == dt)
        *months = (y2 - y1) * 12 + (m2 - m1);
    }
    return 1;
  }
  int y, mo;
  char tail;
  if (sscanf(d->id, "%4d-%2d%c", &y, &mo, &tail) == 2 && mo >= 1 && mo <= 12 &&
      strlen(d->id) == 7) {
    int ny = mo == 12 ? y + 1 : y;
    unsigned nm = mo == 12 ? 1 : (unsigned)mo + 1;
    *days = (double)(mj__days_from_civil(ny, nm, 1) -
                     mj__days_from_civil(y, (unsigned)mo, 1));
    *months = 1;
    return 1;
  }
  return 0;
}

static int holds(const clause *k, double x, double t)
{
  switch (k->cmp) {
  case MJ_CMP_LT:
    return x < t;
  case MJ_CMP_LE:
    return x <= t;
  case MJ_CMP_GT:
    return x > t;
  case MJ_CMP_GE:
    return x >= t;
  default:
    return k->ne ? x != t : x == t;
  }
}

static void add_why(char *why, size_t n, const char *fmt, const char *a,
                    const char *b)
{
  size_t used = strlen(why);
  if (used + 2 < n)
    snprintf(why + used, n - used, "%s", used ? "; " : "");
  used = strlen(why);
  if (used < n)
    snprintf(why + used, n - used, fmt, a, b);
}

int mj__rule_eval(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                  const mj_cycle_decl *cycle, int *fired, char **evidence,
                  char *why, size_t whylen)
{
  *fired = 0;
  if (evidence)
    *evidence = NULL;
  if (why && whylen)
    why[0] = '\0';
  if (!e || !p || !fs || !p->when_rule)
    return e ? mj__seterr(e, MJ_EINVAL, "no plan, figures or rule given")
             : MJ_EINVAL;
  char scratch[512] = "";
  if (!why || !whylen) {
    why = scratch;
    whylen = sizeof scratch;
  }
  const struct mj_rule *r = p->when_rule;
  mj_evidence ev = {0};
  double days = 0;
  int months = 0, has_period = period_of(cycle, &days, &months);
  int any = 0, group = 1, rc = MJ_OK;
  for (size_t i = 0; i < r->n && rc == MJ_OK; i++) {
    const clause *k = &r->c[i];
    if (k->or_before) {
      any |= group;
      group = 1;
    }
    const mj_result_rec *f = mj__metric_find(fs, e->model, &k->ref);
    char name[400];
    mj__metric_format(&k->ref, name, sizeof name);
    if (f)
      rc = mj__evidence_add(&ev, f);
    if (!f || isnan(f->value)) {
      add_why(why, whylen,
              f ? "%s has no value this cycle%s"
                : "no figure %s this cycle%s (the clause is false)",
              name, "");
      group = 0;
      continue;
    }
    double x = f->value;
    if (k->kind == V_RATE) {
      double per = 0;
      if (has_period && strcmp(k->unit, "month") == 0 && months > 0)
        per = months;
      else if (has_period)
        per = days / k->unit_days;
      if (!(per > 0)) {
        add_why(why, whylen,
                "cycle '%s' has no period = { from, to } and its name is "
                "not a month (YYYY-MM): %s per period is not judged",
                cycle ? cycle->id : "?", name);
        group = 0;
        continue;
      }
      x /= per;
    }
    group &= holds(k, x, k->value);
  }
  any |= group;
  if (rc == MJ_OK) {
    *fired = any;
    if (evidence) {
      *evidence = mj__evidence_json(&ev);
      if (!*evidence)
        rc = MJ_ENOMEM;
    }
  }
  free(ev.read);
  return rc == MJ_OK ? MJ_OK : mj__seterr(e, rc, "out of memory");
}
