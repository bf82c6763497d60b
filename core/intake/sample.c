/*
** Sampling: draw a playbook's `sample` declaration (simple random or
** stratified by segment, proportional or Neyman allocation, size fixed or
** from a margin of error with the finite-population correction) among the
** customers who consented, have not left and were not invited lately, and
** store each chosen customer as an invitation with an unguessable token.
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
#include "stats.h"

/* ---- the PRNG ------------------------------------------------------------ */

/*
** xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64, as its
** authors recommend: the same seed gives the same draw on every platform,
** which rand() does not promise.
*/
typedef struct xoshiro {
  uint64_t s[4];
} xoshiro;

static uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static void rng_seed(xoshiro *r, uint64_t seed)
{
  for (int i = 0; i < 4; i++)
    r->s[i] = mj__splitmix64(&seed);
}

static uint64_t rng_next(xoshiro *r)
{
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

/* Uniform in [0, n) without modulo bias: reject the short last block. */
static uint64_t rng_below(xoshiro *r, uint64_t n)
{
  uint64_t floor_ = (uint64_t)(-n) % n, x;
  do
    x = rng_next(r);
  while (x < floor_);
  return x % n;
}

/* ---- the frame ----------------------------------------------------------- */

typedef struct unit {
  const char *id, *segment; /* the customer's, to sort by */
  size_t c;                 /* the customer (mj__customer_at) */
  int64_t last; /* newest invitation, 0 if never */
  int chosen;
  const char *channel, *notifier; /* where its invitation goes, if sent */
} unit;

typedef struct stratum {
  const char *segment; /* NULL: customers without a segment */
  size_t first, n;     /* eligible units [first, first + n) in frame */
  double sd;
  double exact, alloc;
} stratum;

static int cmp_seg(const char *a, const char *b)
{
  if (!a || !b)
    return a ? 1 : b ? -1 : 0; /* no segment sorts first */
  return strcmp(a, b);
}

static int cmp_unit_id(const void *a, const void *b)
{
  return strcmp(((const unit *)a)->id, ((const unit *)b)->id);
}

static int cmp_unit_seg(const void *a, const void *b)
{
  const unit *x = a, *y = b;
  int d = cmp_seg(x->segment, y->segment);
  return d ? d : strcmp(x->id, y->id);
}

static int cmp_key_unit(const void *key, const void *u)
{
  return strcmp(key, ((const unit *)u)->id);
}

/* The frame sorted by id, for the scan of past invitations. */
typedef struct byid {
  unit *u;
  size_t n;
} byid;

static int on_invitation(void *ud, const mj_invitation_rec *inv)
{
  byid *f = ud;
  unit *u = bsearch(inv->customer, f->u, f->n, sizeof *f->u, cmp_key_unit);
  if (u && inv->created_at > u->last)
    u->last = inv->created_at;
  return MJ_OK;
}

/* 128 bits from the kernel as 32 hex digits. */
static int new_token(mj_engine *e, char tok[33])
{
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t r = getrandom(b + got, sizeof b - got, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return mj__seterr(e, MJ_EIO,
                        "cannot read random bytes for an invitation token "
                        "(getrandom: %s); is the kernel older than 3.17?",
                        strerror(errno));
    got += (size_t)r;
  }
  for (size_t i = 0; i < sizeof b; i++)
    snprintf(tok + 2 * i, 3, "%02x", b[i]);
  return MJ_OK;
}

/* ---- the draw ------------------------------------------------------------ */

typedef struct draw {
  const mj_sample_decl *d;
  uint64_t seed;
  size_t population, no_consent, left, fatigued, eligible;
  size_t no_channel_consent, no_address, queued; /* with send = { } */
  double n0, n, invitations; /* n0 NAN for a fixed size */
  int capped;                /* more were asked for than are eligible */
  stratum *strata;
  size_t n_strata;
  unit *frame; /* eligible first, by stratum then id */
} draw;

static int sizes(mj_engine *e, draw *w)
{
  const mj_sample_decl *d = w->d;
  double N = (double)w->eligible;
  if (d->size > 0) {
    w->n0 = NAN;
    w->n = d->size;
  } else {
    double z = mj_stats_norm_quantile(1 - (1 - d->confidence) / 2);
    w->n0 = mj_stats_n0_proportion(d->p, d->margin, z);
    /* Cochran's correction (doc/methods.md#sample-size-and-allocation),
    ** where it matters: when n0 is more than 5% of the frame. */
    double n =
        w->n0 > 0.05 * N ? mj_stats_fpc_apply(w->n0, N, MJ_STATS_FPC_A) : w->n0;
    w->n = mj_stats_ceil(n);
    if (!isfinite(w->n))
      return mj__seterr_at(e, MJ_EVALIDATE, d->pos.file, d->pos.line, 0,
                           "sample '%s': no sample size follows from "
                           "margin %g, confidence %g and p %g",
                           d->id, d->margin, d->confidence, d->p);
  }
  w->invitations = mj_stats_ceil(w->n / d->response_rate);
  if (w->invitations > N) {
    w->capped = 1;
    w->invitations = N;
    mj__log(e, MJ_LOG_WARN,
            "sample '%s': %.0f invitations wanted but only %zu customers "
            "are eligible; inviting them all",
            d->id, mj_stats_ceil(w->n / d->response_rate), w->eligible);
  }
  return MJ_OK;
}

static int make_strata(mj_engine *e, draw *w)
{
  const mj_sample_decl *d = w->d;
  size_t H = w->eligible > 0;
  for (size_t i = 1; d->stratified && i < w->eligible; i++)
    H += cmp_seg(w->frame[i].segment, w->frame[i - 1].segment) != 0;
  w->strata = calloc(H ? H : 1, sizeof *w->strata);
  if (!w->strata)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  for (size_t i = 0; i < w->eligible; i++) {
    int fresh =
        i == 0 || (d->stratified &&
                   cmp_seg(w->frame[i].segment, w->frame[i - 1].segment));
    if (fresh) {
      stratum *s = &w->strata[w->n_strata++];
      s->segment = d->stratified ? w->frame[i].segment : NULL;
      s->first = i;
      s->sd = 1;
    }
    w->strata[w->n_strata - 1].n++;
  }
  if (!d->neyman)
    return MJ_OK;
  for (size_t h = 0; h < w->n_strata; h++) {
    stratum *s = &w->strata[h];
    const mj_sample_sd *sd = NULL;
    for (size_t k = 0; s->segment && k < d->n_sd && !sd; k++)
      if (!strcmp(d->sd[k].segment, s->segment))
        sd = &d->sd[k];
    if (!sd)
      return mj__seterr_at(
          e, MJ_EVALIDATE, d->pos.file, d->pos.line, 0,
          "sample '%s': Neyman allocation needs the sd of %s%s%s, which has "
          "%zu eligible customer(s); add it to sd = { ... }%s",
          d->id, s->segment ? "segment '" : "the customers without a segment",
          s->segment ? s->segment : "", s->segment ? "'" : "", s->n,
          s->segment ? "" : " (or give them a segment)");
    s->sd = sd->sd;
  }
  return MJ_OK;
}

static int allocate(mj_engine *e, draw *w)
{
  size_t H = w->n_strata;
  if (H == 0)
    return MJ_OK;
  double *buf = calloc(4 * H, sizeof *buf);
  if (!buf)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  double *Nh = buf, *Sh = buf + H, *exact = buf + 2 * H, *alloc = buf + 3 * H;
  for (size_t h = 0; h < H; h++) {
    Nh[h] = (double)w->strata[h].n;
    Sh[h] = w->strata[h].sd;
  }
  const double *S = w->d->neyman ? Sh : NULL;
  /* At least 2 per stratum so that its variance can be estimated
  ** (doc/methods.md#sample-size-and-allocation); a sample too small for
  ** that is still drawn, without. */
  int rc = mj_stats_allocate(w->invitations, Nh, S, H, 2, exact, alloc);
  if (rc != 0) {
    rc = mj_stats_allocate(w->invitations, Nh, S, H, 0, exact, alloc);
    if (rc == 0)
      mj__log(e, MJ_LOG_WARN,
              "sample '%s': %.0f invitations cannot give each of %zu "
              "segments 2; some segments get fewer",
              w->d->id, w->invitations, H);
  }
  if (rc != 0) {
    free(buf);
    return mj__seterr_at(e, MJ_EVALIDATE, w->d->pos.file, w->d->pos.line, 0,
                         "sample '%s': cannot allocate %.0f invitations "
                         "over %zu segments (is every sd 0?)",
                         w->d->id, w->invitations, H);
  }
  for (size_t h = 0; h < H; h++) {
    w->strata[h].exact = exact[h];
    w->strata[h].alloc = alloc[h];
  }
  free(buf);
  return MJ_OK;
}

/* Partial Fisher-Yates in each stratum: the first n_h of a shuffle. */
static int choose(mj_engine *e, draw *w)
{
  xoshiro r;
  rng_seed(&r, w->seed);
  size_t most = 0;
  for (size_t h = 0; h < w->n_strata; h++)
    if (w->strata[h].n > most)
      most = w->strata[h].n;
  size_t *idx = malloc((most ? most : 1) * sizeof *idx);
  if (!idx)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  for (size_t h = 0; h < w->n_strata; h++) {
    stratum *s = &w->strata[h];
    size_t k = (size_t)s->alloc;
    for (size_t i = 0; i < s->n; i++)
      idx[i] = i;
    for (size_t i = 0; i < k; i++) {
      size_t j = i + (size_t)rng_below(&r, s->n - i);
      size_t t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      w->frame[s->first + idx[i]].chosen = 1;
    }
  }
  free(idx);
  return MJ_OK;
}

static int build_frame(mj_engine *e, draw *w)
{
  const mj_model *m = e->model;
  const mj_sample_decl *d = w->d;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  w->population = m->n_customers;
  w->frame = calloc(m->n_customers ? m->n_customers : 1, sizeof *w->frame);
  if (!w->frame)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  for (size_t i = 0; i < m->n_customers; i++)
    w->frame[i] = (unit){.id = mj__customer_id(m, i),
                         .segment = mj__customer_segment(m, i),
                         .c = i};
  qsort(w->frame, m->n_customers, sizeof *w->frame, cmp_unit_id);
  byid f = {w->frame, m->n_customers};
  mj_error err = {0};
  int rc = S->scan_invitations(e->store->inst, NULL, on_invitation, &f, &err);
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "storage: ");
  int64_t now = mj__now(e), window = (int64_t)d->fatigue_days * 86400;
  /* Eligible units move to the front, keeping their order. A customer
  ** whose `until` (a date: its midnight UTC) is before the engine's clock
  ** has left, by the retention scorer's rule: a customer at t while
  ** until >= t. */
  size_t k = 0;
  mj_invite_skip why;
  mj_customer_buf cb; /* one pass, in order */
  mj__customer_buf_init(&cb);
  for (size_t i = 0; i < m->n_customers; i++) {
    unit u = w->frame[i];
    mj_customer c;
    if (mj__customer_at(m, u.c, &c, &cb) != MJ_OK)
      return mj__customer_unread(e, m, u.c);
    if (!c.consent)
      w->no_consent++;
    else if (c.until != 0 && c.until < now)
      w->left++;
    else if (d->n_send && !(u.channel = mj__invite_channel(
                                d, &c, &u.notifier, &why)))
      why == MJ_INVITE_NO_CONSENT ? w->no_channel_consent++
                                  : w->no_address++;
    else if (u.last > 0 && window > 0 && now - u.last < window)
      w->fatigued++;
    else
      w->frame[k++] = u;
  }
  w->eligible = k;
  qsort(w->frame, k, sizeof *w->frame,
        d->stratified ? cmp_unit_seg : cmp_unit_id);
  return MJ_OK;
}

