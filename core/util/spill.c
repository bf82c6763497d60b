/*
** A spill: bytes appended once and read back by where they went, kept in
** memory up to a bound and past it in an unlinked temporary file, so that
** what a million records say beside their keys costs the page cache, not
** the process.
*/
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Bytes gathered before one write to the file. */
enum { PEND_CAP = 64 * 1024 };

/* A place: whether in the file, the length (file pieces are shorter than
** MJ__SPILL_PIECE, 2^13), and the offset, in 48 bits. */
#define FILE_BIT ((uint64_t)1 << 47)
#define LEN_SHIFT 34
#define OFF_MASK (((uint64_t)1 << LEN_SHIFT) - 1)
_Static_assert(MJ__SPILL_PIECE == 1 << (47 - LEN_SHIFT),
               "a piece's length fits its bits");

/* An unlinked file in TMPDIR (else /tmp), or -1: then all stays in memory. */
static int temp_file(void)
{
  const char *dir = getenv("TMPDIR");
  if (!dir || !*dir)
    dir = "/tmp";
  int fd;
#ifdef O_TMPFILE
  fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
#endif
  char path[4096];
  if (snprintf(path, sizeof path, "%s/mejora-spill-XXXXXX", dir) >=
      (int)sizeof path)
    return -1;
  fd = mkstemp(path);
  if (fd >= 0) {
    unlink(path);
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  return fd;
}

void mj__spill_init(mj_spill *s, size_t mem_max)
{
  *s = (mj_spill){.mem_max = mem_max};
}

static int mem_put(mj_spill *s, const void *p, size_t n, uint64_t *at)
{
  if (s->mem_cap - s->mem_len < n) {
    size_t cap = s->mem_cap ? s->mem_cap : 4096;
    while (cap - s->mem_len < n)
      cap *= 2;
    char *m = realloc(s->mem, cap);
    if (!m)
      return MJ_ENOMEM;
    s->mem = m;
    s->mem_cap = cap;
  }
  if (s->mem_len > OFF_MASK)
    return MJ_ELIMIT;
  memcpy(s->mem + s->mem_len, p, n);
  *at = s->mem_len;
  s->mem_len += n;
  return MJ_OK;
}

/* Write what is pending; EINTR and short writes are retried. */
static int pend_write(mj_spill *s)
{
  size_t done = 0;
  while (done < s->pend_len) {
    ssize_t k = pwrite(s->fd, s->pend + done, s->pend_len - done,
                       (off_t)(s->file_len + done));
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return MJ_EIO;
    done += (size_t)k;
  }
  s->file_len += s->pend_len;
  s->pend_len = 0;
  return MJ_OK;
}

int mj__spill_put(mj_spill *s, const void *p, size_t n, uint64_t *at)
{
  if (n >= MJ__SPILL_PIECE || s->mem_len + n <= s->mem_max || s->no_file)
    return mem_put(s, p, n, at);
  if (!s->has_fd) {
    s->pend = malloc(PEND_CAP);
    s->fd = s->pend ? temp_file() : -1;
    if (s->fd < 0) {
      free(s->pend);
      s->pend = NULL;
      s->no_file = 1; /* memory it is */
      return mem_put(s, p, n, at);
    }
    s->has_fd = 1;
  }
  if (PEND_CAP - s->pend_len < n) {
    int rc = pend_write(s);
    if (rc != MJ_OK)
      return rc;
  }
  uint64_t off = s->file_len + s->pend_len;
  if (off > OFF_MASK)
    return MJ_ELIMIT;
  memcpy(s->pend + s->pend_len, p, n);
  s->pend_len += n;
  *at = FILE_BIT | (uint64_t)n << LEN_SHIFT | off;
  return MJ_OK;
}

int mj__spill_flush(mj_spill *s)
{
  return s->has_fd && s->pend_len ? pend_write(s) : MJ_OK;
}

const char *mj__spill_get(const mj_spill *s, uint64_t at, mj_spill_window *w)
{
  uint64_t off = at & OFF_MASK;
  if (!(at & FILE_BIT))
    return s->mem + off;
  size_t n = (size_t)(at >> LEN_SHIFT & (MJ__SPILL_PIECE - 1));
  if (off >= w->from && off + n <= w->from + w->n)
    return w->s + (off - w->from);
  if (off >= s->file_len) /* still pending: read before the flush */
    return s->pend + (off - s->file_len);
  /* A read a little past the last one is a pass in order (over all, or
  ** over every customer of a segment): it takes a whole window, and the
  ** reads after it find their bytes there. */
  int onward = off >= w->from && off - w->from <= w->n + sizeof w->s / 2;
  size_t want = onward ? sizeof w->s : n;
  if (want > s->file_len - off)
    want = (size_t)(s->file_len - off);
  size_t got = 0;
  while (got < want) {
    ssize_t k = pread(s->fd, w->s + got, want - got, (off_t)(off + got));
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    got += (size_t)k;
  }
  if (got < n) {
    w->n = 0;
    return NULL;
  }
  w->from = off;
  w->n = got;
  return w->s;
}

void mj__spill_free(mj_spill *s)
{
  if (s->has_fd)
    close(s->fd);
  free(s->pend);
  free(s->mem);
  *s = (mj_spill){0};
}
