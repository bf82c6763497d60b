/*
** Customers files: the rows of a playbook's `customers "file.csv"`,
** appended to its model's customers before the model is linked.
*/
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "intake.h"

static const char *const ccols[] = {"id",      "segment", "name",
                                    "lang",    "channel", "email",
                                    "consent", "since",   "until",
                                    "tz"};
enum { NCOLS = 10, COL_TZ = 9 };

/* Distinct time zones checked per file: a file names a few. */
enum { NZONES = 64 };

/*
** A file's customers are appended to the model's, whose arrays grow by
** doubling; a 333k-customer file would double them a dozen times and
** end up to half empty. After SAMPLE_ROWS rows they are grown once to
** what the file's size says it holds.
*/
enum { SAMPLE_ROWS = 1024 };

/*
** A file of this many bytes or more is added on a second thread while it
** is read (customer_adder.c), unless the engine keeps to one thread.
*/
enum { ADDER_BYTES = 256 * 1024 };

typedef struct csv_ctx {
  mj_model *m;
  const char *shown;   /* the path as messages show it */
  const char *sep;     /* the declaration's, or NULL */
  int col[NCOLS];      /* cell index of each column, -1 if absent */
  uint64_t rows;       /* the file's customers so far */
  mj_customer_adder *adder; /* adding them, or NULL: added here */
  uint64_t file_bytes; /* the file's size, 0 unknown */
  uint64_t row_bytes;  /* the cells and separators of its first rows */
  uint64_t text_bytes; /* what the model keeps in memory of their ids */
  char *zones[NZONES]; /* tz values found on this system */
  size_t n_zones;
  char yes_cell[16]; /* the last yes/no consent cell, and its answer */
  size_t yes_len;    /* 0 when none */
  int yes;
  mj_error err;
} csv_ctx;

static int csv_fail(csv_ctx *x, mj_error *err, uint64_t row, int col,
                    const char *fmt, ...) MJ__PRINTF(5, 6);

static int csv_fail(csv_ctx *x, mj_error *err, uint64_t row, int col,
                    const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__error_v(&x->err, MJ_EDATA, x->shown, (int)row, col, fmt, ap);
  va_end(ap);
  if (err)
    *err = x->err;
  return MJ_EDATA;
}

/* The zone a row names, checked once a file: its shared copy in *out. */
static int check_zone(csv_ctx *x, const char *s, size_t len, const char **out,
                      uint64_t row, mj_error *err)
{
  for (size_t i = 0; i < x->n_zones; i++)
    if (strlen(x->zones[i]) == len && !memcmp(x->zones[i], s, len)) {
      *out = x->zones[i];
      return MJ_OK;
    }
  mj_tz *z = NULL;
  char why[300];
  int rc = mj__tz_open(NULL, s, &z, why, sizeof why);
  mj__tz_free(z);
  if (rc == MJ_ENOMEM)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  if (rc != MJ_OK)
    return csv_fail(x, err, row, x->col[COL_TZ] + 1, "%s", why);
  /* Not in the model, which a second thread may be adding to. */
  *out = s;
  if (x->n_zones == NZONES)
    return MJ_OK;
  char *name = strndup(s, len);
  if (!name)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  x->zones[x->n_zones++] = name;
  *out = name;
  return MJ_OK;
}

/* What mj__customer_add returned for row, as the row's failure. */
static int add_failed(csv_ctx *x, int rc, uint64_t row, mj_error *err)
{
  if (rc == MJ_ELIMIT)
    return csv_fail(x, err, row, 0,
                    "more customers than mejora keeps: their ids pass 4 GiB, "
                    "their names and e-mails 16 GiB, or their segments, "
                    "languages, channels and time zones 65535 different "
                    "values");
  if (rc == MJ_EIO)
    return csv_fail(x, err, row, 0,
                    "cannot write the customers' names and e-mails to a "
                    "temporary file in TMPDIR (is the disk full?)");
  if (rc != MJ_OK)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  return MJ_OK;
}

