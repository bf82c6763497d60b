/*
** Cases opened as responses come in: a stored response that matches one
** of the playbook's alerts opens a case, and the case's owner is told
** through the outbox, in the transaction that stores the response. Every
** way in (CSV and JSON imports, the API's single responses, collectors)
** stores responses through mj__response_put, so none stores one without
** its cases, and a response stored again opens nothing.
**
** The importer's writer thread calls it too: it reads the model and the
** engine's clock, writes only the store and err, and never logs.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake.h"

int mj__cases_ready(mj_engine *e)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  return MJ__HAS_OP(S, case_put) && MJ__HAS_OP(S, case_scan) &&
         MJ__HAS_OP(S, case_escalate) && MJ__HAS_OP(S, case_close);
}

/*
** r's answers in question order, as conditions read them: r's own when
** they are (the importers'), else a copy in *own matched by question id,
** a question r does not answer skipped. NULL when out of memory.
*/
static const mj_answer_rec *in_order(const mj_questionnaire *qn,
                                     const mj_response_rec *r,
                                     mj_answer_rec **own)
{
  int ordered = r->n_answers == qn->n_questions;
  for (size_t i = 0; ordered && i < r->n_answers; i++)
    ordered = !r->answers[i].question ||
              strcmp(r->answers[i].question, qn->questions[i].id) == 0;
  if (ordered)
    return r->answers;
  *own = calloc(qn->n_questions ? qn->n_questions : 1, sizeof **own);
  if (!*own)
    return NULL;
  for (size_t q = 0; q < qn->n_questions; q++) {
    (*own)[q].question = qn->questions[q].id;
    (*own)[q].state = MJ_ANSWER_SKIPPED;
    for (size_t i = 0; i < r->n_answers; i++)
      if (r->answers[i].question &&
          strcmp(r->answers[i].question, qn->questions[q].id) == 0)
        (*own)[q] = r->answers[i];
  }
  return *own;
}

/* "2026-11-25T13:00:00Z" */
static void iso_time(char *buf, size_t n, int64_t t)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(buf, n, "%lld", (long long)t);
}

int mj__case_event(const mj_model *m, const mj_case_rec *c, const char *kind,
                   int64_t now, mj_case_event *out)
{
  const mj_alert *a = NULL;
  for (size_t i = 0; m && i < m->n_alerts; i++)
    if (strcmp(m->alerts[i].id, c->alert) == 0)
      a = &m->alerts[i];
  const char *text = a ? mj__i18n_get(&a->text, NULL) : NULL;
  int escalated = strcmp(kind, "case.escalated") == 0;
  char due[32];
  iso_time(due, sizeof due, c->due_at);
  snprintf(out->id, sizeof out->id, "%lld", (long long)c->id);
  snprintf(out->due_at, sizeof out->due_at, "%lld", (long long)c->due_at);
  snprintf(out->subject, sizeof out->subject,
           escalated ? "Case %lld overdue: %s" : "Case %lld opened: %s",
           (long long)c->id, c->alert);
  /* Personal data stays in the meta: the message names only the case. */
  if (escalated)
    snprintf(out->message, sizeof out->message,
             "Case %lld (alert '%s', questionnaire '%s') was due by %s and "
             "is still open.%s%s",
             (long long)c->id, c->alert, c->questionnaire, due,
             text ? "\n\n" : "", text ? text : "");
  else
    snprintf(out->message, sizeof out->message,
             "A response to questionnaire '%s' opened case %lld (alert "
             "'%s'); close it by %s.%s%s",
             c->questionnaire, (long long)c->id, c->alert, due,
             text ? "\n\n" : "", text ? text : "");
  const char *to = escalated && c->escalate_to ? c->escalate_to : c->owner;
  size_t k = 0;
  out->meta[k++] = (mj_meta){"case", out->id};
  out->meta[k++] = (mj_meta){"alert", c->alert};
  out->meta[k++] = (mj_meta){"owner", to};
  if (c->customer)
    out->meta[k++] = (mj_meta){"customer_id", c->customer};
  out->meta[k++] = (mj_meta){"questionnaire", c->questionnaire};
  out->meta[k++] = (mj_meta){"due_at", out->due_at};
  out->ev = (mj_event){.kind = kind,
                       .severity = MJ_LOG_WARN,
                       .time = now,
                       .subject = out->subject,
                       .message = out->message,
                       .meta = out->meta,
                       .n_meta = k};
  return MJ_OK;
}

int mj__case_queue(mj_engine *e, const mj_case_rec *c, const char *kind,
                   int64_t now, mj_error *err)
{
  if (!mj__outbox_ready(e))
    return MJ_OK; /* a store before the outbox: nothing to queue in */
  mj_case_event ce;
  mj__case_event(e->model, c, kind, now, &ce);
  const mj_model *m = e->model;
  size_t k = 0;
  int rc = MJ_OK;
  for (size_t i = 0; rc == MJ_OK && i < m->n_uses; i++)
    if (strcmp(m->uses[i].kind, "notifier") == 0)
      rc = mj__outbox_put(e, 0, k++,
                          m->uses[i].as ? m->uses[i].as : m->uses[i].name,
                          &ce.ev, err);
  return rc;
}

/* Open r's cases (r just stored), each with its owner's message. */
static int open_cases(mj_engine *e, const mj_response_rec *r, mj_error *err)
{
  const mj_model *m = e->model;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  const mj_answer_rec *answers = NULL;
  mj_answer_rec *own = NULL;
  int rc = MJ_OK;
  int64_t now = mj__now(e);
  for (size_t i = 0; rc == MJ_OK && i < m->n_alerts; i++) {
    const mj_alert *a = &m->alerts[i];
    if (!a->qn || !a->cond || strcmp(a->questionnaire, r->questionnaire) != 0)
      continue;
    if (!answers && !(answers = in_order(a->qn, r, &own))) {
      rc = mj__error(err, MJ_ENOMEM, "out of memory");
      break;
    }
    if (!mj__cond_holds(a->cond, a->qn, answers))
      continue;
    mj_case_rec c = {.alert = a->id,
                     .response = r->id,
                     .customer = r->customer,
                     .questionnaire = r->questionnaire,
                     .owner = a->owner,
                     .escalate_to = a->escalate_to,
                     .opened_at = now,
                     .due_at = now + a->due_secs};
    rc = S->case_put(e->store->inst, &c, &c.id, err);
    if (rc == MJ_OK && c.id > 0)
      rc = mj__case_queue(e, &c, "case.opened", now, err);
  }
  free(own);
  return rc;
}

int mj__response_put(mj_engine *e, const mj_response_rec *r, int *inserted,
                     mj_error *err)
{
  int rc = MJ_STORE_OPS(e)->put_response(e->store->inst, r, inserted, err);
  /* A pilot response tests the questionnaire: nobody calls it back. */
  if (rc != MJ_OK || !*inserted || r->pilot || !e->model ||
      !e->model->n_alerts || !mj__cases_ready(e))
    return rc;
  return open_cases(e, r, err);
}
