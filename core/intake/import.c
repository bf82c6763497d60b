/*
** Responses in: a CSV file through the csv collector (mj_import) or one
** response from the host application (mj_response_add), each validated
** against its questionnaire before anything reaches the store.
*/
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "intake.h"

/* ---- cells and text ------------------------------------------------------ */

static int is_blank_text(const char *s)
{
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
      return 0;
  return 1;
}

static int data_err(mj_error *err, int code, const char *file, int line,
                    int col, const char *fmt, ...) MJ__PRINTF(6, 7);

static int data_err(mj_error *err, int code, const char *file, int line,
                    int col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__error_v(err, code, file, line, col, fmt, ap);
  va_end(ap);
  return code;
}

/* "a, b, c" into buf: the ids a person could have meant. */
static void list_questionnaires(const mj_model *m, char *buf, size_t n)
{
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < m->n_questionnaires && used < n; i++) {
    int k = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                     m->questionnaires[i].id);
    if (k < 0)
      break;
    used += (size_t)k;
  }
}

/* The questionnaire to import into, or an error saying what exists. */
static int find_questionnaire(mj_engine *e, const char *id,
                              const mj_questionnaire **out)
{
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL,
                      "no playbook loaded: load the playbook that declares "
                      "questionnaire '%s' first",
                      id);
  *out = mj__model_questionnaire(e->model, id);
  if (*out)
    return MJ_OK;
  char names[256];
  list_questionnaires(e->model, names, sizeof names);
  return mj__seterr(e, MJ_EREF,
                    "%s: no questionnaire '%s' (the playbook declares: %s)",
                    e->model->file, id, names[0] ? names : "none");
}

/* ---- hashes of ids ------------------------------------------------------ */

static uint64_t hash(const char *s)
{
  return mj__hash_bytes(MJ__HASH_START, s, strlen(s));
}

static uint64_t hash_n(const char *s, size_t n)
{
  return mj__hash_bytes(MJ__HASH_START, s, n);
}

/*
** 32 bits of hash for a table that scales it to its size (home_slot).
** FNV's high bits hardly change with an id's last characters (R001, R002),
** and scaling uses the high bits: they are mixed first.
*/
static uint32_t hash32(const char *s, size_t n)
{
  uint64_t h = hash_n(s, n);
  return (uint32_t)(((h ^ (h >> 32)) * 0x9e3779b97f4a7c15u) >> 32);
}

/* The first slot for hash h in a table of cap slots, of any size. */
static size_t home_slot(uint32_t h, size_t cap)
{
  return (size_t)(((uint64_t)h * cap) >> 32);
}

/* ---- the playbook's customers and segments by id ---------------------------
**
** The model keeps them in declaration order and finds one by a linear
** scan, fine for a playbook but 10^5 string compares per row for an import
** with 100k customers. One import builds an open-addressing index once,
** with each key's hash beside it so a probe touches one key only.
*/

typedef struct nameslot {
  const char *id; /* NULL: empty */
  const void *item;
  uint64_t h;
} nameslot;

typedef struct nameindex {
  nameslot *slot;
  size_t mask; /* capacity - 1; capacity a power of two */
} nameindex;

static int nameindex_build(nameindex *x, size_t n, const void *items,
                           size_t stride, size_t id_offset)
{
  size_t cap = 16;
  while (cap < 2 * n)
    cap *= 2;
  x->slot = calloc(cap, sizeof *x->slot);
  if (!x->slot)
    return MJ_ENOMEM;
  x->mask = cap - 1;
  for (size_t i = 0; i < n; i++) {
    const char *item = (const char *)items + i * stride;
    const char *id;
    memcpy(&id, item + id_offset, sizeof id);
    if (!id)
      continue;
    uint64_t h = hash(id);
    size_t j = (size_t)h & x->mask;
    /* A repeated id (the linker refuses those): the first one wins, as
    ** with the model's own lookup. */
    while (x->slot[j].id && !(x->slot[j].h == h && strcmp(x->slot[j].id, id) == 0))
      j = (j + 1) & x->mask;
    if (!x->slot[j].id)
      x->slot[j] = (nameslot){id, item, h};
  }
  return MJ_OK;
}

static const void *nameindex_find(const nameindex *x, const char *id,
                                  size_t len)
{
  uint64_t h = hash_n(id, len);
  for (size_t j = (size_t)h & x->mask; x->slot[j].id; j = (j + 1) & x->mask)
    if (x->slot[j].h == h && strcmp(x->slot[j].id, id) == 0)
      return x->slot[j].item;
  return NULL;
}

/*
** The customers of a large file are looked up at random, and each pointer
** a lookup follows misses the cache. So the customers get their own index,
** sized to be 3/4 full and addressed by scaling the id's hash, of 12-byte
** slots that hold all a row needs: the id itself when short (as ids are),
** and the numbers of the segment and channel, whose values the model
** keeps in a table small enough to stay in the cache. A row then touches
** one slot, five to a cache line; a million customers take 16 MB.
*/

typedef struct custslot {
  /* The id, NUL-padded, when shorter than 8 bytes (its first byte is then
  ** not 0); else the customer's index in 4 bytes, 24 bits of the id's
  ** hash, and LONG_KEY. All 0: a free slot. */
  unsigned char key[8];
  uint16_t segment, channel; /* mj__customer_shared numbers */
} custslot;

enum { LONG_KEY = 1 };

typedef struct custindex {
  custslot *slot;
  size_t cap;
  const mj_model *m;
} custindex;

/* What slot key a customer's id has: the id when short, else its hash
** and mark, the index left 0 (the caller's to set or to skip). */
static uint64_t cust_key(const char *id, size_t len, uint32_t h)
{
  unsigned char k[8] = {0};
  if (len < sizeof k) {
    memcpy(k, id, len);
  } else {
    k[4] = (unsigned char)h;
    k[5] = (unsigned char)(h >> 8);
    k[6] = (unsigned char)(h >> 16);
    k[7] = LONG_KEY;
  }
  uint64_t v;
  memcpy(&v, k, sizeof v);
  return v;
}

