/*
** What the store holds of the declared cycles: each one's newest runs, and
** which of two stored runs comes first, in the playbook's order of their
** cycles (cycle_order.c) where it declares both; and the stored run a
** cycle's name stands for (mj_cycle_find).
*/
#include <stdint.h>
#include <stdio.h>
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

/* Is s a decimal number above 0, as stored cycle ids are? */
static int stored_id(const char *s, int64_t *id)
{
  int64_t v = 0;
  if (!*s)
    return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
      return 0;
    v = v * 10 + (*s - '0');
  }
  *id = v;
  return v > 0;
}

int mj_cycle_find(mj_engine *e, const char *name, int64_t *cycle_id)
{
  if (!e || !name || !cycle_id)
    return MJ_EINVAL;
  mj__clearerr(e);
  *cycle_id = 0;
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  const mj_model *m = e->model;
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  mj_cycle_runs runs;
  rc = mj__cycle_runs(e, name, &runs);
  if (rc != MJ_OK)
    return rc;
  if (runs.done) {
    *cycle_id = runs.done;
    return MJ_OK;
  }
  if (mj__cycle_index(m, name) >= 0 || runs.failed)
    return mj__seterr(e, MJ_ENOTFOUND,
                      "cycle \"%s\" has not finished a run yet: run it "
                      "with 'mejora run PLAYBOOK --cycle %s'",
                      name, name);
  if (stored_id(name, cycle_id))
    return MJ_OK;
  /* Name the declared cycles, as many as fit: the likely fix. */
  char known[512] = "";
  size_t k = 0;
  for (size_t i = 0; i < m->n_cycles && k < sizeof known; i++) {
    int n = snprintf(known + k, sizeof known - k, "%s%s", i ? ", " : "",
                     m->cycles[i].id);
    k += n > 0 ? (size_t)n : 0;
  }
  return mj__seterr(e, MJ_ENOTFOUND, "%s: no cycle \"%s\" (%s%s)", m->file,
                    name, m->n_cycles ? "declared: " : "",
                    m->n_cycles ? known : "the playbook declares none: "
                                          "its runs are called \"default\"");
}
