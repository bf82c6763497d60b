/*
** The invitation tokens a CSV or JSON import accepts in place of a
** customer id: the store's invitations to one questionnaire, by token.
*/
#include <stdlib.h>
#include <string.h>

#include "intake.h"

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
