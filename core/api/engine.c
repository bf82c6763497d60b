/*
** The engine's lifecycle: versions, options, creation and release, its
** last error, and loading a playbook in place of the one before.
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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
  int rc = oom ? MJ_ENOMEM : mj__plugin_registry_new(e);
  if (rc == MJ_OK)
    rc = mj__lua_open(e);
  if (rc != MJ_OK) {
    mj_engine_free(e);
    return rc;
  }
  *out = e;
  return MJ_OK;
}

void mj_engine_free(mj_engine *e)
{
  if (!e)
    return;
  /* Reverse order of creation: instances, store, model, Lua, modules. */
  mj__instances_free(e);
  if (e->store)
    mj__instance_free(e, e->store);
  free(e->store_uri);
  mj__model_free(e, e->model);
  mj__lua_close(e);
  mj__plugin_registry_free(e);
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
  mj__instances_free(e);
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
