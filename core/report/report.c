/*
** Reports of a stored cycle: JSON for programs, text and Markdown for
** people. Everything is read back from the store, so a report needs no
** recomputation and shows exactly what the cycle decided on.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

/* ---- reading the store ---------------------------------------------------- */


static int on_cycle(void *ud, const mj_cycle_rec *r)
{
  mj_report_cycle *ci = ud;
  ci->id = r->id;
  snprintf(ci->name, sizeof ci->name, "%s", r->name ? r->name : "");
  ci->started_at = r->started_at;
  ci->finished_at = r->finished_at;
  snprintf(ci->status, sizeof ci->status, "%s", r->status ? r->status : "");
  ci->found = 1;
  return MJ_OK;
}


static int on_result(void *ud, const mj_result_rec *r)
{
  return mj__figset_add(ud, r);
}

static int on_plan(void *ud, const mj_plan_rec *p)
{
  json_t *o = mj__plan_json(p);
  return o && json_array_append_new(ud, o) == 0 ? MJ_OK : MJ_ENOMEM;
}

/*
** A segment's place in the reports: "all" first, then the segments in the
** order the playbook declares them, then any other ("channel:NAME", a
** segment no longer declared) as the cycle met them.
*/
static size_t segment_rank(const mj_model *m, const char *segment)
{
  if (!segment || strcmp(segment, "all") == 0)
    return 0;
  for (size_t i = 0; m && i < m->n_segments; i++)
    if (strcmp(m->segments[i].id, segment) == 0)
      return 1 + i;
  return SIZE_MAX;
}

typedef struct fig_order {
  size_t group, rank, index;
} fig_order;

static int by_order(const void *a, const void *b)
{
  const fig_order *x = a, *y = b;
  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static uint64_t group_hash(const mj_result_rec *r);
static int same(const char *a, const char *b);

/* What the figures of one subject share whatever their segment. */
static int same_subject(const mj_result_rec *a, const mj_result_rec *b)
{
  return same(a->scorer, b->scorer) &&
         same(a->questionnaire, b->questionnaire) &&
         same(a->question, b->question) &&
         same(a->requirement, b->requirement);
}

/*
** The figures of each subject together, in the order their subjects first
** come, and within a subject by segment_rank: every table and the JSON
** list segments as the playbook does, whatever order the cycle met them.
*/
static int order_figures(mj_figset *fs, const mj_model *m)
{
  if (fs->n < 2)
    return MJ_OK;
  fig_order *o = malloc(fs->n * sizeof *o);
  uint64_t *h = malloc(fs->n * sizeof *h);
  size_t *lead = malloc(fs->n * sizeof *lead);
  mj_result_rec *v = malloc(fs->n * sizeof *v);
  int rc = o && h && lead && v ? MJ_OK : MJ_ENOMEM;
  /* Each figure is compared with the first figure of each subject so
  ** far (by hash first), not with every figure before it. */
  size_t n_lead = 0;
  for (size_t i = 0; rc == MJ_OK && i < fs->n; i++)
    h[i] = group_hash(&fs->items[i]);
  for (size_t i = 0; rc == MJ_OK && i < fs->n; i++) {
    size_t j;
    for (j = 0; j < n_lead; j++)
      if (h[lead[j]] == h[i] &&
          same_subject(&fs->items[lead[j]], &fs->items[i]))
        break;
    if (j == n_lead)
      lead[n_lead++] = i;
    o[i].group = j;
    o[i].rank = segment_rank(m, fs->items[i].segment);
    o[i].index = i;
  }
  if (rc == MJ_OK) {
    qsort(o, fs->n, sizeof *o, by_order);
    for (size_t i = 0; i < fs->n; i++)
      v[i] = fs->items[o[i].index];
    memcpy(fs->items, v, fs->n * sizeof *v);
  }
  free(o);
  free(h);
  free(lead);
  free(v);
  return rc;
}

int mj__report_load(mj_engine *e, int64_t cycle, mj_report_data *d)
{
  memset(d, 0, sizeof *d);
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  if (cycle == 0) {
    int found = 0;
    if (S->last_cycle(e->store->inst, on_cycle, &d->cycle, &found, &err))
      return mj__seterr_from(e, &err, MJ_ESTORE, "reading cycles: ");
    if (!found)
      return mj__seterr(e, MJ_ENOTFOUND,
                        "no finished cycle in the store yet: run one with "
                        "'mejora run PLAYBOOK'");
  } else {
    int found = 0;
    if (S->get_cycle(e->store->inst, cycle, on_cycle, &d->cycle, &found, &err))
      return mj__seterr_from(e, &err, MJ_ESTORE, "reading cycles: ");
    if (!found)
      return mj__seterr(e, MJ_ENOTFOUND, "no cycle %lld in the store",
                        (long long)cycle);
  }
  rc = S->scan_results(e->store->inst, d->cycle.id, on_result, &d->figs,
                       &err);
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading results: ");
  if (cycle != 0 && d->figs.n == 0)
    return mj__seterr(e, MJ_ENOTFOUND, "no results stored for cycle %lld",
                      (long long)cycle);
  if (order_figures(&d->figs, e->model) != MJ_OK)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  d->plans = json_array();
  if (!d->plans)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  rc = S->scan_plans(e->store->inst, NULL, on_plan, d->plans, &err);
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading plans: ");
  snprintf(d->finished, sizeof d->finished, "-");
  if (d->cycle.finished_at > 0) {
    time_t tt = (time_t)d->cycle.finished_at;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(d->finished, sizeof d->finished, "%Y-%m-%d %H:%M UTC", &tm);
  }
  const mj_cycle_decl *decl =
      e->model ? mj__model_cycle(e->model, d->cycle.name) : NULL;
  d->min_n = decl ? decl->min_n : 0;
  return mj__comments_load(e, d->cycle.id, d->cycle.name,
                           mj__comments_keep(e->model, d->cycle.name),
                           &d->comments);
}

void mj__report_unload(mj_report_data *d)
{
  mj__figset_free(&d->figs);
  json_decref(d->plans);
  mj__comments_free(d->comments);
}

int mj__report_write(mj_engine *e, int64_t cycle, mj__report_write_fn fn,
                     void *ud, char **out, size_t *len)
{
  mj_report_data d;
  int rc = mj__report_load(e, cycle, &d);
  if (rc != MJ_OK) {
    mj__report_unload(&d);
    return rc;
  }
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f) {
    mj__report_unload(&d);
    return mj__seterr(e, MJ_ENOMEM, "out of memory writing the report");
  }
  rc = fn(f, e, &d, ud);
  int bad = ferror(f);
  fclose(f);
  mj__report_unload(&d);
  if (rc != MJ_OK) {
    free(buf);
    return rc;
  }
  if (bad || !buf) {
    free(buf);
    return mj__seterr(e, MJ_ENOMEM, "out of memory writing the report");
  }
  *out = buf;
  if (len)
    *len = n;
  return MJ_OK;
}

