/*
** Complaints through the ISO 10002 flow (received, acknowledged, assessed,
** investigated, responded, closed): import, the cycle's figures (time in
** each step, first-contact resolution, Pareto of categories and root
** causes) and the report's section of them.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "service.h"
#include "stats.h"

/* ---- complaints: rows ---------------------------------------------------- */

static const char *const ccols[] = {"id",
                                    "received_at",
                                    "channel",
                                    "customer_id",
                                    "category",
                                    "text",
                                    "acknowledged_at",
                                    "assessed_at",
                                    "investigated_at",
                                    "root_cause",
                                    "responded_at",
                                    "closed_at",
                                    "first_contact_resolution",
                                    "wave"};
enum {
  C_ID,
  C_RECEIVED,
  C_CHANNEL,
  C_CUSTOMER,
  C_CATEGORY,
  C_TEXT,
  C_ACK,
  C_ASSESSED,
  C_INVESTIGATED,
  C_ROOT,
  C_RESPONDED,
  C_CLOSED,
  C_FCR,
  C_WAVE,
  C__N
};

/* The steps after "received", in order, with their column. */
static const struct {
  const char *name;
  int col;
} steps[] = {{"acknowledged", C_ACK},
             {"assessed", C_ASSESSED},
             {"investigated", C_INVESTIGATED},
             {"responded", C_RESPONDED},
             {"closed", C_CLOSED}};
#define N_STEPS (sizeof steps / sizeof *steps)

/* The declared category id, or NULL. */
static const mj_complaint_category *category_of(const mj_model *m,
                                                const char *id)
{
  for (size_t k = 0; m && id && k < m->n_complaint_categories; k++)
    if (strcmp(m->complaint_categories[k].id, id) == 0)
      return &m->complaint_categories[k];
  return NULL;
}

/*
** Queue what tells a category's owner of complaint c (kind
** "complaint.received" or "complaint.overdue") inside the caller's
** transaction, once: its key comes from the kind and the complaint's id.
** The customer and the complaint's text ride in the meta, which a webhook
** leaves out unless the playbook asks for them.
*/
static int tell_complaint(mj_engine *e, const mj_complaint_rec *c,
                          const char *kind, mj_error *err)
{
  const mj_complaint_category *k = category_of(e->model, c->category);
  int64_t limit = k && k->limit_days ? (int64_t)k->limit_days * 86400 : 0;
  char received[32], due[32], dues[32], subject[256], message[768];
  json_t *t = mj__json_time(c->received_at);
  snprintf(received, sizeof received, "%s",
           json_string_value(t) ? json_string_value(t) : "-");
  json_decref(t);
  t = mj__json_time(c->received_at + limit);
  snprintf(due, sizeof due, "%s",
           limit && json_string_value(t) ? json_string_value(t) : "-");
  json_decref(t);
  snprintf(dues, sizeof dues, "%lld", (long long)(c->received_at + limit));
  int overdue = strcmp(kind, "complaint.overdue") == 0;
  if (overdue)
    snprintf(subject, sizeof subject,
             "Complaint %s has had no response within %d days", c->id,
             k->limit_days);
  else
    snprintf(subject, sizeof subject, "Complaint %s received", c->id);
  if (overdue)
    snprintf(message, sizeof message,
             "Complaint %s (category %s), received on %.10s, was due a "
             "response by %.10s and has none yet.",
             c->id, c->category ? c->category : "none", received, due);
  else if (limit)
    snprintf(message, sizeof message,
             "Complaint %s (category %s) was received on %.10s through %s; "
             "respond by %.10s (within %d days).",
             c->id, c->category ? c->category : "none", received,
             c->channel ? c->channel : "an unknown channel", due,
             k->limit_days);
  else
    snprintf(message, sizeof message,
             "Complaint %s (category %s) was received on %.10s through %s.",
             c->id, c->category ? c->category : "none", received,
             c->channel ? c->channel : "an unknown channel");
  mj_meta meta[7] = {{"complaint", c->id},
                     {"category", c->category ? c->category : ""},
                     {"owner", k && k->owner ? k->owner : ""}};
  size_t n = 3;
  if (limit)
    meta[n++] = (mj_meta){"due_at", dues};
  if (c->customer)
    meta[n++] = (mj_meta){"complainant", c->customer};
  if (c->text)
    meta[n++] = (mj_meta){"text", c->text};
  mj_event ev = {kind, MJ_LOG_WARN, mj__now(e), subject, message, meta, n};
  char ident[300];
  snprintf(ident, sizeof ident, "%s/%s", kind, c->id);
  return mj__outbox_queue(e, 0, NULL, 0, ident, &ev, NULL, err);
}

