/*
** Response blocks (block.h): the bytes of many responses in one row, and
** the table of ids that makes a unique index in the file unnecessary.
*/
#include <string.h>

#include "block.h"

uint32_t mj__blk_hash(const char *id, size_t len)
{
  uint64_t h = 1469598103934665603u; /* FNV-1a, folded: a stored format */
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)id[i]) * 1099511628211u;
  return (uint32_t)(h ^ (h >> 32));
}

int mj__blk_id_cmp(const char *a, size_t an, const char *b, size_t bn)
{
  if (an != bn)
    return an < bn ? -1 : 1;
  return an ? memcmp(a, b, an) : 0;
}

/* ---- writing ------------------------------------------------------------- */

static int bb_room(const mj_host_api *h, mj_bbuf *b, size_t more)
{
  if (b->len + more <= b->cap)
    return 1;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more)
    cap *= 2;
  unsigned char *p = h->realloc(b->p, cap);
  if (!p)
    return 0;
  b->p = p;
  b->cap = cap;
  return 1;
}

/* Callers made room: at most 10 bytes. */
static void put_varint(mj_bbuf *b, uint64_t v)
{
  while (v >= 0x80) {
    b->p[b->len++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  b->p[b->len++] = (unsigned char)v;
}

static void put_str(mj_bbuf *b, const char *s, size_t n)
{
  if (!s) {
    put_varint(b, 0);
    return;
  }
  put_varint(b, (uint64_t)n + 1);
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len++] = '\0';
}

void mj__blk_writer_init(mj_blk_writer *w, const mj_host_api *host)
{
  memset(w, 0, sizeof *w);
  w->host = host;
}

void mj__blk_writer_reset(mj_blk_writer *w)
{
  w->dict.len = w->data.len = w->ids.len = 0;
  w->n = w->n_dict = 0;
  memset(w->dict_slot, 0, sizeof w->dict_slot);
}

void mj__blk_writer_free(mj_blk_writer *w)
{
  w->host->free(w->dict.p);
  w->host->free(w->data.p);
  w->host->free(w->ids.p);
  w->host->free(w->off);
  mj__blk_writer_init(w, w->host);
}

/* The dict slot of s: its entry (index + 1 in dict_slot) or the empty
** slot where it would go. */
static size_t dict_find(const mj_blk_writer *w, const char *s, size_t n)
{
  size_t j = mj__blk_hash(s, n) & 511u;
  for (; w->dict_slot[j]; j = (j + 1) & 511u) {
    size_t k = w->dict_slot[j] - 1u;
    if (w->dict_len[k] == n &&
        memcmp(w->dict.p + w->dict_off[k], s, n) == 0)
      break;
  }
  return j;
}

static size_t dict_new(const mj_blk_writer *w, const char *s)
{
  return s && !w->dict_slot[dict_find(w, s, strlen(s))];
}

int mj__blk_writer_fits(const mj_blk_writer *w, const mj_blk_rec *r)
{
  if (w->n == 0)
    return 1;
  if (w->n >= BLK_ROWS || w->data.len >= BLK_MAX_BYTES)
    return 0;
  size_t fresh = dict_new(w, r->segment) + dict_new(w, r->wave) +
                 dict_new(w, r->channel);
  return w->n_dict + fresh <= BLK_MAX_DICT;
}

/* The reference to s: 0 for NULL, else its dict index + 1 (added). */
static int dict_ref(mj_blk_writer *w, const char *s, uint64_t *ref)
{
  *ref = 0;
  if (!s)
    return MJ_OK;
  size_t n = strlen(s);
  size_t j = dict_find(w, s, n);
  if (!w->dict_slot[j]) {
    if (w->n_dict == BLK_MAX_DICT || n > UINT32_MAX ||
        !bb_room(w->host, &w->dict, n + 12) || w->dict.len > UINT32_MAX)
      return MJ_ENOMEM; /* fits() keeps the first from happening */
    put_varint(&w->dict, (uint64_t)n + 1);
    w->dict_off[w->n_dict] = (uint32_t)w->dict.len;
    w->dict_len[w->n_dict] = (uint32_t)n;
    memcpy(w->dict.p + w->dict.len, s, n);
    w->dict.len += n;
    w->dict.p[w->dict.len++] = '\0';
    w->dict_slot[j] = (uint16_t)++w->n_dict;
  }
  *ref = w->dict_slot[j];
  return MJ_OK;
}

int mj__blk_writer_add(mj_blk_writer *w, const mj_blk_rec *r)
{
  uint64_t seg, wave, chan;
  if (dict_ref(w, r->segment, &seg) != MJ_OK ||
      dict_ref(w, r->wave, &wave) != MJ_OK ||
      dict_ref(w, r->channel, &chan) != MJ_OK)
    return MJ_ENOMEM;
  size_t idn = strlen(r->id);
  size_t cn = r->customer ? strlen(r->customer) : 0;
  size_t need = idn + cn + r->answers_len + 12 * 10;
  if (w->data.len + need > UINT32_MAX ||
      !bb_room(w->host, &w->data, need) || !bb_room(w->host, &w->ids, 4))
    return MJ_ENOMEM;
  if (w->n % BLK_ROWS == 0) {
    uint32_t *off = w->host->realloc(w->off, (w->n + BLK_ROWS) * sizeof *off);
    if (!off)
      return MJ_ENOMEM;
    w->off = off;
  }
  w->off[w->n] = (uint32_t)w->data.len;
  mj_bbuf *b = &w->data;
  put_str(b, r->id, idn);
  put_str(b, r->customer, cn);
  put_varint(b, seg);
  put_varint(b, wave);
  put_varint(b, chan);
  put_varint(b, (uint64_t)(r->version < 0 ? 0 : r->version));
  uint64_t at = (uint64_t)r->submitted_at;
  put_varint(b, (at << 1) ^ (uint64_t)(r->submitted_at < 0 ? -1 : 0));
  put_varint(b, (uint64_t)(r->source < 0 ? 0 : r->source));
  put_varint(b, (uint64_t)(r->layout < 0 ? 0 : r->layout));
  b->p[b->len++] = (unsigned char)(r->pilot != 0);
  put_varint(b, r->answers_len);
  if (r->answers_len)
    memcpy(b->p + b->len, r->answers, r->answers_len);
  b->len += r->answers_len;
  uint32_t h = mj__blk_hash(r->id, idn);
  for (int i = 0; i < 4; i++)
    w->ids.p[w->ids.len++] = (unsigned char)(h >> (8 * i));
  w->n++;
  return MJ_OK;
}

const char *mj__blk_writer_id(const mj_blk_writer *w, size_t k)
{
  const unsigned char *p = w->data.p + w->off[k];
  while (*p++ & 0x80) /* the id's length: a str is never NULL here */
    ;
  return (const char *)p;
}

/* ---- reading ------------------------------------------------------------- */

/* 0 when the bytes end first or the number is too long. */
static int get_varint(const unsigned char *p, size_t len, size_t *at,
                      uint64_t *v)
{
  uint64_t x = 0;
  for (int shift = 0; shift < 64 && *at < len; shift += 7) {
    unsigned char c = p[(*at)++];
    x |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) {
      *v = x;
      return 1;
    }
  }
  return 0;
}

