/*
** The csv collector: streams an RFC 4180 file through libcsv (strict mode)
** into a sink, one record at a time, numbering records by the physical
** line they start on so a person can find them in an editor.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>

#include "encoding.h"
#include "mejora/plugin.h"

#define READ_SIZE 65536

static const mj_option csv_options[] = {
    {"delimiter", MJ_OPT_STRING, ",", 0,
     "field separator, one character (\";\" for many European exports)"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct collector {
  const mj_host_api *host;
  mj_ctx *ctx;
  unsigned char delim;
} collector;

/* One collect() call: the record being assembled and where it started. */
typedef struct reader {
  const mj_host_api *host;
  const mj_sink *sink;
  const char *source;
  mj_error *err;
  int rc;           /* first error; callbacks do nothing after it */
  uint64_t line;    /* physical line of the next byte fed */
  uint64_t start;   /* line the current record started on */
  int after_cr;     /* the last byte fed was a CR */
  uint64_t records; /* records handed to the sink */
  char *buf;        /* cells of the current record, each NUL-ended */
  size_t used, cap;
  size_t *offs; /* cell offsets into buf */
  size_t ncells, capcells;
  const char **cells; /* built per record from buf and offs */
  size_t *lens;
  size_t capptrs, caplens;
} reader;

static int oom(reader *r)
{
  return r->host->error(r->err, MJ_ENOMEM, "csv: out of memory reading '%s'",
                        r->source);
}

/*
** Grow an array to hold want items; returns it (perhaps moved), or NULL
** when out of memory (the old one is still owned by the caller).
*/
static void *grow(reader *r, void *p, size_t *cap, size_t want, size_t size)
{
  if (want <= *cap)
    return p;
  size_t n = *cap ? *cap : 16;
  while (n < want)
    n *= 2;
  void *q = r->host->realloc(p, n * size);
  if (q)
    *cap = n;
  return q;
}

/* libcsv: a field ended. Copy it; the record is handed over at its end. */
static void on_field(void *field, size_t len, void *ud)
{
  reader *r = ud;
  if (r->rc != MJ_OK)
    return;
  char *nb = grow(r, r->buf, &r->cap, r->used + len + 1, 1);
  if (nb)
    r->buf = nb;
  size_t *no =
      nb ? grow(r, r->offs, &r->capcells, r->ncells + 1, sizeof *r->offs)
         : NULL;
  if (no)
    r->offs = no;
  if (!nb || !no) {
    r->rc = oom(r);
    return;
  }
  if (len)
    memcpy(r->buf + r->used, field, len);
  r->buf[r->used + len] = '\0';
  r->offs[r->ncells++] = r->used;
  r->used += len + 1;
}

/* Room for n cells and their terminating NULL in r->cells and r->lens;
** 0 (and r->rc set) when out of memory. */
static int cells_room(reader *r, size_t n)
{
  const char **nc = grow(r, r->cells, &r->capptrs, n + 1, sizeof *r->cells);
  if (nc)
    r->cells = nc;
  size_t *nl =
      nc ? grow(r, r->lens, &r->caplens, n + 1, sizeof *r->lens) : NULL;
  if (nl)
    r->lens = nl;
  if (!nc || !nl) {
    r->rc = oom(r);
    return 0;
  }
  return 1;
}

/* Hand the record in r->cells and r->lens to the sink: the first is the
** header. */
static void emit(reader *r, size_t n)
{
  if (r->records++ == 0)
    r->rc = r->sink->header(r->sink->ud, r->cells, n, r->err);
  else
    r->rc = r->sink->row(r->sink->ud, r->start, r->cells, r->lens, n, r->err);
  r->used = 0;
  r->ncells = 0;
}

/* libcsv: a record ended. The first one is the header. */
static void on_record(int term, void *ud)
{
  reader *r = ud;
  (void)term;
  if (r->rc != MJ_OK)
    return;
  size_t n = r->ncells;
  if (!cells_room(r, n))
    return;
  for (size_t i = 0; i < n; i++) {
    r->cells[i] = r->buf + r->offs[i];
    size_t end = i + 1 < n ? r->offs[i + 1] : r->used;
    r->lens[i] = end - r->offs[i] - 1;
  }
  r->cells[n] = NULL;
  emit(r, n);
}

/* Keep fields verbatim (RFC 4180): spaces are data, not padding. */
static int no_space(unsigned char c)
{
  (void)c;
  return 0;
}

