/*
** Status codes to text, and filling error records.
*/
#include <stdio.h>
#include <string.h>

#include "engine.h"

const char *mj_strerror(int code)
{
  switch (code) {
  case MJ_OK:
    return "success";
  case MJ_RETRY:
    return "try again later";
#define MJ__CASE(name, num, text)                                            \
  case MJ_##name:                                                            \
    return text;
    MJ_STATUS_MAP(MJ__CASE)
#undef MJ__CASE
  }
  return "unknown status code";
}

const char *mj_err_name(int code)
{
  switch (code) {
  case MJ_OK:
    return "OK";
  case MJ_RETRY:
    return "RETRY";
#define MJ__CASE(name, num, text)                                            \
  case MJ_##name:                                                            \
    return #name;
    MJ_STATUS_MAP(MJ__CASE)
#undef MJ__CASE
  }
  return "UNKNOWN";
}

int mj__error_v(mj_error *err, int code, const char *file, int line, int col,
                const char *fmt, va_list ap)
{
  if (!err)
    return code;
  err->code = code;
  err->line = line;
  err->col = col;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  size_t off = 0;
  if (file && *file) {
    int k = col > 0 ? snprintf(err->msg, sizeof err->msg, "%s:%d:%d: ", file,
                               line, col)
            : line > 0 ? snprintf(err->msg, sizeof err->msg, "%s:%d: ", file,
                                  line)
                       : snprintf(err->msg, sizeof err->msg, "%s: ", file);
    off = k > 0 && (size_t)k < sizeof err->msg ? (size_t)k : 0;
  }
  vsnprintf(err->msg + off, sizeof err->msg - off, fmt, ap);
  return code;
}

int mj__error(mj_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__error_v(err, code, NULL, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

int mj__seterr(mj_engine *e, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__error_v(&e->err, code, NULL, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

int mj__seterr_at(mj_engine *e, int code, const char *file, int line, int col,
                  const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__error_v(&e->err, code, file, line, col, fmt, ap);
  va_end(ap);
  return code;
}

int mj__seterr_from(mj_engine *e, const mj_error *err, int fallback_code,
                    const char *context)
{
  int code = err->code ? err->code : fallback_code;
  mj_error tmp = *err; /* err may be e->err itself */
  e->err = tmp;
  e->err.code = code;
  snprintf(e->err.msg, sizeof e->err.msg, "%s%s", context ? context : "",
           tmp.msg[0] ? tmp.msg : mj_strerror(code));
  return code;
}

void mj__clearerr(mj_engine *e)
{
  memset(&e->err, 0, sizeof e->err);
}
