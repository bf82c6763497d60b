/*
** Serving respondents: the host side of a collector's serve() (plugin.h,
** mj_serve_host). A link opens a form (an invitation's token, or an
** anonymous link where the questionnaire allows one); a submission is
** checked with the import's rules (mj__answer_parse, then
** mj__answer_check_row) and stored in one transaction with its
** invitation marked answered, committed durably with the other
** submissions waiting at the time (commit_queue.c). An unsubscribe link
** (/u/TOKEN) records the customer unsubscribed, as mj_unsubscribe does.
** The collector does the protocol, on as many threads as it likes: the
** engine is used under one lock, and only checking answers runs beside
** it.
*/
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "intake.h"

/* Tokens are 32 hex digits (sample.c); anonymous ids "web-" and as many. */
enum { TOKEN_LEN = 32 };

typedef struct serving {
  mj_engine *e;
  volatile int *stop; /* the caller's: serve until it is nonzero */
  const mj_serve_opts *opts; /* the report callback, when it has one */
  pthread_mutex_t lock; /* held while the engine or its store is used */
  mj_commit_queue queue;
  int *versions; /* per questionnaire of the model: its version, 0 unknown */
} serving;

/* The host's form: the plugin's mj_form first, then what it borrows. */
typedef struct form {
  mj_form f;
  const mj_questionnaire *qn;
  mj_customer cust_view;
  mj_customer_buf cust_buf; /* its strings */
  const mj_customer *cust; /* &cust_view, NULL for an anonymous link */
  const char *token;       /* NULL for an anonymous link */
  mj_invitation_rec inv;   /* the invitation, strings in the arena */
  mj_answer_rec *answers;
  mj_arena arena;
  char response[48];
} form;

/* ---- links ---------------------------------------------------------------- */

static int is_hex(const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
    i++;
  return i == n && s[n] == '\0';
}

/* Equal tokens of TOKEN_LEN, in a time that does not tell how much of a
** guess was right. */
static int token_eq(const char *a, const char *b)
{
  unsigned char d = 0;
  size_t la = strlen(a), lb = strlen(b);
  for (size_t i = 0; i < TOKEN_LEN; i++)
    d |= (unsigned char)((i < la ? a[i] : 0) ^ (i < lb ? b[i] : 1));
  return d == 0 && la == TOKEN_LEN && lb == TOKEN_LEN;
}

typedef struct finding {
  const char *token;
  form *fm;
  int found;
} finding;

static int on_invitation(void *ud, const mj_invitation_rec *inv)
{
  finding *fd = ud;
  if (fd->found || !inv->token || !token_eq(inv->token, fd->token))
    return MJ_OK;
  mj_arena *a = &fd->fm->arena;
  mj_invitation_rec *r = &fd->fm->inv;
  *r = *inv;
  r->token = mj__arena_strdup(a, inv->token);
  r->customer = mj__arena_strdup(a, inv->customer);
  r->questionnaire = mj__arena_strdup(a, inv->questionnaire);
  r->sample = mj__arena_strdup(a, inv->sample);
  r->channel = mj__arena_strdup(a, inv->channel);
  r->lang = mj__arena_strdup(a, inv->lang);
  if (!r->token || !r->customer || !r->questionnaire)
    return MJ_ENOMEM;
  fd->found = 1;
  return MJ_OK;
}

/* A response id of its own for an anonymous link. */
static int new_response_id(char *out, size_t n)
{
  unsigned char b[TOKEN_LEN / 2];
  if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
    return MJ_EIO;
  int w = snprintf(out, n, "web-");
  for (size_t i = 0; i < sizeof b; i++)
    w += snprintf(out + w, n - (size_t)w, "%02x", b[i]);
  return MJ_OK;
}

/* ---- texts ---------------------------------------------------------------- */

static const char *pick(const form *fm, const mj_i18n *t)
{
  return mj__i18n_pick(t, fm->f.lang, fm->qn->lang);
}

