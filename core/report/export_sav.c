/*
** Export as an SPSS system file (ReadStat): one variable per question with
** the question's text as its label, value labels from the playbook, and
** "not applicable" declared user-missing. doc/export.md has the mapping.
**
** A .sav file states each string's width and the number of rows before
** the first row, so the responses are read twice: once to measure, once
** to write. Memory stays flat however many responses there are.
*/
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

#include "report.h"

/* Seconds from SPSS's epoch, 1582-10-14, to 1970-01-01. */
#define SPSS_EPOCH 12219379200.0
/* SPSS's limits, in bytes: names, variable labels, value labels. */
#define NAME_MAX_LEN 64
#define VAR_LABEL_MAX 255
#define VALUE_LABEL_MAX 120

/* The variables before the questions. */
enum { V_RESPONSE, V_CUSTOMER, V_SUBMITTED, V_CHANNEL, V_SEGMENT, V_WAVE,
       N_FIXED };
static const char *const fixed_key[N_FIXED] = {
    "response_id", "customer_id", "submitted_at", "channel", "segment",
    "wave"};
static const char *const fixed_label[N_FIXED] = {
    "Response", "Customer", "Submitted at (UTC)", "Channel", "Segment",
    "Wave"};

typedef enum { T_STRING, T_NUMBER, T_DATE, T_YESNO, T_CODE } vtype;

typedef struct var {
  vtype type;
  size_t width;     /* strings: longest value in bytes */
  double max;       /* numbers: largest value met or declared */
  int na;           /* N/A met or allowed */
  double na_code;   /* numbers: the value N/A is written as */
  char name[NAME_MAX_LEN + 1];
  readstat_variable_t *rv;
} var;

typedef struct sav {
  mj_engine *e;
  const mj_questionnaire *qn;
  var fixed[N_FIXED];
  var *q;           /* one per question */
  long rows;
  readstat_writer_t *w;
  FILE *f;
} sav;

/* 1 when every choice of q is a number, so the variable can be one. */
static int numeric_codes(const mj_question *q)
{
  for (size_t i = 0; i < q->n_choices; i++) {
    char *end;
    strtod(q->choices[i].code, &end);
    if (end == q->choices[i].code || *end)
      return 0;
  }
  return q->n_choices > 0 && !q->other;
}

static vtype type_of(const mj_question *q)
{
  switch (q->kind) {
  case MJ_Q_SCALE:
  case MJ_Q_NPS:
  case MJ_Q_NUMBER:
  case MJ_Q_POINTS:
    return T_NUMBER;
  case MJ_Q_DATE:
    return T_DATE;
  case MJ_Q_YESNO:
    return T_YESNO;
  case MJ_Q_CHOICE:
    return numeric_codes(q) ? T_CODE : T_STRING;
  default:
    return T_STRING;
  }
}

/* An answer's number, NAN when it has none. */
static double number(const var *v, json_t *j)
{
  if (json_is_number(j))
    return json_number_value(j);
  const char *s = json_string_value(j);
  if (!s)
    return NAN;
  if (v->type == T_YESNO)
    return !strcmp(s, "yes") ? 1 : !strcmp(s, "no") ? 0 : NAN;
  if (v->type == T_DATE) {
    int64_t t;
    return mj__parse_time(s, &t) ? (double)t + SPSS_EPOCH : NAN;
  }
  char *end;
  double d = strtod(s, &end);
  return end != s && !*end ? d : NAN;
}

static int is_na(json_t *j)
{
  return json_is_string(j) && !strcmp(json_string_value(j), "NA");
}

static void measure(var *v, json_t *j)
{
  if (is_na(j))
    v->na = 1;
  if (v->type == T_STRING) {
    size_t n = json_is_string(j) ? json_string_length(j) : 0;
    if (n > v->width)
      v->width = n;
  } else if (!is_na(j)) {
    double d = number(v, j);
    if (!isnan(d) && d > v->max)
      v->max = d;
  }
}

