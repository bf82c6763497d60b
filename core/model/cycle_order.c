/*
** Which cycle: the one a plain run means, the one a response belongs to,
** and which of two comes first. Cycles follow the order the playbook
** declares them in, never the order they happened to be run in: a cycle
** re-run late is still measured against the one declared before it.
*/
#include <string.h>

#include "engine.h"

/* Has d's period started at t? A cycle without a period always has. */
static int started(const mj_cycle_decl *d, int64_t t)
{
  return !d->period_to || d->period_from <= t;
}

const mj_cycle_decl *mj__cycle_current(const mj_model *m, int64_t now)
{
  if (!m || m->n_cycles == 0)
    return NULL;
  for (size_t i = m->n_cycles; i-- > 0;)
    if (started(&m->cycles[i], now))
      return &m->cycles[i];
  return &m->cycles[m->n_cycles - 1];
}

long mj__cycle_index(const mj_model *m, const char *name)
{
  const mj_cycle_decl *d = m && name ? mj__model_cycle(m, name) : NULL;
  return d ? (long)(d - m->cycles) : -1;
}

const char *mj__response_cycle(const mj_engine *e, const char *wave,
                               int64_t submitted_at)
{
  const mj_model *m = e->model;
  if (wave && *wave)
    return wave;
  if (!m || m->n_cycles == 0)
    return NULL;
  if (e->importing_cycle)
    return e->importing_cycle;
  for (size_t i = 0; submitted_at && i < m->n_cycles; i++) {
    const mj_cycle_decl *d = &m->cycles[i];
    if (d->period_to && d->period_from <= submitted_at &&
        submitted_at < d->period_to)
      return d->id;
  }
  return mj__cycle_current(m, mj__now(e))->id;
}

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
