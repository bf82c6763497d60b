/*
** The confidence level option that scorers share.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scorer_level.h"

int mj_scorer_level(const mj_host_api *host, const mj_config *cfg,
                    const mj_option *opts, const char *scorer, double *level,
                    mj_error *err)
{
  double def = NAN;
  for (size_t i = 0; opts && opts[i].name; i++)
    if (strcmp(opts[i].name, "level") == 0 && opts[i].def)
      def = strtod(opts[i].def, NULL);
  *level = host->cfg_num(cfg, "level", def);
  if (!(*level > 0.0 && *level < 1.0))
    return host->error(err, MJ_EINVAL,
                       "scorer %s: option level = %g is not a confidence "
                       "level; give a number between 0 and 1, e.g. 0.95",
                       scorer, *level);
  return MJ_OK;
}