static uint64_t slot_key(const custslot *s)
{
  uint64_t v;
  memcpy(&v, s->key, sizeof v);
  return v;
}

/* Whether slot s holds the id id[0..len) whose key (cust_key) is key. */
static int cust_match(const custindex *x, const custslot *s, uint64_t key,
                      const char *id, size_t len)
{
  uint64_t k = slot_key(s);
  if (len < sizeof s->key)
    return k == key;
  /* The index's 4 bytes aside, hash and mark must agree first. */
  if (s->key[7] != LONG_KEY || memcmp(s->key + 4, (char *)&key + 4, 3) != 0)
    return 0;
  uint32_t i;
  memcpy(&i, s->key, sizeof i);
  return strcmp(mj__customer_id(x->m, i), id) == 0;
}

static int custindex_build(custindex *x, const mj_model *m)
{
  size_t n = m->n_customers;
  x->cap = n + n / 3 + 1;
  x->m = m;
  x->slot = n < UINT32_MAX ? calloc(x->cap, sizeof *x->slot) : NULL;
  if (!x->slot)
    return MJ_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    const char *id = mj__customer_id(m, i);
    if (!id)
      continue;
    size_t len = strlen(id);
    uint32_t h = hash32(id, len);
    uint64_t key = cust_key(id, len, h);
    size_t j = home_slot(h, x->cap);
    /* A repeated id (the linker refuses those): the first one wins, as
    ** with the model's own lookup. */
    while (slot_key(&x->slot[j]) && !cust_match(x, &x->slot[j], key, id, len))
      j = j + 1 < x->cap ? j + 1 : 0;
    custslot *s = &x->slot[j];
    if (slot_key(s))
      continue;
    memcpy(s->key, &key, sizeof key);
    if (len >= sizeof s->key) {
      uint32_t n32 = (uint32_t)i;
      memcpy(s->key, &n32, sizeof n32);
    }
    mj__customer_shared_nos(m, i, &s->segment, &s->channel);
  }
  return MJ_OK;
}

/* Start loading the slot where id's probe begins: with 10^5 customers
** the table is not in the cache, and each row looks one up. */
static void custindex_prefetch(const custindex *x, uint32_t h)
{
#if defined(__GNUC__)
  __builtin_prefetch(&x->slot[home_slot(h, x->cap)]);
#else
  (void)x;
  (void)h;
#endif
}

/* The slot of id id[0..len), whose hash32 is h; NULL when unknown. */
static const custslot *custindex_find(const custindex *x, const char *id,
                                      size_t len, uint32_t h)
{
  uint64_t key = cust_key(id, len, h);
  for (size_t j = home_slot(h, x->cap); slot_key(&x->slot[j]);
       j = j + 1 < x->cap ? j + 1 : 0)
    if (cust_match(x, &x->slot[j], key, id, len))
      return &x->slot[j];
  return NULL;
}

/* ---- one import -----------------------------------------------------------
 */

/* ---- questionnaire versions ------------------------------------------------
**
** A questionnaire's structure is what makes old and new answers
** comparable: question ids, types, ranges and options, in order. Texts
** and labels may change freely (a typo fix makes no new version).
*/

char *mj__questionnaire_structure(const mj_questionnaire *qn, char fp[17])
{
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < qn->n_questions; i++) {
    const mj_question *q = &qn->questions[i];
    json_t *o = json_pack("{s:s, s:s, s:i, s:i}", "id", q->id, "type",
                          q->type ? q->type : "", "min", q->min, "max",
                          q->max);
    json_t *opts = q->n_choices ? json_array() : NULL;
    for (size_t k = 0; opts && k < q->n_choices; k++)
      json_array_append_new(opts, json_string(q->choices[k].code));
    if (o && opts)
      json_object_set_new(o, "options", opts);
    else
      json_decref(opts);
    if (!o || json_array_append_new(arr, o) != 0) {
      json_decref(arr);
      return NULL;
    }
  }
  char *s = arr ? json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(arr);
  if (s)
    snprintf(fp, 17, "%016llx", (unsigned long long)hash(s));
  return s;
}

int mj__questionnaire_version(mj_engine *e, const mj_questionnaire *qn,
                              int *version)
{
  *version = 1;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!MJ__HAS_OP(S, put_questionnaire_version))
    return MJ_OK;
  char fp[17];
  char *structure = mj__questionnaire_structure(qn, fp);
  if (!structure)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  mj_error err = {0};
  int rc = S->put_questionnaire_version(e->store->inst, qn->id, fp, structure,
                                        mj__now(e), version, &err);
  free(structure);
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE,
                           "recording the questionnaire's version: ");
  return MJ_OK;
}

/* A pilot flag: yes (mj__yesno) 1, no or blank 0, else -1. */
static int parse_flag(const char *s)
{
  while (*s == ' ')
    s++;
  return *s ? mj__yesno(s, strlen(s)) : 0;
}

/* A row's cells with the apostrophe that kept a spreadsheet from running
** them (mj__csv_cell) taken off, when one has it. */
typedef struct unmarks {
  const char **cells;
  size_t *lens, cap;
} unmarks;

typedef struct importer {
  mj_engine *e;
  const mj_questionnaire *qn;
  const char *path;
  const char *jail; /* the folder a playbook's file stays in, or NULL */
  mj_import_stats *stats;
  const mj_storage_ops *S;
  void *store;
  int in_tx;

  char **names; /* the header as written, for the rejects file */
  size_t ncols;
  int fixed[MJ__N_FIXED]; /* column of each fixed name, -1 when absent */
  int *qcol;              /* column of each question, -1 when absent */
  mj_answer_rec *answers; /* one per question, reused for every row */

  const mj_import_opts *opts; /* or NULL */
  char sep;                   /* the field separator the file is read with */
  int version;                /* the questionnaire's, for every row */
  mj_tokens tokens;           /* when a token column */

  mj_ids seen;
  custindex customers;
  nameindex segments;
  FILE *rejects;
  int wrote_rejects; /* this import created the rejects file */
  mj_writer *writer;  /* the store's thread while the transaction is open */
  char rejects_path[512];
  unmarks unmarked;
} importer;

