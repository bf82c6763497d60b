/*
** Invitations and reminders as messages: the channel each invitee is
** written on, the playbook's texts filled in for them, queued in the
** outbox inside the caller's transaction; and, once a sample's
** remind_after has passed, one reminder to each invitee who has not
** answered, marked in the same transaction so none gets a second.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/* The notifier a sample sends channel through, or NULL. */
static const char *notifier_for(const mj_sample_decl *d, const char *channel)
{
  for (size_t i = 0; channel && i < d->n_send; i++)
    if (!strcmp(d->send[i].key, channel))
      return d->send[i].value;
  return NULL;
}

/*
** Where customer c can be written: on the preferred channel when the
** sample sends it, else by e-mail; each needs consent for the channel and
** an address (an e-mail address for "email"; for any other channel the
** notifier finds the customer by the `customer` meta).
*/
const char *mj__invite_channel(const mj_sample_decl *d, const mj_customer *c,
                               const char **notifier, mj_invite_skip *why)
{
  const char *tries[2] = {c->channel, "email"};
  *why = MJ_INVITE_NO_ADDRESS;
  *notifier = NULL;
  for (size_t i = 0; i < 2; i++) {
    const char *ch = tries[i], *via = notifier_for(d, ch);
    if (!via || (i == 1 && c->channel && !strcmp(c->channel, "email")))
      continue;
    if (!mj__customer_consents(c, ch)) {
      *why = MJ_INVITE_NO_CONSENT;
      continue;
    }
    if (!strcmp(ch, "email") && (!c->email || !*c->email)) {
      *why = MJ_INVITE_NO_ADDRESS;
      continue;
    }
    *notifier = via;
    return ch;
  }
  return NULL;
}

/* ---- filling a message in --------------------------------------------- */

typedef struct filling {
  const mj_customer *c;
  const char *link, *unsubscribe, *token, *questionnaire;
  int html;       /* values escaped for HTML */
  char **scratch; /* the escaped values of one text, freed after */
  size_t n_scratch, cap_scratch;
  int oom;
} filling;

static char *html_escape(const char *s)
{
  size_t n = 0;
  for (const char *p = s; *p; p++)
    n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' ? 6 : 1;
  char *out = malloc(n + 1), *q = out;
  for (const char *p = s; out && *p; p++) {
    const char *rep = *p == '&'   ? "&amp;"
                      : *p == '<' ? "&lt;"
                      : *p == '>' ? "&gt;"
                      : *p == '"' ? "&quot;"
                                  : NULL;
    if (rep) {
      memcpy(q, rep, strlen(rep));
      q += strlen(rep);
    } else {
      *q++ = *p;
    }
  }
  if (out)
    *q = '\0';
  return out;
}

static const char *value_of(void *ud, const char *name)
{
  filling *f = ud;
  const mj_customer *c = f->c;
  const char *v = NULL;
  if (!strncmp(name, "customer.", 9)) {
    const char *k = name + 9;
    v = !strcmp(k, "id")        ? c->id
        : !strcmp(k, "name")    ? c->name
        : !strcmp(k, "segment") ? c->segment
        : !strcmp(k, "lang")    ? c->lang
        : !strcmp(k, "channel") ? c->channel
        : !strcmp(k, "email")   ? c->email
                                : NULL;
  } else if (!strcmp(name, "link")) {
    v = f->link;
  } else if (!strcmp(name, "unsubscribe")) {
    v = f->unsubscribe;
  } else if (!strcmp(name, "token")) {
    v = f->token;
  } else if (!strcmp(name, "questionnaire")) {
    v = f->questionnaire;
  }
  if (!v || !f->html)
    return v;
  if (f->n_scratch == f->cap_scratch) {
    size_t cap = f->cap_scratch ? 2 * f->cap_scratch : 8;
    char **grown = realloc(f->scratch, cap * sizeof *grown);
    if (!grown) {
      f->oom = 1;
      return NULL;
    }
    f->scratch = grown;
    f->cap_scratch = cap;
  }
  char *esc = html_escape(v);
  if (!esc)
    f->oom = 1;
  return esc ? (f->scratch[f->n_scratch++] = esc) : NULL;
}