static int get_str(const unsigned char *p, size_t len, size_t *at,
                   const char **s)
{
  uint64_t n;
  if (!get_varint(p, len, at, &n))
    return 0;
  if (n == 0) {
    *s = NULL;
    return 1;
  }
  if (n - 1 >= len - *at || p[*at + n - 1] != '\0')
    return 0;
  *s = (const char *)p + *at;
  *at += n;
  return 1;
}

int mj__blk_reader_open(mj_blk_reader *rd, const mj_host_api *host,
                        const unsigned char *dict, size_t dict_len,
                        const unsigned char *data, size_t data_len)
{
  rd->data = data;
  rd->len = data_len;
  rd->at = 0;
  rd->n_dict = 0;
  for (size_t at = 0; at < dict_len;) {
    const char *s;
    if (!get_str(dict, dict_len, &at, &s) || !s)
      return 0;
    if (rd->n_dict == rd->dict_cap) {
      size_t cap = rd->dict_cap ? 2 * rd->dict_cap : 32;
      const char **v = host->realloc(rd->dict, cap * sizeof *v);
      if (!v)
        return -1;
      rd->dict = v;
      rd->dict_cap = cap;
    }
    rd->dict[rd->n_dict++] = s;
  }
  return 1;
}

static int get_ref(const mj_blk_reader *rd, size_t *at, const char **s)
{
  uint64_t ref;
  if (!get_varint(rd->data, rd->len, at, &ref) || ref > rd->n_dict)
    return 0;
  *s = ref ? rd->dict[ref - 1] : NULL;
  return 1;
}

int mj__blk_reader_next(mj_blk_reader *rd, mj_blk_rec *r)
{
  if (rd->at == rd->len)
    return 0;
  r->id = NULL; /* set first, so a damaged record can still be named */
  const unsigned char *p = rd->data;
  size_t len = rd->len, at = rd->at;
  uint64_t version, at_z, source, layout, alen;
  if (!get_str(p, len, &at, &r->id) || !r->id ||
      !get_str(p, len, &at, &r->customer) || !get_ref(rd, &at, &r->segment) ||
      !get_ref(rd, &at, &r->wave) || !get_ref(rd, &at, &r->channel) ||
      !get_varint(p, len, &at, &version) || version > INT32_MAX ||
      !get_varint(p, len, &at, &at_z) || !get_varint(p, len, &at, &source) ||
      !get_varint(p, len, &at, &layout) || at >= len || p[at] > 1)
    return -1;
  r->pilot = p[at++];
  if (!get_varint(p, len, &at, &alen) || alen > len - at)
    return -1;
  r->version = (int)version;
  r->submitted_at = (int64_t)(at_z >> 1) ^ -(int64_t)(at_z & 1);
  r->source = (int64_t)source;
  r->layout = (int64_t)layout;
  r->answers = p + at;
  r->answers_len = (size_t)alen;
  rd->at = at + (size_t)alen;
  return 1;
}