static int complaint_header(mj_engine *e, void *ud, const char *path,
                            const char *const *names, size_t n)
{
  (void)ud;
  return mj__service_header(e, path, names, n, ccols, C__N, 2);
}

/* ud: the ids of the complaints stored before the import (a JSON
** object), so that only a new one is told of. */
static int complaint_row(mj_engine *e, void *ud, const char *const *names,
                         const char *const *cells, size_t n, int *col,
                         char *why, size_t whylen)
{
  const char *v[C__N] = {NULL};
  int at[C__N];
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < C__N; k++)
      if (strcmp(names[i], ccols[k]) == 0) {
        v[k] = cells[i] && *cells[i] ? cells[i] : NULL;
        at[k] = (int)i;
      }
  mj_complaint_rec c = {0};
  c.fcr = -1;
  c.id = v[C_ID];
  if (!c.id) {
    *col = at[C_ID];
    snprintf(why, whylen, "the complaint has no id");
    return MJ_EVALIDATE;
  }
  if (!v[C_RECEIVED] || !mj__parse_time(v[C_RECEIVED], &c.received_at)) {
    *col = at[C_RECEIVED];
    snprintf(why, whylen,
             "received_at '%s' is not a date or time (write 2026-11-03 or "
             "2026-11-03T09:15)",
             v[C_RECEIVED] ? v[C_RECEIVED] : "");
    return MJ_EVALIDATE;
  }
  int64_t *times[] = {&c.acknowledged_at, &c.assessed_at, &c.investigated_at,
                      &c.responded_at, &c.closed_at};
  int64_t prev = c.received_at;
  const char *prev_name = "received_at";
  for (size_t s = 0; s < N_STEPS; s++) {
    const char *x = v[steps[s].col];
    if (!x)
      continue;
    if (!mj__parse_time(x, times[s])) {
      *col = at[steps[s].col];
      snprintf(why, whylen, "%s '%s' is not a date or time",
               ccols[steps[s].col], x);
      return MJ_EVALIDATE;
    }
    /* ISO 10002 steps happen in order: a step before the one it follows
    ** is a typo in the data, not a fast response. */
    if (*times[s] < prev) {
      *col = at[steps[s].col];
      snprintf(why, whylen, "%s '%s' is before %s", ccols[steps[s].col], x,
               prev_name);
      return MJ_EVALIDATE;
    }
    prev = *times[s];
    prev_name = ccols[steps[s].col];
  }
  if (v[C_FCR] && (c.fcr = mj__yesno(v[C_FCR], strlen(v[C_FCR]))) < 0) {
    *col = at[C_FCR];
    snprintf(why, whylen, "first_contact_resolution '%s' is not yes or no",
             v[C_FCR]);
    return MJ_EVALIDATE;
  }
  const mj_model *m = e->model;
  if (v[C_CATEGORY] && m && m->n_complaint_categories) {
    size_t k = 0;
    while (k < m->n_complaint_categories &&
           strcmp(m->complaint_categories[k].id, v[C_CATEGORY]) != 0)
      k++;
    if (k == m->n_complaint_categories) {
      const char *ids[64];
      size_t ni = 0;
      for (size_t i = 0; i < m->n_complaint_categories && ni < 64; i++)
        ids[ni++] = m->complaint_categories[i].id;
      const char *best = mj__suggest(v[C_CATEGORY], ids, ni);
      *col = at[C_CATEGORY];
      snprintf(why, whylen,
               "category '%s' is not declared%s%s%s (declare it: "
               "complaint_category \"%s\" { ... })",
               v[C_CATEGORY], best ? " (did you mean '" : "", best ? best : "",
               best ? "'?)" : "", v[C_CATEGORY]);
      return MJ_EVALIDATE;
    }
  }
  char month[16];
  mj__utc_month(c.received_at, month, sizeof month);
  c.wave = v[C_WAVE] ? v[C_WAVE] : month;
  c.channel = v[C_CHANNEL];
  c.customer = v[C_CUSTOMER];
  c.category = v[C_CATEGORY];
  c.text = v[C_TEXT];
  c.root_cause = v[C_ROOT];
  c.source = "csv";
  mj_error err = {0};
  if (MJ_STORE_OPS(e)->put_complaint(e->store->inst, &c, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "storing a complaint: ");
  if (ud && !json_object_get(ud, c.id) &&
      tell_complaint(e, &c, "complaint.received", &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "queueing a complaint: ");
  return MJ_OK;
}

static int on_stored_complaint(void *ud, const mj_complaint_rec *c)
{
  return json_object_set_new_nocheck(ud, c->id, json_true()) ? MJ_ENOMEM
                                                             : MJ_OK;
}

static int complaint_ids(mj_engine *e, json_t *ids, mj_error *err)
{
  return MJ_STORE_OPS(e)->scan_complaints(e->store->inst, NULL,
                                          on_stored_complaint, ids, err);
}

static const mj_svc_kind complaint_kind = {.id_column = "id",
                                           .title = "Complaints",
                                           .command = "complaints",
                                           .header = complaint_header,
                                           .row = complaint_row,
                                           .stored_ids = complaint_ids,
                                           .figures = mj__complaint_figures,
                                           .section = mj__complaint_section};

/* The ids stored before a change, for complaint_row; NULL set. */
static int stored_before(mj_engine *e, json_t **ids)
{
  mj_error err = {0};
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  if (!MJ_STORE_OPS(e)->scan_complaints)
    return MJ_OK; /* mj__service_import refuses such a store */
  *ids = json_object();
  if (!*ids)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  rc = complaint_ids(e, *ids, &err);
  if (rc != MJ_OK) {
    json_decref(*ids);
    *ids = NULL;
    return rc == MJ_ENOMEM ? mj__seterr(e, rc, "out of memory")
                           : mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
  }
  return MJ_OK;
}

int mj_complaints_import(mj_engine *e, const char *path, mj_import_stats *stats)
{
  if (!e || !path || !stats)
    return e ? mj__seterr(e, MJ_EINVAL, "no file or stats given") : MJ_EINVAL;
  mj__clearerr(e);
  json_t *ids = NULL;
  int rc = stored_before(e, &ids);
  if (rc == MJ_OK)
    rc = mj__service_import(e, &complaint_kind, ids, path, stats);
  json_decref(ids);
  return rc;
}

int mj_complaint_add(mj_engine *e, const char *const *columns,
                     const char *const *values, size_t n)
{
  if (!e || (n && (!columns || !values)))
    return e ? mj__seterr(e, MJ_EINVAL, "no columns or values given")
             : MJ_EINVAL;
  mj__clearerr(e);
  json_t *ids = NULL;
  int rc = stored_before(e, &ids);
  if (rc == MJ_OK)
    rc = mj__service_add(e, &complaint_kind, ids, columns, values, n);
  json_decref(ids);
  return rc;
}

/* ---- complaints past their limit ---------------------------------------- */

typedef struct overdue_scan {
  mj_engine *e;
  int64_t now;
  mj_error err;
} overdue_scan;

static int on_open_complaint(void *ud, const mj_complaint_rec *c)
{
  overdue_scan *x = ud;
  const mj_complaint_category *k = category_of(x->e->model, c->category);
  if (!k || !k->limit_days || c->responded_at || c->closed_at ||
      x->now <= c->received_at + (int64_t)k->limit_days * 86400)
    return MJ_OK;
  return tell_complaint(x->e, c, "complaint.overdue", &x->err);
}

int mj__complaints_overdue(mj_engine *e)
{
  const mj_model *m = e->model;
  int limits = 0;
  for (size_t k = 0; m && k < m->n_complaint_categories; k++)
    limits |= m->complaint_categories[k].limit_days > 0;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!limits || !S->scan_complaints || !mj__outbox_once(e))
    return MJ_OK;
  overdue_scan x = {e, mj__now(e), {0}};
  mj_error ignored;
  /* Found and queued in one transaction, each once (tell_complaint). */
  int rc = S->begin(e->store->inst, &x.err);
  if (rc == MJ_OK)
    rc = S->scan_complaints(e->store->inst, NULL, on_open_complaint, &x,
                            &x.err);
  if (rc == MJ_OK)
    rc = S->commit(e->store->inst, &x.err);
  else
    S->rollback(e->store->inst, &ignored);
  return rc == MJ_OK ? MJ_OK
                     : mj__seterr_from(e, &x.err, MJ_ESTORE,
                                       "complaints past their limit: ");
}

