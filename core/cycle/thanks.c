/*
** Three to thank, daily: the customers a `thanks` declaration picks each
** day (recent promoters with consent, still customers, not thanked
** lately), sent to its owner with the comment each left, and recorded as
** thanked in the transaction that queues the list.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cycle.h"

/* A customer's newest qualifying answer. */
typedef struct pick {
  char *customer;
  char *comment; /* the response's first open-text answer, or NULL */
  int64_t at;
} pick;

typedef struct thanks_run {
  mj_engine *e;
  const mj_thanks *t;
  const mj_questionnaire *qn;
  int64_t from, now, left_before;
  json_t *thanked; /* customer id -> true, thanked within not_within */
  pick *v;
  size_t n, cap;
  int rc;
} thanks_run;

/* Does answer a of questionnaire qn count as a promoter's? Listed
** questions count at the top of their scale (9 or 10 for NPS); with none
** listed, every NPS question at 9 or 10. */
static int promoter(const thanks_run *x, const mj_answer_rec *a)
{
  if (a->state != MJ_ANSWER_VALUE || isnan(a->num))
    return 0;
  const mj_question *q = mj__model_question(x->qn, a->question);
  if (!q)
    return 0;
  if (x->t->n_questions) {
    size_t len = strlen(x->qn->id);
    int listed = 0;
    for (size_t i = 0; i < x->t->n_questions && !listed; i++) {
      const char *s = x->t->questions[i];
      listed = strncmp(s, x->qn->id, len) == 0 && s[len] == '/' &&
               strcmp(s + len + 1, q->id) == 0;
    }
    if (!listed)
      return 0;
  } else if (q->kind != MJ_Q_NPS) {
    return 0;
  }
  if (q->kind == MJ_Q_NPS)
    return a->num >= 9;
  return q->kind == MJ_Q_SCALE && a->num >= q->max;
}

static int on_response(void *ud, const mj_response_rec *r)
{
  thanks_run *x = ud;
  if (!r->customer || r->submitted_at < x->from || r->submitted_at > x->now ||
      r->pilot || json_object_get(x->thanked, r->customer))
    return MJ_OK;
  mj_customer cv;
  mj_customer_buf cb;
  mj__customer_buf_init(&cb);
  const mj_customer *c =
      mj__model_customer(x->e->model, r->customer, &cv, &cb);
  if (!c || !c->consent || (c->until && c->until <= x->now))
    return MJ_OK;
  int yes = 0;
  const char *comment = NULL;
  for (size_t i = 0; i < r->n_answers; i++) {
    const mj_answer_rec *a = &r->answers[i];
    yes |= promoter(x, a);
    const mj_question *q = mj__model_question(x->qn, a->question);
    if (!comment && q && q->kind == MJ_Q_TEXT &&
        a->state == MJ_ANSWER_VALUE && a->text && *a->text)
      comment = a->text;
  }
  if (!yes)
    return MJ_OK;
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->v[i].customer, r->customer) == 0) {
      if (r->submitted_at > x->v[i].at) { /* keep the newest */
        char *text = comment ? strdup(comment) : NULL;
        if (comment && !text)
          return MJ_ENOMEM;
        free(x->v[i].comment);
        x->v[i].comment = text;
        x->v[i].at = r->submitted_at;
      }
      return MJ_OK;
    }
  if (x->n == x->cap) {
    size_t cap = x->cap ? 2 * x->cap : 16;
    pick *v = realloc(x->v, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    x->v = v;
    x->cap = cap;
  }
  pick p = {strdup(r->customer), comment ? strdup(comment) : NULL,
            r->submitted_at};
  if (!p.customer || (comment && !p.comment)) {
    free(p.customer);
    free(p.comment);
    return MJ_ENOMEM;
  }
  x->v[x->n++] = p;
  return MJ_OK;
}

static int on_thanked(void *ud, const char *customer, int64_t at)
{
  (void)at;
  return json_object_set_new(ud, customer, json_true()) ? MJ_ENOMEM : MJ_OK;
}

/* Newest answer first, ties by customer id. */
static int cmp_pick(const void *a, const void *b)
{
  const pick *x = a, *y = b;
  if (x->at != y->at)
    return x->at > y->at ? -1 : 1;
  return strcmp(x->customer, y->customer);
}

static void picks_free(thanks_run *x)
{
  for (size_t i = 0; i < x->n; i++) {
    free(x->v[i].customer);
    free(x->v[i].comment);
  }
  free(x->v);
  json_decref(x->thanked);
}

/* The customers t picks now, in x->v (sorted, at most t->count). */
static int choose(thanks_run *x)
{
  mj_engine *e = x->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  x->thanked = json_object();
  if (!x->thanked)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  int rc = S->scan_thanked(e->store->inst,
                           x->now - (int64_t)x->t->not_within_days * 86400,
                           on_thanked, x->thanked, &err);
  for (size_t i = 0; rc == MJ_OK && i < e->model->n_questionnaires; i++) {
    x->qn = &e->model->questionnaires[i];
    rc = S->scan_responses(e->store->inst, x->qn->id, on_response, x, &err);
  }
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "choosing whom to thank: ");
  qsort(x->v, x->n, sizeof *x->v, cmp_pick);
  return MJ_OK;
}

