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
#include <stdio.h>

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

/* Let the playbook use io/os, require C modules, load plugins from paths
** it names, name files outside its folder (customers, import files, the
** store, plugin options) and read any environment variable. Only for
** playbooks the operator trusts. */
#define MJ_TRUST_PLAYBOOK 0x1u
/* Do not search the installed plugin folder (tests, sealed hosts). */
#define MJ_NO_DEFAULT_PLUGINS 0x2u
/* Use one thread: a cycle then stores the playbook's customers before it
** reads the responses, not beside, hands the streaming scorers their rows
** itself, and the store reads its responses on the caller's thread alone.
** Results are the same either way. */
#define MJ_ONE_THREAD 0x4u

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
  unsigned flags;            /* MJ_TRUST_PLAYBOOK, MJ_NO_DEFAULT_PLUGINS,
                                MJ_ONE_THREAD */
  int64_t now;               /* clock override, seconds since the epoch;
                                0: the real clock. Every date the engine
                                takes from a clock (submitted_at, due
                                dates, "now" in samples and reports) reads
                                this; tests and reproducible runs pin it */
  /* ---- appended: a caller whose struct_size ends before a field
  ** leaves it at its default (NULL) ---- */
  const char *env_allow;     /* names of the environment variables an
                                untrusted playbook may read with
                                mejora.env, separated by ',' (or ':' or
                                spaces): "HOOK_URL,API_KEY". NULL or "":
                                none. A trusted playbook reads any. */
  const char *lua_path;      /* ':'-separated folders a playbook's
                                require searches first, before mejora's
                                own script folders; NULL or "": those
                                only. The library reads no environment:
                                the mejora command fills this from
                                MEJORA_LUA_PATH */
} mj_opts;

/*
** Parse a date or time as the engine reads them in data files and
** playbooks: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]" (no offset:
** UTC). On success *out is seconds since the epoch and MJ_OK is
** returned; otherwise MJ_EINVAL and *out is unchanged. Hosts use it to
** fill mj_opts.now from a setting such as the command's MEJORA_NOW.
*/
MJ_API int mj_time_parse(const char *text, int64_t *out);

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
** Check, after mj_playbook_load, what a run would refuse before it starts,
** without opening the store or writing any file: the store names a
** storage plugin that is found; every `use` names a plugin that is found,
** with known options of the right types (each instance is created, which
** plugins keep free of side effects); and each cycle's scorers and
** notifiers exist and the files it imports are there. cycle NULL checks
** every declared cycle; a name checks that one, as mj_cycle_run(e, cycle,
** ...) would. mj_cycle_run makes the same checks before it writes.
** Errors: MJ_ENOTFOUND (a plugin, scorer, notifier, cycle or file),
** MJ_EVALIDATE (an option), MJ_EPLUGIN (a plugin refused its options),
** MJ_EINVAL (no playbook loaded); the message starts "FILE:LINE: " and
** says "did you mean" where a near name exists.
*/
MJ_API int mj_playbook_check(mj_engine *e, const char *cycle);

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
  uint64_t accepted;     /* new responses (complaints, visits) stored */
  uint64_t duplicates;   /* ids already stored: a response is skipped, a
                            complaint or visit updated to the file's */
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
** path is the caller's and may be anywhere; it must be a regular file (a
** FIFO or a device is refused with MJ_EINVAL, never read).
*/
MJ_API int mj_import(mj_engine *e, const char *questionnaire,
                     const char *path, mj_import_stats *stats);

/*
** How mj_import_ex reads a file. Zero it, then set size to
** sizeof(mj_import_opts): fields are only ever appended.
**   pilot    1: every response of the file is a pilot (pre-test) one:
**            stored, but left out of cycles unless they include_pilot.
**            0: a `pilot` column (1/true/yes, 0/false/no) decides per row.
**   columns  n_columns renames {name, column}: our name ("nps", or one of
**            response_id, customer_id, token, segment, submitted_at, wave,
**            channel, pilot) and the file's header name (or JSON key) for
**            it, e.g. {"nps", "Q1_NPS"}. Unmapped columns keep their names.
**   sep      the CSV's field separator, one character (NULL: a comma, or
**            the playbook's `use "collector.csv" { delimiter = ... }`);
**            Excel in much of Europe writes ";".
**   encoding the CSV's text encoding, an iconv name ("windows-1252",
**            "windows-1250", "windows-1251", "iso-8859-2"; NULL: UTF-8).
**            A byte that is not text in it refuses the whole file.
**   date_format  how submitted_at is written: "dd/mm/yyyy", "mm/dd/yyyy",
**            "yyyy-mm-dd" or the like (dd, mm and yyyy once each, any
**            other character as written), optionally followed by a time
**            "HH:MM" or "HH:MM:SS" in UTC (NULL: ISO 8601).
** Header names match ours whatever their case and surrounding spaces.
** MJ_EINVAL for a name that is neither a question nor one of those, or
** an unusable sep, encoding or date_format; MJ_EDATA for a column no
** header (or no JSON object) has.
*/
typedef struct mj_import_column {
  const char *name;    /* ours: a question id or a fixed column */
  const char *column;  /* the file's */
} mj_import_column;

