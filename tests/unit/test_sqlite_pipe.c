/*
** The sqlite store's scan of whole responses on two threads: the same
** responses, in the same order, with the same values as one thread; a
** damaged block or a lost layout deep in the store reported after the
** same responses; a callback's error stopping the reader; one thread
** where a second connection could not read what the caller wrote.
*/
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../../plugins/storage-sqlite/block.h"
#include "mock_host.h"
#include "plugin_static.h"
#include "tap.h"
#include "sql_peek.h"

static const mj_storage_ops *S;

/* Enough responses for many blocks, and some blocks of one response. */
#define N_BULK (20 * BLK_ROWS + 77)
#define N_ALONE 40
#define N_ALL (N_BULK + N_ALONE)

static void *open_store(const char *path, unsigned threads)
{
  void *inst = NULL;
  mj_error err = {0};
  if (S->open(mock_host(), NULL, path, &inst, &err) != MJ_OK)
    bail("cannot open the store %s: %s", path, err.msg);
  S->threads(inst, threads);
  return inst;
}

/* Response i of questionnaire q, with every field varied: segments,
** waves, channels, versions, pilots, sources, numbers small and large,
** N/A and skipped answers, texts; three layouts, and a fourth only
** deep in the store. */
static int put(void *st, const char *q, int i)
{
  static const char *const segs[] = {"north", "south", "east", NULL, "west"};
  static const char *const srcs[] = {"a.csv", NULL, "b.csv"};
  char id[32], cust[32], text[48];
  snprintf(id, sizeof id, "%s-%06d", q, i);
  snprintf(cust, sizeof cust, "K%d", i % 997);
  snprintf(text, sizeof text, "comment %d, \"quoted\"", i);
  mj_answer_rec a[5] = {
      {"nps", MJ_ANSWER_VALUE, (double)(i % 11), NULL},
      {"s1", i % 13 == 0 ? MJ_ANSWER_NA : MJ_ANSWER_VALUE,
       i % 13 == 0 ? NAN : (double)(i % 5 + 1), NULL},
      {"amount", i % 17 == 0 ? MJ_ANSWER_SKIPPED : MJ_ANSWER_VALUE,
       i % 17 == 0 ? NAN : i * 1.25e3 + 0.1, NULL},
      {"why", MJ_ANSWER_VALUE, NAN, i % 3 ? text : ""},
      {"extra", MJ_ANSWER_VALUE, -0.0, NULL},
  };
  size_t n = i >= 12000 && i < 12003 ? 5 : i % 7 == 0 ? 2 : i % 5 == 0 ? 3 : 4;
  mj_response_rec r = {
      .id = id,
      .questionnaire = q,
      .version = 1 + i % 3,
      .customer = i % 11 ? cust : NULL,
      .segment = segs[i % 5],
      .wave = i % 2 ? "2026-10" : "2026-11",
      .submitted_at = 1790000000 + (int64_t)i * 61 - (i % 9 ? 0 : 99999),
      .source = srcs[i % 3],
      .answers = a,
      .n_answers = n,
      .pilot = i % 19 == 0,
      .channel = i % 4 ? "web" : NULL,
  };
  int ins = 0;
  mj_error err = {0};
  int rc = S->put_response(st, &r, &ins, &err);
  if (rc != MJ_OK || !ins)
    bail("cannot store %s: %s", id, err.msg);
  return rc;
}

/* What a scan handed over, as text, and how it went. */
typedef struct seen {
  char *text;
  size_t len, cap;
  int n;          /* responses */
  int stop_after; /* return MJ_ECONFLICT at that response (0: never) */
  int off_thread; /* responses handed over on another thread */
  int tasks;      /* the process's threads at the second response */
  /* Question strings as first seen, to check they stay put. */
  const char *qptr[16];
  char qcopy[16][16];
  int nq, moved;
} seen;

static pthread_t caller;
static int base_tasks; /* the process's threads before any scan */

static void add(seen *s, const char *fmt, ...)
{
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (s->len + (size_t)n + 1 > s->cap) {
    s->cap = s->cap ? 2 * s->cap : 1 << 20;
    if (!(s->text = realloc(s->text, s->cap)))
      bail("out of memory");
  }
  memcpy(s->text + s->len, line, (size_t)n + 1);
  s->len += (size_t)n;
}

