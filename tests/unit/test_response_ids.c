/*
** Response ids checked for repeats (response_ids.c): ids in increasing
** order read the file once; shuffled ids, in runs that go to a temporary
** file, find every repeat and the row each was first used on, as sorting
** the ids themselves does; a hash where every id collides gives the same;
** a file that changes between readings is caught.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "tap.h"

/* A file as the reader sees it: ids[i] on row i + 2 (after the header). */
typedef struct file {
  char **ids;
  size_t n;
  int reads;
  /* In the readings whose bits are set (1: the first through the reader),
  ** row change_row has the id change_to (NULL: the file ends before it). */
  unsigned change_on;
  uint64_t change_row;
  const char *change_to;
} file;

static int read_file(void *ud, mj_ids_each each, void *ctx, mj_error *err)
{
  file *f = ud;
  f->reads++;
  for (size_t i = 0; i < f->n; i++) {
    uint64_t row = i + 2;
    const char *id = f->ids[i];
    if ((f->change_on >> (f->reads - 1) & 1) && row == f->change_row) {
      if (!f->change_to)
        return MJ_OK;
      id = f->change_to;
    }
    int rc = each(ctx, row, id, strlen(id), err);
    if (rc == MJ__IDS_STOP)
      return MJ_OK;
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

/* What sorting the ids says: the row each row's id was first used on, 0
** for a first use. */
typedef struct entry {
  const char *id;
  size_t i;
} entry;

static int by_id(const void *a, const void *b)
{
  const entry *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : (x->i > y->i) - (x->i < y->i);
}

static uint64_t *reference(const file *f)
{
  entry *e = malloc(f->n * sizeof *e);
  uint64_t *first = calloc(f->n, sizeof *first);
  if (!e || !first)
    bail("out of memory");
  for (size_t i = 0; i < f->n; i++)
    e[i] = (entry){f->ids[i], i};
  qsort(e, f->n, sizeof *e, by_id);
  for (size_t i = 1; i < f->n; i++) {
    size_t g = i;
    while (g > 0 && strcmp(e[g - 1].id, e[i].id) == 0)
      g--;
    if (g != i)
      first[e[i].i] = e[g].i + 2;
  }
  free(e);
  return first;
}

/* The main reading over f: 1 when every row's answer is the reference's;
** *rc the first error, *same mj__ids_same at the end. */
static int check(file *f, size_t run_keys,
                 uint64_t (*hash)(const char *, size_t), int *rc, int *same,
                 size_t *repeats, mj_error *err)
{
  uint64_t *want = reference(f);
  mj_ids s;
  mj__ids_init(&s, run_keys, hash);
  int agree = 1;
  *rc = MJ_OK;
  *repeats = 0;
  for (size_t i = 0; i < f->n && *rc == MJ_OK; i++) {
    uint64_t first = 99;
    *rc = mj__ids_add(&s, f->ids[i], strlen(f->ids[i]), i + 2, &first,
                      read_file, f, err);
    if (*rc == MJ_OK && first != want[i]) {
      if (agree)
        diag("row %zu ('%s'): first %llu, expected %llu", i + 2, f->ids[i],
             (unsigned long long)first, (unsigned long long)want[i]);
      agree = 0;
    }
    *repeats += first != 0;
  }
  *same = mj__ids_same(&s);
  mj__ids_free(&s);
  free(want);
  return agree;
}

/* n ids R1..Rn: increasing, then from row `from` on shuffled with every
** seventh one a repeat of an id from anywhere (before the break too), some
** of them repeated again. */
static file make(size_t n, size_t from, unsigned seed)
{
  file f = {.n = n};
  f.ids = malloc(n * sizeof *f.ids);
  if (!f.ids)
    bail("out of memory");
  srand(seed);
  char buf[32];
  for (size_t i = 0; i < n; i++) {
    snprintf(buf, sizeof buf, "R%zu", i + 1);
    f.ids[i] = strdup(buf);
  }
  for (size_t i = n - 1; i > from; i--) { /* Fisher-Yates on the tail */
    size_t j = from + (size_t)rand() % (i - from + 1);
    char *t = f.ids[i];
    f.ids[i] = f.ids[j];
    f.ids[j] = t;
  }
  for (size_t i = from; i < n; i += 7) {
    char *id = strdup(f.ids[(size_t)rand() % n]);
    free(f.ids[i]);
    f.ids[i] = id;
  }
  return f;
}

static void file_free(file *f)
{
  for (size_t i = 0; i < f->n; i++)
    free(f->ids[i]);
  free(f->ids);
}

/* Every id of one length collides: the ids themselves must decide. */
static uint64_t by_length(const char *s, size_t n)
{
  (void)s;
  return n;
}

int main(void)
{
  plan(20);
  mj_error err = {0};
  int rc, same;
  size_t reps;

  file f = make(5000, 5000, 1); /* increasing throughout */
  ok(check(&f, 64, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && same,
     "increasing ids: none repeats");
  is_int(0, f.reads, "and the file is read once, by the main reading only");
  file_free(&f);

  f = make(40000, 1000, 2);
  ok(check(&f, 256, NULL, &rc, &same, &reps, &err),
     "shuffled after row 1000, 157 runs merged: every row's first use is the "
     "one sorting the ids gives");
  ok(rc == MJ_OK && same, "no error, and the readings agree");
  ok(reps > 5000, "with the repeats found (%zu)", reps);
  is_int(2, f.reads, "read again whole, then up to the last repeat");
  file_free(&f);

  f = make(40000, 1000, 3);
  ok(check(&f, 0, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && same,
     "the same in one run, in memory");
  file_free(&f);

  f = make(3000, 2, 4);
  ok(check(&f, 100, by_length, &rc, &same, &reps, &err) && rc == MJ_OK &&
         same,
     "a hash where every id of a length collides: the ids decide");
  file_free(&f);

  f = make(3000, 1, 5);
  ok(check(&f, 100, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && same,
     "out of order from the second row (reversed or shuffled whole)");
  file_free(&f);

  /* No temporary file can be made: the runs stay in memory. */
  const char *tmpdir = getenv("TMPDIR");
  char *saved = tmpdir ? strdup(tmpdir) : NULL;
  setenv("TMPDIR", "/nonexistent/mejora-test", 1);
  f = make(20000, 10, 6);
  ok(check(&f, 128, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && same,
     "without a temporary file the runs are merged from memory");
  file_free(&f);
  if (saved)
    setenv("TMPDIR", saved, 1);
  else
    unsetenv("TMPDIR");
  free(saved);

  /* The file changes after the whole reading: a row's id. */
  f = make(20000, 100, 7);
  f.change_on = 1;
  f.change_row = 15000;
  f.change_to = "changed";
  check(&f, 512, NULL, &rc, &same, &reps, &err);
  ok(rc == MJ_OK && !same,
     "an id changed after the whole reading: the readings disagree");
  file_free(&f);

  /* ... or the file is cut short. */
  f = make(20000, 100, 8);
  {
    mj_ids s;
    mj__ids_init(&s, 512, NULL);
    rc = MJ_OK;
    for (size_t i = 0; i < 18997 && rc == MJ_OK; i++) { /* rows 2..18998 */
      uint64_t first;
      rc = mj__ids_add(&s, f.ids[i], strlen(f.ids[i]), i + 2, &first,
                       read_file, &f, &err);
    }
    ok(rc == MJ_OK && !mj__ids_same(&s),
       "a file cut short after the whole reading: the readings disagree");
    mj__ids_free(&s);
  }
  file_free(&f);

  /* A repeated row's id changed between the whole reading and the one for
  ** the ids that may repeat. */
  f = make(20000, 100, 9);
  {
    uint64_t *want = reference(&f);
    size_t r = 0;
    while (r < f.n && !want[r])
      r++;
    f.change_on = 2;
    f.change_row = r + 2;
    f.change_to = "changed";
    free(want);
  }
  memset(&err, 0, sizeof err);
  check(&f, 512, NULL, &rc, &same, &reps, &err);
  is_int(MJ_EIO, rc, "a repeat's id changed between the readings: an error");
  contains(err.msg, "changed while it was read", "saying the file changed");
  file_free(&f);

  /* An id that sorts like the greatest but is longer, and equal lengths:
  ** R9 then R10 increase, R10 then R9 do not. */
  char *inc[] = {"R8", "R9", "R10", "R11", "R100"};
  f = (file){.ids = inc, .n = 5};
  ok(check(&f, 0, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && !reps,
     "R8 R9 R10 R11 R100 increase as numbers do");
  is_int(0, f.reads, "and need no second reading");
  char *dec[] = {"R10", "R9", "R10", "R9", "R10"};
  f = (file){.ids = dec, .n = 5};
  ok(check(&f, 0, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && same,
     "R10 R9 R10 R9 R10: the repeats name rows 2 and 3");
  is_int(3, (long long)reps, "three of them");
  f = (file){.n = 5001};
  f.ids = malloc(f.n * sizeof *f.ids);
  f.ids[0] = strdup("R2");
  for (size_t i = 1; i < f.n; i++)
    f.ids[i] = strdup("R1");
  ok(check(&f, 64, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && same &&
         reps == 4999,
     "R2, then R1 5000 times: each R1 after the first repeats row 3 (%zu)",
     reps);
  file_free(&f);
  char *one[] = {"B", "A"};
  f = (file){.ids = one, .n = 2};
  ok(check(&f, 0, NULL, &rc, &same, &reps, &err) && rc == MJ_OK && !reps &&
         f.reads == 1,
     "out of order but no repeat: one more reading, none for the repeats");
  return tap_done();
}
