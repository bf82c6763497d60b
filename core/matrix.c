/*
** The answers of one questionnaire as a table, one row per response and
** one column per numeric question, for the scorers that work across
** questions (plugin.h: score_matrix). Rows arrive in response order from
** the store's scan, so a new response id starts a new row.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct mj_qmatrix {
  const mj_questionnaire *qn;
  mj_column *cols;
  size_t n_cols;
  size_t *col_of;           /* question index -> column, or SIZE_MAX */
  double *values;           /* n_rows * n_cols */
  unsigned char *state;
  size_t *row_seg;          /* row -> index into segs */
  size_t n_rows, cap;
  char **segs;              /* distinct segment ids, "" for none */
  size_t n_segs;
  char *last;               /* the response id of the last row */
};

void mj__qmatrix_free(mj_qmatrix *m)
{
  if (!m)
    return;
  free(m->cols);
  free(m->col_of);
  free(m->values);
  free(m->state);
  free(m->row_seg);
  for (size_t i = 0; i < m->n_segs; i++)
    free(m->segs[i]);
  free(m->segs);
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
  m->cols = calloc(qn->n_questions ? qn->n_questions : 1, sizeof *m->cols);
  m->col_of = calloc(qn->n_questions ? qn->n_questions : 1,
                     sizeof *m->col_of);
  if (!m->cols || !m->col_of) {
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
    m->col_of[i] = m->n_cols++;
  }
  *out = m;
  return MJ_OK;
}

static int segment_index(mj_qmatrix *m, const char *seg, size_t *out)
{
  if (!seg)
    seg = "";
  for (size_t i = m->n_segs; i-- > 0;)
    if (strcmp(m->segs[i], seg) == 0) {
      *out = i;
      return MJ_OK;
    }
  char **v = realloc(m->segs, (m->n_segs + 1) * sizeof *v);
  if (!v)
    return MJ_ENOMEM;
  m->segs = v;
  if (!(v[m->n_segs] = strdup(seg)))
    return MJ_ENOMEM;
  *out = m->n_segs++;
  return MJ_OK;
}

static int new_row(mj_qmatrix *m, const mj_answer_row *row)
{
  if (m->n_rows == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 256;
    double *v = realloc(m->values, cap * m->n_cols * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    m->values = v;
    unsigned char *s = realloc(m->state, cap * m->n_cols);
    if (!s)
      return MJ_ENOMEM;
    m->state = s;
    size_t *g = realloc(m->row_seg, cap * sizeof *g);
    if (!g)
      return MJ_ENOMEM;
    m->row_seg = g;
    m->cap = cap;
  }
  size_t r = m->n_rows;
  for (size_t c = 0; c < m->n_cols; c++) {
    m->values[r * m->n_cols + c] = NAN;
    m->state[r * m->n_cols + c] = MJ_ANSWER_SKIPPED;
  }
  if (segment_index(m, row->segment, &m->row_seg[r]) != MJ_OK)
    return MJ_ENOMEM;
  free(m->last);
  if (!(m->last = strdup(row->response ? row->response : "")))
    return MJ_ENOMEM;
  m->n_rows++;
  return MJ_OK;
}

int mj__qmatrix_add(mj_qmatrix *m, size_t question, const mj_answer_row *row)
{
  if (m->n_cols == 0 || m->col_of[question] == SIZE_MAX)
    return MJ_OK;
  if (!m->last || strcmp(m->last, row->response ? row->response : "") != 0)
    if (new_row(m, row) != MJ_OK)
      return MJ_ENOMEM;
  size_t cell = (m->n_rows - 1) * m->n_cols + m->col_of[question];
  const mj_answer_rec *a = &row->answer;
  int value = a->state == MJ_ANSWER_VALUE && !isnan(a->num);
  m->values[cell] = value ? a->num : NAN;
  m->state[cell] = (unsigned char)(value ? MJ_ANSWER_VALUE
                                   : a->state == MJ_ANSWER_NA
                                       ? MJ_ANSWER_NA
                                       : MJ_ANSWER_SKIPPED);
  return MJ_OK;
}

int mj__qmatrix_each_segment(const mj_qmatrix *m, mj_qmatrix_fn fn, void *ud)
{
  if (m->n_rows == 0 || m->n_cols == 0)
    return MJ_OK;
  mj_matrix all = {m->cols, m->n_cols, m->n_rows, m->values, m->state};
  int rc = fn(ud, "all", &all);
  if (rc != MJ_OK)
    return rc;
  if (m->n_segs == 1) /* every row in one segment (or in none) */
    return m->segs[0][0] ? fn(ud, m->segs[0], &all) : MJ_OK;
  /* Several segments: copy each one's rows into a table of its own. */
  double *v = malloc(m->n_rows * m->n_cols * sizeof *v);
  unsigned char *s = malloc(m->n_rows * m->n_cols);
  if (!v || !s) {
    free(v);
    free(s);
    return MJ_ENOMEM;
  }
  for (size_t g = 0; rc == MJ_OK && g < m->n_segs; g++) {
    if (!m->segs[g][0])
      continue; /* responses without a segment count in "all" only */
    size_t n = 0;
    for (size_t r = 0; r < m->n_rows; r++)
      if (m->row_seg[r] == g) {
        memcpy(v + n * m->n_cols, m->values + r * m->n_cols,
               m->n_cols * sizeof *v);
        memcpy(s + n * m->n_cols, m->state + r * m->n_cols, m->n_cols);
        n++;
      }
    mj_matrix seg = {m->cols, m->n_cols, n, v, s};
    rc = fn(ud, m->segs[g], &seg);
  }
  free(v);
  free(s);
  return rc;
}

const mj_questionnaire *mj__qmatrix_questionnaire(const mj_qmatrix *m)
{
  return m->qn;
}
