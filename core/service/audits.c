/*
** Mystery-shopper audits: visits and calls recorded against an audit's
** criteria, and the scorecards per criterion, site and agent with the
** compliance (share of observations meeting the target) of each.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "service.h"
#include "stats.h"

static const char *const fixed[] = {"visit_id", "date", "site",
                                    "agent",    "wave", "audit"};
enum { V_ID, V_DATE, V_SITE, V_AGENT, V_WAVE, V_AUDIT, V__N };

static const mj_audit *audit_by_id(const mj_model *m, const char *id)
{
  for (size_t i = 0; m && i < m->n_audits; i++)
    if (strcmp(m->audits[i].id, id) == 0)
      return &m->audits[i];
  return NULL;
}

static int visit_header(mj_engine *e, void *ud, const char *path,
                        const char *const *names, size_t n)
{
  const mj_audit *a = ud;
  size_t nk = V__N + a->n_criteria;
  const char **known = malloc(nk * sizeof *known);
  if (!known)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  for (size_t i = 0; i < V__N; i++)
    known[i] = fixed[i];
  for (size_t i = 0; i < a->n_criteria; i++)
    known[V__N + i] = a->criteria[i].id;
  int rc = mj__service_header(e, path, names, n, known, nk, 2);
  free(known);
  return rc;
}

/* An observation as a number (checks: 1 yes, 0 no); 0 if not valid. */
static int parse_obs(const mj_criterion *k, const char *s, double *x, char *why,
                     size_t whylen)
{
  if (k->kind == MJ_CRIT_CHECK) {
    int v = mj__yesno(s, strlen(s));
    if (v < 0) {
      snprintf(why, whylen,
               "criterion '%s' is a check: write yes or no, "
               "not '%s'",
               k->id, s);
      return 0;
    }
    *x = v;
    return 1;
  }
  char *end;
  double v = strtod(s, &end);
  while (*end == ' ')
    end++;
  if (end == s || *end || !isfinite(v) || v < 0) {
    snprintf(why, whylen, "criterion '%s' needs a number%s, not '%s'", k->id,
             k->unit ? " (in its unit)" : "", s);
    return 0;
  }
  if (k->kind == MJ_CRIT_SUBJECTIVE &&
      (v != floor(v) || v < 1 || v > k->scale)) {
    snprintf(why, whylen, "criterion '%s' is a rating from 1 to %d, not '%s'",
             k->id, k->scale, s);
    return 0;
  }
  *x = v;
  return 1;
}

static int visit_row(mj_engine *e, void *ud, const char *const *names,
                     const char *const *cells, size_t n, int *col, char *why,
                     size_t whylen)
{
  const mj_audit *a = ud;
  const char *v[V__N] = {NULL};
  int at[V__N] = {0};
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < V__N; k++)
      if (strcmp(names[i], fixed[k]) == 0) {
        v[k] = cells[i] && *cells[i] ? cells[i] : NULL;
        at[k] = (int)i;
      }
  if (!v[V_ID]) {
    *col = at[V_ID];
    snprintf(why, whylen, "the visit has no visit_id");
    return MJ_EVALIDATE;
  }
  if (v[V_AUDIT] && strcmp(v[V_AUDIT], a->id) != 0) {
    *col = at[V_AUDIT];
    snprintf(why, whylen, "audit '%s' is not the audit imported ('%s')",
             v[V_AUDIT], a->id);
    return MJ_EVALIDATE;
  }
  mj_visit_rec r = {0};
  if (!v[V_DATE] || !mj__parse_time(v[V_DATE], &r.at)) {
    *col = at[V_DATE];
    snprintf(why, whylen, "date '%s' is not a date (write 2026-11-03)",
             v[V_DATE] ? v[V_DATE] : "");
    return MJ_EVALIDATE;
  }
  json_t *obs = json_object();
  if (!obs)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const mj_criterion *k = NULL;
    for (size_t j = 0; j < a->n_criteria && !k; j++)
      if (strcmp(a->criteria[j].id, names[i]) == 0)
        k = &a->criteria[j];
    const char *s = cells[i];
    /* Blank or NA: the shopper could not observe it (no hold, no
    ** transfer): left out of that criterion's n. */
    if (!k || !s || !*s || strcasecmp(s, "NA") == 0 ||
        strcasecmp(s, "N/A") == 0)
      continue;
    double x;
    if (!parse_obs(k, s, &x, why, whylen)) {
      json_decref(obs);
      *col = (int)i;
      return MJ_EVALIDATE;
    }
    json_object_set_new(obs, k->id, json_real(x));
  }
  char *text = json_dumps(obs, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(obs);
  if (!text)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  char month[16];
  mj__utc_month(r.at, month, sizeof month);
  r.id = v[V_ID];
  r.audit = a->id;
  r.wave = v[V_WAVE] ? v[V_WAVE] : month;
  r.site = v[V_SITE];
  r.agent = v[V_AGENT];
  r.values = text;
  r.source = "csv";
  mj_error err = {0};
  int rc = MJ_STORE_OPS(e)->put_visit(e->store->inst, &r, &err);
  free(text);
  return rc == MJ_OK ? MJ_OK
                     : mj__seterr_from(e, &err, MJ_ESTORE, "storing a visit: ");
}

