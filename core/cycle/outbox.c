/*
** The outbox: a cycle's messages queued in the store with its results,
** then delivered, tried again with a growing back-off, and parked as
** failed when a notifier refuses them or the tries run out.
**
** A message is marked sent in its own write right after its notifier
** says it was delivered. A crash between the receiver's acknowledgement
** and that write sends it again on the next delivery: the notifiers put
** the event's stable key on every delivery (Message-ID, Idempotency-Key)
** so that the receiver can drop the second one.
*/
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"

/* Messages claimed at once: small, so a long delivery holds few. */
#define CLAIM_BATCH 64

int64_t mj__outbox_backoff(int attempts)
{
  if (attempts < 1)
    attempts = 1;
  int64_t wait = MJ_OUTBOX_BACKOFF_BASE;
  for (int i = 1; i < attempts && wait < MJ_OUTBOX_BACKOFF_CAP; i++)
    wait *= 2;
  return wait < MJ_OUTBOX_BACKOFF_CAP ? wait : MJ_OUTBOX_BACKOFF_CAP;
}

/* ---- delivering --------------------------------------------------------- */

typedef struct delivery {
  mj_engine *e;
  int64_t now;
  size_t claimed;
  mj_outbox_counts *n;
  int rc; /* a store error that stops the delivery */
  mj_respect respect;
} delivery;

static int mark(delivery *d, const mj_outbox_rec *r, const char *status,
                int64_t next_at, const char *reason)
{
  const mj_storage_ops *S = MJ_STORE_OPS(d->e);
  mj_error err = {0};
  int rc = S->outbox_mark(d->e->store->inst, r->id, r->claim, status, d->now,
                          next_at, reason, &err);
  if (rc == MJ_ECONFLICT) {
    mj__log(d->e, MJ_LOG_WARN, "message %lld: %s", (long long)r->id,
            err.msg);
    return MJ_OK;
  }
  if (rc != MJ_OK)
    d->rc = mj__seterr_from(d->e, &err, MJ_ESTORE, "recording delivery: ");
  return rc;
}

static int deliver_one(void *ud, const mj_outbox_rec *r)
{
  delivery *d = ud;
  mj_engine *e = d->e;
  d->claimed++;
  mj_instance *in = mj__instance_by_name(e, MJ_KIND_NOTIFIER, r->notifier);
  if (!in) {
    /* The playbook no longer uses it: keep the message for one that does,
    ** untried, and look again after a lease. */
    mj__log(e, MJ_LOG_WARN,
            "message %lld: no notifier '%s' in the playbook: kept",
            (long long)r->id, r->notifier);
    d->n->kept++;
    return mark(d, r, "pending", d->now + MJ_OUTBOX_LEASE, NULL);
  }
  /* Right before the send, so an unsubscribe a moment ago counts. */
  mj_respect *re = &d->respect;
  if (mj__respect_check(re, r->event) != MJ_OK) {
    d->rc = e->err.code;
    return d->rc;
  }
  if (re->cancelled) {
    mj__log(e, MJ_LOG_INFO, "message %lld to %s cancelled: %s",
            (long long)r->id, r->notifier, re->reason);
    d->n->cancelled++;
    return mark(d, r, "cancelled", 0, re->reason);
  }
  if (re->until) {
    mj__log(e, MJ_LOG_INFO, "message %lld to %s deferred: %s",
            (long long)r->id, r->notifier, re->reason);
    d->n->deferred++;
    return mark(d, r, "pending", re->until, re->reason);
  }
  const mj_notifier_ops *ops = in->ops;
  mj_error err = {0};
  int rc = ops->notify(in->inst, r->event, &err);
  const char *why = err.msg[0] ? err.msg : mj_strerror(rc);
  if (rc == MJ_OK) {
    d->n->sent++;
    return mark(d, r, "sent", 0, NULL);
  }
  int tries = r->attempts + 1;
  if (rc == MJ_RETRY && tries < MJ_OUTBOX_MAX_ATTEMPTS) {
    int64_t next = d->now + mj__outbox_backoff(tries);
    mj__log(e, MJ_LOG_WARN,
            "message %lld to %s: %s (attempt %d of %d, again in %llds)",
            (long long)r->id, r->notifier, why, tries,
            MJ_OUTBOX_MAX_ATTEMPTS, (long long)(next - d->now));
    d->n->retry++;
    return mark(d, r, "retry", next, why);
  }
  char reason[sizeof err.msg + 64];
  if (rc == MJ_RETRY)
    snprintf(reason, sizeof reason, "gave up after %d attempts: %s", tries,
             why);
  else
    snprintf(reason, sizeof reason, "%s", why);
  mj__log(e, MJ_LOG_ERROR, "message %lld to %s parked as failed: %s",
          (long long)r->id, r->notifier, reason);
  d->n->failed++;
  return mark(d, r, "failed", 0, reason);
}

int mj__outbox_deliver(mj_engine *e, mj_outbox_counts *n)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  delivery d = {e, mj__now(e), 0, n, MJ_OK, {0}};
  memset(n, 0, sizeof *n);
  /* Each queued in its own transaction with what records it. */
  int trc = mj__plans_timed(e);
  if (trc == MJ_OK)
    trc = mj__complaints_overdue(e);
  if (trc == MJ_OK)
    trc = mj__thanks_daily(e);
  if (trc != MJ_OK)
    return trc;
  mj__respect_init(&d.respect, e, d.now);
  /* A message claimed in this run is neither due (sent, retry later,
  ** kept for a lease) nor stale again, so the batches come to an end. */
  do {
    mj_error err = {0};
    d.claimed = 0;
    int rc = S->outbox_claim(e->store->inst, d.now,
                             d.now - MJ_OUTBOX_LEASE, CLAIM_BATCH,
                             deliver_one, &d, &err);
    if (d.rc == MJ_OK && rc != MJ_OK)
      d.rc = mj__seterr_from(e, &err, MJ_ESTORE, "claiming messages: ");
  } while (d.rc == MJ_OK && d.claimed == CLAIM_BATCH);
  mj__respect_free(&d.respect);
  return d.rc;
}