typedef struct mj_import_opts {
  size_t size;         /* sizeof(mj_import_opts) */
  int pilot;
  const mj_import_column *columns;
  size_t n_columns;
  const char *sep;
  const char *encoding;
  const char *date_format;
} mj_import_opts;

/*
** mj_import with options (opts NULL: as mj_import). Besides the question
** columns a CSV may carry `token` (an invitation's: it names the customer,
** stands for a missing response_id, and marks the invitation answered),
** `channel` (else the customer's preferred one) and `pilot`. Each stored
** response records its questionnaire's version: a questionnaire whose
** question ids, types, ranges or options changed since the last import
** gets the next version number.
*/
MJ_API int mj_import_ex(mj_engine *e, const char *questionnaire,
                        const char *path, const mj_import_opts *opts,
                        mj_import_stats *stats);

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
** notify. *cycle_id (may be NULL) receives the stored cycle's id.
**
** name NULL: the current cycle, the latest declared (in playbook order)
** whose period has started at the engine's clock (mj_opts.now), a cycle
** without a period counting as started; else the last declared. A
** playbook that declares no cycle runs one called "default", and each of
** its runs is a new cycle.
**
** A declared cycle runs once: while the store holds a finished run of it,
** running it again is MJ_ECONFLICT (the message says when it ran), unless
** mj_cycle_run_ex is given MJ_CYCLE_RERUN. Its changes are measured
** against the nearest cycle declared before it that has run, and a plan
** is verified, or reopened after closing, only on a cycle declared after
** every cycle that opened or closed it.
*/
MJ_API int mj_cycle_run(mj_engine *e, const char *name, int64_t *cycle_id);

/* mj_cycle_run_ex flags. */
#define MJ_CYCLE_RERUN                                                         \
  1u /* run a finished cycle again, in its place: its                          \
     ** stored id is kept and its results replaced */

/* mj_cycle_run with flags (0: as mj_cycle_run). */
MJ_API int mj_cycle_run_ex(mj_engine *e, const char *name, unsigned flags,
                           int64_t *cycle_id);

/* ---------------------------------------------------------------------
** The outbox. A cycle queues its notifications in the store in the
** transaction that marks it done, then delivers them; what is not
** delivered waits there. A notifier's "try later" (MJ_RETRY) is tried again after
** 1, 2, 4 ... minutes (at most 6 hours apart); the 8th try that fails, or
** any refusal, parks the message as failed with the reason. A message is
** marked sent right after its notifier reports it delivered; a crash in
** between sends it again, with the same key for the receiver to drop it
** (the notifiers' Message-ID, Idempotency-Key). Each needs a store with
** an outbox (plugin ABI 1.3): MJ_EINVAL otherwise. Time is the engine's
** clock (mj_opts.now).
*/

/* What one delivery did. */
typedef struct mj_outbox_counts {
  size_t sent;   /* delivered and marked sent */
  size_t retry;  /* not delivered for now: due again later */
  size_t failed; /* parked as failed: refused, or out of tries */
  size_t kept;   /* for a notifier the playbook no longer uses: kept */
  size_t deferred;  /* to a customer in quiet hours or over the cap: later */
  size_t cancelled; /* to a customer who unsubscribed: never sent */
} mj_outbox_counts;

/*
** Deliver every message due by now, through the playbook's notifiers,
** and say how it went in *counts. A message another delivery has claimed
** is left alone unless that claim is 10 minutes old (its delivery died).
** A notifier's failure is counted, never an error; errors: MJ_EINVAL,
** MJ_ESTORE.
*/
MJ_API int mj_deliver(mj_engine *e, mj_outbox_counts *counts);