static int pick_audit(mj_engine *e, const char *id, const mj_audit **out)
{
  const mj_model *m = e->model;
  if (!m)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  if (!id) {
    if (m->n_audits == 1) {
      *out = &m->audits[0];
      return MJ_OK;
    }
    return mj__seterr(e, MJ_EINVAL,
                      m->n_audits ? "%s declares %zu audits: say which one"
                                  : "%s declares no audit (write audit "
                                    "\"NAME\" { criteria = ... })",
                      m->file, m->n_audits);
  }
  if ((*out = audit_by_id(m, id)))
    return MJ_OK;
  const char *ids[64];
  size_t n = 0;
  for (size_t i = 0; i < m->n_audits && n < 64; i++)
    ids[n++] = m->audits[i].id;
  const char *best = mj__suggest(id, ids, n);
  return mj__seterr(e, MJ_ENOTFOUND, "%s: no audit \"%s\"%s%s%s", m->file, id,
                    best ? " (did you mean '" : "", best ? best : "",
                    best ? "'?)" : "");
}

static int on_stored_visit(void *ud, const mj_visit_rec *v)
{
  return json_object_set_new_nocheck(ud, v->id, json_true()) ? MJ_ENOMEM
                                                             : MJ_OK;
}

static int visit_ids(mj_engine *e, json_t *ids, mj_error *err)
{
  return MJ_STORE_OPS(e)->scan_visits(e->store->inst, NULL, NULL,
                                      on_stored_visit, ids, err);
}

static const mj_svc_kind visit_kind = {.id_column = "visit_id",
                                       .title = "Audit scorecards",
                                       .command = "audits",
                                       .header = visit_header,
                                       .row = visit_row,
                                       .stored_ids = visit_ids,
                                       .figures = mj__audit_figures,
                                       .section = mj__audit_section};

int mj_audits_import(mj_engine *e, const char *audit, const char *path,
                     mj_import_stats *stats)
{
  if (!e || !path || !stats)
    return e ? mj__seterr(e, MJ_EINVAL, "no file or stats given") : MJ_EINVAL;
  mj__clearerr(e);
  const mj_audit *a;
  int rc = pick_audit(e, audit, &a);
  return rc == MJ_OK
             ? mj__service_import(e, &visit_kind, (void *)a, path, stats)
             : rc;
}

int mj_visit_add(mj_engine *e, const char *audit, const char *const *columns,
                 const char *const *values, size_t n)
{
  if (!e || (n && (!columns || !values)))
    return e ? mj__seterr(e, MJ_EINVAL, "no columns or values given")
             : MJ_EINVAL;
  mj__clearerr(e);
  const mj_audit *a;
  int rc = pick_audit(e, audit, &a);
  return rc == MJ_OK
             ? mj__service_add(e, &visit_kind, (void *)a, columns, values, n)
             : rc;
}

