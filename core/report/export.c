/*
** Export: every stored response of a questionnaire as CSV (one row per
** response, one column per question, re-importable) or JSON, with the
** stored codes or with their labels in the respondent's language.
**
** Each response is written as soon as it is read: a tree of all of them
** took 4 KiB a response (427 MiB for 100k), so a million did not fit.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct exporter {
  mj_engine *e;
  const mj_questionnaire *qn;
  int labels;
  int raw; /* CSV text as stored, formulas and all */
  FILE *f;
  int json;       /* else CSV */
  size_t written; /* responses written */
  json_t *cur;    /* the response being filled, not yet written */
  json_t *answers;
  char last[256]; /* its id */
  int ext;        /* whole responses with channel, pilot and version */
  mj__export_row_fn row; /* else CSV or JSON to f */
  void *ud;
  int row_rc; /* what row failed with, its message set */
} exporter;

static void write_row(exporter *x, json_t *r);

/* "2024-05-31" from days since 1970-01-01 (civil_from_days, H. Hinnant). */
static void date_text(double days, char *buf, size_t n)
{
  long z = (long)floor(days) + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
  long m = mp < 10 ? mp + 3 : mp - 9;
  snprintf(buf, n, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

/* Labels in the respondent's language, else the questionnaire's default
** language (mj__i18n_pick), as the interview shows them. */
static const char *choice_label(const mj_question *q, const char *code,
                                size_t len, const char *lang,
                                const char *fallback)
{
  for (size_t i = 0; i < q->n_choices; i++)
    if (strlen(q->choices[i].code) == len &&
        !strncmp(q->choices[i].code, code, len))
      return q->choices[i].label.n ? mj__i18n_pick(&q->choices[i].label, lang,
                                                   fallback)
                                   : q->choices[i].code;
  return NULL;
}

/* One answer as JSON: a number, a string, "NA", or null when skipped. */
static json_t *value(const exporter *x, const mj_question *q,
                     const mj_answer_rec *a, const char *lang)
{
  if (a->state == MJ_ANSWER_SKIPPED)
    return json_null();
  if (a->state == MJ_ANSWER_NA)
    return json_string("NA");
  char buf[64];
  if (x->labels) {
    if ((q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS) && q->label_texts &&
        a->num >= q->min && a->num <= q->max)
      return json_string(
          mj__i18n_pick(&q->label_texts[(int)a->num - q->min], lang,
                        x->qn->lang));
    if ((q->kind == MJ_Q_CHOICE || q->kind == MJ_Q_MULTI) && a->text) {
      /* Each code of a multi answer by its label; "other:..." as given. */
      size_t cap = 1;
      for (const char *p = a->text;; p++) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *l = choice_label(q, p, n, lang, x->qn->lang);
        cap += (l ? strlen(l) : n) + 1;
        if (!end)
          break;
        p = end;
      }
      char *s = malloc(cap), *w = s;
      if (!s)
        return NULL;
      for (const char *p = a->text;; p++) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *l = choice_label(q, p, n, lang, x->qn->lang);
        memcpy(w, l ? l : p, l ? strlen(l) : n);
        w += l ? strlen(l) : n;
        if (!end)
          break;
        *w++ = ';';
        p = end;
      }
      *w = 0;
      json_t *v = json_string(s);
      free(s);
      return v;
    }
  }
  if (q->kind == MJ_Q_DATE && !a->text) {
    date_text(a->num, buf, sizeof buf);
    return json_string(buf);
  }
  if (a->text)
    return json_string(a->text);
  if (isnan(a->num))
    return json_null();
  if (a->num == floor(a->num) && fabs(a->num) < 1e15)
    return json_integer((json_int_t)a->num);
  return json_real(a->num);
}

/* Write the response being filled, if any, and let it go. */
static int flush(exporter *x)
{
  if (!x->cur)
    return MJ_OK;
  int rc = MJ_OK;
  if (x->row)
    rc = x->row_rc = x->row(x->ud, x->cur);
  else
    write_row(x, x->cur);
  json_decref(x->cur);
  x->cur = NULL;
  x->written++;
  return rc;
}

