/*
** JSON import: an array of response objects, validated by the same
** answer rules as a CSV import (answer.c), stored all at once, bad objects
** written to FILE.json.rejects.csv with their index as the row.
*/
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encoding.h"
#include "intake.h"

typedef struct jimport {
  mj_engine *e;
  const mj_questionnaire *qn;
  const char *path;
  const char *jail; /* the folder a playbook's file stays in, or NULL */
  mj_import_stats *stats;
  const mj_storage_ops *S;
  void *store;
  FILE *rejects;
  mj_tokens tokens;
  mj_answer_rec *answers;
  char **texts;
  json_t *seen; /* response ids met in this file */
  const mj_import_opts *opts; /* or NULL */
  int version;                /* the questionnaire's, for every object */
} jimport;

static const char *const fixed_keys[] = {
    "response_id", "customer_id",  "token",   "segment",
    "wave",        "submitted_at", "answers", "channel",
    "pilot",       "version",      NULL}; 
/* One rejected object: its index, the key to blame ("" for the whole
** object), the reason, and the object itself as compact JSON. */
static int reject(jimport *im, size_t index, const char *key, json_t *obj,
                  const char *fmt, ...) MJ__PRINTF(5, 6);

static int reject(jimport *im, size_t index, const char *key, json_t *obj,
                  const char *fmt, ...)
{
  im->stats->rejected++;
  if (!im->rejects) {
    char why[600];
    int code;
    im->rejects = mj__file_create(im->stats->rejects_path, im->jail, &code,
                                  why, sizeof why);
    if (!im->rejects)
      return mj__seterr(im->e, code,
                        "cannot write the rejects file: %s; nothing was "
                        "imported",
                        why);
    fputs("row,column,reason,object\r\n", im->rejects);
  }
  char why[600], reason[800], num[24];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  /* JSON has no rows: the item's index (from 0) is the row, its key the
  ** column. */
  if (*key)
    snprintf(reason, sizeof reason, "item %zu, key '%s': %s", index, key, why);
  else
    snprintf(reason, sizeof reason, "item %zu: %s", index, why);
  snprintf(num, sizeof num, "%zu", index);
  mj__csv_field(im->rejects, num, 0);
  mj__csv_field(im->rejects, key, 0);
  mj__csv_field(im->rejects, reason, 0);
  char *text = obj ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                         JSON_ENCODE_ANY)
                   : NULL;
  mj__csv_field(im->rejects, text ? text : "", 1);
  free(text);
  return MJ_OK;
}

/* A JSON value as the text an answer is parsed from; NULL: not a value. */
static char *value_text(json_t *v)
{
  char buf[64];
  switch (json_typeof(v)) {
  case JSON_STRING:
    return strdup(json_string_value(v));
  case JSON_INTEGER:
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    return strdup(buf);
  case JSON_REAL:
    snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
    return strdup(buf);
  case JSON_TRUE:
    return strdup("yes");
  case JSON_FALSE:
    return strdup("no");
  case JSON_NULL:
    return strdup("");
  case JSON_ARRAY: {
    /* A multi question's codes as a list: joined by ';'. */
    size_t i, n = 1;
    json_t *x;
    json_array_foreach(v, i, x)
    {
      if (!json_is_string(x))
        return NULL;
      n += strlen(json_string_value(x)) + 1;
    }
    char *s = calloc(n, 1);
    json_array_foreach(v, i, x)
    {
      if (s && i)
        strcat(s, ";");
      if (s)
        strcat(s, json_string_value(x));
    }
    return s;
  }
  default:
    return NULL;
  }
}