/* The requirement-level figure comparable with the target: the mean. */
static const mj_result_rec *requirement_mean(const mj_report_data *d,
                                             const mj_requirement *r)
{
  return mj__figset_find(&d->figs, NULL, "mean", NULL, NULL, r->id, "all");
}

/*
** A point outside its own interval: an interval centred elsewhere than
** the point (the NPS's adjusted Wald is centred on the adjusted estimate,
** so one detractor gives -100 with [-98.5, 48.5]). Reports say so rather
** than let it pass for a typo.
*/
static int outside_ci(const mj_result_rec *r)
{
  return !isnan(r->value) && !isnan(r->ci_low) && !isnan(r->ci_high) &&
         (r->value < r->ci_low || r->value > r->ci_high);
}

/*
** The test of a figure's change: a delta that no test judged (a gap, a
** strength, a share of a matrix scorer, or too few answers to test) is
** "none", so nobody takes it for a tested one; no delta, no test.
*/
static const char *test_of(const mj_result_rec *r)
{
  return r->test ? r->test : isnan(r->delta) ? NULL : "none";
}

/* ---- JSON ---------------------------------------------------------------- */

static json_t *figure_json(const mj_result_rec *r)
{
  json_t *o = json_object();
  json_object_set_new(o, "cycle", json_integer(r->cycle));
  json_object_set_new(o, "scorer", mj__json_str(r->scorer));
  json_object_set_new(o, "metric", mj__json_str(r->metric));
  json_object_set_new(o, "questionnaire", mj__json_str(r->questionnaire));
  json_object_set_new(o, "question", mj__json_str(r->question));
  json_object_set_new(o, "requirement", mj__json_str(r->requirement));
  json_object_set_new(o, "segment", mj__json_str(r->segment));
  json_object_set_new(o, "n", json_integer((json_int_t)r->n));
  json_object_set_new(o, "n_excluded", json_integer((json_int_t)r->n_excluded));
  json_object_set_new(o, "value", mj__json_num(r->value));
  json_object_set_new(o, "ci_low", mj__json_num(r->ci_low));
  json_object_set_new(o, "ci_high", mj__json_num(r->ci_high));
  json_object_set_new(o, "value_outside_ci",
                      isnan(r->ci_low) || isnan(r->ci_high)
                          ? json_null()
                          : json_boolean(outside_ci(r)));
  json_object_set_new(o, "subject", mj__json_str(r->subject));
  json_object_set_new(o, "label", mj__json_str(r->label));
  json_object_set_new(o, "delta", mj__json_num(r->delta));
  json_object_set_new(o, "test", mj__json_str(test_of(r)));
  json_object_set_new(o, "p_change", mj__json_num(r->p_change));
  return o;
}

