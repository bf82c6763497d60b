/*
** mejora embedding API: the only header a host application needs.
**
** Everything not declared here (or in mejora/plugin.h for plugin authors)
** is internal and may change without notice.
**
** Conventions, for every function below:
**   - int results are MJ_OK (0) or a negative MJ_E* code (mejora/status.h);
**     on failure mj_errmsg(e) and mj_last_error(e) say what and where;
**   - the library never prints, exits or aborts; logging goes through the
**     log function given in mj_opts;
**   - strings the library returns are owned by the engine and valid until
**     the next call on it, unless the function says the caller frees them
**     with mj_free();
**   - one engine is used by one thread at a time; separate engines are
**     independent (there is no global state).
*/
#ifndef MEJORA_H
#define MEJORA_H

#include <stddef.h>
#include <stdint.h>

#include "mejora/status.h"
#include "mejora/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MJ_API __attribute__((visibility("default")))
#else
#define MJ_API
#endif

/* ---------------------------------------------------------------------
** Versions. mj_version_number() == MJ_VERSION_NUMBER when the header and
** the library agree.
*/
MJ_API int mj_version_number(void);
MJ_API const char *mj_version_string(void);

/* Static English text for a status code; never NULL. */
MJ_API const char *mj_strerror(int code);
/* The code's name without prefix ("EVALIDATE"); never NULL. */
MJ_API const char *mj_err_name(int code);

/* ---------------------------------------------------------------------
** Engines.
*/
typedef struct mj_engine mj_engine;

/* Receives every log line the engine and its plugins emit (no newline). */
typedef void (*mj_log_fn)(void *ud, int level, const char *msg);

/* Let the playbook use io/os, require C modules and load plugins from
** paths it names. Only for playbooks the operator trusts. */
#define MJ_TRUST_PLAYBOOK 0x1u
/* Do not search the installed plugin folder (tests, sealed hosts). */
#define MJ_NO_DEFAULT_PLUGINS 0x2u

typedef struct mj_opts {
  size_t struct_size;        /* sizeof(mj_opts) as compiled by the caller */
  mj_log_fn log;             /* NULL: log lines are dropped */
  void *log_ud;
  int log_level;             /* highest MJ_LOG_* level passed to log */
  const char *plugin_path;   /* ':'-separated folders searched first */
  const char *store;         /* store URI ("sqlite:PATH"); NULL: the
                                playbook's, else mejora.db beside it */
  size_t lua_mem_limit;      /* bytes; 0: 256 MiB */
  unsigned lua_time_limit_ms;/* per call into the playbook; 0: 5000 */
  unsigned flags;            /* MJ_TRUST_PLAYBOOK, MJ_NO_DEFAULT_PLUGINS */
  int64_t now;               /* clock override, seconds since the epoch;
                                0: the real clock (tests pin it) */
} mj_opts;

/* Fill *o with the defaults (and struct_size). */
MJ_API void mj_opts_init(mj_opts *o);

/*
** Create an engine. opts may be NULL for the defaults; it is copied.
** Returns MJ_OK and *out, or MJ_ENOMEM/MJ_EINVAL with *out NULL.
*/
MJ_API int mj_engine_new(mj_engine **out, const mj_opts *opts);

/* Close the store, destroy plugin instances, free everything. NULL: no-op. */
MJ_API void mj_engine_free(mj_engine *e);

/* The last error's text ("" if none) and record. Never NULL. */
MJ_API const char *mj_errmsg(const mj_engine *e);
MJ_API const mj_error *mj_last_error(const mj_engine *e);

/* ---------------------------------------------------------------------
** Playbooks. Loading evaluates the file in the sandbox, validates every
** declaration and resolves references. On any error nothing is kept and
** the engine is as before; the message starts "FILE:LINE: ".
** An engine holds one playbook; loading another replaces it.
*/
MJ_API int mj_playbook_load(mj_engine *e, const char *path);
MJ_API int mj_playbook_load_buffer(mj_engine *e, const char *name,
                                   const char *buf, size_t len);

/*
** Open the store: uri as in mj_opts.store, or NULL for the default. Done
** on demand by the functions that need it; call it to choose the store or
** to surface store errors early. Errors: MJ_ESTORE, MJ_EPLUGIN.
*/
MJ_API int mj_store_open(mj_engine *e, const char *uri);

/* ---------------------------------------------------------------------
** Responses.
*/
typedef struct mj_import_stats {
  uint64_t rows;         /* data rows read (header excluded) */
  uint64_t accepted;     /* new responses stored */
  uint64_t duplicates;   /* already stored (same response id): skipped */
  uint64_t rejected;     /* invalid rows, written to the rejects file */
  char rejects_path[512];/* "" when no row was rejected */
} mj_import_stats;

