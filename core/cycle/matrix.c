/*
** The answers of one questionnaire as a table, one row per response and
** one column per numeric question, for the scorers that work across
** questions (plugin.h: score_matrix). Rows arrive in response order from
** the store's scan, so a new response id starts a new row.
**
** A million responses must stay small in memory: while every value is a
** small integer (scales, NPS, yes/no) a cell is one byte, a code (0
** skipped, 1 N/A, 2 + the value less the column's base), and the doubles
** of mj_matrix are made per segment only while its scorer runs. The first
** value that does not fit turns the table into doubles for good.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"

enum { CODE_SKIPPED = 0, CODE_NA = 1, CODE_VALUE = 2 };
#define NO_CHAN UINT32_MAX
#define SEEN 128 /* names remembered by address (struct mj_qmatrix) */
#define PREFETCH 16 /* rows ahead (table_of) */

/* Buffers for the doubles handed to scorers: sized once for the largest
** table handed over, reused for each segment (a fresh mapping each time
** was faulted in page by page), with each column's 256 codes decoded
** once. */
typedef struct expand {
  double *v;
  unsigned char *s;
  double *dv;
  unsigned char *ds;
} expand;
static void expand_free(expand *x);

struct mj_qmatrix {
  const mj_questionnaire *qn;
  mj_column *cols;
  size_t n_cols;
  size_t *col_of;           /* question index -> column, or SIZE_MAX */
  int *base;                /* per column: the value coded CODE_VALUE */
  unsigned char *code;      /* n_rows * n_cols codes, or NULL once wide */
  double *values;           /* n_rows * n_cols, once wide */
  unsigned char *state;     /* likewise */
  uint32_t *row_seg;        /* row -> index into segs */
  size_t n_rows, cap;
  char **segs;              /* distinct segment ids, "" for none */
  size_t n_segs;
  /* row -> index into chans, NO_CHAN for none; NULL until a row has one */
  uint32_t *row_chan;
  char **chans;             /* distinct "channel:NAME" groups */
  size_t n_chans;
  char *last;               /* the response id of the last row */
  /* The callers' name strings -> index into segs (chans), as last seen
  ** at that address; checked by content, so any string may come. */
  struct name_seen {
    const char *p;
    size_t i;
  } seg_seen[SEEN], chan_seen[SEEN];
  uint32_t none; /* the index in segs of "", UINT32_MAX until a row has it */
};

/* Rows taken out of a table as it keeps them (mj__qmatrix_take). */
struct mj_qrows {
  unsigned char *code;  /* n_rows * n_cols codes, when the table had them */
  double *values;       /* else the cells as doubles */
  unsigned char *state;
  uint32_t *seg, *chan; /* chan NULL when no row of the table has one */
  size_t n_rows, cap;   /* cap: rows each buffer has room for */
  int wide;             /* the rows are in values and state */
  expand x;             /* the codes as doubles, made on the first drain */
};

void mj__qmatrix_free(mj_qmatrix *m)
{
  if (!m)
    return;
  free(m->cols);
  free(m->col_of);
  free(m->base);
  free(m->code);
  free(m->values);
  free(m->state);
  free(m->row_seg);
  for (size_t i = 0; i < m->n_segs; i++)
    free(m->segs[i]);
  free(m->segs);
  for (size_t i = 0; i < m->n_chans; i++)
    free(m->chans[i]);
  free(m->chans);
  free(m->row_chan);
  free(m->last);
  free(m);
}