/* PATH.rejects.csv beside the input (mejora.h), so it sorts next to it. */
static int rejects_name(const char *path, char *out, size_t n)
{
  int k = snprintf(out, n, "%s.rejects.csv", path);
  return k > 0 && (size_t)k < n;
}

/*
** Write a bad row to the rejects file: its cells as read, then where and
** why. col is 1-based, 0 for a problem with the whole row.
*/
static int reject(importer *im, uint64_t row, const char *const *cells,
                  size_t n, int col, mj_error *err, const char *fmt, ...)
    MJ__PRINTF(7, 8);

static int reject(importer *im, uint64_t row, const char *const *cells,
                  size_t n, int col, mj_error *err, const char *fmt, ...)
{
  if (!im->rejects) {
    char why[600];
    int code;
    im->rejects = mj__file_create(im->rejects_path, im->jail, &code, why,
                                  sizeof why);
    im->wrote_rejects = im->rejects != NULL;
    if (!im->rejects)
      return data_err(err, code, NULL, 0, 0,
                      "cannot write the rejects file: %s; nothing was "
                      "imported",
                      why);
    for (size_t i = 0; i < im->ncols; i++)
      mj__csv_field(im->rejects, im->names[i], 0);
    fputs("row,column,reason\r\n", im->rejects);
  }
  char what[400], reason[600], num[24];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (col > 0)
    snprintf(reason, sizeof reason, "row %llu, column %d (%s): %s",
             (unsigned long long)row, col,
             (size_t)col <= im->ncols ? im->names[col - 1] : "?", what);
  else
    snprintf(reason, sizeof reason, "row %llu: %s", (unsigned long long)row,
             what);
  for (size_t i = 0; i < n; i++)
    mj__csv_cell(im->rejects, cells[i], 0);
  snprintf(num, sizeof num, "%llu", (unsigned long long)row);
  mj__csv_field(im->rejects, num, 0);
  snprintf(num, sizeof num, "%d", col);
  mj__csv_field(im->rejects, col > 0 ? num : "", 0);
  mj__csv_field(im->rejects, reason, 1);
  im->stats->rejected++;
  return MJ_OK;
}

/*
** A date written as fmt says ("dd/mm/yyyy": dd, mm and yyyy once each,
** any other character as written; a day or month may have one digit) as
** ISO 8601 in iso, with whatever follows the date (a time) kept. 0 when
** s does not fit.
*/
static int date_as(const char *fmt, const char *s, char *iso, size_t n)
{
  unsigned v[3] = {0, 0, 0}; /* year, month, day */
  while (*s == ' ')
    s++;
  while (*fmt) {
    int which = strncmp(fmt, "yyyy", 4) == 0 ? 0
                : strncmp(fmt, "mm", 2) == 0 ? 1
                : strncmp(fmt, "dd", 2) == 0 ? 2
                                             : -1;
    if (which < 0) {
      if (*s++ != *fmt++)
        return 0;
      continue;
    }
    size_t max = which == 0 ? 4 : 2, k = 0;
    while (k < max && s[k] >= '0' && s[k] <= '9')
      v[which] = v[which] * 10 + (unsigned)(s[k++] - '0');
    if (k == 0 || (which == 0 && k != 4))
      return 0;
    s += k;
    fmt += which == 0 ? 4 : 2;
  }
  int k = snprintf(iso, n, "%04u-%02u-%02u%s", v[0], v[1], v[2], s);
  return k > 0 && (size_t)k < n;
}

/* A date_format has dd, mm and yyyy once each. */
static int date_format_ok(const char *fmt)
{
  const char *y = strstr(fmt, "yyyy"), *m = strstr(fmt, "mm"),
             *d = strstr(fmt, "dd");
  return y && m && d && !strstr(y + 4, "yyyy") && !strstr(m + 2, "mm") &&
         !strstr(d + 2, "dd") && strlen(fmt) < 40;
}

