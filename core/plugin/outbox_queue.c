/*
** Queueing a message in the store's outbox, inside the caller's
** transaction: whatever opens a cycle, a case or an invitation queues its
** messages here, under a key made from all of the message's fields, or,
** for an event that goes once, from what it is about.
*/
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "plugin_host.h"

int mj__outbox_ready(mj_engine *e)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  return MJ__HAS_OP(S, outbox_put) && MJ__HAS_OP(S, outbox_claim) &&
         MJ__HAS_OP(S, outbox_mark) && MJ__HAS_OP(S, outbox_scan) &&
         MJ__HAS_OP(S, outbox_retry);
}

/* 64 bits of FNV-1a over the message's fields, from seed. */
static uint64_t key_half(uint64_t seed, int64_t cycle, size_t index,
                         const char *notifier, const mj_event *ev)
{
  char nums[64];
  snprintf(nums, sizeof nums, "%lld/%zu/%lld", (long long)cycle, index,
           (long long)ev->time);
  uint64_t h = mj__hash_field(seed, nums);
  h = mj__hash_field(h, notifier);
  h = mj__hash_field(h, ev->kind);
  h = mj__hash_field(h, ev->subject);
  h = mj__hash_field(h, ev->message);
  for (size_t i = 0; i < ev->n_meta; i++) {
    h = mj__hash_field(h, ev->meta[i].key);
    h = mj__hash_field(h, ev->meta[i].value);
  }
  return h;
}

int mj__outbox_put(mj_engine *e, int64_t cycle, size_t index,
                   const char *notifier, const mj_event *ev, mj_error *err)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  char key[33];
  snprintf(key, sizeof key, "%016llx%016llx",
           (unsigned long long)key_half(MJ__HASH_START, cycle, index,
                                        notifier, ev),
           (unsigned long long)key_half(~MJ__HASH_START, cycle, index,
                                        notifier, ev));
  return S->outbox_put(e->store->inst, cycle, notifier, ev, key, mj__now(e),
                       err);
}

int mj__outbox_once(mj_engine *e)
{
  return mj__outbox_ready(e) && MJ__HAS_OP(MJ_STORE_OPS(e), outbox_has);
}

/* The key of an event that goes once: from its identity and the
** notifier alone, so that finding it again finds the same key. */
static void once_key(const char *ident, const char *notifier, char *key,
                     size_t size)
{
  uint64_t a = mj__hash_field(mj__hash_field(MJ__HASH_START, ident), notifier);
  uint64_t b =
      mj__hash_field(mj__hash_field(~MJ__HASH_START, ident), notifier);
  snprintf(key, size, "%016llx%016llx", (unsigned long long)a,
           (unsigned long long)b);
}

static int queue_one(mj_engine *e, int64_t cycle, const char *notifier,
                     const char *ident, const mj_event *ev, size_t *queued,
                     mj_error *err)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!ident) {
    int rc = mj__outbox_put(e, cycle, 0, notifier, ev, err);
    *queued += rc == MJ_OK;
    return rc;
  }
  char key[33];
  int found = 0;
  once_key(ident, notifier, key, sizeof key);
  int rc = S->outbox_has(e->store->inst, key, &found, err);
  if (rc != MJ_OK || found)
    return rc;
  rc = S->outbox_put(e->store->inst, cycle, notifier, ev, key, mj__now(e),
                     err);
  *queued += rc == MJ_OK;
  return rc;
}

int mj__outbox_queue(mj_engine *e, int64_t cycle, const char *const *to,
                     size_t n_to, const char *ident, const mj_event *ev,
                     size_t *queued, mj_error *err)
{
  size_t n = 0;
  int rc = MJ_OK;
  if (queued)
    *queued = 0;
  if (!mj__outbox_ready(e) || (ident && !mj__outbox_once(e)))
    return MJ_OK;
  if (n_to) {
    for (size_t i = 0; rc == MJ_OK && i < n_to; i++)
      rc = queue_one(e, cycle, to[i], ident, ev, &n, err);
  } else if (e->model) {
    for (size_t i = 0; rc == MJ_OK && i < e->model->n_uses; i++) {
      const mj_use *u = &e->model->uses[i];
      if (strcmp(u->kind, "notifier") == 0)
        rc = queue_one(e, cycle, u->as ? u->as : u->name, ident, ev, &n,
                       err);
    }
  }
  if (queued)
    *queued = n;
  return rc;
}

int mj__outbox_unqueued(mj_engine *e, const char *ident, int *pending)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  *pending = 0;
  if (!mj__outbox_once(e) || !e->model)
    return MJ_OK;
  for (size_t i = 0; !*pending && i < e->model->n_uses; i++) {
    const mj_use *u = &e->model->uses[i];
    if (strcmp(u->kind, "notifier") != 0)
      continue;
    char key[33];
    int found = 0;
    mj_error err = {0};
    once_key(ident, u->as ? u->as : u->name, key, sizeof key);
    if (S->outbox_has(e->store->inst, key, &found, &err) != MJ_OK)
      return mj__seterr_from(e, &err, MJ_ESTORE, "reading the outbox: ");
    *pending = !found;
  }
  return MJ_OK;
}