static char *fill(filling *f, const mj_i18n *t, const char *lang,
                  const char *fallback, int html)
{
  const char *text = mj__i18n_pick(t, lang, fallback);
  if (!text)
    return NULL;
  f->html = html;
  char *out = mj__message_fill(text, value_of, f);
  for (size_t i = 0; i < f->n_scratch; i++)
    free(f->scratch[i]);
  f->n_scratch = 0;
  if (!out)
    f->oom = 1;
  return out;
}

/* A link of the sample with {token} replaced (malloc'd), or NULL. */
static char *link_for(const char *pattern, const char *token, int *oom)
{
  if (!pattern)
    return NULL;
  const char *at = strstr(pattern, "{token}");
  size_t n = strlen(pattern) + strlen(token) + 1;
  char *s = malloc(n);
  if (!s)
    *oom = 1;
  else if (!at)
    snprintf(s, n, "%s", pattern);
  else
    snprintf(s, n, "%.*s%s%s", (int)(at - pattern), pattern, token, at + 7);
  return s;
}

int mj__invite_queue(mj_engine *e, const mj_sample_decl *d,
                     const mj_customer *c, const char *token,
                     const char *message, const char *channel,
                     const char *notifier, mj_error *err)
{
  const mj_model *m = e->model;
  const mj_questionnaire *q = mj__model_questionnaire(m, d->questionnaire);
  const mj_message_decl *md = mj__message_get(m, message);
  const char *qlang = q ? q->lang : NULL;
  const char *lang = c->lang ? c->lang : qlang;
  int oom = 0;
  filling f = {.c = c, .token = token};
  char *link = link_for(d->link, token, &oom);
  char *unsub = link_for(d->unsubscribe, token, &oom);
  f.link = link;
  f.unsubscribe = unsub;
  f.questionnaire = q ? mj__i18n_pick(&q->title, lang, qlang) : NULL;
  if (!f.questionnaire)
    f.questionnaire = d->questionnaire;
  char *subject = fill(&f, &md->subject, lang, qlang, 0);
  char *text = fill(&f, &md->text, lang, qlang, 0);
  char *html = md->html.n ? fill(&f, &md->html, lang, qlang, 1) : NULL;
  char kind[64];
  snprintf(kind, sizeof kind, "customer.%s", message);
  mj_meta meta[8];
  size_t n = 0;
  if (!strcmp(channel, "email"))
    meta[n++] = (mj_meta){"email", c->email};
  meta[n++] = (mj_meta){"customer", c->id};
  meta[n++] = (mj_meta){"token", token};
  if (unsub)
    meta[n++] = (mj_meta){"unsubscribe", unsub};
  if (lang)
    meta[n++] = (mj_meta){"lang", lang};
  meta[n++] = (mj_meta){"channel", channel};
  meta[n++] = (mj_meta){"questionnaire", d->questionnaire};
  if (html)
    meta[n++] = (mj_meta){"html", html};
  mj_event ev = {kind, MJ_LOG_INFO, mj__now(e), subject, text, meta, n};
  int rc = oom || f.oom || !subject || !text
               ? mj__error(err, MJ_ENOMEM, "out of memory")
               : mj__outbox_put(e, 0, 0, notifier, &ev, err);
  free(f.scratch);
  free(link);
  free(unsub);
  free(subject);
  free(text);
  free(html);
  return rc;
}

/* ---- reminders ---------------------------------------------------------- */

typedef struct due {
  char **token, **customer;
  size_t n, cap;
  int oom;
} due;

