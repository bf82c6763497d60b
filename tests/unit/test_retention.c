/*
** The retention scorer against the published example of
** doc/methods.md#retention (S = 200, N = 40, E = 220: retention 90%,
** churn 10%, acquisition 20%) and its edge cases (S = 0; customers won
** and lost inside the period).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mejora/plugin.h"
#include "mock_host.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_retention_entry(void);

typedef struct got {
  const char *metric[8];
  double value[8], lo[8], hi[8];
  int n;
} got;

static int sink_emit(void *ud, const mj_figure *f, mj_error *err)
{
  (void)err;
  got *g = ud;
  if (g->n < 8) {
    g->metric[g->n] = f->metric;
    g->value[g->n] = f->value;
    g->lo[g->n] = f->ci_low;
    g->hi[g->n] = f->ci_high;
    g->n++;
  }
  return MJ_OK;
}

static double val(const got *g, const char *metric)
{
  for (int i = 0; i < g->n; i++)
    if (!strcmp(g->metric[i], metric))
      return g->value[i];
  return -999;
}

enum { DAY = 86400 };

int main(void)
{
  plan(12);
  const mj_scorer_ops *ops =
      mock_ops(mj_plugin_retention_entry(), MJ_KIND_SCORER);
  mj_config *cfg = mock_config(NULL, NULL);
  void *inst;
  mj_error err = {0};
  if (ops->create(mock_host(), NULL, cfg, &inst, &err) != MJ_OK)
    bail("create: %s", err.msg);

  /* 200 at the start; 20 of them leave; 40 join: E = 180 + 40 = 220. */
  const int64_t from = 1000 * DAY, to = 1030 * DAY;
  mj_customer_span c[260];
  size_t n = 0;
  for (int i = 0; i < 200; i++) {
    mj_customer_span s = {"x", "a", from - 100 * DAY, i < 20 ? from + 5 * DAY : 0};
    c[n++] = s;
  }
  for (int i = 0; i < 40; i++) {
    mj_customer_span s = {"y", "a", from + 10 * DAY, 0};
    c[n++] = s;
  }
  mj_customer_set set = {c, n, from, to};
  got g = {0};
  mj_figure_sink sink = {&g, sink_emit};
  is_int(MJ_OK, ops->score_customers(inst, &set, &sink, &err), "scored");
  is_double(90, val(&g, "retention"), 1e-12, "retention 90%% (published)");
  is_double(10, val(&g, "churn"), 1e-12, "churn 10%%");
  is_double(20, val(&g, "acquisition"), 1e-12, "acquisition 20%%");
  is_double(200, val(&g, "customers_start"), 0, "S = 200");
  is_double(220, val(&g, "customers_end"), 0, "E = 220");
  ok(g.lo[0] < 90 && g.hi[0] > 90 && g.lo[0] > 80, "a Wilson interval around it");

  /* A customer won and lost inside the period: in N, not in E. */
  mj_customer_span in_out = {"z", "a", from + DAY, from + 2 * DAY};
  c[n] = in_out;
  set.n = n + 1;
  g.n = 0;
  ops->score_customers(inst, &set, &sink, &err);
  is_double(100.0 * (220 - 41) / 200, val(&g, "retention"), 1e-12,
            "won and lost within the period lowers retention");

  /* No customers at the start: undefined, not an error. */
  set.customers = c + 200;
  set.n = 40;
  g.n = 0;
  is_int(MJ_OK, ops->score_customers(inst, &set, &sink, &err),
         "S = 0 is not an error");
  ok(isnan(val(&g, "retention")), "S = 0: retention undefined");
  ok(isnan(val(&g, "churn")), "S = 0: churn undefined");

  mj_config *bad = mock_config(NULL, (const char *const[]){"level", "2", NULL});
  void *i2;
  is_int(MJ_EINVAL, ops->create(mock_host(), NULL, bad, &i2, &err),
         "a level outside (0, 1) is refused");
  mock_config_free(bad);
  ops->destroy(inst);
  mock_config_free(cfg);
  return tap_done();
}