static int on_header(void *ud, const char *const *names, size_t n,
                     mj_error *err)
{
  importer *im = ud;
  const mj_questionnaire *qn = im->qn;
  if (n > 100000)
    return data_err(err, MJ_EDATA, im->path, 1, 0, "too many columns (%zu)", n);
  im->names = calloc(n ? n : 1, sizeof *im->names);
  im->qcol = malloc((qn->n_questions ? qn->n_questions : 1) * sizeof(int));
  im->answers =
      calloc(qn->n_questions ? qn->n_questions : 1, sizeof *im->answers);
  if (!im->names || !im->qcol || !im->answers)
    return data_err(err, MJ_ENOMEM, NULL, 0, 0, "out of memory");
  im->ncols = n;
  for (size_t i = 0; i < n; i++)
    if (!(im->names[i] = strdup(names[i])))
      return data_err(err, MJ_ENOMEM, NULL, 0, 0, "out of memory");
  for (int f = 0; f < MJ__N_FIXED; f++)
    im->fixed[f] = -1;
  for (size_t q = 0; q < qn->n_questions; q++)
    im->qcol[q] = -1;

  /* Renames from the playbook or caller: each must find its column. */
  const mj_import_column *map = im->opts ? im->opts->columns : NULL;
  size_t n_map = map ? im->opts->n_columns : 0;
  for (size_t k = 0; k < n_map; k++) {
    size_t i = 0;
    while (i < n && strcmp(names[i], map[k].column) != 0)
      i++;
    if (i == n)
      return data_err(err, MJ_EDATA, im->path, 1, 0,
                      "columns maps '%s' to the column '%s', which the "
                      "header lacks: fix the mapping or the file",
                      map[k].name, map[k].column);
  }

  char unknown[300] = "";
  size_t n_unknown = 0, used = 0;
  int first_unknown = 0;
  for (size_t i = 0; i < n; i++) {
    int *slot = NULL;
    const char *name = names[i];
    for (size_t k = 0; k < n_map; k++)
      if (strcmp(name, map[k].column) == 0) {
        name = map[k].name;
        break;
      }
    for (int f = 0; f < MJ__N_FIXED && !slot; f++)
      if (mj__header_is(name, mj__import_fixed[f]))
        slot = &im->fixed[f];
    for (size_t q = 0; q < qn->n_questions && !slot; q++)
      if (mj__header_is(name, qn->questions[q].id))
        slot = &im->qcol[q];
    if (!slot) {
      if (n_unknown++ == 0)
        first_unknown = (int)i + 1;
      int k = snprintf(unknown + used, sizeof unknown - used, "%s'%s'",
                       used ? ", " : "", names[i]);
      if (k > 0 && used + (size_t)k < sizeof unknown)
        used += (size_t)k;
      continue;
    }
    if (*slot >= 0)
      return data_err(err, MJ_EDATA, im->path, 1, (int)i + 1,
                      "column '%s' appears twice (columns %d and %zu)",
                      names[i], *slot + 1, i + 1);
    *slot = (int)i;
  }
  const char *sep = n == 1 && n_unknown ? mj__header_sep(names[0], im->sep)
                                        : NULL;
  if (sep)
    return data_err(err, MJ_EDATA, im->path, 1, 1,
                    "unknown column '%s': this file looks '%s'-separated: "
                    "use sep = '%s'",
                    names[0], sep, sep);
  if (n_unknown) {
    char ids[300];
    mj__questionnaire_ids(qn, ids, sizeof ids);
    return data_err(err, MJ_EDATA, im->path, 1, first_unknown,
                    "unknown column%s %s: questionnaire '%s' has the "
                    "questions %s, and the other columns may be "
                    "response_id, customer_id, token, segment, "
                    "submitted_at, wave, channel, pilot (or map yours "
                    "with columns = { ... })",
                    n_unknown > 1 ? "s" : "", unknown, qn->id, ids);
  }
  char missing[300] = "";
  used = 0;
  for (int f = MJ__COL_ID; f <= MJ__COL_CUSTOMER; f++)
    if (im->fixed[f] < 0 && im->fixed[MJ__COL_TOKEN] < 0) {
      int k = snprintf(missing + used, sizeof missing - used, "%s%s",
                       used ? ", " : "", mj__import_fixed[f]);
      if (k > 0 && used + (size_t)k < sizeof missing)
        used += (size_t)k;
    }
  for (size_t q = 0; q < qn->n_questions; q++)
    if (qn->questions[q].required && im->qcol[q] < 0) {
      int k = snprintf(missing + used, sizeof missing - used, "%s%s",
                       used ? ", " : "", qn->questions[q].id);
      if (k > 0 && used + (size_t)k < sizeof missing)
        used += (size_t)k;
    }
  if (used)
    return data_err(err, MJ_EDATA, im->path, 1, 0,
                    "the header lacks the required column(s) %s", missing);

  /* Header good: every stored row from here on is one transaction. */
  if (MJ__BEGIN_BULK(im->S, im->store, err) != MJ_OK)
    return err->code ? err->code : MJ_ESTORE;
  im->in_tx = 1;
  if (mj__writer_start(im->e, im->e->model, &im->writer) != MJ_OK)
    return data_err(err, MJ_ENOMEM, NULL, 0, 0,
                    "cannot start the store's thread: out of memory");
  return MJ_OK;
}

/*
** The row as its author wrote it: a cell our export marked with an
** apostrophe (it would have been a spreadsheet formula) loses the mark.
** Points *cells and *lens at the importer's copy when a cell had one.
*/
static int unmark_row(unmarks *u, const char *const **cells,
                      const size_t **lens, size_t n)
{
  size_t i;
  for (i = 0; i < n && !mj__csv_mark_len((*cells)[i]); i++)
    ;
  if (i == n)
    return MJ_OK;
  if (n > u->cap) {
    const char **c = realloc(u->cells, n * sizeof *c);
    if (c)
      u->cells = c;
    size_t *l = c ? realloc(u->lens, n * sizeof *l) : NULL;
    if (!l)
      return MJ_ENOMEM;
    u->lens = l;
    u->cap = n;
  }
  for (i = 0; i < n; i++) {
    size_t k = mj__csv_mark_len((*cells)[i]);
    u->cells[i] = (*cells)[i] + k;
    u->lens[i] = (*lens)[i] - k;
  }
  *cells = u->cells;
  *lens = u->lens;
  return MJ_OK;
}

/* Why a row has no response id to check. */
enum { ROW_ID, ROW_CELLS, ROW_NUL, ROW_TOKEN, ROW_BLANK };

