/*
** mejora plugin ABI: what a plugin exports and what the host hands it.
**
** A plugin is a shared object exporting one function that returns a
** constant descriptor (mj_plugin_desc). The host checks the descriptor's
** magic, ABI version, size and fingerprint before it calls anything else in
** the plugin, and refuses a plugin built for another ABI with a message that
** names both versions.
**
** Plugins do not link against libmejora: everything they need from the host
** comes through the mj_host_api table passed to load() and create().
**
** This header needs only <stddef.h>, <stdint.h> and <string.h>; no Lua,
** libffi or SQLite type appears in it.
**
** ABI rules (the SQLite sqlite3ext.h rule):
**   - structs marked APPEND-ONLY grow only at their end; a released field
**     never moves or changes type;
**   - a new field or function bumps MJ_PLUGIN_ABI_MINOR; any other change
**     bumps MJ_PLUGIN_ABI_MAJOR;
**   - every table starts with its own size, so either side can tell which
**     fields the other was built with;
**   - a field or function appended after 1.0 says which minor added it
**     ("Added in ABI 1.1."); one without such a note is in every 1.x.
*/
#ifndef MEJORA_PLUGIN_H
#define MEJORA_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mejora/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MJ_PLUGIN_MAGIC 0x4d4a504cu /* "MJPL" */
#define MJ_PLUGIN_ABI_MAJOR 1       /* bump: incompatible change */
#define MJ_PLUGIN_ABI_MINOR 6       /* bump: appended fields/functions */

/*
** Pointer, long, double and size_t widths and the byte order, packed so a
** plugin built for another data model is refused rather than crashed.
*/
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define MJ__LITTLE_ENDIAN_TEST 0u
#else
#define MJ__LITTLE_ENDIAN_TEST 1u
#endif
#define MJ_ABI_FINGERPRINT                                                   \
  ((uint32_t)(sizeof(void *) | (sizeof(long) << 5) | (sizeof(double) << 10) | \
              (sizeof(size_t) << 15) | (sizeof(int) << 20) |                 \
              (MJ__LITTLE_ENDIAN_TEST << 25)))

#if defined(__GNUC__)
#define MJ_PLUGIN_EXPORT __attribute__((visibility("default")))
#define MJ__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MJ_PLUGIN_EXPORT
#define MJ__PRINTF(f, a)
#endif

typedef enum mj_plugin_kind {
  MJ_KIND_STORAGE = 1,   /* where responses, results and plans live */
  MJ_KIND_SCORER = 2,    /* turns answers into figures */
  MJ_KIND_NOTIFIER = 3,  /* tells people what happened */
  MJ_KIND_COLLECTOR = 4  /* brings responses in */
} mj_plugin_kind;

/* The host's record of one plugin instance; pass it back to host->log. */
typedef struct mj_ctx mj_ctx;
/* An instance's validated configuration; read it with host->cfg_*. */
typedef struct mj_config mj_config;

/*
** Option schema: one row per key a plugin accepts in a playbook's
** `use "KIND.NAME" { ... }`. Unknown keys, wrong types and missing
** required keys are refused by the host before create() is called.
*/
typedef enum mj_opt_type {
  MJ_OPT_STRING = 1,
  MJ_OPT_INT = 2,
  MJ_OPT_NUMBER = 3,
  MJ_OPT_BOOL = 4
} mj_opt_type;

typedef struct mj_option {
  const char *name;
  mj_opt_type type;
  const char *def;         /* default as text, NULL for none */
  int required;
  const char *description;
} mj_option;               /* arrays end with a row whose name is NULL */

/*
** Functions a plugin exports to playbooks, called from Lua as
** mejora.plugin("NAME").FUNCTION(...) through libffi.
**
** Declare them with MJ_EXPORT: the compiler checks that fn has exactly the
** declared type (a mismatch is "comparison of distinct pointer types"), and
** the same tokens become the signature the host parses. Allowed types:
** void (return only), bool, int, int32_t, int64_t, double, const char *
** (arguments: borrowed for the call; a returned string is borrowed and
** copied by the host at once, so return static or instance-owned text).
*/
typedef void (*mj_cfunc)(void);
typedef struct mj_export {
  const char *name;
  const char *sig;         /* "double(double p, int64_t n)" */
  mj_cfunc fn;
  size_t typecheck;        /* unused at run time; see MJ_EXPORT */
} mj_export;               /* arrays end with a row whose name is NULL */