void mj__blk_reader_free(mj_blk_reader *rd, const mj_host_api *host)
{
  host->free(rd->dict);
  rd->dict = NULL;
  rd->n_dict = rd->dict_cap = 0;
}

/* ---- the ids of stored blocks, kept to compare with ---------------------- */

const mj_blk_ids *mj__blk_idcache_get(mj_blk_idcache *c, size_t index)
{
  if (index >= c->n_where || c->where[index] < 2)
    return NULL;
  mj_blk_ids *b = &c->v[c->where[index] - 2];
  b->used = ++c->clock;
  return b;
}

static void ids_free(mj_blk_ids *b, const mj_host_api *host)
{
  host->free(b->bytes);
  host->free(b->off);
}

/* The entries leave, the least recently used first, until need more
** bytes fit the budget (one entry always fits: a block of long ids). */
static void make_room(mj_blk_idcache *c, const mj_host_api *host, size_t need)
{
  while (c->n && c->size + need > c->budget) {
    size_t old = 0;
    for (size_t i = 1; i < c->n; i++)
      if (c->v[i].used < c->v[old].used)
        old = i;
    c->size -= c->v[old].size;
    c->where[c->v[old].index] = 1;
    ids_free(&c->v[old], host);
    c->v[old] = c->v[--c->n];
    if (old < c->n)
      c->where[c->v[old].index] = (uint32_t)old + 2;
  }
}

/* Whether block index was read before (then the room grows); -1 out of
** memory. */
static int read_again(mj_blk_idcache *c, const mj_host_api *host,
                      size_t index)
{
  if (index >= c->n_where) {
    size_t n = c->n_where ? 2 * c->n_where : 64;
    while (n <= index)
      n *= 2;
    uint32_t *v = host->realloc(c->where, n * sizeof *v);
    if (!v)
      return -1;
    memset(v + c->n_where, 0, (n - c->n_where) * sizeof *v);
    c->where = v;
    c->n_where = n;
  }
  return c->where[index] != 0;
}

int mj__blk_idcache_put(mj_blk_idcache *c, const mj_host_api *host,
                        int64_t seq, size_t index, const unsigned char *dict,
                        size_t dict_len, const unsigned char *data,
                        size_t data_len, const mj_blk_ids **out)
{
  int again = read_again(c, host, index);
  if (again < 0)
    return -1;
  if (!c->budget)
    c->budget = MJ_BLK_IDS_FIRST;
  else if (again && c->budget < MJ_BLK_IDS_MOST)
    c->budget *= 2;
  mj_blk_reader rd = {0};
  int opened = mj__blk_reader_open(&rd, host, dict, dict_len, data, data_len);
  int got = opened, oom = opened < 0;
  mj_blk_ids b = {.seq = seq, .index = index};
  size_t cap = 0, cap_off = 0;
  mj_blk_rec r;
  while (got > 0 && (got = mj__blk_reader_next(&rd, &r)) > 0) {
    size_t len = strlen(r.id) + 1;
    if (b.size + len > cap) {
      size_t nc = cap ? 2 * cap : 16384;
      while (nc < b.size + len)
        nc *= 2;
      char *v = nc <= UINT32_MAX ? host->realloc(b.bytes, nc) : NULL;
      if (!v) {
        oom = 1;
        break;
      }
      b.bytes = v;
      cap = nc;
    }
    if (b.n == cap_off) {
      size_t nc = cap_off ? 2 * cap_off : BLK_ROWS;
      uint32_t *v = host->realloc(b.off, nc * sizeof *v);
      if (!v) {
        oom = 1;
        break;
      }
      b.off = v;
      cap_off = nc;
    }
    memcpy(b.bytes + b.size, r.id, len);
    b.off[b.n++] = (uint32_t)b.size;
    b.size += len;
  }
  mj__blk_reader_free(&rd, host);
  if (oom || opened == 0 || got < 0) {
    ids_free(&b, host);
    return oom ? -1 : 0;
  }
  b.size += b.n * sizeof *b.off;
  make_room(c, host, b.size);
  if (c->n == c->cap) {
    size_t nc = c->cap ? 2 * c->cap : 64;
    mj_blk_ids *v = nc < UINT32_MAX - 2 ? host->realloc(c->v, nc * sizeof *v)
                                        : NULL;
    if (!v) {
      ids_free(&b, host);
      return -1;
    }
    c->v = v;
    c->cap = nc;
  }
  b.used = ++c->clock;
  c->where[index] = (uint32_t)c->n + 2;
  c->v[c->n] = b;
  c->size += b.size;
  *out = &c->v[c->n++];
  return 1;
}

