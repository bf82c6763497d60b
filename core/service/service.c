/*
** What complaints, audits and the service standard share: the import of
** records (a CSV file, or one from the API) with its rejects, a wave's
** summary, the cycle's service figures and the report's sections.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "service.h"

/* ---- CSV records in one transaction, bad rows to rejects ---------------- */

int mj__service_header(mj_engine *e, const char *path, const char *const *names,
                       size_t n, const char *const *known, size_t n_known,
                       size_t n_required)
{
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < n_known && strcmp(known[k], names[i]) != 0)
      k++;
    if (k < n_known)
      continue;
    const char *best = mj__suggest(names[i], known, n_known);
    return mj__seterr_at(e, MJ_EDATA, path, 1, (int)i + 1,
                         "unknown column '%s'%s%s%s; the columns are: %s%s%s",
                         names[i], best ? " (did you mean '" : "",
                         best ? best : "", best ? "'?)" : "", known[0],
                         n_known > 1 ? ", " : "", n_known > 1 ? known[1] : "");
  }
  for (size_t k = 0; k < n_required; k++) {
    size_t i = 0;
    while (i < n && strcmp(known[k], names[i]) != 0)
      i++;
    if (i == n)
      return mj__seterr_at(e, MJ_EDATA, path, 1, 0,
                           "the header has no '%s' column (it is required)",
                           known[k]);
  }
  return MJ_OK;
}

typedef struct svc_import {
  mj_engine *e;
  const char *path;
  const mj_svc_kind *kind;
  void *ud;
  mj_import_stats *st;
  char **names;
  size_t n_names;
  FILE *rejects;
  const char *id_name; /* the id column's name */
  int id_col;          /* its index, -1 before the header */
  json_t *seen;        /* id -> the row it was first used on in this file */
  json_t *stored;      /* ids in the store before this import */
} svc_import;

static void put_cell(FILE *f, const char *s, int last)
{
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputs(last ? "\"\r\n" : "\",", f);
}

static int svc_on_header(void *ud, const char *const *names, size_t n,
                         mj_error *err)
{
  svc_import *im = ud;
  int rc = im->kind->header(im->e, im->ud, im->path, names, n);
  if (rc != MJ_OK) {
    *err = im->e->err;
    return rc;
  }
  im->names = calloc(n ? n : 1, sizeof *im->names);
  if (!im->names)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  /* Counted as they are copied, so a failure frees what was taken. */
  for (im->n_names = 0; im->n_names < n; im->n_names++)
    if (!(im->names[im->n_names] = strdup(names[im->n_names])))
      return mj__error(err, MJ_ENOMEM, "out of memory");
  /* The header check requires the id column. */
  for (size_t i = 0; i < n && im->id_col < 0; i++)
    if (strcmp(names[i], im->id_name) == 0)
      im->id_col = (int)i;
  return MJ_OK;
}

/*
** What keeps a row from being stored as it stands, before its values
** are read: a NUL byte, which would cut a cell short (an id "C1\0x"
** stored as "C1" replaces the real C1), or an id this file has used
** already (the second would replace the first). MJ_EVALIDATE with *col
** and why; MJ_ENOMEM.
*/
static int svc_row_usable(svc_import *im, uint64_t row,
                          const char *const *cells, const size_t *lens,
                          size_t n, int *col, char *why, size_t whylen)
{
  for (size_t i = 0; i < n; i++) {
    const char *nul = memchr(cells[i], '\0', lens[i]);
    if (nul) {
      *col = (int)i;
      snprintf(why, whylen,
               "a NUL byte (byte %zu) would cut this value short; remove it",
               (size_t)(nul - cells[i]) + 1);
      return MJ_EVALIDATE;
    }
  }
  const char *id =
      im->id_col >= 0 && (size_t)im->id_col < n ? cells[im->id_col] : "";
  if (!*id)
    return MJ_OK; /* the row function says what a record without id lacks */
  json_t *first = json_object_get(im->seen, id);
  if (first) {
    *col = im->id_col;
    snprintf(why, whylen, "duplicate %s '%s' (first used on row %lld)",
             im->id_name, id, (long long)json_integer_value(first));
    return MJ_EVALIDATE;
  }
  if (json_object_set_new_nocheck(im->seen, id, json_integer((json_int_t)row)))
    return MJ_ENOMEM;
  return MJ_OK;
}