/*
** The response id of a row whose marks are off (unmark_row), and its
** token when it has one: ROW_ID, or why the row is refused before its id
** is checked, with the 0-based column in *col (and for ROW_NUL the byte,
** 1-based, in *at). The main reading and read_ids both ask here, so
** they agree on which rows have ids.
*/
static int row_id(const importer *im, const char *const *cells,
                  const size_t *lens, size_t n, const char **id,
                  mj_token **tok, int *col, size_t *at)
{
  *tok = NULL;
  *col = -1;
  if (n != im->ncols)
    return ROW_CELLS;
  /* Ids, tokens, waves and the rest are C strings from here on: a NUL
  ** inside would cut one short, and "R\0002" would be stored as "R" and
  ** the real "R" skipped as already stored. Answers are read with their
  ** lengths, and a text answer refuses a NUL itself. */
  for (int f = 0; f < MJ__N_FIXED; f++) {
    int c = im->fixed[f];
    const char *nul = c >= 0 ? memchr(cells[c], '\0', lens[c]) : NULL;
    if (nul) {
      *col = c;
      *at = (size_t)(nul - cells[c]) + 1;
      return ROW_NUL;
    }
  }
  int cid = im->fixed[MJ__COL_ID], ctk = im->fixed[MJ__COL_TOKEN];
  /* An invitation's token names the customer and, without a response id,
  ** is the id: a re-import of the same answers adds nothing. */
  if (ctk >= 0 && !is_blank_text(cells[ctk])) {
    *tok = mj__tokens_find(&im->tokens, cells[ctk]);
    if (!*tok) {
      *col = ctk;
      return ROW_TOKEN;
    }
  }
  *id = cid >= 0 && !is_blank_text(cells[cid]) ? cells[cid]
        : *tok                                  ? (*tok)->token
                                                : "";
  *col = cid >= 0 ? cid : ctk;
  return is_blank_text(*id) ? ROW_BLANK : ROW_ID;
}

/* Reading the file again for its response ids (response_ids.c). */
typedef struct reread {
  importer *im;
  mj_ids_each each;
  void *ctx;
  int stopped; /* each said it has what it needs */
  unmarks unmarked;
} reread;

static int reread_header(void *ud, const char *const *names, size_t n,
                         mj_error *err)
{
  (void)ud;
  (void)names;
  (void)n;
  (void)err;
  return MJ_OK;
}

static int reread_row(void *ud, uint64_t row, const char *const *cells,
                      const size_t *lens, size_t n, mj_error *err)
{
  reread *rr = ud;
  const char *id;
  mj_token *tok;
  int col;
  size_t at;
  if (unmark_row(&rr->unmarked, &cells, &lens, n) != MJ_OK)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  if (row_id(rr->im, cells, lens, n, &id, &tok, &col, &at) != ROW_ID)
    return MJ_OK;
  int rc = rr->each(rr->ctx, row, id, strlen(id), err);
  if (rc == MJ__IDS_STOP) {
    rr->stopped = 1;
    return MJ_ECONFLICT; /* any error stops the collector */
  }
  return rc;
}

/* An mj_ids_reader: the file from its first row, as the main reading
** reads it. */
static int read_ids(void *ud, mj_ids_each each, void *ctx, mj_error *err)
{
  importer *im = ud;
  reread rr = {.im = im, .each = each, .ctx = ctx};
  mj_sink sink = {&rr, reread_header, reread_row};
  mj_recoder recoder;
  char why[600];
  int rc = mj__recoder_init(&recoder, im->opts ? im->opts->encoding : NULL,
                            im->path, &sink, why, sizeof why);
  if (rc == MJ_OK) {
    rc = mj__plugin_collect(im->e, "csv", im->path, im->jail,
                            im->opts ? im->opts->sep : NULL, &recoder.sink);
    mj__recoder_free(&recoder);
  }
  free(rr.unmarked.cells);
  free(rr.unmarked.lens);
  if (rr.stopped || rc == MJ_OK) {
    mj__clearerr(im->e);
    return MJ_OK;
  }
  return mj__error(err, rc,
                   "%s: reading the file again for its response ids: %s",
                   im->path, mj_errmsg(im->e));
}

