/*
** A good test collector: pushes a header and one row naming the source,
** or fails with a row:column error when the source is "bad".
*/
#include <string.h>

#include "mejora/plugin.h"

typedef struct lines {
  const mj_host_api *host;
} lines;

static int ln_create(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                     void **inst, mj_error *err)
{
  (void)ctx, (void)cfg;
  lines *l = host->alloc(sizeof *l);
  if (!l)
    return host->error(err, MJ_ENOMEM, "lines: out of memory");
  l->host = host;
  *inst = l;
  return MJ_OK;
}

static void ln_destroy(void *inst)
{
  lines *l = inst;
  l->host->free(l);
}

static int ln_collect(void *inst, const char *source, const mj_sink *sink,
                      mj_error *err)
{
  lines *l = inst;
  if (strcmp(source, "bad") == 0)
    return l->host->error_at(err, MJ_EDATA, source, 2, 1, "unterminated quote");
  const char *const header[] = {"source"};
  const char *const cells[] = {source};
  const size_t lens[] = {strlen(source)};
  int rc = sink->header(sink->ud, header, 1, err);
  return rc == MJ_OK ? sink->row(sink->ud, 2, cells, lens, 1, err) : rc;
}

static const mj_collector_ops ops = {
    sizeof(mj_collector_ops),
    ln_create,
    ln_destroy,
    ln_collect,
    NULL, /* serve: it reads files only */
};

static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "lines",
    "0.1.0",
    "test collector",
    "MIT",
    MJ_KIND_COLLECTOR,
    NULL,
    NULL,
    NULL,
    &ops,
    NULL,
};

MJ_PLUGIN_DEFINE(lines, desc)