static int csv_header(void *ud, const char *const *names, size_t n,
                      mj_error *err)
{
  csv_ctx *x = ud;
  for (size_t k = 0; k < NCOLS; k++)
    x->col[k] = -1;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < NCOLS && !mj__header_is(names[i], ccols[k]))
      k++;
    const char *sep = n == 1 && k == NCOLS
                          ? mj__header_sep(names[0], x->sep ? *x->sep : ',')
                          : NULL;
    if (sep)
      return csv_fail(x, err, 1, 1,
                      "unknown column '%s': this file looks '%s'-separated: "
                      "use customers \"FILE\" { sep = '%s' }",
                      names[0], sep, sep);
    if (k == NCOLS)
      return csv_fail(x, err, 1, (int)i + 1,
                      "unknown column '%s' (customers files have id, "
                      "segment, name, lang, channel, email, consent, since, "
                      "until, tz)",
                      names[i]);
    if (x->col[k] >= 0)
      return csv_fail(x, err, 1, (int)i + 1, "column '%s' appears twice",
                      names[i]);
    x->col[k] = (int)i;
  }
  for (size_t k = 0; k < 2; k++)
    if (x->col[k] < 0)
      return csv_fail(x, err, 1, 0,
                      "missing column '%s' (the header needs at least "
                      "id,segment)",
                      ccols[k]);
  return MJ_OK;
}

static int csv_row(void *ud, uint64_t row, const char *const *cells,
                   const size_t *lens, size_t n, mj_error *err)
{
  csv_ctx *x = ud;
  const char *val[NCOLS] = {0};
  for (size_t k = 0; k < NCOLS; k++)
    if (x->col[k] >= 0 && (size_t)x->col[k] < n && lens[x->col[k]])
      val[k] = cells[x->col[k]];
  /* A NUL would cut an id short, and "C1\0x" would become C1. */
  for (size_t k = 0; k < NCOLS; k++) {
    const char *nul = val[k] ? memchr(val[k], '\0', lens[x->col[k]]) : NULL;
    if (nul)
      return csv_fail(x, err, row, x->col[k] + 1,
                      "a NUL byte (byte %zu) would cut this value short; "
                      "remove it",
                      (size_t)(nul - val[k]) + 1);
  }
  if (!val[0])
    return csv_fail(x, err, row, x->col[0] + 1, "empty customer id");
  if (!val[1])
    return csv_fail(x, err, row, x->col[1] + 1, "customer '%s' has no segment",
                    val[0]);
  int consent = 1;
  const char *channels = NULL; /* consent given for these only */
  if (val[6]) {
    const char *s = val[6];
    size_t len = lens[x->col[6]];
    /* A file says yes and no the same way on most rows. */
    if (len == x->yes_len && memcmp(s, x->yes_cell, len) == 0)
      consent = x->yes;
    else
      consent = mj__yesno(s, len);
    if (consent >= 0 && len < sizeof x->yes_cell) {
      memcpy(x->yes_cell, s, len);
      x->yes_len = len;
      x->yes = consent;
    }
    if (consent < 0 && mj__channel_list_ok(s)) {
      consent = 1;
      channels = s;
    }
    if (consent < 0)
      return csv_fail(x, err, row, x->col[6] + 1,
                      "consent '%s' is not yes/no, true/false, 1/0 or a "
                      "list of channels such as \"email,sms\"", s);
  }
  uint64_t seen = x->rows;
  if (seen < SAMPLE_ROWS) {
    for (size_t k = 0; k < n; k++)
      x->row_bytes += lens[k] + 1;
    x->text_bytes += lens[x->col[0]] + 1;
  }
  if (seen == SAMPLE_ROWS && x->file_bytes) {
    /* Once: room for the rows the file holds at its first rows' length,
    ** and a sixteenth more. */
    uint64_t rows = x->file_bytes / (x->row_bytes / SAMPLE_ROWS + 1);
    rows += rows / 16;
    uint64_t text = x->text_bytes / SAMPLE_ROWS + 1;
    if (rows > seen && rows < SIZE_MAX / 64 / text && x->adder)
      mj__adder_reserve(x->adder, (size_t)(rows - seen),
                        (size_t)((rows - seen) * text));
    else if (rows > seen && rows < SIZE_MAX / 64 / text &&
             mj__customer_reserve(x->m, (size_t)(rows - seen),
                                  (size_t)((rows - seen) * text)) != MJ_OK)
      return mj__error(err, MJ_ENOMEM, "out of memory");
  }
  mj_customer u = {.id = val[0],
                   .segment = val[1],
                   .name = val[2],
                   .lang = val[3],
                   .channel = val[4],
                   .email = val[5],
                   .consent = consent,
                   .consent_channels = channels,
                   .pos = {x->shown, (int)row}};
  for (int k = 0; k < 2; k++)
    if (val[7 + k] && !mj__parse_time(val[7 + k], k ? &u.until : &u.since))
      return csv_fail(x, err, row, x->col[7 + k] + 1,
                      "%s '%s' is not a date like 2024-03-01", ccols[7 + k],
                      val[7 + k]);
  if (val[COL_TZ]) {
    int rc = check_zone(x, val[COL_TZ], lens[x->col[COL_TZ]], &u.tz, row, err);
    if (rc != MJ_OK)
      return rc;
  }
  if (x->adder) {
    /* A failure is the thread's, rows back: mj__customers_read says it. */
    size_t len[8] = {0};
    for (int k = 0; k < 6; k++)
      len[k] = val[k] ? lens[x->col[k]] : 0;
    len[6] = channels ? lens[x->col[6]] : 0;
    len[7] = u.tz ? strlen(u.tz) : 0;
    int rc = mj__adder_put(x->adder, &u, len);
    x->rows += rc == MJ_OK;
    return rc;
  }
  int rc = mj__customer_add(x->m, &u);
  x->rows += rc == MJ_OK;
  return add_failed(x, rc, row, err);
}