/* Store the chosen as invitations, all or none. */
static int store_invitations(mj_engine *e, draw *w, json_t *invited)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  void *in = e->store->inst;
  mj_error err = {0};
  int rc = S->begin(in, &err);
  int64_t now = mj__now(e);
  mj_customer_buf cb;
  mj__customer_buf_init(&cb);
  for (size_t i = 0; rc == MJ_OK && i < w->eligible; i++) {
    const unit *u = &w->frame[i];
    if (!u->chosen)
      continue;
    mj_customer c;
    if (mj__customer_at(e->model, u->c, &c, &cb) != MJ_OK) {
      rc = mj__customer_unread(e, e->model, u->c);
      break;
    }
    char tok[33];
    if ((rc = new_token(e, tok)) != MJ_OK)
      break;
    mj_invitation_rec inv = {
        .token = tok,
        .customer = c.id,
        .questionnaire = w->d->questionnaire,
        .sample = w->d->id,
        .channel = c.channel,
        .lang = c.lang,
        .created_at = now,
        .answered = 0,
    };
    rc = S->put_invitation(in, &inv, &err);
    if (rc == MJ_OK && u->channel) {
      rc = mj__invite_queue(e, w->d, &c, tok, "invitation", u->channel,
                            u->notifier, &err);
      w->queued += rc == MJ_OK;
    }
    json_t *o = json_object();
    if (rc == MJ_OK && !o)
      rc = MJ_ENOMEM;
    if (rc != MJ_OK) {
      json_decref(o);
      break;
    }
    json_object_set_new(o, "customer", json_string(c.id));
    json_object_set_new(o, "segment", mj__json_str(c.segment));
    json_object_set_new(o, "channel", mj__json_str(c.channel));
    json_object_set_new(o, "lang", mj__json_str(c.lang));
    json_object_set_new(o, "token", json_string(tok));
    json_array_append_new(invited, o);
  }
  if (rc == MJ_OK) {
    rc = S->commit(in, &err);
    if (rc != MJ_OK)
      return mj__seterr_from(e, &err, MJ_ESTORE, "storage: ");
    return MJ_OK;
  }
  mj_error ignore = {0};
  S->rollback(in, &ignore);
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  return e->err.code ? rc : mj__seterr_from(e, &err, MJ_ESTORE, "storage: ");
}

