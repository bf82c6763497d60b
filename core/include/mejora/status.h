/*
** mejora status codes and the error record, shared by the embedding API
** (mejora.h) and the plugin ABI (mejora/plugin.h).
**
** Codes only grow: a released code never changes its number or meaning.
*/
#ifndef MEJORA_STATUS_H
#define MEJORA_STATUS_H

/*
** One list generates the enum, mj_strerror() and mj_err_name(), so the
** three cannot drift apart (libuv's UV_ERRNO_MAP).
*/
#define MJ_STATUS_MAP(X)                                                      \
  X(EINVAL, -1, "invalid argument")                                          \
  X(ENOMEM, -2, "out of memory")                                             \
  X(ESYNTAX, -3, "syntax error")                                             \
  X(EVALIDATE, -4, "validation failed")                                      \
  X(EREF, -5, "dangling reference")                                          \
  X(EPLUGIN, -6, "plugin error")                                             \
  X(EABI, -7, "plugin ABI mismatch")                                         \
  X(ESTORE, -8, "store error")                                               \
  X(ELIMIT, -9, "resource limit exceeded")                                   \
  X(ETIMEOUT, -10, "time limit exceeded")                                    \
  X(EIO, -11, "input/output error")                                          \
  X(ENOTFOUND, -12, "not found")                                             \
  X(ECONFLICT, -13, "conflict")                                              \
  X(EDATA, -14, "rejected data")                                             \
  X(ERUNTIME, -15, "playbook runtime error")

typedef enum mj_status {
  MJ_OK = 0,
  /* A positive, non-error answer from a notifier: try again later. */
  MJ_RETRY = 1,
#define MJ__STATUS_ENUM(name, code, text) MJ_##name = code,
  MJ_STATUS_MAP(MJ__STATUS_ENUM)
#undef MJ__STATUS_ENUM
} mj_status;

/*
** What went wrong and where. Filled by the library (per engine, see
** mj_last_error) and by plugin operations (the mj_error *err argument).
** file/line point into a playbook; file/line/col into a data file, where
** line is the data row (1 = the header) and col the 1-based column.
** Zero/empty where not known.
*/
typedef struct mj_error {
  int code;            /* an mj_status value, MJ_OK when clear */
  int line;            /* playbook line or data row, 0 if none */
  int col;             /* data column, 0 if none */
  char file[256];      /* playbook or data file, "" if none */
  char msg[512];       /* full human-readable text, location included */
} mj_error;

/* Log levels, for mj_opts.log and a plugin's host->log. */
enum { MJ_LOG_ERROR = 0, MJ_LOG_WARN = 1, MJ_LOG_INFO = 2, MJ_LOG_DEBUG = 3 };

#endif
