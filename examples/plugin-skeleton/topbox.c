/*
** A scorer plugin built out of tree: the share of "top box" answers (the
** highest point of a scale), the figure many shops put on the wall.
**
** Copy this folder, rename, and build against an installed mejora:
**   make                      (uses pkg-config mejora)
**   mejora plugins ./scorer_topbox.so
**   mejora --plugin-path . run playbook.lua   (the playbook.lua beside it)
*/
#include <math.h>
#include <stdlib.h>

#include <mejora/plugin.h>

/* Each instance keeps what create() was given; no globals. */
typedef struct topbox {
  const mj_host_api *host;
  double z; /* normal quantile for the interval, from option "level" */
} topbox;

/* A plain C function playbooks can call through libffi:
** mejora.plugin("topbox").topbox_share(top, n) */
static double topbox_share(int64_t top, int64_t n)
{
  return n > 0 ? 100.0 * (double)top / (double)n : NAN;
}

static int tb_create(const mj_host_api *host, mj_ctx *ctx,
                     const mj_config *cfg, void **inst, mj_error *err)
{
  (void)ctx; /* for host->log; this plugin logs nothing */
  double level = host->cfg_num(cfg, "level", 0.95);
  /* Only the usual levels, to stay free of a quantile routine here. */
  double z = level == 0.90 ? 1.6448536269514722
           : level == 0.99 ? 2.5758293035489004
           : level == 0.95 ? 1.959963984540054 : 0;
  if (z == 0)
    return host->error(err, MJ_EINVAL,
                       "topbox: level must be 0.90, 0.95 or 0.99, not %g",
                       level);
  topbox *t = host->alloc(sizeof *t);
  if (!t)
    return host->error(err, MJ_ENOMEM, "topbox: out of memory");
  t->host = host;
  t->z = z;
  *inst = t;
  return MJ_OK;
}

static void tb_destroy(void *inst)
{
  topbox *t = inst;
  t->host->free(t);
}

/* Top-box share with a Wilson score interval, in percent. */
static int tb_score(void *inst, const mj_sample *s, const mj_figure_sink *out,
                    mj_error *err)
{
  topbox *t = inst;
  int64_t top = 0;
  for (size_t i = 0; i < s->n; i++)
    top += s->values[i] >= s->scale_max;
  mj_figure f = {.metric = "topbox", .value = NAN, .ci_low = NAN,
                 .ci_high = NAN, .n = s->n};
  if (s->n > 0) {
    double n = (double)s->n, p = (double)top / n, z2 = t->z * t->z;
    double mid = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = t->z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    f.value = topbox_share(top, (int64_t)s->n);
    f.ci_low = 100.0 * (mid - half);
    f.ci_high = 100.0 * (mid + half);
  }
  return out->emit(out->ud, &f, err);
}

static const char *const qtypes[] = {"scale*", NULL};
static const char *const metrics[] = {"topbox", NULL};

/* Designated initializers: ops tables grow at their end in new minor
** ABI versions, and this keeps the plugin compiling against them. */
static const mj_scorer_ops ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = qtypes,
    .metrics = metrics,
    .create = tb_create,
    .destroy = tb_destroy,
    .score = tb_score,
};

static const mj_option options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0, "confidence level: 0.90, 0.95, 0.99"},
    {NULL, 0, NULL, 0, NULL},
};

static const mj_export exports[] = {
    MJ_EXPORT(topbox_share, double, (int64_t top, int64_t n)),
    {NULL, NULL, NULL, 0},
};

static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "topbox",
    "1.0.0",
    "share of top-box answers on any scale, with a Wilson interval",
    "MIT",
    MJ_KIND_SCORER,
    options,
    NULL,
    NULL,
    &ops,
    exports,
};

MJ_PLUGIN_DEFINE(topbox, desc)