/* mj_outbox_list flags. */
#define MJ_OUTBOX_FAILED 1u /* the parked messages, not the waiting ones */

/*
** The messages waiting to be delivered (pending, retry, or being sent),
** or with MJ_OUTBOX_FAILED the parked ones, oldest first, as "text" (a
** table: id, notifier, kind, status, attempts, next attempt, last reason)
** or "json" (an array of objects with those and cycle, subject, key and
** claimed_at). The caller frees *out with mj_free().
*/
MJ_API int mj_outbox_list(mj_engine *e, unsigned flags, const char *format,
                          char **out, size_t *len);

/*
** Put parked message id back in the queue, due now, its tries counted
** from 0 again. MJ_ENOTFOUND when no parked message has that id.
*/
MJ_API int mj_outbox_retry(mj_engine *e, int64_t id);

/* mj_unsubscribe flags. */
#define MJ_UNSUBSCRIBE_CUSTOMER 1u /* who is a customer id, not a token */
#define MJ_UNSUBSCRIBE_UNDO 2u     /* take the customer back */

/*
** The customer behind invitation token who (or customer id who, with
** MJ_UNSUBSCRIBE_CUSTOMER) wants no more messages, from now on: every
** delivery after this call cancels the messages to them (status
** "cancelled", listed with the parked ones, never sent), also those
** queued before. Importing the customers again does not undo it;
** MJ_UNSUBSCRIBE_UNDO does, for a customer who asks to be written to
** again. Calling it twice keeps the first time. An unsubscribe link's
** target (a web page, `mejora serve`) calls this with the link's token.
** Errors: MJ_ENOTFOUND (no invitation has the token, no such customer),
** MJ_EINVAL (a store without ABI 1.4 unsubscribes), MJ_ESTORE.
*/
MJ_API int mj_unsubscribe(mj_engine *e, const char *who, unsigned flags);
/* ---------------------------------------------------------------------
** Close-the-loop cases (doc/cases.md). A playbook's `alert` opens a case
** for each stored response that matches it, as the response is stored,
** and queues a "case.opened" message to its owner; mj_deliver (and a
** cycle's run) first escalates every open case past due, once, queueing
** "case.escalated". Both need a store with the case operations (plugin
** ABI 1.4): MJ_EINVAL otherwise.
*/

/* mj_cases flags. */
#define MJ_CASES_OPEN 1u    /* only the cases not closed yet */
#define MJ_CASES_OVERDUE 2u /* only the open cases past their due time */

/*
** The cases, oldest first (id 0), or case id alone, as "text" (a table:
** case, alert, status, owner, customer, due; one case: every field) or
** "json" (an array of objects, one case: the object, with id, alert,
** status "open", "overdue" or "closed", response, customer,
** questionnaire, owner, escalate_to, opened_at, due_at, escalated_at,
** closed_at, closed_by, outcome and in_time). The flags pick among all
** cases; case id is shown whatever they say. The caller frees *out with
** mj_free(). MJ_ENOTFOUND for an unknown id.
*/
MJ_API int mj_cases(mj_engine *e, unsigned flags, int64_t id,
                    const char *format, char **out, size_t *len);

/*
** Close case id now, recording who closed it (by) and what was done
** (outcome); *in_time (may be NULL) says whether it was by its due time.
** MJ_ENOTFOUND for an unknown case, MJ_ECONFLICT for a closed one.
*/
MJ_API int mj_case_close(mj_engine *e, int64_t id, const char *by,
                         const char *outcome, int *in_time);

/*
** Can the output of command be written in format? The commands and their
** formats: "report" text, json or md; "plans", "complaints", "audits",
** "sample" and "outbox" text or json; "invitations" text, csv or json;
** "export" csv, json, xlsx or sav (the functions behind them check the
** same way). MJ_OK when it can; MJ_EINVAL when it cannot, or for an
** unknown command, with the reason written to why (up to whylen bytes,
** NUL-terminated; why may be NULL): "unknown format 'xml' (use text, json
** or md)". No engine needed.
*/
MJ_API int mj_format_check(const char *command, const char *format, char *why,
                           size_t whylen);