static int on_row(void *ud, uint64_t row, const char *const *cells,
                  const size_t *lens, size_t n, mj_error *err)
{
  importer *im = ud;
  const mj_model *m = im->e->model;
  im->stats->rows++;
  if (unmark_row(&im->unmarked, &cells, &lens, n) != MJ_OK)
    return data_err(err, MJ_ENOMEM, NULL, 0, 0, "out of memory");
  const char *id;
  mj_token *tok;
  int idcol;
  size_t nul_at;
  switch (row_id(im, cells, lens, n, &id, &tok, &idcol, &nul_at)) {
  case ROW_CELLS:
    return reject(im, row, cells, n, 0, err,
                  "%zu cell%s, but the header has %zu columns", n,
                  n == 1 ? "" : "s", im->ncols);
  case ROW_NUL:
    return reject(im, row, cells, n, idcol + 1, err,
                  "a NUL byte (byte %zu) would cut this value short; "
                  "remove it",
                  nul_at);
  case ROW_TOKEN:
    return reject(im, row, cells, n, idcol + 1, err,
                  "unknown token '%s': no invitation to questionnaire "
                  "'%s' has it",
                  cells[idcol], im->qn->id);
  case ROW_BLANK:
    return reject(im, row, cells, n, idcol + 1, err,
                  "the response id is blank (and no token stands for it)");
  default:
    break;
  }
  int ccu = im->fixed[MJ__COL_CUSTOMER], ctk = im->fixed[MJ__COL_TOKEN];
  /* The customer's slot is fetched while the response id is checked. */
  size_t cell_len = ccu >= 0 ? strlen(cells[ccu]) : 0;
  uint32_t cell_h = ccu >= 0 ? hash32(cells[ccu], cell_len) : 0;
  if (ccu >= 0)
    custindex_prefetch(&im->customers, cell_h);
  uint64_t first;
  size_t id_len = strlen(id);
  int added = mj__ids_add(&im->seen, id, id_len, row, &first, read_ids, im,
                          err);
  if (added != MJ_OK)
    return added;
  if (first)
    return reject(im, row, cells, n, idcol + 1, err,
                  "duplicate response id '%s' (first used on row %llu)", id,
                  (unsigned long long)first);

  const char *cust_id = ccu >= 0 && !is_blank_text(cells[ccu]) ? cells[ccu]
                        : tok ? tok->customer
                              : "";
  int custcol = ccu >= 0 ? ccu : ctk;
  if (is_blank_text(cust_id))
    return reject(im, row, cells, n, custcol + 1, err,
                  "the customer id is blank");
  if (tok && strcmp(cust_id, tok->customer) != 0)
    return reject(im, row, cells, n, custcol + 1, err,
                  "customer '%s' does not match the token's invitation "
                  "(sent to '%s')",
                  cust_id, tok->customer);
  /* The answers are read before the customer is looked up, so that its
  ** slot has arrived by then; a bad one is reported where it was, after
  ** the checks before it. */
  int bad_col = -1;
  char why[300];
  for (size_t q = 0; q < im->qn->n_questions && bad_col < 0; q++) {
    const mj_question *qq = &im->qn->questions[q];
    int c = im->qcol[q];
    if (mj__answer_parse(qq, c < 0 ? "" : cells[c], c < 0 ? 0 : lens[c],
                         &im->answers[q], why, sizeof why) != MJ_OK &&
        c >= 0)
      bad_col = c;
  }
  int from_cell = ccu >= 0 && cust_id == cells[ccu];
  size_t cust_len = from_cell ? cell_len : strlen(cust_id);
  const custslot *cust =
      custindex_find(&im->customers, cust_id, cust_len,
                     from_cell ? cell_h : hash32(cust_id, cust_len));
  if (!cust)
    return reject(im, row, cells, n, custcol + 1, err,
                  "unknown customer '%s' (not among the playbook's customers)",
                  cust_id);
  int pilot = im->opts && im->opts->pilot;
  int cp = im->fixed[MJ__COL_PILOT];
  if (cp >= 0 && !pilot && (pilot = parse_flag(cells[cp])) < 0)
    return reject(im, row, cells, n, cp + 1, err,
                  "pilot must be 1, true or yes (or 0, false, no, blank), "
                  "not '%s'",
                  cells[cp]);
  /* The channel it came through, else the customer's preferred one. */
  int cch = im->fixed[MJ__COL_CHANNEL];
  const char *channel =
      cch >= 0 && !is_blank_text(cells[cch])
          ? cells[cch]
          : mj__customer_shared(m, cust->channel);

  const char *segment = mj__customer_shared(m, cust->segment);
  int cs = im->fixed[MJ__COL_SEGMENT];
  if (cs >= 0 && !is_blank_text(cells[cs])) {
    segment = cells[cs];
    if (m->n_segments && !nameindex_find(&im->segments, segment, lens[cs]))
      return reject(im, row, cells, n, cs + 1, err,
                    "unknown segment '%s' (not among the playbook's segments)",
                    segment);
  }

  int64_t at = 0;
  int ct = im->fixed[MJ__COL_SUBMITTED];
  const char *dfmt = im->opts ? im->opts->date_format : NULL;
  char iso[80];
  if (ct >= 0 && !is_blank_text(cells[ct]) && dfmt &&
      (!date_as(dfmt, cells[ct], iso, sizeof iso) || !mj__parse_time(iso, &at)))
    return reject(im, row, cells, n, ct + 1, err,
                  "'%s' is not a date written as %s (optionally with a time "
                  "HH:MM or HH:MM:SS)",
                  cells[ct], dfmt);
  if (ct >= 0 && !is_blank_text(cells[ct]) && !dfmt &&
      !mj__parse_time(cells[ct], &at))
    return reject(im, row, cells, n, ct + 1, err,
                  "'%s' is not an ISO 8601 date or date-time (write "
                  "2024-05-31 or 2024-05-31T14:05:00Z, or say how with "
                  "date_format = 'dd/mm/yyyy')",
                  cells[ct]);

  if (bad_col >= 0)
    return reject(im, row, cells, n, bad_col + 1, err, "%s", why);
  /* Rules across the row: ask_if, constraints, points totals. */
  size_t bad;
  if (mj__answer_check_row(im->qn, im->answers, &bad, why, sizeof why) !=
      MJ_OK)
    return reject(im, row, cells, n, im->qcol[bad] >= 0 ? im->qcol[bad] + 1 : 0,
                  err, "%s", why);

  int cw = im->fixed[MJ__COL_WAVE];
  mj_response_rec r = {
      .id = id,
      .questionnaire = im->qn->id,
      .version = im->version,
      .customer = cust_id, /* the customer's id: its slot matched it */
      .segment = segment,
      .wave = mj__response_cycle(
          im->e, cw >= 0 && !is_blank_text(cells[cw]) ? cells[cw] : NULL, at),
      .submitted_at = at,
      .source = im->path,
      .answers = im->answers,
      .n_answers = im->qn->n_questions,
      .pilot = pilot,
      .channel = channel,
  };
  if (tok && !tok->answered && !tok->used) {
    tok->used = 1; /* marked answered once every response is stored */
    tok->used_at = at;
  }
  /* Stored by the writer's thread; counted when it is done. */
  return mj__writer_put(im->writer, &r, err);
}

/* The tables for checking rows, a large part of a large import's memory. */
static void importer_free_tables(importer *im)
{
  free(im->customers.slot);
  free(im->segments.slot);
  mj__ids_free(&im->seen);
  memset(&im->customers, 0, sizeof im->customers);
  memset(&im->segments, 0, sizeof im->segments);
  memset(&im->seen, 0, sizeof im->seen);
}

static void importer_free(importer *im)
{
  for (size_t i = 0; im->names && i < im->ncols; i++)
    free(im->names[i]);
  free(im->names);
  free(im->qcol);
  free(im->answers);
  free(im->unmarked.cells);
  free(im->unmarked.lens);
  importer_free_tables(im);
  mj__tokens_free(&im->tokens);
}

int mj_import(mj_engine *e, const char *questionnaire, const char *path,
              mj_import_stats *stats)
{
  return mj_import_ex(e, questionnaire, path, NULL, stats);
}

int mj_import_ex(mj_engine *e, const char *questionnaire, const char *path,
                 const mj_import_opts *opts, mj_import_stats *stats)
{
  /* The embedder's (the operator's) file: wherever it is. */
  return mj__import_file(e, questionnaire, path, opts, NULL, stats);
}