/* ---- scorecards ---------------------------------------------------------- */

/* One criterion (or, at index n_criteria, every criterion pooled) in one
** segment: observations, how many met the target, the values. */
typedef struct cell {
  uint64_t n, met;
  mj_stats_acc acc;
} cell;

typedef struct card {
  const mj_audit *a;
  char **segs; /* "all", "site:X", "agent:Y" in order of appearance */
  uint64_t *visits;
  cell *cells; /* n_segs x (n_criteria + 1) */
  size_t n_segs;
  int oom;
} card;

static int meets(const mj_criterion *k, double x)
{
  switch (k->cmp) {
  case MJ_CMP_LE:
    return x <= k->target_value;
  case MJ_CMP_LT:
    return x < k->target_value;
  case MJ_CMP_GE:
    return x >= k->target_value;
  case MJ_CMP_GT:
    return x > k->target_value;
  case MJ_CMP_EQ:
    return x == k->target_value;
  default:
    return 0;
  }
}

static size_t seg_index(card *c, const char *prefix, const char *name)
{
  char buf[256];
  snprintf(buf, sizeof buf, "%s%s", prefix, name);
  for (size_t i = 0; i < c->n_segs; i++)
    if (strcmp(c->segs[i], buf) == 0)
      return i;
  size_t w = c->a->n_criteria + 1, n = c->n_segs + 1;
  char **segs = realloc(c->segs, n * sizeof *segs);
  if (segs)
    c->segs = segs;
  uint64_t *visits = realloc(c->visits, n * sizeof *visits);
  if (visits)
    c->visits = visits;
  cell *cells = realloc(c->cells, n * w * sizeof *cells);
  if (cells)
    c->cells = cells;
  char *s = strdup(buf);
  if (!segs || !visits || !cells || !s) {
    free(s);
    c->oom = 1;
    return (size_t)-1;
  }
  memset(&c->cells[c->n_segs * w], 0, w * sizeof *cells);
  c->visits[c->n_segs] = 0;
  c->segs[c->n_segs] = s;
  return c->n_segs++;
}

static int on_visit(void *ud, const mj_visit_rec *v)
{
  card *c = ud;
  json_t *obs = json_loads(v->values ? v->values : "{}", 0, NULL);
  size_t seg[3];
  size_t ns = 0;
  seg[ns++] = seg_index(c, "", "all");
  if (v->site && *v->site)
    seg[ns++] = seg_index(c, "site:", v->site);
  if (v->agent && *v->agent)
    seg[ns++] = seg_index(c, "agent:", v->agent);
  if (c->oom) {
    json_decref(obs);
    return MJ_ENOMEM;
  }
  size_t w = c->a->n_criteria + 1;
  for (size_t s = 0; s < ns; s++)
    c->visits[seg[s]]++;
  for (size_t k = 0; k < c->a->n_criteria; k++) {
    const mj_criterion *crit = &c->a->criteria[k];
    json_t *x = json_object_get(obs, crit->id);
    if (!json_is_number(x))
      continue; /* not observed */
    double val = json_number_value(x);
    int ok = meets(crit, val);
    for (size_t s = 0; s < ns; s++) {
      cell *one = &c->cells[seg[s] * w + k],
           *all = &c->cells[seg[s] * w + w - 1];
      one->n++;
      one->met += (uint64_t)ok;
      mj_stats_acc_add(&one->acc, val);
      all->n++;
      all->met += (uint64_t)ok;
    }
  }
  json_decref(obs);
  return MJ_OK;
}

static void card_free(card *c)
{
  for (size_t i = 0; i < c->n_segs; i++)
    free(c->segs[i]);
  free(c->segs);
  free(c->visits);
  free(c->cells);
}