static int on_answer(void *ud, const mj_answer_row *row)
{
  exporter *x = ud;
  if (!x->cur || strcmp(x->last, row->response) != 0) {
    int rc = flush(x);
    if (rc != MJ_OK)
      return rc;
    x->cur = json_object();
    x->answers = json_object();
    if (!x->cur || !x->answers) {
      json_decref(x->answers);
      return MJ_ENOMEM;
    }
    snprintf(x->last, sizeof x->last, "%s", row->response);
    json_object_set_new(x->cur, "response_id", json_string(row->response));
    json_object_set_new(x->cur, "customer_id", mj__json_str(row->customer));
    json_object_set_new(x->cur, "segment", mj__json_str(row->segment));
    json_object_set_new(x->cur, "wave", mj__json_str(row->wave));
    json_object_set_new(x->cur, "submitted_at",
                        mj__json_time(row->submitted_at));
    json_object_set_new(x->cur, "answers", x->answers);
  }
  const mj_question *q = mj__model_question(x->qn, row->answer.question);
  if (!q) /* a question since removed from the questionnaire */
    return MJ_OK;
  size_t ci = row->customer ? mj__customer_find(x->e->model, row->customer)
                            : SIZE_MAX;
  const char *clang = ci != SIZE_MAX ? mj__customer_lang(x->e->model, ci)
                                     : NULL;
  const char *lang = clang ? clang : x->qn->lang ? x->qn->lang : "en";
  json_t *v = value(x, q, &row->answer, lang);
  if (!v)
    return MJ_ENOMEM;
  json_object_set_new(x->answers, q->id, v);
  return MJ_OK;
}

/* A whole response (stores that keep versions): the answers as above,
** then its channel, pilot flag and questionnaire version. */
static int on_response(void *ud, const mj_response_rec *r)
{
  exporter *x = ud;
  int rc = flush(x);
  if (rc != MJ_OK)
    return rc;
  for (size_t k = 0; k < r->n_answers; k++) {
    mj_answer_row row = {r->id, r->customer, r->segment, r->wave,
                         r->submitted_at, r->answers[k]};
    if (!row.answer.question)
      continue;
    rc = on_answer(ud, &row);
    if (rc != MJ_OK)
      return rc;
  }
  if (!x->cur) { /* no answers at all: the response still counts */
    mj_answer_row row = {r->id, r->customer, r->segment, r->wave,
                         r->submitted_at, {.question = ""}};
    rc = on_answer(ud, &row);
    if (rc != MJ_OK)
      return rc;
  }
  json_object_set_new(x->cur, "channel", mj__json_str(r->channel));
  json_object_set_new(x->cur, "pilot", json_boolean(r->pilot));
  json_object_set_new(x->cur, "version", json_integer(r->version));
  /* the next response starts afresh, even with this id */
  return flush(x);
}

/* Numbers as numbers; text, unless raw, never as a spreadsheet formula. */
static void csv_value(const exporter *x, json_t *v, int last)
{
  FILE *f = x->f;
  char buf[64];
  if (json_is_string(v) && !x->raw)
    mj__csv_cell(f, json_string_value(v), last);
  else if (json_is_string(v))
    mj__csv_field(f, json_string_value(v), last);
  else if (json_is_integer(v)) {
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    mj__csv_field(f, buf, last);
  } else if (json_is_real(v)) {
    snprintf(buf, sizeof buf, "%.15g", json_real_value(v));
    mj__csv_field(f, buf, last);
  } else
    mj__csv_field(f, "", last);
}

static const char *const fixed[] = {"response_id", "customer_id", "segment",
                                    "wave", "submitted_at"};

static void write_header(const exporter *x)
{
  FILE *f = x->f;
  if (x->json)
    return;
  for (size_t i = 0; i < 5; i++)
    mj__csv_field(f, fixed[i], 0);
  /* channel and pilot come last, so the columns before keep
  ** their places; both re-import. */
  int ext = x->ext;
  for (size_t k = 0; k < x->qn->n_questions; k++)
    mj__csv_field(f, x->qn->questions[k].id, !ext && k + 1 == x->qn->n_questions);
  if (ext) {
    mj__csv_field(f, "channel", 0);
    mj__csv_field(f, "pilot", 1);
  } else if (x->qn->n_questions == 0)
    fputs("\r\n", f);
}

/* One response: a CSV row, or an element of the JSON array laid out as
** jansson lays out the whole array with an indent of 2. */
static void write_row(exporter *x, json_t *r)
{
  FILE *f = x->f;
  if (x->json) {
    char *s = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputs(x->written ? ",\n  " : "[\n  ", f);
    for (const char *p = s ? s : "null"; *p; p++) {
      fputc(*p, f);
      if (*p == '\n')
        fputs("  ", f);
    }
    free(s);
    return;
  }
  int ext = x->ext;
  for (size_t c = 0; c < 5; c++)
    csv_value(x, json_object_get(r, fixed[c]), 0);
  json_t *a = json_object_get(r, "answers");
  for (size_t k = 0; k < x->qn->n_questions; k++)
    csv_value(x, json_object_get(a, x->qn->questions[k].id),
              !ext && k + 1 == x->qn->n_questions);
  if (ext) {
    csv_value(x, json_object_get(r, "channel"), 0);
    mj__csv_field(f, json_is_true(json_object_get(r, "pilot")) ? "1" : "0", 1);
  } else if (x->qn->n_questions == 0)
    fputs("\r\n", f);
}

/*
** Read every stored response of x->qn into x's writer. Errors: MJ_ENOMEM,
** MJ_ESTORE, or what x->row returned (its message already set).
*/
static int scan(exporter *x)
{
  mj_engine *e = x->e;
  mj_error err = {0};
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  int rc;
  if (x->ext)
    rc = S->scan_responses(e->store->inst, x->qn->id, on_response, x, &err);
  else
    rc = S->scan_answers(e->store->inst, x->qn->id, on_answer, x, &err);
  if (rc == MJ_OK)
    rc = flush(x);
  json_decref(x->cur);
  x->cur = NULL;
  if (x->row_rc != MJ_OK)
    return x->row_rc;
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "export: ");
  return MJ_OK;
}

int mj__export_whole(mj_engine *e)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  return MJ__HAS_OP(S, scan_questionnaire_versions) && S->scan_responses;
}

int mj__export_scan(mj_engine *e, const mj_questionnaire *qn, unsigned flags,
                    mj__export_row_fn row, void *ud)
{
  exporter x = {.e = e, .qn = qn, .labels = (flags & MJ_EXPORT_LABELS) != 0,
                .ext = mj__export_whole(e), .row = row, .ud = ud};
  return scan(&x);
}

int mj_responses_export_file(mj_engine *e, const char *questionnaire,
                             const char *format, unsigned flags, FILE *f)
{
  if (!e || !f)
    return e ? mj__seterr(e, MJ_EINVAL, "no file to write to") : MJ_EINVAL;
  mj__clearerr(e);
  if (!format)
    format = "csv";
  char why[128];
  if (mj_format_check("export", format, why, sizeof why) != MJ_OK)
    return mj__seterr(e, MJ_EINVAL, "%s", why);
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  exporter x = {.e = e, .labels = (flags & MJ_EXPORT_LABELS) != 0,
                .raw = (flags & MJ_EXPORT_RAW) != 0, .f = f,
                .json = strcmp(format, "json") == 0};
  x.qn =
      questionnaire ? mj__model_questionnaire(e->model, questionnaire) : NULL;
  if (!x.qn)
    return mj__seterr(e, MJ_ENOTFOUND, "%s: no questionnaire '%s' to export",
                      e->model->file, questionnaire ? questionnaire : "");
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  if (strcmp(format, "xlsx") == 0)
    rc = mj__export_xlsx(e, x.qn, flags, f);
  else if (strcmp(format, "sav") == 0)
    rc = mj__export_sav(e, x.qn, f);
  else {
    x.ext = mj__export_whole(e);
    write_header(&x);
    rc = scan(&x);
    if (rc == MJ_OK && x.json)
      fputs(x.written ? "\n]" : "[]", f);
  }
  if (rc != MJ_OK)
    return rc;
  if (ferror(f))
    return mj__seterr(e, MJ_EIO, "export: cannot write the output");
  return MJ_OK;
}

int mj_responses_export(mj_engine *e, const char *questionnaire,
                        const char *format, unsigned flags, char **out,
                        size_t *len)
{
  if (!e || !out)
    return e ? mj__seterr(e, MJ_EINVAL, "no output pointer") : MJ_EINVAL;
  *out = NULL;
  if (len)
    *len = 0;
  size_t n = 0;
  FILE *f = open_memstream(out, &n);
  if (!f)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  int rc = mj_responses_export_file(e, questionnaire, format, flags, f);
  if (fclose(f) != 0 && rc == MJ_OK)
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (rc != MJ_OK) {
    free(*out);
    *out = NULL;
    return rc;
  }
  if (len)
    *len = n;
  return MJ_OK;
}
