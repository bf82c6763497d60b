/*
** service: complaints, mystery-shopper audits, the service standard and
** the 5-gap model, with the import and summaries they share. It uses
** intake/ and below; core/README.md lists the layers.
*/
#ifndef MJ_SERVICE_H
#define MJ_SERVICE_H

#include "intake.h"

/* ---- service.c / complaints.c / audits.c / standard.c ----------------- */

/* One CSV data row (or API record) as column names and cells. On a bad
** value return MJ_EVALIDATE with *col the column (0-based, -1: the row)
** and the reason in why; other codes stop the import. */
typedef int (*mj_svc_row_fn)(mj_engine *e, void *ud, const char *const *names,
                             const char *const *cells, size_t n, int *col,
                             char *why, size_t whylen);
/* Check a header against the known column names (required ones first,
** n_required of them). MJ_EDATA naming the column and the likely fix. */
int mj__service_header(mj_engine *e, const char *path, const char *const *names,
                       size_t n, const char *const *known, size_t n_known,
                       size_t n_required);
/* Check a file's or a record's header (its path, "(record)" for one);
** MJ_EDATA (mj__service_header) when a column is unknown or missing. */
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
int mj__service_import(mj_engine *e, const mj_svc_kind *kind, void *ud,
                       const char *path, mj_import_stats *st);
/* One record (an API call) through the same checks, in a transaction;
** a bad value is MJ_EVALIDATE naming the column. */
int mj__service_add(mj_engine *e, const mj_svc_kind *kind, void *ud,
                    const char *const *names, const char *const *values,
                    size_t n);
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
/* Tell each category's owner of the complaints not responded to or
** closed within the category's limit, once each, by the engine's clock
** (`mejora deliver` and `run`). */
int mj__complaints_overdue(mj_engine *e);
/* All three, then stored in one transaction (cycle.c calls it after the
** scorers, before the plans). */
int mj__service_figures(mj_engine *e, int64_t cycle, const char *wave,
                        mj_figset *figs);
/* Store figs' figures from index first on, in one transaction (the
** cycle's own, beside the scorers'); an error starts with context. */
int mj__figures_store(mj_engine *e, const mj_figset *figs, size_t first,
                      const char *context);
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
int mj__service_summary(mj_engine *e, const mj_svc_kind *kind, const char *wave,
                        const char *format, char **out, size_t *len);

#endif
