/*
** One improvement cycle: measure -> analyse -> improve -> notify.
**
** The cycle record is opened first and closed last, so a cycle that stops
** half way is visible as "running" or "failed", never mistaken for a
** finished one. Each phase writes in its own transaction.
*/
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"
#include "invariant.h"

/*
** The valid answers of one question (or requirement) in one segment.
** Scale, NPS and yes/no answers are small integers: while every value is
** one of lo..lo+span-1 they are only counted (a million answers in 88
** bytes, not 8 MB) and expanded into values when scored; the first other
** value turns the counts into values for good. While scanning, a counting
** bucket tallies only count[]: count[span] is the answers left out, and
** n and excluded are brought up to date by bucket_settle, so that an
** answer costs one increment and no guess at which way it goes.
*/
typedef struct bucket {
  const char *segment;   /* "all" or a segment id (arena) */
  double *v;             /* the values, when not counted */
  size_t n, cap;         /* n counts the values either way (settled) */
  uint64_t *count;       /* span + 1 counts (see above), or NULL */
  int lo, span;
  uint64_t excluded;
} bucket;

/* Buckets per segment for one subject (a question or a requirement). */
typedef struct subj {
  const mj_questionnaire *qn; /* NULL for a requirement */
  const mj_question *q;       /* question, or a representative one */
  const mj_requirement *req;  /* set for requirement pools */
  bucket *b;
  size_t nb;
  /* The cycle's segment slot -> 1 + index into b (0: no bucket yet), so a
  ** response finds its buckets without comparing names. */
  size_t *local;
  size_t n_local;
  /* Slot -> its bucket's counts while it counts, else NULL (parallel to
  ** local), with the scale every bucket of the subject shares: an answer
  ** then costs an increment per bucket (subject_count). */
  uint64_t **cnt;
  int lo, span;
} subj;

/* The distinct segments met while scanning, numbered from 0 ("all"). */
typedef struct segtab {
  const char **name; /* arena */
  uint64_t *hash;
  size_t n, cap;
  size_t *slot; /* open addressing: 1 + index into name, 0 empty */
  size_t mask;
} segtab;

/* Responses of one stored wave that belong to another cycle. */
typedef struct wave_count {
  const char *wave; /* arena */
  uint64_t n;
} wave_count;

typedef struct cycle_run {
  mj_engine *e;
  int64_t id;
  const mj_cycle_decl *decl;
  mj_arena arena;
  mj_figset figs;
  subj *subjects;     /* questions first, then requirements */
  size_t n_subjects;
  segtab segs;
  double *scratch;    /* counted values expanded for a scorer, reused */
  size_t scratch_cap;
  mj_event *events;
  size_t n_events;
  size_t queued;      /* messages queued before notify (escalated cases) */
  int every;          /* the default cycle: every response belongs to it */
  int64_t previous;   /* the stored cycle changes are measured against */
  int previous_known; /* 0: the store cannot say (the last one run) */
  uint64_t n_own;     /* responses that belong to this cycle */
  /* The others, counted by their stored wave ("" for none), to say
  ** where the responses are when none is this cycle's. */
  wave_count *others;
  size_t n_others;
  /* The open-text answers the report shows, kept with the results when
  ** the store can keep them; NULL otherwise. */
  mj_comments *comments;
  mj_aside *aside;    /* the customers being stored beside, or NULL */
} cycle_run;

/* ---- measure ------------------------------------------------------------ */

/*
** The customers are written on a second connection by a second thread
** while the responses are read, when the store can be opened twice: the
** scan reads no customer, and the model stays as it is until the join
** (customers_joined), which comes before the cycle's next write. Imports
** write, so a cycle that declares some stores its customers first.
*/
static int put_customers(cycle_run *c)
{
  mj_engine *e = c->e;
  const mj_model *m = e->model;
  if (m->n_customers == 0)
    return MJ_OK;
  if (m->n_customers > 1 && c->decl->n_imports == 0 &&
      !(e->opts.flags & MJ_ONE_THREAD) &&
      (c->aside = mj__aside_start(e, mj__customers_job, (void *)m)))
    return MJ_OK;
  mj_error err = {0};
  if (mj__customers_job(MJ_STORE_OPS(e), e->store->inst, (void *)m,
                        &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "storing customers: ");
  return MJ_OK;
}

/* Wait for the customers' thread, if any: its error as put_customers
** would have set it. */
static int customers_joined(cycle_run *c)
{
  mj_error err = {0};
  int rc = mj__aside_join(c->aside, &err);
  c->aside = NULL;
  return rc == MJ_OK ? MJ_OK
                     : mj__seterr_from(c->e, &err, MJ_ESTORE,
                                       "storing customers: ");
}

static int measure(cycle_run *c)
{
  mj_engine *e = c->e;
  int rc = put_customers(c);
  for (size_t i = 0; rc == MJ_OK && i < c->decl->n_imports; i++) {
    const mj_import_decl *d = &c->decl->imports[i];
    char *path = mj__path_join(e->model->dir, d->file);
    if (!path)
      return mj__seterr(e, MJ_ENOMEM, "out of memory");
    mj_import_stats st;
    mj_import_column cols[64];
    mj_import_opts opts = {.size = sizeof opts,
                           .pilot = d->pilot,
                           .columns = cols,
                           .sep = d->sep,
                           .encoding = d->encoding,
                           .date_format = d->date_format};
    for (size_t k = 0; k < d->n_columns && k < 64; k++) {
      cols[k].name = d->columns[k].key;
      cols[k].column = d->columns[k].value;
      opts.n_columns++;
    }
    e->importing_cycle = c->every ? NULL : c->decl->id;
    rc = mj__import_file(e, d->questionnaire, path, &opts,
                         mj__playbook_jail(e, e->model->dir), &st);
    e->importing_cycle = NULL;
    free(path);
    if (rc != MJ_OK) {
      mj_error inner = e->err;
      char ctx[300];
      snprintf(ctx, sizeof ctx, "%s:%d: import of '%s' failed: ",
               d->pos.file, d->pos.line, d->file);
      return mj__seterr_from(e, &inner, rc, ctx);
    }
    if (st.rejected)
      mj__log(e, MJ_LOG_WARN, "%s: %llu row(s) rejected, see %s", d->file,
              (unsigned long long)st.rejected, st.rejects_path);
  }
  return rc;
}

/* ---- analyse ------------------------------------------------------------ */

static uint64_t seg_hash(const char *s)
{
  return mj__hash_bytes(MJ__HASH_START, s, strlen(s));
}

/* The slot of a segment name, numbered as first met; SIZE_MAX when out of
** memory. */
static size_t segtab_slot(cycle_run *c, const char *name)
{
  segtab *t = &c->segs;
  uint64_t h = seg_hash(name);
  if (t->slot)
    for (size_t j = (size_t)h & t->mask; t->slot[j]; j = (j + 1) & t->mask) {
      size_t k = t->slot[j] - 1;
      if (t->hash[k] == h && strcmp(t->name[k], name) == 0)
        return k;
    }
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 32;
    const char **nv = realloc(t->name, cap * sizeof *nv);
    if (nv)
      t->name = nv;
    uint64_t *hv = nv ? realloc(t->hash, cap * sizeof *hv) : NULL;
    if (hv)
      t->hash = hv;
    size_t *sv = hv ? calloc(2 * cap, sizeof *sv) : NULL;
    if (!sv)
      return SIZE_MAX;
    free(t->slot);
    t->slot = sv;
    t->mask = 2 * cap - 1;
    t->cap = cap;
    for (size_t k = 0; k < t->n; k++) {
      size_t j = (size_t)t->hash[k] & t->mask;
      while (t->slot[j])
        j = (j + 1) & t->mask;
      t->slot[j] = k + 1;
    }
  }
  const char *copy = mj__arena_strdup(&c->arena, name);
  if (!copy)
    return SIZE_MAX;
  size_t k = t->n++;
  t->name[k] = copy;
  t->hash[k] = h;
  size_t j = (size_t)h & t->mask;
  while (t->slot[j])
    j = (j + 1) & t->mask;
  t->slot[j] = k + 1;
  return k;
}

static void segtab_free(segtab *t)
{
  free(t->name);
  free(t->hash);
  free(t->slot);
}

/* The subject's bucket of segment slot k, made when new (in the order
** segments first reach this subject, as figures are listed). Making one
** may move the others: callers hold indices, not pointers, across it. */
static bucket *bucket_make(cycle_run *c, subj *s, size_t k)
{
  if (k >= s->n_local) {
    size_t n = c->segs.cap > k ? c->segs.cap : k + 1;
    size_t *v = realloc(s->local, n * sizeof *v);
    if (!v)
      return NULL;
    memset(v + s->n_local, 0, (n - s->n_local) * sizeof *v);
    s->local = v;
    uint64_t **w = realloc(s->cnt, n * sizeof *w);
    if (!w)
      return NULL;
    memset(w + s->n_local, 0, (n - s->n_local) * sizeof *w);
    s->cnt = w;
    s->n_local = n;
  }
  if (s->local[k])
    return &s->b[s->local[k] - 1];
  bucket *nb = realloc(s->b, (s->nb + 1) * sizeof *nb);
  if (!nb)
    return NULL;
  s->b = nb;
  bucket *b = &s->b[s->nb];
  memset(b, 0, sizeof *b);
  b->segment = c->segs.name[k];
  const mj_question *q = s->q;
  if (q && (q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS ||
            q->kind == MJ_Q_YESNO)) {
    int lo = q->kind == MJ_Q_YESNO ? 0 : q->min;
    int hi = q->kind == MJ_Q_YESNO ? 1 : q->max;
    if (hi >= lo && hi - lo < 1024) {
      b->lo = lo;
      b->span = hi - lo + 1;
      if (!(b->count = calloc((size_t)b->span + 1, sizeof *b->count)))
        return NULL;
    }
  }
  s->local[k] = ++s->nb;
  s->cnt[k] = b->count;
  /* Every bucket of a subject has the subject's scale. */
  MJ_ASSERT(s->nb == 1 || (b->lo == s->lo && b->span == s->span));
  s->lo = b->lo;
  s->span = b->span;
  return b;
}

/* The index into s->b of slot k's bucket, made when new; SIZE_MAX when
** out of memory. The test before the call is the whole cost once every
** segment has met the subject. */
static size_t bucket_index(cycle_run *c, subj *s, size_t k)
{
  if (k < s->n_local && s->local[k]) {
    MJ_ASSERT(s->local[k] <= s->nb);
    return s->local[k] - 1;
  }
  bucket *b = bucket_make(c, s, k);
  return b ? (size_t)(b - s->b) : SIZE_MAX;
}

static bucket *bucket_at(cycle_run *c, subj *s, size_t k)
{
  size_t i = bucket_index(c, s, k);
  return i == SIZE_MAX ? NULL : &s->b[i];
}

