/*
** A good test plugin: a scorer with one option of every type, exporting
** a function of every type the FFI bridge allows (for test_ffi and
** test_plugin_host).
*/
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mejora/plugin.h"

typedef struct ft {
  const mj_host_api *host;
  char *label, *basedir;
  int64_t count;
  double ratio;
  int loud;
} ft;

static int ft_create(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                     void **inst, mj_error *err)
{
  ft *t = host->alloc(sizeof *t);
  if (!t)
    return host->error(err, MJ_ENOMEM, "ffitest: out of memory");
  t->host = host;
  t->label = host->strdup(host->cfg_str(cfg, "label"));
  t->basedir = host->strdup(host->cfg_basedir(cfg));
  t->count = host->cfg_int(cfg, "count", -1);
  t->ratio = host->cfg_num(cfg, "ratio", -1);
  t->loud = host->cfg_bool(cfg, "loud", -1);
  if (host->cfg_str(cfg, "unit"))
    host->log(ctx, MJ_LOG_INFO, "ffitest: unit %s", host->cfg_str(cfg, "unit"));
  *inst = t;
  return MJ_OK;
}

static void ft_destroy(void *inst)
{
  ft *t = inst;
  t->host->free(t->label);
  t->host->free(t->basedir);
  t->host->free(t);
}

/* Emits what create() read: metric label, value count * ratio, n loud,
** then metric basedir. */
static int ft_score(void *inst, const mj_sample *s, const mj_figure_sink *out,
                    mj_error *err)
{
  ft *t = inst;
  (void)s;
  mj_figure f = {.metric = t->label, .value = (double)t->count * t->ratio,
                 .n = (uint64_t)(t->loud + 1)};
  int rc = out->emit(out->ud, &f, err);
  mj_figure g = {.metric = t->basedir};
  return rc == MJ_OK ? out->emit(out->ud, &g, err) : rc;
}

static const char *const qtypes[] = {"scale*", NULL};

static const mj_scorer_ops ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = qtypes,
    .create = ft_create,
    .destroy = ft_destroy,
    .score = ft_score,
};

static const mj_option options[] = {
    {"label", MJ_OPT_STRING, "fig", 0, "metric name"},
    {"count", MJ_OPT_INT, "3", 0, "a whole number"},
    {"ratio", MJ_OPT_NUMBER, "0.5", 0, "a number"},
    {"loud", MJ_OPT_BOOL, "false", 0, "a switch"},
    {"unit", MJ_OPT_STRING, NULL, 0, "no default"},
    {NULL, 0, NULL, 0, NULL},
};

/* ---- exports: one of every allowed type ------------------------------- */

static void ft_nothing(void) {}

static bool ft_not(bool b)
{
  return !b;
}

static int ft_add(int a, int b)
{
  return a + b;
}

static int32_t ft_neg(int32_t x)
{
  return -x;
}

static int64_t ft_mul(int64_t a, int64_t b)
{
  return a * b;
}

static double ft_scale(double x, double k)
{
  return x * k;
}

static const char *ft_pick(int i)
{
  return i == 0 ? "zero" : i == 1 ? "one" : NULL;
}

static int64_t ft_len(const char *s)
{
  return (int64_t)strlen(s);
}

static double ft_mix(bool b, int i, int32_t j, int64_t k, double d,
                     const char *s)
{
  return (b ? 1e6 : 0) + i * 1e4 + j * 1e2 + (double)k + d +
         (double)strlen(s) * 1e-3;
}

static const mj_export exports[] = {
    MJ_EXPORT(ft_nothing, void, (void)),
    MJ_EXPORT(ft_not, bool, (bool b)),
    MJ_EXPORT(ft_add, int, (int a, int b)),
    MJ_EXPORT(ft_neg, int32_t, (int32_t x)),
    MJ_EXPORT(ft_mul, int64_t, (int64_t a, int64_t b)),
    MJ_EXPORT(ft_scale, double, (double x, double k)),
    MJ_EXPORT(ft_pick, const char *, (int i)),
    MJ_EXPORT(ft_len, int64_t, (const char *s)),
    MJ_EXPORT(ft_mix, double,
              (bool b, int i, int32_t j, int64_t k, double d, const char *s)),
    {NULL, NULL, NULL, 0},
};

static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "ffitest",
    "0.1.0",
    "test plugin: every FFI type",
    "MIT",
    MJ_KIND_SCORER,
    options,
    NULL,
    NULL,
    &ops,
    exports,
};

MJ_PLUGIN_DEFINE(ffitest, desc)
