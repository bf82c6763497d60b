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

struct mj_id_repeat {
  uint64_t row, first;
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
  uint64_t x = h ^ (row * 0x9e3779b97f4a7c15u);
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9u;
  return x ^ (x >> 29);
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
  idkey *v;
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
      c->v[c->n++] = c->prev;
    c->v[c->n++] = k;
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

typedef struct pick {
  mj_ids *ids;
  uint64_t *row; /* the candidates' rows, increasing */
  char **id;     /* each one's id, once read */
  size_t n, at;
} pick;

static int pick_each(void *ctx, uint64_t row, const char *id, size_t len,
                     mj_error *err)
{
  pick *p = ctx;
  while (p->at < p->n && p->row[p->at] < row)
    p->at++; /* not met: the file changed; found when the ids are compared */
  if (p->at < p->n && p->row[p->at] == row) {
    if (!(p->id[p->at] = malloc(len + 1)))
      return mj__error(err, MJ_ENOMEM, "out of memory");
    memcpy(p->id[p->at], id, len + 1);
    p->at++;
  }
  return p->at == p->n ? MJ__IDS_STOP : MJ_OK;
}

static int by_row(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int repeat_by_row(const void *a, const void *b)
{
  return by_row(&((const struct mj_id_repeat *)a)->row,
                &((const struct mj_id_repeat *)b)->row);
}

static const char *id_of(const pick *p, uint64_t row)
{
  const uint64_t *at = bsearch(&row, p->row, p->n, sizeof row, by_row);
  return at ? p->id[at - p->row] : NULL;
}

/*
** Each candidate that has the id of one before it in its group (same hash)
** repeats the first such row. The ids read must have the hashes the whole
** reading saw, else the file changed between readings: MJ_ECONFLICT.
*/
static int compare_ids(mj_ids *s, const candidates *c, const pick *p)
{
  size_t cap = 0;
  int rc = MJ_OK;
  size_t *firsts = NULL, n_firsts = 0, cap_firsts = 0;
  for (size_t g = 0; rc == MJ_OK && g < c->n;) {
    size_t end = g + 1;
    while (end < c->n && c->v[end].h == c->v[g].h)
      end++;
    n_firsts = 0;
    for (size_t i = g; rc == MJ_OK && i < end; i++) {
      const char *id = id_of(p, c->v[i].row);
      if (!id || s->hash(id, strlen(id)) != c->v[i].h) {
        rc = MJ_ECONFLICT;
        break;
      }
      size_t f = 0;
      while (f < n_firsts && strcmp(id_of(p, c->v[firsts[f]].row), id) != 0)
        f++;
      if (f < n_firsts) {
        if (grow(&s->rep, &cap, s->n_rep + 1, sizeof *s->rep) != MJ_OK)
          rc = MJ_ENOMEM;
        else
          s->rep[s->n_rep++] =
              (struct mj_id_repeat){c->v[i].row, c->v[firsts[f]].row};
      } else if (grow(&firsts, &cap_firsts, n_firsts + 1,
                      sizeof *firsts) != MJ_OK)
        rc = MJ_ENOMEM;
      else
        firsts[n_firsts++] = i;
    }
    g = end;
  }
  free(firsts);
  if (rc == MJ_OK && s->n_rep)
    qsort(s->rep, s->n_rep, sizeof *s->rep, repeat_by_row);
  return rc;
}

static int find_repeats(mj_ids *s, const candidates *c, mj_ids_reader read,
                        void *ud, mj_error *err)
{
  pick p = {.ids = s, .n = c->n};
  p.row = malloc(c->n * sizeof *p.row);
  p.id = calloc(c->n, sizeof *p.id);
  int rc = p.row && p.id ? MJ_OK : MJ_ENOMEM;
  if (rc == MJ_OK) {
    for (size_t i = 0; i < c->n; i++)
      p.row[i] = c->v[i].row;
    qsort(p.row, p.n, sizeof *p.row, by_row);
    rc = read(ud, pick_each, &p, err);
    if (rc == MJ_OK)
      rc = compare_ids(s, c, &p);
  }
  for (size_t i = 0; p.id && i < p.n; i++)
    free(p.id[i]);
  free(p.id);
  free(p.row);
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
    if (rc == MJ_ENOMEM)
      rc = mj__error(err, rc, "out of memory");
    else if (rc == MJ_ECONFLICT)
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
  while (s->at < s->n_rep && s->rep[s->at].row < row)
    s->at++;
  if (s->at < s->n_rep && s->rep[s->at].row == row)
    *first = s->rep[s->at].first;
  return MJ_OK;
}

int mj__ids_same(const mj_ids *s)
{
  return !s->known ||
         (s->seen_sum == s->want_sum && s->seen_rows == s->want_rows);
}