static int svc_on_row(void *ud, uint64_t row, const char *const *cells,
                      const size_t *lens, size_t n, mj_error *err)
{
  svc_import *im = ud;
  im->st->rows++;
  int col = -1;
  char why[300] = "";
  size_t use = n < im->n_names ? n : im->n_names;
  int rc =
      n != im->n_names
          ? (snprintf(why, sizeof why, "the row has %zu cells, the header %zu",
                      n, im->n_names),
             MJ_EVALIDATE)
          : svc_row_usable(im, row, cells, lens, n, &col, why, sizeof why);
  if (rc == MJ_ENOMEM)
    return mj__error(err, rc, "out of memory");
  if (rc == MJ_OK)
    rc = im->kind->row(im->e, im->ud, (const char *const *)im->names, cells,
                       use, &col, why, sizeof why);
  if (rc == MJ_OK) {
    /* An id stored before is an update (a complaint's later steps). */
    if (json_object_get(im->stored, cells[im->id_col]))
      im->st->duplicates++;
    else
      im->st->accepted++;
    return MJ_OK;
  }
  if (rc != MJ_EVALIDATE) {
    *err = im->e->err;
    return rc;
  }
  im->st->rejected++;
  if (!im->rejects) {
    im->rejects = fopen(im->st->rejects_path, "wb");
    if (!im->rejects)
      return mj__error(err, MJ_EIO,
                       "cannot write the rejects file '%s': %s; nothing was "
                       "stored",
                       im->st->rejects_path, strerror(errno));
    for (size_t i = 0; i < im->n_names; i++)
      put_cell(im->rejects, im->names[i], 0);
    fputs("row,column,reason\r\n", im->rejects);
  }
  for (size_t i = 0; i < im->n_names; i++)
    put_cell(im->rejects, i < n ? cells[i] : "", 0);
  char num[32], cnum[32];
  snprintf(num, sizeof num, "%llu", (unsigned long long)row);
  snprintf(cnum, sizeof cnum, "%d", col + 1);
  put_cell(im->rejects, num, 0);
  put_cell(im->rejects, col >= 0 ? cnum : "", 0);
  put_cell(im->rejects, why, 1);
  return MJ_OK;
}

int mj__service_import(mj_engine *e, const mj_svc_kind *kind, void *ud,
                       const char *path, mj_import_stats *st)
{
  memset(st, 0, sizeof *st);
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!S->put_complaint || !S->put_visit || !S->scan_complaints ||
      !S->scan_visits)
    return mj__seterr(e, MJ_EPLUGIN,
                      "the store cannot keep complaints or audits (its "
                      "plugin predates them); use the sqlite store");
  svc_import im = {.e = e,
                   .path = path,
                   .kind = kind,
                   .ud = ud,
                   .st = st,
                   .id_name = kind->id_column,
                   .id_col = -1,
                   .seen = json_object(),
                   .stored = json_object()};
  snprintf(st->rejects_path, sizeof st->rejects_path, "%s.rejects.csv", path);
  mj_error err = {0}, ignored;
  /* The ids stored already, so that an update is counted as one. */
  rc =
      !im.seen || !im.stored ? MJ_ENOMEM : kind->stored_ids(e, im.stored, &err);
  if (rc != MJ_OK) {
    json_decref(im.seen);
    json_decref(im.stored);
    return rc == MJ_ENOMEM ? mj__seterr(e, rc, "out of memory")
                           : mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
  }
  /* All or nothing: one transaction, so a crash or an error mid-file
  ** leaves the store as it was. */
  if (S->begin(e->store->inst, &err) != MJ_OK) {
    json_decref(im.seen);
    json_decref(im.stored);
    return mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
  }
  mj_sink sink = {&im, svc_on_header, svc_on_row};
  rc = mj__plugin_collect(e, "csv", path, NULL, NULL, &sink);
  if (im.rejects && fclose(im.rejects) != 0 && rc == MJ_OK)
    rc = mj__seterr(e, MJ_EIO, "cannot write the rejects file '%s'",
                    st->rejects_path);
  if (rc == MJ_OK && S->commit(e->store->inst, &err) != MJ_OK)
    rc = mj__seterr_from(e, &err, MJ_ESTORE, "import: ");
  if (rc != MJ_OK) {
    S->rollback(e->store->inst, &ignored);
    st->accepted = st->duplicates = 0;
    if (im.rejects)
      remove(st->rejects_path);
  }
  if (rc != MJ_OK || !st->rejected)
    st->rejects_path[0] = '\0';
  for (size_t i = 0; i < im.n_names; i++)
    free(im.names[i]);
  free(im.names);
  json_decref(im.seen);
  json_decref(im.stored);
  return rc;
}