int mj__import_file(mj_engine *e, const char *questionnaire, const char *path,
                    const mj_import_opts *opts, const char *jail,
                    mj_import_stats *stats)
{
  mj_import_stats local;
  if (!stats)
    stats = &local;
  memset(stats, 0, sizeof *stats);
  if (!e)
    return MJ_EINVAL;
  if (!questionnaire || !path)
    return mj__seterr(e, MJ_EINVAL,
                      "import needs a questionnaire and a file to read");
  mj__clearerr(e);
  importer im;
  memset(&im, 0, sizeof im);
  int rc = find_questionnaire(e, questionnaire, &im.qn);
  if (rc != MJ_OK)
    return rc;
  /* A file that may not be read, or is no regular file, is refused
  ** before the store is touched; the reader checks it again. */
  char why[600], *real = NULL;
  rc = mj__path_resolve(path, MJ_PATH_READ, jail, &real, why, sizeof why);
  free(real);
  if (rc != MJ_OK)
    return mj__seterr(e, rc, "%s", why);
  /* An embedder built against fewer fields gets none of the later ones. */
  mj_import_opts full;
  if (opts && opts->size < offsetof(mj_import_opts, sep))
    return mj__seterr(e, MJ_EINVAL,
                      "mj_import_opts.size is %zu, expected %zu: zero the "
                      "options and set size = sizeof(mj_import_opts)",
                      opts->size, sizeof *opts);
  if (opts) {
    memset(&full, 0, sizeof full);
    memcpy(&full, opts, opts->size < sizeof full ? opts->size : sizeof full);
    full.size = sizeof full;
    opts = &full;
  }
  if (opts && opts->sep && (strlen(opts->sep) != 1 || opts->sep[0] == '"' ||
                            opts->sep[0] == '\n' || opts->sep[0] == '\r'))
    return mj__seterr(e, MJ_EINVAL,
                      "sep must be one character other than a quote or a "
                      "newline (';', ',', '\\t', '|'), not '%s'",
                      opts->sep);
  if (opts && opts->date_format && !date_format_ok(opts->date_format))
    return mj__seterr(e, MJ_EINVAL,
                      "date_format '%s' needs dd, mm and yyyy once each, "
                      "e.g. 'dd/mm/yyyy', 'mm/dd/yyyy' or 'yyyy-mm-dd'",
                      opts->date_format);
  if (opts && mj__import_check_columns(im.qn, opts->columns, opts->n_columns,
                                       why, sizeof why) != MJ_OK)
    return mj__seterr(e, MJ_EINVAL, "%s", why);
  /* A .json file is an array of response objects (import_json.c). */
  size_t plen = strlen(path);
  if (plen > 5 && strcmp(path + plen - 5, ".json") == 0)
    return mj__import_json(e, im.qn, path, opts, jail, stats);
  if (!rejects_name(path, im.rejects_path, sizeof im.rejects_path))
    return mj__seterr(e, MJ_EINVAL, "%s: path too long", path);
  if ((rc = mj__store_ensure(e)) != MJ_OK)
    return rc;
  im.opts = opts;
  if ((rc = mj__questionnaire_version(e, im.qn, &im.version)) != MJ_OK)
    return rc;
  if ((rc = mj__tokens_load(e, im.qn->id, &im.tokens)) != MJ_OK)
    return rc;
  im.e = e;
  im.path = path;
  im.jail = jail;
  im.stats = stats;
  im.S = MJ_STORE_OPS(e);
  im.store = e->store->inst;
  const mj_model *m = e->model;
  if (custindex_build(&im.customers, m) != MJ_OK ||
      nameindex_build(&im.segments, m->n_segments, m->segments,
                      sizeof *m->segments, offsetof(mj_segment, id)) != MJ_OK) {
    importer_free(&im);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }

  mj__ids_init(&im.seen, 0, NULL);
  mj_sink sink = {&im, on_header, on_row};
  mj_recoder recoder;
  im.sep = opts && opts->sep ? opts->sep[0] : ',';
  rc = mj__recoder_init(&recoder, opts ? opts->encoding : NULL, path, &sink,
                        why, sizeof why);
  if (rc != MJ_OK) {
    importer_free(&im);
    return mj__seterr(e, rc, "%s", why);
  }
  rc = mj__plugin_collect(e, "csv", path, jail, opts ? opts->sep : NULL,
                          &recoder.sink);
  mj__recoder_free(&recoder);
  if (rc == MJ_OK && !mj__ids_same(&im.seen))
    rc = mj__seterr(e, MJ_EIO,
                    "%s changed while it was read: its response ids differ "
                    "between readings; nothing was imported, import it "
                    "again",
                    path);
  /* Every row is read: the tables go before the last batches and the
  ** commit, when the store's memory peaks. */
  importer_free_tables(&im);
  mj_error err = {0};
  if (im.writer) {
    /* Every batch written (or the first store error) before the commit. */
    int wrc = mj__writer_finish(im.writer, &stats->accepted,
                                &stats->duplicates, &err);
    im.writer = NULL;
    if (wrc != MJ_OK && rc == MJ_OK)
      rc = mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
  }
  /* The invitations answered, in the same transaction as their answers. */
  for (size_t i = 0; rc == MJ_OK && im.in_tx && i < im.tokens.n; i++) {
    mj_token *tok = &im.tokens.v[i];
    if (!tok->used)
      continue;
    mj_invitation_rec inv = {.token = tok->token,
                             .customer = tok->customer,
                             .questionnaire = im.qn->id,
                             .created_at = tok->used_at,
                             .answered = 1};
    if (im.S->put_invitation(im.store, &inv, &err) != MJ_OK)
      rc = mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
    tok->answered = 1;
  }
  if (rc == MJ_OK && im.in_tx) {
    rc = im.S->commit(im.store, &err);
    if (rc == MJ_OK)
      im.in_tx = 0;
    else
      mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
  }
  if (im.rejects && fclose(im.rejects) != 0 && rc == MJ_OK)
    rc = mj__seterr(e, MJ_EIO, "cannot write the rejects file '%s': %s",
                    im.rejects_path, strerror(errno));
  im.rejects = NULL;
  if (rc != MJ_OK) {
    /* All or nothing: an import that failed leaves no trace in the store,
    ** and a partial rejects file would only mislead. */
    if (im.in_tx) {
      mj_error ignored;
      im.S->rollback(im.store, &ignored);
    }
    stats->accepted = stats->duplicates = 0;
    if (im.wrote_rejects)
      remove(im.rejects_path);
  } else if (stats->rejected) {
    snprintf(stats->rejects_path, sizeof stats->rejects_path, "%s",
             im.rejects_path);
  } else {
    /* A rejects file from an earlier import of this file is stale now. */
    remove(im.rejects_path);
  }
  importer_free(&im);
  if (rc == MJ_OK)
    mj__log(e, MJ_LOG_DEBUG,
            "%s: %llu row(s): %llu stored, %llu already stored, %llu "
            "rejected",
            path, (unsigned long long)stats->rows,
            (unsigned long long)stats->accepted,
            (unsigned long long)stats->duplicates,
            (unsigned long long)stats->rejected);
  return rc;
}

