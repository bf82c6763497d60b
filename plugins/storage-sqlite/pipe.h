/*
** A scan on two threads: a reader thread fills batches of responses
** while the calling thread hands the batch before to the callback. No
** SQLite here: the plugin says how a batch is filled.
**
** The reader fills a batch with whole responses: their records, their
** answers and every string they point at, in memory the batch owns, so
** nothing the reader does next can change a batch the caller is reading.
** The callback sees the responses in the order they were filled, on the
** calling thread only; when it stops the scan, the reader stops at the
** end of the batch it is filling and is joined before the scan returns.
*/
#ifndef MJ_STORAGE_PIPE_H
#define MJ_STORAGE_PIPE_H

#include <stddef.h>

#include "mejora/plugin.h"

/* A batch of responses; the reader owns it while filling it, the caller
** while handing it over. */
typedef struct mj_pipe_batch {
  const mj_host_api *host;
  /* n records; the answers of each are the next n_answers of ans, in
  ** order: the pipe points each record's answers there (memory that
  ** moves while the batch grows) before handing the batch over. */
  mj_response_rec *recs;
  size_t n, recs_cap;
  mj_answer_rec *ans;
  size_t n_ans, ans_cap;
  /* Byte chunks the records' strings point into, kept for the next
  ** fill. */
  struct mj_pipe_chunk {
    unsigned char *p;
    size_t cap;
  } *chunks;
  size_t n_chunks, chunks_cap;
  /* Set by the fill that ends the scan: MJ_OK at the end, else the error
  ** that comes after the batch's responses, with err. */
  int rc;
  mj_error err;
  int last; /* the reader's last batch (set by the pipe) */
} mj_pipe_batch;

/* Fill b (empty) with the next responses, by mj__pipe_rec,
** mj__pipe_answers and mj__pipe_bytes: 1 when more may follow, 0 when
** the scan ends after b (b->rc says how). Runs on the reader thread. */
typedef int (*mj_pipe_fill)(void *ud, mj_pipe_batch *b);

/* Room for one more record, or NULL when there is no memory. */
mj_response_rec *mj__pipe_rec(mj_pipe_batch *b);
/* Room for the next n answers (valid until the next call), or NULL. */
mj_answer_rec *mj__pipe_answers(mj_pipe_batch *b, size_t n);
/* n bytes that stay where they are until the batch is filled again, or
** NULL. */
unsigned char *mj__pipe_bytes(mj_pipe_batch *b, size_t n);

/*
** Run fill on a thread of its own and hand every response it gives to
** cb, in order, on this thread. Returns cb's status when cb stopped the
** scan, else the last batch's rc (and its err). *ran is 0 when no
** thread could start: nothing was read, and the caller scans alone.
*/
int mj__pipe_scan(const mj_host_api *host, mj_pipe_fill fill, void *fill_ud,
                  mj_response_cb cb, void *ud, mj_error *err, int *ran);

#endif