int mj__report_json(mj_engine *e, int64_t cycle, char **out, size_t *len)
{
  mj_report_data d;
  int rc = mj__report_load(e, cycle, &d);
  if (rc != MJ_OK) {
    mj__report_unload(&d);
    return rc;
  }
  json_t *root = json_object();
  json_object_set_new(root, "format", json_string("mejora-results/1"));
  json_object_set_new(root, "mejora", json_string(MJ_VERSION_STRING));
  json_object_set_new(root, "playbook",
                      mj__json_str(e->model ? e->model->file : NULL));
  json_t *cy = json_object();
  json_object_set_new(cy, "id", json_integer(d.cycle.id));
  json_object_set_new(cy, "name",
                      d.cycle.name[0] ? json_string(d.cycle.name)
                                      : json_null());
  json_object_set_new(cy, "started_at", mj__json_time(d.cycle.started_at));
  json_object_set_new(cy, "finished_at", mj__json_time(d.cycle.finished_at));
  json_object_set_new(cy, "status", d.cycle.status[0]
                                        ? json_string(d.cycle.status)
                                        : json_null());
  json_object_set_new(root, "cycle", cy);
  json_t *figs = json_array();
  for (size_t i = 0; i < d.figs.n; i++)
    json_array_append_new(figs, figure_json(&d.figs.items[i]));
  json_object_set_new(root, "figures", figs);
  json_t *reqs = json_array();
  for (size_t i = 0; e->model && i < e->model->n_requirements; i++) {
    const mj_requirement *r = &e->model->requirements[i];
    const mj_result_rec *f = requirement_mean(&d, r);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "text", mj__json_str(mj__i18n_get(&r->text,
                                                                 NULL)));
    json_object_set_new(o, "target",
                        r->has_target ? json_real(r->target) : json_null());
    json_object_set_new(o, "metric", json_string("mean"));
    json_object_set_new(o, "n", json_integer(f ? (json_int_t)f->n : 0));
    json_object_set_new(o, "value", mj__json_num(f ? f->value : NAN));
    json_object_set_new(o, "ci_low", mj__json_num(f ? f->ci_low : NAN));
    json_object_set_new(o, "ci_high", mj__json_num(f ? f->ci_high : NAN));
    int known = f && !isnan(f->value) && r->has_target;
    json_object_set_new(o, "met",
                        known ? json_boolean(f->value >= r->target)
                              : json_null());
    json_object_set_new(o, "gap",
                        known ? json_real(f->value - r->target)
                              : json_null());
    json_array_append_new(reqs, o);
  }
  json_object_set_new(root, "requirements", reqs);
  json_object_set_new(root, "plans", json_incref(d.plans));
  json_object_set_new(root, "comments", mj__comments_json(d.comments));
  char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  mj__report_unload(&d);
  if (!s)
    return mj__seterr(e, MJ_ENOMEM, "out of memory writing the report");
  *out = s;
  if (len)
    *len = strlen(s);
  return MJ_OK;
}

/* ---- text and Markdown ---------------------------------------------------- */

/* A table of strings printed aligned (text) or with pipes (Markdown). */
typedef struct table {
  char **cells;          /* rows * cols */
  size_t rows, cols, cap;
  unsigned left;         /* columns aligned left besides the first, by bit */
} table;

static int table_add(table *t, char **row)
{
  if ((t->rows + 1) * t->cols > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 16 * t->cols;
    char **c = realloc(t->cells, cap * sizeof *c);
    if (!c)
      return MJ_ENOMEM;
    t->cells = c;
    t->cap = cap;
  }
  for (size_t i = 0; i < t->cols; i++) {
    t->cells[t->rows * t->cols + i] = strdup(row[i] ? row[i] : "");
    if (!t->cells[t->rows * t->cols + i])
      return MJ_ENOMEM;
  }
  t->rows++;
  return MJ_OK;
}

static void table_print(FILE *f, const table *t, int markdown)
{
  size_t w[24] = {0}; /* at most 2 + 16 columns (matrix groups) */
  for (size_t r = 0; r < t->rows; r++)
    for (size_t c = 0; c < t->cols && c < 24; c++) {
      size_t n = strlen(t->cells[r * t->cols + c]);
      if (n > w[c])
        w[c] = n;
    }
  for (size_t r = 0; r < t->rows; r++) {
    fputs(markdown ? "|" : "  ", f);
    for (size_t c = 0; c < t->cols; c++) {
      const char *s = t->cells[r * t->cols + c];
      /* Names left, numbers right. */
      int left = c == 0 || (c < 24 && (t->left >> c) & 1u);
      if (markdown)
        fprintf(f, " %s |", s);
      else if (left && c + 1 == t->cols) /* no padding at the end */
        fprintf(f, "%s%s", c ? "  " : "", s);
      else
        fprintf(f, left ? (c ? "  %-*s" : "%-*s") : "  %*s",
                c < 24 ? (int)w[c] : 0, s);
    }
    fputc('\n', f);
    if (markdown && r == 0) {
      fputc('|', f);
      for (size_t c = 0; c < t->cols; c++)
        fputs(c == 0 || (c < 24 && (t->left >> c) & 1u) ? " --- |"
                                                         : " ---: |",
              f);
      fputc('\n', f);
    }
  }
}

