/*
** The engine's log and its clock: what every layer reports through and
** the time it takes as now.
*/
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "engine.h"

void mj__logv(mj_engine *e, int level, const char *fmt, va_list ap)
{
  if (!e || !e->opts.log || level > e->opts.log_level)
    return;
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  e->opts.log(e->opts.log_ud, level, buf);
}

void mj__log(mj_engine *e, int level, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__logv(e, level, fmt, ap);
  va_end(ap);
}

int64_t mj__now(const mj_engine *e)
{
  return e->opts.now ? e->opts.now : (int64_t)time(NULL);
}