/* ---- complaints: the figures of a wave ----------------------------------- */

typedef struct crec {
  char *category, *root_cause;
  int64_t t[1 + N_STEPS]; /* received, then each step (0: not reached) */
  int fcr;
} crec;

typedef struct clist {
  crec *v;
  size_t n, cap;
} clist;

static char *dup_or_null(const char *s)
{
  return s ? strdup(s) : NULL;
}

static int on_complaint(void *ud, const mj_complaint_rec *c)
{
  clist *l = ud;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    crec *v = realloc(l->v, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  crec *r = &l->v[l->n];
  memset(r, 0, sizeof *r);
  r->category = dup_or_null(c->category);
  r->root_cause = dup_or_null(c->root_cause);
  l->n++;
  if ((c->category && !r->category) || (c->root_cause && !r->root_cause))
    return MJ_ENOMEM;
  int64_t t[] = {c->received_at,     c->acknowledged_at, c->assessed_at,
                 c->investigated_at, c->responded_at,    c->closed_at};
  memcpy(r->t, t, sizeof t);
  r->fcr = c->fcr;
  return MJ_OK;
}

static void clist_free(clist *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].category);
    free(l->v[i].root_cause);
  }
  free(l->v);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct tally {
  const char *key;
  uint64_t n;
  size_t order; /* first seen (declared categories come first) */
} tally;