/* t with the customer's fields ({customer.name}, .id, .segment) filled
** in, in the form's arena; a placeholder it does not know stays as
** written. An anonymous respondent's fields are blank. */
static const char *fill(form *fm, const char *t)
{
  if (!t || !strstr(t, "{customer."))
    return t;
  const mj_customer *c = fm->cust;
  const struct {
    const char *key, *value;
  } fields[] = {{"{customer.name}", c && c->name ? c->name : ""},
                {"{customer.id}", c ? c->id : ""},
                {"{customer.segment}", c && c->segment ? c->segment : ""}};
  size_t cap = strlen(t) + 1;
  for (const char *p = t; (p = strstr(p, "{customer.")); p++)
    cap += 256;
  char *out = mj__arena_alloc(&fm->arena, cap), *w = out;
  if (!out)
    return t;
  const char *p = t;
  while (*p) {
    size_t k = 0, n = sizeof fields / sizeof *fields;
    while (k < n && strncmp(p, fields[k].key, strlen(fields[k].key)) != 0)
      k++;
    if (k == n) {
      *w++ = *p++;
      continue;
    }
    size_t vl = strlen(fields[k].value);
    if (vl > 255)
      vl = 255;
    memcpy(w, fields[k].value, vl);
    w += vl;
    p += strlen(fields[k].key);
  }
  *w = '\0';
  return out;
}

/* The plugin's view of each question, in the respondent's language. */
static int describe(form *fm)
{
  const mj_questionnaire *qn = fm->qn;
  mj_arena *a = &fm->arena;
  size_t n = qn->n_questions;
  fm->f.questionnaire = qn->id;
  fm->f.response = fm->response;
  fm->f.title = fill(fm, qn->title.n ? pick(fm, &qn->title) : qn->id);
  fm->f.intro = fill(fm, qn->intro.n ? pick(fm, &qn->intro) : NULL);
  fm->f.minutes = qn->minutes;
  fm->f.n_questions = n;
  fm->f.questions = mj__arena_alloc(a, (n ? n : 1) * sizeof *fm->f.questions);
  fm->answers = mj__arena_alloc(a, (n ? n : 1) * sizeof *fm->answers);
  if (!fm->f.questions || !fm->answers)
    return MJ_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    const mj_question *q = &qn->questions[i];
    mj_form_question *fq = &fm->f.questions[i];
    fq->id = q->id;
    fq->type = q->type;
    fq->text = fill(fm, q->text.n ? pick(fm, &q->text) : q->id);
    fq->section = q->section;
    fq->required = q->required;
    fq->allow_na = q->allow_na;
    fq->other = q->other;
    fq->min = q->min;
    fq->max = q->max;
    fq->num_min = q->num_min;
    fq->num_max = q->num_max;
    fq->has_num_min = q->has_num_min;
    fq->has_num_max = q->has_num_max;
    fq->integer = q->integer;
    fq->max_len = q->max_len ? q->max_len : 4096;
    fq->conditional = q->ask_if != NULL;
    fq->asked = !q->ask_if;
    if (q->label_texts && q->max >= q->min) {
      size_t k = (size_t)(q->max - q->min + 1);
      const char **l = mj__arena_alloc(a, k * sizeof *l);
      if (!l)
        return MJ_ENOMEM;
      for (size_t j = 0; j < k; j++)
        l[j] = pick(fm, &q->label_texts[j]);
      fq->labels = l;
    }
    if (q->n_choices) {
      size_t *order = mj__arena_alloc(a, q->n_choices * sizeof *order);
      mj_form_option *o = mj__arena_alloc(a, q->n_choices * sizeof *o);
      if (!order || !o)
        return MJ_ENOMEM;
      mj__option_order(fm->response, q, order);
      for (size_t j = 0; j < q->n_choices; j++) {
        const mj_choice *ch = &q->choices[order[j]];
        o[j].code = ch->code;
        o[j].label = ch->label.n ? pick(fm, &ch->label) : ch->code;
      }
      fq->options = o;
      fq->n_options = q->n_choices;
    }
  }
  return MJ_OK;
}

/* ---- the host's callbacks -------------------------------------------------- */

static int host_stopping(void *ud)
{
  const serving *s = ud;
  return s->stop && *s->stop;
}

static void host_close(void *ud, mj_form *f)
{
  form *fm = (form *)f;
  if (!fm)
    return;
  mj__arena_free(&fm->arena);
  free(fm);
}