/* The store with an outbox in it and, to deliver (notifiers), the
** playbook's notifiers; listing needs none of them, nor their secrets. */
static int outbox_open(mj_engine *e, int notifiers)
{
  mj__clearerr(e);
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  int rc = notifiers ? mj__instances_ensure(e) : MJ_OK;
  if (rc == MJ_OK)
    rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  if (!mj__outbox_ready(e))
    return mj__seterr(e, MJ_EINVAL,
                      "store plugin '%s' keeps no outbox (it needs the "
                      "outbox operations of plugin ABI 1.3): messages are "
                      "sent when the cycle runs, once",
                      e->store->desc->name);
  return MJ_OK;
}

int mj_deliver(mj_engine *e, mj_outbox_counts *counts)
{
  if (!e || !counts)
    return e ? mj__seterr(e, MJ_EINVAL, "no counts pointer") : MJ_EINVAL;
  memset(counts, 0, sizeof *counts);
  int rc = outbox_open(e, 1);
  size_t reminders, escalated;
  if (rc == MJ_OK)
    rc = mj__invite_remind(e, &reminders);
  if (rc == MJ_OK)
    rc = mj__cases_escalate(e, &escalated);
  return rc == MJ_OK ? mj__outbox_deliver(e, counts) : rc;
}

int mj_outbox_retry(mj_engine *e, int64_t id)
{
  if (!e)
    return MJ_EINVAL;
  int rc = outbox_open(e, 0);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  rc = S->outbox_retry(e->store->inst, id, mj__now(e), &err);
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "");
  mj__log(e, MJ_LOG_INFO, "message %lld is pending again", (long long)id);
  return MJ_OK;
}

/* ---- listing ------------------------------------------------------------ */

static int list_one(void *ud, const mj_outbox_rec *r)
{
  json_t *o = json_object();
  int bad = !o;
  bad |= json_array_append_new(ud, o);
  bad |= json_object_set_new(o, "id", json_integer(r->id));
  bad |= json_object_set_new(o, "cycle", json_integer(r->cycle));
  bad |= json_object_set_new(o, "notifier", mj__json_str(r->notifier));
  bad |= json_object_set_new(o, "kind", mj__json_str(r->event->kind));
  bad |= json_object_set_new(o, "subject", mj__json_str(r->event->subject));
  bad |= json_object_set_new(o, "key", mj__json_str(r->key));
  bad |= json_object_set_new(o, "status", mj__json_str(r->status));
  bad |= json_object_set_new(o, "attempts", json_integer(r->attempts));
  int due = strcmp(r->status, "pending") == 0 ||
            strcmp(r->status, "retry") == 0;
  bad |= json_object_set_new(o, "next_at",
                             mj__json_time(due ? r->next_at : 0));
  int sending = strcmp(r->status, "sending") == 0;
  bad |= json_object_set_new(o, "claimed_at",
                             mj__json_time(sending ? r->claimed_at : 0));
  bad |= json_object_set_new(o, "reason", mj__json_str(r->reason));
  return bad ? MJ_ENOMEM : MJ_OK;
}

static void text_list(FILE *f, json_t *list, int failed)
{
  if (json_array_size(list) == 0) {
    fprintf(f, failed ? "No message has failed.\n"
                      : "No message is waiting to be delivered.\n");
    return;
  }
  fprintf(f, "%-6s %-12s %-20s %-8s %-8s %-20s %s\n", "ID", "NOTIFIER",
          "KIND", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "LAST REASON");
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    const char *next = json_string_value(json_object_get(o, "next_at"));
    const char *why = json_string_value(json_object_get(o, "reason"));
    fprintf(f, "%-6lld %-12s %-20s %-8s %-8lld %-20s %s\n",
            (long long)json_integer_value(json_object_get(o, "id")),
            json_string_value(json_object_get(o, "notifier")),
            json_string_value(json_object_get(o, "kind"))
                ? json_string_value(json_object_get(o, "kind"))
                : "-",
            json_string_value(json_object_get(o, "status")),
            (long long)json_integer_value(json_object_get(o, "attempts")),
            next ? next : "-", why ? why : "-");
  }
}

int mj_outbox_list(mj_engine *e, unsigned flags, const char *format,
                   char **out, size_t *len)
{
  if (mj__text_output_start(e, "outbox", &format, out, len) != MJ_OK)
    return MJ_EINVAL;
  if (flags & ~MJ_OUTBOX_FAILED)
    return mj__seterr(e, MJ_EINVAL, "mj_outbox_list: unknown flags %#x",
                      flags & ~MJ_OUTBOX_FAILED);
  int rc = outbox_open(e, 0);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  int failed = (flags & MJ_OUTBOX_FAILED) != 0;
  json_t *list = json_array();
  mj_error err = {0};
  rc = list ? S->outbox_scan(e->store->inst, failed, list_one, list, &err)
            : MJ_ENOMEM;
  if (rc == MJ_OK && strcmp(format, "json") == 0) {
    *out = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  } else if (rc == MJ_OK) {
    size_t n = 0;
    FILE *f = open_memstream(out, &n);
    if (f) {
      text_list(f, list, failed);
      fclose(f);
    }
  }
  json_decref(list);
  if (rc == MJ_ENOMEM || (rc == MJ_OK && !*out))
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading the outbox: ");
  if (len)
    *len = strlen(*out);
  return MJ_OK;
}