static int cmp_tally(const void *a, const void *b)
{
  const tally *x = a, *y = b;
  if (x->n != y->n)
    return x->n < y->n ? 1 : -1;
  return (x->order > y->order) - (x->order < y->order);
}

static int tally_add(tally **v, size_t *n, const char *key, int count)
{
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*v)[i].key, key) == 0) {
      (*v)[i].n += (uint64_t)count;
      return MJ_OK;
    }
  tally *nv = realloc(*v, (*n + 1) * sizeof *nv);
  if (!nv)
    return MJ_ENOMEM;
  *v = nv;
  nv[*n] = (tally){key, (uint64_t)count, *n};
  (*n)++;
  return MJ_OK;
}

/*
** Pareto of one attribute: count and share per key, largest first; the
** "vital few" (label "vital") are the keys that bring the cumulative
** share up to 80%, the one crossing it included (Juran's rule).
*/
static int pareto(mj_figset *fs, int64_t cycle, const char *group, tally *v,
                  size_t n)
{
  if (n) /* qsort must not get NULL, even for nothing */
    qsort(v, n, sizeof *v, cmp_tally);
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += v[i].n;
  double cum = 0;
  for (size_t i = 0; i < n; i++) {
    double share = total ? 100.0 * (double)v[i].n / (double)total : NAN;
    const char *label = total && v[i].n && cum < 80.0 ? "vital" : NULL;
    if (total)
      cum += share;
    const mj_figkey k = {cycle, "complaints", group, v[i].key, NULL, NULL};
    int rc = mj__figset_put(fs, &k, "count", total, (double)v[i].n, NAN, NAN, 0,
                            NULL);
    if (rc == MJ_OK)
      rc = mj__figset_put(fs, &k, "share", total, share, NAN, NAN, 0, label);
    if (rc == MJ_OK)
      rc = mj__figset_put(fs, &k, "cumulative", total, total ? cum : NAN, NAN,
                          NAN, 0, label);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

/* Hours in each step: from the latest earlier step reached to this one. */
static int step_figures(mj_figset *fs, int64_t cycle, const clist *l)
{
  double *h = malloc((l->n ? l->n : 1) * sizeof *h);
  if (!h)
    return MJ_ENOMEM;
  int rc = MJ_OK;
  for (size_t s = 0; rc == MJ_OK && s <= N_STEPS; s++) {
    /* s == N_STEPS: the whole flow, received to closed. */
    size_t k = 0;
    mj_stats_acc acc = MJ_STATS_ACC_INIT;
    for (size_t i = 0; i < l->n; i++) {
      const int64_t *t = l->v[i].t;
      size_t to = s < N_STEPS ? s + 1 : N_STEPS;
      if (!t[to])
        continue;
      int64_t from = t[0];
      for (size_t j = 1; s < N_STEPS && j < to; j++)
        if (t[j])
          from = t[j];
      h[k] = (double)(t[to] - from) / 3600.0;
      mj_stats_acc_add(&acc, h[k++]);
    }
    const char *name = s < N_STEPS ? steps[s].name : "total";
    double median = NAN;
    if (k) {
      qsort(h, k, sizeof *h, cmp_double);
      median = k % 2 ? h[k / 2] : (h[k / 2 - 1] + h[k / 2]) / 2;
    }
    mj_stats_ci ci = mj_stats_mean_ci(&acc, 0.975);
    double sd = mj_stats_acc_sd(&acc);
    const mj_figkey key = {cycle, "complaints", "step", name, NULL, NULL};
    rc = mj__figset_put(fs, &key, "hours_mean", k, mj_stats_acc_mean(&acc),
                        ci.low, ci.high, isnan(sd) ? 0 : sd, NULL);
    if (rc == MJ_OK)
      rc = mj__figset_put(fs, &key, "hours_median", k, median, NAN, NAN, 0,
                          NULL);
  }
  free(h);
  return rc;
}

int mj__complaint_figures(mj_engine *e, int64_t cycle, const char *wave,
                          mj_figset *figs)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!S->scan_complaints)
    return MJ_OK;
  clist l = {0};
  mj_error err = {0};
  int rc = S->scan_complaints(e->store->inst, wave, on_complaint, &l, &err);
  if (rc != MJ_OK) {
    clist_free(&l);
    return rc == MJ_ENOMEM
               ? mj__seterr(e, rc, "out of memory")
               : mj__seterr_from(e, &err, MJ_ESTORE, "reading complaints: ");
  }
  const mj_model *m = e->model;
  /* Nothing declared and nothing received: no section at all. */
  if (l.n == 0 && (!m || m->n_complaint_categories == 0)) {
    clist_free(&l);
    return MJ_OK;
  }
  uint64_t open = 0, fcr_known = 0, fcr_yes = 0;
  for (size_t i = 0; i < l.n; i++) {
    open += l.v[i].t[N_STEPS] == 0;
    fcr_known += l.v[i].fcr >= 0;
    fcr_yes += l.v[i].fcr == 1;
  }
  const mj_figkey k = {cycle, "complaints", NULL, NULL, NULL, NULL};
  rc = mj__figset_put(figs, &k, "count", l.n, (double)l.n, NAN, NAN, 0, NULL);
  if (rc == MJ_OK)
    rc = mj__figset_put(figs, &k, "open", l.n, (double)open, NAN, NAN, 0, NULL);
  if (rc == MJ_OK) {
    mj_stats_ci ci =
        mj_stats_wilson((double)fcr_yes, (double)fcr_known, MJ_STATS_Z95);
    rc = mj__figset_put(figs, &k, "fcr", fcr_known,
                        fcr_known ? 100.0 * (double)fcr_yes / (double)fcr_known
                                  : NAN,
                        100.0 * ci.low, 100.0 * ci.high, 0, NULL);
  }
  tally *cats = NULL, *causes = NULL;
  size_t ncat = 0, ncause = 0;
  for (size_t i = 0; rc == MJ_OK && m && i < m->n_complaint_categories; i++)
    rc = tally_add(&cats, &ncat, m->complaint_categories[i].id, 0);
  for (size_t i = 0; rc == MJ_OK && i < l.n; i++) {
    rc = tally_add(&cats, &ncat, l.v[i].category ? l.v[i].category : "(none)",
                   1);
    if (rc == MJ_OK && l.v[i].root_cause)
      rc = tally_add(&causes, &ncause, l.v[i].root_cause, 1);
  }
  if (rc == MJ_OK)
    rc = pareto(figs, cycle, "category", cats, ncat);
  if (rc == MJ_OK)
    rc = pareto(figs, cycle, "root_cause", causes, ncause);
  if (rc == MJ_OK)
    rc = step_figures(figs, cycle, &l);
  free(cats);
  free(causes);
  clist_free(&l);
  return rc == MJ_OK ? MJ_OK : mj__seterr(e, rc, "out of memory");
}

