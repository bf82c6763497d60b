/*
** Which cycle: the one a plain run means and the one a response belongs
** to (cycle_runs.c compares stored runs). Cycles follow the order the
** playbook declares them in, never the order they happened to be run in:
** a cycle re-run late is still measured against the one declared before.
*/
#include <string.h>

#include "model.h"

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