static bucket *bucket_for(cycle_run *c, subj *s, const char *segment)
{
  size_t k = segtab_slot(c, segment);
  return k == SIZE_MAX ? NULL : bucket_at(c, s, k);
}

/* n and excluded of a counting bucket from its tallies. */
static void bucket_settle(bucket *b)
{
  if (!b->count)
    return;
  b->excluded += b->count[b->span];
  b->count[b->span] = 0;
  b->n = 0;
  for (int i = 0; i < b->span; i++)
    b->n += b->count[i];
}

/* Counts to values, for good (a value that is not one of the counted). */
static int bucket_uncount(bucket *b)
{
  bucket_settle(b);
  size_t cap = b->n + 64;
  double *v = malloc(cap * sizeof *v);
  if (!v)
    return MJ_ENOMEM;
  size_t k = 0;
  for (int i = 0; i < b->span; i++)
    for (uint64_t j = 0; j < b->count[i]; j++)
      v[k++] = b->lo + i;
  MJ_ASSERT(k == b->n);
  free(b->count);
  b->count = NULL;
  b->v = v;
  b->cap = cap;
  return MJ_OK;
}

static int bucket_push(bucket *b, const mj_answer_rec *a)
{
  if (a->state != MJ_ANSWER_VALUE || isnan(a->num)) {
    b->excluded++;
    return MJ_OK;
  }
  if (b->count) {
    double d = a->num - b->lo;
    if (d >= 0 && d < b->span && d == (double)(int)d) {
      b->count[(int)d]++;
      return MJ_OK;
    }
    if (bucket_uncount(b) != MJ_OK)
      return MJ_ENOMEM;
  }
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    double *v = realloc(b->v, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    b->v = v;
    b->cap = cap;
  }
  b->v[b->n++] = a->num;
  return MJ_OK;
}

/* Count an answer whose count is k (see subject_push_at). */
static int bucket_add(bucket *b, int k, const mj_answer_rec *a)
{
  if (k >= 0 && b->count) {
    MJ_ASSERT(k <= b->span);
    b->count[k]++;
    return MJ_OK;
  }
  return bucket_push(b, a);
}

/* Push an answer into its subject's "all" bucket (slot 0), its
** segment's (slot seg) and its channel's (slot ch; SIZE_MAX for none). */
static int subject_push_at(cycle_run *c, subj *s, size_t seg, size_t ch,
                           const mj_answer_rec *a)
{
  /* Indices first: making a bucket may move the others. */
  size_t all = bucket_index(c, s, 0);
  size_t in_seg = seg != SIZE_MAX ? bucket_index(c, s, seg) : 0;
  size_t in_ch = ch != SIZE_MAX ? bucket_index(c, s, ch) : 0;
  if (all == SIZE_MAX || in_seg == SIZE_MAX || in_ch == SIZE_MAX)
    return MJ_ENOMEM;
  /* The answer is looked at once for all its buckets, which share the
  ** subject's scale: k is its count (span: left out), -1 when it is a
  ** value that cannot be counted (bucket_push then makes values). */
  const bucket *first = &s->b[all];
  MJ_ASSERT(seg == SIZE_MAX || (s->b[in_seg].lo == first->lo &&
                                s->b[in_seg].span == first->span));
  MJ_ASSERT(ch == SIZE_MAX || (s->b[in_ch].lo == first->lo &&
                               s->b[in_ch].span == first->span));
  double d = a->num - first->lo;
  int k = -1;
  if (a->state != MJ_ANSWER_VALUE || isnan(a->num))
    k = first->span;
  else if (d >= 0 && d < first->span && d == (double)(int)d)
    k = (int)d;
  if (bucket_add(&s->b[all], k, a) != MJ_OK ||
      (seg != SIZE_MAX && bucket_add(&s->b[in_seg], k, a) != MJ_OK) ||
      (ch != SIZE_MAX && bucket_add(&s->b[in_ch], k, a) != MJ_OK))
    return MJ_ENOMEM;
  /* A value that could not be counted turned those buckets to values. */
  s->cnt[0] = s->b[all].count;
  if (seg != SIZE_MAX)
    s->cnt[seg] = s->b[in_seg].count;
  if (ch != SIZE_MAX)
    s->cnt[ch] = s->b[in_ch].count;
  return MJ_OK;
}

/* subject_push_at's common case, without its lookups: every bucket the
** answer goes to exists and counts, and the answer is one of the values
** counted or left out. 0 when it is not that case (nothing done). */
static int subject_count(const subj *s, size_t seg, size_t ch,
                         const mj_answer_rec *a)
{
  uint64_t *all = s->n_local ? s->cnt[0] : NULL;
  uint64_t *in_seg = seg < s->n_local ? s->cnt[seg] : NULL;
  uint64_t *in_ch = ch < s->n_local ? s->cnt[ch] : NULL;
  if (!all || (seg != SIZE_MAX && !in_seg) || (ch != SIZE_MAX && !in_ch))
    return 0;
  /* cnt mirrors the counts of the bucket each slot maps to. */
  MJ_ASSERT(s->local[0] && all == s->b[s->local[0] - 1].count);
  MJ_ASSERT(!in_seg ||
            (s->local[seg] && in_seg == s->b[s->local[seg] - 1].count));
  MJ_ASSERT(!in_ch ||
            (s->local[ch] && in_ch == s->b[s->local[ch] - 1].count));
  int k = s->span;
  if (a->state == MJ_ANSWER_VALUE && !isnan(a->num)) {
    double d = a->num - s->lo;
    if (!(d >= 0 && d < s->span && d == (double)(int)d))
      return 0;
    k = (int)d;
  }
  all[k]++;
  if (in_seg)
    in_seg[k]++;
  if (in_ch)
    in_ch[k]++;
  return 1;
}

/* A response's segment slot: SIZE_MAX for none (it counts in "all" only),
** or when out of memory (*oom set). */
static size_t segment_slot(cycle_run *c, const char *segment, int *oom)
{
  *oom = 0;
  if (!segment || !*segment || strcmp(segment, "all") == 0)
    return SIZE_MAX;
  size_t k = segtab_slot(c, segment);
  *oom = k == SIZE_MAX;
  return k;
}

/* Push an answer into its subject's "all" bucket and its segment's. */
static int subject_push(cycle_run *c, subj *s, const mj_answer_row *row)
{
  int oom;
  size_t seg = segment_slot(c, row->segment, &oom);
  if (oom || !bucket_for(c, s, "all"))
    return MJ_ENOMEM;
  return subject_push_at(c, s, seg, SIZE_MAX, &row->answer);
}

/* Slots of scan_ctx.segc: room for a few dozen segments' strings. */
#define SEGC 128

/* An address spread over the bits a table index takes (Fibonacci
** hashing): strings of one block or arena sit a few bytes apart. */
static size_t addr_hash(const void *p)
{
  return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15u) >> 32);
}

typedef struct scan_ctx {
  cycle_run *c;
  const mj_questionnaire *qn;
  subj *first;        /* this questionnaire's question subjects */
  subj *reqs;         /* requirement subjects, in model order */
  mj_qmatrix *matrix; /* its table, when a matrix scorer runs, or NULL */
  mj_qlive *live;     /* what streams matrix's rows on, or NULL */
  mj_tally *tally;    /* its yes/no, choice and multi counts, or NULL */
  /* Answer k's question string -> question index, as last seen (the
  ** store keeps those strings for the scan: plugin.h, scan_responses). */
  const char *qptr[64];
  size_t qidx[64];
  /* Per question, worked out once rather than per answer: its subject
  ** (NULL when it is not scored) and its requirement's (or NULL). */
  subj **qsubj;
  subj **qreq;
  /* The store's segment strings -> segment slot, as last seen at that
  ** address (checked by content: a store may reuse a buffer). */
  struct {
    const char *p;
    size_t slot;
  } segc[SEGC];
  /* Questionnaire versions: vskip[v][i] set when question i's
  ** answers of version v are left out (its type changed since); the
  ** responses' pilot and channel fields are read only when the store
  ** keeps versions (ext). */
  int ext;
  unsigned char **vskip;
  size_t n_vskip;
  uint64_t *vleft;    /* per question: answers left out by vskip */
  uint64_t pilot_left;
  /* scan_answers: the response of the last row (a hash of its id), and
  ** whether it belongs to the cycle. */
  int rows_seen, row_in;
  uint64_t row_hash;
  /* Per question: its slot in cycle_run.comments when it is a text
  ** question kept, else NULL (all NULL: none); responses seen so far. */
  mj_comment_q **text;
  uint64_t seq;
} scan_ctx;

/*
** Does a response belong to this cycle? It belongs to the one its wave
** names. A response stored without a wave (by a mejora that did not give
** every response one, or while the playbook declared no cycle) is given
** one now by the rules that give it when it is stored. Responses of other
** cycles are counted by wave. MJ_ENOMEM, else 1 or 0.
*/
static int belongs(cycle_run *c, const char *wave, int64_t submitted_at)
{
  if (c->every) {
    c->n_own++;
    return 1;
  }
  const char *w =
      wave && *wave ? wave : mj__response_cycle(c->e, NULL, submitted_at);
  if (w && strcmp(w, c->decl->id) == 0) {
    c->n_own++;
    return 1;
  }
  const char *key = wave ? wave : "";
  size_t i = c->n_others;
  while (i > 0 && strcmp(c->others[i - 1].wave, key) != 0)
    i--;
  if (i > 0) {
    c->others[i - 1].n++;
    return 0;
  }
  wave_count *v = realloc(c->others, (c->n_others + 1) * sizeof *v);
  if (!v)
    return MJ_ENOMEM;
  c->others = v;
  v[c->n_others].wave = mj__arena_strdup(&c->arena, key);
  v[c->n_others].n = 1;
  if (!v[c->n_others].wave)
    return MJ_ENOMEM;
  c->n_others++;
  return 0;
}