/* ---- one response from the host ------------------------------------------ */

int mj_response_add(mj_engine *e, const char *questionnaire,
                    const char *response_id, const char *customer,
                    const char *const *questions, const char *const *values,
                    size_t n)
{
  if (!e)
    return MJ_EINVAL;
  if (!questionnaire || !response_id || is_blank_text(response_id) ||
      (n && (!questions || !values)))
    return mj__seterr(e, MJ_EINVAL,
                      "a response needs a questionnaire, a response id and "
                      "its questions and values");
  mj__clearerr(e);
  const mj_questionnaire *qn;
  int rc = find_questionnaire(e, questionnaire, &qn);
  if (rc != MJ_OK)
    return rc;
  if (!customer || is_blank_text(customer))
    return mj__seterr(e, MJ_EVALIDATE, "response '%s': no customer id given",
                      response_id);
  mj_customer cv;
  mj_customer_buf cb;
  mj__customer_buf_init(&cb);
  const mj_customer *cust = mj__model_customer(e->model, customer, &cv, &cb);
  if (!cust)
    return mj__seterr(e, MJ_EVALIDATE,
                      "response '%s': unknown customer '%s' (not among the "
                      "playbook's customers)",
                      response_id, customer);

  /* Which value answers which question; unknown or repeated ones are
  ** mistakes in the caller's mapping, reported by name. */
  const char **given =
      calloc(qn->n_questions ? qn->n_questions : 1, sizeof *given);
  mj_answer_rec *answers =
      calloc(qn->n_questions ? qn->n_questions : 1, sizeof *answers);
  if (!given || !answers) {
    free(given);
    free(answers);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  for (size_t i = 0; rc == MJ_OK && i < n; i++) {
    size_t q = 0;
    while (q < qn->n_questions &&
           (!questions[i] || strcmp(questions[i], qn->questions[q].id) != 0))
      q++;
    if (q == qn->n_questions) {
      char ids[300];
      mj__questionnaire_ids(qn, ids, sizeof ids);
      rc = mj__seterr(e, MJ_EVALIDATE,
                      "response '%s': questionnaire '%s' has no question "
                      "'%s' (it has: %s)",
                      response_id, qn->id,
                      questions[i] ? questions[i] : "(null)", ids);
    } else if (given[q]) {
      rc = mj__seterr(e, MJ_EVALIDATE,
                      "response '%s': question '%s' is answered twice",
                      response_id, questions[i]);
    } else {
      given[q] = values[i] ? values[i] : "";
    }
  }
  for (size_t q = 0; rc == MJ_OK && q < qn->n_questions; q++) {
    char why[300];
    const char *v = given[q] ? given[q] : "";
    if (mj__answer_parse(&qn->questions[q], v, strlen(v), &answers[q], why,
                         sizeof why) != MJ_OK)
      rc = mj__seterr(e, MJ_EVALIDATE, "response '%s', question '%s': %s",
                      response_id, qn->questions[q].id, why);
  }
  size_t bad;
  char why[300];
  if (rc == MJ_OK &&
      mj__answer_check_row(qn, answers, &bad, why, sizeof why) != MJ_OK)
    rc = mj__seterr(e, MJ_EVALIDATE, "response '%s': %s", response_id, why);
  if (rc == MJ_OK)
    rc = mj__store_ensure(e);
  int version = 1;
  if (rc == MJ_OK)
    rc = mj__questionnaire_version(e, qn, &version);
  if (rc == MJ_OK) {
    mj_response_rec r = {.id = response_id,
                         .questionnaire = qn->id,
                         .version = version,
                         .customer = cust->id,
                         .segment = cust->segment,
                         .wave = mj__response_cycle(e, NULL, mj__now(e)),
                         .submitted_at = mj__now(e),
                         .source = "api",
                         .answers = answers,
                         .n_answers = qn->n_questions,
                         .channel = cust->channel};
    int inserted = 0;
    mj_error err = {0}, ignored;
    const mj_storage_ops *S = MJ_STORE_OPS(e);
    /* The response and the cases it opens, together or not at all. */
    rc = S->begin(e->store->inst, &err);
    if (rc == MJ_OK) {
      rc = mj__response_put(e, &r, &inserted, &err);
      if (rc == MJ_OK && inserted)
        rc = S->commit(e->store->inst, &err);
      else
        S->rollback(e->store->inst, &ignored);
    }
    if (rc != MJ_OK)
      mj__seterr_from(e, &err, MJ_ESTORE, NULL);
    else if (!inserted)
      rc = mj__seterr(e, MJ_ECONFLICT,
                      "response '%s' is already stored; response ids are "
                      "unique",
                      response_id);
  }
  free(given);
  free(answers);
  return rc;
}