/*
** The stored id of the newest finished run of the cycle called name, as
** the playbook declares it ("default" in a playbook that declares none),
** to give mj_report. A name that no cycle declared or stored has, written
** as a decimal number, is taken as a stored id as it is (mj_report says
** whether the store holds it). Errors: MJ_ENOTFOUND when no cycle has
** that name (the message lists the declared ones) or when that cycle has
** not finished a run yet; MJ_EINVAL (no playbook loaded), MJ_ESTORE.
*/
MJ_API int mj_cycle_find(mj_engine *e, const char *name, int64_t *cycle_id);

/*
** "Did you mean": of the n names in cands (NULL ones skipped), the one
** nearest to word, within two edits (one for a word of three letters or
** fewer; a swap of neighbours counts as one), or NULL when none is that
** near. The result is one of cands; nothing is allocated. No engine
** needed: mejora uses it for its commands and options.
*/
MJ_API const char *mj_suggest(const char *word, const char *const *cands,
                              size_t n);

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

/* ---------------------------------------------------------------------
** Complaints and mystery-shopper audits. Both are imported from
** CSV or recorded one at a time as column/value pairs, exactly like a CSV
** row; a record with an id already stored replaces it (later steps of a
** complaint are added by re-importing), counted in stats->duplicates as
** an update. Within one file an id is used once: a later row with it, or
** a row with a NUL byte in a cell, is rejected. Each belongs to a wave:
** its "wave" column, else the month of its date ("2026-11"), and a cycle
** counts the records of the wave named like it.
*/

/*
** Complaints CSV columns: id, received_at, channel, customer_id, category,
** text (id and received_at required), then as the ISO 10002 steps are
** reached: acknowledged_at, assessed_at, investigated_at, root_cause,
** responded_at, closed_at, first_contact_resolution (yes/no), and wave.
** Bad rows go to PATH.rejects.csv with row, column and reason.
*/
MJ_API int mj_complaints_import(mj_engine *e, const char *path,
                                mj_import_stats *stats);
MJ_API int mj_complaint_add(mj_engine *e, const char *const *columns,
                            const char *const *values, size_t n);

/*
** Audit visits CSV columns: visit_id, site, agent, date, then one column
** per criterion of the audit (blank or NA: not observed), and optionally
** wave. audit NULL: the playbook's only audit.
*/
MJ_API int mj_audits_import(mj_engine *e, const char *audit, const char *path,
                            mj_import_stats *stats);
MJ_API int mj_visit_add(mj_engine *e, const char *audit,
                        const char *const *columns,
                        const char *const *values, size_t n);

/*
** The complaint summary (steps, first-contact resolution, Pareto of
** categories and root causes) or the audit scorecards (per criterion,
** site and agent) of one wave (NULL: every record), as "text" or "json"
** (the figures). The caller frees *out with mj_free().
*/
MJ_API int mj_complaints_summary(mj_engine *e, const char *wave,
                                 const char *format, char **out, size_t *len);
MJ_API int mj_audits_summary(mj_engine *e, const char *wave,
                             const char *format, char **out, size_t *len);

/* Free memory the library handed to the caller. NULL: no-op. */
MJ_API void mj_free(void *p);

/* ---------------------------------------------------------------------
** Sampling: whom to ask.
*/

/*
** Draw the playbook's `sample "name"` and store each chosen customer as
** an invitation with a fresh unguessable token (128 random bits). The
** frame is the customers with consent who were not invited (by any
** sample) in the last fatigue_days. The size is the declared one, or
** n0 = z^2 p(1-p)/e^2 with Cochran's finite-population correction when
** n0 is over 5% of the frame, divided by the response rate; a stratified
** sample spreads it over segments (proportional or Neyman, at least 2
** each when possible, largest remainder). The same seed over the same
** frame draws the same customers; without a seed one is chosen and
** reported. *out (caller frees with mj_free()) describes the draw as
** "text" or "json" (sizes, strata, and each invitation with its token).
** Errors: MJ_ENOTFOUND (no such sample), MJ_EDATA (nobody eligible),
** MJ_EVALIDATE (a Neyman sd missing for a segment), MJ_ESTORE, MJ_EIO.
*/
MJ_API int mj_sample_draw(mj_engine *e, const char *name, const char *format,
                          char **out, size_t *len);

/* Only the invitations not answered yet. */
#define MJ_INVITATIONS_PENDING 0x1u

