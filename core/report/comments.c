/*
** Open-text answers in a report: per text question, how many people wrote
** something in the cycle and the latest few, newest first, escaped for
** the output so an answer can never become markup or break a line; and
** the few that matter most: those of the least satisfied respondents.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

/* Answer positions whose question is remembered by address. */
#define SEEN 64

typedef struct scan {
  mj_engine *e;
  mj_comments *c;
  const mj_questionnaire *qn;
  mj_comment_q *first;   /* this questionnaire's text questions */
  size_t n;
  const char *cycle;     /* the cycle's name */
  int every;             /* the playbook declares no cycle: all belong */
  int pilot;             /* pilot responses count */
  uint64_t seq;
  /* Per question of the questionnaire: its text question's slot, or
  ** NULL when it is not a text question. */
  mj_comment_q **text;
  /* Answer k's question string -> question index, as last seen: the
  ** store keeps those strings for the scan (plugin.h, scan_responses), so
  ** a response costs no string search once its layout has been seen. */
  const char *qptr[SEEN];
  size_t qidx[SEEN];
} scan;

/* The index of the question answer k names, SIZE_MAX when the playbook
** no longer has it. */
static size_t question_of(void *ud, size_t k, const char *id)
{
  scan *s = ud;
  if (k < SEEN && s->qptr[k] == id)
    return s->qidx[k];
  const mj_question *q = mj__model_question(s->qn, id);
  size_t i = q ? (size_t)(q - s->qn->questions) : SIZE_MAX;
  if (k < SEEN) {
    s->qptr[k] = id;
    s->qidx[k] = i;
  }
  return i;
}

/* Does a response belong to the cycle reported (its wave names it, or the
** playbook's rules give it to it)? */
static int belongs(const scan *s, const char *wave, int64_t at)
{
  if (s->every)
    return 1;
  const char *w = wave && *wave ? wave : mj__response_cycle(s->e, NULL, at);
  return w && strcmp(w, s->cycle) == 0;
}

static int keep_answer(scan *s, mj_comment_q *cq, const char *text,
                       const char *response, int64_t at, double low)
{
  mj_comment x = {.text = (char *)text, .response = (char *)response,
                  .submitted_at = at, .seq = s->seq, .low = low, .from = cq};
  int rc = mj__comments_offer(cq, s->c->keep, x);
  return rc != MJ_OK ? rc : mj__comments_offer_most(s->c, x);
}

static int take(scan *s, const char *question, const char *text,
                const char *response, int64_t at, double low)
{
  if (!question || !text || !*text)
    return MJ_OK;
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->first[i].q->id, question) == 0)
      return keep_answer(s, &s->first[i], text, response, at, low);
  return MJ_OK;
}

static int on_response(void *ud, const mj_response_rec *r)
{
  scan *s = ud;
  s->seq++;
  if (!belongs(s, r->wave, r->submitted_at) || (r->pilot && !s->pilot))
    return MJ_OK;
  return mj__comments_take(s->c, s->text, s->qn, r, s->seq, question_of,
                           s);
}

static int on_answer(void *ud, const mj_answer_row *row)
{
  scan *s = ud;
  s->seq++;
  if (!belongs(s, row->wave, row->submitted_at) ||
      row->answer.state != MJ_ANSWER_VALUE)
    return MJ_OK;
  /* Answer by answer, the response's ratings are not at hand. */
  return take(s, row->answer.question, row->answer.text, row->response,
              row->submitted_at, 2);
}

/* Reading the comments the cycle stored. */
typedef struct stored {
  mj_comments *c;
  int stale;             /* they do not fit this playbook or this report */
  unsigned char *seen;   /* per text question: its count was stored */
} stored;

static mj_comment_q *stored_q(stored *st, const mj_comment_rec *r)
{
  for (size_t i = 0; i < st->c->n_qs; i++) {
    mj_comment_q *cq = &st->c->qs[i];
    if (strcmp(cq->qn->id, r->questionnaire) == 0 &&
        strcmp(cq->q->id, r->question) == 0)
      return cq;
  }
  return NULL;
}