static int on_measure(void *ud, json_t *r)
{
  sav *s = ud;
  s->rows++;
  for (size_t i = 0; i < N_FIXED; i++)
    measure(&s->fixed[i], json_object_get(r, fixed_key[i]));
  json_t *a = json_object_get(r, "answers");
  for (size_t k = 0; k < s->qn->n_questions; k++)
    measure(&s->q[k], json_object_get(a, s->qn->questions[k].id));
  return MJ_OK;
}

static int write_value(sav *s, const var *v, json_t *j)
{
  if (v->type == T_STRING)
    return readstat_insert_string_value(
        s->w, v->rv,
        is_na(j) ? "NA" : json_is_string(j) ? json_string_value(j) : "");
  double d = is_na(j) ? v->na_code : number(v, j);
  return isnan(d) ? readstat_insert_missing_value(s->w, v->rv)
                  : readstat_insert_double_value(s->w, v->rv, d);
}

static int on_write(void *ud, json_t *r)
{
  sav *s = ud;
  readstat_error_t rc = readstat_begin_row(s->w);
  for (size_t i = 0; rc == READSTAT_OK && i < N_FIXED; i++)
    rc = write_value(s, &s->fixed[i], json_object_get(r, fixed_key[i]));
  json_t *a = json_object_get(r, "answers");
  for (size_t k = 0; rc == READSTAT_OK && k < s->qn->n_questions; k++)
    rc = write_value(s, &s->q[k],
                     json_object_get(a, s->qn->questions[k].id));
  if (rc == READSTAT_OK)
    rc = readstat_end_row(s->w);
  if (rc != READSTAT_OK)
    return mj__seterr(s->e, MJ_EIO, "export: response %s: %s",
                      json_string_value(json_object_get(r, "response_id")),
                      readstat_error_message(rc));
  return MJ_OK;
}

/* ---- names -------------------------------------------------------------- */

