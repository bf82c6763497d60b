/*
** report: what goes out of a cycle: the report in text, Markdown and JSON,
** and exports of the stored responses. It uses cycle/ and below;
** core/README.md lists the layers.
*/
#ifndef MJ_REPORT_H
#define MJ_REPORT_H

#include "cycle.h"

/* ---- report.c ---------------------------------------------------------- */

/* A stored cycle as the reports name it. */
typedef struct mj_report_cycle {
  int64_t id;
  char name[128];
  int64_t started_at, finished_at;
  char status[32];
  int found;
} mj_report_cycle;

/* What every report of a cycle shows, read back from the store. */
typedef struct mj_report_data {
  mj_report_cycle cycle;
  mj_figset figs;        /* ordered: a subject's figures together */
  json_t *plans;         /* array of plan objects (mj__plan_json) */
  mj_comments *comments;
  char finished[32];     /* "2026-12-01 09:30 UTC", "-" if not finished */
  int min_n;             /* the cycle's min_n in the playbook, 0 if none */
} mj_report_data;

/* Read the stored cycle (0: the newest finished), its figures, the plans
** and the comments into d; mj__report_unload(d) frees it, whatever this
** returned. The message is set on error. */
int mj__report_load(mj_engine *e, int64_t cycle, mj_report_data *d);
void mj__report_unload(mj_report_data *d);

/*
** A report of the stored cycle (0: the newest finished) written by fn
** into a malloc'd *out, its length in *len when len is not NULL: the
** data read with mj__report_load and handed to fn with f, a memory
** stream, and ud; both freed before this returns. An error fn returns
** is returned as it is, with the message fn set; a stream that failed
** is MJ_ENOMEM.
*/
typedef int (*mj__report_write_fn)(FILE *f, mj_engine *e, mj_report_data *d,
                                   void *ud);
int mj__report_write(mj_engine *e, int64_t cycle, mj__report_write_fn fn,
                     void *ud, char **out, size_t *len);

int mj__report_json(mj_engine *e, int64_t cycle, char **out, size_t *len);
int mj__report_text(mj_engine *e, int64_t cycle, int markdown, char **out,
                    size_t *len);

/* ---- ci_level.c -------------------------------------------------------- */

/* The confidence level of scorer's intervals: its `level` in the
** playbook's `use`, else its plugin's default; 0.95 for the core's own
** figures (complaints, audits). */
double mj__ci_level(mj_engine *e, const char *scorer);
typedef struct mj_ci_level {
  const char *scorer;    /* borrowed from the figure */
  double level;
} mj_ci_level;
#define MJ_CI_LEVELS 32 /* scorers a report names the levels of */
/* The scorers of figs' figures with an interval and their levels, at
** most cap of them, in order of first figure; returns how many. */
int mj__ci_levels(mj_engine *e, const mj_figset *figs, mj_ci_level *out,
                  size_t cap);
/* Their one level (0.95 when none has an interval), NAN when they
** differ. */
double mj__ci_level_one(const mj_ci_level *v, size_t n);
/* "90%" ("90 %" in Spanish) into buf. */
const char *mj__ci_level_text(char *buf, size_t n, double level,
                              const char *lang);
/* "nps90 90%, csat 95%". */
void mj__ci_levels_list(FILE *f, const mj_ci_level *v, size_t n,
                        const char *lang);

/* ---- report_html.c ----------------------------------------------------- */

/* The report as one self-contained HTML page (inline CSS and SVG, no
** script) in the playbook's language; *out is malloc'd. */
int mj__report_html(mj_engine *e, int64_t cycle, char **out, size_t *len);

/* ---- svg.c ------------------------------------------------------------- */

/* Okabe-Ito: blue, orange, bluish green, reddish purple, sky blue,
** vermillion, yellow, black. */
extern const char *const mj__svg_palette[8];
/* s escaped for HTML text and quoted attributes alike. */
void mj__html_text(FILE *f, const char *s);

