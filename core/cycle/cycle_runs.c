/*
** What the store holds of the declared cycles: each one's newest runs, and
** which of two stored runs comes first, in the playbook's order of their
** cycles (cycle_order.c) where it declares both.
*/
#include <string.h>

#include "cycle.h"

typedef struct runs_scan {
  const mj_model *m;
  const char *name;
  long index;      /* the cycle's place in the playbook, or -1 */
  long prev_index; /* the place of the best previous one so far */
  mj_cycle_runs *out;
} runs_scan;

/* Cycles come oldest first, so a later run of a name replaces an
** earlier one. */
static int on_stored(void *ud, const mj_cycle_rec *r)
{
  runs_scan *x = ud;
  if (!r->status || !r->name)
    return MJ_OK;
  int same = strcmp(r->name, x->name) == 0;
  if (same && strcmp(r->status, "failed") == 0)
    x->out->failed = r->id;
  if (strcmp(r->status, "done") != 0)
    return MJ_OK;
  if (same) {
    x->out->done = r->id;
    x->out->finished_at = r->finished_at;
    return MJ_OK;
  }
  long k = mj__cycle_index(x->m, r->name);
  if (k >= 0 && k < x->index && k >= x->prev_index) {
    x->prev_index = k;
    x->out->previous = r->id;
  }
  return MJ_OK;
}

int mj__cycle_runs(mj_engine *e, const char *name, mj_cycle_runs *out)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  memset(out, 0, sizeof *out);
  if (!MJ__HAS_OP(S, scan_cycles))
    return MJ_OK;
  out->known = 1;
  runs_scan x = {e->model, name, mj__cycle_index(e->model, name), -1, out};
  mj_error err = {0};
  if (S->scan_cycles(e->store->inst, on_stored, &x, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading cycles: ");
  return MJ_OK;
}

typedef struct stored_pos {
  const mj_model *m;
  long index;
} stored_pos;

static int on_cycle(void *ud, const mj_cycle_rec *r)
{
  stored_pos *p = ud;
  p->index = mj__cycle_index(p->m, r->name);
  return MJ_OK;
}

/* The playbook's place of stored cycle id, or -1 (unknown, undeclared). */
static long stored_index(mj_engine *e, int64_t id)
{
  stored_pos p = {e->model, -1};
  int found = 0;
  mj_error err = {0};
  if (MJ_STORE_OPS(e)->get_cycle(e->store->inst, id, on_cycle, &p, &found,
                                 &err) != MJ_OK)
    return -1;
  return found ? p.index : -1;
}

int mj__cycle_after(mj_engine *e, int64_t id, int64_t other)
{
  if (id == other)
    return 0;
  long a = stored_index(e, id), b = stored_index(e, other);
  if (a >= 0 && b >= 0)
    return a > b;
  return id > other;
}
