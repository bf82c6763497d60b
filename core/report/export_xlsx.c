/*
** Export as an Excel workbook (libxlsxwriter): the responses with numbers
** as numbers and dates as dates, the questionnaire's labels, and the
** figures of the latest stored cycle.
**
** Every text goes in as a string cell, never as a formula, so an answer
** such as "=1+1" stays text. libxlsxwriter writes to a named file only:
** the workbook is built in a temporary file and copied to the caller's.
*/
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "report.h"

/* Excel's day 25569 is 1970-01-01 (its 1900 date system). */
#define EXCEL_EPOCH 25569.0

typedef struct xlsx {
  mj_engine *e;
  const mj_questionnaire *qn;
  lxw_worksheet *ws;
  lxw_format *date, *datetime;
  int ext;
  lxw_row_t row;
  lxw_error err; /* the first error of a write */
} xlsx;

static void put_string(xlsx *x, lxw_col_t col, const char *s)
{
  if (!s || !*s)
    return;
  lxw_error rc = worksheet_write_string(x->ws, x->row, col, s, NULL);
  if (rc && !x->err)
    x->err = rc;
}

static void put_number(xlsx *x, lxw_col_t col, double v, lxw_format *fmt)
{
  if (isnan(v))
    return;
  lxw_error rc = worksheet_write_number(x->ws, x->row, col, v, fmt);
  if (rc && !x->err)
    x->err = rc;
}

/* A date or date-time text as an Excel date; else as text. */
static void put_time(xlsx *x, lxw_col_t col, const char *s, lxw_format *fmt)
{
  int64_t t;
  if (s && mj__parse_time(s, &t))
    put_number(x, col, (double)t / 86400.0 + EXCEL_EPOCH, fmt);
  else
    put_string(x, col, s);
}

static void put_value(xlsx *x, lxw_col_t col, const mj_question *q,
                      json_t *v)
{
  if (json_is_number(v))
    put_number(x, col, json_number_value(v), NULL);
  else if (json_is_string(v) && q && q->kind == MJ_Q_DATE)
    put_time(x, col, json_string_value(v), x->date);
  else if (json_is_string(v))
    put_string(x, col, json_string_value(v));
}

static const char *const fixed[] = {"response_id", "customer_id", "segment",
                                    "wave", "submitted_at"};

static int on_row(void *ud, json_t *r)
{
  xlsx *x = ud;
  x->row++;
  for (lxw_col_t c = 0; c < 4; c++)
    put_value(x, c, NULL, json_object_get(r, fixed[c]));
  put_time(x, 4, json_string_value(json_object_get(r, "submitted_at")),
           x->datetime);
  json_t *a = json_object_get(r, "answers");
  lxw_col_t c = 5;
  for (size_t k = 0; k < x->qn->n_questions; k++, c++)
    put_value(x, c, &x->qn->questions[k],
              json_object_get(a, x->qn->questions[k].id));
  if (x->ext) {
    put_value(x, c, NULL, json_object_get(r, "channel"));
    put_number(x, c + 1, json_is_true(json_object_get(r, "pilot")), NULL);
  }
  if (x->err)
    return mj__seterr(x->e, MJ_EIO, "export: response %s: %s",
                      json_string_value(json_object_get(r, "response_id")),
                      lxw_strerror(x->err));
  return MJ_OK;
}

static void header(xlsx *x, const char *const *names, size_t n)
{
  x->row = 0;
  for (size_t i = 0; i < n; i++)
    put_string(x, (lxw_col_t)i, names[i]);
}

static int responses(xlsx *x, lxw_workbook *wb, unsigned flags)
{
  x->ws = workbook_add_worksheet(wb, "responses");
  if (!x->ws)
    return mj__seterr(x->e, MJ_ENOMEM, "out of memory");
  x->ext = mj__export_whole(x->e);
  header(x, fixed, 5);
  lxw_col_t c = 5;
  for (size_t k = 0; k < x->qn->n_questions; k++)
    put_string(x, c++, x->qn->questions[k].id);
  if (x->ext) {
    put_string(x, c, "channel");
    put_string(x, c + 1, "pilot");
  }
  worksheet_freeze_panes(x->ws, 1, 1);
  return mj__export_scan(x->e, x->qn, flags, on_row, x);
}

/* One row of the labels sheet: question, type, code (a number when it
** is one), label. */
static void label_row(xlsx *x, const mj_question *q, const char *code,
                      double num, const char *label)
{
  x->row++;
  put_string(x, 0, q->id);
  put_string(x, 1, q->type);
  if (code)
    put_string(x, 2, code);
  else
    put_number(x, 2, num, NULL);
  put_string(x, 3, label);
}