static void table_free(table *t)
{
  for (size_t i = 0; i < t->rows * t->cols; i++)
    free(t->cells[i]);
  free(t->cells);
}

static const char *fmt_num(char *buf, size_t n, const char *metric, double v)
{
  if (isnan(v))
    snprintf(buf, n, "-");
  else
    snprintf(buf, n, strcmp(metric, "mean") == 0 ||
                             strcmp(metric, "nps_se") == 0
                         ? "%.2f"
                         : "%.1f",
             v);
  return buf;
}

static const char *fmt_figure(char *buf, size_t n, const mj_result_rec *r)
{
  char v[32], lo[32], hi[32];
  fmt_num(v, sizeof v, r->metric, r->value);
  if (isnan(r->ci_low) || isnan(r->ci_high))
    snprintf(buf, n, "%s", v);
  else /* "*": the point is outside its interval (a note says why) */
    snprintf(buf, n, "%s [%s, %s]%s", v,
             fmt_num(lo, sizeof lo, r->metric, r->ci_low),
             fmt_num(hi, sizeof hi, r->metric, r->ci_high),
             outside_ci(r) ? "*" : "");
  return buf;
}

static int same(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* A figure of a matrix scorer: about a whole questionnaire. */
static int is_matrix(const mj_result_rec *r)
{
  return r->subject || (r->questionnaire && !r->question && !r->requirement);
}

/* Figures group by scorer and subject; rows are segments, columns metrics.
** A matrix scorer's figures group by scorer, questionnaire and segment;
** rows are their subjects (items, dimensions, features). */
static int same_group(const mj_result_rec *a, const mj_result_rec *b)
{
  return same(a->scorer, b->scorer) &&
         same(a->questionnaire, b->questionnaire) &&
         same(a->question, b->question) &&
         same(a->requirement, b->requirement) &&
         (!is_matrix(a) || same(a->segment, b->segment));
}

/* A hash of what every figure of one group shares (scorer, questionnaire,
** question, requirement): figures whose hashes differ are in different
** groups, so same_group runs only where they match. */
static uint64_t group_hash(const mj_result_rec *r)
{
  uint64_t h = mj__hash_field(MJ__HASH_START, r->scorer);
  h = mj__hash_field(h, r->questionnaire);
  h = mj__hash_field(h, r->question);
  return mj__hash_field(h, r->requirement);
}

static const mj_result_rec *find_subject(const mj_figset *fs, size_t first,
                                         const mj_result_rec *g,
                                         const char *metric,
                                         const char *subject)
{
  for (size_t i = first; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (same_group(g, r) && strcmp(r->metric, metric) == 0 &&
        same(r->subject, subject))
      return r;
  }
  return NULL;
}

/* One table per matrix scorer and segment; a figure below the cycle's
** min_n (kept with its n, without a value) reads "too few answers". */
static int print_matrix_group(FILE *f, const mj_figset *fs, size_t first,
                              int md, int min_n)
{
  const mj_result_rec *g = &fs->items[first];
  const char *metrics[16], *subjects[256]; /* kano has 15 */
  size_t nm = 0, ns = 0;
  for (size_t i = first; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (!same_group(g, r))
      continue;
    size_t k;
    for (k = 0; k < nm && strcmp(metrics[k], r->metric) != 0; k++)
      ;
    if (k == nm && nm < 16)
      metrics[nm++] = r->metric;
    for (k = 0; k < ns && !same(subjects[k], r->subject); k++)
      ;
    if (k == ns && ns < 256)
      subjects[ns++] = r->subject;
  }
  if (g->questionnaire)
    fprintf(f, md ? "\n### %s: questionnaire %s, segment %s\n\n"
                  : "\n%s: questionnaire %s, segment %s\n",
            g->scorer, g->questionnaire, g->segment);
  else
    fprintf(f, md ? "\n### %s: segment %s\n\n" : "\n%s: segment %s\n",
            g->scorer, g->segment);
  table t = {0};
  t.cols = 2 + nm;
  char *row[18];
  row[0] = "subject";
  row[1] = "n";
  for (size_t k = 0; k < nm; k++)
    row[2 + k] = (char *)metrics[k];
  int rc = table_add(&t, row);
  char cells[18][96];
  for (size_t s = 0; rc == MJ_OK && s < ns; s++) {
    row[0] = subjects[s] ? (char *)subjects[s] : "(overall)";
    row[1] = cells[1];
    const mj_result_rec *n_row = NULL;
    snprintf(cells[1], sizeof cells[1], "-");
    for (size_t k = 0; k < nm; k++) {
      const mj_result_rec *r = find_subject(fs, first, g, metrics[k],
                                            subjects[s]);
      row[2 + k] = cells[2 + k];
      char v[80];
      if (!r)
        snprintf(cells[2 + k], sizeof cells[2 + k], "-");
      else if (isnan(r->value) && (int64_t)r->n < min_n)
        snprintf(cells[2 + k], sizeof cells[2 + k], "too few answers");
      else if (r->label)
        snprintf(cells[2 + k], sizeof cells[2 + k], "%s (%s)", r->label,
                 fmt_figure(v, sizeof v, r));
      else
        fmt_figure(cells[2 + k], sizeof cells[2 + k], r);
      /* The row's n is the most answers behind any of its figures: the
      ** last one's could be a weighted score nobody gave weights for. */
      if (r && (!n_row || r->n > n_row->n)) {
        n_row = r;
        snprintf(cells[1], sizeof cells[1], "%llu", (unsigned long long)r->n);
      }
    }
    rc = table_add(&t, row);
  }
  if (rc == MJ_OK)
    table_print(f, &t, md);
  table_free(&t);
  return rc;
}

static int print_group(FILE *f, const mj_figset *fs, size_t first,
                       const mj_model *m, int md)
{
  const mj_result_rec *g = &fs->items[first];
  const char *metrics[12];
  size_t nm = 0;
  const char *segs[64];
  size_t ns = 0;
  for (size_t i = first; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    if (!same_group(g, r))
      continue;
    size_t k;
    for (k = 0; k < nm && strcmp(metrics[k], r->metric) != 0; k++)
      ;
    if (k == nm && nm < 12)
      metrics[nm++] = r->metric;
    for (k = 0; k < ns && strcmp(segs[k], r->segment) != 0; k++)
      ;
    if (k == ns && ns < 64)
      segs[ns++] = r->segment;
  }
  const char *title = NULL;
  if (g->requirement && m) {
    const mj_requirement *req = mj__model_requirement(m, g->requirement);
    title = req ? mj__i18n_get(&req->text, NULL) : NULL;
  } else if (g->question && m) {
    const mj_questionnaire *qn = mj__model_questionnaire(m, g->questionnaire);
    const mj_question *q = qn ? mj__model_question(qn, g->question) : NULL;
    /* in the questionnaire's language, as its people would read it */
    title = q ? mj__i18n_pick(&q->text, qn->lang, NULL) : NULL;
  }
  if (!g->requirement && !g->question) /* about the customers themselves */
    fprintf(f, md ? "\n### %s: customers\n\n" : "\n%s: customers\n",
            g->scorer);
  else if (md)
    fprintf(f, "\n### %s: %s %s%s%s%s\n\n", g->scorer,
            g->requirement ? "requirement" : "question",
            g->requirement ? g->requirement : g->question,
            title ? " (" : "", title ? title : "", title ? ")" : "");
  else
    fprintf(f, "\n%s: %s %s%s%s%s\n", g->scorer,
            g->requirement ? "requirement" : g->questionnaire,
            g->requirement ? g->requirement : g->question,
            title ? " - " : "", title ? title : "", "");
  table t = {0};
  t.cols = 2 + nm;
  char *row[14];
  row[0] = "segment";
  row[1] = "n";
  /* A share's column is its option: "yes", not "share_yes". */
  int shares = same(g->scorer, MJ__SHARE_SCORER);
  for (size_t k = 0; k < nm; k++)
    row[2 + k] = (char *)metrics[k] +
                 (shares && strncmp(metrics[k], "share_", 6) == 0 ? 6 : 0);
  int rc = table_add(&t, row);
  char cells[14][64];
  for (size_t s = 0; rc == MJ_OK && s < ns; s++) {
    row[0] = (char *)segs[s];
    row[1] = cells[1];
    snprintf(cells[1], sizeof cells[1], "-");
    for (size_t k = 0; k < nm; k++) {
      const mj_result_rec *r =
          mj__figset_find(fs, g->scorer, metrics[k], g->questionnaire,
                          g->question, g->requirement, segs[s]);
      row[2 + k] = cells[2 + k];
      if (!r) {
        snprintf(cells[2 + k], sizeof cells[2 + k], "-");
        continue;
      }
      snprintf(cells[1], sizeof cells[1], "%llu", (unsigned long long)r->n);
      if (isnan(r->value))
        snprintf(cells[2 + k], sizeof cells[2 + k], "too few answers");
      else
        fmt_figure(cells[2 + k], sizeof cells[2 + k], r);
    }
    rc = table_add(&t, row);
  }
  if (rc == MJ_OK)
    table_print(f, &t, md);
  table_free(&t);
  return rc;
}

/* The answer distribution of a question or requirement (core/cycle/compare.c
** reads it): one line per segment, "value:count ..." in value order as
** stored, instead of a table column per count. */
static int print_dist_group(FILE *f, const mj_figset *fs, size_t first,
                            int md)
{
  const mj_result_rec *g = &fs->items[first];
  const char *id = g->requirement ? g->requirement : g->question;
  if (md)
    fprintf(f, "\n### %s: %s %s\n\n", MJ__DIST_SCORER,
            g->requirement ? "requirement" : "question", id);
  else
    fprintf(f, "\n%s: %s %s\n", MJ__DIST_SCORER,
            g->requirement ? "requirement" : g->questionnaire, id);
  table t = {0};
  t.cols = 3;
  char *row[3] = {"segment", "n", "answers per value"};
  int rc = table_add(&t, row);
  const char *segs[64];
  size_t ns = 0;
  for (size_t i = first; i < fs->n; i++) {
    const mj_result_rec *r = &fs->items[i];
    size_t k;
    if (!same_group(g, r))
      continue;
    for (k = 0; k < ns && strcmp(segs[k], r->segment) != 0; k++)
      ;
    if (k == ns && ns < 64)
      segs[ns++] = r->segment;
  }
  for (size_t s = 0; rc == MJ_OK && s < ns; s++) {
    char n[32] = "-", line[512] = "";
    size_t used = 0;
    for (size_t i = first; i < fs->n; i++) {
      const mj_result_rec *r = &fs->items[i];
      if (!same_group(g, r) || strcmp(r->segment, segs[s]) != 0)
        continue;
      snprintf(n, sizeof n, "%llu", (unsigned long long)r->n);
      if (used < sizeof line)
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s:%.0f",
                                 used ? " " : "", r->label ? r->label : "?",
                                 r->value);
    }
    row[0] = (char *)segs[s];
    row[1] = n;
    row[2] = line;
    rc = table_add(&t, row);
  }
  if (rc == MJ_OK)
    table_print(f, &t, md);
  table_free(&t);
  return rc;
}