static json_t *summary(const draw *w, json_t *invited)
{
  const mj_sample_decl *d = w->d;
  json_t *o = json_object(), *strata = json_array();
  json_object_set_new(o, "sample", json_string(d->id));
  json_object_set_new(o, "questionnaire", json_string(d->questionnaire));
  json_object_set_new(o, "method",
                      json_string(d->stratified ? "stratified" : "srs"));
  json_object_set_new(o, "allocation",
                      d->stratified
                          ? json_string(d->neyman ? "neyman" : "proportional")
                          : json_null());
  json_object_set_new(o, "seed", json_integer((json_int_t)w->seed));
  json_object_set_new(o, "customers", json_integer((json_int_t)w->population));
  json_object_set_new(o, "without_consent",
                      json_integer((json_int_t)w->no_consent));
  json_object_set_new(o, "left", json_integer((json_int_t)w->left));
  json_object_set_new(o, "fatigued", json_integer((json_int_t)w->fatigued));
  json_object_set_new(o, "fatigue_days", json_integer(d->fatigue_days));
  json_object_set_new(o, "eligible", json_integer((json_int_t)w->eligible));
  json_object_set_new(o, "margin",
                      d->size ? json_null() : json_real(d->margin));
  json_object_set_new(o, "confidence",
                      d->size ? json_null() : json_real(d->confidence));
  json_object_set_new(o, "n0", mj__json_num(w->n0));
  json_object_set_new(o, "n", json_integer((json_int_t)w->n));
  json_object_set_new(o, "response_rate", json_real(d->response_rate));
  json_object_set_new(o, "invitations",
                      json_integer((json_int_t)w->invitations));
  json_object_set_new(o, "capped", json_boolean(w->capped));
  for (size_t h = 0; h < w->n_strata; h++) {
    const stratum *s = &w->strata[h];
    json_t *x = json_object();
    json_object_set_new(x, "segment", mj__json_str(s->segment));
    json_object_set_new(x, "N", json_integer((json_int_t)s->n));
    if (d->neyman)
      json_object_set_new(x, "sd", json_real(s->sd));
    json_object_set_new(x, "exact", json_real(s->exact));
    json_object_set_new(x, "n", json_integer((json_int_t)s->alloc));
    json_array_append_new(strata, x);
  }
  json_object_set_new(o, "strata", strata);
  json_object_set_new(o, "invited", invited);
  if (d->n_send) {
    json_t *msg = json_object();
    json_object_set_new(msg, "queued", json_integer((json_int_t)w->queued));
    json_object_set_new(
        msg, "no_consent",
        json_integer((json_int_t)(w->no_consent + w->no_channel_consent)));
    json_object_set_new(msg, "left", json_integer((json_int_t)w->left));
    json_object_set_new(msg, "no_address",
                        json_integer((json_int_t)w->no_address));
    json_object_set_new(o, "messages", msg);
  }
  return o;
}