int mj__customers_read(mj_engine *e, mj_model *m, const mj_customers_decl *f)
{
  char why[700], *real = NULL;
  char *shown = mj__path_join(m->dir, f->path);
  if (!shown)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  int rc = mj__path_resolve(shown, MJ_PATH_READ, mj__playbook_jail(e, m->dir),
                            &real, why, sizeof why);
  if (rc != MJ_OK) {
    /* A missing file is the playbook's mistake, with a near name, as a
    ** cycle's missing import is. */
    char what[300];
    snprintf(what, sizeof what, "customers \"%s\"", f->path);
    free(shown);
    int found = mj__input_check(e, m->dir, f->path, &f->pos, what);
    return found != MJ_OK ? found
                          : mj__seterr_at(e, rc, f->pos.file, f->pos.line, 0,
                                          "customers \"%s\": %s", f->path,
                                          why);
  }
  csv_ctx x = {.m = m, .shown = shown, .sep = f->sep};
  struct stat st;
  if (stat(real, &st) == 0 && st.st_size > 0)
    x.file_bytes = (uint64_t)st.st_size;
  mj_sink sink = {&x, csv_header, csv_row};
  mj_recoder recoder;
  rc = mj__recoder_init(&recoder, f->encoding, x.shown, &sink, why,
                        sizeof why);
  if (rc != MJ_OK) {
    free(shown);
    free(real);
    return mj__seterr_at(e, rc, f->pos.file, f->pos.line, 0,
                         "customers \"%s\": %s", f->path, why);
  }
  if (x.file_bytes >= ADDER_BYTES && !(e->opts.flags & MJ_ONE_THREAD) &&
      mj__adder_start(m, &x.adder) != MJ_OK)
    x.adder = NULL; /* then added here */
  rc = mj__plugin_collect(e, "csv", real, NULL, f->sep, &recoder.sink);
  mj__recoder_free(&recoder);
  int row = 0;
  int arc = x.adder ? mj__adder_finish(x.adder, &row) : MJ_OK;
  if (arc != MJ_OK) {
    /* The thread stopped at an earlier row than anything the reader met
    ** since: as on one thread, the reading stopped there. */
    memset(&x.err, 0, sizeof x.err);
    mj_error scratch;
    rc = add_failed(&x, arc, (uint64_t)row, &scratch);
  }
  for (size_t i = 0; i < x.n_zones; i++)
    free(x.zones[i]);
  if (rc == MJ_OK) {
    mj__customer_fit(m);
  } else if (rc == MJ_ENOMEM && !x.err.code) {
    mj__seterr(e, MJ_ENOMEM, "out of memory reading %s", x.shown);
  } else if (x.err.code) {
    /* Our own row:column message, then where the playbook asked. */
    rc = x.err.code;
    e->err = x.err;
    size_t k = strlen(e->err.msg);
    snprintf(e->err.msg + k, sizeof e->err.msg - k,
             " (customers declared at %s:%d)", f->pos.file, f->pos.line);
  } else {
    mj_error inner = e->err;
    char ctx[300];
    snprintf(ctx, sizeof ctx, "%s:%d: customers \"%s\": ", f->pos.file,
             f->pos.line, f->path);
    mj__seterr_from(e, &inner, rc, ctx);
  }
  free(shown);
  free(real);
  return rc;
}