/* One record from the API: the same row function inside a transaction. */
int mj__service_add(mj_engine *e, const mj_svc_kind *kind, void *ud,
                    const char *const *names, const char *const *values,
                    size_t n)
{
  int rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  if ((rc = kind->header(e, ud, "(record)", names, n)) != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0}, ignored;
  if (S->begin(e->store->inst, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "storing: ");
  int col = -1;
  char why[300] = "";
  rc = kind->row(e, ud, names, values, n, &col, why, sizeof why);
  if (rc == MJ_EVALIDATE)
    rc = col >= 0 ? mj__seterr(e, rc, "column '%s': %s", names[col], why)
                  : mj__seterr(e, rc, "%s", why);
  if (rc == MJ_OK && S->commit(e->store->inst, &err) != MJ_OK)
    rc = mj__seterr_from(e, &err, MJ_ESTORE, "storing: ");
  if (rc != MJ_OK)
    S->rollback(e->store->inst, &ignored);
  return rc;
}

/* ---- the cycle's figures, the report's sections, the summaries --------- */

int mj__service_figures(mj_engine *e, int64_t cycle, const char *wave,
                        mj_figset *figs)
{
  size_t first = figs->n;
  int rc = mj__complaint_figures(e, cycle, wave, figs);
  if (rc == MJ_OK)
    rc = mj__audit_figures(e, cycle, wave, figs);
  if (rc == MJ_OK)
    rc = mj__standard_figures(e, cycle, figs);
  if (rc == MJ_OK)
    rc = mj__gap_figures(e, cycle, figs);
  if (rc != MJ_OK)
    return rc;
  return mj__figures_store(e, figs, first, "storing service figures: ");
}

int mj__figures_store(mj_engine *e, const mj_figset *figs, size_t first,
                      const char *context)
{
  if (figs->n == first)
    return MJ_OK;
  /* One transaction: a cycle killed here has all of these or none. */
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0}, ignored;
  if (S->begin(e->store->inst, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, context);
  for (size_t i = first; i < figs->n; i++)
    if (S->put_result(e->store->inst, &figs->items[i], &err) != MJ_OK) {
      S->rollback(e->store->inst, &ignored);
      return mj__seterr_from(e, &err, MJ_ESTORE, context);
    }
  if (S->commit(e->store->inst, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, context);
  return MJ_OK;
}

int mj__service_scorer(const char *scorer)
{
  return scorer &&
         (strcmp(scorer, "complaints") == 0 || strcmp(scorer, "audit") == 0 ||
          strcmp(scorer, "standard") == 0 || strcmp(scorer, "gaps") == 0);
}

void mj__service_report(FILE *f, const mj_figset *figs, const mj_model *m,
                        int md)
{
  mj__standard_section(f, figs, m, md);
  mj__complaint_section(f, figs, m, md);
  mj__audit_section(f, figs, m, md);
}

static json_t *fig_json(const mj_result_rec *r)
{
  json_t *o = json_object();
  if (!o)
    return NULL;
  json_object_set_new(o, "scorer", mj__json_str(r->scorer));
  json_object_set_new(o, "metric", mj__json_str(r->metric));
  json_object_set_new(o, "group", mj__json_str(r->questionnaire));
  json_object_set_new(o, "key", mj__json_str(r->question));
  json_object_set_new(o, "segment", mj__json_str(r->segment));
  json_object_set_new(o, "n", json_integer((json_int_t)r->n));
  json_object_set_new(o, "value", mj__json_num(r->value));
  json_object_set_new(o, "ci_low", mj__json_num(r->ci_low));
  json_object_set_new(o, "ci_high", mj__json_num(r->ci_high));
  json_object_set_new(o, "label", mj__json_str(r->label));
  return o;
}

/* A summary of a wave outside any cycle: the same figures, cycle 0. */
int mj__service_summary(mj_engine *e, const mj_svc_kind *kind, const char *wave,
                        const char *format, char **out, size_t *len)
{
  if (mj__text_output_start(e, kind->command, &format, out, len) != MJ_OK)
    return MJ_EINVAL;
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  int rc = mj__store_ensure(e);
  mj_figset fs = {0};
  if (rc == MJ_OK)
    rc = kind->figures(e, 0, wave, &fs);
  if (rc != MJ_OK) {
    mj__figset_free(&fs);
    return rc;
  }
  if (strcmp(format, "json") == 0) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < fs.n; i++)
      json_array_append_new(arr, fig_json(&fs.items[i]));
    *out = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(arr);
  } else {
    size_t n = 0;
    FILE *f = open_memstream(out, &n);
    if (f) {
      fprintf(f, "%s of %s\n", kind->title, wave ? wave : "every wave");
      if (fs.n == 0)
        fprintf(f, "\n  Nothing recorded.\n");
      else
        kind->section(f, &fs, e->model, 0);
      fclose(f);
    }
  }
  mj__figset_free(&fs);
  if (!*out)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (len)
    *len = strlen(*out);
  return MJ_OK;
}