/* The form a link opens. Only the token's lookup takes the engine's
** lock: the rest reads the playbook alone, which does not change. */
static int host_open(void *ud, const char *token, const char *questionnaire,
                     const char *response, mj_form **out, const char **lang,
                     mj_error *err)
{
  serving *s = ud;
  mj_engine *e = s->e;
  *out = NULL;
  *lang = NULL;
  form *fm = calloc(1, sizeof *fm);
  if (!fm)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  int rc = MJ_OK;
  if (token) {
    if (!is_hex(token, TOKEN_LEN)) {
      rc = mj__error(err, MJ_ENOTFOUND, "no invitation has that token");
      goto out;
    }
    finding fd = {.token = token, .fm = fm};
    pthread_mutex_lock(&s->lock);
    if ((rc = mj__store_ensure(e)) != MJ_OK)
      rc = mj__error(err, rc, "%s", e->err.msg);
    else
      rc = mj__invitations_near(e, token, on_invitation, &fd, err);
    pthread_mutex_unlock(&s->lock);
    if (rc != MJ_OK)
      goto out;
    fm->qn = fd.found ? mj__model_questionnaire(e->model,
                                                fm->inv.questionnaire)
                      : NULL;
    mj__customer_buf_init(&fm->cust_buf);
    fm->cust = fm->qn ? mj__model_customer(e->model, fm->inv.customer,
                                           &fm->cust_view, &fm->cust_buf)
                      : NULL;
    if (!fm->cust || !fm->cust->consent) {
      rc = mj__error(err, MJ_ENOTFOUND, "no invitation has that token");
      goto out;
    }
    *lang = fm->cust->lang ? fm->cust->lang
            : fm->qn->lang ? fm->qn->lang
                           : "en";
    if (fm->inv.answered) {
      rc = mj__error(err, MJ_ECONFLICT, "this invitation was answered");
      goto out;
    }
    if (fm->qn->expire_days &&
        mj__now(e) > fm->inv.created_at + (int64_t)fm->qn->expire_days * 86400) {
      rc = mj__error(err, MJ_ELIMIT, "this invitation's link has expired");
      goto out;
    }
    fm->token = fm->inv.token;
    snprintf(fm->response, sizeof fm->response, "%s", fm->inv.token);
  } else {
    fm->qn = questionnaire ? mj__model_questionnaire(e->model, questionnaire)
                           : NULL;
    if (!fm->qn || !fm->qn->anonymous) {
      rc = mj__error(err, MJ_ENOTFOUND,
                     "no questionnaire takes anonymous answers there");
      goto out;
    }
    *lang = fm->qn->lang ? fm->qn->lang : "en";
    if (response && strncmp(response, "web-", 4) == 0 &&
        is_hex(response + 4, TOKEN_LEN))
      snprintf(fm->response, sizeof fm->response, "%s", response);
    else if (new_response_id(fm->response, sizeof fm->response) != MJ_OK) {
      rc = mj__error(err, MJ_EIO, "cannot read random bytes: %s",
                     strerror(errno));
      goto out;
    }
  }
  fm->f.lang = *lang;
  if ((rc = describe(fm)) != MJ_OK)
    rc = mj__error(err, MJ_ENOMEM, "out of memory");
out:
  if (rc != MJ_OK) {
    host_close(ud, &fm->f);
    return rc;
  }
  *out = &fm->f;
  return MJ_OK;
}

