/*
** The store: which storage plugin a URI names, and opening it once per
** engine, in the playbook's folder when the playbook names it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_host.h"

/* "sqlite:PATH", "postgresql://..." or a bare path (sqlite). */
static int split_uri(const char *uri, char *kind, size_t kn, const char **rest)
{
  if (strncmp(uri, "postgresql://", 13) == 0 ||
      strncmp(uri, "postgres://", 11) == 0) {
    snprintf(kind, kn, "pgsql");
    *rest = uri;
    return 0;
  }
  /* "KIND:rest", unless the colon comes after a '/' (a path like
  ** "./a:b.db" is a plain SQLite file). */
  const char *colon = strchr(uri, ':'), *slash = strchr(uri, '/');
  if (!colon || colon == uri || (slash && slash < colon)) {
    snprintf(kind, kn, "sqlite");
    *rest = uri;
    return 0;
  }
  size_t n = (size_t)(colon - uri);
  if (n >= kn)
    return -1;
  memcpy(kind, uri, n);
  kind[n] = '\0';
  *rest = colon + 1;
  return 0;
}

/* The store asked for: the engine's option, else the playbook's. */
static const char *store_given(const mj_engine *e)
{
  if (e->opts.store)
    return e->opts.store;
  return e->model ? e->model->store : NULL;
}

/* The storage plugin for uri, and the part of uri it opens. */
static int store_plugin(mj_engine *e, const char *uri, const mj_plugin **p,
                        const char **rest)
{
  char kind[32];
  if (split_uri(uri, kind, sizeof kind, rest) != 0)
    return mj__seterr(e, MJ_EINVAL, "store URI '%s': unknown kind", uri);
  return mj__plugin_find(e, MJ_KIND_STORAGE, kind, p);
}

int mj__store_check(mj_engine *e)
{
  if (e->store)
    return MJ_OK;
  const char *uri = store_given(e), *rest;
  const mj_plugin *p;
  int rc = store_plugin(e, uri ? uri : "sqlite:", &p, &rest);
  if (rc != MJ_OK && e->model && uri && uri == e->model->store) {
    mj_error inner = e->err;
    char ctx[300];
    snprintf(ctx, sizeof ctx, "%s:%d: store \"%s\": ",
             e->model->store_pos.file, e->model->store_pos.line, uri);
    mj__seterr_from(e, &inner, rc, ctx);
  }
  return rc;
}

int mj_store_open(mj_engine *e, const char *uri)
{
  if (!e)
    return MJ_EINVAL;
  if (e->store) {
    if (!uri || (e->store_uri && strcmp(uri, e->store_uri) == 0))
      return MJ_OK;
    return mj__seterr(e, MJ_ECONFLICT,
                      "a store is already open (%s); use a new engine for "
                      "another one",
                      e->store_uri);
  }
  /* A store the playbook names, or mejora.db beside it, must stay in its
  ** folder; one the operator names (the argument, opts.store) need not. */
  const char *jail = NULL;
  char *owned = NULL;
  int named = 0; /* by the playbook's `store` */
  if (!uri)
    uri = e->opts.store;
  if (!uri && e->model && e->model->store) {
    uri = e->model->store;
    jail = mj__playbook_jail(e, e->model->dir);
    named = 1;
  }
  if (!uri) {
    owned = mj__path_join(e->model ? e->model->dir : NULL, "mejora.db");
    if (!owned)
      return mj__seterr(e, MJ_ENOMEM, "out of memory");
    uri = owned;
    jail = e->model ? mj__playbook_jail(e, e->model->dir) : NULL;
  }
  char kind[32];
  const char *rest;
  if (split_uri(uri, kind, sizeof kind, &rest) != 0) {
    free(owned);
    return mj__seterr(e, MJ_EINVAL, "store URI '%s': unknown kind", uri);
  }
  if (named && strcmp(kind, "sqlite") == 0 && rest[0] != '/') {
    /* A playbook's relative sqlite path is relative to the playbook. */
    char *path = mj__path_join(e->model->dir, rest);
    size_t n = path ? strlen(path) + 8 : 0;
    owned = path ? malloc(n) : NULL;
    if (!owned) {
      free(path);
      return mj__seterr(e, MJ_ENOMEM, "out of memory");
    }
    snprintf(owned, n, "sqlite:%s", path);
    free(path);
    uri = owned;
    rest = owned + 7;
  }
  const mj_plugin *p;
  int rc = mj__plugin_find(e, MJ_KIND_STORAGE, kind, &p);
  if (rc == MJ_OK)
    rc = mj__instance_new(e, p, NULL, rest, jail, &e->store);
  if (rc == MJ_OK) {
    e->store_uri = strdup(uri);
    if (!e->store_uri) {
      mj__instance_free(e, e->store);
      e->store = NULL;
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
    }
  }
  free(owned);
  return rc;
}

int mj__store_ensure(mj_engine *e)
{
  return e->store ? MJ_OK : mj_store_open(e, NULL);
}

mj_instance *mj__store_again(mj_engine *e)
{
  char kind[32];
  const char *rest;
  if (!e->store || !e->store_uri ||
      !MJ__HAS_OP(MJ_STORE_OPS(e), shareable) ||
      !MJ_STORE_OPS(e)->shareable(e->store->inst) ||
      split_uri(e->store_uri, kind, sizeof kind, &rest) != 0)
    return NULL;
  mj_error kept = e->err;
  mj_instance *in = NULL;
  if (mj__instance_again(e, e->store, rest, &in) != MJ_OK)
    in = NULL;
  e->err = kept;
  return in;
}