static int labels(xlsx *x, lxw_workbook *wb)
{
  static const char *const names[] = {"question", "type", "code", "label"};
  x->ws = workbook_add_worksheet(wb, "labels");
  if (!x->ws)
    return mj__seterr(x->e, MJ_ENOMEM, "out of memory");
  header(x, names, 4);
  const char *lang = x->qn->lang;
  for (size_t k = 0; k < x->qn->n_questions; k++) {
    const mj_question *q = &x->qn->questions[k];
    /* the question's own text: a row without a code */
    const char *text = mj__i18n_pick(&q->text, lang, lang);
    label_row(x, q, "", NAN, text ? text : q->id);
    if ((q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS) && q->label_texts)
      for (int v = q->min; v <= q->max; v++)
        label_row(x, q, NULL, v,
                  mj__i18n_pick(&q->label_texts[v - q->min], lang, lang));
    for (size_t i = 0; i < q->n_choices; i++) {
      const mj_choice *ch = &q->choices[i];
      label_row(x, q, ch->code, NAN,
                ch->label.n ? mj__i18n_pick(&ch->label, lang, lang)
                            : ch->code);
    }
    if (q->kind == MJ_Q_YESNO) {
      label_row(x, q, "yes", NAN, "yes");
      label_row(x, q, "no", NAN, "no");
    }
  }
  return x->err ? mj__seterr(x->e, MJ_EIO, "export: labels: %s",
                             lxw_strerror(x->err))
                : MJ_OK;
}

static int on_cycle(void *ud, const mj_cycle_rec *r)
{
  *(int64_t *)ud = r->id;
  return MJ_OK;
}

/* A figure about the questionnaire: of one of its questions, of it as a
** whole, or of a requirement one of its questions measures. */
static int ours(const mj_questionnaire *qn, const mj_result_rec *r)
{
  if (r->questionnaire)
    return strcmp(r->questionnaire, qn->id) == 0;
  for (size_t k = 0; r->requirement && k < qn->n_questions; k++)
    if (qn->questions[k].measures &&
        strcmp(qn->questions[k].measures, r->requirement) == 0)
      return 1;
  return 0;
}

static int on_result(void *ud, const mj_result_rec *r)
{
  xlsx *x = ud;
  if (!ours(x->qn, r))
    return MJ_OK;
  x->row++;
  put_string(x, 0, r->scorer);
  put_string(x, 1, r->metric);
  put_string(x, 2, r->question);
  put_string(x, 3, r->requirement);
  put_string(x, 4, r->subject);
  put_string(x, 5, r->label);
  put_string(x, 6, r->segment);
  put_number(x, 7, r->value, NULL);
  put_number(x, 8, r->ci_low, NULL);
  put_number(x, 9, r->ci_high, NULL);
  put_number(x, 10, (double)r->n, NULL);
  return MJ_OK;
}

static int figures(xlsx *x, lxw_workbook *wb)
{
  static const char *const names[] = {
      "scorer", "metric", "question", "requirement", "subject", "label",
      "segment", "value", "lo", "hi", "n"};
  x->ws = workbook_add_worksheet(wb, "figures");
  if (!x->ws)
    return mj__seterr(x->e, MJ_ENOMEM, "out of memory");
  header(x, names, 11);
  const mj_storage_ops *S = MJ_STORE_OPS(x->e);
  void *inst = x->e->store->inst;
  mj_error err = {0};
  int64_t cycle = 0;
  int found = 0;
  int rc = S->last_cycle(inst, on_cycle, &cycle, &found, &err);
  if (rc == MJ_OK && found)
    rc = S->scan_results(inst, cycle, on_result, x, &err);
  if (rc == MJ_ENOMEM)
    return mj__seterr(x->e, rc, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(x->e, &err, MJ_ESTORE, "export: figures: ");
  return x->err ? mj__seterr(x->e, MJ_EIO, "export: figures: %s",
                             lxw_strerror(x->err))
                : MJ_OK;
}

/* The temporary file's bytes into f. */
static int copy(mj_engine *e, const char *path, FILE *f)
{
  FILE *in = fopen(path, "rb");
  if (!in)
    return mj__seterr(e, MJ_EIO, "export: cannot read %s: %s", path,
                      strerror(errno));
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, f) != n)
      break;
  int bad = ferror(in) || ferror(f);
  fclose(in);
  return bad ? mj__seterr(e, MJ_EIO, "export: cannot write the output")
             : MJ_OK;
}

int mj__export_xlsx(mj_engine *e, const mj_questionnaire *qn, unsigned flags,
                    FILE *f)
{
  const char *dir = getenv("TMPDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/mejora-export-XXXXXX",
           dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0)
    return mj__seterr(e, MJ_EIO, "export: cannot create a temporary file in "
                      "%s: %s (set TMPDIR)", dir && *dir ? dir : "/tmp",
                      strerror(errno));
  close(fd);
  /* constant_memory: each row goes to disk as written, so a large
  ** export takes no more memory than a small one. */
  lxw_workbook_options opts = {.constant_memory = LXW_TRUE};
  lxw_workbook *wb = workbook_new_opt(path, &opts);
  if (!wb) {
    remove(path);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  xlsx x = {.e = e, .qn = qn};
  x.date = workbook_add_format(wb);
  x.datetime = workbook_add_format(wb);
  format_set_num_format(x.date, "yyyy-mm-dd");
  format_set_num_format(x.datetime, "yyyy-mm-dd hh:mm:ss");
  int rc = responses(&x, wb, flags);
  if (rc == MJ_OK)
    rc = labels(&x, wb);
  if (rc == MJ_OK)
    rc = figures(&x, wb);
  lxw_error closed = workbook_close(wb);
  if (rc == MJ_OK && closed != LXW_NO_ERROR)
    rc = mj__seterr(e, MJ_EIO, "export: cannot write the workbook: %s",
                    lxw_strerror(closed));
  if (rc == MJ_OK)
    rc = copy(e, path, f);
  remove(path);
  return rc;
}