/* Days since 1970-01-01 of a civil date (days_from_civil, H. Hinnant);
** timegm is not POSIX. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* "2026-11-03", "2026-11-03T10:20:00Z" or seconds since the epoch. */
static int parse_time(json_t *v, int64_t *at)
{
  if (json_is_integer(v)) {
    *at = (int64_t)json_integer_value(v);
    return *at > 0;
  }
  const char *s = json_string_value(v);
  if (!s)
    return 0;
  struct tm tm = {0};
  int n = 0;
  if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
    return 0;
  if (s[n] == 'T' || s[n] == ' ') {
    int k = 0;
    if (sscanf(s + n + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
               &k) != 3)
      return 0;
    n += 1 + k;
    if (s[n] == 'Z')
      n++;
  }
  if (s[n] || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
      tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
    return 0;
  *at = days_from_civil(tm.tm_year, tm.tm_mon, tm.tm_mday) * 86400 +
        tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  return 1;
}

static void clear_texts(jimport *im)
{
  for (size_t q = 0; q < im->qn->n_questions; q++) {
    free(im->texts[q]);
    im->texts[q] = NULL;
  }
}

/* Validate one object and store it; a bad one goes to the rejects. */
/* The object with the opts' renames applied (a new reference), or obj
** itself (a new reference too) when there are none. */
static json_t *renamed(const jimport *im, json_t *obj)
{
  size_t n = im->opts ? im->opts->n_columns : 0;
  if (!n || !json_is_object(obj))
    return json_incref(obj);
  json_t *copy = json_copy(obj);
  for (size_t k = 0; copy && k < n; k++) {
    const mj_import_column *m = &im->opts->columns[k];
    json_t *v = json_object_get(obj, m->column);
    if (!v || strcmp(m->name, m->column) == 0)
      continue;
    json_object_set(copy, m->name, v);
    json_object_del(copy, m->column);
  }
  return copy;
}

static int one_obj(jimport *im, size_t index, json_t *obj);

static int one(jimport *im, size_t index, json_t *raw)
{
  json_t *obj = renamed(im, raw);
  if (!obj)
    return mj__seterr(im->e, MJ_ENOMEM, "out of memory");
  int rc = one_obj(im, index, obj);
  json_decref(obj);
  return rc;
}

static int one_obj(jimport *im, size_t index, json_t *obj)
{
  const mj_questionnaire *qn = im->qn;
  if (!json_is_object(obj))
    return reject(im, index, "", obj,
                  "not an object of response_id, "
                  "customer_id (or token) and answers");
  json_t *jid = json_object_get(obj, "response_id");
  char *id = jid ? value_text(jid) : NULL;
  if (!id || !*id || json_is_null(jid)) {
    free(id);
    return reject(im, index, "response_id", obj,
                  "every response needs a response_id (a string)");
  }
  int rc = MJ_OK;
  char why[300];
  const char *key;
  json_t *v;
  mj_customer cv;
  mj_customer_buf cb;
  mj__customer_buf_init(&cb);
  const mj_customer *cust = NULL;
  mj_token *tok = NULL;
  const char *segment = NULL, *wave = NULL;
  int64_t at = mj__now(im->e);
  size_t bad;

  if (json_object_get(im->seen, id)) {
    rc = reject(im, index, "response_id", obj,
                "response '%s' is repeated in this file (first at item "
                "%lld)",
                id,
                (long long)json_integer_value(json_object_get(im->seen, id)));
    goto out;
  }
  json_object_set_new(im->seen, id, json_integer((json_int_t)index));
  /* Keys that are neither fixed nor questions are mistakes to name. */
  json_object_foreach(obj, key, v)
  {
    size_t k = 0;
    while (fixed_keys[k] && strcmp(fixed_keys[k], key) != 0)
      k++;
    if (!fixed_keys[k] && !mj__model_question(qn, key)) {
      rc = reject(im, index, key, obj,
                  "questionnaire '%s' has no question '%s'", qn->id, key);
      goto out;
    }
  }
  json_t *jc = json_object_get(obj, "customer_id"),
         *jt = json_object_get(obj, "token");
  if (jt && !json_is_null(jt)) {
    tok = mj__tokens_find(&im->tokens, json_string_value(jt));
    if (!tok) {
      rc = reject(im, index, "token", obj,
                  "unknown token: no invitation to questionnaire '%s' has "
                  "it",
                  qn->id);
      goto out;
    }
    cust = mj__model_customer(im->e->model, tok->customer, &cv, &cb);
  } else if (json_is_string(jc)) {
    cust = mj__model_customer(im->e->model, json_string_value(jc), &cv, &cb);
  }
  if (!cust) {
    const char *who = tok ? tok->customer : json_string_value(jc);
    if (who)
      rc = reject(im, index, tok ? "token" : "customer_id", obj,
                  "unknown customer '%s' (not among the playbook's "
                  "customers)",
                  who);
    else
      rc = reject(im, index, "customer_id", obj,
                  "no customer: give customer_id (a string) or an "
                  "invitation's token");
    goto out;
  }
  segment = cust->segment;
  json_t *js = json_object_get(obj, "segment");
  if (js && !json_is_null(js)) {
    segment = json_string_value(js);
    if (!segment || !mj__model_segment(im->e->model, segment)) {
      rc = reject(im, index, "segment", obj, "not a declared segment");
      goto out;
    }
  }
  json_t *jw = json_object_get(obj, "wave");
  if (jw && !json_is_null(jw) && !(wave = json_string_value(jw))) {
    rc = reject(im, index, "wave", obj, "wave must be a string");
    goto out;
  }
  json_t *jat = json_object_get(obj, "submitted_at");
  if (jat && !json_is_null(jat) && !parse_time(jat, &at)) {
    rc = reject(im, index, "submitted_at", obj,
                "not a time; write \"YYYY-MM-DD\", "
                "\"YYYY-MM-DDTHH:MM:SSZ\" or seconds since 1970");
    goto out;
  }
  int pilot = im->opts && im->opts->pilot;
  json_t *jp = json_object_get(obj, "pilot");
  if (!pilot && jp && !json_is_null(jp)) {
    if (json_is_boolean(jp) || json_is_integer(jp))
      pilot = json_is_true(jp) || json_integer_value(jp) != 0;
    else {
      rc = reject(im, index, "pilot", obj, "pilot must be true or false");
      goto out;
    }
  }
  const char *channel = cust->channel;
  json_t *jch = json_object_get(obj, "channel");
  if (jch && !json_is_null(jch) && !(channel = json_string_value(jch))) {
    rc = reject(im, index, "channel", obj, "channel must be a string");
    goto out;
  }
  json_t *nested = json_object_get(obj, "answers");
  if (nested && !json_is_object(nested)) {
    rc = reject(im, index, "answers", obj,
                "answers must be an object of question ids to values");
    goto out;
  }
  json_object_foreach(nested, key, v)
  {
    if (!mj__model_question(qn, key)) {
      rc = reject(im, index, key, obj,
                  "questionnaire '%s' has no question '%s'", qn->id, key);
      goto out;
    }
  }
  for (size_t q = 0; q < qn->n_questions; q++) {
    const mj_question *qq = &qn->questions[q];
    json_t *a = json_object_get(obj, qq->id);
    json_t *b = nested ? json_object_get(nested, qq->id) : NULL;
    if (a && b) {
      rc = reject(im, index, qq->id, obj,
                  "answered twice (at the top and in answers)");
      goto out;
    }
    if (!a)
      a = b;
    im->texts[q] = a ? value_text(a) : strdup("");
    if (!im->texts[q]) {
      rc = reject(im, index, qq->id, obj,
                  "a value must be a string, number, boolean, null or a "
                  "list of codes");
      goto out;
    }
    if (mj__answer_parse(qq, im->texts[q], strlen(im->texts[q]),
                         &im->answers[q], why, sizeof why) != MJ_OK) {
      rc = reject(im, index, qq->id, obj, "%s", why);
      goto out;
    }
    im->answers[q].question = qq->id;
  }
  if (mj__answer_check_row(qn, im->answers, &bad, why, sizeof why) != MJ_OK) {
    rc = reject(im, index, qn->questions[bad].id, obj, "%s", why);
    goto out;
  }
  {
    mj_response_rec r = {
        .id = id,
        .questionnaire = qn->id,
        .version = im->version,
        .customer = cust->id,
        .segment = segment,
        .wave = mj__response_cycle(im->e, wave, at),
        .submitted_at = at,
        .source = im->path,
        .answers = im->answers,
        .n_answers = qn->n_questions,
        .pilot = pilot,
        .channel = channel,
    };
    int inserted = 0;
    mj_error err = {0};
    rc = mj__response_put(im->e, &r, &inserted, &err);
    if (rc == MJ_OK && tok && !tok->answered) {
      mj_invitation_rec inv = {.token = tok->token,
                               .customer = tok->customer,
                               .questionnaire = qn->id,
                               .created_at = at,
                               .answered = 1};
      rc = im->S->put_invitation(im->store, &inv, &err);
      tok->answered = 1;
    }
    if (rc != MJ_OK) {
      rc = mj__seterr_from(im->e, &err, MJ_ESTORE, "import: ");
      goto out;
    }
    if (inserted)
      im->stats->accepted++;
    else
      im->stats->duplicates++;
  }
out:
  clear_texts(im);
  free(id);
  return rc;
}

int mj__import_json(mj_engine *e, const mj_questionnaire *qn, const char *path,
                    const mj_import_opts *opts, const char *jail,
                    mj_import_stats *stats)
{
  jimport im = {.e = e, .qn = qn, .path = path, .jail = jail,
                .stats = stats, .opts = opts};
  int k = snprintf(stats->rejects_path, sizeof stats->rejects_path,
                   "%s.rejects.csv", path);
  if (k < 0 || (size_t)k >= sizeof stats->rejects_path)
    return mj__seterr(e, MJ_EINVAL, "%s: path too long", path);
  char why[600], *real = NULL;
  int prc = mj__path_resolve(path, MJ_PATH_READ, jail, &real, why, sizeof why);
  if (prc != MJ_OK)
    return mj__seterr(e, prc, "%s", why);
  /* JSON is UTF-8 without a byte order mark (RFC 8259); the parser would
  ** only say it cannot decode the first byte. */
  unsigned char head[512];
  FILE *f = fopen(real, "rb");
  size_t got = f ? fread(head, 1, sizeof head, f) : 0;
  if (f)
    fclose(f);
  const char *wide = mj_wide_encoding(head, got);
  if (wide || (got >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)) {
    free(real);
    return wide ? mj__seterr(e, MJ_EDATA,
                             "%s: this file is %s; save it as UTF-8; nothing "
                             "was imported",
                             path, wide)
                : mj__seterr(e, MJ_EDATA,
                             "%s: this file starts with a UTF-8 byte order "
                             "mark, which JSON does not allow; save it as "
                             "UTF-8 without a BOM; nothing was imported",
                             path);
  }
  json_error_t jerr;
  json_t *doc = json_load_file(real, JSON_REJECT_DUPLICATES, &jerr);
  free(real);
  if (!doc)
    return mj__seterr_at(e, MJ_EDATA, path, jerr.line, jerr.column,
                         "%s; nothing was imported", jerr.text);
  if (!json_is_array(doc)) {
    json_decref(doc);
    return mj__seterr_at(e, MJ_EDATA, path, 1, 1,
                         "expected an array of response objects "
                         "([{\"response_id\": ..., ...}, ...])");
  }
  /* A mapped key no object has is a mistake in the mapping. */
  for (size_t m = 0; opts && m < opts->n_columns; m++) {
    size_t i;
    json_t *o;
    int found = 0;
    json_array_foreach(doc, i, o)
    {
      if (json_object_get(o, opts->columns[m].column)) {
        found = 1;
        break;
      }
    }
    if (!found && json_array_size(doc)) {
      json_decref(doc);
      return mj__seterr_at(e, MJ_EDATA, path, 1, 1,
                           "columns maps '%s' to the key '%s', which no "
                           "object has: fix the mapping or the file",
                           opts->columns[m].name, opts->columns[m].column);
    }
  }
  int rc = mj__store_ensure(e);
  if (rc == MJ_OK)
    rc = mj__questionnaire_version(e, qn, &im.version);
  if (rc != MJ_OK) {
    json_decref(doc);
    return rc;
  }
  im.S = MJ_STORE_OPS(e);
  im.store = e->store->inst;
  size_t n = qn->n_questions ? qn->n_questions : 1;
  im.answers = calloc(n, sizeof *im.answers);
  im.texts = calloc(n, sizeof *im.texts);
  im.seen = json_object();
  mj_error err = {0};
  if (!im.answers || !im.texts || !im.seen)
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (rc == MJ_OK)
    rc = mj__tokens_load(e, qn->id, &im.tokens);
  int in_tx = 0;
  if (rc == MJ_OK) {
    rc = MJ__BEGIN_BULK(im.S, im.store, &err);
    if (rc != MJ_OK)
      rc = mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
    in_tx = rc == MJ_OK;
  }
  size_t i;
  json_t *obj;
  json_array_foreach(doc, i, obj)
  {
    if (rc != MJ_OK)
      break;
    stats->rows++;
    rc = one(&im, i, obj);
  }
  /* The customers the responses name, with them, as a CSV import does. */
  if (rc == MJ_OK && in_tx && e->model->n_customers > 0 &&
      mj__customers_put(im.S, im.store, e->model, &err) != MJ_OK)
    rc = mj__seterr_from(e, &err, MJ_ESTORE, "import: storing customers: ");
  if (rc == MJ_OK && in_tx) {
    rc = im.S->commit(im.store, &err);
    if (rc != MJ_OK)
      rc = mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
    else
      in_tx = 0;
  }
  if (im.rejects && fclose(im.rejects) != 0 && rc == MJ_OK)
    rc = mj__seterr(e, MJ_EIO, "cannot write the rejects file '%s': %s",
                    stats->rejects_path, strerror(errno));
  int wrote = im.rejects != NULL;
  im.rejects = NULL;
  if (rc != MJ_OK) {
    /* All or nothing, as with CSV. */
    if (in_tx) {
      mj_error ignored = {0};
      im.S->rollback(im.store, &ignored);
    }
    stats->accepted = stats->duplicates = 0;
    if (wrote)
      remove(stats->rejects_path);
    stats->rejects_path[0] = '\0';
  } else if (!stats->rejected) {
    remove(stats->rejects_path); /* a stale one from an earlier import */
    stats->rejects_path[0] = '\0';
  }
  mj__tokens_free(&im.tokens);
  if (im.texts)
    clear_texts(&im);
  free(im.texts);
  free(im.answers);
  json_decref(im.seen);
  json_decref(doc);
  return rc;
}