static int on_answer(void *ud, const mj_answer_row *row)
{
  scan_ctx *sc = ud;
  const mj_questionnaire *qn = sc->qn;
  /* Rows come response by response: the first row of each decides. */
  uint64_t h = mj__hash_field(MJ__HASH_START, row->response);
  if (!sc->rows_seen || h != sc->row_hash) {
    sc->rows_seen = 1;
    sc->row_hash = h;
    int in = belongs(sc->c, row->wave, row->submitted_at);
    if (in < 0)
      return in;
    sc->row_in = in;
  }
  if (!sc->row_in)
    return MJ_OK;
  for (size_t i = 0; i < qn->n_questions; i++) {
    const mj_question *q = &qn->questions[i];
    if (strcmp(q->id, row->answer.question) != 0)
      continue;
    if (mj__tally_has(sc->tally, i)) {
      int oom;
      size_t seg = segment_slot(sc->c, row->segment, &oom);
      if (oom || mj__tally_add(sc->tally, i, "all", &row->answer) != MJ_OK ||
          (seg != SIZE_MAX &&
           mj__tally_add(sc->tally, i, sc->c->segs.name[seg], &row->answer) !=
               MJ_OK))
        return MJ_ENOMEM;
    }
    if (!mj__question_scored(q))
      return MJ_OK;
    if (sc->matrix && (mj__qmatrix_add(sc->matrix, i, row) != MJ_OK ||
                       (sc->live && mj__qlive_pump(sc->live) != MJ_OK)))
      return MJ_ENOMEM;
    if (subject_push(sc->c, &sc->first[i], row) != MJ_OK)
      return MJ_ENOMEM;
    if (q->requirement && mj__question_rates(q)) {
      size_t r = (size_t)(q->requirement - sc->c->e->model->requirements);
      if (subject_push(sc->c, &sc->reqs[r], row) != MJ_OK)
        return MJ_ENOMEM;
    }
    return MJ_OK;
  }
  return MJ_OK; /* a question no longer in the playbook */
}

/* The index of the question answer k names, SIZE_MAX when the playbook no
** longer has it. */
static size_t question_of(scan_ctx *sc, size_t k, const char *id)
{
  if (k < 64 && sc->qptr[k] == id && id)
    return sc->qidx[k];
  const mj_questionnaire *qn = sc->qn;
  size_t i = 0;
  while (i < qn->n_questions && strcmp(qn->questions[i].id, id) != 0)
    i++;
  if (i == qn->n_questions)
    i = SIZE_MAX;
  if (k < 64) {
    sc->qptr[k] = id;
    sc->qidx[k] = i;
  }
  return i;
}

static size_t resolve_question(void *ud, size_t k, const char *id)
{
  return question_of(ud, k, id);
}

/* segment_slot through scan_ctx.segc: the store hands out the same
** string for a block of responses, so a hit costs one short strcmp. */
static size_t segment_slot_seen(scan_ctx *sc, const char *segment, int *oom)
{
  cycle_run *c = sc->c;
  *oom = 0;
  if (!segment)
    return SIZE_MAX;
  size_t h = addr_hash(segment) % SEGC;
  if (sc->segc[h].p == segment &&
      strcmp(c->segs.name[sc->segc[h].slot], segment) == 0)
    return sc->segc[h].slot;
  size_t k = segment_slot(c, segment, oom);
  if (k != SIZE_MAX) {
    sc->segc[h].p = segment;
    sc->segc[h].slot = k;
  }
  return k;
}

/* scan_responses: one response at a time, so its wave and segment are
** looked at once, not once per answer. */
static int on_response(void *ud, const mj_response_rec *r)
{
  scan_ctx *sc = ud;
  cycle_run *c = sc->c;
  sc->seq++;
  int in = belongs(c, r->wave, r->submitted_at);
  if (in <= 0)
    return in;
  if (sc->ext && r->pilot && !c->decl->include_pilot) {
    sc->pilot_left++; /* kept in the store, left out of the figures */
    return MJ_OK;
  }
  if (sc->text && !(r->pilot && !c->decl->include_pilot) &&
      mj__comments_take(c->comments, sc->text, sc->qn, r, sc->seq,
                        resolve_question, sc) != MJ_OK)
    return MJ_ENOMEM;
  const unsigned char *skip =
      r->version > 0 && (size_t)r->version < sc->n_vskip
          ? sc->vskip[r->version]
          : NULL;
  int oom = 0, started = 0;
  size_t seg = c->decl->by_segment ? segment_slot_seen(sc, r->segment, &oom)
                                   : SIZE_MAX;
  if (oom)
    return MJ_ENOMEM;
  /* The table gets the segtab's copies of the names: one address per
  ** name lets it find the row's group by address, not by a search. */
  const char *mseg = !c->decl->by_segment ? NULL
                     : seg != SIZE_MAX    ? c->segs.name[seg]
                                          : r->segment;
  size_t ch = SIZE_MAX;
  char key[160];
  const char *chan = NULL; /* "channel:NAME" when by channel */
  if (c->decl->by_channel) {
    const char *name = sc->ext ? r->channel : NULL;
    if (!name && r->customer) { /* stored before channels were */
      size_t u = mj__customer_find(c->e->model, r->customer);
      name = u != SIZE_MAX ? mj__customer_channel(c->e->model, u) : NULL;
    }
    if (name && *name) {
      snprintf(key, sizeof key, "channel:%s", name);
      if ((ch = segtab_slot(c, key)) == SIZE_MAX)
        return MJ_ENOMEM;
      chan = c->segs.name[ch];
    }
  }
  /* The answers in runs of up to 64: each counted in its subjects, then
  ** the run into the table in one call. */
  size_t qi[64];
  for (size_t k0 = 0; k0 < r->n_answers; k0 += 64) {
    size_t n = r->n_answers - k0 < 64 ? r->n_answers - k0 : 64;
    for (size_t j = 0; j < n; j++) {
      size_t k = k0 + j;
      const mj_answer_rec *a = &r->answers[k];
      qi[j] = SIZE_MAX;
      if (!a->question)
        continue;
      size_t i = question_of(sc, k, a->question);
      int counts = mj__tally_has(sc->tally, i);
      if (i == SIZE_MAX || (!sc->qsubj[i] && !counts))
        continue;
      if (skip && skip[i]) {
        sc->vleft[i] += a->state == MJ_ANSWER_VALUE;
        continue;
      }
      if (counts &&
          (mj__tally_add(sc->tally, i, c->segs.name[0], a) != MJ_OK ||
           (seg != SIZE_MAX &&
            mj__tally_add(sc->tally, i, c->segs.name[seg], a) != MJ_OK) ||
           (ch != SIZE_MAX &&
            mj__tally_add(sc->tally, i, c->segs.name[ch], a) != MJ_OK)))
        return MJ_ENOMEM;
      if (!sc->qsubj[i])
        continue;
      qi[j] = i;
      if (!subject_count(sc->qsubj[i], seg, ch, a) &&
          subject_push_at(c, sc->qsubj[i], seg, ch, a) != MJ_OK)
        return MJ_ENOMEM;
      if (sc->qreq[i] && !subject_count(sc->qreq[i], seg, ch, a) &&
          subject_push_at(c, sc->qreq[i], seg, ch, a) != MJ_OK)
        return MJ_ENOMEM;
    }
    if (sc->matrix &&
        mj__qmatrix_add_answers(sc->matrix, r->answers + k0, qi, n, mseg,
                                chan, &started) != MJ_OK)
      return MJ_ENOMEM;
  }
  if (sc->live && mj__qlive_pump(sc->live) != MJ_OK)
    return MJ_ENOMEM;
  return MJ_OK;
}

/* The per-question tables of a scan (scan_ctx.qsubj, qreq). */
static int scan_tables(scan_ctx *sc)
{
  const mj_questionnaire *qn = sc->qn;
  size_t n = qn->n_questions ? qn->n_questions : 1;
  sc->qsubj = calloc(n, sizeof *sc->qsubj);
  sc->qreq = calloc(n, sizeof *sc->qreq);
  if (!sc->qsubj || !sc->qreq)
    return MJ_ENOMEM;
  for (size_t i = 0; i < qn->n_questions; i++) {
    const mj_question *q = &qn->questions[i];
    if (!mj__question_scored(q))
      continue;
    sc->qsubj[i] = &sc->first[i];
    if (q->requirement && mj__question_rates(q))
      sc->qreq[i] =
          &sc->reqs[q->requirement - sc->c->e->model->requirements];
  }
  return MJ_OK;
}

static int qtype_matches(const char *const *qtypes, const char *type)
{
  for (size_t i = 0; qtypes && qtypes[i]; i++) {
    size_t n = strlen(qtypes[i]);
    if (n && qtypes[i][n - 1] == '*' ? strncmp(qtypes[i], type, n - 1) == 0
                                     : strcmp(qtypes[i], type) == 0)
      return 1;
  }
  return 0;
}

/*
** Whether a scorer's score() reads this subject by role: a question's
** role (plugin.h, mj_question_role) must be one the scorer declares; a
** requirement pools ratings and counts as a plain rating, "".
*/
static int role_matches(const mj_scorer_ops *ops, const subj *s)
{
  const char *role = s->req ? "" : mj__question_role(s->q);
  const char *const *roles =
      ops->ops_size >= offsetof(mj_scorer_ops, roles) + sizeof ops->roles
          ? ops->roles
          : NULL;
  if (!roles)
    return *role == '\0';
  for (size_t i = 0; roles[i]; i++)
    if (strcmp(roles[i], role) == 0)
      return 1;
  return 0;
}

/* Whether a scorer's score() reads this subject at all. */
static int scores_subject(const mj_scorer_ops *ops, const subj *s)
{
  return ops->score && s->q && qtype_matches(ops->qtypes, s->q->type) &&
         role_matches(ops, s);
}

/* Where the figures a scorer emits belong. */
typedef struct emit_ctx {
  cycle_run *c;
  const mj_instance *scorer;
  const char *questionnaire, *question, *requirement, *segment;
  uint64_t excluded;
} emit_ctx;

static emit_ctx subject_ctx(cycle_run *c, const mj_instance *in,
                            const subj *s, const bucket *b)
{
  emit_ctx x = {c,
                in,
                s->req ? NULL : s->qn->id,
                s->req ? NULL : s->q->id,
                s->req ? s->req->id : NULL,
                b->segment,
                b->excluded};
  return x;
}

/*
** Every figure goes through here, whichever way its scorer was called
** (per question, per table, per customer base), so one rule holds for
** all: a figure whose own n is below the cycle's min_n is kept, with its
** n and subject, but without a value, interval or label ("too few
** answers"); it is never dropped and never shown.
*/
static int on_figure(void *ud, const mj_figure *f, mj_error *err)
{
  emit_ctx *x = ud;
  int few = (int64_t)f->n < x->c->decl->min_n;
  mj_result_rec r = {
      .cycle = x->c->id,
      .scorer = x->scorer->name,
      .metric = f->metric,
      .questionnaire = x->questionnaire,
      .question = x->question,
      .requirement = x->requirement,
      .segment = x->segment,
      .n = f->n,
      .n_excluded = x->excluded,
      .value = few ? NAN : f->value,
      .ci_low = few ? NAN : f->ci_low,
      .ci_high = few ? NAN : f->ci_high,
      .subject = f->subject,
      .label = few ? NULL : f->label,
      .sd = few ? 0.0 : f->sd,
      .delta = NAN,
      .p_change = NAN,
  };
  if (mj__figset_add(&x->c->figs, &r) != MJ_OK)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  return MJ_OK;
}

