/*
** What a run refuses before it starts, found without writing anything:
** the store's plugin, the plugins a playbook uses and their options, and
** each cycle's import files, scorers and notifiers. `mejora check` and
** mj_cycle_run go through the same checks, so check passes only where a
** run gets past them.
*/
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cycle.h"

/* The instance a cycle names, made as the cycle makes it. */
static int named(mj_engine *e, const mj_cycle_decl *d, mj_plugin_kind kind,
                 const char *name, int line)
{
  if (mj__instance_by_name(e, kind, name))
    return MJ_OK;
  mj_error inner = e->err;
  char ctx[300];
  snprintf(ctx, sizeof ctx, "%s:%d: cycle \"%s\": %s '%s': ", d->pos.file, line,
           d->id, mj__plugin_kind_name(kind), name);
  return mj__seterr_from(e, &inner, MJ_ENOTFOUND, ctx);
}

static int cycle_check(mj_engine *e, const mj_cycle_decl *d)
{
  int rc = MJ_OK;
  for (size_t i = 0; rc == MJ_OK && i < d->n_imports; i++) {
    const mj_import_decl *im = &d->imports[i];
    char what[300];
    snprintf(what, sizeof what, "cycle \"%s\" imports '%s'", d->id,
             im->file);
    rc = mj__input_check(e, e->model->dir, im->file, &im->pos, what);
  }
  for (size_t i = 0; rc == MJ_OK && i < d->n_scorers; i++)
    rc = named(e, d, MJ_KIND_SCORER, d->scorers[i], d->scorers_line);
  for (size_t i = 0; rc == MJ_OK && i < d->n_notify; i++)
    rc = named(e, d, MJ_KIND_NOTIFIER, d->notify[i], d->notify_line);
  return rc;
}

int mj__cycle_check(mj_engine *e, const mj_cycle_decl *d)
{
  int rc = mj__store_check(e);
  if (rc == MJ_OK)
    rc = mj__instances_ensure(e);
  if (rc == MJ_OK && d)
    rc = cycle_check(e, d);
  return rc;
}

int mj_playbook_check(mj_engine *e, const char *cycle)
{
  if (!e)
    return MJ_EINVAL;
  mj__clearerr(e);
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  const mj_model *m = e->model;
  const mj_cycle_decl *one = NULL;
  if (cycle && !(one = mj__model_cycle(m, cycle)))
    return mj__seterr(e, MJ_ENOTFOUND, "%s: no cycle \"%s\" declared", m->file,
                      cycle);
  int rc = mj__cycle_check(e, NULL);
  /* The defaults made for the names cycles give are dropped again: a run
  ** on this engine makes those of its own cycle only. */
  size_t declared = e->n_instances;
  for (size_t i = 0; rc == MJ_OK && i < m->n_cycles; i++)
    if (!one || one == &m->cycles[i])
      rc = cycle_check(e, &m->cycles[i]);
  mj__instances_keep(e, declared);
  return rc;
}
