/*
** Queueing a message in the store's outbox, inside the caller's
** transaction: whatever opens a cycle, a case or an invitation queues its
** messages here, under a key made from all of the message's fields.
*/
#include <stdint.h>
#include <stdio.h>

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
