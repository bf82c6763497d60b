/*
** Respect for the recipient: a message to a customer (an event with a
** "customer" meta) is looked at right before it is sent. One to a
** customer who unsubscribed is cancelled; one due in the playbook's quiet
** hours, in the customer's time zone, waits for their end; one over the
** playbook's cap per customer waits until the window allows it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cycle.h"

int mj__respect_ready(mj_engine *e)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  return MJ__HAS_OP(S, customer_unsubscribe) &&
         MJ__HAS_OP(S, customer_unsubscribed) &&
         MJ__HAS_OP(S, outbox_sent_to);
}

/* t as 2026-11-25T21:00:00Z. */
static void iso(int64_t t, char *buf, size_t n)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(buf, n, "%lld", (long long)t);
}

void mj__respect_init(mj_respect *r, mj_engine *e, int64_t now)
{
  memset(r, 0, sizeof *r);
  r->e = e;
  r->now = now;
  r->ready = mj__respect_ready(e);
}

void mj__respect_free(mj_respect *r)
{
  for (size_t i = 0; i < r->n_zones; i++)
    mj__tz_free(r->zones[i].tz);
  r->n_zones = 0;
}

static const char *meta(const mj_event *ev, const char *key)
{
  for (size_t i = 0; i < ev->n_meta; i++)
    if (ev->meta[i].key && strcmp(ev->meta[i].key, key) == 0)
      return ev->meta[i].value;
  return NULL;
}

/* Zone name, read once a delivery; NULL (with a warning) if it cannot be. */
static const mj_tz *zone(mj_respect *r, const char *name)
{
  for (size_t i = 0; i < r->n_zones; i++)
    if (strcmp(r->zones[i].name, name) == 0)
      return r->zones[i].tz;
  mj_tz *z = NULL;
  char why[300];
  if (mj__tz_open(NULL, name, &z, why, sizeof why) != MJ_OK) {
    mj__log(r->e, MJ_LOG_WARN, "%s: quiet hours kept in UTC", why);
    return NULL;
  }
  if (r->n_zones == sizeof r->zones / sizeof *r->zones) {
    mj__tz_free(r->zones[0].tz);
    memmove(r->zones, r->zones + 1, sizeof r->zones - sizeof *r->zones);
    r->n_zones--;
  }
  r->zones[r->n_zones].name = name;
  r->zones[r->n_zones++].tz = z;
  return z;
}

/*
** The end of the quiet window the local clock is in at now, as an
** instant, or 0 when now is outside it. A window that crosses midnight
** ("21:00-08:00") ends on the next morning.
*/
static int64_t quiet_until(const mj_contact *k, const mj_tz *z, int64_t now)
{
  int64_t local = now + (z ? mj__tz_offset(z, now) : 0);
  int64_t day = local - (local % 86400 + 86400) % 86400;
  int minute = (int)((local - day) / 60);
  int from = k->quiet_from, to = k->quiet_to;
  int inside = from < to ? minute >= from && minute < to
                         : minute >= from || minute < to;
  if (!inside)
    return 0;
  int64_t end = day + (int64_t)to * 60 + (minute >= to ? 86400 : 0);
  int64_t t = z ? mj__tz_utc(z, end) : end;
  return t > now ? t : now + 60;
}

