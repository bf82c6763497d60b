/*
** base: the engine object every layer above is handed, and what they all
** use of it: its error, its log and clock, and the files its playbook may
** name. It uses only util/ and core/shared; core/README.md lists the
** layers. Functions shared between files are mj__name; everything else is
** static.
*/
#ifndef MJ_ENGINE_H
#define MJ_ENGINE_H

#include "util.h"

typedef struct mj_model mj_model; /* model.h */
typedef struct lua_State lua_State;
typedef struct mj_plugin mj_plugin;       /* a checked descriptor */
typedef struct mj_registry mj_registry;   /* plugin_host.c */

/* A live plugin instance: the plugin, its validated config, its state. */
typedef struct mj_instance {
  const mj_plugin *plugin;
  const mj_plugin_desc *desc;
  const void *ops;        /* desc->ops, size-checked for the kind */
  void *inst;             /* what create()/open() returned */
  mj_ctx *ctx;
  mj_config *cfg;
  const char *name;       /* instance name (use ... { as = }) */
} mj_instance;

struct mj_engine {
  mj_opts opts;           /* copied; strings owned below */
  char *opt_plugin_path;
  char *opt_store;
  char *opt_env_allow;
  char *opt_lua_path;
  mj_error err;           /* the last error */

  lua_State *L;           /* the sandboxed playbook state */
  mj_model *model;        /* the loaded playbook, or NULL */
  mj_registry *plugins;   /* discovered plugins and loaded modules */

  mj_instance *store;     /* the open store, or NULL */
  char *store_uri;

  mj_instance **instances;/* scorers/notifiers the playbook uses */
  size_t n_instances;
  /* The declared cycle whose `import` is running, or NULL: what it
  ** stores without a wave belongs to it (mj__response_cycle). */
  const char *importing_cycle;
};

/* ---- error.c ---------------------------------------------------------- */

/* Set e->err and return code. The message is formatted as given. */
int mj__seterr(mj_engine *e, int code, const char *fmt, ...)
    MJ__PRINTF(3, 4);
/* Same with a location; msg becomes "file:line: ..." (col 0) or
** "file:line:col: ..." so every message says where. */
int mj__seterr_at(mj_engine *e, int code, const char *file, int line, int col,
                  const char *fmt, ...) MJ__PRINTF(6, 7);
/* Fill any mj_error (plugins' err, scratch errors). */
int mj__error_v(mj_error *err, int code, const char *file, int line, int col,
                const char *fmt, va_list ap);
int mj__error(mj_error *err, int code, const char *fmt, ...) MJ__PRINTF(3, 4);
/* Copy a plugin-filled error into the engine, prefixing context (may be
** NULL), e.g. "storage sqlite: ". A code of 0 becomes fallback_code. */
int mj__seterr_from(mj_engine *e, const mj_error *err, int fallback_code,
                    const char *context);
void mj__clearerr(mj_engine *e);

/* ---- text_output.c ------------------------------------------------------ */

/* The checks that open every call returning text: out given (*out and
** *len cleared), the error cleared, *format NULL made "text", and *format
** one the command writes (mj_format_check). MJ_OK or MJ_EINVAL, set. */
int mj__text_output_start(mj_engine *e, const char *command,
                          const char **format, char **out, size_t *len);

/* ---- log.c ------------------------------------------------------------ */

void mj__log(mj_engine *e, int level, const char *fmt, ...) MJ__PRINTF(3, 4);
void mj__logv(mj_engine *e, int level, const char *fmt, va_list ap);
/* opts.now or the real clock, seconds since the epoch. */
int64_t mj__now(const mj_engine *e);

/* ---- playbook_files.c ------------------------------------------------ */

/*
** The folder the files a playbook in folder dir names must stay in: dir
** ("." when NULL or ""), or NULL when the operator trusts the playbook
** (MJ_TRUST_PLAYBOOK) and any file will do.
*/
const char *mj__playbook_jail(const mj_engine *e, const char *dir);
/*
** A file the playbook names (customers, a cycle's import), name joined to
** dir as the readers join it, must exist: MJ_ENOTFOUND at pos with the
** nearest name in its folder, MJ_EVALIDATE for a folder, MJ_EIO when it
** cannot be looked at. what starts the message ("customers \"x.csv\"").
** Nothing is opened.
*/
int mj__input_check(mj_engine *e, const char *dir, const char *name,
                    const mj_pos *pos, const char *what);

/* ---- playbook_env.c -------------------------------------------------- */

/* Is name in list (names separated by ',', ':' or spaces)? */
int mj__env_listed(const char *list, const char *name);

#endif