#define MJ_EXPORT(fn, ret, params)                                           \
  { #fn, #ret #params, (mj_cfunc)(fn), sizeof((ret(*) params)0 == &(fn)) }

/* ---------------------------------------------------------------------
** The host API table. APPEND-ONLY: test api_size before using a field
** added after ABI 1.0.
*/
typedef struct mj_host_api {
  size_t api_size;
  unsigned abi_major, abi_minor;

  /* Logging through the embedding application's log function. */
  void (*log)(mj_ctx *ctx, int level, const char *fmt, ...) MJ__PRINTF(3, 4);

  /* Memory from the engine's allocator. */
  void *(*alloc)(size_t n);
  void *(*realloc)(void *p, size_t n);
  void (*free)(void *p);
  char *(*strdup)(const char *s);

  /* Fill *err (code and formatted message); returns code. */
  int (*error)(mj_error *err, int code, const char *fmt, ...) MJ__PRINTF(3, 4);
  /* Same, with a location: file, row (or line) and column, 0 if unknown. */
  int (*error_at)(mj_error *err, int code, const char *file, int line,
                  int col, const char *fmt, ...) MJ__PRINTF(6, 7);

  /* Validated instance options; NULL/def when the key was not given. */
  const char *(*cfg_str)(const mj_config *cfg, const char *key);
  int64_t (*cfg_int)(const mj_config *cfg, const char *key, int64_t def);
  double (*cfg_num)(const mj_config *cfg, const char *key, double def);
  int (*cfg_bool)(const mj_config *cfg, const char *key, int def);
  /* The folder of the playbook the instance was declared in ("." if none):
  ** relative paths in options are resolved against it. */
  const char *(*cfg_basedir)(const mj_config *cfg);

  /*
  ** Added in ABI 1.1.
  ** Check a file before opening it, and say where it really is. Every
  ** file a plugin opens goes through here: an option's value (joined with
  ** cfg_basedir first), a store's uri, a collector's source. name is as
  ** the plugin would open it (a relative name from the current folder).
  ** mode is MJ_PATH_READ or MJ_PATH_WRITE.
  **
  ** When the name came from a playbook the operator has not trusted, the
  ** file must lie inside the playbook's folder once every symbolic link
  ** and ".." is resolved; the host refuses it otherwise (MJ_EVALIDATE).
  ** Either way the file must be a regular file: a FIFO, device or folder
  ** is refused (MJ_EINVAL) rather than read or written, so nothing blocks.
  ** A missing file is MJ_EIO (read) or fine when its folder exists
  ** (write).
  **
  ** On MJ_OK *out is the absolute path with every link resolved (free it
  ** with free above); open that, with O_NOFOLLOW where you can. On an
  ** error *out is NULL and *err says what and what to do.
  */
  int (*path)(mj_ctx *ctx, const char *name, unsigned mode, char **out,
              mj_error *err);

  /*
  ** Added in ABI 1.2.
  ** The value of the environment variable name, for an option that names
  ** one (password_env = "SMTP_PASSWORD") so that a secret stays out of
  ** the playbook. The operator governs it as mejora.env: unless the
  ** playbook is trusted (MJ_TRUST_PLAYBOOK), a name not listed in
  ** mj_opts.env_allow (the command's --env NAME, MEJORA_ENV_ALLOW) is
  ** refused with MJ_EVALIDATE and a message saying how to allow it.
  **
  ** On MJ_OK *out is a copy of the value (free it with free above), or
  ** NULL when the variable is not set. On an error *out is NULL.
  */
  int (*env)(mj_ctx *ctx, const char *name, char **out, mj_error *err);
} mj_host_api;

/* Modes of host->path. */
#define MJ_PATH_READ 0x1u  /* an existing regular file, to read */
#define MJ_PATH_WRITE 0x2u /* a regular file or none yet, to create or
                           ** append to; its folder must exist */

/* ---------------------------------------------------------------------
** Records that cross the storage and scorer boundaries. Strings are
** borrowed for the duration of the call that hands them over.
*/

/* An answer's state: a value, "no experience" (N/A), or not answered. */
typedef enum mj_answer_state {
  MJ_ANSWER_VALUE = 0,
  MJ_ANSWER_NA = 1,
  MJ_ANSWER_SKIPPED = 2
} mj_answer_state;

typedef struct mj_answer_rec {
  const char *question;
  mj_answer_state state;
  double num;              /* numeric value (scales, NPS), else NAN */
  const char *text;        /* text value (open text), else NULL */
} mj_answer_rec;

typedef struct mj_response_rec {
  const char *id;          /* unique per store: re-import adds nothing */
  const char *questionnaire;
  int version;             /* questionnaire version answered */
  const char *customer;    /* may be NULL */
  const char *segment;     /* may be NULL */
  const char *wave;        /* may be NULL */
  int64_t submitted_at;    /* seconds since the epoch, UTC; 0 if unknown */
  const char *source;      /* e.g. the file it came from */
  const mj_answer_rec *answers;
  size_t n_answers;
  /* ---- kept by stores of questionnaire versions: a store hands these
  ** out only when its ops_size covers put_questionnaire_version, and the
  ** host reads them only then. ---- */
  int pilot;               /* 1: a pilot (pre-test) response, kept but left
                           ** out of cycles unless they include_pilot */
  const char *channel;     /* the channel it came through, or NULL */
} mj_response_rec;

/* One answer with its response's context, as storage scans hand it out. */
typedef struct mj_answer_row {
  const char *response;
  const char *customer;
  const char *segment;
  const char *wave;
  int64_t submitted_at;
  mj_answer_rec answer;
} mj_answer_row;

typedef struct mj_customer_rec {
  const char *id;
  const char *segment;
  const char *name;
  const char *lang;
  const char *channel;
  const char *email;
  int consent;             /* 1 may be surveyed, 0 opted out */
} mj_customer_rec;

/*
** One figure of a cycle. value/ci_low/ci_high are NAN where not defined.
**
** A scorer's figures use the fields as named. The host's own figures of
** complaints, audits and the service standard are not about a question,
** and reuse questionnaire, question, requirement, subject and label for
** what they are about, by scorer:
**   "complaints"  questionnaire: the breakdown: "category", "root_cause"
**                   or "step"; NULL for the totals (count, open, fcr).
**                 question: the category, the root cause, or the ISO
**                   10002 step ("acknowledged" ... "closed", or "total"
**                   for received to closed); NULL for the totals.
**                 label: "vital" on the share and cumulative figures of
**                   the Pareto's vital few, else NULL.
**   "audit"       questionnaire: the audit's id. question: the
**                   criterion's id; NULL for the visits count. segment:
**                   "all", "site:NAME" or "agent:NAME".
**   "standard"    question: the standard's id. subject: its indicator,
**                   a metric reference as written in the playbook.
**                   label: "met", "not met" or "no data" (metric "met"),
**                   the target as written (metric "indicator").
**   "gaps"        metric "gap1" to "gap5". requirement: the requirement
**                   (gap1, gap2), else NULL. question: the staff question
**                   (gap1, gap2), the standard's id (gap3), the promise's
**                   id (gap4); NULL for gap5.
*/
typedef struct mj_result_rec {
  int64_t cycle;
  const char *scorer;
  const char *metric;
  const char *questionnaire; /* NULL for requirement-level figures;
                             ** "complaints", "audit": see above */
  const char *question;      /* NULL for requirement-level figures;
                             ** "complaints", "audit", "standard", "gaps":
                             ** see above */
  const char *requirement;   /* NULL for question-level figures */
  const char *segment;       /* "all" for the whole sample; "audit":
                             ** also "site:NAME", "agent:NAME" */
  uint64_t n;                /* answers used */
  uint64_t n_excluded;       /* N/A, skipped or invalid answers left out */
  double value, ci_low, ci_high;
  const char *subject;       /* mj_figure.subject, or NULL; "standard":
                             ** its indicator */
  const char *label;         /* mj_figure.label, or NULL; "complaints",
                             ** "standard": see above */
  double sd;                 /* mj_figure.sd, 0 if not given */
  /* Change against the same figure of the previous cycle: value - its
  ** value, the test used ("two-proportion-z", "welch-t", "nps-wald-z")
  ** and its two-sided p-value; NAN/NULL when there is none. */
  double delta;
  const char *test;
  double p_change;
} mj_result_rec;

/*
** One row of the open-text answers a cycle keeps with its results (ABI
** 1.4, put_comments): list "count" gives, per text question, the answers
** that were not empty (n) and how many of the newest the cycle kept
** (keep); list "latest" the newest of a question, newest first; list
** "most" the few gravest of all the cycle's text answers, from the
** respondents who rated lowest. rank is the place in its list, from 0.
*/
typedef struct mj_comment_rec {
  int64_t cycle;
  const char *questionnaire;
  const char *question;
  const char *list;          /* "count", "latest" or "most" */
  int64_t rank;
  uint64_t n;                /* "count" only */
  int64_t keep;              /* "count" only */
  const char *response;      /* "latest", "most": the response's id */
  int64_t submitted_at;
  const char *text;
} mj_comment_rec;

typedef int (*mj_comment_cb)(void *ud, const mj_comment_rec *rec);

typedef struct mj_cycle_rec {
  int64_t id;
  const char *name;
  int64_t started_at, finished_at;  /* finished_at 0 while running */
  const char *status;               /* "running", "done", "failed" */
} mj_cycle_rec;

typedef struct mj_plan_rec {
  const char *id;
  const char *status;       /* "open", "closed", ... */
  const char *owner;
  int64_t due_at;
  int64_t opened_cycle;
  int64_t opened_at, updated_at;
  const char *evidence;     /* JSON array of the figures that opened it */
  const char *actions;      /* JSON array of {text, owner, due_at, status} */
  const char *note;
} mj_plan_rec;

typedef struct mj_plan_event_rec {
  const char *plan;
  int64_t cycle;
  int64_t at;
  const char *kind;         /* "opened", "updated", ... */
  const char *note;
} mj_plan_event_rec;

/* A complaint through the ISO 10002 steps; a step not reached yet is 0.
** fcr: 1 resolved at first contact, 0 not, -1 unknown. */
typedef struct mj_complaint_rec {
  const char *id;
  const char *wave;         /* the cycle it belongs to, e.g. "2026-11" */
  int64_t received_at;
  const char *channel, *customer, *category, *text;
  int64_t acknowledged_at, assessed_at, investigated_at;
  const char *root_cause;
  int64_t responded_at, closed_at;
  int fcr;
  const char *source;
} mj_complaint_rec;

/* One mystery-shopper visit or call: what was observed per criterion as
** a JSON object of criterion id to text ({"answer_time":"14"}). */
typedef struct mj_visit_rec {
  const char *id;
  const char *audit, *wave, *site, *agent;
  int64_t at;
  const char *values;
  const char *source;
} mj_visit_rec;

/* An event for notifiers (collectd's notification_t shape). */
typedef struct mj_meta {
  const char *key;
  const char *value;
} mj_meta;

typedef struct mj_event {
  const char *kind;          /* "plan.opened", "cycle.done", ... */
  int severity;              /* MJ_LOG_* */
  int64_t time;
  const char *subject;
  const char *message;
  const mj_meta *meta;
  size_t n_meta;
} mj_event;

/* ---------------------------------------------------------------------
** Kind operation tables. Each is APPEND-ONLY and starts with ops_size.
** Every operation takes the instance first and mj_error *err last, and
** returns MJ_OK or a negative MJ_E* code with *err filled.
*/

/* Storage callbacks: return MJ_OK to go on, anything else stops the scan
** and is returned by it. Records are borrowed for the call. */
typedef int (*mj_answer_cb)(void *ud, const mj_answer_row *row);
typedef int (*mj_result_cb)(void *ud, const mj_result_rec *rec);
typedef int (*mj_plan_cb)(void *ud, const mj_plan_rec *rec);
typedef int (*mj_plan_event_cb)(void *ud, const mj_plan_event_rec *rec);
typedef int (*mj_cycle_cb)(void *ud, const mj_cycle_rec *rec);

/* An invitation to answer a questionnaire: one customer of a sample, with
** the unguessable token the collectors and notifiers use. */
typedef struct mj_invitation_rec {
  const char *token;         /* 32 hex digits (128 random bits), unique */
  const char *customer;
  const char *questionnaire;
  const char *sample;        /* the sample declaration that drew it */
  const char *channel;       /* the customer's preferred channel, or NULL */
  const char *lang;          /* the customer's language, or NULL */
  int64_t created_at;
  int answered;              /* 1 once a response came in with the token */
} mj_invitation_rec;
typedef int (*mj_invitation_cb)(void *ud, const mj_invitation_rec *rec);
typedef int (*mj_complaint_cb)(void *ud, const mj_complaint_rec *rec);
typedef int (*mj_visit_cb)(void *ud, const mj_visit_rec *rec);
typedef int (*mj_response_cb)(void *ud, const mj_response_rec *rec);

/*
** Added in ABI 1.3.
** One message of the outbox: an event for one notifier, with where its
** delivery stands. status is "pending" (not tried yet), "sending" (claimed
** by a delivery since claimed_at), "retry" (tried, due again at next_at),
** "sent" (at sent_at) or "failed" (parked: reason says why). Every string
** and the event are borrowed for the call that hands the record over.
*/
typedef struct mj_outbox_rec {
  int64_t id;                /* unique in the store, increasing */
  int64_t cycle;             /* the cycle whose event it is; 0: an
                             ** event of no cycle (a case's) */
  const char *notifier;      /* the notifier instance's name */
  const char *key;           /* the message's stable key */
  const char *status;
  int attempts;              /* deliveries tried so far */
  int64_t next_at;           /* due from then (pending, retry) */
  int64_t claimed_at;        /* sending: when it was claimed */
  int64_t sent_at;           /* sent: when */
  const char *reason;        /* the last attempt's error, or NULL */
  const char *claim;         /* sending: the claim's token, for mark */
  const mj_event *event;
} mj_outbox_rec;
typedef int (*mj_outbox_cb)(void *ud, const mj_outbox_rec *rec);

/*
** Added in ABI 1.4.
** A close-the-loop case: one stored response that matched one of the
** playbook's alerts, the person who answers for it, when it falls due,
** and how it ended. Strings are borrowed for the call.
*/
typedef struct mj_case_rec {
  int64_t id;                /* unique in the store, from 1, increasing */
  const char *alert;         /* the alert's id */
  const char *response;      /* the response's id */
  const char *customer;      /* the response's customer, or NULL */
  const char *questionnaire;
  const char *owner;
  const char *escalate_to;   /* or NULL: the owner is told again */
  int64_t opened_at;
  int64_t due_at;
  int64_t escalated_at;      /* 0: not escalated */
  int64_t closed_at;         /* 0: open */
  const char *closed_by;     /* who closed it, or NULL */
  const char *outcome;       /* what was done, or NULL */
} mj_case_rec;
typedef int (*mj_case_cb)(void *ud, const mj_case_rec *rec);

typedef struct mj_storage_ops {
  size_t ops_size;
  /* uri is the part after "KIND:" (a path for sqlite). Opening also
  ** migrates the schema forward to the plugin's newest version. */
  int (*open)(const mj_host_api *host, mj_ctx *ctx, const char *uri,
              void **inst, mj_error *err);
  void (*close)(void *inst);
  int (*schema_version)(void *inst, int *version, mj_error *err);
  int (*begin)(void *inst, mj_error *err);
  int (*commit)(void *inst, mj_error *err);
  int (*rollback)(void *inst, mj_error *err);

  int (*put_customer)(void *inst, const mj_customer_rec *c, mj_error *err);
  /* *inserted is 0 when a response with that id was already stored. */
  int (*put_response)(void *inst, const mj_response_rec *r, int *inserted,
                      mj_error *err);
  int (*count_responses)(void *inst, const char *questionnaire,
                         int64_t *n, mj_error *err);
  /* Every stored answer of a questionnaire, in response order. */
  int (*scan_answers)(void *inst, const char *questionnaire, mj_answer_cb cb,
                      void *ud, mj_error *err);

  int (*cycle_open)(void *inst, const char *name, int64_t at, int64_t *id,
                    mj_error *err);
  int (*cycle_close)(void *inst, int64_t id, const char *status, int64_t at,
                     mj_error *err);
  /* The newest cycle with status "done" (or *found = 0). */
  int (*last_cycle)(void *inst, mj_cycle_cb cb, void *ud, int *found,
                    mj_error *err);
  int (*put_result)(void *inst, const mj_result_rec *r, mj_error *err);
  int (*scan_results)(void *inst, int64_t cycle, mj_result_cb cb, void *ud,
                      mj_error *err);

  /* Plans: upsert by id; scan one (id) or all (id NULL). */
  int (*put_plan)(void *inst, const mj_plan_rec *p, mj_error *err);
  int (*scan_plans)(void *inst, const char *id, mj_plan_cb cb, void *ud,
                    mj_error *err);
  int (*put_plan_event)(void *inst, const mj_plan_event_rec *ev,
                        mj_error *err);
  int (*scan_plan_events)(void *inst, const char *plan, mj_plan_event_cb cb,
                          void *ud, mj_error *err);

  /* The notification outbox: every event with its delivery outcome. */
  int (*put_notification)(void *inst, int64_t cycle, const char *notifier,
                          const mj_event *ev, const char *status,
                          const char *detail, mj_error *err);
  /* The cycle with that id, whatever its status (or *found = 0). */
  int (*get_cycle)(void *inst, int64_t id, mj_cycle_cb cb, void *ud,
                   int *found, mj_error *err);
  /* Complaints: upsert by id, so a re-import with later steps
  ** filled in updates them; scan one wave's (wave NULL: all), by id. */
  int (*put_complaint)(void *inst, const mj_complaint_rec *c, mj_error *err);
  int (*scan_complaints)(void *inst, const char *wave, mj_complaint_cb cb,
                         void *ud, mj_error *err);
  /* Audit visits: upsert by id; scan an audit's (NULL: every audit) in one
  ** wave (NULL: all), by id. */
  int (*put_visit)(void *inst, const mj_visit_rec *v, mj_error *err);
  int (*scan_visits)(void *inst, const char *audit, const char *wave,
                     mj_visit_cb cb, void *ud, mj_error *err);
  /* Invitations: upsert by token (a second put of a stored
  ** token only ever sets answered); scan a sample's (sample NULL: all),
  ** oldest first. */
  int (*put_invitation)(void *inst, const mj_invitation_rec *inv,
                        mj_error *err);
  int (*scan_invitations)(void *inst, const char *sample,
                          mj_invitation_cb cb, void *ud, mj_error *err);
  /* Optional (NULL: the host uses scan_answers): what scan_answers gives,
  ** one whole response per call, in response order. The answers' question
  ** strings stay valid and unchanged until the scan returns, so a caller
  ** may map them to questions once per distinct pointer. */
  int (*scan_responses)(void *inst, const char *questionnaire,
                        mj_response_cb cb, void *ud, mj_error *err);
  /* Questionnaire versions. The version of a questionnaire whose
  ** structure has this fingerprint: the stored one, or else a new one
  ** numbered one past the questionnaire's newest (from 1), stored with its
  ** structure (a JSON array of {id, type, min, max, options}) and at. */
  int (*put_questionnaire_version)(void *inst, const char *questionnaire,
                                   const char *fingerprint,
                                   const char *structure, int64_t at,
                                   int *version, mj_error *err);
  /* Every stored version of a questionnaire, oldest first; the strings
  ** are borrowed for the call. */
  int (*scan_questionnaire_versions)(
      void *inst, const char *questionnaire,
      int (*cb)(void *ud, int version, const char *fingerprint,
                const char *structure, int64_t created_at),
      void *ud, mj_error *err);
  /* Optional (NULL: the host calls put_customer for each): all n customers
  ** of a playbook, customer i filled in by at(ud, i, &rec) (its strings
  ** borrowed until the next call), inside a transaction the host opened.
  ** The effect is put_customer on each; a store may skip the work when
  ** they are as it stored them last time, as they nearly always are. */
  int (*put_customers)(void *inst, size_t n,
                       void (*at)(void *ud, size_t i, mj_customer_rec *rec),
                       void *ud, mj_error *err);
  /* Optional (NULL: the host calls begin): begin a transaction that will
  ** add many responses, as an import does; commit or rollback ends it. A
  ** store may make it cheaper at the expense of others: a reader may have
  ** to wait for its end rather than read beside it. */
  int (*begin_bulk)(void *inst, mj_error *err);
  /* Added in ABI 1.1.
  ** Optional (NULL: the host cannot tell which cycles ran, and every run
  ** opens a new cycle): every stored cycle, whatever its status, oldest
  ** (lowest id) first; the record is borrowed for the call. */
  int (*scan_cycles)(void *inst, mj_cycle_cb cb, void *ud, mj_error *err);
  /* Added in ABI 1.1.
  ** Optional (NULL: a re-run opens a new cycle): run the stored cycle id
  ** again in place, in one transaction: its results are deleted, its
  ** status becomes "running", started_at at and finished_at 0. Plans,
  ** plan events and notifications that name the cycle stay. MJ_ENOTFOUND
  ** when no cycle has that id. */
  int (*cycle_reopen)(void *inst, int64_t id, int64_t at, mj_error *err);

  /*
  ** Added in ABI 1.3: the outbox, all five or none (NULL: the host
  ** delivers at once and records the outcome with put_notification).
  ** The host sets the policy (when to try again, when to give up); the
  ** store keeps the messages and hands each to one delivery at a time.
  ** Nothing here needs more than row locks and one-statement updates.
  **
  ** outbox_put: queue event ev for notifier, "pending" and due at `at`,
  ** under key, of cycle (0: of no cycle, as a case's messages). Called
  ** inside the transaction the host opened with begin, so the messages
  ** of a cycle are stored together or not at all.
  */
  int (*outbox_put)(void *inst, int64_t cycle, const char *notifier,
                    const mj_event *ev, const char *key, int64_t at,
                    mj_error *err);
  /*
  ** Claim up to limit due messages, oldest first, and hand each to cb: a
  ** message "pending" or "retry" with next_at <= now, or one "sending"
  ** whose claim is older than stale (claimed_at <= stale: its delivery
  ** died). The claim itself is one committed write that sets status
  ** "sending", claimed_at now and a fresh claim token, so two deliveries
  ** never claim the same message; cb runs after it, outside any
  ** transaction, and may call outbox_mark.
  */
  int (*outbox_claim)(void *inst, int64_t now, int64_t stale, size_t limit,
                      mj_outbox_cb cb, void *ud, mj_error *err);
  /*
  ** Record the outcome of a claimed message's delivery, in its own
  ** committed write, if the message is still "sending" under claim:
  **   "sent"     attempts + 1, sent_at = at, reason cleared;
  **   "retry"    attempts + 1, next_at, reason;
  **   "failed"   attempts + 1, parked, reason;
  **   "pending"  given back untried: attempts kept, next_at.
  ** MJ_ECONFLICT when the claim was lost (another delivery reclaimed the
  ** message as stale): nothing is written.
  */
  int (*outbox_mark)(void *inst, int64_t id, const char *claim,
                     const char *status, int64_t at, int64_t next_at,
                     const char *reason, mj_error *err);
  /* The messages not delivered yet ("pending", "retry", "sending"; failed
  ** 0) or the parked ones ("failed"; failed 1), oldest first. */
  int (*outbox_scan)(void *inst, int failed, mj_outbox_cb cb, void *ud,
                     mj_error *err);
  /* Put parked message id back: "pending", attempts 0, due at `at`, the
  ** reason kept. MJ_ENOTFOUND when no parked message has that id. */
  int (*outbox_retry)(void *inst, int64_t id, int64_t at, mj_error *err);

  /*
  ** Added in ABI 1.4: respect for the recipient, all three or none (NULL:
  ** the host cannot honour an unsubscribe, and says so). A message "to a
  ** customer" is one whose event has a "customer" meta, the customer's id.
  ** With these, outbox_mark also takes "cancelled" (parked, never to be
  ** sent: attempts kept, reason set; outbox_scan lists it among the parked
  ** ones and outbox_retry leaves it) and keeps a reason given with
  ** "pending" (NULL keeps the one before).
  **
  ** customer_unsubscribe: record that customer no longer wants messages,
  ** from `at`; at 0 takes the customer back. Kept apart from what
  ** put_customer(s) write, so importing the customers again changes
  ** nothing.
  */
  int (*customer_unsubscribe)(void *inst, const char *customer, int64_t at,
                              mj_error *err);
  /* When customer unsubscribed, in *at; 0 when they did not (or were
  ** taken back). */
  int (*customer_unsubscribed)(void *inst, const char *customer,
                               int64_t *at, mj_error *err);
  /* The sent_at of the messages to customer sent at or after since,
  ** newest first: at most limit of them in times, how many in *n. */
  int (*outbox_sent_to)(void *inst, const char *customer, int64_t since,
                        size_t limit, int64_t *times, size_t *n,
                        mj_error *err);

  /*
  ** Added in ABI 1.4: messages sent once only, and the customers thanked
  ** (optional, all three or none: NULL, the host queues neither the
  ** events that go once, a complaint past its limit or a day's thanks,
  ** nor the thanks).
  **
  ** outbox_has: *found 1 when a message under key is stored, whatever
  ** its status, else 0.
  */
  int (*outbox_has)(void *inst, const char *key, int *found, mj_error *err);
  /* Record that customer was thanked at `at`, inside the transaction the
  ** host opened with begin (the one that queues the thanks). */
  int (*put_thanked)(void *inst, const char *customer, int64_t at,
                     mj_error *err);
  /* Every customer thanked at or after since, once, with the latest
  ** time; customer is borrowed for the call. */
  int (*scan_thanked)(void *inst, int64_t since,
                      int (*cb)(void *ud, const char *customer, int64_t at),
                      void *ud, mj_error *err);
  /*
  ** Added in ABI 1.4: one reminder per invitation, both or none (NULL:
  ** the host sends no reminders).
  **
  ** scan_reminders_due: the invitations of sample that are not answered
  ** and not reminded, created at or before `before`, oldest first.
  */
  int (*scan_reminders_due)(void *inst, const char *sample, int64_t before,
                            mj_invitation_cb cb, void *ud, mj_error *err);
  /*
  ** Mark invitation token reminded at `at`, inside the transaction the
  ** host opened, unless it is answered or already reminded: *marked is 1
  ** when this call marked it, 0 when it did not (another delivery did
  ** first, or an answer came), so no invitation is reminded twice.
  */
  int (*invitation_remind)(void *inst, const char *token, int64_t at,
                           int *marked, mj_error *err);
  /*
  ** Added in ABI 1.4: close-the-loop cases, all four or none (NULL: a
  ** playbook's alerts open no case, and the host says so).
  **
  ** case_put: store case c (its id, escalated_at, closed_at, closed_by
  ** and outcome ignored) unless the store holds one of the same alert and
  ** response: *id is the new case's id, or 0 when there was one already
  ** (nothing is written). Called inside the transaction that stores the
  ** response, so a response and its cases are stored together or not at
  ** all.
  */
  int (*case_put)(void *inst, const mj_case_rec *c, int64_t *id,
                  mj_error *err);
  /* Case id, or every case (id 0), oldest first. */
  int (*case_scan)(void *inst, int64_t id, mj_case_cb cb, void *ud,
                   mj_error *err);
  /* Mark case id escalated at `at` if it is open and not escalated yet;
  ** MJ_ECONFLICT (nothing written) when it is closed or escalated
  ** already, MJ_ENOTFOUND when no case has that id. */
  int (*case_escalate)(void *inst, int64_t id, int64_t at, mj_error *err);
  /* Close case id at `at`, recording by and outcome, if it is open;
  ** MJ_ECONFLICT (nothing written) when it is closed already,
  ** MJ_ENOTFOUND when no case has that id. */
  int (*case_close)(void *inst, int64_t id, int64_t at, const char *by,
                    const char *outcome, mj_error *err);
  /*
  ** Added in ABI 1.4: answers from the web, fast and durable.
  **
  ** find_invitations (optional; NULL: the host scans every invitation):
  ** call cb with each invitation whose token starts with prefix, found
  ** by an index rather than a scan. The host looks a link up by the
  ** first half of its token and compares the whole in constant time, so
  ** the lookup's timing tells nothing of the half that is compared.
  */
  int (*find_invitations)(void *inst, const char *prefix,
                          mj_invitation_cb cb, void *ud, mj_error *err);
  /*
  ** Group commit (optional, all three or none: NULL, the host commits
  ** each response on its own). begin_durable: begin, as begin does, a
  ** transaction whose commit is on disk when commit returns (an fsync,
  ** not only the operating system's cache), to survive a power cut.
  ** part: start a part of the open transaction; part_end keeps it
  ** (undo 0) or undoes exactly what was written since part (undo 1,
  ** the rest of the transaction kept), so one failed write in a group
  ** does not sink the others. Parts do not nest.
  */
  int (*begin_durable)(void *inst, mj_error *err);
  int (*part)(void *inst, mj_error *err);
  int (*part_end)(void *inst, int undo, mj_error *err);
  /*
  ** Added in ABI 1.4: a cycle's open-text answers kept with its results,
  ** both or none (NULL: the report reads them from the responses again).
  **
  ** put_comments: replace the comments stored for cycle with the n of
  ** recs (n 0: none), inside the transaction the host opened to store
  ** the cycle's results, so both are stored together or not at all.
  */
  int (*put_comments)(void *inst, int64_t cycle, const mj_comment_rec *recs,
                      size_t n, mj_error *err);
  /* The comments stored for cycle, list by list ("count", "latest",
  ** "most") in rank order; none for a cycle stored without them. */
  int (*scan_comments)(void *inst, int64_t cycle, mj_comment_cb cb, void *ud,
                       mj_error *err);
  /*
  ** Added in ABI 1.4: a second connection for a second thread (optional;
  ** NULL: the host uses one connection). shareable: 1 when opening the
  ** uri this instance was opened with again gives a connection to the
  ** same data that may write on another thread while this one reads
  ** (its writes wait for no reader, as under SQLite's WAL), else 0 (a
  ** memory database, a read-only store). Two instances share no state:
  ** each is used by one thread at a time.
  */
  int (*shareable)(void *inst);
  /*
  ** Added in ABI 1.4: threads (optional; NULL: the store is never told).
  ** How many threads one operation of this instance may keep busy at
  ** once, the caller's included: 1 keeps every operation on the
  ** caller's thread (the host says so under MJ_ONE_THREAD), 0 lets the
  ** store use another where it pays, as it may when never told. The host
  ** says it once, after open. Either way every callback of a scan runs
  ** on the thread that called the scan, and the results are the same.
  */
  void (*threads)(void *inst, unsigned n);
  /*
  ** Added in ABI 1.5: customers put a few at a time (optional; NULL: the
  ** host puts them with put_customers, all in one call). What
  ** put_customers does, in steps the host may interleave with other
  ** writes of the same transaction, as an import does between its
  ** batches of responses. The host calls it with *next 0, then with the
  ** same n, at and ud while *next < n. Each call puts some customers from
  ** *next on (about one statement's worth) and moves *next past them, or
  ** to n when the rest need no work; the call that brings *next to n
  ** completes the put. A rollback starts it over at 0.
  */
  int (*put_customers_some)(void *inst, size_t n,
                            void (*at)(void *ud, size_t i,
                                       mj_customer_rec *rec),
                            void *ud, size_t *next, mj_error *err);
} mj_storage_ops;

/* A scorer's input: the valid answers of one question (or of all the
** questions measuring one requirement) in one segment. */
typedef struct mj_sample {
  const char *qtype;       /* question type, e.g. "nps", "scale5" */
  int scale_min, scale_max;
  const double *values;    /* valid numeric answers only */
  size_t n;
  uint64_t n_excluded;     /* N/A, skipped and invalid answers */
  /* When every value is an integer in counts_lo..counts_lo+counts_span-1
  ** (scales, NPS, yes/no): counts[v - counts_lo] answers were v, and
  ** values holds the same answers in ascending order (or is NULL for a
  ** scorer with counts_suffice). NULL otherwise. Summing counts is exact
  ** and n times cheaper than reading values. */
  const uint64_t *counts;
  int counts_lo;
  size_t counts_span;
} mj_sample;

/* One figure a scorer computes; NAN where a bound is not defined. */
typedef struct mj_figure {
  const char *metric;      /* "nps", "promoters", "t2b", "mean", ... */
  double value, ci_low, ci_high;
  uint64_t n;
  /* What the figure is about when a matrix scorer emits several of one
  ** metric: "question:Q3", "dimension:tangibles", "feature:wifi";
  ** NULL for the whole sample. */
  const char *subject;
  /* A categorical result ("A", "O", "M"... for Kano; a quadrant for IPA),
  ** or NULL. value then carries the share or strength behind it. */
  const char *label;
  /* Standard deviation of the values behind a mean (for change tests
  ** between cycles); 0 when not given. */
  double sd;
} mj_figure;

typedef struct mj_figure_sink {
  void *ud;
  int (*emit)(void *ud, const mj_figure *f, mj_error *err);
} mj_figure_sink;

/*
** A matrix scorer's input: the answers of one questionnaire in one
** segment, one row per response and one column per question, for measures
** that span questions (SERVQUAL gaps, Kano pairs, IPA, reliability, CSI).
*/
typedef struct mj_column {
  const char *question;    /* question id */
  const char *qtype;       /* "scale5", "nps", "text", ... */
  int scale_min, scale_max;
  const char *requirement; /* what it measures, or NULL */
  const char *dimension;   /* that requirement's dimension, or NULL */
  double target;           /* that requirement's target, NAN if none */
  double weight;           /* that requirement's weight, NAN if none */
  const mj_meta *tags;     /* the question's `tags = { key = "value" }` */
  size_t n_tags;
} mj_column;

typedef struct mj_matrix {
  const mj_column *cols;
  size_t n_cols;
  size_t n_rows;
  /* n_rows * n_cols values, row-major: values[r * n_cols + c]. NAN where
  ** the answer is N/A or skipped (state says which). */
  const double *values;
  const unsigned char *state; /* mj_answer_state per cell */
} mj_matrix;

/* When each customer was a customer, for scorers of the customer base. */
typedef struct mj_customer_span {
  const char *id;
  const char *segment;
  int64_t since;           /* became a customer; 0 if unknown */
  int64_t until;           /* stopped being one; 0 if still active */
} mj_customer_span;

typedef struct mj_customer_set {
  const mj_customer_span *customers;
  size_t n;
  int64_t period_from, period_to; /* the cycle's period, [from, to) */
} mj_customer_set;

/*
** The role a question plays for the scorers, from its tags (the one rule
** the host and the built-in scorers share): the value of its `role` tag
** ("expectation", "perception", "importance", "performance", ...), else
** "kano" for either question of a Kano pair (tagged kano = "FEATURE"),
** else "" for a plain rating. A scorer declares the roles score() reads in
** mj_scorer_ops.roles; a matrix scorer that picks its columns by type
** rather than by its own tags applies the same rule to each column.
*/
static inline const char *mj_question_role(const mj_meta *tags,
                                           size_t n_tags)
{
  const char *kano = NULL;
  for (size_t i = 0; tags && i < n_tags; i++) {
    if (!tags[i].key)
      continue;
    if (strcmp(tags[i].key, "role") == 0)
      return tags[i].value ? tags[i].value : "";
    if (strcmp(tags[i].key, "kano") == 0)
      kano = "kano";
  }
  return kano ? kano : "";
}

/*
** Whether a role is a rating of the service received: a plain rating
** (""), a SERVQUAL perception or an IPA performance question. These are
** the answers a requirement's figures pool.
*/
static inline int mj_role_is_rating(const char *role)
{
  return !role || strcmp(role, "") == 0 || strcmp(role, "perception") == 0 ||
         strcmp(role, "performance") == 0;
}

typedef struct mj_scorer_ops {
  size_t ops_size;
  /* Question types scored, NULL-terminated; "scale*" matches by prefix. */
  const char *const *qtypes;
  /* Metric names it may emit, NULL-terminated (for docs and listings). */
  const char *const *metrics;
  int (*create)(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                void **inst, mj_error *err);
  void (*destroy)(void *inst);
  int (*score)(void *inst, const mj_sample *s, const mj_figure_sink *out,
               mj_error *err);
  /* Optional (NULL: per-question only). Called once per questionnaire
  ** and segment with every answer; figures name their subject. A scorer
  ** may set score to NULL and work on matrices only. */
  int (*score_matrix)(void *inst, const mj_matrix *m,
                      const mj_figure_sink *out, mj_error *err);
  /* Optional: score the customers themselves over the cycle's period
  ** (retention, churn), once for "all" and once per segment. */
  int (*score_customers)(void *inst, const mj_customer_set *c,
                         const mj_figure_sink *out, mj_error *err);
  /* Optional, all three or none: score_matrix's figures from the rows in
  ** chunks, so a million responses never become one table of doubles.
  ** Per questionnaire and segment the host calls stream_open with the
  ** columns, stream_rows with each chunk (same columns, rows in response
  ** order), then stream_close, which emits the figures and frees the
  ** state; after an error stream_close gets out NULL and only frees.
  ** The states of several segments may be open at once, their calls
  ** interleaved (the host streams while it reads the store).
  ** When present the host uses these instead of score_matrix. */
  int (*stream_open)(void *inst, const mj_column *cols, size_t n_cols,
                     void **state, mj_error *err);
  int (*stream_rows)(void *inst, void *state, const mj_matrix *chunk,
                     mj_error *err);
  int (*stream_close)(void *inst, void *state, const mj_figure_sink *out,
                      mj_error *err);
  /* Set when score reads a sample's counts whenever it has them, and its
  ** values only when it has none: the host then hands a counted sample
  ** over with values NULL instead of writing out every answer as a double
  ** (a million per question and segment). 0: values are always given. */
  int counts_suffice;
  /* Added in ABI 1.1: the host reads it only when ops_size covers it.
  ** The question roles (mj_question_role) score() reads besides its
  ** qtypes, NULL-terminated; "" is a plain rating. NULL: plain ratings
  ** only. A requirement's figures pool the answers of the questions
  ** measuring it whose role is a rating (mj_role_is_rating) and count as
  ** role "". A question of a role not listed is never handed to score():
  ** a Kano pair, an expectation or an importance is not a rating. */
  const char *const *roles;
  /*
  ** Added in ABI 1.6: the host reads it only when ops_size covers it.
  ** Set when stream_open and stream_rows (and stream_close of a state
  ** that failed, out NULL) may run on a thread of the host's while the
  ** cycle's thread goes on reading the store. The host then calls them
  ** one at a time, in the order one thread would, never beside another
  ** call to this instance, and they call no host function but alloc,
  ** realloc, free, strdup, error and error_at; what they compute must
  ** not depend on the thread. 0: they run on the cycle's thread.
  */
  int stream_any_thread;
} mj_scorer_ops;

typedef struct mj_notifier_ops {
  size_t ops_size;
  int (*create)(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                void **inst, mj_error *err);
  void (*destroy)(void *inst);
  /* MJ_OK delivered, MJ_RETRY try later, negative: failed (recorded). */
  int (*notify)(void *inst, const mj_event *ev, mj_error *err);
} mj_notifier_ops;

/* Where a collector pushes what it reads. row numbers count the header as
** row 1; cells are NUL-terminated, lens excludes the NUL. */
typedef struct mj_sink {
  void *ud;
  int (*header)(void *ud, const char *const *names, size_t n, mj_error *err);
  int (*row)(void *ud, uint64_t row, const char *const *cells,
             const size_t *lens, size_t n, mj_error *err);
} mj_sink;

/*
** Added in ABI 1.4: respondents served directly (a web form).
**
** A collector with serve() talks to respondents itself: the host hands it
** an mj_serve_host whose callbacks describe the questionnaire a link
** opens and validate and store what comes back, with the rules and the
** store an import uses. The plugin owns the protocol (HTTP, pages,
** sessions, limits); the host owns questionnaires, rules and the store.
** Every callback is called from the thread that called serve(), unless
** the host says it is concurrent (below).
*/

/* One option of a choice or multi question, in the order to show it. */
typedef struct mj_form_option {
  const char *code;          /* what is submitted and stored */
  const char *label;         /* in the respondent's language */
} mj_form_option;

typedef struct mj_form_question {
  const char *id;
  const char *type;          /* as declared: "scale5", "nps", "ces",
                             ** "text", "choice", "multi", "yesno",
                             ** "number", "date", "points" */
  const char *text;          /* in the respondent's language, with the
                             ** customer's fields filled in */
  const char *section;       /* or NULL */
  int required, allow_na;
  int other;                 /* choice, multi: "other:TEXT" accepted */
  int min, max;              /* scales and NPS: the points */
  const char *const *labels; /* scales: the label of min..max, or NULL */
  const mj_form_option *options; /* choice, multi */
  size_t n_options;
  double num_min, num_max;   /* number, points: the range when has_ */
  int has_num_min, has_num_max, integer;
  int max_len;               /* text: the longest answer, in bytes */
  int conditional;           /* asked only when an earlier answer says */
  /* ---- set by submit(): */
  int asked;                 /* 0: its condition is false; not shown */
  const char *value;         /* the answer as last submitted, or NULL */
  const char *error;         /* why it was refused, or NULL */
} mj_form_question;

typedef struct mj_form {
  const char *questionnaire;
  const char *response;      /* the response id a submission stores */
  const char *lang;          /* the respondent's language */
  const char *title;
  const char *intro;         /* what it is for, or NULL */
  int minutes;               /* how long it takes, 0 when not said */
  mj_form_question *questions;
  size_t n_questions;
} mj_form;

typedef struct mj_serve_host {
  size_t size;               /* sizeof(mj_serve_host) as the host built it */
  void *ud;                  /* handed back to every callback */
  const char *listen;        /* "ADDRESS:PORT" to listen on */
  /* Nonzero once the host wants serve() to finish the requests under
  ** way and return. serve() asks often (10 times a second or more). */
  int (*stopping)(void *ud);
  /*
  ** The form a link opens: an invitation's token, or (token NULL) an
  ** anonymous link to questionnaire; response: the id a form shown
  ** before had (NULL: a new one). MJ_OK: *form is the host's until
  ** close(). Refusals still set *lang (the respondent's language, or
  ** NULL) for a polite page: MJ_ENOTFOUND no such link, MJ_ECONFLICT
  ** already answered, MJ_ELIMIT expired.
  */
  int (*open)(void *ud, const char *token, const char *questionnaire,
              const char *response, mj_form **form, const char **lang,
              mj_error *err);
  /*
  ** Check values (one per question of form, as a cell of an import;
  ** NULL or "" for none) with the import's rules, setting each
  ** question's asked, value and error; with store nonzero, then store
  ** the response in one transaction that also marks its invitation
  ** answered, durably, before returning MJ_OK. MJ_EVALIDATE: some
  ** question has an error. MJ_ECONFLICT: the link was answered already.
  */
  int (*submit)(void *ud, mj_form *form, const char *const *values,
                int store, mj_error *err);
  void (*close)(void *ud, mj_form *form);
  /*
  ** Added in ABI 1.4 (check size before calling; NULL: the collector
  ** answers 404 for unsubscribe links). The customer an invitation's
  ** token was sent to: with record nonzero, unsubscribe them at once
  ** and durably, as mj_unsubscribe() does, so no message is sent to
  ** them (doing it again is MJ_OK); with record 0, only look the token
  ** up, for a page that asks to confirm. *lang: the customer's language
  ** (NULL when the playbook does not say). MJ_ENOTFOUND: no invitation
  ** has that token (err says so; a page should not).
  */
  int (*unsubscribe)(void *ud, const char *token, int record,
                     const char **lang, mj_error *err);
  /*
  ** Added in ABI 1.4 (check size before calling; NULL: no report to
  ** serve): the cycle's report as one HTML page (inline CSS, no script)
  ** for /report, which the collector serves only behind the credentials
  ** it is configured with. *html is the host's until report_free().
  ** MJ_ENOTFOUND: no report (no cycle has run, or the host has none).
  */
  int (*report)(void *ud, char **html, size_t *len, mj_error *err);
  void (*report_free)(void *ud, char *html);
  /*
  ** Added in ABI 1.4 (check size before reading): nonzero when every
  ** callback above may be called from several threads at once, and
  ** submit() with store nonzero waits, without holding anything the
  ** other callbacks need, until its response is committed with others
  ** (group commit). A collector may then serve each connection on a
  ** thread of its own; with 0 (or an older host), it calls from the
  ** thread of serve() only. Once stopping() is nonzero, submit() may
  ** refuse to store with MJ_ELIMIT: answer 503, nothing was stored.
  */
  int concurrent;
} mj_serve_host;

typedef struct mj_collector_ops {
  size_t ops_size;
  int (*create)(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                void **inst, mj_error *err);
  void (*destroy)(void *inst);
  /* Read source (a path) and push its header then every row to sink.
  ** A malformed file is an MJ_EDATA error with row and column. */
  int (*collect)(void *inst, const char *source, const mj_sink *sink,
                 mj_error *err);
  /* Added in ABI 1.4. Optional (NULL or not covered by ops_size: the
  ** collector only reads files): serve respondents, on host->listen,
  ** until host->stopping(); MJ_EIO when it cannot listen there. */
  int (*serve)(void *inst, const mj_serve_host *host, mj_error *err);
} mj_collector_ops;

/* ---------------------------------------------------------------------
** The descriptor. The first five fields are fixed forever; the host
** reads nothing past desc_size.
*/
typedef struct mj_plugin_desc {
  uint32_t magic;          /* MJ_PLUGIN_MAGIC */
  uint16_t abi_major, abi_minor;
  uint32_t desc_size;      /* sizeof(mj_plugin_desc) as the plugin saw it */
  uint32_t abi_fingerprint;/* MJ_ABI_FINGERPRINT */
  const char *name;        /* [a-z0-9_-]+, unique per kind */
  const char *version;
  const char *description;
  const char *license;
  mj_plugin_kind kind;
  const mj_option *options;          /* NULL-terminated, may be NULL */
  /* Optional set-up/tear-down, called once by each engine that loads the
  ** plugin (the host keeps no process-wide state, so two engines in one
  ** process call load() twice). Never keep host or engine state in a
  ** static. */
  int (*load)(const mj_host_api *host, mj_error *err);
  void (*unload)(void);
  const void *ops;                   /* mj_<kind>_ops */
  const mj_export *exports;          /* NULL-terminated, may be NULL */
} mj_plugin_desc;

#define MJ_PLUGIN_HEADER                                                     \
  MJ_PLUGIN_MAGIC, MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR,                 \
      (uint32_t)sizeof(mj_plugin_desc), MJ_ABI_FINGERPRINT

typedef const mj_plugin_desc *(*mj_plugin_entry_fn)(void);

/*
** MJ_PLUGIN_DEFINE(id, desc) defines mj_plugin_<id>_entry (unique, so the
** in-tree plugins can be linked statically into one program) and, in a
** module build (MJ_PLUGIN_MODULE defined), the generic mj_plugin_entry the
** loader looks up.
*/
#ifdef MJ_PLUGIN_MODULE
#define MJ_PLUGIN_DEFINE(id, desc)                                           \
  MJ_PLUGIN_EXPORT const mj_plugin_desc *mj_plugin_##id##_entry(void);       \
  MJ_PLUGIN_EXPORT const mj_plugin_desc *mj_plugin_##id##_entry(void)        \
  {                                                                          \
    return &(desc);                                                          \
  }                                                                          \
  MJ_PLUGIN_EXPORT const mj_plugin_desc *mj_plugin_entry(void);              \
  MJ_PLUGIN_EXPORT const mj_plugin_desc *mj_plugin_entry(void)               \
  {                                                                          \
    return &(desc);                                                          \
  }
#else
#define MJ_PLUGIN_DEFINE(id, desc)                                           \
  const mj_plugin_desc *mj_plugin_##id##_entry(void);                        \
  const mj_plugin_desc *mj_plugin_##id##_entry(void) { return &(desc); }
#endif

#ifdef __cplusplus
}
#endif
#endif