int mj__respect_check(mj_respect *r, const mj_event *ev)
{
  mj_engine *e = r->e;
  r->until = 0;
  r->cancelled = 0;
  r->reason[0] = '\0';
  const char *who = meta(ev, "customer");
  if (!who || !r->ready)
    return MJ_OK;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  int64_t at = 0;
  int rc = S->customer_unsubscribed(e->store->inst, who, &at, &err);
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading unsubscribes: ");
  char when[32];
  if (at) {
    iso(at, when, sizeof when);
    r->cancelled = 1;
    snprintf(r->reason, sizeof r->reason, "unsubscribed at %s", when);
    return MJ_OK;
  }
  const mj_contact *k = e->model ? e->model->contact : NULL;
  if (!k)
    return MJ_OK;

  if (k->quiet_from >= 0) {
    mj_customer cv;
    mj_customer_buf cb;
    mj__customer_buf_init(&cb);
    const mj_customer *c = mj__model_customer(e->model, who, &cv, &cb);
    const char *zone_name = c && c->tz ? c->tz : k->tz;
    const mj_tz *z = zone_name ? zone(r, zone_name) : NULL;
    int64_t until = quiet_until(k, z, r->now);
    if (until) {
      iso(until, when, sizeof when);
      r->until = until;
      snprintf(r->reason, sizeof r->reason,
               "quiet hours %02d:%02d-%02d:%02d %s: until %s",
               k->quiet_from / 60, k->quiet_from % 60, k->quiet_to / 60,
               k->quiet_to % 60, z ? zone_name : "UTC", when);
      return MJ_OK;
    }
  }

  if (k->max > 0) {
    int64_t *times = malloc((size_t)k->max * sizeof *times);
    size_t n = 0;
    if (!times)
      return mj__seterr(e, MJ_ENOMEM, "out of memory");
    /* A window of W seconds holds the sends in (now - W, now]. */
    rc = S->outbox_sent_to(e->store->inst, who, r->now - k->window + 1,
                           (size_t)k->max, times, &n, &err);
    int64_t oldest = n ? times[n - 1] : 0;
    free(times);
    if (rc != MJ_OK)
      return mj__seterr_from(e, &err, MJ_ESTORE,
                             "counting the messages to a customer: ");
    if (n >= (size_t)k->max) {
      r->until = oldest + k->window;
      iso(r->until, when, sizeof when);
      snprintf(r->reason, sizeof r->reason,
               "cap of %d messages a customer in %lld hours: until %s",
               k->max, (long long)(k->window / 3600), when);
    }
  }
  return MJ_OK;
}

/* ---- unsubscribing ---------------------------------------------------- */

int mj_unsubscribe(mj_engine *e, const char *who, unsigned flags)
{
  if (!e)
    return MJ_EINVAL;
  mj__clearerr(e);
  if (!who || !*who)
    return mj__seterr(e, MJ_EINVAL, "mj_unsubscribe: no token or customer");
  if (flags & ~(MJ_UNSUBSCRIBE_CUSTOMER | MJ_UNSUBSCRIBE_UNDO))
    return mj__seterr(e, MJ_EINVAL, "mj_unsubscribe: unknown flags %#x",
                      flags & ~(MJ_UNSUBSCRIBE_CUSTOMER |
                                MJ_UNSUBSCRIBE_UNDO));
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  if (!mj__respect_ready(e))
    return mj__seterr(e, MJ_EINVAL,
                      "store plugin '%s' keeps no unsubscribes (it needs "
                      "the operations of plugin ABI 1.4)",
                      e->store->desc->name);
  mj_error err = {0};
  char customer[256] = "";
  if (flags & MJ_UNSUBSCRIBE_CUSTOMER) {
    if (mj__customer_find(e->model, who) == SIZE_MAX)
      return mj__seterr(e, MJ_ENOTFOUND,
                        "no customer '%s' in the playbook's customers", who);
    snprintf(customer, sizeof customer, "%s", who);
  } else {
    rc = mj__token_customer(e, who, customer, sizeof customer, &err);
    if (rc == MJ_ENOTFOUND)
      return mj__seterr(e, MJ_ENOTFOUND,
                        "no invitation has the token '%s' (`mejora "
                        "invitations PLAYBOOK` lists them; --customer ID "
                        "names a customer)",
                        who);
    if (rc != MJ_OK)
      return mj__seterr_from(e, &err, MJ_ESTORE, "reading invitations: ");
  }
  int64_t at = (flags & MJ_UNSUBSCRIBE_UNDO) ? 0 : mj__now(e);
  rc = mj__unsubscribe_record(e, customer, at, &err);
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "recording the unsubscribe: ");
  return MJ_OK;
}