/* ---- the report's complaints section ------------------------------------- */

static const mj_result_rec *cfind(const mj_figset *fs, const char *metric,
                                  const char *group, const char *key)
{
  for (size_t i = 0; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (r->scorer && strcmp(r->scorer, "complaints") == 0 &&
        strcmp(r->metric, metric) == 0 &&
        (group ? r->questionnaire && strcmp(r->questionnaire, group) == 0
               : !r->questionnaire) &&
        (key ? r->question && strcmp(r->question, key) == 0 : !r->question))
      return r;
  }
  return NULL;
}

static void print_pareto(FILE *f, const mj_figset *fs, const char *group,
                         const char *title, int md)
{
  int any = 0;
  for (size_t i = 0; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (!r->scorer || strcmp(r->scorer, "complaints") != 0 ||
        strcmp(r->metric, "count") != 0 || !r->questionnaire ||
        strcmp(r->questionnaire, group) != 0)
      continue;
    if (!any)
      fprintf(f,
              md ? "\n| %s | count | share | cumulative | |\n"
                   "|---|---:|---:|---:|---|\n"
                 : "\n  %-24s %6s %7s %10s\n",
              title, "count", "share", "cumulative");
    any = 1;
    const mj_result_rec *sh = cfind(fs, "share", group, r->question);
    const mj_result_rec *cu = cfind(fs, "cumulative", group, r->question);
    double s = sh ? sh->value : NAN, c = cu ? cu->value : NAN;
    const char *vital = sh && sh->label ? "vital few" : "";
    if (md)
      fprintf(f, "| %s | %.0f | %.1f%% | %.1f%% | %s |\n", r->question,
              r->value, s, c, vital);
    else
      fprintf(f, "  %-24s %6.0f %6.1f%% %9.1f%%  %s\n", r->question, r->value,
              s, c, vital);
  }
}

void mj__complaint_section(FILE *f, const mj_figset *fs, const mj_model *m,
                           int md)
{
  (void)m;
  const mj_result_rec *count = cfind(fs, "count", NULL, NULL);
  if (!count)
    return;
  const mj_result_rec *open = cfind(fs, "open", NULL, NULL);
  const mj_result_rec *fcr = cfind(fs, "fcr", NULL, NULL);
  fprintf(f, md ? "\n## Complaints\n\n" : "\nComplaints\n");
  fprintf(f, "  %.0f received, %.0f still open; first-contact resolution ",
          count->value, open ? open->value : 0);
  if (fcr && !isnan(fcr->value))
    fprintf(f, "%.1f%% [%.1f, %.1f] of %llu\n", fcr->value, fcr->ci_low,
            fcr->ci_high, (unsigned long long)fcr->n);
  else
    fprintf(f, "- (not recorded)\n");
  fprintf(f,
          md ? "\n| step | n | median hours | mean hours |\n"
               "|---|---:|---:|---:|\n"
             : "\n  %-24s %6s %12s %12s\n",
          "step", "n", "median hours", "mean hours");
  for (size_t s = 0; s <= N_STEPS; s++) {
    const char *name = s < N_STEPS ? steps[s].name : "total";
    const mj_result_rec *med = cfind(fs, "hours_median", "step", name);
    const mj_result_rec *mean = cfind(fs, "hours_mean", "step", name);
    if (!med || !mean)
      continue;
    fprintf(f,
            md ? "| %s | %llu | %.1f | %.1f |\n"
               : "  %-24s %6llu %12.1f %12.1f\n",
            name, (unsigned long long)med->n, med->value, mean->value);
  }
  print_pareto(f, fs, "category", "category (Pareto)", md);
  print_pareto(f, fs, "root_cause", "root cause (Pareto)", md);
}

int mj_complaints_summary(mj_engine *e, const char *wave, const char *format,
                          char **out, size_t *len)
{
  return mj__service_summary(e, &complaint_kind, wave, format, out, len);
}
