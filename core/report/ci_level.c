/*
** The confidence level a report states for its intervals. Each scorer
** computes its intervals at its own `level` option (a playbook may use
** "scorer.nps" { as = "nps90", level = 0.90 }), so a report that printed
** one fixed "95%" would misstate them.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define CORE_LEVEL 0.95 /* the core's own intervals: complaints, audits */

/* The `level` the playbook gives the instance named scorer, or NAN. */
static double used_level(const mj_model *m, const char *scorer,
                         const char **plugin)
{
  for (size_t i = 0; m && i < m->n_uses; i++) {
    const mj_use *u = &m->uses[i];
    if (strcmp(u->kind, "scorer") != 0 ||
        strcmp(u->as ? u->as : u->name, scorer) != 0)
      continue;
    *plugin = u->name;
    for (size_t k = 0; k < u->n_opts; k++)
      if (strcmp(u->opts[k].key, "level") == 0 &&
          u->opts[k].type == MJ_VAL_NUMBER)
        return u->opts[k].num;
    return NAN;
  }
  return NAN;
}

double mj__ci_level(mj_engine *e, const char *scorer)
{
  if (!scorer)
    return CORE_LEVEL;
  const char *plugin = scorer;
  double level = used_level(e->model, scorer, &plugin);
  if (!isnan(level))
    return level;
  /* The plugin's default; a name no plugin has is one of the core's. */
  mj_error kept = e->err;
  const mj_plugin *p = NULL;
  if (mj__plugin_find(e, MJ_KIND_SCORER, plugin, &p) != MJ_OK) {
    e->err = kept;
    return CORE_LEVEL;
  }
  const mj_option *o = mj__plugin_desc(p)->options;
  for (size_t i = 0; o && o[i].name; i++)
    if (strcmp(o[i].name, "level") == 0 && o[i].def)
      return strtod(o[i].def, NULL);
  return CORE_LEVEL;
}

/* Levels are options between 0 and 1 given with a few digits: equal to
** well under any digit a report prints. */
static int same_level(double a, double b)
{
  return fabs(a - b) < 1e-9;
}

int mj__ci_levels(mj_engine *e, const mj_figset *figs, mj_ci_level *out,
                  size_t cap)
{
  size_t n = 0;
  for (size_t i = 0; i < figs->n; i++) {
    const mj_result_rec *r = &figs->items[i];
    if (isnan(r->ci_low) || isnan(r->ci_high))
      continue;
    int seen = 0;
    for (size_t k = 0; k < n && !seen; k++)
      seen = r->scorer && strcmp(out[k].scorer, r->scorer) == 0;
    if (seen || !r->scorer || n == cap)
      continue;
    out[n].scorer = r->scorer;
    out[n].level = mj__ci_level(e, r->scorer);
    n++;
  }
  return (int)n;
}

double mj__ci_level_one(const mj_ci_level *v, size_t n)
{
  if (n == 0)
    return CORE_LEVEL;
  for (size_t k = 1; k < n; k++)
    if (!same_level(v[k].level, v[0].level))
      return NAN;
  return v[0].level;
}

const char *mj__ci_level_text(char *buf, size_t n, double level,
                              const char *lang)
{
  /* 0.95 -> "95%", 0.975 -> "97.5%"; Spanish puts a space before %. */
  snprintf(buf, n, "%.10g%s%%", level * 100.0,
           lang && strcmp(lang, "es") == 0 ? " " : "");
  return buf;
}

void mj__ci_levels_list(FILE *f, const mj_ci_level *v, size_t n,
                        const char *lang)
{
  for (size_t k = 0; k < n; k++) {
    char t[32];
    fprintf(f, "%s%s %s", k ? ", " : "", v[k].scorer,
            mj__ci_level_text(t, sizeof t, v[k].level, lang));
  }
}