static int compliance(mj_figset *fs, const mj_figkey *k, const cell *x)
{
  mj_stats_ci ci = mj_stats_wilson((double)x->met, (double)x->n, MJ_STATS_Z95);
  return mj__figset_put(fs, k, "compliance", x->n,
                        x->n ? 100.0 * (double)x->met / (double)x->n : NAN,
                        100.0 * ci.low, 100.0 * ci.high, 0, NULL);
}

static int card_figures(mj_figset *fs, int64_t cycle, const card *c)
{
  const mj_audit *a = c->a;
  size_t w = a->n_criteria + 1;
  int rc = MJ_OK;
  for (size_t s = 0; rc == MJ_OK && s < c->n_segs; s++) {
    mj_figkey k = {cycle, "audit", a->id, NULL, NULL, c->segs[s]};
    rc = mj__figset_put(fs, &k, "visits", c->visits[s], (double)c->visits[s],
                        NAN, NAN, 0, NULL);
    if (rc == MJ_OK)
      rc = compliance(fs, &k, &c->cells[s * w + w - 1]);
    for (size_t j = 0; rc == MJ_OK && j < a->n_criteria; j++) {
      const mj_criterion *crit = &a->criteria[j];
      const cell *x = &c->cells[s * w + j];
      k.question = crit->id;
      rc = compliance(fs, &k, x);
      if (rc == MJ_OK && crit->kind != MJ_CRIT_CHECK) {
        mj_stats_ci ci = mj_stats_mean_ci(&x->acc, 0.975);
        double sd = mj_stats_acc_sd(&x->acc);
        rc = mj__figset_put(fs, &k, "mean", x->n, mj_stats_acc_mean(&x->acc),
                            ci.low, ci.high, isnan(sd) ? 0 : sd, NULL);
      }
    }
  }
  return rc;
}

int mj__audit_figures(mj_engine *e, int64_t cycle, const char *wave,
                      mj_figset *figs)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!S->scan_visits || !e->model)
    return MJ_OK;
  for (size_t i = 0; i < e->model->n_audits; i++) {
    card c = {.a = &e->model->audits[i]};
    mj_error err = {0};
    int rc = S->scan_visits(e->store->inst, c.a->id, wave, on_visit, &c, &err);
    if (rc == MJ_OK && c.n_segs)
      rc = card_figures(figs, cycle, &c);
    card_free(&c);
    if (rc == MJ_ENOMEM)
      return mj__seterr(e, rc, "out of memory");
    if (rc != MJ_OK)
      return mj__seterr_from(e, &err, MJ_ESTORE, "reading audit visits: ");
  }
  return MJ_OK;
}

/* ---- the report's scorecards --------------------------------------------- */

static const mj_result_rec *afind(const mj_figset *fs, const char *metric,
                                  const char *audit, const char *crit,
                                  const char *seg)
{
  for (size_t i = 0; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (r->scorer && strcmp(r->scorer, "audit") == 0 &&
        strcmp(r->metric, metric) == 0 && r->questionnaire &&
        strcmp(r->questionnaire, audit) == 0 &&
        (crit ? r->question && strcmp(r->question, crit) == 0 : !r->question) &&
        r->segment && strcmp(r->segment, seg) == 0)
      return r;
  }
  return NULL;
}

static void pct(char *buf, size_t n, const mj_result_rec *r)
{
  if (!r || isnan(r->value))
    snprintf(buf, n, "-");
  else
    snprintf(buf, n, "%.0f%%", r->value);
}

