/*
** The playbook's customers into the store: all at once where the store
** can (put_customers, which skips them when unchanged), else one by one.
** Cycles and imports both put them, so the store always knows the
** customers its responses and figures name.
*/
#include <stdlib.h>

#include "plugin_host.h"

/* The customers as the store takes them, read in order through one
** buffer; the first that cannot be read is remembered. */
struct mj_customer_pass {
  const mj_model *m;
  mj_customer_buf b;
  size_t unread; /* the customer + 1, 0 when none */
};

static void customer_at(void *ud, size_t i, mj_customer_rec *r)
{
  mj_customer_pass *p = ud;
  mj_customer u;
  if (mj__customer_at(p->m, i, &u, &p->b) != MJ_OK && !p->unread)
    p->unread = i + 1;
  *r = (mj_customer_rec){u.id,      u.segment, u.name, u.lang,
                         u.channel, u.email,   u.consent};
}

/* MJ_OK, or the error of the first customer that could not be read. */
static int all_read(const mj_customer_pass *p, mj_error *err)
{
  if (!p->unread)
    return MJ_OK;
  return mj__error(err, MJ_EIO,
                   "customer '%s': cannot read its name, e-mail and consent "
                   "back from their temporary file",
                   mj__customer_id(p->m, p->unread - 1));
}

/* All of them through p: at once where the store can, else one by one. */
static int put_all(const mj_storage_ops *S, void *inst, mj_customer_pass *p,
                   mj_error *err)
{
  const mj_model *m = p->m;
  if (MJ__HAS_OP(S, put_customers))
    return S->put_customers(inst, m->n_customers, customer_at, p, err);
  int rc = MJ_OK;
  for (size_t i = 0; rc == MJ_OK && i < m->n_customers; i++) {
    mj_customer_rec r;
    customer_at(p, i, &r);
    rc = S->put_customer(inst, &r, err);
  }
  return rc;
}

int mj__customers_put(const mj_storage_ops *S, void *inst, const mj_model *m,
                      mj_error *err)
{
  mj_customer_pass *p = malloc(sizeof *p);
  if (!p)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  *p = (mj_customer_pass){.m = m};
  int rc = put_all(S, inst, p, err);
  if (rc == MJ_OK)
    rc = all_read(p, err);
  free(p);
  return rc;
}

int mj__customers_begin(mj_customers_put *cp, const mj_storage_ops *S,
                        void *inst, const mj_model *m)
{
  *cp = (mj_customers_put){.S = S, .inst = inst, .m = m};
  cp->pass = malloc(sizeof *cp->pass);
  if (!cp->pass)
    return MJ_ENOMEM;
  *cp->pass = (mj_customer_pass){.m = m};
  return MJ_OK;
}

int mj__customers_step(mj_customers_put *cp, int *more, mj_error *err)
{
  *more = 0;
  if (cp->done)
    return MJ_OK;
  const mj_model *m = cp->m;
  int rc;
  if (MJ__HAS_OP(cp->S, put_customers_some)) {
    rc = cp->S->put_customers_some(cp->inst, m->n_customers, customer_at,
                                   cp->pass, &cp->next, err);
    cp->done = rc != MJ_OK || cp->next >= m->n_customers;
  } else {
    rc = put_all(cp->S, cp->inst, cp->pass, err);
    cp->done = 1;
  }
  if (rc == MJ_OK)
    rc = all_read(cp->pass, err);
  cp->done |= rc != MJ_OK;
  *more = !cp->done;
  return rc;
}

void mj__customers_end(mj_customers_put *cp)
{
  free(cp->pass);
  cp->pass = NULL;
}

int mj__customers_job(const mj_storage_ops *S, void *inst, void *ud,
                      mj_error *err)
{
  if (S->begin(inst, err) != MJ_OK)
    return err->code ? err->code : MJ_ESTORE;
  int rc = mj__customers_put(S, inst, ud, err);
  if (rc == MJ_OK)
    rc = S->commit(inst, err);
  if (rc != MJ_OK) {
    mj_error ignored;
    S->rollback(inst, &ignored);
  }
  return rc;
}