/*
** A figure's change against the previous cycle: "+6.7 (two-proportion z,
** p = 0.031)", "+0.3 (test: none)" for a difference no test judged; ""
** when it has no previous value.
*/
static const char *fmt_change(char *buf, size_t n, const mj_result_rec *r)
{
  char d[32], p[32];
  const char *test = test_of(r);
  if (!test) {
    snprintf(buf, n, "%s", "");
    return buf;
  }
  fmt_num(d, sizeof d, r->metric, r->delta);
  const char *sign = r->delta > 0 ? "+" : "";
  if (strcmp(test, "none") == 0 || isnan(r->p_change))
    snprintf(buf, n, "%s%s (test: none)", sign, d);
  else
    snprintf(buf, n, "%s%s (%s, p = %s)", sign, d, mj__test_name(test),
             mj__fmt_p(p, sizeof p, r->p_change));
  return buf;
}

/* The previous cycle the changes are against, as the cycle stored it. */
static const mj_result_rec *previous_cycle(const mj_report_data *d)
{
  return mj__figset_find(&d->figs, "cycle", "previous", NULL, NULL, NULL,
                         NULL);
}

/*
** Each figure's change against the previous cycle, with its test and
** p-value: what a manager asks first of a number. The answer counts of a
** distribution are left out (their mean's change is the tested one).
*/
static int print_changes(FILE *f, const mj_report_data *d, int md)
{
  const mj_result_rec *prev = previous_cycle(d);
  char head[200];
  if (prev && prev->label)
    snprintf(head, sizeof head, "Change since cycle %.0f \"%s\"",
             prev->value, prev->label);
  else
    snprintf(head, sizeof head, "Change since the previous cycle");
  fprintf(f, md ? "\n## %s\n\n" : "\n%s\n", head);
  table t = {0};
  t.cols = 4;
  t.left = 1u << 3; /* the change reads as a sentence */
  char *h[] = {"figure", "segment", "now", "change"};
  int rc = table_add(&t, h);
  size_t rows = 0;
  for (size_t i = 0; rc == MJ_OK && i < d->figs.n; i++) {
    const mj_result_rec *r = &d->figs.items[i];
    if (isnan(r->delta) || same(r->scorer, MJ__DIST_SCORER) ||
        same(r->scorer, "cycle"))
      continue;
    char name[400], now[80], change[120];
    const char *of = r->requirement ? r->requirement : r->question;
    snprintf(name, sizeof name, "%s.%s%s%s%s%s%s%s%s", r->scorer, r->metric,
             of ? ":" : "", r->question && r->questionnaire
                                 ? r->questionnaire : "",
             r->question && r->questionnaire ? "/" : "", of ? of : "",
             r->subject ? " (" : "", r->subject ? r->subject : "",
             r->subject ? ")" : "");
    fmt_figure(now, sizeof now, r);
    fmt_change(change, sizeof change, r);
    char *row[] = {name, (char *)r->segment, now, change};
    rc = table_add(&t, row);
    rows++;
  }
  if (rc == MJ_OK && rows)
    table_print(f, &t, md);
  else if (rc == MJ_OK)
    fprintf(f, md ? "%s\n" : "  %s\n",
            prev ? "No figure of that cycle to compare with."
                 : "No earlier cycle to compare with.");
  table_free(&t);
  return rc;
}