/*
** Import a CSV file of responses to questionnaire. Every row is validated
** against the questionnaire; good rows are stored in one transaction, bad
** ones written with row:column and reason to PATH.rejects.csv beside the
** input (or the folder given by the playbook). Re-importing adds nothing.
** Returns MJ_OK even when rows were rejected (see stats); an error only
** when nothing could be stored (bad header, unreadable file, store error).
*/
MJ_API int mj_import(mj_engine *e, const char *questionnaire,
                     const char *path, mj_import_stats *stats);

/*
** Record one response from the host application: n question/value pairs
** as text, validated like an imported row. MJ_EVALIDATE says which value
** is wrong; MJ_ECONFLICT when the response id is already stored.
*/
MJ_API int mj_response_add(mj_engine *e, const char *questionnaire,
                           const char *response_id, const char *customer,
                           const char *const *questions,
                           const char *const *values, size_t n);

/* ---------------------------------------------------------------------
** Cycles and results.
*/

/*
** Run one full cycle: measure (imports the cycle declares), analyse
** (scorers, per segment), improve (plan triggers), store the results,
** notify. name NULL: the playbook's only or first cycle. *cycle_id (may be
** NULL) receives the stored cycle's id.
*/
MJ_API int mj_cycle_run(mj_engine *e, const char *name, int64_t *cycle_id);

/*
** Render the results of a stored cycle (0: the newest) as "json", "text"
** or "md". *out is NUL-terminated; the caller frees it with mj_free().
** MJ_ENOTFOUND when no cycle has run yet.
*/
MJ_API int mj_report(mj_engine *e, const char *format, int64_t cycle,
                     char **out, size_t *len);

/* ---------------------------------------------------------------------
** Improvement plans. A plan opens when its trigger fires in a cycle;
** people then record progress on it and its actions, and the first cycle
** after every action is done verifies it with the playbook's `verify`
** (closed when the change is significant and for the better, escalated
** when not). Every change is kept in the plan's history.
*/

/*
** Every plan (id NULL) or one, as "json" (an array of plan objects as in
** the results format, each with its full history in "events") or "text"
** (a table of plans; with an id, the plan, its actions and its history).
** The caller frees *out with mj_free(). MJ_ENOTFOUND for an unknown id.
*/
MJ_API int mj_plans(mj_engine *e, const char *id, const char *format,
                    char **out, size_t *len);

typedef struct mj_plan_change {
  size_t struct_size;   /* sizeof(mj_plan_change) */
  int action;           /* 0: the plan itself; N: its Nth action (from 1) */
  const char *status;   /* NULL: unchanged. Plan: "open", "closed",
                           "cancelled"; action: "open", "doing", "done" */
  const char *owner;    /* NULL: unchanged */
  const char *note;     /* kept in the history; NULL: none */
} mj_plan_change;

/* Record a change to plan id (or one of its actions). MJ_ENOTFOUND for an
** unknown plan or action, MJ_EINVAL for an unknown status. */
MJ_API int mj_plan_update(mj_engine *e, const char *id,
                          const mj_plan_change *change);

/* Free memory the library handed to the caller. NULL: no-op. */
MJ_API void mj_free(void *p);

/* ---------------------------------------------------------------------
** Plugins.
*/
typedef struct mj_plugin_info {
  const char *name;
  const char *kind;        /* "storage", "scorer", "notifier", "collector" */
  const char *version;
  const char *description;
  const char *path;        /* "(built-in)" for static plugins */
  int abi_major, abi_minor;
} mj_plugin_info;

typedef int (*mj_plugin_info_cb)(void *ud, const mj_plugin_info *info);

/*
** Discover the plugins on the search path (opts->plugin_path, then the
** installed folder unless MJ_NO_DEFAULT_PLUGINS) and the built-in ones.
** The library reads no environment variable: a host that wants
** MEJORA_PLUGIN_PATH (as the mejora command does) passes it in opts.
** Calls cb for each valid one. Plugins that fail the checks are
** reported through the log at MJ_LOG_WARN with the reason.
*/
MJ_API int mj_plugins_foreach(mj_engine *e, mj_plugin_info_cb cb, void *ud);

/*
** Load one plugin file and check it, without registering it: the refusal
** message (missing, not a plugin, ABI mismatch...) is in mj_errmsg.
*/
MJ_API int mj_plugin_check(mj_engine *e, const char *path,
                           mj_plugin_info_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif
