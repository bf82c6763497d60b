/*
** The response ids of one file, checked for repeats without keeping them.
**
** Most files list their ids in increasing order (exports number them,
** R00000001, R00000002, ...). Ids are compared as numbers are, the
** shorter first and then byte by byte, so that R9 comes before R10. While
** every id is greater than the greatest before it, none can be a repeat:
** the greatest is all that is kept, and ten million rows cost what ten do.
**
** The first id that is not greater may repeat any id, before it or after.
** Then the file is read again, whole, for its ids alone: each becomes 16
** bytes (its hash and its row), sorted in runs of a few MB that go to a
** temporary file (spill.c) and are merged. Equal hashes are next to each
** other in the merge, so the rows that may repeat come out of it, and
** only those: a third reading, up to the last of them, fetches their ids,
** and comparing the ids themselves says which rows repeat which. From
** then on the import asks a list of those rows, in the order it meets
** them. Memory follows the repeats, not the rows: a shuffled file of ten
** million ids costs its temporary file, where a table of every id cost
** 23 bytes a row.
**
** The main reading checks that it met the rows the other readings did (a
** sum over their hashes and rows): a file changed between readings is an
** error, not a wrong answer.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/* Keys sorted in memory before they go to the file as a run. */
enum { RUN_KEYS = 1 << 17 };
/* Keys a spilled piece holds: under MJ__SPILL_PIECE bytes, as it asks. */
enum { PIECE_KEYS = MJ__SPILL_PIECE / 16 / 2 };

typedef struct idkey {
  uint64_t h, row;
} idkey;

/*
** A row that may repeat, in three forms in turn, in one array: its key out
** of the merge, then the row with its group (the keys of one hash), then,
** written over rows already read, a row that repeats and the row it
** repeats. Only the form last written is read.
*/
union mj_id_slot {
  idkey key;
  struct {
    uint64_t row, group;
  } want;
  struct {
    uint64_t row, first;
  } rep;
};

static uint64_t fnv(const char *s, size_t n)
{
  return mj__hash_bytes(MJ__HASH_START, s, n);
}

void mj__ids_init(mj_ids *s, size_t run_keys, uint64_t (*hash)(const char *,
                                                                 size_t))
{
  memset(s, 0, sizeof *s);
  s->run_keys = run_keys ? run_keys : RUN_KEYS;
  s->hash = hash ? hash : fnv;
}

void mj__ids_free(mj_ids *s)
{
  free(s->max);
  free(s->rep);
  memset(s, 0, sizeof *s);
}

/* What the main reading and the whole reading both add up, row by row:
** which rows had ids, and their hashes. */
static uint64_t tally(uint64_t h, uint64_t row)
{
  uint64_t x = h ^ row;
  return mj__splitmix64(&x);
}

/* ---- the whole reading: keys in sorted runs ------------------------------ */

typedef struct run {
  size_t piece; /* its first piece in scan.place */
  size_t n;     /* its keys */
} run;

typedef struct scan {
  mj_ids *ids;
  idkey *key, *tmp; /* the run being filled, and room to sort it */
  size_t n;
  mj_spill spill;
  uint64_t *place; /* of each spilled piece, in order */
  size_t n_place, cap_place;
  run *runs;
  size_t n_runs, cap_runs;
} scan;

/* What a failure of the runs' file says. */
static int spill_error(mj_error *err, int rc)
{
  return mj__error(err, rc,
                   rc == MJ_ENOMEM ? "out of memory"
                   : rc == MJ_ELIMIT
                       ? "too many response ids to compare (16 GiB of them)"
                       : "the response ids' temporary file could not be "
                         "written or read back (TMPDIR, else /tmp)");
}

/* Sorted by hash, stably: equal hashes keep their rows in order. Eight
** passes of a byte; a pass where every key has the same byte is skipped. */
static void sort_keys(idkey *k, idkey *tmp, size_t n)
{
  idkey *from = k, *to = tmp;
  for (int shift = 0; shift < 64; shift += 8) {
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++)
      count[(from[i].h >> shift) & 0xff]++;
    if (count[(from[0].h >> shift) & 0xff] == n)
      continue;
    size_t at = 0;
    for (int b = 0; b < 256; b++) {
      size_t c = count[b];
      count[b] = at;
      at += c;
    }
    for (size_t i = 0; i < n; i++)
      to[count[(from[i].h >> shift) & 0xff]++] = from[i];
    idkey *t = from;
    from = to;
    to = t;
  }
  if (from != k)
    memcpy(k, from, n * sizeof *k);
}