static int score_subject(cycle_run *c, mj_instance *in, const subj *s)
{
  const mj_scorer_ops *ops = in->ops;
  if (!scores_subject(ops, s))
    return MJ_OK;
  for (size_t i = 0; i < s->nb; i++) {
    const bucket *b = &s->b[i];
    if (b->n == 0 && b->excluded == 0)
      continue;
    /* Settled: answers left out are in excluded, not in count[span]. */
    MJ_ASSERT(!b->count || b->count[b->span] == 0);
    /* Counted values are expanded for the scorer only while it runs
    ** (in ascending order: every figure is order-free), and not at all
    ** for one that reads the counts. */
    double *values = b->v;
    int counts_suffice =
        ops->ops_size >= offsetof(mj_scorer_ops, counts_suffice) +
                             sizeof ops->counts_suffice &&
        ops->counts_suffice;
    if (b->count && counts_suffice) {
      values = NULL;
    } else if (b->count) {
      /* One buffer for every bucket: a fresh one each time was mapped
      ** and faulted in page by page. */
      if (b->n > c->scratch_cap) {
        free(c->scratch);
        c->scratch_cap = 0;
        if (!(c->scratch = malloc(b->n * sizeof *c->scratch)))
          return mj__seterr(c->e, MJ_ENOMEM, "out of memory");
        mj__huge_pages(c->scratch, b->n * sizeof *c->scratch);
        c->scratch_cap = b->n;
      }
      values = c->scratch;
      size_t k = 0;
      for (int v = 0; v < b->span; v++)
        for (uint64_t j = 0; j < b->count[v]; j++)
          values[k++] = b->lo + v;
      MJ_ASSERT(k == b->n);
    }
    mj_sample smp = {.qtype = s->q->type,
                     .scale_min = s->q->min,
                     .scale_max = s->q->max,
                     .values = values,
                     .n = b->n,
                     .n_excluded = b->excluded,
                     .counts = b->count,
                     .counts_lo = b->lo,
                     .counts_span = b->count ? (size_t)b->span : 0};
    emit_ctx x = subject_ctx(c, in, s, b);
    mj_figure_sink sink = {&x, on_figure};
    mj_error err = {0};
    int rc = ops->score(in->inst, &smp, &sink, &err);
    if (rc != MJ_OK) {
      char ctx[300];
      snprintf(ctx, sizeof ctx, "scorer %s on %s%s, segment %s: ", in->name,
               s->req ? "requirement " : "",
               s->req ? s->req->id : s->q->id, b->segment);
      return mj__seterr_from(c->e, &err, MJ_EPLUGIN, ctx);
    }
  }
  return MJ_OK;
}

/*
** The answer distribution of a scale question (or requirement) that a
** scorer of this cycle scored: one MJ__DIST_SCORER figure per scale value
** and segment, so the next cycle can test the mean's change with
** Mann-Whitney U from counts (core/cycle/compare.c). Only while the bucket still
** counts (every answer a scale value) and has min_n answers.
*/
static int put_distribution(cycle_run *c, mj_instance **scorers,
                            size_t n_scorers, const subj *s)
{
  if (!s->q || s->q->kind != MJ_Q_SCALE)
    return MJ_OK;
  size_t i;
  for (i = 0; i < n_scorers; i++) {
    const mj_scorer_ops *ops = scorers[i]->ops;
    if (scores_subject(ops, s))
      break;
  }
  if (i == n_scorers)
    return MJ_OK;
  for (size_t k = 0; k < s->nb; k++) {
    const bucket *b = &s->b[k];
    if (!b->count || b->n == 0 || (int64_t)b->n < c->decl->min_n)
      continue;
    for (int v = 0; v < b->span; v++) {
      char label[16];
      snprintf(label, sizeof label, "%d", b->lo + v);
      mj_result_rec r = {
          .cycle = c->id,
          .scorer = MJ__DIST_SCORER,
          .metric = "count",
          .questionnaire = s->req ? NULL : s->qn->id,
          .question = s->req ? NULL : s->q->id,
          .requirement = s->req ? s->req->id : NULL,
          .segment = b->segment,
          .n = b->n,
          .n_excluded = b->excluded,
          .value = (double)b->count[v],
          .ci_low = NAN,
          .ci_high = NAN,
          .label = label,
          .delta = NAN,
          .p_change = NAN,
      };
      if (mj__figset_add(&c->figs, &r) != MJ_OK)
        return mj__seterr(c->e, MJ_ENOMEM, "out of memory");
    }
  }
  return MJ_OK;
}

typedef struct matrix_job {
  cycle_run *c;
  mj_instance *in;
  const mj_questionnaire *qn;
  const mj_qmatrix *table;
  size_t n_cols;
} matrix_job;

static int score_segment(void *ud, const char *segment, const mj_matrix *m)
{
  matrix_job *j = ud;
  const mj_scorer_ops *ops = j->in->ops;
  emit_ctx x = {j->c, j->in, j->qn->id, NULL, NULL, segment, 0};
  mj_figure_sink sink = {&x, on_figure};
  mj_error err = {0};
  if (ops->score_matrix(j->in->inst, m, &sink, &err) != MJ_OK) {
    char ctx[300];
    snprintf(ctx, sizeof ctx, "scorer %s on questionnaire %s, segment %s: ",
             j->in->name, j->qn->id, segment);
    return mj__seterr_from(j->c->e, &err, MJ_EPLUGIN, ctx);
  }
  return MJ_OK;
}

/* The same for a scorer that streams: its state lives from open to
** close, one segment at a time. */
typedef struct stream_job {
  matrix_job j;
  const char *segment;
  void *state;
  mj_error err;
} stream_job;

static int stream_fail(stream_job *s, const char *segment)
{
  char ctx[300];
  snprintf(ctx, sizeof ctx, "scorer %s on questionnaire %s, segment %s: ",
           s->j.in->name, s->j.qn->id, segment);
  return mj__seterr_from(s->j.c->e, &s->err, MJ_EPLUGIN, ctx);
}

static int stream_open(void *ud, const char *segment, size_t n_rows)
{
  stream_job *s = ud;
  const mj_scorer_ops *ops = s->j.in->ops;
  (void)n_rows; /* below min_n its figures are kept without values */
  s->segment = segment;
  s->state = NULL;
  memset(&s->err, 0, sizeof s->err);
  const mj_column *cols = mj__qmatrix_columns(s->j.table, &s->j.n_cols);
  if (ops->stream_open(s->j.in->inst, cols, s->j.n_cols, &s->state,
                       &s->err) != MJ_OK)
    return stream_fail(s, segment);
  return MJ_OK;
}

static int stream_rows(void *ud, const mj_matrix *chunk)
{
  stream_job *s = ud;
  const mj_scorer_ops *ops = s->j.in->ops;
  if (ops->stream_rows(s->j.in->inst, s->state, chunk, &s->err) != MJ_OK)
    return stream_fail(s, s->segment);
  return MJ_OK;
}

static int stream_close(void *ud, int rc)
{
  stream_job *s = ud;
  const mj_scorer_ops *ops = s->j.in->ops;
  emit_ctx x = {s->j.c, s->j.in, s->j.qn->id, NULL, NULL, s->segment, 0};
  mj_figure_sink sink = {&x, on_figure};
  mj_error err = {0};
  int closed = ops->stream_close(s->j.in->inst, s->state,
                                 rc == MJ_OK ? &sink : NULL, &err);
  s->state = NULL;
  if (rc == MJ_OK && closed != MJ_OK) {
    s->err = err;
    return stream_fail(s, s->segment);
  }
  return rc;
}

/* A state the scan streamed to (live_rows.c), closed in its turn: the
** failure it met on the way, or its figures. */
static int live_close(void *ud, const char *segment, void *state, int rc,
                      const mj_error *err)
{
  stream_job *s = ud;
  s->segment = segment;
  s->state = state;
  if (rc == MJ_OK)
    return stream_close(s, MJ_OK);
  s->err = *err;
  return stream_fail(s, segment);
}