/* level: "95%", or "" when the scorers' levels differ. */
static void print_requirements(FILE *f, const mj_report_data *d,
                               const mj_model *m, const char *level, int md)
{
  if (!m || m->n_requirements == 0)
    return;
  fprintf(f, md ? "\n## Requirements against targets\n\n"
                : "\nRequirements against targets\n");
  table t = {0};
  t.cols = 5;
  char mean[48];
  snprintf(mean, sizeof mean, "mean [%s%sCI]", level, *level ? " " : "");
  char *head[] = {"requirement", mean, "n", "target", "verdict"};
  table_add(&t, head);
  for (size_t i = 0; i < m->n_requirements; i++) {
    const mj_requirement *r = &m->requirements[i];
    const mj_result_rec *fig = requirement_mean(d, r);
    char name[160], val[80], n[32], target[32], verdict[64];
    const char *text = mj__i18n_get(&r->text, NULL);
    snprintf(name, sizeof name, "%s%s%s", r->id, text ? " " : "",
             text ? text : "");
    if (fig && !isnan(fig->value))
      fmt_figure(val, sizeof val, fig);
    else
      snprintf(val, sizeof val, fig ? "too few answers" : "no answers");
    snprintf(n, sizeof n, "%llu", fig ? (unsigned long long)fig->n : 0ULL);
    if (r->has_target)
      snprintf(target, sizeof target, "%.2f", r->target);
    else
      snprintf(target, sizeof target, "-");
    if (!r->has_target || !fig || isnan(fig->value))
      snprintf(verdict, sizeof verdict, "-");
    else if (fig->value >= r->target)
      snprintf(verdict, sizeof verdict, "met (+%.2f)",
               fig->value - r->target);
    else
      snprintf(verdict, sizeof verdict, "NOT MET (%.2f)",
               fig->value - r->target);
    char *row[] = {name, val, n, target, verdict};
    table_add(&t, row);
  }
  table_print(f, &t, md);
  table_free(&t);
}

