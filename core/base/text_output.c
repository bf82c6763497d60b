/*
** The start every call that hands text back shares: an output pointer,
** a clear error, the format defaulting to text and checked against the
** command's own list, so each says the same about the same mistakes.
*/
#include "config.h"

#include "engine.h"

int mj__text_output_start(mj_engine *e, const char *command,
                          const char **format, char **out, size_t *len)
{
  if (!e || !out)
    return e ? mj__seterr(e, MJ_EINVAL, "no output pointer") : MJ_EINVAL;
  *out = NULL;
  if (len)
    *len = 0;
  mj__clearerr(e);
  if (!*format)
    *format = "text";
  char why[128];
  if (mj_format_check(command, *format, why, sizeof why) != MJ_OK)
    return mj__seterr(e, MJ_EINVAL, "%s", why);
  return MJ_OK;
}