void mj__audit_section(FILE *f, const mj_figset *fs, const mj_model *m, int md)
{
  for (size_t ai = 0; m && ai < m->n_audits; ai++) {
    const mj_audit *a = &m->audits[ai];
    const mj_result_rec *all = afind(fs, "visits", a->id, NULL, "all");
    if (!all)
      continue;
    fprintf(f,
            md ? "\n## Audit \"%s\": %.0f visit(s)\n\n"
               : "\nAudit \"%s\": %.0f visit(s)\n",
            a->id, all->value);
    /* Per criterion: target, compliance with its interval, mean. */
    fprintf(f,
            md ? "| criterion | kind | target | n | compliance | mean |\n"
                 "|---|---|---|---:|---:|---:|\n"
               : "  %-22s %-10s %-8s %4s %-22s %s\n",
            "criterion", "kind", "target", "n", "compliance", "mean");
    for (size_t k = 0; k < a->n_criteria; k++) {
      const mj_criterion *c = &a->criteria[k];
      const mj_result_rec *co = afind(fs, "compliance", a->id, c->id, "all");
      const mj_result_rec *mean = afind(fs, "mean", a->id, c->id, "all");
      char cbuf[64], mbuf[32], tbuf[40];
      if (co && !isnan(co->value))
        snprintf(cbuf, sizeof cbuf, "%.1f%% [%.1f, %.1f]", co->value,
                 co->ci_low, co->ci_high);
      else
        snprintf(cbuf, sizeof cbuf, "-");
      if (mean && !isnan(mean->value))
        snprintf(mbuf, sizeof mbuf, "%.2f%s%s", mean->value, c->unit ? " " : "",
                 c->unit ? c->unit : "");
      else
        snprintf(mbuf, sizeof mbuf, "-");
      snprintf(tbuf, sizeof tbuf, "%s",
               c->kind == MJ_CRIT_CHECK ? "yes"
               : c->target              ? c->target
                                        : "-");
      const char *kind = c->kind == MJ_CRIT_OBJECTIVE    ? "objective"
                         : c->kind == MJ_CRIT_SUBJECTIVE ? "subjective"
                                                         : "check";
      fprintf(f,
              md ? "| %s | %s | %s | %llu | %s | %s |\n"
                 : "  %-22s %-10s %-8s %4llu %-22s %s\n",
              c->id, kind, tbuf, (unsigned long long)(co ? co->n : 0), cbuf,
              mbuf);
    }
    /* Per site and agent: visits and overall compliance, then each
    ** criterion's compliance. */
    fprintf(f, md ? "\n| scorecard | visits | overall |" : "\n  %-20s %6s %7s",
            "scorecard", "visits", "overall");
    for (size_t k = 0; k < a->n_criteria; k++)
      fprintf(f, md ? " %s |" : " %.8s", a->criteria[k].id);
    fprintf(f, md ? "\n|---|---:|---:|" : "\n");
    for (size_t k = 0; md && k < a->n_criteria; k++)
      fprintf(f, "---:|");
    if (md)
      fprintf(f, "\n");
    for (size_t i = 0; i < fs->n; i++) {
      const mj_result_rec *v = &fs->items[i];
      if (!v->scorer || strcmp(v->scorer, "audit") != 0 ||
          strcmp(v->metric, "visits") != 0 || !v->questionnaire ||
          strcmp(v->questionnaire, a->id) != 0)
        continue;
      char buf[32];
      pct(buf, sizeof buf, afind(fs, "compliance", a->id, NULL, v->segment));
      fprintf(f, md ? "| %s | %.0f | %s |" : "  %-20s %6.0f %7s", v->segment,
              v->value, buf);
      for (size_t k = 0; k < a->n_criteria; k++) {
        pct(buf, sizeof buf,
            afind(fs, "compliance", a->id, a->criteria[k].id, v->segment));
        size_t wdt = strlen(a->criteria[k].id);
        if (md)
          fprintf(f, " %s |", buf);
        else
          fprintf(f, " %*s", (int)(wdt < 8 ? wdt : 8), buf);
      }
      fprintf(f, "\n");
    }
  }
}

int mj_audits_summary(mj_engine *e, const char *wave, const char *format,
                      char **out, size_t *len)
{
  return mj__service_summary(e, &visit_kind, wave, format, out, len);
}