static void print_plans(FILE *f, json_t *plans, int md)
{
  fprintf(f, md ? "\n## Improvement plans\n\n" : "\nImprovement plans\n");
  if (json_array_size(plans) == 0) {
    fprintf(f, md ? "No plan has opened.\n" : "  No plan has opened.\n");
    return;
  }
  size_t i;
  json_t *p;
  json_array_foreach(plans, i, p)
  {
    const char *due = json_string_value(json_object_get(p, "due_at"));
    fprintf(f, md ? "- **%s**: %s, owner %s, due %.10s (opened in cycle %lld)\n"
                  : "  %s: %s, owner %s, due %.10s (opened in cycle %lld)\n",
            json_string_value(json_object_get(p, "id")),
            json_string_value(json_object_get(p, "status")),
            json_string_value(json_object_get(p, "owner"))
                ? json_string_value(json_object_get(p, "owner"))
                : "-",
            due ? due : "-",
            (long long)json_integer_value(json_object_get(p, "opened_cycle")));
    size_t j;
    json_t *a;
    json_array_foreach(json_object_get(p, "actions"), j, a)
        fprintf(f, md ? "  - [ ] %s\n" : "      - %s\n",
                json_string_value(json_object_get(a, "text")));
  }
}

/* The text or Markdown (*(int *)ud) report of d. */
static int text_write(FILE *f, mj_engine *e, mj_report_data *d, void *ud)
{
  int md = *(const int *)ud;
  int rc = MJ_OK;
  mj_ci_level lv[MJ_CI_LEVELS];
  size_t n_lv = (size_t)mj__ci_levels(e, &d->figs, lv, MJ_CI_LEVELS);
  double level = mj__ci_level_one(lv, n_lv);
  char lt[32] = "";
  if (!isnan(level))
    mj__ci_level_text(lt, sizeof lt, level, "en");
  fprintf(f, md ? "# mejora report: cycle %lld \"%s\"\n\nFinished %s. "
                : "mejora report: cycle %lld \"%s\", finished %s\n(",
          (long long)d->cycle.id, d->cycle.name, d->finished);
  if (!isnan(level)) {
    fprintf(f, "%s with a %s confidence interval in brackets",
            md ? "Figures" : "figures", lt);
  } else {
    /* Scorers at different levels: say each one's. */
    fprintf(f, "%s with a confidence interval in brackets, at ",
            md ? "Figures" : "figures");
    mj__ci_levels_list(f, lv, n_lv, "en");
  }
  fputs(md ? ".\n" : ")\n", f);
  if (md)
    fprintf(f, "\n## Figures\n");
  /* Each group is printed at its first figure: with thousands of figures
  ** the search for an earlier one compares hashes first. */
  uint64_t *gh = malloc((d->figs.n ? d->figs.n : 1) * sizeof *gh);
  if (!gh)
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory writing the report");
  for (size_t i = 0; gh && i < d->figs.n; i++)
    gh[i] = group_hash(&d->figs.items[i]);
  for (size_t i = 0; rc == MJ_OK && i < d->figs.n; i++) {
    size_t j;
    for (j = 0; j < i && !(gh[j] == gh[i] &&
                           same_group(&d->figs.items[j], &d->figs.items[i]));
         j++)
      ;
    if (j == i && (mj__service_scorer(d->figs.items[i].scorer) ||
                   strcmp(d->figs.items[i].scorer, "cycle") == 0 ||
                   strcmp(d->figs.items[i].scorer, "cases") == 0))
      continue; /* in their own sections below */
    if (j == i && same(d->figs.items[i].scorer, MJ__DIST_SCORER))
      rc = print_dist_group(f, &d->figs, i, md);
    else if (j == i)
      rc = is_matrix(&d->figs.items[i])
               ? print_matrix_group(f, &d->figs, i, md, d->min_n)
               : print_group(f, &d->figs, i, e->model, md);
  }
  free(gh);
  if (d->figs.n == 0)
    fprintf(f, "\n  No figures: no answers were stored yet.\n");
  /* What the cycle left out (questionnaire versions, pilot responses),
  ** and why a point may lie outside its interval. */
  size_t seen = 0, outside = 0;
  for (size_t i = 0; i < d->figs.n; i++) {
    const mj_result_rec *r = &d->figs.items[i];
    outside += outside_ci(r) && !mj__service_scorer(r->scorer) &&
               strcmp(r->scorer, "cases") != 0;
    if (strcmp(r->scorer, "cycle") != 0 || strcmp(r->metric, "note") != 0 ||
        !r->label)
      continue;
    if (!seen++)
      fprintf(f, md ? "\n## Notes\n\n" : "\nNotes:\n");
    fprintf(f, md ? "- %s%s%s\n" : "  %s%s%s\n",
            r->questionnaire ? r->questionnaire : "",
            r->questionnaire ? ": " : "", r->label);
  }
  if (outside) {
    if (!seen)
      fprintf(f, md ? "\n## Notes\n\n" : "\nNotes:\n");
    fprintf(f, md ? "- \\* %zu figure(s) lie outside their own interval. "
                    "An NPS interval is the adjusted Wald (Rocks 2016), "
                    "centred on the NPS with 0.75 detractors, 1.5 passives "
                    "and 0.75 promoters added; with few answers the NPS "
                    "itself can fall outside it.\n"
                  : "  * %zu figure(s) lie outside their own interval. An "
                    "NPS interval is the\n    adjusted Wald (Rocks 2016), "
                    "centred on the NPS with 0.75 detractors,\n    1.5 "
                    "passives and 0.75 promoters added; with few answers "
                    "the NPS itself\n    can fall outside it.\n",
            outside);
  }
  mj__comments_print(f, d->comments, md);
  if (rc == MJ_OK)
    rc = print_changes(f, d, md);
  print_requirements(f, d, e->model, lt, md);
  mj__service_report(f, &d->figs, e->model, md);
  mj__cases_section(f, &d->figs, e->model, md);
  print_plans(f, d->plans, md);
  if (rc != MJ_OK)
    return mj__seterr(e, MJ_ENOMEM, "out of memory writing the report");
  return MJ_OK;
}

int mj__report_text(mj_engine *e, int64_t cycle, int md, char **out,
                    size_t *len)
{
  return mj__report_write(e, cycle, text_write, &md, out, len);
}

int mj_report(mj_engine *e, const char *format, int64_t cycle, char **out,
              size_t *len)
{
  if (mj__text_output_start(e, "report", &format, out, len) != MJ_OK)
    return MJ_EINVAL;
  if (strcmp(format, "json") == 0)
    return mj__report_json(e, cycle, out, len);
  if (strcmp(format, "html") == 0)
    return mj__report_html(e, cycle, out, len);
  return mj__report_text(e, cycle, strcmp(format, "md") == 0, out, len);
}
