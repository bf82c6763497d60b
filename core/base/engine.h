/*
** The engine object and the internal interfaces between the core's layers.
**
** Layers, each knowing only those above it in this list:
**   model (model.h) -> plugin host (plugin_host.c, plugin_ffi.c)
**   -> Lua host (lua_*.c) -> import/cycle (import.c, cycle.c)
**   -> report (report.c) -> the command (cli/mejora.c).
** Functions shared between files are mj__name; everything else is static.
*/
#ifndef MJ_ENGINE_H
#define MJ_ENGINE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>

#include "mejora.h"
#include "mejora/plugin.h"
#include "model.h"
#include "suggest.h"
#include "yesno.h"

/*
** FNV-1a, for the core's hash tables, and for the questionnaire
** fingerprints import.c stores: its start and its steps never change.
*/
#define MJ__HASH_START 1469598103934665603u

static inline uint64_t mj__hash_bytes(uint64_t h, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

/* s, then a mark that ends it, so fields chain ("ab","c" is not "a","bc");
** NULL hashes apart from "". */
static inline uint64_t mj__hash_field(uint64_t h, const char *s)
{
  for (; s && *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return (h ^ (s ? 0xfeu : 0xffu)) * 1099511628211u;
}

typedef struct lua_State lua_State;
typedef struct mj_plugin mj_plugin;       /* a checked descriptor */
typedef struct mj_registry mj_registry;   /* plugin_host.c */
/* Is name a scorer beyond the ones the playbook and mejora name (a
** plugin of its own)? ud is what the caller gave mj__metric_check or
** mj__rules_compile (metric_ref.c). */
typedef int (*mj_scorer_known_fn)(void *ud, const char *name);

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

/* ---- check.c ---------------------------------------------------------- */

/*
** What mj_cycle_run refuses before it starts, without writing: the store's
** plugin, the `use` instances (options included), and cycle d's import
** files, scorers and notifiers (d NULL: none). The instances it makes are
** the ones the run uses.
*/
int mj__cycle_check(mj_engine *e, const mj_cycle_decl *d);

/* ---- paths.c ---------------------------------------------------------- */

/*
** Check the file name (relative to the current folder) before it is
** opened for mode (MJ_PATH_READ: an existing regular file; MJ_PATH_WRITE:
** a regular file or none yet, in an existing folder) and set *out to its
** real path, malloc'd. With jail (a folder) the file must be inside it
** once symbolic links and ".." are resolved. MJ_EVALIDATE outside the
** jail, MJ_EINVAL for a FIFO, device or folder, MJ_EIO when it cannot be
** found, MJ_ENOMEM; why then says what and what to do.
*/
int mj__path_resolve(const char *name, unsigned mode, const char *jail,
                     char **out, char *why, size_t whylen);
/* Create (or empty) the file name, checked as mj__path_resolve does for
** MJ_PATH_WRITE, and open it for writing. NULL with *code and why set. */
FILE *mj__file_create(const char *name, const char *jail, int *code,
                      char *why, size_t whylen);
/* Resolve a playbook-relative path; caller frees. NULL on ENOMEM. */
char *mj__path_join(const char *dir, const char *path);

/* ---- plugin_host.c ---------------------------------------------------- */

int mj__registry_new(mj_engine *e);
void mj__registry_free(mj_engine *e);
/* Discover (once) and return the plugin of that kind and name. On failure
** e->err says what was searched and what exists. */
int mj__plugin_find(mj_engine *e, mj_plugin_kind kind, const char *name,
                    const mj_plugin **out);
/* Is there a scorer plugin called name (an mj_scorer_known_fn for
** mj__metric_check, engine the mj_engine)? Leaves no error behind. */
int mj__plugin_scorer_known(void *engine, const char *name);
/* Any kind, by name (for mejora.plugin("NAME")). */
int mj__plugin_find_any(mj_engine *e, const char *name,
                        const mj_plugin **out);
const mj_plugin_desc *mj__plugin_desc(const mj_plugin *p);
const char *mj__plugin_path(const mj_plugin *p);
const char *mj__kind_name(mj_plugin_kind kind);
/* Validate options against the plugin's schema (use may be NULL for no
** options) and create an instance. Storage instances are created with
** ops->open(uri), others with ops->create(cfg). The files the instance
** opens through host->path must stay in the folder jail (NULL: any). */
int mj__instance_new(mj_engine *e, const mj_plugin *p, const mj_use *use,
                     const char *uri, const char *jail, mj_instance **out);
void mj__instance_free(mj_engine *e, mj_instance *in);
/* The host table handed to plugins. */
const mj_host_api *mj__host_api(void);
/* Read a source through a collector plugin ("csv") into sink; a source
** a playbook named must be in the folder jail (NULL: the operator's). */
int mj__collect(mj_engine *e, const char *collector, const char *source,
                const char *jail, const mj_sink *sink);

/* ---- store.c ---------------------------------------------------------- */

/* Open the store if not yet open (mj_store_open(e, NULL)). */
int mj__store_ensure(mj_engine *e);
/* Storage ops of the open store (after mj__store_ensure). */
#define MJ_STORE_OPS(e) ((const mj_storage_ops *)(e)->store->ops)
/* Is there a storage plugin for the store mj__store_ensure would open?
** Opens nothing; an error names the playbook's `store` line. */
int mj__store_check(mj_engine *e);

/* ---- instances.c ------------------------------------------------------ */

/* Instances for the model's `use` declarations (and defaults), made on
** first need; find one by kind and instance name. */
int mj__instances_ensure(mj_engine *e);
mj_instance *mj__instance_by_name(mj_engine *e, mj_plugin_kind kind,
                                  const char *name);
/* Destroy the instances made after the first n. */
void mj__instances_keep(mj_engine *e, size_t n);
/* Destroy them all (a new playbook, the engine's end). */
void mj__instances_free(mj_engine *e);

/* ---- plugin_ffi.c ----------------------------------------------------- */

/* Push mejora.plugin(name)'s table of exported functions (Lua side). */
int mj__ffi_push_plugin(lua_State *L, mj_engine *e, const char *name);

/* ---- lua_host.c / lua_sandbox.c / lua_dsl.c --------------------------- */

int mj__lua_open(mj_engine *e);
void mj__lua_close(mj_engine *e);
/* Evaluate a playbook in a fresh sandboxed env and build its model, not
** yet linked: the files its `customers` declarations name are listed in
** m->customer_files, not read. On error *out is NULL, e->err says
** "file:line: what". */
int mj__dsl_load(mj_engine *e, const char *name, const char *buf, size_t len,
                 mj_model **out);
/* Link a model mj__dsl_load built from the text buf once its customers
** are read: duplicate ids, references between declarations, the
** declarative `when` rules. On error e->err says "file:line: what" and
** the caller frees m. */
int mj__dsl_link(mj_engine *e, mj_model *m, const char *buf, size_t len);
/* Free a model and the Lua references it holds. NULL: no-op. */
void mj__model_free(mj_engine *e, mj_model *m);

/* ---- figures of one cycle (figset.c) ---------------------------------- */

typedef struct mj_figset {
  mj_arena arena;
  mj_result_rec *items;
  size_t n, cap;
} mj_figset;

/* Copy a figure in (strings included). */
int mj__figset_add(mj_figset *fs, const mj_result_rec *r);

/* What a figure is of: each key NULL when it has none, segment NULL for
** "all". */
typedef struct mj_figkey {
  int64_t cycle;
  const char *scorer, *questionnaire, *question, *requirement, *segment;
} mj_figkey;
/*
** Add the figure of k's metric from n answers: value, its interval
** lo..hi (NaN: none), sd (0: none) and label (NULL: none); its delta and
** p_change are NaN until mj__figset_compare compares it.
*/
int mj__figset_put(mj_figset *fs, const mj_figkey *k, const char *metric,
                   uint64_t n, double value, double lo, double hi, double sd,
                   const char *label);
/* The figure matching every non-NULL key (metric is required). */
const mj_result_rec *mj__figset_find(const mj_figset *fs, const char *scorer,
                                     const char *metric,
                                     const char *questionnaire,
                                     const char *question,
                                     const char *requirement,
                                     const char *segment);
void mj__figset_free(mj_figset *fs);

/* ---- lua_trigger.c ---------------------------------------------------- */

/*
** Call plan p's `when` with the cycle's figures. *fired is 1 when it
** returned true. The figures it read are written to *evidence as a JSON
** array (caller frees with free()). A Lua error is returned as
** MJ_ERUNTIME with "file:line: message".
*/
int mj__trigger_eval(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                     int *fired, char **evidence);

/* ---- metric_ref.c ------------------------------------------------------ */

/*
** A reference to one figure of a cycle, the same in plan verification,
** triggers, standards and promises: "SCORER.METRIC[:SUBJECT][@SEGMENT]",
** SUBJECT a requirement id, QUESTIONNAIRE/QUESTION, a question id, or for
** complaints.count/share/cumulative a complaint category. Short forms:
** mean:R1 and t2b:R1 (csat), nps[:SEGMENT] (nps.nps), complaints:CATEGORY
** (complaints.count), audit:CRITERION (audit.compliance), standard:S1
** (standard.met); any may end in @SEGMENT except nps:SEGMENT.
*/
typedef struct mj_metric_ref {
  char scorer[64], metric[64], subject[128], segment[64];
} mj_metric_ref;
/* 1 when spec is a reference (filled into *m), 0 when it is not. */
int mj__metric_parse(const char *spec, mj_metric_ref *m);
/* The short form closest to a spec that did not parse ("maen:R1" ->
** "mean"), or NULL. */
const char *mj__metric_suggest(const char *spec);
/* The canonical text, "csat.mean:R1@vip". */
void mj__metric_format(const mj_metric_ref *m, char *buf, size_t n);
/* The figure of fs it names, or NULL. */
const mj_result_rec *mj__metric_find(const mj_figset *fs, const mj_model *model,
                                     const mj_metric_ref *m);
/* Does it name things the playbook declares? MJ_EREF with the reason and a
** "did you mean" in why (scorer, requirement, questionnaire/question,
** complaint category, segment). known may be NULL (no scorer beyond the
** playbook's and mejora's own). */
int mj__metric_check(const mj_model *m, const mj_metric_ref *r,
                     mj_scorer_known_fn known, void *ud, char *why, size_t n);

/* ---- rules.c ----------------------------------------------------------- */

/*
** Declarative triggers (`when = "mean:R1 < target"`): compile every
** plan's when_text of m after linking (MJ_EVALIDATE / MJ_EREF naming the
** playbook's file:line and the bad token), and evaluate one against the
** figures of a cycle declared as `cycle` (its period turns counts into
** rates; NULL: rates cannot be judged). A clause without its figure is
** false; why then says which figure was missing ("" when none was).
** mj__trigger_eval calls mj__rule_eval for such plans. known (may be
** NULL) accepts scorers the playbook does not name, as in mj__metric_check.
*/
int mj__rules_compile(mj_engine *e, mj_model *m, mj_scorer_known_fn known,
                      void *ud);
int mj__rule_eval(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                  const mj_cycle_decl *cycle, int *fired, char **evidence,
                  char *why, size_t whylen);
/* The figures a trigger read, in order, without repeats: its evidence. */
typedef struct mj_evidence {
  const mj_result_rec **read;
  size_t n, cap;
} mj_evidence;
/* Add r unless it is there already: MJ_OK or MJ_ENOMEM. */
int mj__evidence_add(mj_evidence *ev, const mj_result_rec *r);
/* The figures as a JSON array (free() it), NULL when out of memory. */
char *mj__evidence_json(const mj_evidence *ev);

/* ---- import_columns.c ------------------------------------------------- */

/* Columns every response file may carry besides the questions, indices
** into mj__import_fixed; the first two must, unless a token column stands
** for them. */
enum {
  MJ__COL_ID,
  MJ__COL_CUSTOMER,
  MJ__COL_SEGMENT,
  MJ__COL_SUBMITTED,
  MJ__COL_WAVE,
  MJ__COL_TOKEN,
  MJ__COL_CHANNEL,
  MJ__COL_PILOT,
  MJ__N_FIXED
};
extern const char *const mj__import_fixed[MJ__N_FIXED];
/* "a, b, c" into buf: qn's question ids, for messages. */
void mj__questionnaire_ids(const mj_questionnaire *qn, char *buf, size_t n);
/* Check an import's column renames against qn: MJ_OK, or MJ_EINVAL with
** the reason (no location) in why. */
int mj__import_check_columns(const mj_questionnaire *qn,
                             const mj_import_column *cols, size_t n,
                             char *why, size_t whylen);

/* ---- answer.c / import.c ---------------------------------------------- */

/*
** Parse one answer's text against its question: "" is skipped, "NA"/"N/A"
** (any case) or "no experience" is N/A (if allowed), otherwise a value of
** the question's type and range. On a bad value returns MJ_EVALIDATE and
** writes the reason (no location) to why. out->text borrows either text
** (open text, multi, "other:...") or the model (choice codes, yes/no).
** A blank required answer is refused here only when the question has no
** ask_if; otherwise mj__answer_check_row decides.
*/
int mj__answer_parse(const mj_question *q, const char *text, size_t len,
                     mj_answer_rec *out, char *why, size_t whylen);

/*
** Compile the condition src of question self of qn (an ask_if, or with
** allow_self a constraint's expr, where '.' is the question's own answer).
** The language: comparisons (== != < <= > >=) of earlier questions' ids,
** numbers and 'strings'; `id has 'code'` for multi questions;
** answered(id), na(id); and, or, not, parentheses. A comparison with a
** skipped or N/A answer is false. Dates compare with 'YYYY-MM-DD'.
** Nodes live in arena a. On error returns MJ_EVALIDATE and writes the
** reason, with its column in src, to why.
*/
int mj__cond_compile(mj_arena *a, const mj_questionnaire *qn, size_t self,
                     int allow_self, const char *src, const mj_cond **out,
                     char *why, size_t whylen);

/*
** Whether question k of qn is asked, given the parsed answers of its
** questions before k (answers[i] is question i's): 1 without ask_if.
*/
int mj__answer_asked(const mj_questionnaire *qn, const mj_answer_rec *answers,
                     size_t k);

/*
** The checks that need a whole response, after mj__answer_parse filled
** answers[0..qn->n_questions) in question order: an answer given to a
** question whose ask_if is false, a required question left blank when
** asked, a constraint's expr, and each points group summing to its
** total. On the first failure returns MJ_EVALIDATE, sets *bad to the
** index of the question to blame and writes a reason naming the
** questions to why. answers[i].question need not be set.
*/
int mj__answer_check_row(const mj_questionnaire *qn,
                         const mj_answer_rec *answers, size_t *bad, char *why,
                         size_t whylen);

/* mj_import_ex of a file a playbook names, which must stay in the folder
** jail (and so must its rejects file); jail NULL: the operator's file. */
int mj__import_file(mj_engine *e, const char *questionnaire, const char *path,
                    const mj_import_opts *opts, const char *jail,
                    mj_import_stats *stats);

/* Import a JSON array of responses to qn (mj_import of a .json file);
** opts as mj_import_ex's, or NULL; jail as mj__import_file's. */
int mj__import_json(mj_engine *e, const mj_questionnaire *qn,
                    const char *path, const mj_import_opts *opts,
                    const char *jail, mj_import_stats *stats);

/* qn's structure (question ids, types, ranges, options) as compact JSON,
** malloc'd, and its fingerprint (16 hex digits); NULL when out of memory. */
char *mj__questionnaire_structure(const mj_questionnaire *qn, char fp[17]);

/* The store's version number of qn's present structure, added when new
** (1 with a store that does not keep versions). Sets the engine error. */
int mj__questionnaire_version(mj_engine *e, const mj_questionnaire *qn,
                              int *version);

/* ---- customers.c ------------------------------------------------------- */

/* Append the customers of file f (a row's pos: the file and its line) to
** m's. On error e->err says where in the file and which declaration
** named it. */
int mj__customers_read(mj_engine *e, mj_model *m, const mj_customers_decl *f);

/* ---- tokens.c ---------------------------------------------------------- */

/* An invitation an import may meet by its token. */
typedef struct mj_token {
  char *token, *customer;
  int answered;
  int used;        /* a row of this import answered it */
  int64_t used_at; /* that row's submitted_at */
} mj_token;
typedef struct mj_tokens {
  mj_token *v; /* sorted by token */
  size_t n, cap;
} mj_tokens;
/* The open store's invitations to questionnaire into *t (none when the
** store cannot list them). On failure *t is empty and e->err says why. */
int mj__tokens_load(mj_engine *e, const char *questionnaire, mj_tokens *t);
/* The invitation with that token, or NULL (token NULL: none). */
mj_token *mj__tokens_find(const mj_tokens *t, const char *token);
void mj__tokens_free(mj_tokens *t);

/* ---- hugepages.c ------------------------------------------------------- */

/* Ask that the n bytes at p (a large array, filled soon) be backed by huge
** pages where the system has them; a hint, nothing to undo. */
void mj__huge_pages(void *p, size_t n);

/* ---- matrix.c ---------------------------------------------------------- */

/* One CSV field (RFC 4180: quoted when it must be), then "," or, for the
** last, CRLF (csv_out.c). */
void mj__csv_field(FILE *f, const char *s, int last);
/* The same for text a person may open in a spreadsheet: text that starts
** with =, +, -, @, tab or CR (after any apostrophes) gets an apostrophe
** in front, so no spreadsheet runs it as a formula; plain numbers such as
** -1 are written as they are. */
void mj__csv_cell(FILE *f, const char *s, int last);
/* 1 when the cell s read from a CSV file carries that apostrophe (an
** apostrophe, maybe more, then a formula character), else 0: the
** original text starts that many bytes on. */
size_t mj__csv_mark_len(const char *s);

/* Whether the storage ops S, built with some version of mj_storage_ops,
** have the optional operation op. */
#define MJ__HAS_OP(S, op)                                                    \
  ((S)->ops_size >= offsetof(mj_storage_ops, op) + sizeof (S)->op &&         \
   (S)->op != NULL)

/* Begin a transaction that adds many responses: the store's begin_bulk,
** else its begin. */
#define MJ__BEGIN_BULK(S, inst, err)                                         \
  (MJ__HAS_OP(S, begin_bulk) ? (S)->begin_bulk(inst, err)                    \
                             : (S)->begin(inst, err))

/* A thread that stores responses while the importer reads the next ones
** (writer.c). Start it inside the open transaction; put copies r; finish
** waits for every batch, returns the first store error and the counts,
** and must be called before the commit or rollback. */
typedef struct mj_writer mj_writer;
int mj__writer_start(const mj_storage_ops *S, void *store, mj_writer **out);
int mj__writer_put(mj_writer *w, const mj_response_rec *r, mj_error *err);
int mj__writer_finish(mj_writer *w, uint64_t *inserted, uint64_t *duplicates,
                      mj_error *err);

/* One questionnaire's answers as a response x question table (numeric
** questions only), for scorers with score_matrix. */
typedef struct mj_qmatrix mj_qmatrix;
typedef int (*mj_qmatrix_fn)(void *ud, const char *segment,
                             const mj_matrix *m);
int mj__qmatrix_new(const mj_questionnaire *qn, mj_qmatrix **out);
/* Room for about rows rows at once (speed only: the table still grows). */
void mj__qmatrix_expect(mj_qmatrix *m, size_t rows);
/* Add one answer of question index `question`; rows must come in response
** order (a new response id starts a new row). */
int mj__qmatrix_add(mj_qmatrix *m, size_t question, const mj_answer_row *row);
/* The same from a whole response, n of its answers at a time: answer k
** is of question index question[k] (SIZE_MAX: leave it out). *started is
** 0 before the response's first answer (which starts its row, in that
** segment and that "channel:NAME" group, either NULL for none) and set by
** the call. */
int mj__qmatrix_add_answers(mj_qmatrix *m, const mj_answer_rec *a,
                            const size_t *question, size_t n,
                            const char *segment, const char *channel,
                            int *started);
/* Call fn with the whole table as segment "all", then with each
** segment's rows, then with each channel group's. */
int mj__qmatrix_each_segment(const mj_qmatrix *m, mj_qmatrix_fn fn, void *ud);
/* The same in chunks of at most MJ_QMATRIX_CHUNK rows, for scorers that
** stream: open (1: skip this segment), rows per chunk, then close with
** the outcome so far, whose return is the segment's. */
enum { MJ_QMATRIX_CHUNK = 4096 };
typedef struct mj_qmatrix_stream {
  void *ud;
  int (*open)(void *ud, const char *segment, size_t n_rows);
  int (*rows)(void *ud, const mj_matrix *chunk);
  int (*close)(void *ud, int rc);
} mj_qmatrix_stream;
int mj__qmatrix_stream(const mj_qmatrix *m, const mj_qmatrix_stream *st);
const mj_questionnaire *mj__qmatrix_questionnaire(const mj_qmatrix *m);
const mj_column *mj__qmatrix_columns(const mj_qmatrix *m, size_t *n);
void mj__qmatrix_free(mj_qmatrix *m);

/* ---- cycle_order.c ----------------------------------------------------- */

/*
** The cycle a run without a name means at time now: the latest declared
** (in playbook order) whose period has started, a cycle without a period
** counting as started; else the last declared. NULL when none is.
*/
const mj_cycle_decl *mj__cycle_current(const mj_model *m, int64_t now);
/* The playbook's place (0, 1, ...) of the cycle called name, or -1. */
long mj__cycle_index(const mj_model *m, const char *name);
/*
** The cycle (its name) a response belongs to, the first rule that
** applies: its own wave; the declared cycle whose import stores it; the
** first declared cycle whose period holds submitted_at; the cycle
** mj__cycle_current names at the engine's clock. NULL when the playbook
** declares no cycle (its one "default" cycle takes every response).
*/
const char *mj__response_cycle(const mj_engine *e, const char *wave,
                               int64_t submitted_at);

/* What the store holds of cycle name's runs (mj__cycle_runs). */
typedef struct mj_cycle_runs {
  int known;           /* 0: the store cannot list cycles (all else 0) */
  int64_t done;        /* its newest finished run, or 0 */
  int64_t finished_at; /* when that one finished */
  int64_t failed;      /* its newest failed run, or 0 */
  int64_t previous;    /* the newest finished run of the nearest cycle
                       ** declared before it, or 0 */
} mj_cycle_runs;
int mj__cycle_runs(mj_engine *e, const char *name, mj_cycle_runs *out);
/* Does stored cycle id come after stored cycle other: in playbook order
** when the playbook declares both, else in the order they were opened. */
int mj__cycle_after(mj_engine *e, int64_t id, int64_t other);

/* ---- dates.c ----------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant). */
int64_t mj__days_from_civil(int64_t y, unsigned m, unsigned d);
/* ISO 8601 date or date-time to seconds since the epoch: "2024-05-31",
** "2024-05-31T14:05", "2024-05-31 14:05:09.5+02:00", "...Z"; a time
** without an offset is UTC. 0 when s is not such a date. */
int mj__parse_time(const char *s, int64_t *out);
/* "2026-11": the month of time t (seconds since the epoch) in UTC, the
** default wave of a complaint or visit. */
void mj__utc_month(int64_t t, char *buf, size_t n);

/* ---- json.c ------------------------------------------------------------ */

typedef struct json_t json_t; /* jansson's */
/* null for NaN/inf, for NULL, for a time <= 0; times as ISO 8601 UTC. */
json_t *mj__json_num(double v);
json_t *mj__json_str(const char *s);
json_t *mj__json_time(int64_t t);
/* Stored JSON text as a value (null when absent or unparsable). */
json_t *mj__json_embedded(const char *text);
/* In an object, or each object of an array: integer times (keys "at",
** "now", "..._at") as ISO 8601 text: stores written by earlier versions
** keep them as seconds since the epoch. */
void mj__json_iso_times(json_t *v);
/* A stored plan as the JSON object of the results format. */
json_t *mj__plan_json(const mj_plan_rec *p);

/* ---- compare.c ---------------------------------------------------------- */

/*
** The scorer name of the answer distributions a cycle stores for every
** scale question (kind MJ_Q_SCALE: scaleN, ces) and requirement on one,
** per segment: metric "count", label the scale value ("1".."5"), value
** the answers with that value, n the bucket's n. Not for NPS (its change
** is tested on the promoter/detractor shares) nor below the cycle's
** min_n. They let the next cycle test a mean with Mann-Whitney U.
*/
#define MJ__DIST_SCORER "distribution"

/*
** p-value of the change from `before` (a figure of fs_before) to `after`
** (of fs_after) with test "welch-t", "mann-whitney-u" (from both cycles'
** MJ__DIST_SCORER counts), "two-proportion-z", "nps-wald-z" (also "welch",
** "mann-whitney", "two-proportion", "nps") or NULL/"auto" (chosen by the
** metric: a "mean" gets Mann-Whitney when both distributions are there,
** else Welch). *test_used is a static string. MJ_ENOTFOUND when the
** figures do not allow the test (n too small, no sd, no promoter/detractor
** shares, no distribution or one whose counts do not add up to n).
*/
int mj__change_test(const char *test, const mj_figset *fs_before,
                    const mj_result_rec *before, const mj_figset *fs_after,
                    const mj_result_rec *after, double *p,
                    const char **test_used);
/* Fill delta, test and p_change of every figure in now that has a match
** in before (the previous cycle). */
void mj__figset_compare(mj_figset *now, const mj_figset *before);

/* ---- plans.c ------------------------------------------------------------ */

/* Where the review's events go (the cycle's notifications). */
typedef int (*mj_plan_event_fn)(void *ud, const char *kind, int severity,
                                 const char *subject, const char *message,
                                 const mj_meta *meta, size_t n_meta);
/*
** Review the open plans at a cycle: verify each whose actions are all
** done (closed when effective, escalated when not), flag the overdue ones
** once. Plans it closes are not reopened by this cycle's triggers.
*/
int mj__plans_review(mj_engine *e, int64_t cycle, const mj_figset *figs,
                     mj_plan_event_fn emit, void *ud);
/*
** Store plan p (opened or changed) and one event of it, kind with note
** at cycle (0: none) and p->updated_at, in one transaction. A store error
** is MJ_ESTORE, its message after context ("saving plan: ").
*/
int mj__plan_save(mj_engine *e, const mj_plan_rec *p, int64_t cycle,
                  const char *kind, const char *note, const char *context);
/* May closed plan id open again on cycle's evidence? Only when that
** cycle comes after (mj__cycle_after) every cycle in the plan's history:
** never on evidence as old as, or older than, what opened or closed it. */
int mj__plan_may_reopen(mj_engine *e, const char *id, int64_t cycle);

/* ---- service.c / complaints.c / audits.c / standard.c ----------------- */

/* One CSV data row (or API record) as column names and cells. On a bad
** value return MJ_EVALIDATE with *col the column (0-based, -1: the row)
** and the reason in why; other codes stop the import. */
typedef int (*mj_svc_row_fn)(mj_engine *e, void *ud, const char *const *names,
                             const char *const *cells, size_t n, int *col,
                             char *why, size_t whylen);
/* Check a header against the known column names (required ones first,
** n_required of them). MJ_EDATA naming the column and the likely fix. */
int mj__svc_header(mj_engine *e, const char *path,
                   const char *const *names, size_t n,
                   const char *const *known, size_t n_known,
                   size_t n_required);
/* Check a file's or a record's header (its path, "(record)" for one);
** MJ_EDATA (mj__svc_header) when a column is unknown or missing. */
typedef int (*mj_svc_header_fn)(mj_engine *e, void *ud, const char *path,
                                const char *const *names, size_t n);
/*
** A kind of service record, complaints or audit visits: what it brings
** to the import, the summary and the figures they share. Each kind's file
** keeps its own; ud (the audit imported, for visits) travels beside it.
*/
typedef struct mj_svc_kind {
  const char *id_column; /* the column naming a record: "id", "visit_id" */
  const char *title;     /* the summary's: "Complaints" */
  const char *command;   /* what mj_format_check calls it: "complaints" */
  mj_svc_header_fn header;
  mj_svc_row_fn row;     /* checks and stores one record */
  /* Every stored record's id, as a key of the JSON object ids. */
  int (*stored_ids)(mj_engine *e, json_t *ids, mj_error *err);
  /* A wave's figures (every wave's when NULL), and the section of the
  ** report that prints them. */
  int (*figures)(mj_engine *e, int64_t cycle, const char *wave,
                 mj_figset *figs);
  void (*section)(FILE *f, const mj_figset *fs, const mj_model *m, int md);
} mj_svc_kind;
/* Import a CSV of records of that kind in one transaction; bad rows go
** to PATH.rejects.csv. The header is checked first. A row with a NUL byte
** or with an id used on an earlier row is rejected; st->accepted counts
** new ids, st->duplicates the ids already stored, which the file's
** version updated. */
int mj__svc_import(mj_engine *e, const mj_svc_kind *kind, void *ud,
                   const char *path, mj_import_stats *st);
/* One record (an API call) through the same checks, in a transaction;
** a bad value is MJ_EVALIDATE naming the column. */
int mj__svc_add(mj_engine *e, const mj_svc_kind *kind, void *ud,
                const char *const *names, const char *const *values, size_t n);
/* The cycle's figures of complaints (scorer "complaints"), audits
** ("audit") and the service standard ("standard") for one wave, added
** to figs with the cycle's id. */
int mj__complaint_figures(mj_engine *e, int64_t cycle, const char *wave,
                          mj_figset *figs);
int mj__audit_figures(mj_engine *e, int64_t cycle, const char *wave,
                      mj_figset *figs);
int mj__standard_figures(mj_engine *e, int64_t cycle, mj_figset *figs);
/* The 5-gap model's gaps the playbook supplies data for (scorer "gaps",
** metrics gap1..gap5), from the figures already in figs (standard.c
** explains each). */
int mj__gap_figures(mj_engine *e, int64_t cycle, mj_figset *figs);
/* All three, then stored in one transaction (cycle.c calls it after the
** scorers, before the plans). */
int mj__service_figures(mj_engine *e, int64_t cycle, const char *wave,
                        mj_figset *figs);
/* Is this figure one of the service sections' (printed by them)? */
int mj__service_scorer(const char *scorer);
/* The report's sections: complaints, audit scorecards, the standard. */
void mj__service_report(FILE *f, const mj_figset *figs, const mj_model *m,
                        int md);
/* The report's sections one by one (complaints.c, audits.c, standard.c). */
void mj__complaint_section(FILE *f, const mj_figset *fs, const mj_model *m,
                           int md);
void mj__audit_section(FILE *f, const mj_figset *fs, const mj_model *m,
                       int md);
void mj__standard_section(FILE *f, const mj_figset *fs, const mj_model *m,
                          int md);
/* A wave's summary of records of that kind (complaints, audit
** scorecards) as text or JSON. */
int mj__svc_summary(mj_engine *e, const mj_svc_kind *kind, const char *wave,
                    const char *format, char **out, size_t *len);

/* ---- cycle.c / report.c ----------------------------------------------- */

int mj__report_json(mj_engine *e, int64_t cycle, char **out, size_t *len);
int mj__report_text(mj_engine *e, int64_t cycle, int markdown, char **out,
                    size_t *len);

/* ---- interview.c ------------------------------------------------------- */

/* A respondent's text: in lang (the customer's), else in fallback (the
** questionnaire's default language), else as mj__i18n_get(t, NULL) gives
** it (a plain string or English, else the first). NULL when t is empty.
** Interviews and exports with labels use it. */
const char *mj__i18n_pick(const mj_i18n *t, const char *lang,
                          const char *fallback);

#endif