static const char *required_text(const char *lang)
{
  if (lang && lang[0] == 'e' && lang[1] == 's' &&
      (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
    return "Esta pregunta necesita una respuesta.";
  return "This question needs an answer.";
}

/*
** Check the answers as an import checks a row: each parsed against its
** question, then the rules across them. A question whose condition is
** false was not shown (or a respondent without the script answered it
** anyway): its answer is dropped, as an interview drops it, rather than
** refused. Every question's own error is found; the rules across answers
** blame one question.
*/
static int check(form *fm, const char *const *values)
{
  const mj_questionnaire *qn = fm->qn;
  int bad = 0;
  for (size_t i = 0; i < qn->n_questions; i++) {
    mj_form_question *fq = &fm->f.questions[i];
    mj_answer_rec *a = &fm->answers[i];
    const char *v = values && values[i] ? values[i] : "";
    memset(a, 0, sizeof *a);
    a->question = qn->questions[i].id;
    a->state = MJ_ANSWER_SKIPPED;
    fq->error = NULL;
    fq->value = mj__arena_strdup(&fm->arena, v);
    fq->asked = mj__answer_asked(qn, fm->answers, i);
    if (!fq->asked)
      continue;
    char why[300];
    if (!fq->value ||
        mj__answer_parse(&qn->questions[i], fq->value, strlen(fq->value), a,
                         why, sizeof why) != MJ_OK) {
      a->state = MJ_ANSWER_SKIPPED;
      fq->error = mj__arena_strdup(&fm->arena, fq->value ? why
                                                         : "out of memory");
      bad = 1;
    }
  }
  /* A required question left blank while asked, said in the
  ** respondent's words rather than the import's. */
  for (size_t i = 0; i < qn->n_questions; i++) {
    mj_form_question *fq = &fm->f.questions[i];
    if (fq->asked && !fq->error && qn->questions[i].required &&
        fm->answers[i].state == MJ_ANSWER_SKIPPED) {
      fq->error = required_text(fm->f.lang);
      bad = 1;
    }
  }
  size_t k;
  char why[300];
  if (!bad &&
      mj__answer_check_row(qn, fm->answers, &k, why, sizeof why) != MJ_OK) {
    fm->f.questions[k].error = mj__arena_strdup(&fm->arena, why);
    bad = 1;
  }
  return bad ? MJ_EVALIDATE : MJ_OK;
}

/* The version of the questionnaire fm answers, recorded once a serve:
** the playbook does not change while it serves. */
static int version_of(serving *s, const form *fm, int *version,
                      mj_error *err)
{
  mj_engine *e = s->e;
  size_t i = (size_t)(fm->qn - e->model->questionnaires);
  if (!s->versions[i]) {
    int rc = mj__questionnaire_version(e, fm->qn, &s->versions[i]);
    if (rc != MJ_OK)
      return mj__error(err, rc, "%s", e->err.msg);
  }
  *version = s->versions[i];
  return MJ_OK;
}

/* The response and its invitation, answered, inside the caller's
** transaction. */
static int put(serving *s, form *fm, mj_error *err)
{
  mj_engine *e = s->e;
  int version = 1;
  int rc = version_of(s, fm, &version, err);
  if (rc != MJ_OK)
    return rc;
  int64_t now = mj__now(e);
  const mj_customer *c = fm->cust;
  mj_response_rec r = {.id = fm->response,
                       .questionnaire = fm->qn->id,
                       .version = version,
                       .customer = c ? c->id : NULL,
                       .segment = c ? c->segment : NULL,
                       .wave = mj__response_cycle(e, NULL, now),
                       .submitted_at = now,
                       .source = "web",
                       .answers = fm->answers,
                       .n_answers = fm->qn->n_questions,
                       .channel = "web"};
  int inserted = 0;
  /* Through the import's own path, so alerts open their cases with it. */
  rc = mj__response_put(e, &r, &inserted, err);
  if (rc == MJ_OK && !inserted)
    rc = mj__error(err, MJ_ECONFLICT, "response '%s' is already stored",
                   fm->response);
  if (rc == MJ_OK && fm->token) {
    mj_invitation_rec inv = fm->inv;
    inv.answered = 1;
    rc = MJ_STORE_OPS(e)->put_invitation(e->store->inst, &inv, err);
  }
  return rc;
}

/* One response in a transaction of its own: a store without parts. */
static int put_alone(serving *s, form *fm, mj_error *err)
{
  const mj_storage_ops *S = MJ_STORE_OPS(s->e);
  void *st = s->e->store->inst;
  int rc = S->begin(st, err);
  if (rc != MJ_OK)
    return rc;
  if ((rc = put(s, fm, err)) == MJ_OK)
    return S->commit(st, err);
  mj_error ignored = {0};
  S->rollback(st, &ignored);
  return rc;
}

/*
** The committer's call (commit_queue.c): the group's responses in one
** durable transaction, each in a part of its own, so one refused (its
** link answered a moment ago, or twice in the group: the store's unique
** id finds it) is undone alone. The commit returns once the store has
** fsynced it; only then are the responses' threads woken to thank. When
** the transaction fails, none is stored and each is told so.
*/
static void write_group(void *ud, mj_commit *group, size_t n)
{
  serving *s = ud;
  mj_engine *e = s->e;
  pthread_mutex_lock(&s->lock);
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  void *st = e->store->inst;
  mj_error err = {0};
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    rc = mj__error(&err, rc, "%s", e->err.msg);
  /* Versions are recorded before the transaction, not inside a part. */
  for (mj_commit *c = group; rc == MJ_OK && c; c = c->next) {
    int version;
    rc = version_of(s, c->item, &version, &err);
  }
  if (rc == MJ_OK && !(MJ__HAS_OP(S, begin_durable) && MJ__HAS_OP(S, part) &&
                       MJ__HAS_OP(S, part_end))) {
    for (mj_commit *c = group; c; c = c->next)
      c->rc = put_alone(s, c->item, &c->err);
  } else if (rc == MJ_OK) {
    rc = S->begin_durable(st, &err);
    for (mj_commit *c = group; rc == MJ_OK && c; c = c->next) {
      c->rc = S->part(st, &c->err);
      if (c->rc == MJ_OK)
        c->rc = put(s, c->item, &c->err);
      rc = S->part_end(st, c->rc != MJ_OK, &err);
    }
    if (rc == MJ_OK)
      rc = S->commit(st, &err);
    if (rc != MJ_OK) {
      mj_error ignored = {0};
      S->rollback(st, &ignored);
    }
  }
  for (mj_commit *c = group; c; c = c->next) {
    form *fm = c->item;
    if (rc != MJ_OK) {
      c->rc = rc;
      c->err = err;
    } else if (c->rc == MJ_OK) {
      mj__log(e, MJ_LOG_INFO, "serve: response %s to %s stored",
              fm->response, fm->qn->id);
    }
  }
  mj__log(e, MJ_LOG_DEBUG, "serve: %zu responses in one commit", n);
  pthread_mutex_unlock(&s->lock);
}

static int host_submit(void *ud, mj_form *f, const char *const *values,
                       int keep, mj_error *err)
{
  serving *s = ud;
  form *fm = (form *)f;
  if (check(fm, values) != MJ_OK)
    return mj__error(err, MJ_EVALIDATE, "some answers are not valid");
  if (!keep)
    return MJ_OK;
  if (host_stopping(s))
    return mj__error(err, MJ_ELIMIT,
                     "serve is stopping: nothing was stored, submit again "
                     "in a moment");
  mj_commit c = {.item = fm};
  int rc = mj__commit_wait(&s->queue, &c);
  if (rc != MJ_OK)
    *err = c.err;
  return rc;
}

/* An unsubscribe link: the customer its token was sent to gets no more
** messages (record), as `mejora unsubscribe TOKEN` does it. A token of
** another shape is not looked up. */
static int unsubscribe(void *ud, const char *token, int record,
                       const char **lang, mj_error *err)
{
  mj_engine *e = ((serving *)ud)->e;
  *lang = NULL;
  if (!token || !is_hex(token, TOKEN_LEN))
    return mj__error(err, MJ_ENOTFOUND, "no invitation has that token");
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return mj__error(err, rc, "%s", e->err.msg);
  char customer[256];
  if ((rc = mj__token_customer(e, token, customer, sizeof customer, err)) !=
      MJ_OK)
    return rc;
  mj_customer cv;
  mj_customer_buf cb;
  mj__customer_buf_init(&cb);
  const mj_customer *c = mj__model_customer(e->model, customer, &cv, &cb);
  *lang = c ? c->lang : NULL;
  return record ? mj__unsubscribe_record(e, customer, mj__now(e), err)
                : MJ_OK;
}

/* ---- the report ----------------------------------------------------------- */

/* The embedder's report page: the serving code writes none itself. */
static int host_report(void *ud, char **html, size_t *len, mj_error *err)
{
  serving *st = ud;
  const mj_serve_opts *o = st->opts;
  *html = NULL;
  *len = 0;
  if (o->size < offsetof(mj_serve_opts, report_ud) + sizeof o->report_ud ||
      !o->report)
    return mj__error(err, MJ_ENOTFOUND, "no report to serve");
  /* The embedder's report reads the engine: one thread at a time. */
  pthread_mutex_lock(&st->lock);
  int rc = o->report(o->report_ud, html, len);
  if (rc != MJ_OK)
    rc = mj__error(err, rc, "%s", mj_errmsg(st->e));
  pthread_mutex_unlock(&st->lock);
  return rc;
}

static void host_report_free(void *ud, char *html)
{
  (void)ud;
  mj_free(html);
}

static int host_unsubscribe(void *ud, const char *token, int record,
                            const char **lang, mj_error *err)
{
  serving *s = ud;
  pthread_mutex_lock(&s->lock);
  int rc = unsubscribe(ud, token, record, lang, err);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

/* ---- serving -------------------------------------------------------------- */

int mj_serve(mj_engine *e, const mj_serve_opts *opts)
{
  if (!e)
    return MJ_EINVAL;
  mj__clearerr(e);
  /* Options built before report was added are as good. */
  if (!opts || opts->size < offsetof(mj_serve_opts, report))
    return mj__seterr(e, MJ_EINVAL,
                      "mj_serve_opts.size is %zu, expected %zu: zero the "
                      "options and set size = sizeof(mj_serve_opts)",
                      opts ? opts->size : 0, sizeof *opts);
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const char *name = opts->collector ? opts->collector : "web";
  const mj_plugin *p;
  if ((rc = mj__plugin_find(e, MJ_KIND_COLLECTOR, name, &p)) != MJ_OK)
    return rc;
  const mj_use *use = NULL;
  for (size_t i = 0; i < e->model->n_uses; i++) {
    const mj_use *u = &e->model->uses[i];
    if (strcmp(u->kind, "collector") == 0 && strcmp(u->name, name) == 0)
      use = u;
  }
  mj_instance *in;
  if ((rc = mj__instance_new(e, p, use, NULL, mj__playbook_jail(e, e->model->dir),
                             &in)) != MJ_OK)
    return rc;
  const mj_collector_ops *ops = in->ops;
  if (ops->ops_size < offsetof(mj_collector_ops, serve) + sizeof ops->serve ||
      !ops->serve) {
    mj__instance_free(e, in);
    return mj__seterr(e, MJ_EPLUGIN,
                      "collector '%s' reads files; it cannot serve "
                      "respondents (use collector \"web\")",
                      name);
  }
  serving st = {.e = e, .stop = opts->stop, .opts = opts};
  st.versions = calloc(e->model->n_questionnaires + 1, sizeof *st.versions);
  if (!st.versions) {
    mj__instance_free(e, in);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  if (pthread_mutex_init(&st.lock, NULL) != 0) {
    free(st.versions);
    mj__instance_free(e, in);
    return mj__seterr(e, MJ_ENOMEM, "cannot make a mutex");
  }
  if ((rc = mj__commit_init(e, &st.queue, write_group, &st)) != MJ_OK) {
    pthread_mutex_destroy(&st.lock);
    free(st.versions);
    mj__instance_free(e, in);
    return rc;
  }
  mj_serve_host host = {.size = sizeof host,
                        .ud = &st,
                        .listen = opts->listen ? opts->listen
                                               : "127.0.0.1:8080",
                        .stopping = host_stopping,
                        .open = host_open,
                        .submit = host_submit,
                        .close = host_close,
                        .unsubscribe = host_unsubscribe,
                        .report = host_report,
                        .report_free = host_report_free,
                        .concurrent = 1};
  mj_error err = {0};
  rc = ops->serve(in->inst, &host, &err);
  /* serve() has returned: no thread of the collector calls any more. */
  if (st.queue.items)
    mj__log(e, MJ_LOG_INFO, "serve: %llu submissions written in %llu commits",
            (unsigned long long)st.queue.items,
            (unsigned long long)st.queue.groups);
  mj__commit_free(&st.queue);
  pthread_mutex_destroy(&st.lock);
  free(st.versions);
  if (rc != MJ_OK)
    rc = mj__seterr_from(e, &err, MJ_EIO, "serve: ");
  mj__instance_free(e, in);
  return rc;
}