/* The process's threads, from /proc (-1 when it cannot tell). */
static int count_tasks(void)
{
  DIR *d = opendir("/proc/self/task");
  if (!d)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

static const char *or_dash(const char *s)
{
  return s ? s : "-";
}

static int on_resp(void *ud, const mj_response_rec *r)
{
  seen *s = ud;
  if (!pthread_equal(pthread_self(), caller))
    s->off_thread++;
  if (++s->n == 2)
    s->tasks = count_tasks();
  add(s, "%s|%s|%d|%s|%s|%s|%lld|%s|%d|%s|%zu:", r->id, r->questionnaire,
      r->version, or_dash(r->customer), or_dash(r->segment), or_dash(r->wave),
      (long long)r->submitted_at, or_dash(r->source), r->pilot,
      or_dash(r->channel), r->n_answers);
  for (size_t i = 0; i < r->n_answers; i++) {
    const mj_answer_rec *a = &r->answers[i];
    int k = 0;
    while (k < s->nq && s->qptr[k] != a->question)
      k++;
    if (k == s->nq && k < 16) {
      s->qptr[k] = a->question;
      snprintf(s->qcopy[k], sizeof s->qcopy[k], "%s", a->question);
      s->nq++;
    }
    /* %a: the number's every bit. */
    add(s, " %s=%d/%a/%s", a->question, (int)a->state, a->num,
        or_dash(a->text));
  }
  add(s, "\n");
  for (int k = 0; k < s->nq; k++)
    s->moved += strcmp(s->qptr[k], s->qcopy[k]) != 0;
  return s->stop_after && s->n >= s->stop_after ? MJ_ECONFLICT : MJ_OK;
}

/* Scan q of the store at path, threads as told. */
static int scan(const char *path, unsigned threads, const char *q, seen *s,
                mj_error *err)
{
  void *st = open_store(path, threads);
  snprintf(err->msg, sizeof err->msg, "untouched");
  int rc = S->scan_responses(st, q, on_resp, s, err);
  S->close(st);
  return rc;
}

static void seen_free(seen *s)
{
  free(s->text);
  memset(s, 0, sizeof *s);
}

/*
** Both ways over path's q: the same responses and the same outcome. The
** reader is there at the second response when it has more batches to
** fill than the three handed over (long); a short scan's may be done.
*/
static void both_ways(const char *path, const char *q, int long_scan,
                      int stop_after, int want_rc, int want_n, const char *what)
{
  seen one = {.stop_after = stop_after}, two = {.stop_after = stop_after};
  mj_error e1, e2;
  int rc1 = scan(path, 1, q, &one, &e1);
  int rc2 = scan(path, 0, q, &two, &e2);
  ok(rc1 == want_rc && rc2 == want_rc && one.n == want_n && two.n == want_n,
     "%s: %d after %d responses (one thread: %d after %d)", what, rc2, two.n,
     rc1, one.n);
  ok(one.text && two.text && one.len == two.len &&
         memcmp(one.text, two.text, one.len) == 0,
     "%s: the same responses, fields and answers, bit for bit", what);
  is_string(e1.msg, e2.msg, "%s: the same message", what);
  ok(one.tasks == base_tasks && (long_scan ? two.tasks == base_tasks + 1
                                           : two.tasks - base_tasks <= 1),
     "%s: read on a second thread (%d threads; one thread: %d)", what,
     two.tasks, one.tasks);
  ok(!two.off_thread && !two.moved,
     "%s: every callback on the caller's thread, question strings kept", what);
  seen_free(&one);
  seen_free(&two);
}

int main(void)
{
  plan(41);
  caller = pthread_self();
  base_tasks = count_tasks();
  S = mock_ops(mj_plugin_sqlite_entry(), MJ_KIND_STORAGE);
  ok(S->ops_size >= offsetof(mj_storage_ops, threads) + sizeof S->threads &&
         S->threads,
     "the store can be told how many threads to use");
  char *dir = tap_tmpdir("sqlite_pipe");
  char path[512];
  snprintf(path, sizeof path, "%s/pipe.db", dir);

  /* Two questionnaires, their blocks in turn. */
  void *st = open_store(path, 0);
  mj_error err = {0};
  for (int part = 0; part < 4; part++) {
    int from = part * (N_BULK / 4), to = part == 3 ? N_BULK : from + N_BULK / 4;
    S->begin(st, &err);
    for (int i = from; i < to; i++)
      put(st, "q", i);
    for (int i = from; i < to; i++)
      if (i % 50 == 0)
        put(st, "other", i);
    is_int(MJ_OK, S->commit(st, &err), "part %d committed: %s", part, err.msg);
  }
  for (int i = N_BULK; i < N_ALL; i++)
    put(st, "q", i); /* each its own block */
  S->close(st);
  long long blocks = sql_int(path, "SELECT count(*) FROM response_blocks"
                                   " WHERE questionnaire = 'q'");
  ok(blocks > 20 + N_ALONE, "the responses are in %lld blocks", blocks);

  both_ways(path, "q", 1, 0, MJ_OK, N_ALL, "a whole scan");
  both_ways(path, "other", 0, 0, MJ_OK, (N_BULK + 49) / 50,
            "the other questionnaire");
  both_ways(path, "q", 1, 3000, MJ_ECONFLICT, 3000, "a callback's error");

  /* The reader is joined before the scan returns. */
  seen s = {.stop_after = 5};
  scan(path, 0, "q", &s, &err);
  ok(count_tasks() == base_tasks,
     "the reader is gone when a stopped scan returns");
  seen_free(&s);

  /* A block deep in the store cut short: reported at the same response
  ** both ways, after every one before it. */
  char cut[512], sql[600];
  snprintf(cut, sizeof cut, "%s/cut.db", dir);
  snprintf(sql, sizeof sql, "VACUUM INTO '%s'", cut);
  sql_exec(path, sql);
  sql_exec(cut, "UPDATE response_blocks SET data = substr(data, 1, 20000)"
                " WHERE seq = (SELECT seq FROM response_blocks WHERE"
                " questionnaire = 'q' ORDER BY seq LIMIT 1 OFFSET 15)");
  seen one = {0};
  int rc = scan(cut, 1, "q", &one, &err);
  ok(rc == MJ_ESTORE && strstr(err.msg, "is damaged (at response") &&
         one.n > 15 * BLK_ROWS / 2 && one.n < N_BULK,
     "a damaged block stops one thread's scan after %d responses: %s", one.n,
     err.msg);
  both_ways(cut, "q", 1, 0, MJ_ESTORE, one.n, "a damaged block");
  seen_free(&one);

  /* The dict of a block damaged: no response of it is handed over. */
  sql_exec(cut, "UPDATE response_blocks SET dict = x'05' WHERE seq = (SELECT"
                " seq FROM response_blocks WHERE questionnaire = 'q' ORDER"
                " BY seq LIMIT 1 OFFSET 9)");
  one = (seen){0};
  scan(cut, 1, "q", &one, &err);
  both_ways(cut, "q", 1, 0, MJ_ESTORE, one.n, "a damaged dict");
  seen_free(&one);

  /* A layout row lost: its responses cannot be read. */
  char lost[512];
  snprintf(lost, sizeof lost, "%s/lost.db", dir);
  snprintf(sql, sizeof sql, "VACUUM INTO '%s'", lost);
  sql_exec(path, sql);
  sql_exec(lost, "DELETE FROM layouts WHERE questions LIKE '%extra'");
  one = (seen){0};
  scan(lost, 1, "q", &one, &err);
  ok(strstr(err.msg, "but no such layout") != NULL, "a lost layout: %s",
     err.msg);
  both_ways(lost, "q", 1, 0, MJ_ESTORE, one.n, "a lost layout");
  seen_free(&one);

  /* Inside a transaction, and in memory, the caller's connection reads
  ** alone: another would not see what it wrote. */
  st = open_store(path, 0);
  S->begin(st, &err);
  for (int i = N_ALL; i < N_ALL + 5 * BLK_ROWS; i++)
    put(st, "q", i);
  s = (seen){0};
  rc = S->scan_responses(st, "q", on_resp, &s, &err);
  ok(rc == MJ_OK && s.n == N_ALL + 5 * BLK_ROWS && s.tasks == base_tasks,
     "a scan in a transaction reads its writes on one thread (%d, %d)", s.n,
     s.tasks);
  S->rollback(st, &err);
  S->close(st);
  seen_free(&s);
  st = open_store(":memory:", 0);
  S->begin(st, &err);
  for (int i = 0; i < 5 * BLK_ROWS; i++)
    put(st, "q", i);
  S->commit(st, &err);
  s = (seen){0};
  rc = S->scan_responses(st, "q", on_resp, &s, &err);
  ok(rc == MJ_OK && s.n == 5 * BLK_ROWS && s.tasks == base_tasks,
     "a memory store is read on one thread (%d, %d)", s.n, s.tasks);
  S->close(st);
  seen_free(&s);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
