/*
** A streaming matrix scorer for the tests: it counts the rows and chunks
** the host streams to it and sums each column, so the cycle's chunking
** (chunk sizes, each row once, rows of the right segment) can be checked
** from the outside against sums the test computes itself.
**
** A column tagged fail = "open" or "close" makes every state fail there,
** and fail = "N" makes a state whose first row holds N in that column
** fail in stream_rows, so the messages of a failing stream can be tested
** on any group.
**
** It counts too the chunks it was handed on a thread other than the one
** that made the instance ("aside"). Built with STREAM_CYCLE_THREAD it is
** "streamtally1", which leaves stream_any_thread unset.
*/
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora/plugin.h"

enum { MAX_COLS = 16 };

#ifdef STREAM_CYCLE_THREAD
#define NAME "streamtally1"
#define ANY_THREAD 0
#else
#define NAME "streamtally"
#define ANY_THREAD 1
#endif

typedef struct st_inst {
  const mj_host_api *host;
  pthread_t made_on;
  char subject[MAX_COLS][80]; /* subject strings live until the next call */
} st_inst;

typedef struct st_state {
  const mj_column *cols;
  size_t n_cols;
  double rows, chunks, biggest, aside;
  double sum[MAX_COLS], n[MAX_COLS];
  int fail_close;
  size_t fail_col; /* MAX_COLS: none */
  double fail_value;
} st_state;

static int t_create(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                    void **inst, mj_error *err)
{
  (void)ctx;
  (void)cfg;
  st_inst *t = host->alloc(sizeof *t);
  if (!t)
    return host->error(err, MJ_ENOMEM, "streamtally: out of memory");
  t->host = host;
  t->made_on = pthread_self();
  *inst = t;
  return MJ_OK;
}

static void t_destroy(void *inst)
{
  st_inst *t = inst;
  t->host->free(t);
}

static int t_open(void *inst, const mj_column *cols, size_t n_cols,
                  void **state, mj_error *err)
{
  st_inst *t = inst;
  *state = NULL;
  const char *fail = NULL;
  size_t fail_col = MAX_COLS;
  for (size_t c = 0; c < n_cols && c < MAX_COLS; c++)
    for (size_t i = 0; i < cols[c].n_tags; i++)
      if (strcmp(cols[c].tags[i].key, "fail") == 0) {
        fail = cols[c].tags[i].value;
        fail_col = c;
      }
  if (fail && strcmp(fail, "open") == 0)
    return t->host->error(err, MJ_EPLUGIN, "streamtally: told to fail at "
                                           "open");
  st_state *s = t->host->alloc(sizeof *s);
  if (!s)
    return t->host->error(err, MJ_ENOMEM, "streamtally: out of memory");
  memset(s, 0, sizeof *s);
  s->cols = cols;
  s->n_cols = n_cols < MAX_COLS ? n_cols : MAX_COLS;
  s->fail_close = fail && strcmp(fail, "close") == 0;
  s->fail_col = fail && !s->fail_close ? fail_col : MAX_COLS;
  s->fail_value = fail ? atof(fail) : 0;
  *state = s;
  return MJ_OK;
}

static int t_rows(void *inst, void *state, const mj_matrix *m, mj_error *err)
{
  st_inst *t = inst;
  st_state *s = state;
  if (m->n_cols < s->n_cols)
    return t->host->error(err, MJ_EINVAL, "streamtally: a chunk lost columns");
  if (s->rows == 0 && s->fail_col < MAX_COLS && m->n_rows &&
      m->values[s->fail_col] == s->fail_value)
    return t->host->error(err, MJ_EPLUGIN,
                          "streamtally: told to fail on a first row "
                          "holding %g",
                          s->fail_value);
  s->rows += (double)m->n_rows;
  s->chunks++;
  s->aside += !pthread_equal(pthread_self(), t->made_on);
  if ((double)m->n_rows > s->biggest)
    s->biggest = (double)m->n_rows;
  for (size_t r = 0; r < m->n_rows; r++)
    for (size_t c = 0; c < s->n_cols; c++) {
      double v = m->values[r * m->n_cols + c];
      if (!isnan(v)) {
        s->sum[c] += v;
        s->n[c]++;
      }
    }
  return MJ_OK;
}

static int put(const mj_figure_sink *out, const char *metric, double v,
               const char *subject, double n, mj_error *err)
{
  mj_figure f = {.metric = metric, .value = v, .ci_low = NAN,
                 .ci_high = NAN, .n = (uint64_t)n, .subject = subject};
  return out->emit(out->ud, &f, err);
}

/* rows, chunks, biggest (rows in the largest chunk), aside; per column
** "values" (the sum, n = values). */
static int t_close(void *inst, void *state, const mj_figure_sink *out,
                   mj_error *err)
{
  st_inst *t = inst;
  st_state *s = state;
  int rc = MJ_OK;
  if (out && s->fail_close) {
    t->host->free(s);
    return t->host->error(err, MJ_EPLUGIN, "streamtally: told to fail at "
                                           "close");
  }
  if (out) {
    rc = put(out, "rows", s->rows, NULL, s->rows, err);
    if (rc == MJ_OK)
      rc = put(out, "chunks", s->chunks, NULL, s->rows, err);
    if (rc == MJ_OK)
      rc = put(out, "biggest", s->biggest, NULL, s->rows, err);
    if (rc == MJ_OK)
      rc = put(out, "aside", s->aside, NULL, s->rows, err);
    for (size_t c = 0; rc == MJ_OK && c < s->n_cols; c++) {
      snprintf(t->subject[c], sizeof t->subject[c], "question:%s",
               s->cols[c].question);
      rc = put(out, "values", s->sum[c], t->subject[c], s->n[c], err);
    }
  }
  t->host->free(s);
  return rc;
}

static const char *const metrics[] = {"rows",  "chunks", "biggest",
                                      "aside", "values", NULL};

static const mj_scorer_ops ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .metrics = metrics,
    .create = t_create,
    .destroy = t_destroy,
    .stream_open = t_open,
    .stream_rows = t_rows,
    .stream_close = t_close,
    .stream_any_thread = ANY_THREAD,
};

static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER, NAME, "1.0.0",
    "test: what a streaming matrix scorer is given",
    "MIT", MJ_KIND_SCORER, NULL, NULL, NULL, &ops, NULL,
};

MJ_PLUGIN_DEFINE(streamtally, desc)