void mj__blk_idcache_clear(mj_blk_idcache *c, const mj_host_api *host)
{
  for (size_t i = 0; i < c->n; i++)
    ids_free(&c->v[i], host);
  host->free(c->v);
  host->free(c->where);
  memset(c, 0, sizeof *c);
}

/* ---- the id table -------------------------------------------------------- */

/* Where h's probe starts, in a table of cap slots: the hash mixed (the low
** bits of FNV over ids like R0000001, R0000002 cluster) and scaled to cap,
** which need not be a power of two. */
static size_t home(uint32_t h, size_t cap)
{
  uint64_t mixed = ((uint64_t)h * 0x9e3779b97f4a7c15u) >> 32;
  return (size_t)((mixed * (uint64_t)cap) >> 32);
}

int64_t mj__idtab_next(const mj_idtab *t, uint32_t h, size_t *pos)
{
  if (!t->cap)
    return -1;
  size_t j = home(h, t->cap) + *pos;
  if (j >= t->cap)
    j -= t->cap;
  for (; t->slot[j]; j = j + 1 == t->cap ? 0 : j + 1) {
    ++*pos;
    if ((uint32_t)(t->slot[j] >> 32) == h)
      return (int64_t)(t->slot[j] & 0xffffffffu) - 1;
  }
  return -1;
}

void mj__idtab_prefetch(const mj_idtab *t, uint32_t h)
{
#if defined(__GNUC__)
  if (t->cap)
    __builtin_prefetch(&t->slot[home(h, t->cap)]);
#else
  (void)t;
  (void)h;
#endif
}

static void place(uint64_t *slot, size_t cap, uint64_t v)
{
  size_t j = home((uint32_t)(v >> 32), cap);
  while (slot[j])
    j = j + 1 == cap ? 0 : j + 1;
  slot[j] = v;
}

/* A slot whose entry has its place in the grown table (regrow); the
** ordinals stay below it. */
#define MOVED ((uint64_t)1 << 31)

/*
** The table grown to cap slots in place: the array is reallocated (a large
** one is remapped, not copied) and each entry moved to its new place,
** marked MOVED there. An entry found where another's place is is carried
** on and placed in turn, so the old and the new table are never both in
** memory (three million ids peaked at 57 MB of slots, now 34). A placed
** entry probes over MOVED slots only, and those stay filled, so every
** probe path is whole at the end.
*/
static int regrow(mj_idtab *t, const mj_host_api *host, size_t cap)
{
  uint64_t *v = cap <= UINT32_MAX ? host->realloc(t->slot, cap * sizeof *v)
                                  : NULL;
  if (!v)
    return MJ_ENOMEM;
  memset(v + t->cap, 0, (cap - t->cap) * sizeof *v);
  for (size_t i = 0; i < t->cap; i++) {
    uint64_t e = v[i];
    if (!e || (e & MOVED))
      continue;
    v[i] = 0;
    while (e) {
      size_t j = home((uint32_t)(e >> 32), cap);
      while (v[j] & MOVED)
        j = j + 1 == cap ? 0 : j + 1;
      uint64_t carried = v[j]; /* empty, or an entry not moved yet */
      v[j] = e | MOVED;
      e = carried;
    }
  }
  for (size_t i = 0; i < cap; i++)
    v[i] &= ~MOVED;
  t->slot = v;
  t->cap = cap;
  return MJ_OK;
}

int mj__idtab_add(mj_idtab *t, const mj_host_api *host, uint32_t h,
                  uint64_t ordinal)
{
  if (ordinal + 1 >= MOVED)
    return MJ_ENOMEM; /* two billion responses: beyond one store */
  /* Filled to 85% and grown by half: about 10 bytes an id (a million
  ** ids in 9.6 MiB), the probes mostly in one or two cache lines. */
  if (20 * (t->n + 1) > 17 * t->cap &&
      regrow(t, host, t->cap ? t->cap + t->cap / 2 : 4096) != MJ_OK)
    return MJ_ENOMEM;
  place(t->slot, t->cap, (uint64_t)h << 32 | (ordinal + 1));
  t->n++;
  return MJ_OK;
}

void mj__idtab_free(mj_idtab *t, const mj_host_api *host)
{
  host->free(t->slot);
  t->slot = NULL;
  t->n = t->cap = 0;
}
