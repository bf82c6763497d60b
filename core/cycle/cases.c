/*
** Close-the-loop cases after they open (intake's cases_open.c opens
** them): escalating the ones past due, once; closing them with their
** outcome; listing them; and counting them as a cycle's figures, so the
** report shows them and triggers read them like any other figure.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"

/* A case as stored, its strings owned by the copy. */
typedef struct case_copy {
  mj_case_rec r;
  char *s[8];
} case_copy;

typedef struct case_list {
  case_copy *v;
  size_t n, cap;
} case_list;

static void case_list_free(case_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    for (size_t k = 0; k < 8; k++)
      free(l->v[i].s[k]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

static int keep_case(void *ud, const mj_case_rec *r)
{
  case_list *l = ud;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    case_copy *v = realloc(l->v, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  case_copy *c = &l->v[l->n];
  memset(c, 0, sizeof *c);
  c->r = *r;
  const char **f[8] = {&c->r.alert,       &c->r.response, &c->r.customer,
                       &c->r.questionnaire, &c->r.owner,  &c->r.escalate_to,
                       &c->r.closed_by,   &c->r.outcome};
  for (size_t k = 0; k < 8; k++) {
    if (!*f[k])
      continue;
    if (!(c->s[k] = strdup(*f[k]))) {
      for (size_t j = 0; j < k; j++)
        free(c->s[j]);
      return MJ_ENOMEM;
    }
    *f[k] = c->s[k];
  }
  l->n++;
  return MJ_OK;
}

/* The store's cases (id 0: all) into *l; sets the engine error. */
static int load_cases(mj_engine *e, int64_t id, case_list *l)
{
  mj_error err = {0};
  memset(l, 0, sizeof *l);
  int rc = MJ_STORE_OPS(e)->case_scan(e->store->inst, id, keep_case, l, &err);
  if (rc == MJ_OK)
    return MJ_OK;
  case_list_free(l);
  return rc == MJ_ENOMEM ? mj__seterr(e, rc, "out of memory")
                         : mj__seterr_from(e, &err, MJ_ESTORE,
                                           "reading cases: ");
}

static int is_open(const mj_case_rec *c)
{
  return c->closed_at == 0;
}

static int is_overdue(const mj_case_rec *c, int64_t now)
{
  return is_open(c) && now > c->due_at;
}

/* The store, with its case operations (the ABI 1.4 ones). */
static int cases_open_store(mj_engine *e)
{
  mj__clearerr(e);
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  if (!mj__cases_ready(e))
    return mj__seterr(e, MJ_EINVAL,
                      "store plugin '%s' keeps no cases (it needs the case "
                      "operations of plugin ABI 1.4): alerts open none",
                      e->store->desc->name);
  return MJ_OK;
}

/* ---- escalating --------------------------------------------------------- */

int mj__cases_escalate(mj_engine *e, size_t *escalated)
{
  *escalated = 0;
  if (!mj__cases_ready(e))
    return MJ_OK;
  case_list l;
  int rc = load_cases(e, 0, &l);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  int64_t now = mj__now(e);
  for (size_t i = 0; rc == MJ_OK && i < l.n; i++) {
    const mj_case_rec *c = &l.v[i].r;
    if (!is_overdue(c, now) || c->escalated_at)
      continue;
    /* The mark and its message together: another delivery that marked
    ** it first makes this one a conflict, and nothing is queued twice. */
    mj_error err = {0}, ignored;
    rc = S->begin(e->store->inst, &err);
    if (rc != MJ_OK)
      break;
    rc = S->case_escalate(e->store->inst, c->id, now, &err);
    if (rc == MJ_ECONFLICT) {
      S->rollback(e->store->inst, &ignored);
      rc = MJ_OK;
      continue;
    }
    if (rc == MJ_OK)
      rc = mj__case_queue(e, c, "case.escalated", now, &err);
    if (rc == MJ_OK)
      rc = S->commit(e->store->inst, &err);
    else
      S->rollback(e->store->inst, &ignored);
    if (rc != MJ_OK) {
      rc = mj__seterr_from(e, &err, MJ_ESTORE, "escalating cases: ");
      break;
    }
    (*escalated)++;
    mj__log(e, MJ_LOG_WARN, "case %lld (alert '%s') is overdue: escalated "
            "to %s", (long long)c->id, c->alert,
            c->escalate_to ? c->escalate_to : c->owner);
  }
  case_list_free(&l);
  return rc;
}

/* ---- figures ------------------------------------------------------------ */

enum { F_OPENED, F_OPEN, F_IN_TIME, F_LATE, F_OVERDUE, F_N };
static const char *const figure_names[F_N] = {
    "opened", "open", "closed_in_time", "closed_late", "overdue"};

static void count_case(uint64_t *n, const mj_case_rec *c, int64_t from,
                       int64_t to, int64_t now)
{
  n[F_OPENED] += (!from || c->opened_at >= from) && (!to || c->opened_at < to);
  n[F_OPEN] += is_open(c);
  n[F_IN_TIME] += !is_open(c) && c->closed_at <= c->due_at;
  n[F_LATE] += !is_open(c) && c->closed_at > c->due_at;
  n[F_OVERDUE] += is_overdue(c, now);
}

int mj__cases_figures(mj_engine *e, int64_t cycle, const mj_cycle_decl *d,
                      mj_figset *figs)
{
  const mj_model *m = e->model;
  if (!m->n_alerts || !mj__cases_ready(e))
    return MJ_OK;
  case_list l;
  int rc = load_cases(e, 0, &l);
  if (rc != MJ_OK)
    return rc;
  int64_t now = mj__now(e);
  int64_t from = d ? d->period_from : 0, to = d ? d->period_to : 0;
  size_t first = figs->n;
  /* Every alert's, then all alerts' together. */
  for (size_t a = 0; rc == MJ_OK && a <= m->n_alerts; a++) {
    const char *alert = a < m->n_alerts ? m->alerts[a].id : NULL;
    uint64_t n[F_N] = {0}, total = 0;
    for (size_t i = 0; i < l.n; i++)
      if (!alert || strcmp(l.v[i].r.alert, alert) == 0) {
        count_case(n, &l.v[i].r, from, to, now);
        total++;
      }
    mj_figkey k = {cycle, "cases", alert ? "alert" : NULL, alert, NULL, NULL};
    for (int f = 0; rc == MJ_OK && f < F_N; f++)
      rc = mj__figset_put(figs, &k, figure_names[f], total, (double)n[f],
                          NAN, NAN, 0, NULL) == MJ_OK
               ? MJ_OK
               : mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  case_list_free(&l);
  return rc == MJ_OK ? mj__figures_store(e, figs, first,
                                         "storing case figures: ")
                     : rc;
}

static const mj_result_rec *case_figure(const mj_figset *fs,
                                        const char *metric, const char *alert)
{
  return mj__figset_find(fs, "cases", metric, alert ? "alert" : NULL, alert,
                         NULL, "all");
}

void mj__cases_section(FILE *f, const mj_figset *fs, const mj_model *m,
                       int md)
{
  if (!m || !m->n_alerts || !case_figure(fs, "opened", NULL))
    return;
  fprintf(f, md ? "\n## Cases\n\n| alert | opened | open | closed in time "
                  "| closed late | overdue |\n|---|---:|---:|---:|---:|---:|\n"
                : "\nCases\n  %-24s %8s %8s %15s %12s %8s\n",
          "alert", "opened", "open", "closed in time", "closed late",
          "overdue");
  for (size_t a = 0; a <= m->n_alerts; a++) {
    const char *alert = a < m->n_alerts ? m->alerts[a].id : NULL;
    double v[F_N];
    for (int k = 0; k < F_N; k++) {
      const mj_result_rec *r = case_figure(fs, figure_names[k], alert);
      v[k] = r ? r->value : 0;
    }
    fprintf(f, md ? "| %s | %.0f | %.0f | %.0f | %.0f | %.0f |\n"
                  : "  %-24s %8.0f %8.0f %15.0f %12.0f %8.0f\n",
            alert ? alert : "all", v[F_OPENED], v[F_OPEN], v[F_IN_TIME],
            v[F_LATE], v[F_OVERDUE]);
  }
}

/* ---- listing and closing ------------------------------------------------ */

static json_t *case_json(const mj_case_rec *c, int64_t now)
{
  json_t *o = json_object();
  if (!o)
    return NULL;
  int bad = 0;
  const char *status = !is_open(c)            ? "closed"
                       : is_overdue(c, now) ? "overdue"
                                              : "open";
  bad |= json_object_set_new(o, "id", json_integer(c->id));
  bad |= json_object_set_new(o, "alert", mj__json_str(c->alert));
  bad |= json_object_set_new(o, "status", mj__json_str(status));
  bad |= json_object_set_new(o, "response", mj__json_str(c->response));
  bad |= json_object_set_new(o, "customer", mj__json_str(c->customer));
  bad |= json_object_set_new(o, "questionnaire",
                             mj__json_str(c->questionnaire));
  bad |= json_object_set_new(o, "owner", mj__json_str(c->owner));
  bad |= json_object_set_new(o, "escalate_to", mj__json_str(c->escalate_to));
  bad |= json_object_set_new(o, "opened_at", mj__json_time(c->opened_at));
  bad |= json_object_set_new(o, "due_at", mj__json_time(c->due_at));
  bad |= json_object_set_new(o, "escalated_at",
                             mj__json_time(c->escalated_at));
  bad |= json_object_set_new(o, "closed_at", mj__json_time(c->closed_at));
  bad |= json_object_set_new(o, "closed_by", mj__json_str(c->closed_by));
  bad |= json_object_set_new(o, "outcome", mj__json_str(c->outcome));
  bad |= json_object_set_new(o, "in_time",
                             is_open(c) ? json_null()
                                        : json_boolean(c->closed_at <=
                                                       c->due_at));
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static const char *jstr(const json_t *o, const char *k)
{
  const char *v = json_string_value(json_object_get(o, k));
  return v ? v : "-";
}

static void text_list(FILE *f, json_t *list)
{
  if (json_array_size(list) == 0) {
    fprintf(f, "No case.\n");
    return;
  }
  fprintf(f, "%-6s %-16s %-8s %-28s %-12s %-20s\n", "CASE", "ALERT",
          "STATUS", "OWNER", "CUSTOMER", "DUE");
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o)
  {
    fprintf(f, "%-6lld %-16s %-8s %-28s %-12s %-20s\n",
            (long long)json_integer_value(json_object_get(o, "id")),
            jstr(o, "alert"), jstr(o, "status"), jstr(o, "owner"),
            jstr(o, "customer"), jstr(o, "due_at"));
  }
}

static void text_show(FILE *f, const json_t *o)
{
  fprintf(f, "case %lld: %s, alert %s\n",
          (long long)json_integer_value(json_object_get(o, "id")),
          jstr(o, "status"), jstr(o, "alert"));
  fprintf(f, "response %s of customer %s (questionnaire %s)\n",
          jstr(o, "response"), jstr(o, "customer"), jstr(o, "questionnaire"));
  fprintf(f, "owner %s, escalate to %s\n", jstr(o, "owner"),
          jstr(o, "escalate_to"));
  fprintf(f, "opened %s, due %s\n", jstr(o, "opened_at"), jstr(o, "due_at"));
  if (json_is_string(json_object_get(o, "escalated_at")))
    fprintf(f, "escalated %s\n", jstr(o, "escalated_at"));
  if (json_is_string(json_object_get(o, "closed_at")))
    fprintf(f, "closed %s by %s, %s: %s\n", jstr(o, "closed_at"),
            jstr(o, "closed_by"),
            json_is_true(json_object_get(o, "in_time")) ? "in time" : "late",
            jstr(o, "outcome"));
}

int mj_cases(mj_engine *e, unsigned flags, int64_t id, const char *format,
             char **out, size_t *len)
{
  if (mj__text_output_start(e, "cases", &format, out, len) != MJ_OK)
    return MJ_EINVAL;
  unsigned known = MJ_CASES_OPEN | MJ_CASES_OVERDUE;
  if (flags & ~known)
    return mj__seterr(e, MJ_EINVAL, "mj_cases: unknown flags %#x",
                      flags & ~known);
  if (id < 0)
    return mj__seterr(e, MJ_EINVAL, "mj_cases: case ids start at 1");
  int rc = cases_open_store(e);
  case_list l;
  if (rc != MJ_OK || (rc = load_cases(e, id, &l)) != MJ_OK)
    return rc;
  if (id && l.n == 0) {
    case_list_free(&l);
    return mj__seterr(e, MJ_ENOTFOUND,
                      "no case %lld in the store (`mejora cases PLAYBOOK "
                      "list` lists them)",
                      (long long)id);
  }
  int64_t now = mj__now(e);
  json_t *list = json_array();
  rc = list ? MJ_OK : MJ_ENOMEM;
  for (size_t i = 0; rc == MJ_OK && i < l.n; i++) {
    const mj_case_rec *c = &l.v[i].r;
    /* The filters pick among all cases; one asked for by id is shown. */
    if (!id && (((flags & MJ_CASES_OPEN) && !is_open(c)) ||
                ((flags & MJ_CASES_OVERDUE) && !is_overdue(c, now))))
      continue;
    json_t *o = case_json(c, now);
    if (!o || json_array_append_new(list, o) != 0)
      rc = MJ_ENOMEM;
  }
  case_list_free(&l);
  if (rc == MJ_OK && strcmp(format, "json") == 0) {
    json_t *one = id ? json_array_get(list, 0) : list;
    *out = json_dumps(one, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  } else if (rc == MJ_OK) {
    size_t n = 0;
    FILE *f = open_memstream(out, &n);
    if (f) {
      if (id)
        text_show(f, json_array_get(list, 0));
      else
        text_list(f, list);
      fclose(f);
    }
  }
  json_decref(list);
  if (rc != MJ_OK || !*out)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (len)
    *len = strlen(*out);
  return MJ_OK;
}

int mj_case_close(mj_engine *e, int64_t id, const char *by,
                  const char *outcome, int *in_time)
{
  if (!e)
    return MJ_EINVAL;
  if (in_time)
    *in_time = 0;
  if (id < 1 || !by || !*by || !outcome || !*outcome)
    return mj__seterr(e, MJ_EINVAL,
                      "closing a case takes its id, who closes it and the "
                      "outcome (what was done)");
  int rc = cases_open_store(e);
  case_list l;
  if (rc != MJ_OK || (rc = load_cases(e, id, &l)) != MJ_OK)
    return rc;
  int found = l.n > 0;
  int64_t now = mj__now(e), due = found ? l.v[0].r.due_at : 0;
  case_list_free(&l);
  if (!found)
    return mj__seterr(e, MJ_ENOTFOUND,
                      "no case %lld in the store (`mejora cases PLAYBOOK "
                      "list` lists them)",
                      (long long)id);
  mj_error err = {0};
  rc = MJ_STORE_OPS(e)->case_close(e->store->inst, id, now, by, outcome, &err);
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "");
  if (in_time)
    *in_time = now <= due;
  mj__log(e, MJ_LOG_INFO, "case %lld closed by %s, %s", (long long)id, by,
          now <= due ? "in time" : "late");
  return MJ_OK;
}