/* Scorer in on each questionnaire's table, or on the states its rows
** were streamed to during the scan (lives[i], when not NULL). */
static int score_matrices(cycle_run *c, mj_instance *in, mj_qmatrix **tables,
                          mj_qlive **lives, size_t n)
{
  const mj_scorer_ops *ops = in->ops;
  if (!ops->score_matrix && !ops->stream_open)
    return MJ_OK;
  for (size_t i = 0; i < n; i++) {
    const mj_qmatrix *t = lives[i] ? mj__qlive_table(lives[i]) : tables[i];
    matrix_job j = {c, in, mj__qmatrix_questionnaire(t), t, 0};
    int rc;
    if (lives[i]) {
      stream_job s = {.j = j};
      rc = mj__qlive_close(lives[i], in, live_close, &s);
    } else if (ops->stream_open) {
      stream_job s = {.j = j};
      mj_qmatrix_stream st = {&s, stream_open, stream_rows, stream_close};
      rc = mj__qmatrix_stream(tables[i], &st);
    } else {
      rc = mj__qmatrix_each_segment(tables[i], score_segment, &j);
    }
    if (rc == MJ_ENOMEM)
      return mj__seterr(c->e, rc, "out of memory");
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

/* The customer base over the cycle's period, for "all" and per segment. */
static int score_customer_base(cycle_run *c, mj_instance *in)
{
  const mj_scorer_ops *ops = in->ops;
  const mj_model *m = c->e->model;
  if (!ops->score_customers || !c->decl->period_to || m->n_customers == 0)
    return MJ_OK;
  mj_customer_span *v = calloc(m->n_customers, sizeof *v);
  if (!v)
    return mj__seterr(c->e, MJ_ENOMEM, "out of memory");
  int rc = MJ_OK;
  mj_customer_buf *b = malloc(sizeof *b);
  if (!b) {
    free(v);
    return mj__seterr(c->e, MJ_ENOMEM, "out of memory");
  }
  mj__customer_buf_init(b);
  /* Segment "all" first (NULL), then each declared segment. */
  for (size_t g = 0; rc == MJ_OK && g <= m->n_segments; g++) {
    const char *seg = g ? m->segments[g - 1].id : NULL;
    size_t n = 0;
    for (size_t i = 0; i < m->n_customers; i++) {
      const char *useg = mj__customer_segment(m, i);
      if (seg && (!useg || strcmp(useg, seg) != 0))
        continue;
      mj_customer u;
      if (mj__customer_at(m, i, &u, b) != MJ_OK) {
        rc = mj__customer_unread(c->e, m, i);
        break;
      }
      mj_customer_span sp = {u.id, u.segment, u.since, u.until};
      v[n++] = sp;
    }
    if (rc != MJ_OK || (seg && n == 0))
      continue;
    mj_customer_set set = {v, n, c->decl->period_from, c->decl->period_to};
    emit_ctx x = {c, in, NULL, NULL, NULL, seg ? seg : "all", 0};
    mj_figure_sink sink = {&x, on_figure};
    mj_error err = {0};
    if (ops->score_customers(in->inst, &set, &sink, &err) != MJ_OK) {
      char ctx[300];
      snprintf(ctx, sizeof ctx, "scorer %s on the customers, segment %s: ",
               in->name, seg ? seg : "all");
      rc = mj__seterr_from(c->e, &err, MJ_EPLUGIN, ctx);
    }
  }
  free(v);
  free(b);
  return rc;
}

static int build_subjects(cycle_run *c)
{
  const mj_model *m = c->e->model;
  size_t n = m->n_requirements;
  for (size_t i = 0; i < m->n_questionnaires; i++)
    n += m->questionnaires[i].n_questions;
  c->subjects = calloc(n ? n : 1, sizeof *c->subjects);
  if (!c->subjects)
    return MJ_ENOMEM;
  c->n_subjects = n;
  size_t k = 0;
  for (size_t i = 0; i < m->n_questionnaires; i++)
    for (size_t j = 0; j < m->questionnaires[i].n_questions; j++) {
      c->subjects[k].qn = &m->questionnaires[i];
      c->subjects[k++].q = &m->questionnaires[i].questions[j];
    }
  for (size_t i = 0; i < m->n_requirements; i++) {
    c->subjects[k].req = &m->requirements[i];
    /* The requirement's scale is that of the questions measuring it
    ** (the DSL checks they agree): take the first rating, the answers
    ** its figures pool. */
    for (size_t a = 0; a < m->n_questionnaires && !c->subjects[k].q; a++)
      for (size_t b = 0; b < m->questionnaires[a].n_questions; b++)
        if (m->questionnaires[a].questions[b].requirement ==
                &m->requirements[i] &&
            mj__question_rates(&m->questionnaires[a].questions[b])) {
          c->subjects[k].q = &m->questionnaires[a].questions[b];
          break;
        }
    k++;
  }
  return MJ_OK;
}

static int scorer_wanted(const mj_cycle_decl *d, const char *name)
{
  if (d->n_scorers == 0)
    return 1;
  for (size_t i = 0; i < d->n_scorers; i++)
    if (strcmp(d->scorers[i], name) == 0)
      return 1;
  return 0;
}

/* The scorer instances this cycle runs: the ones it names, or else every
** declared scorer, or else the built-in pair nps and csat. */
static int cycle_scorers(cycle_run *c, mj_instance ***out, size_t *n)
{
  mj_engine *e = c->e;
  const mj_cycle_decl *d = c->decl;
  static const char *const defaults[] = {"nps", "csat"};
  const char *const *names = d->scorers;
  size_t count = d->n_scorers;
  if (count == 0) {
    int declared = 0;
    for (size_t i = 0; i < e->n_instances; i++)
      declared += e->instances[i]->desc->kind == MJ_KIND_SCORER;
    if (!declared) {
      names = defaults;
      count = 2;
    }
  }
  mj_instance **v = calloc(count + e->n_instances + 1, sizeof *v);
  if (!v)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  size_t k = 0;
  if (count) {
    for (size_t i = 0; i < count; i++) {
      mj_instance *in = mj__instance_by_name(e, MJ_KIND_SCORER, names[i]);
      if (!in) {
        free(v);
        mj_error inner = e->err;
        char ctx[300];
        snprintf(ctx, sizeof ctx, "%s:%d: cycle \"%s\": scorer '%s': ",
                 d->pos.file, d->pos.line, d->id, names[i]);
        return mj__seterr_from(e, &inner, MJ_ENOTFOUND, ctx);
      }
      v[k++] = in;
    }
  } else {
    for (size_t i = 0; i < e->n_instances; i++)
      if (e->instances[i]->desc->kind == MJ_KIND_SCORER &&
          scorer_wanted(d, e->instances[i]->name))
        v[k++] = e->instances[i];
  }
  *out = v;
  *n = k;
  return MJ_OK;
}

static int on_result(void *ud, const mj_result_rec *r)
{
  return mj__figset_add(ud, r);
}

/* The previous cycle: its id and name. */
typedef struct prev_cycle {
  int64_t id;
  char name[128];
} prev_cycle;

static int on_last_cycle(void *ud, const mj_cycle_rec *r)
{
  prev_cycle *p = ud;
  p->id = r->id;
  snprintf(p->name, sizeof p->name, "%s", r->name ? r->name : "");
  return MJ_OK;
}

/* Each figure's change against the previous cycle: the nearest declared
** before this one that has run (mj__cycle_runs), else, for the default
** cycle or a store that cannot list cycles, the last finished one (this
** one is still running, so that is the one before). */
static int compare_previous(cycle_run *c)
{
  mj_engine *e = c->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  prev_cycle pc = {c->previous, ""};
  int found = pc.id != 0;
  if (!c->previous_known &&
      S->last_cycle(e->store->inst, on_last_cycle, &pc, &found, &err))
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading cycles: ");
  if (found && c->previous_known &&
      S->get_cycle(e->store->inst, pc.id, on_last_cycle, &pc, &found, &err))
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading cycles: ");
  if (!found)
    return MJ_OK;
  mj_figset before = {0};
  int rc = S->scan_results(e->store->inst, pc.id, on_result, &before, &err);
  if (rc == MJ_OK)
    mj__figset_compare(&c->figs, &before);
  mj__figset_free(&before);
  /* Which cycle the changes are against, for the report's heading: a
  ** figure of scorer "cycle", metric "previous", value its id, label its
  ** name. */
  mj_result_rec r = {.cycle = c->id,
                     .scorer = "cycle",
                     .metric = "previous",
                     .segment = "all",
                     .value = (double)pc.id,
                     .ci_low = NAN,
                     .ci_high = NAN,
                     .label = pc.name,
                     .delta = NAN,
                     .p_change = NAN};
  if (rc == MJ_OK && mj__figset_add(&c->figs, &r) != MJ_OK)
    rc = MJ_ENOMEM;
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  return rc == MJ_OK ? MJ_OK
                     : mj__seterr_from(e, &err, MJ_ESTORE, "reading results: ");
}

/* Does qn have a text question? */
static int has_text(const mj_questionnaire *qn)
{
  for (size_t i = 0; i < qn->n_questions; i++)
    if (qn->questions[i].kind == MJ_Q_TEXT)
      return 1;
  return 0;
}

/* The comments kept as the store's rows (strings borrowed from c), in
** *out to free, how many in *n; MJ_ENOMEM or MJ_OK. */
static int comment_rows(const cycle_run *c, mj_comment_rec **out, size_t *n)
{
  const mj_comments *k = c->comments;
  *out = NULL;
  *n = 0;
  if (!k)
    return MJ_OK;
  size_t cap = MJ_COMMENTS_MOST + 1;
  for (size_t i = 0; i < k->n_qs; i++)
    cap += 1 + k->qs[i].n;
  mj_comment_rec *v = calloc(cap, sizeof *v);
  if (!v)
    return MJ_ENOMEM;
  for (size_t i = 0; i < k->n_qs; i++) {
    const mj_comment_q *cq = &k->qs[i];
    mj_comment_rec r = {.cycle = c->id, .questionnaire = cq->qn->id,
                        .question = cq->q->id, .list = "count",
                        .n = cq->count, .keep = (int64_t)k->keep};
    v[(*n)++] = r;
    for (size_t j = 0; j < cq->n; j++)
      v[(*n)++] = (mj_comment_rec){
          .cycle = c->id, .questionnaire = cq->qn->id, .question = cq->q->id,
          .list = "latest", .rank = (int64_t)j,
          .response = cq->latest[j].response,
          .submitted_at = cq->latest[j].submitted_at,
          .text = cq->latest[j].text};
  }
  for (size_t j = 0; j < k->n_most; j++) {
    const mj_comment *x = &k->most[j];
    v[(*n)++] = (mj_comment_rec){
        .cycle = c->id, .questionnaire = x->from->qn->id,
        .question = x->from->q->id, .list = "most", .rank = (int64_t)j,
        .response = x->response, .submitted_at = x->submitted_at,
        .text = x->text};
  }
  *out = v;
  return MJ_OK;
}

/* The comments kept, replacing those stored before for this cycle (none
** when the scan could not keep them), in the results' transaction. */
static int store_comments(cycle_run *c, mj_error *err)
{
  mj_engine *e = c->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (!MJ__HAS_OP(S, put_comments))
    return MJ_OK;
  mj_comment_rec *v;
  size_t n;
  if (comment_rows(c, &v, &n) != MJ_OK)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  int rc = S->put_comments(e->store->inst, c->id, v, n, err);
  free(v);
  return rc;
}

static int store_figures(cycle_run *c)
{
  mj_engine *e = c->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0}, ignored;
  if (S->begin(e->store->inst, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "storing results: ");
  for (size_t i = 0; i < c->figs.n; i++)
    if (S->put_result(e->store->inst, &c->figs.items[i], &err) != MJ_OK) {
      S->rollback(e->store->inst, &ignored);
      return mj__seterr_from(e, &err, MJ_ESTORE, "storing results: ");
    }
  if (store_comments(c, &err) != MJ_OK) {
    S->rollback(e->store->inst, &ignored);
    return mj__seterr_from(e, &err, MJ_ESTORE, "storing results: ");
  }
  if (S->commit(e->store->inst, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "storing results: ");
  return MJ_OK;
}

/* ---- questionnaire versions and pilot responses ----------------------- */

static int add_event(cycle_run *c, const char *kind, int severity,
                     const char *subject, const char *message,
                     const mj_meta *meta, size_t n_meta);

typedef struct vload {
  scan_ctx *sc;
  const char *fp;     /* the present structure's fingerprint */
  int current;        /* its stored version, or 0 */
  int newest;
  const char **was;   /* per question: the type it had before, or NULL */
  int oom;
} vload;

/* One stored version: the questions whose type differs from the
** playbook's present one are left out of that version's responses. */
static int on_version(void *ud, int version, const char *fingerprint,
                      const char *structure, int64_t created_at)
{
  vload *x = ud;
  scan_ctx *sc = x->sc;
  const mj_questionnaire *qn = sc->qn;
  (void)created_at;
  if (version > x->newest)
    x->newest = version;
  if (fingerprint && strcmp(fingerprint, x->fp) == 0)
    x->current = version;
  if (version <= 0 || version > 1000000 || !structure)
    return MJ_OK;
  json_t *doc = json_loads(structure, 0, NULL);
  size_t i;
  json_t *o;
  json_array_foreach(doc, i, o)
  {
    const char *id = json_string_value(json_object_get(o, "id"));
    const char *type = json_string_value(json_object_get(o, "type"));
    const mj_question *q = id ? mj__model_question(qn, id) : NULL;
    if (!q || !type || !q->type || strcmp(type, q->type) == 0)
      continue;
    size_t k = (size_t)(q - qn->questions);
    if ((size_t)version >= sc->n_vskip) {
      unsigned char **v =
          realloc(sc->vskip, ((size_t)version + 1) * sizeof *v);
      if (!v) {
        x->oom = 1;
        break;
      }
      memset(v + sc->n_vskip, 0,
             ((size_t)version + 1 - sc->n_vskip) * sizeof *v);
      sc->vskip = v;
      sc->n_vskip = (size_t)version + 1;
    }
    if (!sc->vskip[version] &&
        !(sc->vskip[version] = calloc(qn->n_questions, 1))) {
      x->oom = 1;
      break;
    }
    sc->vskip[version][k] = 1;
    x->was[k] = mj__arena_strdup(&sc->c->arena, type);
  }
  json_decref(doc);
  return x->oom ? MJ_ENOMEM : MJ_OK;
}

/* A note for the report: a figure of scorer "cycle", metric "note". */
static int add_note(cycle_run *c, const char *questionnaire,
                    const char *question, uint64_t n, const char *text)
{
  mj_result_rec r = {.cycle = c->id,
                     .scorer = "cycle",
                     .metric = "note",
                     .questionnaire = questionnaire,
                     .question = question,
                     .segment = "all",
                     .n = n,
                     .value = (double)n,
                     .ci_low = NAN,
                     .ci_high = NAN,
                     .label = text,
                     .delta = NAN,
                     .p_change = NAN};
  return mj__figset_add(&c->figs, &r);
}

/*
** A scorer the cycle runs that found nothing to score says so in the
** report's notes and the log, with what it reads, rather than leaving the
** reader to wonder why its figures are missing.
*/
static int note_unscored(cycle_run *c, const mj_instance *in)
{
  const mj_scorer_ops *ops = in->ops;
  char what[300] = "";
  size_t k = 0;
  if (ops->score) {
    k += (size_t)snprintf(what, sizeof what, "questions of type");
    for (size_t i = 0; ops->qtypes && ops->qtypes[i] && k < sizeof what; i++)
      k += (size_t)snprintf(what + k, sizeof what - k, "%s %s",
                            i ? " or" : "", ops->qtypes[i]);
  }
  if ((ops->score_matrix || ops->stream_open) && k < sizeof what)
    k += (size_t)snprintf(what + k, sizeof what - k,
                          "%squestions tagged for it", k ? ", " : "");
  if (ops->score_customers && k < sizeof what)
    snprintf(what + k, sizeof what - k,
             "%scustomers over the cycle's period (declare a period)",
             k ? ", " : "");
  char msg[512];
  snprintf(msg, sizeof msg,
           "scorer %s found nothing to score: it reads %s, and this cycle "
           "has no answers to any (doc/scorers.md lists what each scorer "
           "reads)",
           in->name, what);
  mj__log(c->e, MJ_LOG_WARN, "cycle %s: %s", c->decl->id, msg);
  if (add_note(c, NULL, NULL, 0, msg) != MJ_OK)
    return mj__seterr(c->e, MJ_ENOMEM, "out of memory");
  return MJ_OK;
}

/* Read qn's versions before its scan (no-op for a store without them). */
static int versions_load(scan_ctx *sc, vload *x)
{
  mj_engine *e = sc->c->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  sc->ext = MJ__HAS_OP(S, scan_questionnaire_versions);
  if (!sc->ext)
    return MJ_OK;
  char fp[17];
  char *structure = mj__questionnaire_structure(sc->qn, fp);
  size_t nq = sc->qn->n_questions ? sc->qn->n_questions : 1;
  sc->vleft = calloc(nq, sizeof *sc->vleft);
  x->was = calloc(nq, sizeof *x->was);
  if (!structure || !sc->vleft || !x->was) {
    free(structure);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  free(structure);
  x->sc = sc;
  x->fp = fp;
  mj_error err = {0};
  int rc = S->scan_questionnaire_versions(e->store->inst, sc->qn->id,
                                          on_version, x, &err);
  x->fp = NULL;
  if (rc == MJ_ENOMEM)
    return mj__seterr(e, rc, "out of memory");
  if (rc != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE,
                           "reading questionnaire versions: ");
  return MJ_OK;
}

/* After qn's scan: say what was left out, in the figures (for the report),
** as events (for the notifiers) and in the log; then free the tables. */
static int versions_done(scan_ctx *sc, vload *x, int rc)
{
  cycle_run *c = sc->c;
  const mj_questionnaire *qn = sc->qn;
  int version = x->current ? x->current : x->newest + 1;
  for (size_t i = 0; rc == MJ_OK && sc->vleft && i < qn->n_questions; i++) {
    if (!sc->vleft[i])
      continue;
    const mj_question *q = &qn->questions[i];
    char msg[400], subject[200];
    snprintf(msg, sizeof msg,
             "question %s changed type in version %d (%s before, %s now): "
             "%llu earlier answer(s) left out",
             q->id, version, x->was[i] ? x->was[i] : "?", q->type,
             (unsigned long long)sc->vleft[i]);
    snprintf(subject, sizeof subject, "Questionnaire '%s' changed", qn->id);
    mj_meta meta[] = {{"questionnaire", qn->id}, {"question", q->id}};
    mj__log(c->e, MJ_LOG_WARN, "%s: %s", qn->id, msg);
    if (add_note(c, qn->id, q->id, sc->vleft[i], msg) != MJ_OK ||
        add_event(c, "cycle.warning", MJ_LOG_WARN, subject, msg, meta, 2) !=
            MJ_OK)
      rc = mj__seterr(c->e, MJ_ENOMEM, "out of memory");
  }
  if (rc == MJ_OK && sc->pilot_left) {
    char msg[200];
    snprintf(msg, sizeof msg,
             "%llu pilot response(s) left out (include_pilot = true counts "
             "them)",
             (unsigned long long)sc->pilot_left);
    mj__log(c->e, MJ_LOG_INFO, "%s: %s", qn->id, msg);
    if (add_note(c, qn->id, NULL, sc->pilot_left, msg) != MJ_OK)
      rc = mj__seterr(c->e, MJ_ENOMEM, "out of memory");
  }
  for (size_t v = 0; v < sc->n_vskip; v++)
    free(sc->vskip[v]);
  free(sc->vskip);
  free(sc->vleft);
  free(x->was);
  return rc;
}

/*
** A cycle that no response belongs to says where the stored ones are, in
** the report's notes, the log and to the notifiers: a wave that names no
** cycle is a typo or a cycle not declared yet.
*/
static int note_empty(cycle_run *c)
{
  if (c->n_own || c->every)
    return MJ_OK;
  uint64_t total = 0;
  for (size_t i = 0; i < c->n_others; i++)
    total += c->others[i].n;
  char *msg = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&msg, &len);
  if (!f)
    return mj__seterr(c->e, MJ_ENOMEM, "out of memory");
  if (total == 0)
    fprintf(f,
            "no response belongs to cycle \"%s\": none is stored yet "
            "(import some with 'mejora import', or give the cycle an "
            "import)",
            c->decl->id);
  else
    fprintf(f, "no response belongs to cycle \"%s\": %llu stored, in ",
            c->decl->id, (unsigned long long)total);
  for (size_t i = 0; i < c->n_others; i++)
    fprintf(
        f, *c->others[i].wave ? "%swave \"%s\" (%llu)" : "%s%sno wave (%llu)",
        i ? ", " : "", c->others[i].wave, (unsigned long long)c->others[i].n);
  if (total)
    fprintf(f, "; a response belongs to the cycle its wave names (see "
               "CYCLES in mejora(1))");
  int bad = fclose(f) != 0 || !msg;
  int rc = MJ_OK;
  if (!bad) {
    char subject[300];
    snprintf(subject, sizeof subject, "Cycle '%s' has no responses",
             c->decl->id);
    mj_meta meta[] = {{"cycle", c->decl->id}};
    mj__log(c->e, MJ_LOG_WARN, "%s", msg);
    if (add_note(c, NULL, NULL, 0, msg) != MJ_OK ||
        add_event(c, "cycle.warning", MJ_LOG_WARN, subject, msg, meta, 1) !=
            MJ_OK)
      bad = 1;
  }
  if (bad)
    rc = mj__seterr(c->e, MJ_ENOMEM, "out of memory");
  free(msg);
  return rc;
}

static int analyse(cycle_run *c)
{
  mj_engine *e = c->e;
  const mj_model *m = e->model;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  int rc = build_subjects(c);
  if (rc != MJ_OK)
    return mj__seterr(e, rc, "out of memory");
  mj_instance **scorers = NULL;
  size_t n_scorers = 0;
  if ((rc = cycle_scorers(c, &scorers, &n_scorers)) != MJ_OK)
    return rc;
  /* Tables of whole responses cost memory: build them only for a
  ** scorer that reads them, and not at all when every such scorer
  ** streams: the rows then go to them as the scan reads them. */
  int want_tables = 0, all_stream = 1;
  for (size_t i = 0; i < n_scorers; i++) {
    const mj_scorer_ops *ops = scorers[i]->ops;
    if (ops->score_matrix || ops->stream_open) {
      want_tables = 1;
      all_stream &= ops->stream_open != NULL;
    }
  }
  int live = want_tables && all_stream;
  mj_qmatrix **tables = calloc(m->n_questionnaires + 1, sizeof *tables);
  mj_qlive **lives = calloc(m->n_questionnaires + 1, sizeof *lives);
  mj_tally **tallies = calloc(m->n_questionnaires + 1, sizeof *tallies);
  if (!tables || !lives || !tallies) {
    free(tables);
    free(lives);
    free(tallies);
    free(scorers);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  subj *qs = c->subjects;
  subj *reqs = c->subjects + (c->n_subjects - m->n_requirements);
  /* Segment slot 0 is "all", which every answer joins. */
  if (segtab_slot(c, "all") != 0)
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  /* The report's comments, kept in this scan where the store keeps them
  ** (and reads whole responses), so the report need not scan again. */
  if (rc == MJ_OK && MJ__HAS_OP(S, put_comments) &&
      MJ__HAS_OP(S, scan_responses) &&
      mj__comments_new(m, mj__comments_keep(m, c->decl->id),
                       &c->comments) != MJ_OK)
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  for (size_t i = 0; rc == MJ_OK && i < m->n_questionnaires; i++) {
    scan_ctx sc = {.c = c, .qn = &m->questionnaires[i], .first = qs,
                   .reqs = reqs};
    if (live ? mj__qlive_new(sc.qn, scorers, n_scorers,
                                   !(e->opts.flags & MJ_ONE_THREAD), &lives[i]) != MJ_OK
             : want_tables && mj__qmatrix_new(sc.qn, &tables[i]) != MJ_OK) {
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
      break;
    }
    int64_t stored = 0;
    mj_error ignored;
    if (tables[i] && MJ_STORE_OPS(e)->count_responses(
                         e->store->inst, sc.qn->id, &stored, &ignored) ==
                         MJ_OK &&
        stored > 0)
      mj__qmatrix_expect(tables[i], (size_t)stored);
    sc.live = lives[i];
    sc.matrix = lives[i] ? mj__qlive_table(lives[i]) : tables[i];
    if (mj__tally_new(sc.qn, &tallies[i]) != MJ_OK) {
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
      break;
    }
    sc.tally = tallies[i];
    if (scan_tables(&sc) != MJ_OK) {
      free(sc.qsubj);
      free(sc.qreq);
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
      break;
    }
    vload vl = {0};
    if ((rc = versions_load(&sc, &vl)) != MJ_OK) {
      versions_done(&sc, &vl, rc);
      free(sc.qsubj);
      free(sc.qreq);
      break;
    }
    if (c->comments && has_text(sc.qn) &&
        !(sc.text = mj__comments_index(c->comments, sc.qn)))
      rc = MJ_ENOMEM;
    mj_error err = {0};
    if (rc == MJ_OK && MJ__HAS_OP(S, scan_responses))
      rc = S->scan_responses(e->store->inst, sc.qn->id, on_response, &sc,
                             &err);
    else if (rc == MJ_OK)
      rc = S->scan_answers(e->store->inst, sc.qn->id, on_answer, &sc, &err);
    if (rc == MJ_OK && sc.live)
      rc = mj__qlive_finish(sc.live);
    free(sc.text);
    if (rc == MJ_ENOMEM)
      rc = mj__seterr(e, rc, "out of memory reading answers");
    else if (rc != MJ_OK)
      rc = mj__seterr_from(e, &err, MJ_ESTORE, "reading answers: ");
    rc = versions_done(&sc, &vl, rc);
    free(sc.qsubj);
    free(sc.qreq);
    qs += sc.qn->n_questions;
  }
  for (size_t j = 0; j < c->n_subjects; j++)
    for (size_t k = 0; k < c->subjects[j].nb; k++)
      bucket_settle(&c->subjects[j].b[k]);
  if (rc == MJ_OK)
    rc = note_empty(c);
  for (size_t i = 0; rc == MJ_OK && i < n_scorers; i++) {
    size_t before = c->figs.n;
    for (size_t j = 0; rc == MJ_OK && j < c->n_subjects; j++)
      rc = score_subject(c, scorers[i], &c->subjects[j]);
    if (rc == MJ_OK && want_tables)
      rc = score_matrices(c, scorers[i], tables, lives, m->n_questionnaires);
    if (rc == MJ_OK)
      rc = score_customer_base(c, scorers[i]);
    if (rc == MJ_OK && c->figs.n == before)
      rc = note_unscored(c, scorers[i]);
  }
  /* Distributions once per subject, whichever scorers scored it. */
  for (size_t j = 0; rc == MJ_OK && j < c->n_subjects; j++)
    rc = put_distribution(c, scorers, n_scorers, &c->subjects[j]);
  for (size_t i = 0; rc == MJ_OK && i < m->n_questionnaires; i++)
    if (mj__tally_figures(tallies[i], c->id, c->decl->min_n, &c->figs) !=
        MJ_OK)
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  for (size_t i = 0; i < m->n_questionnaires; i++) {
    mj__qmatrix_free(tables[i]);
    mj__qlive_free(lives[i]);
    mj__tally_free(tallies[i]);
  }
  free(tables);
  free(lives);
  free(tallies);
  free(scorers);
  if (rc == MJ_OK)
    rc = compare_previous(c);
  if (rc == MJ_OK)
    rc = customers_joined(c);
  return rc == MJ_OK ? store_figures(c) : rc;
}

/* ---- improve ------------------------------------------------------------ */

static int add_event(cycle_run *c, const char *kind, int severity,
                     const char *subject, const char *message,
                     const mj_meta *meta, size_t n_meta)
{
  mj_event *v = realloc(c->events, (c->n_events + 1) * sizeof *v);
  if (!v)
    return MJ_ENOMEM;
  c->events = v;
  mj_arena *a = &c->arena;
  mj_meta *m = n_meta ? mj__arena_alloc(a, n_meta * sizeof *m) : NULL;
  for (size_t i = 0; m && i < n_meta; i++) {
    m[i].key = mj__arena_strdup(a, meta[i].key);
    m[i].value = mj__arena_strdup(a, meta[i].value);
  }
  mj_event ev = {mj__arena_strdup(a, kind), severity, mj__now(c->e),
                 mj__arena_strdup(a, subject), mj__arena_strdup(a, message),
                 m, n_meta};
  if (!ev.kind || !ev.subject || !ev.message || (n_meta && !m))
    return MJ_ENOMEM;
  c->events[c->n_events++] = ev;
  return MJ_OK;
}

typedef struct plan_state {
  char status[32];
  int found;
} plan_state;

static int on_plan(void *ud, const mj_plan_rec *p)
{
  plan_state *st = ud;
  st->found = 1;
  snprintf(st->status, sizeof st->status, "%s", p->status ? p->status : "");
  return MJ_OK;
}

/* The plan's actions, each owned by the plan's owner until reassigned. */
static char *actions_json(const mj_plan *p, int64_t due_at)
{
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < p->n_actions; i++)
    if (json_array_append_new(arr, json_pack("{s:s, s:s?, s:o, s:s}", "text",
                                             p->actions[i], "owner",
                                             p->owner, "due_at",
                                             mj__json_time(due_at), "status",
                                             "open")) != 0) {
      json_decref(arr);
      return NULL;
    }
  char *s = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
  json_decref(arr);
  return s;
}

static int open_plan(cycle_run *c, const mj_plan *p, const char *evidence)
{
  mj_engine *e = c->e;
  int64_t now = mj__now(e);
  int64_t due_at = now + (int64_t)p->due_days * 86400;
  char *actions = actions_json(p, due_at);
  if (!actions)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  mj_plan_rec rec = {p->id,    "open", p->owner, due_at,   c->id,
                     now,      now,    evidence, actions, NULL};
  char subject[256], message[512], due[32], cyc[32];
  snprintf(subject, sizeof subject, "Plan '%s' opened", p->id);
  snprintf(due, sizeof due, "%lld", (long long)due_at);
  snprintf(cyc, sizeof cyc, "%lld", (long long)c->id);
  snprintf(message, sizeof message,
           "Plan '%s' opened for %s, due in %d days, %zu action(s); "
           "evidence: %s",
           p->id, p->owner ? p->owner : "(no owner)", p->due_days,
           p->n_actions, evidence);
  mj_meta meta[] = {{"plan", p->id},
                    {"owner", p->owner ? p->owner : ""},
                    {"due_at", due},
                    {"cycle", cyc}};
  /* The opening and its message in one transaction; a store without an
  ** outbox has the cycle deliver the event at once. */
  mj_event ev = {"plan.opened", MJ_LOG_WARN, now, subject, message, meta, 4};
  mj_plan_msg msg = {&ev, (const char *const *)c->decl->notify,
                     c->decl->n_notify};
  int ready = mj__outbox_ready(e);
  int rc = mj__plan_save(e, &rec, c->id, "opened", evidence,
                         ready ? &msg : NULL, "opening plan: ");
  free(actions);
  if (rc != MJ_OK)
    return rc;
  if (!ready &&
      add_event(c, "plan.opened", MJ_LOG_WARN, subject, message, meta, 4))
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  mj__log(e, MJ_LOG_INFO, "%s (owner %s)", subject,
          p->owner ? p->owner : "none");
  return MJ_OK;
}

static int review_event(void *ud, const char *kind, int severity,
                        const char *subject, const char *message,
                        const mj_meta *meta, size_t n_meta)
{
  return add_event(ud, kind, severity, subject, message, meta, n_meta) ==
                 MJ_OK
             ? MJ_OK
             : mj__seterr(((cycle_run *)ud)->e, MJ_ENOMEM, "out of memory");
}

static int notify(cycle_run *c, int last);

static int improve(cycle_run *c)
{
  mj_engine *e = c->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  /* Plans already open first: verify, escalate or flag them. */
  int rrc = mj__plans_review(e, c->id, c->decl, &c->figs, review_event, c);
  if (rrc != MJ_OK)
    return rrc;
  for (size_t i = 0; i < e->model->n_plans; i++) {
    const mj_plan *p = &e->model->plans[i];
    plan_state st = {{0}, 0};
    mj_error err = {0};
    if (S->scan_plans(e->store->inst, p->id, on_plan, &st, &err) != MJ_OK)
      return mj__seterr_from(e, &err, MJ_ESTORE, "reading plans: ");
    if (st.found && strcmp(st.status, "closed") != 0) {
      mj__log(e, MJ_LOG_DEBUG, "plan '%s' is already %s", p->id, st.status);
      continue;
    }
    /* Never reopen on the evidence that closed it, or older. */
    if (st.found && !mj__plan_may_reopen(e, p->id, c->id))
      continue;
    int fired = 0;
    char *evidence = NULL;
    int rc = mj__trigger_eval(e, p, &c->figs, &fired, &evidence);
    if (rc != MJ_OK) {
      /* One broken trigger must not stop the others: report and go on. */
      mj__log(e, MJ_LOG_ERROR, "plan '%s' not evaluated: %s", p->id,
              mj_errmsg(e));
      char subject[256];
      snprintf(subject, sizeof subject, "Plan '%s' trigger failed", p->id);
      mj_meta meta[] = {{"plan", p->id}};
      mj_error kept = e->err;
      int arc = add_event(c, "plan.trigger_error", MJ_LOG_ERROR, subject,
                          mj_errmsg(e), meta, 1);
      free(evidence);
      if (arc != MJ_OK)
        return mj__seterr(e, MJ_ENOMEM, "out of memory");
      if (rc == MJ_ETIMEOUT || rc == MJ_ELIMIT) {
        /*
        ** But a trigger that ran out of time or memory fails the cycle:
        ** the playbook is broken, and each later trigger could cost the
        ** whole limit again. Send what was found so far, this failure
        ** included, then let the cycle close as failed with its message.
        */
        notify(c, 0);
        e->err = kept;
        return rc;
      }
      mj__clearerr(e);
      continue;
    }
    rc = fired ? open_plan(c, p, evidence ? evidence : "[]") : MJ_OK;
    free(evidence);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

/* ---- notify ------------------------------------------------------------- */

static int notifier_wanted(const mj_cycle_decl *d, const char *name)
{
  if (d->n_notify == 0)
    return 1;
  for (size_t i = 0; i < d->n_notify; i++)
    if (strcmp(d->notify[i], name) == 0)
      return 1;
  return 0;
}

/*
** Queue every event for every notifier it is for, in one transaction
** that, for the cycle's last phase (last), also closes the cycle as done:
** the cycle and its messages are stored together or not at all (the
** close after the run then only says "done" again). Plan events are not
** among them: each went with its plan's change.
*/
static int queue_events(cycle_run *c, int last)
{
  mj_engine *e = c->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0}, ignored;
  /* Reminders fall due with time, whether the cycle has events or not;
  ** one that cannot be queued waits for the next delivery. */
  size_t reminders = 0;
  mj_error before = e->err;
  if (mj__invite_remind(e, &reminders) != MJ_OK) {
    mj__log(e, MJ_LOG_ERROR, "reminders not queued: %s", mj_errmsg(e));
    e->err = before;
  }
  if (c->n_events == 0 && reminders == 0 && !c->queued)
    return MJ_OK;
  if (S->begin(e->store->inst, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "queueing notifications: ");
  int rc = MJ_OK;
  for (size_t k = 0; rc == MJ_OK && k < c->n_events; k++)
    for (size_t i = 0; rc == MJ_OK && i < e->n_instances; i++) {
      mj_instance *in = e->instances[i];
      if (in->desc->kind == MJ_KIND_NOTIFIER &&
          notifier_wanted(c->decl, in->name))
        rc = mj__outbox_put(e, c->id, k, in->name, &c->events[k], &err);
    }
  if (rc == MJ_OK && last)
    rc = S->cycle_close(e->store->inst, c->id, "done", mj__now(e), &err);
  if (rc == MJ_OK)
    rc = S->commit(e->store->inst, &err);
  if (rc != MJ_OK) {
    S->rollback(e->store->inst, &ignored);
    return mj__seterr_from(e, &err, MJ_ESTORE, "queueing notifications: ");
  }
  return MJ_OK;
}

/*
** Queue the cycle's events, then deliver what is due, these and any
** earlier ones. What delivery meets (a notifier that fails, even a store
** that cannot record it) is logged, not an error of the cycle: the
** messages are safe in the outbox for `mejora deliver`.
*/
static int enqueue(cycle_run *c, int last)
{
  mj_engine *e = c->e;
  int rc = queue_events(c, last);
  if (rc != MJ_OK)
    return rc;
  mj_error kept = e->err;
  mj_outbox_counts n;
  rc = mj__outbox_deliver(e, &n);
  if (rc != MJ_OK)
    mj__log(e, MJ_LOG_ERROR, "notifications queued, not delivered: %s",
            mj_errmsg(e));
  else if (n.retry || n.failed)
    mj__log(e, MJ_LOG_WARN,
            "notifications: %zu sent, %zu to try again, %zu failed "
            "(`mejora outbox` lists them)",
            n.sent, n.retry, n.failed);
  e->err = kept;
  return MJ_OK;
}

static int notify(cycle_run *c, int last)
{
  mj_engine *e = c->e;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  /* Named notifiers that the playbook does not `use` get default ones. */
  for (size_t i = 0; i < c->decl->n_notify; i++)
    if (!mj__instance_by_name(e, MJ_KIND_NOTIFIER, c->decl->notify[i])) {
      mj_error inner = e->err;
      char ctx[300];
      snprintf(ctx, sizeof ctx, "%s:%d: cycle \"%s\": notifier '%s': ",
               c->decl->pos.file, c->decl->pos.line, c->decl->id,
               c->decl->notify[i]);
      return mj__seterr_from(e, &inner, MJ_ENOTFOUND, ctx);
    }
  if (mj__outbox_ready(e))
    return enqueue(c, last);
  for (size_t k = 0; k < c->n_events; k++)
    for (size_t i = 0; i < e->n_instances; i++) {
      mj_instance *in = e->instances[i];
      if (in->desc->kind != MJ_KIND_NOTIFIER ||
          !notifier_wanted(c->decl, in->name))
        continue;
      const mj_notifier_ops *ops = in->ops;
      mj_error err = {0}, serr = {0};
      int rc = ops->notify(in->inst, &c->events[k], &err);
      const char *status = rc == MJ_OK      ? "sent"
                           : rc == MJ_RETRY ? "retry"
                                            : "failed";
      if (rc < 0)
        mj__log(e, MJ_LOG_ERROR, "notifier %s failed: %s", in->name,
                err.msg[0] ? err.msg : mj_strerror(rc));
      /* A failing notifier never aborts the cycle; the outcome is kept. */
      if (S->put_notification(e->store->inst, c->id, in->name, &c->events[k],
                              status, rc == MJ_OK ? NULL : err.msg,
                              &serr) != MJ_OK)
        return mj__seterr_from(e, &serr, MJ_ESTORE, "recording notice: ");
    }
  return MJ_OK;
}

/* ---- the cycle ---------------------------------------------------------- */

static const mj_cycle_decl default_cycle = {.id = "default",
                                            .pos = {"", 0},
                                            .by_segment = 1};

/* A finished cycle named again without MJ_CYCLE_RERUN: say when it ran,
** how to run it again, and which cycle may be the one meant. */
static int already_ran(mj_engine *e, const mj_cycle_decl *d,
                       const mj_cycle_runs *runs, int named)
{
  const mj_model *m = e->model;
  long k = mj__cycle_index(m, d->id);
  json_t *when = mj__json_time(runs->finished_at);
  char next[300];
  if (k >= 0 && (size_t)k + 1 < m->n_cycles)
    snprintf(next, sizeof next, "; the next declared cycle is \"%s\"",
             m->cycles[k + 1].id);
  else
    snprintf(next, sizeof next, "; declare the next cycle in the playbook");
  int rc = mj__seterr(
      e, MJ_ECONFLICT,
      "%s:%d: cycle \"%s\" already ran (stored cycle %lld, finished %s)%s: "
      "run it again with --rerun (MJ_CYCLE_RERUN), which replaces its "
      "results%s",
      d->pos.file, d->pos.line, d->id, (long long)runs->done,
      json_string_value(when) ? json_string_value(when) : "-",
      named ? ""
            : " and is the current cycle (the latest declared whose period "
              "has started)",
      next);
  json_decref(when);
  return rc;
}

int mj_cycle_run(mj_engine *e, const char *name, int64_t *cycle_id)
{
  return mj_cycle_run_ex(e, name, 0, cycle_id);
}

int mj_cycle_run_ex(mj_engine *e, const char *name, unsigned flags,
                    int64_t *cycle_id)
{
  if (!e)
    return MJ_EINVAL;
  mj__clearerr(e);
  if (!e->model)
    return mj__seterr(e, MJ_EINVAL, "no playbook loaded");
  if (flags & ~MJ_CYCLE_RERUN)
    return mj__seterr(e, MJ_EINVAL, "mj_cycle_run_ex: unknown flags %#x",
                      flags & ~MJ_CYCLE_RERUN);
  cycle_run c = {0};
  c.e = e;
  if (name) {
    c.decl = mj__model_cycle(e->model, name);
    if (!c.decl)
      return mj__seterr(e, MJ_ENOTFOUND, "%s: no cycle \"%s\" declared",
                        e->model->file, name);
  } else {
    c.decl = mj__cycle_current(e->model, mj__now(e));
    if (!c.decl)
      c.decl = &default_cycle;
  }
  c.every = e->model->n_cycles == 0;
  /* Everything refused before the cycle starts is refused before the
  ** store is opened, as `mejora check` refuses it (check.c). */
  int rc = mj__cycle_check(e, c.decl);
  if (rc == MJ_OK)
    rc = mj__store_ensure(e);
  if (rc != MJ_OK)
    return rc;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  /* A declared cycle runs once; a re-run takes its place. */
  mj_cycle_runs runs = {0};
  if (!c.every && (rc = mj__cycle_runs(e, c.decl->id, &runs)) != MJ_OK)
    return rc;
  c.previous = runs.previous;
  c.previous_known = runs.known;
  if (runs.done && !(flags & MJ_CYCLE_RERUN))
    return already_ran(e, c.decl, &runs, name != NULL);
  /* The run to replace: the finished one, or a failed one after it (a
  ** run left "running" may still be running elsewhere: it stays). */
  int64_t again = runs.failed > runs.done ? runs.failed : runs.done;
  if (again && MJ__HAS_OP(S, cycle_reopen)) {
    if (S->cycle_reopen(e->store->inst, again, mj__now(e), &err))
      return mj__seterr_from(e, &err, MJ_ESTORE, "reopening cycle: ");
    c.id = again;
    mj__log(e, MJ_LOG_INFO, "cycle %lld \"%s\" runs again, in place",
            (long long)c.id, c.decl->id);
  } else {
    if (S->cycle_open(e->store->inst, c.decl->id, mj__now(e), &c.id, &err))
      return mj__seterr_from(e, &err, MJ_ESTORE, "opening cycle: ");
    mj__log(e, MJ_LOG_INFO, "cycle %lld \"%s\" started", (long long)c.id,
            c.decl->id);
  }

  rc = measure(&c);
  if (rc == MJ_OK)
    rc = analyse(&c);
  /* A failed analysis joins here; the customers' error comes first, as
  ** it would have come first with one thread. */
  int jrc = c.aside ? customers_joined(&c) : MJ_OK;
  if (jrc != MJ_OK)
    rc = jrc;
  /* Complaints, audits and the service standard of this cycle's wave,
  ** before the plans so their triggers can read them. */
  if (rc == MJ_OK)
    rc = mj__service_figures(e, c.id, c.decl->id, &c.figs);
  /* Cases past due escalate first, so the figures count what is now. */
  size_t escalated = 0;
  if (rc == MJ_OK)
    rc = mj__cases_escalate(e, &escalated);
  if (rc == MJ_OK)
    rc = mj__cases_figures(e, c.id, c.every ? NULL : c.decl, &c.figs);
  c.queued = escalated;
  if (rc == MJ_OK)
    rc = improve(&c);
  if (rc == MJ_OK)
    rc = notify(&c, 1);

  /* Keep the first error's message; closing must not overwrite it. */
  mj_error kept = e->err, cerr = {0};
  int crc = S->cycle_close(e->store->inst, c.id, rc == MJ_OK ? "done"
                                                             : "failed",
                           mj__now(e), &cerr);
  if (rc != MJ_OK)
    e->err = kept;
  else if (crc != MJ_OK)
    rc = mj__seterr_from(e, &cerr, MJ_ESTORE, "closing cycle: ");
  if (rc == MJ_OK) {
    mj__log(e, MJ_LOG_INFO, "cycle %lld done: %zu figure(s), %zu event(s)",
            (long long)c.id, c.figs.n, c.n_events);
    if (cycle_id)
      *cycle_id = c.id;
  }
  for (size_t i = 0; i < c.n_subjects; i++) {
    for (size_t j = 0; j < c.subjects[i].nb; j++) {
      free(c.subjects[i].b[j].v);
      free(c.subjects[i].b[j].count);
    }
    free(c.subjects[i].b);
    free(c.subjects[i].local);
    free(c.subjects[i].cnt);
  }
  free(c.subjects);
  segtab_free(&c.segs);
  free(c.scratch);
  free(c.events);
  free(c.others);
  mj__comments_free(c.comments);
  mj__figset_free(&c.figs);
  mj__arena_free(&c.arena);
  return rc;
}