/*
** The stored invitations of one sample (sample NULL: of every sample),
** oldest first, for a collector or a mail merge: token, customer,
** questionnaire, sample, channel, lang, the customer's name and email
** from the playbook (empty/null when unknown), created_at (ISO 8601 UTC)
** and answered. Format "text" (a table and a count), "csv" (a header row,
** then one row per invitation; answered as 1/0) or "json" (an array of
** objects with those keys). An invitation is answered once a response
** comes in for it (an interview of the customer, an import by token).
** The caller frees *out with mj_free(). Errors: MJ_ENOTFOUND (a sample
** neither declared nor with stored invitations), MJ_EINVAL, MJ_ESTORE.
*/
MJ_API int mj_invitations_list(mj_engine *e, const char *sample,
                               const char *format, unsigned flags,
                               char **out, size_t *len);

/* ---------------------------------------------------------------------
** Interviews: a questionnaire asked one question at a time by
** an interviewer (the mejora command's `interview`, or a host's own
** screen). Answers are validated as they are given; progress is saved as
** a draft file beside the playbook after each answer, and opening the
** same questionnaire for the same customer again resumes it.
*/
typedef struct mj_interview mj_interview;

/* The question to ask now. Strings belong to the interview and are valid
** until its next call. */
typedef struct mj_interview_item {
  const char *id;            /* question id */
  const char *type;          /* as declared: "scale5", "nps", "choice"... */
  const char *text;          /* in the interview's language; a text it
                                lacks falls back to the questionnaire's
                                lang, then English or a plain string, then
                                the first (labels alike) */
  const char *section;       /* or NULL */
  size_t number, count;      /* its position (from 1) among count */
  int min, max;              /* scales and NPS: the range */
  const char *const *labels; /* scales: the label of min..max (n_labels 0
                                when the scale has no label set); choice,
                                multi: each option's label */
  const char *const *codes;  /* choice, multi: each option's code, in the
                                order shown: declared, or for randomize =
                                true shuffled per interview (the same after
                                a resume); number i means codes[i - 1] */
  size_t n_labels;
  int allow_na, required;
  const char *hint;          /* how to answer, e.g. "a number from 1 to 5,
                                NA for no experience, Enter to skip" */
} mj_interview_item;

/*
** Start (or resume, from its draft) an interview of customer for
** questionnaire. Errors: MJ_ENOTFOUND (questionnaire or customer), MJ_EINVAL
** (the customer opted out). Free with mj_interview_free().
*/
MJ_API int mj_interview_open(mj_engine *e, const char *questionnaire,
                             const char *customer, mj_interview **out);
/* NULL: no-op. Does not remove the draft of an unfinished interview. */
MJ_API void mj_interview_free(mj_interview *iv);
/* Answers restored from a draft (0 for a fresh interview). */
MJ_API int mj_interview_resumed(const mj_interview *iv);
/* The language questions are asked in (the customer's, else the
** questionnaire's, else "en"), and the draft file's path. */
MJ_API const char *mj_interview_lang(const mj_interview *iv);
MJ_API const char *mj_interview_draft(const mj_interview *iv);
/* The next question to ask, skipping those whose ask_if is false; *item
** NULL when every question has been asked. */
MJ_API int mj_interview_next(mj_interview *iv,
                             const mj_interview_item **item);
/*
** Answer the current question as typed ("" skips; "NA" for no
** experience; an option's number or code). MJ_EVALIDATE with the reason
** in mj_errmsg() when it is not valid: ask again. On success the draft is
** saved and the interview moves on.
*/
MJ_API int mj_interview_answer(mj_interview *iv, const char *text);
/* Go back to the previous question asked. */
MJ_API int mj_interview_back(mj_interview *iv);
/* Save the draft now (answers are saved as they come; this is for hosts
** that want to be sure before they stop). */
MJ_API int mj_interview_save(mj_interview *iv);
/*
** Once mj_interview_next gives NULL: validate the whole response, store
** it (id in *response_id, owned by the interview), mark the customer's
** newest open invitation to the questionnaire answered (if any) and
** remove the draft. MJ_EVALIDATE when a rule across answers fails: the
** interview goes back to the question to blame; ask from there again.
** MJ_ESTORE when the invitation could not be marked: finish again.
*/
MJ_API int mj_interview_finish(mj_interview *iv, const char **response_id);