static void text_out(FILE *f, json_t *o)
{
  fprintf(f, "sample \"%s\" for questionnaire \"%s\": %s%s%s, seed %lld\n",
          json_string_value(json_object_get(o, "sample")),
          json_string_value(json_object_get(o, "questionnaire")),
          json_string_value(json_object_get(o, "method")),
          json_is_string(json_object_get(o, "allocation")) ? ", " : "",
          json_is_string(json_object_get(o, "allocation"))
              ? json_string_value(json_object_get(o, "allocation"))
              : "",
          (long long)json_integer_value(json_object_get(o, "seed")));
  fprintf(f,
          "customers %lld, eligible %lld (%lld without consent, %lld "
          "who have left, %lld invited in the last %lld days)\n",
          (long long)json_integer_value(json_object_get(o, "customers")),
          (long long)json_integer_value(json_object_get(o, "eligible")),
          (long long)json_integer_value(json_object_get(o, "without_consent")),
          (long long)json_integer_value(json_object_get(o, "left")),
          (long long)json_integer_value(json_object_get(o, "fatigued")),
          (long long)json_integer_value(json_object_get(o, "fatigue_days")));
  json_t *n0 = json_object_get(o, "n0");
  if (json_is_real(n0))
    fprintf(f,
            "size: n0 = %.2f for margin %g at %g confidence, n = %lld "
            "with the finite-population correction\n",
            json_real_value(n0), json_real_value(json_object_get(o, "margin")),
            json_real_value(json_object_get(o, "confidence")),
            (long long)json_integer_value(json_object_get(o, "n")));
  else
    fprintf(f, "size: n = %lld as declared\n",
            (long long)json_integer_value(json_object_get(o, "n")));
  fprintf(f, "invitations: %lld%s\n",
          (long long)json_integer_value(json_object_get(o, "invitations")),
          json_is_true(json_object_get(o, "capped"))
              ? " (every eligible customer: fewer than wanted)"
              : "");
  json_t *msg = json_object_get(o, "messages");
  if (msg) {
    json_int_t nc = json_integer_value(json_object_get(msg, "no_consent")),
               left = json_integer_value(json_object_get(msg, "left")),
               na = json_integer_value(json_object_get(msg, "no_address"));
    fprintf(f,
            "%lld invited, %lld skipped: %lld no consent for the channel, "
            "%lld left, %lld no address\n",
            (long long)json_integer_value(json_object_get(msg, "queued")),
            (long long)(nc + left + na), (long long)nc, (long long)left,
            (long long)na);
  }
  json_t *strata = json_object_get(o, "strata"), *s;
  size_t i;
  if (json_array_size(strata) > 1 ||
      json_is_string(json_object_get(o, "allocation"))) {
    fprintf(f, "%-20s %8s %8s %10s\n", "segment", "N", "n", "exact");
    json_array_foreach(strata, i, s)
    {
      json_t *seg = json_object_get(s, "segment");
      fprintf(f, "%-20s %8lld %8lld %10.4f\n",
              json_is_string(seg) ? json_string_value(seg) : "(none)",
              (long long)json_integer_value(json_object_get(s, "N")),
              (long long)json_integer_value(json_object_get(s, "n")),
              json_real_value(json_object_get(s, "exact")));
    }
  }
  json_array_foreach(json_object_get(o, "invited"), i, s)
  {
    json_t *ch = json_object_get(s, "channel"),
           *lg = json_object_get(s, "lang");
    fprintf(f, "%s %s %s %s\n", json_string_value(json_object_get(s, "token")),
            json_string_value(json_object_get(s, "customer")),
            json_is_string(ch) ? json_string_value(ch) : "-",
            json_is_string(lg) ? json_string_value(lg) : "-");
  }
}