int mj__qmatrix_new(const mj_questionnaire *qn, mj_qmatrix **out)
{
  *out = NULL;
  mj_qmatrix *m = calloc(1, sizeof *m);
  if (!m)
    return MJ_ENOMEM;
  m->qn = qn;
  m->none = UINT32_MAX;
  size_t nq = qn->n_questions ? qn->n_questions : 1;
  m->cols = calloc(nq, sizeof *m->cols);
  m->col_of = calloc(nq, sizeof *m->col_of);
  m->base = calloc(nq, sizeof *m->base);
  if (!m->cols || !m->col_of || !m->base) {
    mj__qmatrix_free(m);
    return MJ_ENOMEM;
  }
  for (size_t i = 0; i < qn->n_questions; i++) {
    const mj_question *q = &qn->questions[i];
    m->col_of[i] = SIZE_MAX;
    if (!mj__question_scored(q))
      continue; /* text, choices, dates: no number to put in a cell */
    mj_column *c = &m->cols[m->n_cols];
    const mj_requirement *r = q->requirement;
    c->question = q->id;
    c->qtype = q->type;
    c->scale_min = q->min;
    c->scale_max = q->max;
    c->requirement = r ? r->id : NULL;
    c->dimension = r ? r->dimension : NULL;
    c->target = r && r->has_target ? r->target : NAN;
    c->weight = r && r->has_weight ? r->weight : NAN;
    /* mj_tag and mj_meta are both { key, value } string pairs. */
    c->tags = (const mj_meta *)(const void *)q->tags;
    c->n_tags = q->n_tags;
    m->base[m->n_cols] = q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS
                             ? q->min
                             : 0;
    m->col_of[i] = m->n_cols++;
  }
  *out = m;
  return MJ_OK;
}

/* The index of name in a table of distinct names, added when new. */
static int name_index(char ***names, size_t *n, const char *name,
                      size_t *out)
{
  for (size_t i = *n; i-- > 0;)
    if (strcmp((*names)[i], name) == 0) {
      *out = i;
      return MJ_OK;
    }
  if (*n >= UINT32_MAX - 1)
    return MJ_ENOMEM;
  char **v = realloc(*names, (*n + 1) * sizeof *v);
  if (!v)
    return MJ_ENOMEM;
  *names = v;
  if (!(v[*n] = strdup(name)))
    return MJ_ENOMEM;
  *out = (*n)++;
  return MJ_OK;
}