/* Room for need items of size in the array *pv points to (any pointer
** type: copied in and out, not aliased), of *cap items now. */
static int grow(void *pv, size_t *cap, size_t need, size_t size)
{
  if (need <= *cap)
    return MJ_OK;
  size_t c = *cap ? *cap * 2 : 64;
  while (c < need)
    c *= 2;
  void *v;
  memcpy(&v, pv, sizeof v);
  void *p = realloc(v, c * size);
  if (!p)
    return MJ_ENOMEM;
  memcpy(pv, &p, sizeof p);
  *cap = c;
  return MJ_OK;
}

/* The run in sc->key, sorted, to the temporary file. */
static int spill_run(scan *sc)
{
  if (!sc->n)
    return MJ_OK;
  sort_keys(sc->key, sc->tmp, sc->n);
  size_t pieces = (sc->n + PIECE_KEYS - 1) / PIECE_KEYS;
  if (grow(&sc->runs, &sc->cap_runs, sc->n_runs + 1,
           sizeof *sc->runs) != MJ_OK ||
      grow(&sc->place, &sc->cap_place, sc->n_place + pieces,
           sizeof *sc->place) != MJ_OK)
    return MJ_ENOMEM;
  sc->runs[sc->n_runs++] = (run){sc->n_place, sc->n};
  for (size_t i = 0; i < sc->n; i += PIECE_KEYS) {
    size_t k = sc->n - i < PIECE_KEYS ? sc->n - i : PIECE_KEYS;
    int rc = mj__spill_put(&sc->spill, sc->key + i, k * sizeof *sc->key,
                           &sc->place[sc->n_place++]);
    if (rc != MJ_OK)
      return rc;
  }
  sc->n = 0;
  return MJ_OK;
}

static int scan_each(void *ctx, uint64_t row, const char *id, size_t len,
                     mj_error *err)
{
  scan *sc = ctx;
  mj_ids *s = sc->ids;
  uint64_t h = s->hash(id, len);
  if (row >= s->from) {
    s->want_sum += tally(h, row);
    s->want_rows++;
  }
  int rc = sc->n == s->run_keys ? spill_run(sc) : MJ_OK;
  if (rc != MJ_OK)
    return spill_error(err, rc);
  sc->key[sc->n++] = (idkey){h, row};
  return MJ_OK;
}

/* ---- the merge: keys with a hash met twice ------------------------------- */

typedef struct cursor {
  const scan *sc;
  const run *r;
  size_t done;            /* keys of the run taken */
  const idkey *at, *end;  /* the rest of the piece in hand */
  mj_spill_window window; /* the piece's bytes, when read from the file */
  idkey buf[PIECE_KEYS];  /* aligned copy of them */
} cursor;

/* The next key of c's run into c->at; 0 at its end, -1 on a read error. */
static int cursor_next(cursor *c)
{
  if (c->at < c->end)
    return 1;
  if (c->done == c->r->n)
    return 0;
  size_t k = c->r->n - c->done < PIECE_KEYS ? c->r->n - c->done : PIECE_KEYS;
  const char *p = mj__spill_get(&c->sc->spill,
                                c->sc->place[c->r->piece + c->done / PIECE_KEYS],
                                &c->window);
  if (!p)
    return -1;
  memcpy(c->buf, p, k * sizeof *c->buf);
  c->done += k;
  c->at = c->buf;
  c->end = c->buf + k;
  return 1;
}

/* Heap order: by hash, then by run, which is row order. */
static int before(cursor *const *heap, size_t a, size_t b)
{
  const idkey *x = heap[a]->at, *y = heap[b]->at;
  return x->h != y->h ? x->h < y->h : heap[a]->r < heap[b]->r;
}

static void sift_down(cursor **heap, size_t n, size_t i)
{
  for (;;) {
    size_t m = i, l = 2 * i + 1, r = l + 1;
    if (l < n && before(heap, l, m))
      m = l;
    if (r < n && before(heap, r, m))
      m = r;
    if (m == i)
      return;
    cursor *t = heap[i];
    heap[i] = heap[m];
    heap[m] = t;
    i = m;
  }
}

/* Keys whose hash another key has too, in hash then row order. */
typedef struct candidates {
  union mj_id_slot *v;
  size_t n, cap;
  idkey prev;
  int has_prev, prev_in;
} candidates;

static int offer(candidates *c, idkey k)
{
  int same = c->has_prev && c->prev.h == k.h;
  if (same) {
    if (grow(&c->v, &c->cap, c->n + 2, sizeof *c->v) != MJ_OK)
      return MJ_ENOMEM;
    if (!c->prev_in)
      c->v[c->n++].key = c->prev;
    c->v[c->n++].key = k;
  }
  c->prev_in = same;
  c->prev = k;
  c->has_prev = 1;
  return MJ_OK;
}

static int merge_runs(scan *sc, candidates *out)
{
  if (sc->n_runs == 0) { /* all in memory: one run, sorted in place */
    sort_keys(sc->key, sc->tmp, sc->n);
    for (size_t i = 0; i < sc->n; i++)
      if (offer(out, sc->key[i]) != MJ_OK)
        return MJ_ENOMEM;
    return MJ_OK;
  }
  int rc = spill_run(sc);
  if (rc == MJ_OK)
    rc = mj__spill_flush(&sc->spill);
  if (rc != MJ_OK)
    return rc;
  free(sc->key); /* the cursors' room instead */
  free(sc->tmp);
  sc->key = sc->tmp = NULL;
  cursor *c = calloc(sc->n_runs, sizeof *c);
  cursor **heap = malloc(sc->n_runs * sizeof *heap);
  size_t n = 0;
  if (!c || !heap)
    rc = MJ_ENOMEM;
  for (size_t i = 0; rc == MJ_OK && i < sc->n_runs; i++) {
    c[i].sc = sc;
    c[i].r = &sc->runs[i];
    int got = cursor_next(&c[i]);
    if (got < 0)
      rc = MJ_EIO;
    else if (got)
      heap[n++] = &c[i];
  }
  for (size_t i = n / 2; rc == MJ_OK && i-- > 0;)
    sift_down(heap, n, i);
  while (rc == MJ_OK && n) {
    cursor *top = heap[0];
    rc = offer(out, *top->at++);
    int got = rc == MJ_OK ? cursor_next(top) : 1;
    if (got < 0)
      rc = MJ_EIO;
    else if (!got)
      heap[0] = heap[--n];
    sift_down(heap, n, 0);
  }
  free(heap);
  free(c);
  return rc;
}

/* ---- the rows that may repeat: their ids, compared ----------------------- */

/* A distinct id of a group, in the order first met. */
typedef struct distinct {
  char *id;
  uint64_t row;
  size_t next; /* the group's next distinct id, or SIZE_MAX */
} distinct;

typedef struct pick {
  mj_ids *ids;
  union mj_id_slot *v; /* by row; the repeats written over the first */
  size_t n, at, n_rep;
  uint64_t *group_h;  /* each group's hash */
  size_t *group_head; /* its first distinct id, or SIZE_MAX */
  size_t *group_tail;
  distinct *d;
  size_t n_d, cap_d;
  int changed; /* a row the whole reading had is gone or other */
} pick;

/* Rows come in order, and a group's rows too: each is compared with the
** distinct ids of its group met before it, and either repeats one or is
** one more. Only the distinct ids are kept, so a file of one id a
** million times keeps one. */
static int pick_each(void *ctx, uint64_t row, const char *id, size_t len,
                     mj_error *err)
{
  pick *p = ctx;
  if (p->at == p->n)
    return MJ__IDS_STOP;
  if (p->v[p->at].want.row < row) {
    p->changed = 1;
    return MJ__IDS_STOP;
  }
  if (p->v[p->at].want.row != row)
    return MJ_OK;
  size_t g = (size_t)p->v[p->at++].want.group;
  if (p->ids->hash(id, len) != p->group_h[g]) {
    p->changed = 1;
    return MJ__IDS_STOP;
  }
  size_t k = p->group_head[g];
  while (k != SIZE_MAX && strcmp(p->d[k].id, id) != 0)
    k = p->d[k].next;
  if (k != SIZE_MAX) { /* n_rep < at: that row has been read */
    p->v[p->n_rep].rep.row = row;
    p->v[p->n_rep++].rep.first = p->d[k].row;
  } else {
    char *copy = malloc(len + 1);
    if (!copy || grow(&p->d, &p->cap_d, p->n_d + 1, sizeof *p->d) != MJ_OK) {
      free(copy);
      return mj__error(err, MJ_ENOMEM, "out of memory");
    }
    memcpy(copy, id, len + 1);
    p->d[p->n_d] = (distinct){copy, row, SIZE_MAX};
    if (p->group_head[g] == SIZE_MAX)
      p->group_head[g] = p->n_d;
    else
      p->d[p->group_tail[g]].next = p->n_d;
    p->group_tail[g] = p->n_d++;
  }
  return p->at == p->n ? MJ__IDS_STOP : MJ_OK;
}

static int by_row(const void *a, const void *b)
{
  uint64_t x = ((const union mj_id_slot *)a)->want.row;
  uint64_t y = ((const union mj_id_slot *)b)->want.row;
  return (x > y) - (x < y);
}

/* The candidates' ids read (a third reading, up to the last of them) and
** compared: c's array becomes s->rep, in row order. MJ_ECONFLICT when the
** file changed. */
static int find_repeats(mj_ids *s, candidates *c, mj_ids_reader read,
                        void *ud, mj_error *err)
{
  size_t groups = 0;
  for (size_t i = 0; i < c->n; i++)
    groups += i == 0 || c->v[i].key.h != c->v[i - 1].key.h;
  pick p = {.ids = s, .v = c->v, .n = c->n};
  p.group_h = malloc(groups * sizeof *p.group_h);
  p.group_head = malloc(groups * sizeof *p.group_head);
  p.group_tail = malloc(groups * sizeof *p.group_tail);
  int rc = p.group_h && p.group_head && p.group_tail ? MJ_OK : MJ_ENOMEM;
  if (rc == MJ_OK) {
    size_t g = 0;
    for (size_t i = 0; i < c->n; i++) {
      idkey k = c->v[i].key;
      if (i && k.h != p.group_h[g])
        g++;
      p.group_h[g] = k.h;
      p.group_head[g] = SIZE_MAX;
      c->v[i].want.row = k.row;
      c->v[i].want.group = g;
    }
    qsort(c->v, c->n, sizeof *c->v, by_row);
    rc = read(ud, pick_each, &p, err);
    if (rc == MJ_OK && (p.changed || p.at < p.n))
      rc = MJ_ECONFLICT;
  } else
    rc = mj__error(err, rc, "out of memory");
  if (rc == MJ_OK) {
    s->rep = c->v;
    s->n_rep = p.n_rep;
    c->v = NULL;
    c->n = c->cap = 0;
    /* The rows that were no repeat leave. */
    union mj_id_slot *v =
        s->n_rep ? realloc(s->rep, s->n_rep * sizeof *v) : NULL;
    if (v || !s->n_rep) {
      if (!s->n_rep)
        free(s->rep);
      s->rep = v;
    }
  }
  for (size_t i = 0; i < p.n_d; i++)
    free(p.d[i].id);
  free(p.d);
  free(p.group_h);
  free(p.group_head);
  free(p.group_tail);
  return rc;
}

/* The file read again for its ids, which gives the rows that repeat one
** before them; from row on, the main reading asks s->rep. */
static int read_whole(mj_ids *s, uint64_t row, mj_ids_reader read, void *ud,
                      mj_error *err)
{
  s->from = row;
  s->known = 1;
  scan sc = {.ids = s};
  mj__spill_init(&sc.spill, 0);
  candidates c = {0};
  sc.key = malloc(s->run_keys * sizeof *sc.key);
  sc.tmp = malloc(s->run_keys * sizeof *sc.tmp);
  int rc = sc.key && sc.tmp ? MJ_OK : MJ_ENOMEM;
  if (rc == MJ_OK)
    rc = read(ud, scan_each, &sc, err);
  else
    rc = mj__error(err, rc, "out of memory");
  if (rc == MJ_OK && (rc = merge_runs(&sc, &c)) != MJ_OK)
    rc = spill_error(err, rc);
  free(sc.key);
  free(sc.tmp);
  free(sc.place);
  free(sc.runs);
  mj__spill_free(&sc.spill);
  if (rc == MJ_OK && c.n) {
    rc = find_repeats(s, &c, read, ud, err);
    if (rc == MJ_ECONFLICT)
      rc = mj__error(err, MJ_EIO,
                     "the file changed while it was read: its response ids "
                     "differ between readings");
  }
  free(c.v);
  return rc;
}

/* ---- the main reading ---------------------------------------------------- */

/* Whether id[0..len) comes after the greatest id so far (then it becomes
** the greatest): shorter ids first, then by bytes. */
static int greater(mj_ids *s, const char *id, size_t len, int *oom)
{
  if (s->n && (len < s->max_len ||
               (len == s->max_len && memcmp(id, s->max, len) <= 0)))
    return 0;
  if (len + 1 > s->max_cap) {
    size_t cap = len + 1 > 64 ? len + 1 : 64;
    char *v = realloc(s->max, cap);
    *oom = !v;
    if (!v)
      return 0;
    s->max = v;
    s->max_cap = cap;
  }
  memcpy(s->max, id, len);
  s->max_len = len;
  s->n++;
  return 1;
}

int mj__ids_add(mj_ids *s, const char *id, size_t len, uint64_t row,
                uint64_t *first, mj_ids_reader read, void *ud, mj_error *err)
{
  *first = 0;
  if (!s->known) {
    int oom = 0;
    if (greater(s, id, len, &oom))
      return MJ_OK;
    if (oom)
      return mj__error(err, MJ_ENOMEM, "out of memory");
    int rc = read_whole(s, row, read, ud, err);
    if (rc != MJ_OK)
      return rc;
  }
  s->seen_sum += tally(s->hash(id, len), row);
  s->seen_rows++;
  while (s->at < s->n_rep && s->rep[s->at].rep.row < row)
    s->at++;
  if (s->at < s->n_rep && s->rep[s->at].rep.row == row)
    *first = s->rep[s->at].rep.first;
  return MJ_OK;
}

int mj__ids_same(const mj_ids *s)
{
  return !s->known ||
         (s->seen_sum == s->want_sum && s->seen_rows == s->want_rows);
}
