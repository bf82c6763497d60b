/*
** The engine: options, logging, the playbook swap, the store and the
** plugin instances a playbook uses.
*/
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine.h"

int mj_version_number(void)
{
  return MJ_VERSION_NUMBER;
}

const char *mj_version_string(void)
{
  return MJ_VERSION_STRING;
}

void mj_opts_init(mj_opts *o)
{
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->log_level = MJ_LOG_INFO;
}

static char *dup_or_null(const char *s, int *oom)
{
  if (!s)
    return NULL;
  char *p = strdup(s);
  if (!p)
    *oom = 1;
  return p;
}

int mj_engine_new(mj_engine **out, const mj_opts *opts)
{
  if (!out)
    return MJ_EINVAL;
  *out = NULL;
  mj_engine *e = calloc(1, sizeof *e);
  if (!e)
    return MJ_ENOMEM;
  mj_opts_init(&e->opts);
  if (opts) {
    /* Copy only what the caller's struct has: older callers pass a
    ** smaller mj_opts, and the rest keeps its defaults. */
    size_t n = opts->struct_size;
    if (n < offsetof(mj_opts, log) || n > sizeof *opts) {
      free(e);
      return MJ_EINVAL;
    }
    memcpy(&e->opts, opts, n);
    e->opts.struct_size = sizeof e->opts;
  }
  if (e->opts.lua_mem_limit == 0)
    e->opts.lua_mem_limit = (size_t)256 << 20;
  if (e->opts.lua_time_limit_ms == 0)
    e->opts.lua_time_limit_ms = 5000;
  int oom = 0;
  e->opt_plugin_path = dup_or_null(e->opts.plugin_path, &oom);
  e->opt_store = dup_or_null(e->opts.store, &oom);
  e->opt_env_allow = dup_or_null(e->opts.env_allow, &oom);
  e->opt_lua_path = dup_or_null(e->opts.lua_path, &oom);
  e->opts.plugin_path = e->opt_plugin_path;
  e->opts.store = e->opt_store;
  e->opts.env_allow = e->opt_env_allow;
  e->opts.lua_path = e->opt_lua_path;
  int rc = oom ? MJ_ENOMEM : mj__registry_new(e);
  if (rc == MJ_OK)
    rc = mj__lua_open(e);
  if (rc != MJ_OK) {
    mj_engine_free(e);
    return rc;
  }
  *out = e;
  return MJ_OK;
}

static void instances_free(mj_engine *e)
{
  for (size_t i = e->n_instances; i-- > 0;)
    mj__instance_free(e, e->instances[i]);
  free(e->instances);
  e->instances = NULL;
  e->n_instances = 0;
}

void mj_engine_free(mj_engine *e)
{
  if (!e)
    return;
  /* Reverse order of creation: instances, store, model, Lua, modules. */
  instances_free(e);
  if (e->store)
    mj__instance_free(e, e->store);
  free(e->store_uri);
  mj__model_free(e, e->model);
  mj__lua_close(e);
  mj__registry_free(e);
  free(e->opt_plugin_path);
  free(e->opt_store);
  free(e->opt_env_allow);
  free(e->opt_lua_path);
  free(e);
}

const char *mj_errmsg(const mj_engine *e)
{
  if (!e)
    return "no engine";
  return e->err.code ? e->err.msg : "";
}

const mj_error *mj_last_error(const mj_engine *e)
{
  static const mj_error none = {MJ_EINVAL, 0, 0, "", "no engine"};
  return e ? &e->err : &none;
}

void mj_free(void *p)
{
  free(p);
}

/* ---- playbooks ---------------------------------------------------------- */

int mj_playbook_load_buffer(mj_engine *e, const char *name, const char *buf,
                            size_t len)
{
  if (!e || !buf)
    return e ? mj__seterr(e, MJ_EINVAL, "no playbook text given")
             : MJ_EINVAL;
  mj__clearerr(e);
  mj_model *m = NULL;
  int rc = mj__dsl_load(e, name ? name : "=playbook", buf, len, &m);
  if (rc != MJ_OK)
    return rc;
  /* The customers files first: linking checks their ids and segments. */
  for (size_t i = 0; rc == MJ_OK && i < m->n_customer_files; i++)
    rc = mj__customers_read(e, m, &m->customer_files[i]);
  if (rc == MJ_OK)
    rc = mj__dsl_link(e, m, buf, len);
  if (rc != MJ_OK) {
    mj__model_free(e, m);
    return rc;
  }
  /* Instances were made from the old playbook's `use` declarations. */
  instances_free(e);
  mj__model_free(e, e->model);
  e->model = m;
  return MJ_OK;
}

int mj_playbook_load(mj_engine *e, const char *path)
{
  if (!e || !path)
    return e ? mj__seterr(e, MJ_EINVAL, "no playbook path given") : MJ_EINVAL;
  FILE *f = fopen(path, "rb");
  if (!f)
    return mj__seterr(e, MJ_EIO, "%s: cannot open playbook: %s", path,
                      strerror(errno));
  size_t cap = 8192, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb)
        free(buf);
      buf = nb;
    }
  }
  int failed = ferror(f);
  fclose(f);
  if (!buf)
    return mj__seterr(e, MJ_ENOMEM, "%s: out of memory reading it", path);
  if (failed) {
    free(buf);
    return mj__seterr(e, MJ_EIO, "%s: read error", path);
  }
  int rc = mj_playbook_load_buffer(e, path, buf, n);
  free(buf);
  return rc;
}

/* ---- plugin instances ----------------------------------------------------- */

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
    if (strcmp(s, mj__kind_name(kinds[i])) == 0) {
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
    instances_free(e);
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