static int on_stored(void *ud, const mj_comment_rec *r)
{
  stored *st = ud;
  mj_comments *c = st->c;
  mj_comment_q *cq = stored_q(st, r);
  if (!cq) {
    st->stale = 1; /* a text question the playbook no longer has */
    return MJ_OK;
  }
  mj_comment x = {.text = (char *)r->text, .response = (char *)r->response,
                  .submitted_at = r->submitted_at, .from = cq};
  mj_comment *to = NULL;
  if (strcmp(r->list, "count") == 0) {
    cq->count = r->n;
    st->seen[cq - c->qs] = 1;
    st->stale |= r->keep < 0 || (size_t)r->keep < c->keep;
  } else if (strcmp(r->list, "latest") == 0) {
    if (r->rank == (int64_t)cq->n && cq->n < c->keep)
      to = &cq->latest[cq->n++];
  } else if (strcmp(r->list, "most") == 0) {
    if (r->rank == (int64_t)c->n_most && c->n_most < MJ_COMMENTS_MOST)
      to = &c->most[c->n_most++];
  }
  if (!to)
    return MJ_OK;
  if (!x.text) {
    st->stale = 1;
    x.response = NULL;
  }
  *to = x;
  to->text = x.text ? strdup(x.text) : NULL;
  to->response = x.response ? strdup(x.response) : NULL;
  return (!x.text || to->text) && (!x.response || to->response)
             ? MJ_OK
             : MJ_ENOMEM;
}

/*
** The comments stored with cycle id: 1 and *out set when they are there
** for every text question and keep as many as the report shows, else 0
** (a store without them, a cycle stored before them, a playbook or a
** `comments` changed since), or an error.
*/
static int load_stored(mj_engine *e, int64_t id, size_t keep,
                       mj_comments **out)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  *out = NULL;
  if (!MJ__HAS_OP(S, scan_comments) || id <= 0)
    return 0;
  stored st = {0};
  int rc = mj__comments_new(e->model, keep, &st.c);
  if (rc == MJ_OK && st.c->n_qs &&
      !(st.seen = calloc(st.c->n_qs, sizeof *st.seen)))
    rc = MJ_ENOMEM;
  mj_error err = {0};
  if (rc == MJ_OK && st.c->n_qs)
    rc = S->scan_comments(e->store->inst, id, on_stored, &st, &err);
  for (size_t i = 0; rc == MJ_OK && i < st.c->n_qs; i++)
    st.stale |= !st.seen[i];
  free(st.seen);
  if (rc == MJ_OK && !st.stale) {
    *out = st.c;
    return 1;
  }
  mj__comments_free(st.c);
  if (rc == MJ_OK)
    return 0;
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  return mj__seterr_from(e, &err, MJ_ESTORE, "reading comments: ");
}

int mj__comments_load(mj_engine *e, int64_t id, const char *cycle,
                      size_t keep, mj_comments **out)
{
  *out = NULL;
  const mj_model *m = e->model;
  if (!m)
    return MJ_OK;
  int rc = load_stored(e, id, keep, out);
  if (rc != 0)
    return rc < 0 ? rc : MJ_OK;
  if (mj__comments_new(m, keep, out) != MJ_OK)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  mj_comments *c = *out;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  const mj_cycle_decl *decl = mj__model_cycle(m, cycle);
  mj_comment_q *next = c->qs;
  for (size_t i = 0; i < m->n_questionnaires; i++) {
    const mj_questionnaire *qn = &m->questionnaires[i];
    scan s = {.e = e, .c = c, .qn = qn, .first = next, .cycle = cycle,
              .every = !m->n_cycles, .pilot = decl && decl->include_pilot};
    while (next < c->qs + c->n_qs && next->qn == qn) {
      next++;
      s.n++;
    }
    if (!s.n)
      continue;
    if (!(s.text = mj__comments_index(c, qn)))
      return mj__seterr(e, MJ_ENOMEM, "out of memory");
    mj_error err = {0};
    rc = MJ__HAS_OP(S, scan_responses)
             ? S->scan_responses(e->store->inst, qn->id, on_response, &s,
                                 &err)
             : S->scan_answers(e->store->inst, qn->id, on_answer, &s, &err);
    free(s.text);
    if (rc == MJ_ENOMEM)
      return mj__seterr(e, rc, "out of memory");
    if (rc != MJ_OK)
      return mj__seterr_from(e, &err, MJ_ESTORE, "reading answers: ");
  }
  return MJ_OK;
}

/* ---- output -------------------------------------------------------------- */

/* Longest answer a text or Markdown report shows, in bytes of its text. */
#define SHOWN 160