/* ---------------------------------------------------------------------
** Serving respondents: the playbook's questionnaires as forms, through a
** collector plugin that serves them (the web collector: doc/serve.md).
** An invitation's link (/a/TOKEN) opens its questionnaire for its
** customer; a questionnaire with anonymous = true also answers /q/ID.
** Answers are checked with the rules an import applies and each response
** is stored, with its invitation marked answered, before the respondent
** is thanked: responses submitted at the same time share one durable
** (fsynced) commit, each undone alone if it is refused.
*/
typedef struct mj_serve_opts {
  size_t size;               /* sizeof(mj_serve_opts) */
  const char *listen;        /* "ADDRESS:PORT"; NULL: "127.0.0.1:8080" */
  const char *collector;     /* the collector plugin; NULL: "web" */
  volatile int *stop;        /* serve until *stop is nonzero (a signal
                                handler sets it); NULL: until an error */
  /* ---- added later; a smaller size leaves them unset ----
  ** The page the collector serves at /report to those it lets in (its
  ** report_token, or report_user and report_password): *html malloc'd,
  ** freed by the host with mj_free(). NULL: no /report. The embedder
  ** sets it (mejora serve: mj_report(e, "html", ...)) because the
  ** serving code does not write reports. */
  int (*report)(void *ud, char **html, size_t *len);
  void *report_ud;
} mj_serve_opts;

/*
** Serve until *opts->stop becomes nonzero, then finish the requests under
** way and return MJ_OK. The engine must not be used by another thread
** meanwhile; the collector's threads use it one at a time, and opts' log
** function may be called from them. Errors: MJ_EINVAL (no playbook, bad opts), MJ_ENOTFOUND (no
** such collector), MJ_EPLUGIN (a collector that cannot serve), MJ_EIO
** (cannot listen on opts->listen), MJ_ESTORE.
*/
MJ_API int mj_serve(mj_engine *e, const mj_serve_opts *opts);

/* ---------------------------------------------------------------------
** Export.
*/

/* Labels instead of codes: a scale's verbal label, an option's label. */
#define MJ_EXPORT_LABELS 0x1u
/*
** CSV text exactly as stored. Without it, a text cell that a spreadsheet
** would run as a formula (it starts with =, +, -, @, tab or CR, maybe
** after apostrophes) is written with an apostrophe in front; plain
** numbers such as -1 are not touched. mj_import takes the apostrophe off
** again, so the export re-imports as it was. JSON is never changed.
*/
#define MJ_EXPORT_RAW 0x2u

/*
** Every stored response of questionnaire as "csv" (response_id,
** customer_id, segment, wave, submitted_at, then one column per question
** in declared order; "NA" for no experience, empty when skipped) or
** "json" (an array of objects with those keys and "answers"). With
** MJ_EXPORT_LABELS, labels are in the respondent's language (else the
** questionnaire's, else English); CSV text is safe to open in a
** spreadsheet unless MJ_EXPORT_RAW. "xlsx" is an Excel workbook with
** sheets "responses" (the CSV's columns, numbers as numbers, dates as
** dates, text never a formula), "labels" and "figures" (the latest
** stored cycle's); it is built in a temporary file in $TMPDIR (else
** /tmp). "sav" is an SPSS system file with variable and value labels
** and N/A declared missing (doc/export.md). The caller frees *out with
** mj_free(). Errors: MJ_ENOTFOUND, MJ_EINVAL, MJ_ESTORE, MJ_EIO.
*/
MJ_API int mj_responses_export(mj_engine *e, const char *questionnaire,
                               const char *format, unsigned flags,
                               char **out, size_t *len);
/* The same, written to f as each response is read: memory stays flat
** however many responses there are. On an error f may hold part of the
** export (write to a temporary file and rename it to keep whole ones).
** Errors as above, and MJ_EIO when f cannot be written. */
MJ_API int mj_responses_export_file(mj_engine *e, const char *questionnaire,
                                    const char *format, unsigned flags,
                                    FILE *f);

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
** Loading runs the library's constructors, its entry function and its
** load and unload functions (never an instance or an operation), as
** mj_plugins_foreach and a playbook's `use` do: check only files you would
** run. A file that is not a whole ELF shared library for this machine
** (truncated, damaged, another processor) is refused with MJ_EPLUGIN
** before it is loaded.
*/
MJ_API int mj_plugin_check(mj_engine *e, const char *path,
                           mj_plugin_info_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif
