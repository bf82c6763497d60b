/*
** Interview mode: one questionnaire asked question by question (by phone
** or face to face), in the customer's language, with ask_if applied and
** each answer validated as it is given. Progress is a draft file beside
** the playbook, written after every answer, so an interview cut off at
** any point resumes where it stopped. The terminal side is the command's.
**
** Options of a `randomize = true` question are shown in an order drawn
** from the response id and the question id: the draft keeps the response
** id, so a resumed interview shows each question's options as before, and
** an option's number always means the option shown at that place. Only
** codes are stored. Finishing marks the customer's newest open invitation
** to the questionnaire answered.
*/
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "intake.h"

struct mj_interview {
  mj_engine *e;
  const mj_questionnaire *qn;
  mj_customer cust_view;  /* the customer interviewed ... */
  mj_customer_buf cust_buf; /* (its strings) */
  const mj_customer *cust; /* ... there */
  const char *lang;
  char response_id[48];
  char *draft;            /* the draft file's path */
  char **texts;           /* the answer as given, per question, or NULL */
  mj_answer_rec *answers; /* parsed, borrowing texts */
  size_t k;               /* the question being asked */
  int resumed;            /* answers came back from a draft */
  int done;               /* stored */
  /* The item handed out by mj_interview_next, and its arrays. */
  mj_interview_item item;
  const char **labels, **codes;
  size_t *order; /* the current question's options as shown */
  char hint[200];
};

/* ---- texts and option order ---------------------------------------------- */

static const char *pick(const mj_interview *iv, const mj_i18n *t)
{
  return mj__i18n_pick(t, iv->lang, iv->qn->lang);
}

/* FNV-1a over the response id and the question id: each question of each
** interview gets its own order, and the same one every time. */
static uint64_t order_seed(const char *response_id, const char *question)
{
  uint64_t h = 0xcbf29ce484222325u;
  for (const char *p = response_id; *p; p++)
    h = (h ^ (unsigned char)*p) * 0x100000001b3u;
  h = (h ^ 0xffu) * 0x100000001b3u; /* a separator no id contains */
  for (const char *p = question; *p; p++)
    h = (h ^ (unsigned char)*p) * 0x100000001b3u;
  return h;
}

/* The options of q as shown: declared order, or a Fisher-Yates shuffle
** of the options not anchored (unbiased: the short last block of the
** 64-bit range is rejected); anchored ones ("none", "don't know") keep
** their declared place. "other:TEXT" and NA are not options: the hint
** offers them after the list, so they always come last. */
void mj__option_order(const char *response_id, const mj_question *q,
                      size_t *order)
{
  size_t n_free = 0;
  for (size_t i = 0; i < q->n_choices; i++) {
    order[i] = i;
    n_free += !q->choices[i].anchor;
  }
  if (!q->randomize || n_free < 2)
    return;
  uint64_t x = order_seed(response_id, q->id);
  /* Position i takes a uniform pick among the free positions up to it
  ** (the k-th of them); options are a handful, so the scans are cheap. */
  for (size_t i = q->n_choices; i-- > 0 && n_free > 1;) {
    if (q->choices[i].anchor)
      continue;
    uint64_t n = n_free--, floor_ = (uint64_t)(-n) % n, r;
    do
      r = mj__splitmix64(&x);
    while (r < floor_);
    size_t k = (size_t)(r % n), j = 0;
    for (;; j++)
      if (!q->choices[j].anchor && k-- == 0)
        break;
    size_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/* ---- the draft --------------------------------------------------------------
 */

static int save_draft(mj_interview *iv)
{
  json_t *o = json_object(), *a = json_object();
  if (!o || !a) {
    json_decref(o);
    json_decref(a);
    return mj__seterr(iv->e, MJ_ENOMEM, "out of memory");
  }
  json_object_set_new(o, "questionnaire", json_string(iv->qn->id));
  json_object_set_new(o, "customer", json_string(iv->cust->id));
  json_object_set_new(o, "response_id", json_string(iv->response_id));
  for (size_t i = 0; i < iv->qn->n_questions; i++)
    if (iv->texts[i])
      json_object_set_new(a, iv->qn->questions[i].id,
                          json_string(iv->texts[i]));
  json_object_set_new(o, "answers", a);
  json_object_set_new(o, "next",
                      json_string(iv->k < iv->qn->n_questions
                                      ? iv->qn->questions[iv->k].id
                                      : ""));
  /* Write a new file and rename it over the old, so an interruption in
  ** the middle of a write never loses the answers already saved. */
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", iv->draft);
  int rc = json_dump_file(o, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  json_decref(o);
  if (rc != 0 || rename(tmp, iv->draft) != 0)
    return mj__seterr(iv->e, MJ_EIO,
                      "cannot save the interview's draft %s: %s; check that "
                      "the playbook's folder is writable",
                      iv->draft, strerror(errno));
  return MJ_OK;
}

/* Replay a draft's answers; any that no longer validate are dropped. */
static void load_draft(mj_interview *iv)
{
  json_t *o = json_load_file(iv->draft, 0, NULL);
  if (!o)
    return;
  const char *rid = json_string_value(json_object_get(o, "response_id"));
  if (rid && strlen(rid) < sizeof iv->response_id)
    snprintf(iv->response_id, sizeof iv->response_id, "%s", rid);
  json_t *a = json_object_get(o, "answers");
  const char *next = json_string_value(json_object_get(o, "next"));
  /* Where it stopped: the question named "next" ("" when all were asked),
  ** or earlier if an answer before it no longer validates. */
  iv->k = next && !*next ? iv->qn->n_questions : 0;
  for (size_t i = 0; next && *next && i < iv->qn->n_questions; i++)
    if (!strcmp(next, iv->qn->questions[i].id))
      iv->k = i;
  for (size_t i = 0; i < iv->qn->n_questions; i++) {
    const mj_question *q = &iv->qn->questions[i];
    const char *t = json_string_value(json_object_get(a, q->id));
    if (!t || !(iv->texts[i] = strdup(t)))
      continue;
    char why[256];
    if (mj__answer_parse(q, iv->texts[i], strlen(iv->texts[i]), &iv->answers[i],
                         why, sizeof why) != MJ_OK) {
      free(iv->texts[i]);
      iv->texts[i] = NULL;
      iv->answers[i].state = MJ_ANSWER_SKIPPED;
      if (i < iv->k)
        iv->k = i;
    }
    iv->answers[i].question = q->id;
    iv->resumed = 1;
  }
  json_decref(o);
}

/* ---- opening
 * ------------------------------------------------------------------ */

int mj_interview_open(mj_engine *e, const char *questionnaire,
                      const char *customer, mj_interview **out)
{
  if (!e || !out)
    return e ? mj__seterr(e, MJ_EINVAL, "no output pointer") : MJ_EINVAL;
  *out = NULL;
  mj__clearerr(e);
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  const mj_questionnaire *qn =
      questionnaire ? mj__model_questionnaire(e->model, questionnaire) : NULL;
  if (!qn)
    return mj__seterr(e, MJ_ENOTFOUND,
                      "%s: no questionnaire '%s' to interview with",
                      e->model->file, questionnaire ? questionnaire : "");
  mj_customer cv;
  mj_customer_buf cb;
  mj__customer_buf_init(&cb);
  const mj_customer *cust =
      customer ? mj__model_customer(e->model, customer, &cv, &cb) : NULL;
  if (!cust)
    return mj__seterr(e, MJ_ENOTFOUND,
                      "%s: no customer '%s' among the playbook's customers",
                      e->model->file, customer ? customer : "");
  if (!cust->consent)
    return mj__seterr(e, MJ_EINVAL,
                      "customer '%s' has opted out of surveys (consent = "
                      "no); do not interview them",
                      cust->id);
  mj_interview *iv = calloc(1, sizeof *iv);
  size_t n = qn->n_questions ? qn->n_questions : 1, most = 11;
  for (size_t i = 0; i < qn->n_questions; i++)
    if (qn->questions[i].n_choices > most)
      most = qn->questions[i].n_choices;
  if (iv) {
    iv->texts = calloc(n, sizeof *iv->texts);
    iv->answers = calloc(n, sizeof *iv->answers);
    iv->labels = calloc(most, sizeof *iv->labels);
    iv->codes = calloc(most, sizeof *iv->codes);
    iv->order = calloc(most, sizeof *iv->order);
  }
  if (!iv || !iv->texts || !iv->answers || !iv->labels || !iv->codes ||
      !iv->order) {
    mj_interview_free(iv);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  iv->e = e;
  iv->qn = qn;
  /* Again, into the interview: the view's strings may be in cb. */
  iv->cust = mj__model_customer(e->model, customer, &iv->cust_view,
                                &iv->cust_buf);
  if (!iv->cust) {
    mj_interview_free(iv);
    return mj__seterr(e, MJ_EIO, "customer '%s': cannot read it back from "
                      "the customers' temporary file", customer);
  }
  iv->lang = cust->lang ? cust->lang : qn->lang ? qn->lang : "en";
  for (size_t i = 0; i < qn->n_questions; i++) {
    iv->answers[i].question = qn->questions[i].id;
    iv->answers[i].state = MJ_ANSWER_SKIPPED;
    iv->answers[i].num = 0;
  }
  char name[300];
  snprintf(name, sizeof name, ".mejora-interview-%s-%s.json", qn->id, cust->id);
  for (char *p = name; *p; p++)
    if (*p == '/')
      *p = '_';
  iv->draft = mj__path_join(e->model->dir, name);
  if (!iv->draft) {
    mj_interview_free(iv);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  unsigned char b[8];
  if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
    mj_interview_free(iv);
    return mj__seterr(e, MJ_EIO, "cannot read random bytes: %s",
                      strerror(errno));
  }
  int w = snprintf(iv->response_id, sizeof iv->response_id, "iv-");
  for (size_t i = 0; i < sizeof b; i++)
    w += snprintf(iv->response_id + w, sizeof iv->response_id - (size_t)w,
                  "%02x", b[i]);
  load_draft(iv);
  *out = iv;
  return MJ_OK;
}

void mj_interview_free(mj_interview *iv)
{
  if (!iv)
    return;
  for (size_t i = 0; iv->texts && i < iv->qn->n_questions; i++)
    free(iv->texts[i]);
  free(iv->texts);
  free(iv->answers);
  free(iv->labels);
  free(iv->codes);
  free(iv->order);
  free(iv->draft);
  free(iv);
}

int mj_interview_resumed(const mj_interview *iv)
{
  size_t n = 0;
  for (size_t i = 0; iv && iv->resumed && i < iv->qn->n_questions; i++)
    n += iv->texts[i] != NULL;
  return (int)n;
}

const char *mj_interview_lang(const mj_interview *iv)
{
  return iv ? iv->lang : NULL;
}

const char *mj_interview_draft(const mj_interview *iv)
{
  return iv ? iv->draft : NULL;
}

/* ---- asking
 * -------------------------------------------------------------------- */

static void make_item(mj_interview *iv)
{
  const mj_question *q = &iv->qn->questions[iv->k];
  mj_interview_item *it = &iv->item;
  memset(it, 0, sizeof *it);
  it->id = q->id;
  it->type = q->type;
  it->text = q->text.n ? pick(iv, &q->text) : q->id;
  it->section = q->section;
  it->number = iv->k + 1;
  it->count = iv->qn->n_questions;
  it->min = q->min;
  it->max = q->max;
  it->allow_na = q->allow_na;
  it->required = q->required;
  it->labels = iv->labels;
  it->codes = iv->codes;
  const char *how = "";
  char range[120] = "";
  switch (q->kind) {
  case MJ_Q_SCALE:
  case MJ_Q_NPS:
    snprintf(range, sizeof range, "a number from %d to %d", q->min, q->max);
    how = range;
    for (int v = q->min; q->label_texts && v <= q->max; v++)
      iv->labels[it->n_labels++] = pick(iv, &q->label_texts[v - q->min]);
    break;
  case MJ_Q_CHOICE:
  case MJ_Q_MULTI:
    how = q->kind == MJ_Q_CHOICE ? "the option's number or code"
                                 : "option numbers or codes separated by ';'";
    mj__option_order(iv->response_id, q, iv->order);
    for (size_t i = 0; i < q->n_choices; i++) {
      const mj_choice *ch = &q->choices[iv->order[i]];
      iv->codes[it->n_labels] = ch->code;
      iv->labels[it->n_labels++] = ch->label.n ? pick(iv, &ch->label) : ch->code;
    }
    break;
  case MJ_Q_YESNO:
    how = "yes or no";
    break;
  case MJ_Q_NUMBER:
    how = "a number";
    break;
  case MJ_Q_DATE:
    how = "a date, YYYY-MM-DD";
    break;
  case MJ_Q_POINTS:
    snprintf(range, sizeof range, "points; group '%s' sums to %g",
             q->group ? q->group : "", q->total);
    how = range;
    break;
  case MJ_Q_TEXT:
  default:
    how = "free text";
    break;
  }
  snprintf(iv->hint, sizeof iv->hint, "%s%s%s%s", how,
           q->kind == MJ_Q_CHOICE || q->kind == MJ_Q_MULTI
               ? (q->other ? ", or other:TEXT" : "")
               : "",
           q->allow_na ? ", NA for no experience" : "",
           q->required ? "" : ", Enter to skip");
  it->hint = iv->hint;
}

int mj_interview_next(mj_interview *iv, const mj_interview_item **item)
{
  if (!iv || !item)
    return MJ_EINVAL;
  *item = NULL;
  while (iv->k < iv->qn->n_questions &&
         !mj__answer_asked(iv->qn, iv->answers, iv->k)) {
    /* Not asked (its ask_if is false): forget an answer from a resumed
    ** draft whose earlier answers changed. */
    free(iv->texts[iv->k]);
    iv->texts[iv->k] = NULL;
    iv->answers[iv->k].state = MJ_ANSWER_SKIPPED;
    iv->k++;
  }
  if (iv->k < iv->qn->n_questions) {
    make_item(iv);
    *item = &iv->item;
  }
  return MJ_OK;
}

/* An option's number (1..n, as shown: order) stands for its code. */
static char *map_numbers(const mj_question *q, const size_t *order,
                         const char *text)
{
  /* At most len + 1 parts, each its own text or a code, plus ';'s. */
  size_t len = strlen(text), longest = 0;
  for (size_t i = 0; i < q->n_choices; i++)
    if (strlen(q->choices[i].code) > longest)
      longest = strlen(q->choices[i].code);
  char *out = malloc((len + 1) * (longest + 2) + len + 1), *w = out;
  if (!out)
    return NULL;
  const char *p = text;
  while (1) {
    const char *end = q->kind == MJ_Q_MULTI ? strchr(p, ';') : NULL;
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *stop;
    char part[32];
    long v = 0;
    if (n > 0 && n < sizeof part) {
      memcpy(part, p, n);
      part[n] = 0;
      v = strtol(part, &stop, 10);
      if (*stop)
        v = 0;
    }
    int is_code = 0;
    for (size_t i = 0; i < q->n_choices; i++)
      is_code |=
          strlen(q->choices[i].code) == n && !strncmp(q->choices[i].code, p, n);
    if (!is_code && v >= 1 && (size_t)v <= q->n_choices) {
      const char *c = q->choices[order[v - 1]].code;
      memcpy(w, c, strlen(c));
      w += strlen(c);
    } else {
      memcpy(w, p, n);
      w += n;
    }
    if (!end)
      break;
    *w++ = ';';
    p = end + 1;
  }
  *w = 0;
  return out;
}

/*
** The last question of a points group closes it: the group's answers must
** then add up to its total (blank ones count 0, as in an import). 1 when
** the sum is wrong, with the reason in why.
*/
static int group_short(const mj_questionnaire *qn, const mj_answer_rec *answers,
                       size_t k, char *why, size_t whylen)
{
  const mj_question *q = &qn->questions[k];
  if (q->kind != MJ_Q_POINTS || !q->group)
    return 0;
  double sum = 0;
  size_t answered = 0;
  for (size_t i = 0; i < qn->n_questions; i++) {
    const mj_question *p = &qn->questions[i];
    if (p->kind != MJ_Q_POINTS || !p->group || strcmp(p->group, q->group))
      continue;
    if (i > k)
      return 0; /* not the last of its group yet */
    if (answers[i].state == MJ_ANSWER_VALUE) {
      sum += answers[i].num;
      answered++;
    }
  }
  if (!answered || fabs(sum - q->total) <= 1e-9 * fmax(1.0, fabs(q->total)))
    return 0;
  snprintf(why, whylen,
           "the points of group '%s' add up to %g; they must add up to %g",
           q->group, sum, q->total);
  return 1;
}

int mj_interview_answer(mj_interview *iv, const char *text)
{
  if (!iv || !text)
    return iv ? mj__seterr(iv->e, MJ_EINVAL, "no answer given") : MJ_EINVAL;
  mj__clearerr(iv->e);
  if (iv->k >= iv->qn->n_questions)
    return mj__seterr(iv->e, MJ_EINVAL, "every question has been asked");
  const mj_question *q = &iv->qn->questions[iv->k];
  int choice = q->kind == MJ_Q_CHOICE || q->kind == MJ_Q_MULTI;
  if (choice)
    mj__option_order(iv->response_id, q, iv->order);
  char *copy = choice ? map_numbers(q, iv->order, text) : strdup(text);
  if (!copy)
    return mj__seterr(iv->e, MJ_ENOMEM, "out of memory");
  mj_answer_rec rec = {.question = q->id};
  char why[300];
  int rc = mj__answer_parse(q, copy, strlen(copy), &rec, why, sizeof why);
  if (rc == MJ_OK && rec.state == MJ_ANSWER_SKIPPED && q->required) {
    snprintf(why, sizeof why, "an answer is required");
    rc = MJ_EVALIDATE;
  }
  if (rc == MJ_OK) {
    /* The whole-row rules that concern this answer: its constraint, and a
    ** points group's sum once its last question is answered. Questions
    ** after it are not answered yet, so only a failure blamed on this one
    ** counts (groups are checked here, answer.c blames their first). */
    mj_answer_rec old = iv->answers[iv->k];
    iv->answers[iv->k] = rec;
    size_t bad = 0;
    if (group_short(iv->qn, iv->answers, iv->k, why, sizeof why))
      rc = MJ_EVALIDATE;
    else if (q->kind != MJ_Q_POINTS &&
             mj__answer_check_row(iv->qn, iv->answers, &bad, why, sizeof why) !=
                 MJ_OK &&
             bad == iv->k)
      rc = MJ_EVALIDATE;
    iv->answers[iv->k] = old;
  }
  if (rc != MJ_OK) {
    free(copy);
    return mj__seterr(iv->e, MJ_EVALIDATE, "%s", why);
  }
  rec.question = q->id;
  free(iv->texts[iv->k]);
  iv->texts[iv->k] = copy;
  iv->answers[iv->k] = rec;
  iv->k++;
  return save_draft(iv);
}

int mj_interview_back(mj_interview *iv)
{
  if (!iv)
    return MJ_EINVAL;
  while (iv->k > 0) {
    iv->k--;
    if (mj__answer_asked(iv->qn, iv->answers, iv->k))
      break;
  }
  return MJ_OK;
}

int mj_interview_save(mj_interview *iv)
{
  return iv ? save_draft(iv) : MJ_EINVAL;
}

/* ---- finishing ------------------------------------------------------------ */

/* The newest open invitation of one customer to one questionnaire. */
typedef struct open_inv {
  const char *customer, *questionnaire;
  mj_invitation_rec rec; /* copied strings in buf */
  char buf[1024];
  int found;
} open_inv;

static int on_invitation(void *ud, const mj_invitation_rec *inv)
{
  open_inv *o = ud;
  if (inv->answered || strcmp(inv->customer, o->customer) ||
      strcmp(inv->questionnaire, o->questionnaire) ||
      (o->found && inv->created_at < o->rec.created_at))
    return MJ_OK;
  /* The scan's strings live only for the call: copy those put needs. */
  const char *src[] = {inv->token, inv->sample, inv->channel, inv->lang};
  const char **dst[] = {&o->rec.token, &o->rec.sample, &o->rec.channel,
                        &o->rec.lang};
  size_t w = 0;
  for (size_t i = 0; i < 4; i++) {
    size_t n = src[i] ? strlen(src[i]) + 1 : 0;
    if (w + n > sizeof o->buf)
      return MJ_OK; /* not a token this store wrote */
    *dst[i] = src[i] ? memcpy(o->buf + w, src[i], n) : NULL;
    w += n;
  }
  o->rec.customer = o->customer;
  o->rec.questionnaire = o->questionnaire;
  o->rec.created_at = inv->created_at;
  o->found = 1;
  return MJ_OK;
}

/* Mark the invitation this interview answers, if there is one. A store
** without invitations has none to mark. */
static int mark_invitation(mj_interview *iv)
{
  mj_engine *e = iv->e;
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!MJ__HAS_OP(S, scan_invitations) || !S->put_invitation)
    return MJ_OK;
  open_inv o = {.customer = iv->cust->id, .questionnaire = iv->qn->id};
  mj_error err = {0};
  rc = S->scan_invitations(e->store->inst, NULL, on_invitation, &o, &err);
  if (rc == MJ_OK && o.found) {
    o.rec.answered = 1;
    rc = S->put_invitation(e->store->inst, &o.rec, &err);
  }
  if (rc != MJ_OK) {
    char ctx[200];
    snprintf(ctx, sizeof ctx,
             "response %s is stored, but its invitation could not be marked "
             "answered (finish again to retry): ",
             iv->response_id);
    return mj__seterr_from(e, &err, MJ_ESTORE, ctx);
  }
  return MJ_OK;
}

int mj_interview_finish(mj_interview *iv, const char **response_id)
{
  if (!iv)
    return MJ_EINVAL;
  mj_engine *e = iv->e;
  mj__clearerr(e);
  const mj_interview_item *it;
  mj_interview_next(iv, &it);
  if (it)
    return mj__seterr(e, MJ_EINVAL,
                      "question '%s' (%zu of %zu) has not been asked yet",
                      it->id, it->number, it->count);
  size_t n = iv->qn->n_questions, m = 0, bad = 0;
  char why[300];
  if (mj__answer_check_row(iv->qn, iv->answers, &bad, why, sizeof why) !=
      MJ_OK) {
    /* Ask again from the question to blame. */
    iv->k = bad;
    return mj__seterr(e, MJ_EVALIDATE, "%s", why);
  }
  const char **qs = calloc(n ? n : 1, sizeof *qs);
  const char **vs = calloc(n ? n : 1, sizeof *vs);
  if (!qs || !vs) {
    free(qs);
    free(vs);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++)
    if (iv->texts[i]) {
      qs[m] = iv->qn->questions[i].id;
      vs[m++] = iv->texts[i];
    }
  int rc =
      mj_response_add(e, iv->qn->id, iv->response_id, iv->cust->id, qs, vs, m);
  free(qs);
  free(vs);
  /* Stored now or before (a finish repeated after a crash): either way
  ** the draft has done its work once the invitation is marked. */
  if (rc == MJ_OK || rc == MJ_ECONFLICT) {
    mj__clearerr(e);
    if ((rc = mark_invitation(iv)) != MJ_OK)
      return rc;
    remove(iv->draft);
    iv->done = 1;
    mj__clearerr(e);
    rc = MJ_OK;
    if (response_id)
      *response_id = iv->response_id;
  }
  return rc;
}
