/*
** The confidence level option that scorers share.
**
** Internal to the plugins, like stats.h: linked into each scorer from
** libmjstats.la, never exported from a module.
*/
#ifndef MJ_SCORER_LEVEL_H
#define MJ_SCORER_LEVEL_H

#include "mejora/plugin.h"

/*
** A scorer's option `level`, the two-sided confidence level of its
** intervals, into *level: the value in cfg, else the default of the
** `level` row of opts (the scorer's option table, whose default the host
** has already filled in), so that the default is written only there. A
** value not strictly between 0 and 1 is MJ_EINVAL, with "scorer NAME:
** option level = X is not a confidence level; ..." in err.
*/
int mj_scorer_level(const mj_host_api *host, const mj_config *cfg,
                    const mj_option *opts, const char *scorer, double *level,
                    mj_error *err);

#endif
