/*
** The plugin instances a playbook uses: made from its `use` declarations
** on first need, or with default options for a plugin it names without
** declaring, and freed when the playbook is replaced.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_host.h"

void mj__instances_free(mj_engine *e)
{
  for (size_t i = e->n_instances; i-- > 0;)
    mj__instance_free(e, e->instances[i]);
  free(e->instances);
  e->instances = NULL;
  e->n_instances = 0;
}

static int instance_add(mj_engine *e, mj_instance *in)
{
  mj_instance **v =
      realloc(e->instances, (e->n_instances + 1) * sizeof *e->instances);
  if (!v) {
    mj__instance_free(e, in);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  e->instances = v;
  e->instances[e->n_instances++] = in;
  return MJ_OK;
}

static int kind_of(const char *s, mj_plugin_kind *k)
{
  static const mj_plugin_kind kinds[] = {MJ_KIND_STORAGE, MJ_KIND_SCORER,
                                         MJ_KIND_NOTIFIER, MJ_KIND_COLLECTOR};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
    if (strcmp(s, mj__plugin_kind_name(kinds[i])) == 0) {
      *k = kinds[i];
      return 1;
    }
  return 0;
}

int mj__instances_ensure(mj_engine *e)
{
  if (e->n_instances || !e->model)
    return MJ_OK;
  const char *jail = mj__playbook_jail(e, e->model->dir);
  int rc = MJ_OK;
  for (size_t i = 0; rc == MJ_OK && i < e->model->n_uses; i++) {
    const mj_use *u = &e->model->uses[i];
    mj_plugin_kind kind;
    if (!kind_of(u->kind, &kind)) {
      rc = mj__seterr_at(e, MJ_EVALIDATE, u->pos.file, u->pos.line, 0,
                         "unknown plugin kind '%s' (use storage, scorer, "
                         "notifier or collector)",
                         u->kind);
      break;
    }
    if (kind == MJ_KIND_STORAGE)
      continue; /* the store is opened from its URI */
    const mj_plugin *p;
    mj_instance *in;
    rc = mj__plugin_find(e, kind, u->name, &p);
    if (rc == MJ_OK)
      rc = mj__instance_new(e, p, u, NULL, jail, &in);
    if (rc == MJ_OK)
      rc = instance_add(e, in);
    else if (!e->err.line) {
      /* Say which declaration, keeping the plugin's reason (option
      ** errors already point at it). */
      mj_error inner = e->err;
      char ctx[300];
      snprintf(ctx, sizeof ctx, "%s:%d: use \"%s.%s\": ", u->pos.file,
               u->pos.line, u->kind, u->name);
      mj__seterr_from(e, &inner, rc, ctx);
    }
  }
  /* All or none, so that a second call tries again. */
  if (rc != MJ_OK)
    mj__instances_free(e);
  return rc;
}

void mj__instances_keep(mj_engine *e, size_t n)
{
  while (e->n_instances > n)
    mj__instance_free(e, e->instances[--e->n_instances]);
}

mj_instance *mj__instance_by_name(mj_engine *e, mj_plugin_kind kind,
                                  const char *name)
{
  if (mj__instances_ensure(e) != MJ_OK)
    return NULL;
  for (size_t i = 0; i < e->n_instances; i++) {
    mj_instance *in = e->instances[i];
    if (in->desc->kind == kind && strcmp(in->name, name) == 0)
      return in;
  }
  /* Not declared with `use`: an instance with default options. */
  const mj_plugin *p;
  mj_instance *in;
  const char *jail = mj__playbook_jail(e, e->model ? e->model->dir : NULL);
  if (mj__plugin_find(e, kind, name, &p) != MJ_OK ||
      mj__instance_new(e, p, NULL, NULL, jail, &in) != MJ_OK)
    return NULL;
  return instance_add(e, in) == MJ_OK ? in : NULL;
}