int mj_sample_draw(mj_engine *e, const char *name, const char *format,
                   char **out, size_t *len)
{
  if (mj__text_output_start(e, "sample", &format, out, len) != MJ_OK)
    return MJ_EINVAL;
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  const mj_model *m = e->model;
  const mj_sample_decl *d = NULL;
  for (size_t i = 0; name && i < m->n_samples && !d; i++)
    if (!strcmp(m->samples[i].id, name))
      d = &m->samples[i];
  if (!d) {
    char list[400] = "";
    for (size_t i = 0; i < m->n_samples; i++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'",
               i ? ", " : "", m->samples[i].id);
    return mj__seterr(e, MJ_ENOTFOUND,
                      "%s: no sample '%s'; the playbook declares %s", m->file,
                      name ? name : "(none)",
                      m->n_samples ? list
                                   : "none (write sample \"NAME\" { "
                                     "questionnaire = ..., size = ... })");
  }
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!MJ__HAS_OP(S, scan_invitations) || !S->put_invitation)
    return mj__seterr(e, MJ_EPLUGIN,
                      "the storage plugin '%s' cannot store invitations; "
                      "update it or use the sqlite store",
                      e->store->name ? e->store->name : "?");
  if (d->n_send && !mj__outbox_ready(e))
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s:%d: sample '%s' sends invitations, and the storage "
                      "plugin '%s' keeps no outbox (plugin ABI 1.3); update "
                      "it or use the sqlite store",
                      d->pos.file, d->pos.line, d->id,
                      e->store->name ? e->store->name : "?");

  draw w = {.d = d};
  if (d->has_seed) {
    w.seed = d->seed;
  } else {
    unsigned char b[4];
    /* A fresh seed, reported, so that this draw can be repeated. 31 bits
    ** so that it can be written back as seed = N in the playbook. */
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
      return mj__seterr(e, MJ_EIO, "cannot read random bytes for a seed: %s",
                        strerror(errno));
    w.seed = ((uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
              (uint64_t)b[2] << 8 | b[3]) &
             0x7fffffffu;
  }
  json_t *invited = json_array(), *o = NULL;
  if (!invited)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  char unreachable[120] = "";
  if ((rc = build_frame(e, &w)) == MJ_OK && w.eligible == 0) {
    if (d->n_send)
      snprintf(unreachable, sizeof unreachable,
               ", %zu without consent for the channels sent, %zu without "
               "an address on them",
               w.no_channel_consent, w.no_address);
    rc = mj__seterr_at(e, MJ_EDATA, d->pos.file, d->pos.line, 0,
                       "sample '%s': no customer is eligible (%zu of %zu "
                       "without consent, %zu who have left, %zu invited in "
                       "the last %d days%s)",
                       d->id, w.no_consent, w.population, w.left, w.fatigued,
                       d->fatigue_days, unreachable);
  }
  if (rc == MJ_OK)
    rc = sizes(e, &w);
  if (rc == MJ_OK)
    rc = make_strata(e, &w);
  if (rc == MJ_OK)
    rc = allocate(e, &w);
  if (rc == MJ_OK)
    rc = choose(e, &w);
  if (rc == MJ_OK)
    rc = store_invitations(e, &w, invited);
  if (rc == MJ_OK) {
    o = summary(&w, invited);
    invited = NULL;
    if (!strcmp(format, "json")) {
      *out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
      if (*out && len)
        *len = strlen(*out);
    } else {
      size_t n = 0;
      FILE *f = open_memstream(out, &n);
      if (f) {
        text_out(f, o);
        fclose(f);
        if (len)
          *len = n;
      }
    }
    if (!*out)
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  json_decref(invited);
  json_decref(o);
  free(w.frame);
  free(w.strata);
  return rc;
}

/* ---- the stored invitations ----------------------------------------------- */

typedef struct lister {
  const mj_model *m;
  const char *sample; /* asked for, or NULL */
  int pending;        /* only those not answered */
  json_t *rows;
  size_t seen;        /* of the sample, answered or not */
} lister;

static int on_listed(void *ud, const mj_invitation_rec *inv)
{
  lister *l = ud;
  l->seen++;
  if (l->pending && inv->answered)
    return MJ_OK;
  /* Name and e-mail from the playbook's customers, for a mail merge. */
  mj_customer cv;
  mj_customer_buf cb;
  mj__customer_buf_init(&cb);
  const mj_customer *c = mj__model_customer(l->m, inv->customer, &cv, &cb);
  json_t *o = json_object();
  if (!o || json_array_append_new(l->rows, o))
    return MJ_ENOMEM;
  json_object_set_new(o, "token", mj__json_str(inv->token));
  json_object_set_new(o, "customer", mj__json_str(inv->customer));
  json_object_set_new(o, "questionnaire", mj__json_str(inv->questionnaire));
  json_object_set_new(o, "sample", mj__json_str(inv->sample));
  json_object_set_new(o, "channel", mj__json_str(inv->channel));
  json_object_set_new(o, "lang", mj__json_str(inv->lang));
  json_object_set_new(o, "name", mj__json_str(c ? c->name : NULL));
  json_object_set_new(o, "email", mj__json_str(c ? c->email : NULL));
  json_object_set_new(o, "created_at", mj__json_time(inv->created_at));
  json_object_set_new(o, "answered", json_boolean(inv->answered));
  return MJ_OK;
}

static const char *const list_cols[] = {
    "token", "customer", "questionnaire", "sample",     "channel",
    "lang",  "name",     "email",         "created_at", "answered"};
#define N_LIST_COLS (sizeof list_cols / sizeof *list_cols)

/* A value as text: "" for null, 1/0 for answered. */
static const char *list_value(json_t *v)
{
  if (json_is_string(v))
    return json_string_value(v);
  if (json_is_boolean(v))
    return json_is_true(v) ? "1" : "0";
  return "";
}

static void list_csv(FILE *f, json_t *rows)
{
  for (size_t c = 0; c < N_LIST_COLS; c++)
    mj__csv_field(f, list_cols[c], c + 1 == N_LIST_COLS);
  size_t i;
  json_t *r;
  json_array_foreach(rows, i, r)
  {
    for (size_t c = 0; c < N_LIST_COLS; c++)
      mj__csv_cell(f, list_value(json_object_get(r, list_cols[c])),
                   c + 1 == N_LIST_COLS);
  }
}

static void list_text(FILE *f, json_t *rows, const lister *l)
{
  size_t i, answered = 0;
  json_t *r;
  if (json_array_size(rows))
    fprintf(f, "%-32s %-12s %-12s %-10s %-8s %-4s %-20s %s\n", "token",
            "customer", "questionnaire", "sample", "channel", "lang",
            "created", "answered");
  json_array_foreach(rows, i, r)
  {
    const char *v[8];
    for (size_t c = 0; c < 6; c++)
      v[c] = list_value(json_object_get(r, list_cols[c]));
    v[6] = list_value(json_object_get(r, "created_at"));
    int yes = json_is_true(json_object_get(r, "answered"));
    answered += yes;
    fprintf(f, "%-32s %-12s %-12s %-10s %-8s %-4s %-20s %s\n", v[0], v[1],
            v[2], *v[3] ? v[3] : "-", *v[4] ? v[4] : "-", *v[5] ? v[5] : "-",
            v[6], yes ? "yes" : "no");
  }
  if (l->pending)
    fprintf(f, "%zu pending invitation(s)%s%s\n", json_array_size(rows),
            l->sample ? " of sample " : "", l->sample ? l->sample : "");
  else
    fprintf(f, "%zu invitation(s)%s%s: %zu answered, %zu pending\n",
            json_array_size(rows), l->sample ? " of sample " : "",
            l->sample ? l->sample : "", answered,
            json_array_size(rows) - answered);
}

int mj_invitations_list(mj_engine *e, const char *sample, const char *format,
                        unsigned flags, char **out, size_t *len)
{
  if (mj__text_output_start(e, "invitations", &format, out, len) != MJ_OK)
    return MJ_EINVAL;
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!MJ__HAS_OP(S, scan_invitations))
    return mj__seterr(e, MJ_EPLUGIN,
                      "the storage plugin '%s' cannot store invitations; "
                      "update it or use the sqlite store",
                      e->store->name ? e->store->name : "?");
  lister l = {.m = e->model,
              .sample = sample,
              .pending = (flags & MJ_INVITATIONS_PENDING) != 0,
              .rows = json_array()};
  if (!l.rows)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  mj_error err = {0};
  rc = S->scan_invitations(e->store->inst, sample, on_listed, &l, &err);
  if (rc == MJ_ENOMEM)
    rc = mj__seterr(e, rc, "out of memory");
  else if (rc != MJ_OK)
    rc = mj__seterr_from(e, &err, MJ_ESTORE, "storage: ");
  int declared = 0;
  for (size_t i = 0; sample && i < e->model->n_samples; i++)
    declared |= !strcmp(e->model->samples[i].id, sample);
  /* A sample dropped from the playbook keeps its invitations; a name
  ** neither declared nor stored is a typo. */
  if (rc == MJ_OK && sample && !declared && l.seen == 0)
    rc = mj__seterr(e, MJ_ENOTFOUND,
                    "%s: no sample '%s' is declared or has invitations; "
                    "`mejora invitations PLAYBOOK` lists them all",
                    e->model->file, sample);
  if (rc == MJ_OK) {
    if (!strcmp(format, "json")) {
      *out = json_dumps(l.rows, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
      if (*out && len)
        *len = strlen(*out);
    } else {
      size_t n = 0;
      FILE *f = open_memstream(out, &n);
      if (f) {
        if (!strcmp(format, "csv"))
          list_csv(f, l.rows);
        else
          list_text(f, l.rows, &l);
        fclose(f);
        if (len)
          *len = n;
      }
    }
    if (!*out)
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  json_decref(l.rows);
  return rc;
}