/* An SVG chart being written: its size and margins in pixels, the data
** range its axes map. */
typedef struct mj_svg {
  FILE *f;
  char id[16];
  double w, h, left, right, top, bottom;
  double x0, x1, y0, y1;
} mj_svg;
/* <svg role="img"> with title and desc as its accessible name; id makes
** the ids inside unique on the page. */
void mj__svg_open(FILE *f, mj_svg *s, const char *id, double w, double h,
                  const char *title, const char *desc);
void mj__svg_close(mj_svg *s);
void mj__svg_range(mj_svg *s, double x0, double x1, double y0, double y1);
/* Data to pixels. */
double mj__svg_x(const mj_svg *s, double v);
double mj__svg_y(const mj_svg *s, double v);
void mj__svg_axes(mj_svg *s, double step, const char *ylabel);
/* Series k's colour; every second series hatched as well. */
void mj__svg_bar(mj_svg *s, double x, double w, double y0, double y1, int k);
void mj__svg_band(mj_svg *s, size_t n, const double *x, const double *lo,
                  const double *hi, int k);
void mj__svg_path(mj_svg *s, size_t n, const double *x, const double *y,
                  int k);
void mj__svg_point(mj_svg *s, double x, double y, int k);
/* In pixels. */
void mj__svg_line(mj_svg *s, double x1, double y1, double x2, double y2,
                  int k, int dashed);
void mj__svg_text(mj_svg *s, double x, double y, const char *anchor,
                  const char *cls, const char *text);
void mj__svg_cell(mj_svg *s, double x, double y, double w, double h,
                  const char *fill);

/* ---- comments.c -------------------------------------------------------- */

/* The open-text answers of stored cycle id (named cycle): per text
** question of the playbook, the count of non-empty answers and the `keep`
** newest, and the gravest; as the cycle stored them when it did, for
** every text question and at least `keep` of them, else read from the
** responses again. */
int mj__comments_load(mj_engine *e, int64_t id, const char *cycle,
                      size_t keep, mj_comments **out);
/* Text or Markdown (md), each answer on one line, escaped and cut. */
void mj__comments_print(FILE *f, const mj_comments *c, int md);
/* [{questionnaire, question, text, count, latest: [{response,
** submitted_at, text}]}]: the answers whole. */
json_t *mj__comments_json(const mj_comments *c);
/* [{questionnaire, question, about, response, submitted_at, text}]: the
** three answers that matter most, from the respondents who rated lowest
** (NPS and scales, each on its own range), the newest first among equals;
** answers beside no rating come last. */
json_t *mj__comments_most_json(const mj_comments *c);

/* ---- export.c ---------------------------------------------------------- */

/*
** The stored responses of a questionnaire one at a time, each as the JSON
** export has it: response_id, customer_id, segment, wave, submitted_at
** (ISO 8601 or null), answers (question id: number, text, "NA" for not
** applicable; absent or null when skipped) and, when mj__export_whole,
** channel, pilot and version. Text as stored (no formula mark); labels
** instead of codes with MJ_EXPORT_LABELS. row owns nothing it is given;
** an error it returns (its message set) stops the scan and is returned.
** The store must be open (mj__store_ensure).
*/
typedef int (*mj__export_row_fn)(void *ud, json_t *row);
int mj__export_scan(mj_engine *e, const mj_questionnaire *qn, unsigned flags,
                    mj__export_row_fn row, void *ud);
/* 1 when the store keeps whole responses: rows have channel and pilot. */
int mj__export_whole(mj_engine *e);

/* ---- export_xlsx.c ----------------------------------------------------- */

/* Sheets "responses", "labels" and "figures" (of the latest stored cycle)
** as one .xlsx workbook written to f. */
int mj__export_xlsx(mj_engine *e, const mj_questionnaire *qn, unsigned flags,
                    FILE *f);

/* ---- export_sav.c ------------------------------------------------------ */

/* An SPSS .sav file to f: one variable per question, labelled, with N/A
** declared missing (doc/export.md has the mapping). */
int mj__export_sav(mj_engine *e, const mj_questionnaire *qn, FILE *f);

#endif