/*
** A whole physical line met between records, split here when it is
** simple: every field either without quotes or wholly quoted with no quote
** inside ("a, b"). That is exactly what libcsv gives in strict mode with
** no space trimming, without its per-byte callbacks and copies, which
** were most of an import's parsing. Anything else (a doubled quote, a
** quoted newline, a stray quote: libcsv's errors) returns 0, untouched,
** for libcsv. line holds n bytes; its terminator is not among them.
*/
static int simple_line(reader *r, unsigned char delim, const char *line,
                       size_t n, int quoted)
{
  if (n == 0)
    return 1; /* an empty line is no record, as in libcsv */
  char *nb = grow(r, r->buf, &r->cap, n + 1, 1);
  if (!nb) {
    r->rc = oom(r);
    return 1;
  }
  r->buf = nb;
  memcpy(nb, line, n);
  nb[n] = '\0';
  size_t at = 0, out = 0, cells = 0; /* out <= at: fields move left */
  for (;;) {
    size_t start = out, end;
    if (quoted && at < n && nb[at] == '"') {
      const char *close = memchr(nb + at + 1, '"', n - at - 1);
      end = close ? (size_t)(close - nb) : n;
      if (!close || (end + 1 < n && (unsigned char)nb[end + 1] != delim))
        return 0;
      memmove(nb + out, nb + at + 1, end - at - 1);
      out += end - at - 1;
      at = end + 1;
    } else {
      const char *d = memchr(nb + at, delim, n - at);
      end = d ? (size_t)(d - nb) : n;
      if (quoted && memchr(nb + at, '"', end - at))
        return 0;
      memmove(nb + out, nb + at, end - at);
      out += end - at;
      at = end;
    }
    size_t *no = grow(r, r->offs, &r->capcells, cells + 1, sizeof *r->offs);
    if (!no) {
      r->rc = oom(r);
      return 1;
    }
    r->offs = no;
    r->offs[cells++] = start;
    nb[out++] = '\0';
    if (at == n)
      break;
    at++; /* the delimiter */
  }
  r->ncells = cells;
  r->used = out;
  on_record(0, r);
  return 1;
}

/*
** A whole line without a quote, most lines of most files: split where it
** lies, each delimiter and the line's end overwritten with a NUL, so that
** nothing is copied. line holds n bytes and then its terminator.
*/
static void plain_line(reader *r, unsigned char delim, char *line, size_t n)
{
  if (n == 0)
    return; /* an empty line is no record, as in libcsv */
  char *start = line, *end = line + n;
  size_t c = 0;
  /* Cells are short: a loop finds their ends faster than memchr. */
  for (;;) {
    char *stop = start;
    while (stop < end && (unsigned char)*stop != delim)
      stop++;
    if ((c + 1 >= r->capptrs || c + 1 >= r->caplens) && !cells_room(r, c + 1))
      return;
    r->cells[c] = start;
    r->lens[c++] = (size_t)(stop - start);
    *stop = '\0';
    if (stop == end)
      break;
    start = stop + 1;
  }
  r->cells[c] = NULL;
  emit(r, c);
}

/*
** Feed one chunk a physical line at a time, so the reader always knows
** which line a record started on: libcsv reports fields only when they
** end, which for a quoted field with newlines is lines later. A line ends
** at LF, CRLF or a lone CR (old Mac files); a CRLF split across two reads
** counts once.
*/
static int feed(reader *r, struct csv_parser *p, int idle,
                unsigned char delim, char *s, size_t n)
{
  /* Most chunks hold no CR and no quote: then no line is looked at for
  ** them. */
  int any_cr = memchr(s, '\r', n) != NULL;
  int any_quote = memchr(s, '"', n) != NULL;
  while (n && r->rc == MJ_OK) {
    /* The line ends at its first LF or CR; memchr finds each fast. */
    const char *lf = memchr(s, '\n', n);
    size_t k = lf ? (size_t)(lf - s) : n;
    const char *cr = any_cr ? memchr(s, '\r', k) : NULL;
    if (cr)
      k = (size_t)(cr - s);
    int quoted = any_quote && memchr(s, '"', k) != NULL;
    int eol = k < n;
    if (eol)
      k++;
    char end = eol ? s[k - 1] : 0; /* plain_line overwrites it */
    if (p->pstate == idle)
      r->start = r->line;
    if (eol && p->pstate == idle && !quoted)
      plain_line(r, delim, s, k - 1);
    else if (eol && p->pstate == idle &&
             simple_line(r, delim, s, k - 1, quoted))
      ; /* split without libcsv */
    else if (csv_parse(p, s, k, on_field, on_record, r) != k &&
             r->rc == MJ_OK)
      return r->rc = r->host->error_at(
                 r->err, MJ_EDATA, r->source, (int)r->line, (int)r->ncells + 1,
                 "malformed CSV: %s (a quote inside an unquoted field, or text "
                 "after a closing quote; double a quote inside quotes: \"\")",
                 csv_strerror(csv_error(p)));
    if (eol) {
      if (end == '\r' || !r->after_cr)
        r->line++;
      r->after_cr = end == '\r';
    } else if (k) {
      r->after_cr = 0;
    }
    s += k;
    n -= k;
  }
  return r->rc;
}

