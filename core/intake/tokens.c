/*
** The invitation tokens a CSV or JSON import accepts in place of a
** customer id: the store's invitations to one questionnaire, by token;
** and the customer a token names, unsubscribed by it (mj_unsubscribe,
** and the link mj_serve serves).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/* The half of a token (32 hex digits) an index may look up. */
enum { TOKEN_HALF = 16 };

typedef struct loading {
  const char *questionnaire;
  mj_tokens *t;
} loading;

static int on_invitation(void *ud, const mj_invitation_rec *inv)
{
  loading *l = ud;
  mj_tokens *t = l->t;
  if (!inv->questionnaire || strcmp(inv->questionnaire, l->questionnaire))
    return MJ_OK;
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    mj_token *v = realloc(t->v, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    t->v = v;
    t->cap = cap;
  }
  mj_token *k = &t->v[t->n];
  k->token = strdup(inv->token);
  k->customer = strdup(inv->customer);
  k->answered = inv->answered;
  k->used = 0;
  k->used_at = 0;
  if (!k->token || !k->customer) {
    free(k->token);
    free(k->customer);
    return MJ_ENOMEM;
  }
  t->n++;
  return MJ_OK;
}

static int cmp_token(const void *a, const void *b)
{
  return strcmp(((const mj_token *)a)->token, ((const mj_token *)b)->token);
}

int mj__tokens_load(mj_engine *e, const char *questionnaire, mj_tokens *t)
{
  memset(t, 0, sizeof *t);
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!MJ__HAS_OP(S, scan_invitations))
    return MJ_OK;
  loading l = {questionnaire, t};
  mj_error err = {0};
  int rc = S->scan_invitations(e->store->inst, NULL, on_invitation, &l, &err);
  if (rc != MJ_OK) {
    mj__tokens_free(t);
    return rc == MJ_ENOMEM ? mj__seterr(e, rc, "out of memory")
                           : mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
  }
  if (t->n)
    qsort(t->v, t->n, sizeof *t->v, cmp_token);
  return MJ_OK;
}

mj_token *mj__tokens_find(const mj_tokens *t, const char *token)
{
  if (!token || !t->n)
    return NULL;
  mj_token key = {.token = (char *)token};
  return bsearch(&key, t->v, t->n, sizeof *t->v, cmp_token);
}

void mj__tokens_free(mj_tokens *t)
{
  for (size_t i = 0; i < t->n; i++) {
    free(t->v[i].token);
    free(t->v[i].customer);
  }
  free(t->v);
  memset(t, 0, sizeof *t);
}

/* ---- unsubscribing by token -------------------------------------------- */

typedef struct token_find {
  const char *token;
  char *customer;
  size_t n;
  int found;
} token_find;

/* Equal, in a time that depends only on the expected length. */
static int secret_eq(const char *got, const char *want)
{
  size_t n = strlen(want), g = strlen(got);
  unsigned char d = (unsigned char)(g != n);
  for (size_t i = 0; i < n; i++)
    d |= (unsigned char)((i < g ? got[i] : 0) ^ want[i]);
  return d == 0;
}

static int token_one(void *ud, const mj_invitation_rec *inv)
{
  token_find *f = ud;
  if (inv->token && inv->customer && secret_eq(f->token, inv->token)) {
    snprintf(f->customer, f->n, "%s", inv->customer);
    f->found = 1;
    return 1; /* stop the scan */
  }
  return MJ_OK;
}

/*
** The invitations that may have token: by the store's index on the
** token's first half (find_invitations), else every one. The index's
** lookup takes a time that depends on the half it was given, so cb must
** compare the whole token in constant time: the other half, 64 random
** bits, stays as secret as it was.
*/
int mj__invitations_near(mj_engine *e, const char *token,
                         mj_invitation_cb cb, void *ud, mj_error *err)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  char prefix[TOKEN_HALF + 1];
  if (MJ__HAS_OP(S, find_invitations) && strlen(token) >= TOKEN_HALF) {
    memcpy(prefix, token, TOKEN_HALF);
    prefix[TOKEN_HALF] = '\0';
    return S->find_invitations(e->store->inst, prefix, cb, ud, err);
  }
  if (!MJ__HAS_OP(S, scan_invitations))
    return MJ_OK;
  return S->scan_invitations(e->store->inst, NULL, cb, ud, err);
}

int mj__token_customer(mj_engine *e, const char *token, char *customer,
                       size_t n, mj_error *err)
{
  token_find f = {token, customer, n, 0};
  if (!token || !*token)
    return mj__error(err, MJ_ENOTFOUND, "no invitation has that token");
  int rc = mj__invitations_near(e, token, token_one, &f, err);
  if (f.found)
    return MJ_OK;
  if (rc != MJ_OK)
    return rc;
  return mj__error(err, MJ_ENOTFOUND, "no invitation has that token");
}

int mj__unsubscribe_record(mj_engine *e, const char *customer, int64_t at,
                           mj_error *err)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!MJ__HAS_OP(S, customer_unsubscribe))
    return mj__error(err, MJ_EINVAL,
                     "store plugin '%s' keeps no unsubscribes (it needs "
                     "the operations of plugin ABI 1.4)",
                     e->store->desc->name);
  int rc = S->customer_unsubscribe(e->store->inst, customer, at, err);
  if (rc != MJ_OK)
    return rc;
  mj__log(e, MJ_LOG_INFO,
          at ? "customer %s unsubscribed: no message will be sent to them"
             : "customer %s takes messages again",
          customer);
  return MJ_OK;
}