/* The list as the event carries it: one meta entry a customer, its name
** and comment (customer data, left out of a webhook unless asked). */
static int send_list(thanks_run *x, const char *day, const char *ident)
{
  mj_engine *e = x->e;
  const mj_thanks *t = x->t;
  size_t n = x->n < (size_t)t->count ? x->n : (size_t)t->count;
  char subject[256], message[512], keys[100][16];
  char *lines[100] = {0};
  mj_meta meta[3 + 100];
  size_t nm = 0;
  meta[nm++] = (mj_meta){"owner", t->owner ? t->owner : ""};
  meta[nm++] = (mj_meta){"date", day};
  /* The receiver's key too (Message-ID, Idempotency-Key). */
  meta[nm++] = (mj_meta){"event_id", ident};
  int rc = MJ_OK;
  for (size_t i = 0; i < n && i < 100; i++) {
    mj_customer cv;
    mj_customer_buf cb;
    mj__customer_buf_init(&cb);
    const mj_customer *c =
        mj__model_customer(e->model, x->v[i].customer, &cv, &cb);
    json_t *at = mj__json_time(x->v[i].at);
    size_t len = 0;
    FILE *f = open_memstream(&lines[i], &len);
    if (f) {
      fprintf(f, "%s (%s), answered %.10s: ", c && c->name ? c->name : "-",
              x->v[i].customer,
              json_string_value(at) ? json_string_value(at) : "-");
      fprintf(f, x->v[i].comment ? "\"%s\"" : "no comment",
              x->v[i].comment);
      fclose(f);
    }
    json_decref(at);
    if (!lines[i]) {
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
      break;
    }
    snprintf(keys[i], sizeof keys[i], "thank_%zu", i + 1);
    meta[nm++] = (mj_meta){keys[i], lines[i]};
  }
  snprintf(subject, sizeof subject, "%zu customer%s to thank today, %s", n,
           n == 1 ? "" : "s", day);
  snprintf(message, sizeof message,
           "Today's customers to thank (%s): recent promoters who have not "
           "been thanked in the last %d days, newest answer first. A call or "
           "a note from you goes a long way.",
           t->id, t->not_within_days);
  mj_event ev = {"thanks.daily", MJ_LOG_INFO, x->now, subject, message, meta,
                 nm};
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0}, ignored;
  size_t queued = 0;
  int began = rc == MJ_OK && (rc = S->begin(e->store->inst, &err)) == MJ_OK;
  if (rc == MJ_OK)
    rc = mj__outbox_queue(e, 0, NULL, 0, ident, &ev, &queued, &err);
  /* Thanked when the list goes out, in the same transaction. */
  for (size_t i = 0; rc == MJ_OK && queued && i < n; i++)
    rc = S->put_thanked(e->store->inst, x->v[i].customer, x->now, &err);
  if (rc == MJ_OK)
    rc = S->commit(e->store->inst, &err);
  else if (began)
    S->rollback(e->store->inst, &ignored);
  for (size_t i = 0; i < n && i < 100; i++)
    free(lines[i]);
  if (rc == MJ_OK && queued)
    mj__log(e, MJ_LOG_INFO, "thanks \"%s\": %zu customer(s) for %s", t->id,
            n, day);
  if (rc == MJ_OK || !began)
    return rc; /* an error before the store was asked is set already */
  return mj__seterr_from(e, &err, MJ_ESTORE, "queueing thanks: ");
}

int mj__thanks_daily(mj_engine *e)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!e->model || !e->model->n_thanks)
    return MJ_OK;
  if (!mj__outbox_once(e) || !MJ__HAS_OP(S, put_thanked) ||
      !MJ__HAS_OP(S, scan_thanked) || !S->scan_responses) {
    mj__log(e, MJ_LOG_WARN,
            "store plugin '%s' cannot record whom it thanked (plugin ABI "
            "1.4): no list of customers to thank is sent",
            e->store->desc->name);
    return MJ_OK;
  }
  int64_t now = mj__now(e);
  char day[16];
  json_t *today = mj__json_time(now);
  snprintf(day, sizeof day, "%.10s",
           json_string_value(today) ? json_string_value(today) : "");
  json_decref(today);
  for (size_t i = 0; i < e->model->n_thanks; i++) {
    const mj_thanks *t = &e->model->thanks[i];
    char ident[300];
    /* One list a day: its key comes from the date. */
    snprintf(ident, sizeof ident, "thanks.daily/%s/%s", t->id, day);
    int pending = 0;
    int rc = mj__outbox_unqueued(e, ident, &pending);
    if (rc != MJ_OK)
      return rc;
    if (!pending)
      continue; /* sent today already: nothing to choose */
    thanks_run x = {.e = e,
                    .t = t,
                    .from = now - (int64_t)t->within_days * 86400,
                    .now = now};
    rc = choose(&x);
    if (rc == MJ_OK && x.n)
      rc = send_list(&x, day, ident);
    picks_free(&x);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}