/*
** One answer on one line: newlines and tabs as "\n", "\t", other control
** characters as "\xHH" (so nothing moves the terminal or breaks a line),
** Markdown's own characters escaped with a backslash when md, and an
** answer longer than SHOWN bytes cut at a character boundary with "…".
*/
static void put_escaped(FILE *f, const char *s, int md)
{
  size_t len = strlen(s), end = len;
  if (len > SHOWN) {
    end = SHOWN;
    while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
      end--; /* never inside a UTF-8 sequence */
  }
  for (size_t i = 0; i < end; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '\n')
      fputs("\\n", f);
    else if (ch == '\r')
      fputs("\\r", f);
    else if (ch == '\t')
      fputs("\\t", f);
    else if (ch < 0x20 || ch == 0x7F)
      fprintf(f, "\\x%02X", ch);
    else if (md && strchr("|*_[]<>\\`#", ch))
      fprintf(f, "\\%c", ch);
    else
      fputc(ch, f);
  }
  if (end < len)
    fputs("\xE2\x80\xA6", f); /* … */
}

void mj__comments_print(FILE *f, const mj_comments *c, int md)
{
  if (!c || c->n_qs == 0)
    return;
  fprintf(f, md ? "\n## Open answers\n" : "\nOpen answers\n");
  for (size_t i = 0; i < c->n_qs; i++) {
    const mj_comment_q *cq = &c->qs[i];
    const char *text = mj__i18n_pick(&cq->q->text, cq->qn->lang, NULL);
    if (md) {
      fprintf(f, "\n### %s %s", cq->qn->id, cq->q->id);
      if (text) {
        fputs(" (", f);
        put_escaped(f, text, 1);
        fputc(')', f);
      }
      fputs("\n\n", f);
    } else {
      fprintf(f, "  %s %s%s%s:", cq->qn->id, cq->q->id, text ? " - " : "",
              text ? text : "");
    }
    if (cq->count == 0) {
      fprintf(f, md ? "No answers.\n" : " no answers\n");
      continue;
    }
    if (cq->n == 0) {
      fprintf(f, md ? "%llu answer(s).\n" : " %llu answer(s)\n",
              (unsigned long long)cq->count);
      continue;
    }
    fprintf(f, md ? "%llu answer(s); the latest %zu, newest first:\n\n"
                  : " %llu answer(s); the latest %zu, newest first:\n",
            (unsigned long long)cq->count, cq->n);
    for (size_t k = 0; k < cq->n; k++) {
      fputs(md ? "- " : "    - ", f);
      put_escaped(f, cq->latest[k].text, md);
      fputc('\n', f);
    }
  }
}

json_t *mj__comments_json(const mj_comments *c)
{
  json_t *a = json_array();
  for (size_t i = 0; a && c && i < c->n_qs; i++) {
    const mj_comment_q *cq = &c->qs[i];
    json_t *o = json_object(), *latest = json_array();
    json_object_set_new(o, "questionnaire", json_string(cq->qn->id));
    json_object_set_new(o, "question", json_string(cq->q->id));
    json_object_set_new(
        o, "text",
        mj__json_str(mj__i18n_pick(&cq->q->text, cq->qn->lang, NULL)));
    json_object_set_new(o, "count", json_integer((json_int_t)cq->count));
    for (size_t k = 0; k < cq->n; k++) {
      json_t *x = json_object();
      json_object_set_new(x, "response", mj__json_str(cq->latest[k].response));
      json_object_set_new(x, "submitted_at",
                          mj__json_time(cq->latest[k].submitted_at));
      json_object_set_new(x, "text", mj__json_str(cq->latest[k].text));
      json_array_append_new(latest, x);
    }
    json_object_set_new(o, "latest", latest);
    json_array_append_new(a, o);
  }
  return a;
}

json_t *mj__comments_most_json(const mj_comments *c)
{
  json_t *a = json_array();
  for (size_t k = 0; a && c && k < c->n_most; k++) {
    const mj_comment *m = &c->most[k];
    json_t *x = json_object();
    json_object_set_new(x, "questionnaire", json_string(m->from->qn->id));
    json_object_set_new(x, "question", json_string(m->from->q->id));
    json_object_set_new(
        x, "about",
        mj__json_str(mj__i18n_pick(&m->from->q->text, m->from->qn->lang,
                                   NULL)));
    json_object_set_new(x, "response", mj__json_str(m->response));
    json_object_set_new(x, "submitted_at", mj__json_time(m->submitted_at));
    json_object_set_new(x, "text", mj__json_str(m->text));
    json_array_append_new(a, x);
  }
  return a;
}