static int csv_collect(void *inst, const char *source, const mj_sink *sink,
                       mj_error *err)
{
  collector *c = inst;
  const mj_host_api *host = c->host;
  if (!source || !sink || !sink->header || !sink->row)
    return host->error(err, MJ_EINVAL, "csv: no file or sink given");
  /* The host says whether the file may be read (a playbook's stays in
  ** its folder) and that it is a regular file, which cannot block. */
  char *real = NULL;
  int rc = host->path(c->ctx, source, MJ_PATH_READ, &real, err);
  if (rc != MJ_OK) {
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    return host->error(err, rc, "csv: %s", msg);
  }
  FILE *f = fopen(real, "rb");
  host->free(real);
  if (!f)
    return host->error(err, MJ_EIO, "csv: cannot open '%s': %s", source,
                       strerror(errno));
  char *chunk = host->alloc(READ_SIZE);
  struct csv_parser p;
  if (!chunk || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    host->free(chunk);
    fclose(f);
    return host->error(err, MJ_ENOMEM, "csv: out of memory reading '%s'",
                       source);
  }
  csv_set_delim(&p, c->delim);
  csv_set_space_func(&p, no_space);
  csv_set_realloc_func(&p, host->realloc);
  csv_set_free_func(&p, host->free);
  /* The parser's state before any byte: "between records". */
  int idle = p.pstate;

  reader r;
  memset(&r, 0, sizeof r);
  r.host = host;
  r.sink = sink;
  r.source = source;
  r.err = err;
  r.line = 1;
  r.start = 1;

  size_t got;
  int first = 1;
  while (r.rc == MJ_OK && (got = fread(chunk, 1, READ_SIZE, f)) > 0) {
    char *s = chunk;
    /* Excel's "Unicode text" is UTF-16: named here, or every cell would
    ** be refused for its NUL bytes. */
    const char *wide =
        first ? mj_wide_encoding((const unsigned char *)s, got) : NULL;
    if (wide) {
      r.rc = host->error(err, MJ_EDATA,
                         "%s: this file is %s; save it as UTF-8 (in Excel: "
                         "Save As, \"CSV UTF-8\")",
                         source, wide);
      break;
    }
    /* A UTF-8 byte order mark (Excel's "CSV UTF-8") is not data. */
    if (first && got >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
      s += 3, got -= 3;
    first = 0;
    feed(&r, &p, idle, c->delim, s, got);
  }
  if (r.rc == MJ_OK && ferror(f))
    r.rc = host->error(err, MJ_EIO, "csv: read error in '%s': %s", source,
                       strerror(errno));
  if (r.rc == MJ_OK && csv_fini(&p, on_field, on_record, &r) != 0 &&
      r.rc == MJ_OK)
    r.rc =
        host->error_at(err, MJ_EDATA, source, (int)r.start, (int)r.ncells + 1,
                       "unterminated quoted field: the record starting "
                       "on line %llu opens a quote that never closes",
                       (unsigned long long)r.start);
  if (r.rc == MJ_OK && r.records == 0)
    r.rc = host->error(err, MJ_EDATA,
                       "csv: '%s' is empty: expected a header line", source);
  csv_free(&p);
  fclose(f);
  host->free(chunk);
  host->free(r.buf);
  host->free(r.offs);
  host->free(r.cells);
  host->free(r.lens);
  return r.rc;
}

static int csv_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  *inst = NULL;
  const char *d = cfg ? host->cfg_str(cfg, "delimiter") : NULL;
  if (d && (strlen(d) != 1 || d[0] == '"' || d[0] == '\n' || d[0] == '\r'))
    return host->error(err, MJ_EINVAL,
                       "csv: delimiter must be one character other than a "
                       "quote or newline, not \"%s\"",
                       d);
  collector *c = host->alloc(sizeof *c);
  if (!c)
    return host->error(err, MJ_ENOMEM, "csv: out of memory");
  c->host = host;
  c->ctx = ctx;
  c->delim = d ? (unsigned char)d[0] : CSV_COMMA;
  *inst = c;
  return MJ_OK;
}

static void csv_destroy(void *inst)
{
  collector *c = inst;
  if (c)
    c->host->free(c);
}

static const mj_collector_ops csv_ops = {
    sizeof(mj_collector_ops),
    csv_create,
    csv_destroy,
    csv_collect,
    NULL, /* serve: it reads files only */
};

static const mj_plugin_desc csv_desc = {
    MJ_PLUGIN_HEADER,
    "csv",
    "1.0.0",
    "CSV files (RFC 4180, UTF-8, optional BOM, CRLF or LF)",
    "MIT",
    MJ_KIND_COLLECTOR,
    csv_options,
    NULL,
    NULL,
    &csv_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(csv, csv_desc)