static int reserved(const char *n)
{
  static const char *const words[] = {"ALL", "AND", "BY", "EQ", "GE", "GT",
                                      "LE",  "LT",  "NE", "NOT", "OR", "TO",
                                      "WITH"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (!strcasecmp(n, words[i]))
      return 1;
  return 0;
}

static int taken(const sav *s, size_t upto, const char *n)
{
  for (size_t i = 0; i < N_FIXED; i++)
    if (!strcasecmp(s->fixed[i].name, n))
      return 1;
  for (size_t k = 0; k < upto; k++)
    if (!strcasecmp(s->q[k].name, n))
      return 1;
  return reserved(n);
}

/*
** A question id as an SPSS name: letters, digits and "_" kept (other
** bytes, UTF-8 included, become "_"), "q" in front unless it starts with
** a letter, no "." or "_" at the end, cut to 64 bytes; a name already
** taken (case does not count in SPSS) or reserved gets "_2", "_3", ...
*/
static void name_of(const sav *s, size_t k, const char *id, char *out)
{
  char base[NAME_MAX_LEN + 1];
  size_t n = 0;
  if (!isalpha((unsigned char)id[0]) || (unsigned char)id[0] >= 0x80)
    base[n++] = 'q';
  for (const char *p = id; *p && n < NAME_MAX_LEN; p++) {
    unsigned char c = (unsigned char)*p;
    base[n++] = c < 0x80 && (isalnum(c) || c == '_') ? (char)c : '_';
  }
  while (n > 1 && base[n - 1] == '_')
    n--;
  base[n] = 0;
  snprintf(out, NAME_MAX_LEN + 1, "%s", base);
  for (int i = 2; taken(s, k, out); i++) {
    char suffix[16];
    int sl = snprintf(suffix, sizeof suffix, "_%d", i);
    size_t keep = n + (size_t)sl > NAME_MAX_LEN ? NAME_MAX_LEN - (size_t)sl
                                                 : n;
    snprintf(out, NAME_MAX_LEN + 1, "%.*s%s", (int)keep, base, suffix);
  }
}

/* ---- metadata ------------------------------------------------------------ */

/* s cut to at most max bytes without splitting a UTF-8 character. */
static const char *cut(const char *s, size_t max, char *buf)
{
  size_t n = s ? strlen(s) : 0;
  if (n <= max)
    return s ? s : "";
  while (n > max || (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80))
    n--;
  memcpy(buf, s, n);
  buf[n] = 0;
  return buf;
}

/* N/A as a number no answer takes: 9, 99, 999, ... above every value;
** -1 for dates. */
static double na_code(const var *v)
{
  if (v->type == T_DATE)
    return -1;
  double c = 9;
  while (c <= v->max)
    c = c * 10 + 9;
  return c;
}

static readstat_variable_t *add_var(sav *s, var *v, const char *label)
{
  char buf[VALUE_LABEL_MAX + VAR_LABEL_MAX + 1];
  readstat_variable_t *rv = readstat_add_variable(
      s->w, v->name,
      v->type == T_STRING ? READSTAT_TYPE_STRING : READSTAT_TYPE_DOUBLE,
      v->type == T_STRING ? (v->width ? v->width : 1) : 0);
  if (!rv)
    return NULL;
  readstat_variable_set_label(rv, cut(label, VAR_LABEL_MAX, buf));
  if (v->type == T_DATE)
    readstat_variable_set_format(rv, "DATE11");
  if (v->na) {
    if (v->type == T_STRING)
      readstat_variable_add_missing_string_value(rv, "NA");
    else
      readstat_variable_add_missing_double_value(rv, v->na_code);
  }
  v->rv = rv;
  return rv;
}

static void value_label(readstat_label_set_t *set, const var *v,
                        const char *code, double num, const char *label)
{
  char buf[VALUE_LABEL_MAX + 1];
  label = cut(label, VALUE_LABEL_MAX, buf);
  if (v->type == T_STRING)
    readstat_label_string_value(set, code, label);
  else
    readstat_label_double_value(set, num, label);
}

/* "Not applicable" in the languages of the standard label sets. */
static const char *not_applicable(const char *lang)
{
  static const char *const words[][2] = {{"es", "no aplica"},
                                          {"pt", "não se aplica"},
                                          {"ru", "неприменимо"},
                                          {"pl", "nie dotyczy"}};
  for (size_t i = 0; lang && i < sizeof words / sizeof *words; i++)
    if (!strcmp(lang, words[i][0]))
      return words[i][1];
  return "not applicable";
}

/* The value labels of question q (variable v), or NULL when it has
** none. */
static readstat_label_set_t *label_set(sav *s, const mj_question *q,
                                       const var *v)
{
  const char *lang = s->qn->lang;
  int scale = (q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS) &&
              q->label_texts;
  int labelled = scale || q->kind == MJ_Q_YESNO ||
                 (q->kind == MJ_Q_CHOICE && q->n_choices);
  if (!labelled && !(v->na && v->type != T_STRING))
    return NULL;
  readstat_label_set_t *set = readstat_add_label_set(
      s->w, v->type == T_STRING ? READSTAT_TYPE_STRING : READSTAT_TYPE_DOUBLE,
      v->name);
  if (!set)
    return NULL;
  if (scale)
    for (int p = q->min; p <= q->max; p++)
      value_label(set, v, NULL, p,
                  mj__i18n_pick(&q->label_texts[p - q->min], lang, lang));
  if (q->kind == MJ_Q_YESNO) {
    value_label(set, v, NULL, 1, "yes");
    value_label(set, v, NULL, 0, "no");
  }
  for (size_t i = 0; q->kind == MJ_Q_CHOICE && i < q->n_choices; i++) {
    const mj_choice *c = &q->choices[i];
    const char *l =
        c->label.n ? mj__i18n_pick(&c->label, lang, lang) : c->code;
    value_label(set, v, c->code, strtod(c->code, NULL), l);
  }
  if (v->na)
    value_label(set, v, "NA", v->na_code, not_applicable(lang));
  return set;
}

static ssize_t to_file(const void *data, size_t len, void *ctx)
{
  return fwrite(data, 1, len, ctx) == len ? (ssize_t)len : -1;
}

static int metadata(sav *s)
{
  for (size_t i = 0; i < N_FIXED; i++) {
    var *v = &s->fixed[i];
    snprintf(v->name, sizeof v->name, "%s", fixed_key[i]);
    if (!add_var(s, v, fixed_label[i]))
      return MJ_ENOMEM;
  }
  readstat_variable_set_format(s->fixed[V_SUBMITTED].rv, "DATETIME20");
  for (size_t k = 0; k < s->qn->n_questions; k++) {
    const mj_question *q = &s->qn->questions[k];
    var *v = &s->q[k];
    name_of(s, k, q->id, v->name);
    for (size_t i = 0; v->type == T_CODE && i < q->n_choices; i++)
      v->max = fmax(v->max, strtod(q->choices[i].code, NULL));
    /* a string's value labels fit in it, though no answer is as long */
    for (size_t i = 0; v->type == T_STRING && i < q->n_choices; i++)
      if (strlen(q->choices[i].code) > v->width)
        v->width = strlen(q->choices[i].code);
    if (v->type != T_STRING) {
      if (q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS)
        v->max = fmax(v->max, q->max);
      if (q->has_num_max)
        v->max = fmax(v->max, q->num_max);
      v->na_code = na_code(v);
    }
    const char *lang = s->qn->lang;
    readstat_label_set_t *set = label_set(s, q, v);
    const char *text = mj__i18n_pick(&q->text, lang, lang);
    if (!add_var(s, v, text ? text : q->id))
      return MJ_ENOMEM;
    if (v->type == T_YESNO || v->type == T_CODE ||
        (v->type == T_NUMBER && (q->kind != MJ_Q_NUMBER || q->integer)))
      readstat_variable_set_format(v->rv, "F8.0");
    if (set)
      readstat_variable_set_label_set(v->rv, set);
    readstat_variable_set_measure(
        v->rv, q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS
                   ? READSTAT_MEASURE_ORDINAL
               : v->type == T_NUMBER ? READSTAT_MEASURE_SCALE
                                     : READSTAT_MEASURE_NOMINAL);
  }
  return MJ_OK;
}

int mj__export_sav(mj_engine *e, const mj_questionnaire *qn, FILE *f)
{
  sav s = {.e = e, .qn = qn, .f = f};
  s.q = calloc(qn->n_questions ? qn->n_questions : 1, sizeof *s.q);
  if (!s.q)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  s.fixed[V_SUBMITTED].type = T_DATE;
  for (size_t k = 0; k < qn->n_questions; k++) {
    s.q[k].type = type_of(&qn->questions[k]);
    s.q[k].na = qn->questions[k].allow_na;
    s.q[k].max = -INFINITY;
  }
  int rc = mj__export_scan(e, qn, 0, on_measure, &s);
  if (rc == MJ_OK) {
    for (size_t i = 0; i < N_FIXED; i++)
      s.fixed[i].na = 0; /* "NA" there is a name, not an answer */
    s.w = readstat_writer_init();
    if (!s.w)
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  if (rc == MJ_OK) {
    readstat_set_data_writer(s.w, to_file);
    readstat_writer_set_file_label(s.w, "mejora export");
    /* the engine's clock, so a fixed clock gives the same file */
    readstat_writer_set_file_timestamp(s.w, (time_t)mj__now(e));
    rc = metadata(&s);
    if (rc == MJ_ENOMEM)
      mj__seterr(e, rc, "out of memory");
  }
  if (rc == MJ_OK) {
    readstat_error_t err = readstat_begin_writing_sav(s.w, f, s.rows);
    if (err != READSTAT_OK)
      rc = mj__seterr(e, MJ_EIO, "export: %s", readstat_error_message(err));
  }
  if (rc == MJ_OK)
    rc = mj__export_scan(e, qn, 0, on_write, &s);
  if (rc == MJ_OK) {
    readstat_error_t err = readstat_end_writing(s.w);
    if (err != READSTAT_OK)
      rc = mj__seterr(e, MJ_EIO, "export: %s%s", readstat_error_message(err),
                      err == READSTAT_ERROR_ROW_COUNT_MISMATCH
                          ? " (responses were stored during the export: "
                            "export again)"
                          : "");
  }
  readstat_writer_free(s.w);
  free(s.q);
  return rc;
}