static int on_due(void *ud, const mj_invitation_rec *inv)
{
  due *w = ud;
  if (w->n == w->cap) {
    size_t cap = w->cap ? 2 * w->cap : 32;
    char **t = realloc(w->token, cap * sizeof *t);
    if (t)
      w->token = t;
    char **c = t ? realloc(w->customer, cap * sizeof *c) : NULL;
    if (c)
      w->customer = c;
    if (!t || !c)
      return MJ_ENOMEM;
    w->cap = cap;
  }
  w->token[w->n] = strdup(inv->token);
  w->customer[w->n] = strdup(inv->customer);
  if (!w->token[w->n] || !w->customer[w->n]) {
    free(w->token[w->n]);
    free(w->customer[w->n]);
    return MJ_ENOMEM;
  }
  w->n++;
  return MJ_OK;
}

static void due_free(due *w)
{
  for (size_t i = 0; i < w->n; i++) {
    free(w->token[i]);
    free(w->customer[i]);
  }
  free(w->token);
  free(w->customer);
}

/* Queue sample d's due reminders, each with its mark, in one transaction. */
static int remind_sample(mj_engine *e, const mj_sample_decl *d,
                         size_t *queued)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  void *in = e->store->inst;
  int64_t now = mj__now(e);
  due w = {0};
  mj_error err = {0}, ignore;
  int rc = S->scan_reminders_due(in, d->id,
                                 now - (int64_t)d->remind_after_days * 86400,
                                 on_due, &w, &err);
  if (rc == MJ_OK && w.n)
    rc = S->begin(in, &err);
  size_t n = 0;
  for (size_t i = 0; rc == MJ_OK && i < w.n; i++) {
    mj_customer cv;
    mj_customer_buf cb;
    mj__customer_buf_init(&cb);
    const mj_customer *c =
        mj__model_customer(e->model, w.customer[i], &cv, &cb);
    const char *via;
    mj_invite_skip why;
    /* Still eligible: in the playbook, not left, reachable with consent. */
    if (!c || (c->until != 0 && c->until < now))
      continue;
    const char *ch = mj__invite_channel(d, c, &via, &why);
    if (!ch)
      continue;
    int marked = 0;
    rc = S->invitation_remind(in, w.token[i], now, &marked, &err);
    if (rc == MJ_OK && marked) {
      rc = mj__invite_queue(e, d, c, w.token[i], "reminder", ch, via, &err);
      n += rc == MJ_OK;
    }
  }
  if (rc == MJ_OK && w.n)
    rc = S->commit(in, &err);
  else if (w.n)
    S->rollback(in, &ignore);
  due_free(&w);
  if (rc != MJ_OK)
    return rc == MJ_ENOMEM ? mj__seterr(e, rc, "out of memory")
                           : mj__seterr_from(e, &err, MJ_ESTORE,
                                             "queueing reminders: ");
  if (n)
    mj__log(e, MJ_LOG_INFO, "sample '%s': %zu reminder(s) queued", d->id, n);
  *queued += n;
  return MJ_OK;
}

int mj__invite_remind(mj_engine *e, size_t *queued)
{
  *queued = 0;
  const mj_model *m = e->model;
  int wanted = 0;
  for (size_t i = 0; m && i < m->n_samples; i++)
    wanted |= m->samples[i].remind_after_days > 0 && m->samples[i].n_send > 0;
  if (!wanted)
    return MJ_OK;
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!mj__outbox_ready(e) || !MJ__HAS_OP(S, scan_reminders_due) ||
      !MJ__HAS_OP(S, invitation_remind)) {
    mj__log(e, MJ_LOG_WARN,
            "store plugin '%s' cannot mark reminders (plugin ABI 1.4): no "
            "reminder is sent",
            e->store->desc->name);
    return MJ_OK;
  }
  for (size_t i = 0; rc == MJ_OK && i < m->n_samples; i++)
    if (m->samples[i].remind_after_days > 0 && m->samples[i].n_send > 0)
      rc = remind_sample(e, &m->samples[i], queued);
  return rc;
}