/* name_index through a cache of the addresses last seen: cycle.c hands
** one address per segment, so a row's group costs one short strcmp, not
** one per group (a million rows, twenty segments). */
static int name_index_seen(struct name_seen *seen, char ***names, size_t *n,
                           const char *name, size_t *out)
{
  /* Fibonacci hashing: the names sit a few bytes apart in an arena. */
  struct name_seen *c =
      &seen[((uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15u >> 32) % SEEN];
  if (c->p == name && strcmp((*names)[c->i], name) == 0) {
    *out = c->i;
    return MJ_OK;
  }
  if (name_index(names, n, name, out) != MJ_OK)
    return MJ_ENOMEM;
  c->p = name;
  c->i = *out;
  return MJ_OK;
}

/* Cell i as a value and a state. */
static void cell_decode(const mj_qmatrix *m, size_t i, double *v,
                        unsigned char *st)
{
  if (!m->code) {
    *v = m->values[i];
    *st = m->state[i];
    return;
  }
  unsigned char k = m->code[i];
  *st = k >= CODE_VALUE ? MJ_ANSWER_VALUE
        : k == CODE_NA  ? MJ_ANSWER_NA
                        : MJ_ANSWER_SKIPPED;
  *v = k >= CODE_VALUE ? m->base[i % m->n_cols] + (k - CODE_VALUE) : NAN;
}

/* Codes to doubles, for good. */
static int widen(mj_qmatrix *m)
{
  size_t n = (m->cap ? m->cap : 1) * m->n_cols;
  double *v = malloc(n * sizeof *v);
  unsigned char *s = malloc(n);
  if (!v || !s) {
    free(v);
    free(s);
    return MJ_ENOMEM;
  }
  for (size_t i = 0; i < m->n_rows * m->n_cols; i++)
    cell_decode(m, i, &v[i], &s[i]);
  free(m->code);
  m->code = NULL;
  m->values = v;
  m->state = s;
  return MJ_OK;
}

/* Growing by doubling copied the table eight times on the way to a
** million rows; sized from the store's count, it is allocated once. The
** pages not written are never touched, so an overestimate costs nothing. */
void mj__qmatrix_expect(mj_qmatrix *m, size_t rows)
{
  if (m->cap || m->values || !m->n_cols || rows <= 256 ||
      rows > UINT32_MAX / m->n_cols)
    return;
  unsigned char *k = malloc(rows * m->n_cols);
  uint32_t *g = k ? malloc(rows * sizeof *g) : NULL;
  if (!g) {
    free(k);
    return;
  }
  m->code = k;
  m->row_seg = g;
  m->cap = rows;
  mj__huge_pages(k, rows * m->n_cols);
  mj__huge_pages(g, rows * sizeof *g);
}

static int new_row(mj_qmatrix *m, const char *segment, const char *channel)
{
  if (m->n_rows >= UINT32_MAX) /* rows are numbered in 32 bits */
    return MJ_ENOMEM;
  if (m->n_rows == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 256;
    if (m->code || !m->values) {
      unsigned char *k = realloc(m->code, cap * m->n_cols);
      if (!k)
        return MJ_ENOMEM;
      m->code = k;
      mj__huge_pages(k, cap * m->n_cols);
    } else {
      double *v = realloc(m->values, cap * m->n_cols * sizeof *v);
      if (!v)
        return MJ_ENOMEM;
      m->values = v;
      unsigned char *s = realloc(m->state, cap * m->n_cols);
      if (!s)
        return MJ_ENOMEM;
      m->state = s;
    }
    uint32_t *g = realloc(m->row_seg, cap * sizeof *g);
    if (!g)
      return MJ_ENOMEM;
    m->row_seg = g;
    mj__huge_pages(g, cap * sizeof *g);
    if (m->row_chan) {
      uint32_t *h = realloc(m->row_chan, cap * sizeof *h);
      if (!h)
        return MJ_ENOMEM;
      m->row_chan = h;
    }
    m->cap = cap;
  }
  size_t r = m->n_rows;
  if (m->code) {
    memset(m->code + r * m->n_cols, CODE_SKIPPED, m->n_cols);
  } else {
    for (size_t c = 0; c < m->n_cols; c++) {
      m->values[r * m->n_cols + c] = NAN;
      m->state[r * m->n_cols + c] = MJ_ANSWER_SKIPPED;
    }
  }
  size_t g;
  if (name_index_seen(m->seg_seen, &m->segs, &m->n_segs,
                      segment ? segment : "", &g) != MJ_OK)
    return MJ_ENOMEM;
  m->row_seg[r] = (uint32_t)g;
  if (!segment || !*segment)
    m->none = (uint32_t)g;
  if (channel && !m->row_chan) { /* the first row with a channel */
    if (!(m->row_chan = malloc(m->cap * sizeof *m->row_chan)))
      return MJ_ENOMEM;
    for (size_t k = 0; k < r; k++)
      m->row_chan[k] = NO_CHAN;
  }
  if (m->row_chan) {
    size_t h = NO_CHAN;
    if (channel && name_index_seen(m->chan_seen, &m->chans, &m->n_chans,
                                   channel, &h) != MJ_OK)
      return MJ_ENOMEM;
    m->row_chan[r] = (uint32_t)h;
  }
  m->n_rows++;
  return MJ_OK;
}

static int set_cell(mj_qmatrix *m, size_t col, const mj_answer_rec *a)
{
  size_t cell = (m->n_rows - 1) * m->n_cols + col;
  int value = a->state == MJ_ANSWER_VALUE && !isnan(a->num);
  unsigned char st = (unsigned char)(value ? MJ_ANSWER_VALUE
                                     : a->state == MJ_ANSWER_NA
                                         ? MJ_ANSWER_NA
                                         : MJ_ANSWER_SKIPPED);
  if (m->code) {
    if (!value) {
      m->code[cell] = st == MJ_ANSWER_NA ? CODE_NA : CODE_SKIPPED;
      return MJ_OK;
    }
    double d = a->num - m->base[col];
    if (d >= 0 && d <= 255 - CODE_VALUE && d == (double)(int)d) {
      m->code[cell] = (unsigned char)(CODE_VALUE + (int)d);
      return MJ_OK;
    }
    if (widen(m) != MJ_OK)
      return MJ_ENOMEM;
  }
  m->values[cell] = value ? a->num : NAN;
  m->state[cell] = st;
  return MJ_OK;
}

int mj__qmatrix_add(mj_qmatrix *m, size_t question, const mj_answer_row *row)
{
  if (m->n_cols == 0 || m->col_of[question] == SIZE_MAX)
    return MJ_OK;
  if (!m->last || strcmp(m->last, row->response ? row->response : "") != 0) {
    if (new_row(m, row->segment, NULL) != MJ_OK)
      return MJ_ENOMEM;
    free(m->last);
    if (!(m->last = strdup(row->response ? row->response : "")))
      return MJ_ENOMEM;
  }
  return set_cell(m, m->col_of[question], &row->answer);
}

int mj__qmatrix_add_answers(mj_qmatrix *m, const mj_answer_rec *a,
                            const size_t *question, size_t n,
                            const char *segment, const char *channel,
                            int *started)
{
  for (size_t k = 0; k < n && m->n_cols; k++) {
    size_t col = question[k] == SIZE_MAX ? SIZE_MAX : m->col_of[question[k]];
    if (col == SIZE_MAX)
      continue;
    if (!*started) {
      if (new_row(m, segment, channel) != MJ_OK)
        return MJ_ENOMEM;
      *started = 1;
    }
    if (set_cell(m, col, &a[k]) != MJ_OK)
      return MJ_ENOMEM;
  }
  return MJ_OK;
}

static int expand_init(const mj_qmatrix *m, size_t rows, expand *x)
{
  size_t n = rows * m->n_cols;
  memset(x, 0, sizeof *x);
  x->v = malloc(n * sizeof *x->v);
  x->s = malloc(n);
  x->dv = malloc(m->n_cols * 256 * sizeof *x->dv);
  x->ds = malloc(m->n_cols * 256);
  if (!x->v || !x->s || !x->dv || !x->ds)
    return MJ_ENOMEM;
  for (size_t c = 0; c < m->n_cols; c++)
    for (int k = 0; k < 256; k++) {
      unsigned char kk = (unsigned char)k;
      x->ds[c * 256 + kk] = kk >= CODE_VALUE ? MJ_ANSWER_VALUE
                            : kk == CODE_NA  ? MJ_ANSWER_NA
                                             : MJ_ANSWER_SKIPPED;
      x->dv[c * 256 + kk] =
          kk >= CODE_VALUE ? m->base[c] + (kk - CODE_VALUE) : NAN;
    }
  return MJ_OK;
}

static void expand_free(expand *x)
{
  free(x->v);
  free(x->s);
  free(x->dv);
  free(x->ds);
}

/* A row of nc codes as values and states, through x's decoded codes. */
static void decode_row(const expand *x, const unsigned char *in, size_t nc,
                       double *v, unsigned char *s)
{
  for (size_t c = 0; c < nc; c++) {
    v[c] = x->dv[c * 256 + in[c]];
    s[c] = x->ds[c * 256 + in[c]];
  }
}

/* Rows first..first+n of a segment (rows NULL: of the whole table) as a
** table of doubles, in x's buffers or, when they already are doubles in
** one piece, in place. */
static mj_matrix table_of(const mj_qmatrix *m, expand *x, const uint32_t *rows,
                          size_t first, size_t n)
{
  size_t nc = m->n_cols;
  if (!m->code && !rows)
    return (mj_matrix){m->cols, nc, n, m->values + first * nc,
                       m->state + first * nc};
  for (size_t k = 0; k < n; k++) {
    size_t r = rows ? rows[first + k] : first + k;
    double *v = x->v + k * nc;
    unsigned char *s = x->s + k * nc;
    if (!m->code) {
      memcpy(v, m->values + r * nc, nc * sizeof *v);
      memcpy(s, m->state + r * nc, nc);
      continue;
    }
    const unsigned char *in = m->code + r * nc;
#ifdef __GNUC__
    /* A segment's rows lie scattered over a table larger than the
    ** caches, and waiting for each was most of the time spent here: ask
    ** for a row some way ahead while this one is decoded. */
    if (rows && k + PREFETCH < n)
      __builtin_prefetch(m->code + (size_t)rows[first + k + PREFETCH] * nc);
#endif
    decode_row(x, in, nc, v, s);
  }
  return (mj_matrix){m->cols, nc, n, x->v, x->s};
}

/* How a segment's rows reach the caller: the whole table at once
** (chunk 0) or in chunks. */
typedef struct visit {
  size_t chunk;
  mj_qmatrix_fn fn;
  const mj_qmatrix_stream *st;
  void *ud;
} visit;

static int visit_one(const mj_qmatrix *m, expand *x, const visit *v,
                     const uint32_t *rows, size_t n, const char *name)
{
  if (!v->chunk) {
    mj_matrix t = table_of(m, x, rows, 0, n);
    return v->fn(v->ud, name, &t);
  }
  int rc = v->st->open(v->st->ud, name, n);
  if (rc == 1)
    return MJ_OK; /* the caller skips this segment */
  for (size_t first = 0; rc == MJ_OK && first < n; first += v->chunk) {
    mj_matrix t = table_of(m, x, rows, first,
                           n - first < v->chunk ? n - first : v->chunk);
    rc = v->st->rows(v->st->ud, &t);
  }
  return v->st->close(v->st->ud, rc);
}

/* Rows grouped by their group in of (row -> group, skip for none; a
** counting sort), so each group's table is built from its own rows, not
** from a pass over all of them: rows[start[g] .. start[g + 1]). */
static int group_rows(const mj_qmatrix *m, const uint32_t *of, size_t n_groups,
                      uint32_t skip, size_t *start, uint32_t *rows)
{
  memset(start, 0, (n_groups + 1) * sizeof *start);
  for (size_t r = 0; r < m->n_rows; r++)
    if (of[r] != skip)
      start[of[r] + 1]++;
  for (size_t g = 0; g < n_groups; g++)
    start[g + 1] += start[g];
  size_t *at = malloc((n_groups ? n_groups : 1) * sizeof *at);
  if (!at)
    return MJ_ENOMEM;
  memcpy(at, start, n_groups * sizeof *at);
  for (size_t r = 0; r < m->n_rows; r++)
    if (of[r] != skip)
      rows[at[of[r]]++] = (uint32_t)r;
  free(at);
  return MJ_OK;
}

static int visit_segments(const mj_qmatrix *m, const visit *v)
{
  if (m->n_rows == 0 || m->n_cols == 0)
    return MJ_OK;
  expand x;
  size_t groups = m->n_segs > m->n_chans ? m->n_segs : m->n_chans;
  size_t *start = malloc((groups + 1) * sizeof *start);
  uint32_t *rows = malloc(m->n_rows * sizeof *rows);
  mj__huge_pages(rows, m->n_rows * sizeof *rows);
  int rc = start && rows ? expand_init(m, v->chunk ? v->chunk : m->n_rows, &x)
                         : MJ_ENOMEM;
  if (rc == MJ_OK)
    rc = visit_one(m, &x, v, NULL, m->n_rows, "all");
  if (rc == MJ_OK && m->n_segs == 1) {
    /* every row in one segment (or in none) */
    if (m->segs[0][0])
      rc = visit_one(m, &x, v, NULL, m->n_rows, m->segs[0]);
  } else if (rc == MJ_OK) {
    rc = group_rows(m, m->row_seg, m->n_segs, NO_CHAN, start, rows);
    for (size_t g = 0; rc == MJ_OK && g < m->n_segs; g++) {
      if (!m->segs[g][0])
        continue; /* responses without a segment count in "all" only */
      rc = visit_one(m, &x, v, rows + start[g], start[g + 1] - start[g],
                     m->segs[g]);
    }
  }
  /* Then each channel's rows ("channel:NAME"), when the cycle asks. */
  if (rc == MJ_OK && m->row_chan)
    rc = group_rows(m, m->row_chan, m->n_chans, NO_CHAN, start, rows);
  for (size_t g = 0; rc == MJ_OK && m->row_chan && g < m->n_chans; g++)
    rc = visit_one(m, &x, v, rows + start[g], start[g + 1] - start[g],
                   m->chans[g]);
  if (start && rows)
    expand_free(&x);
  free(start);
  free(rows);
  return rc;
}

int mj__qmatrix_each_segment(const mj_qmatrix *m, mj_qmatrix_fn fn, void *ud)
{
  visit v = {.chunk = 0, .fn = fn, .ud = ud};
  return visit_segments(m, &v);
}

int mj__qmatrix_stream(const mj_qmatrix *m, const mj_qmatrix_stream *st)
{
  visit v = {.chunk = MJ_QMATRIX_CHUNK, .st = st};
  return visit_segments(m, &v);
}

size_t mj__qmatrix_rows(const mj_qmatrix *m)
{
  return m->n_rows;
}

int mj__qrows_new(mj_qrows **out)
{
  return (*out = calloc(1, sizeof **out)) ? MJ_OK : MJ_ENOMEM;
}

/* r's buffers freed, r empty and without room. */
static void qrows_drop(mj_qrows *r)
{
  free(r->code);
  free(r->values);
  free(r->state);
  free(r->seg);
  free(r->chan);
  expand_free(&r->x);
  memset(r, 0, sizeof *r);
}

void mj__qrows_free(mj_qrows *r)
{
  if (r)
    qrows_drop(r);
  free(r);
}

/* Room in r for n rows of nc cells, kept as m keeps them now. */
static int qrows_room(mj_qrows *r, const mj_qmatrix *m, size_t n)
{
  size_t nc = m->n_cols;
  int wide = !m->code;
  if (n <= r->cap && wide == r->wide && (!m->row_chan || r->chan))
    return MJ_OK;
  size_t cap = n > r->cap ? n : r->cap;
  qrows_drop(r);
  r->wide = wide;
  r->seg = malloc(cap * sizeof *r->seg);
  if (m->row_chan)
    r->chan = malloc(cap * sizeof *r->chan);
  if (wide) {
    r->values = malloc(cap * nc * sizeof *r->values);
    r->state = malloc(cap * nc);
  } else {
    r->code = malloc(cap * nc);
  }
  if (!r->seg || (m->row_chan && !r->chan) ||
      (wide ? !r->values || !r->state : !r->code))
    return MJ_ENOMEM;
  r->cap = cap;
  return MJ_OK;
}

int mj__qmatrix_take(mj_qmatrix *m, int last_too, mj_qrows *r)
{
  size_t n = last_too || !m->n_rows ? m->n_rows : m->n_rows - 1;
  size_t nc = m->n_cols;
  r->n_rows = 0;
  if (n == 0 || nc == 0)
    return MJ_OK;
  if (qrows_room(r, m, n) != MJ_OK)
    return MJ_ENOMEM;
  if (m->code) {
    memcpy(r->code, m->code, n * nc);
  } else {
    memcpy(r->values, m->values, n * nc * sizeof *m->values);
    memcpy(r->state, m->state, n * nc);
  }
  /* Rows without a segment are told apart without m's names, which may
  ** grow meanwhile. */
  for (size_t k = 0; k < n; k++)
    r->seg[k] = m->row_seg[k] == m->none ? UINT32_MAX : m->row_seg[k];
  if (m->row_chan)
    memcpy(r->chan, m->row_chan, n * sizeof *r->chan);
  r->n_rows = n;
  /* The row still open moves to the front; the table stays its size. */
  if (n < m->n_rows) {
    if (m->code) {
      memcpy(m->code, m->code + n * nc, nc);
    } else {
      memcpy(m->values, m->values + n * nc, nc * sizeof *m->values);
      memcpy(m->state, m->state + n * nc, nc);
    }
    m->row_seg[0] = m->row_seg[n];
    if (m->row_chan)
      m->row_chan[0] = m->row_chan[n];
  }
  m->n_rows -= n;
  return MJ_OK;
}

int mj__qrows_drain(const mj_qmatrix *m, mj_qrows *r, mj_qmatrix_rows_fn fn,
                    void *ud)
{
  size_t n = r->n_rows, nc = m->n_cols;
  r->n_rows = 0;
  if (n == 0)
    return MJ_OK;
  mj_matrix t = {m->cols, nc, n, r->values, r->state};
  if (!r->wide) {
    if (!r->x.ds && expand_init(m, r->cap, &r->x) != MJ_OK) {
      expand_free(&r->x);
      memset(&r->x, 0, sizeof r->x);
      return MJ_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
      decode_row(&r->x, r->code + k * nc, nc, r->x.v + k * nc,
                 r->x.s + k * nc);
    t.values = r->x.v;
    t.state = r->x.s;
  }
  return fn(ud, &t, r->seg, r->chan);
}

const char *mj__qmatrix_segment(const mj_qmatrix *m, size_t seg)
{
  return m->segs[seg];
}

const char *mj__qmatrix_channel(const mj_qmatrix *m, size_t chan)
{
  return m->chans[chan];
}

const mj_questionnaire *mj__qmatrix_questionnaire(const mj_qmatrix *m)
{
  return m->qn;
}

const mj_column *mj__qmatrix_columns(const mj_qmatrix *m, size_t *n)
{
  *n = m->n_cols;
  return m->cols;
}
