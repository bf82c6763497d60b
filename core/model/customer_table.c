/*
** The model's customers, compactly: a record of 16 bytes each, their ids
** in one text, the values many of them share in a small table, an index
** by id, and the rest of each packed into a spill.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Shared values are numbered in 16 bits, 0 being none. */
enum { SHARED_MAX = UINT16_MAX };

/* Records whose index slots are fetched ahead of their turn. */
enum { AHEAD = 16 };

/* Rests kept in memory before the spill moves to a file: 1 MiB, the
** customers of about twenty thousand. */
enum { REST_IN_MEMORY = 1 << 20 };

_Static_assert(sizeof(mj_packed_customer) == 16,
               "a customer's record is 16 bytes (model.h)");

static const char *text_at(const mj_customer_table *t, uint32_t off)
{
  return off ? t->text + off : NULL;
}

static const char *shared_at(const mj_customer_table *t, uint16_t k)
{
  return k ? t->shared[k] : NULL;
}

/* Room for n more records: doubling, unless mj__customer_reserve made it. */
static int rec_room(mj_model *m, size_t n)
{
  mj_customer_table *t = &m->customers;
  if (t->cap - m->n_customers >= n)
    return MJ_OK;
  if (n > UINT32_MAX - 1 - m->n_customers)
    return MJ_ELIMIT; /* the index numbers records in 32 bits */
  size_t cap = t->cap ? t->cap : 64;
  while (cap - m->n_customers < n)
    cap *= 2;
  mj_packed_customer *v = mj__arena_regrow(&m->arena, t->v, cap * sizeof *v);
  if (!v)
    return MJ_ENOMEM;
  mj__huge_pages(v, cap * sizeof *v);
  t->v = v;
  t->cap = cap;
  return MJ_OK;
}

/* Room for n more bytes of text, whose offsets must fit in 32 bits. */
static int text_room(mj_model *m, size_t n)
{
  mj_customer_table *t = &m->customers;
  size_t len = t->text ? t->text_len : 1; /* text[0] stands for none */
  if (t->text && t->text_cap - len >= n)
    return MJ_OK;
  if (n > UINT32_MAX - len)
    return MJ_ELIMIT;
  size_t cap = t->text_cap ? t->text_cap : 4096;
  while (cap - len < n)
    cap *= 2;
  char *p = mj__arena_regrow(&m->arena, t->text, cap);
  if (!p)
    return MJ_ENOMEM;
  mj__huge_pages(p, cap);
  if (!t->text)
    p[0] = '\0';
  t->text = p;
  t->text_len = len;
  t->text_cap = cap;
  return MJ_OK;
}

/* s, n bytes and its NUL (room made), into the text: its offset, 0 for
** NULL. */
static uint32_t text_put(mj_customer_table *t, const char *s, size_t n)
{
  if (!s)
    return 0;
  uint32_t off = (uint32_t)t->text_len;
  memcpy(t->text + off, s, n + 1);
  t->text_len += n + 1;
  return off;
}

/* The table by hash with room for one more value, rebuilt when half full
** (a few hundred values at most in practice). */
static int shared_room(mj_model *m)
{
  mj_customer_table *t = &m->customers;
  if (t->n_shared + 1 >= t->shared_cap) {
    size_t cap = t->shared_cap ? t->shared_cap * 2 : 16;
    const char **v = mj__arena_regrow(&m->arena, t->shared, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    if (!t->shared)
      v[0] = NULL;
    t->shared = v;
    t->shared_cap = cap;
  }
  size_t slots = t->shared_slot ? t->shared_mask + 1 : 0;
  if (2 * (t->n_shared + 1) <= slots)
    return MJ_OK;
  slots = slots ? slots * 2 : 64;
  uint16_t *s = mj__arena_regrow(&m->arena, t->shared_slot, slots * sizeof *s);
  if (!s)
    return MJ_ENOMEM;
  memset(s, 0, slots * sizeof *s);
  for (size_t k = 1; k <= t->n_shared; k++) {
    const char *v = t->shared[k];
    size_t j =
        (size_t)mj__hash_bytes(MJ__HASH_START, v, strlen(v)) & (slots - 1);
    while (s[j])
      j = (j + 1) & (slots - 1);
    s[j] = (uint16_t)k;
  }
  t->shared_slot = s;
  t->shared_mask = slots - 1;
  return MJ_OK;
}

/*
** A value of 1 to 7 bytes as one number: its bytes and its length, which
** no other value of those lengths shares; 0 for any other value.
*/
static uint64_t recent_key(const char *s, size_t len)
{
  if (len == 0 || len > 7)
    return 0;
  uint64_t k = (uint64_t)len << 56;
  for (size_t i = 0; i < len; i++)
    k |= (uint64_t)(unsigned char)s[i] << (8 * i);
  return k;
}

static size_t recent_slot(uint64_t key)
{
  return (size_t)((key * 0x9E3779B97F4A7C15u) >> 56) & (MJ__RECENT - 1);
}

/* The number of shared value s, len bytes (0 for NULL), added when new. */
static int shared_put(mj_model *m, const char *s, size_t len, uint16_t *out)
{
  mj_customer_table *t = &m->customers;
  *out = 0;
  if (!s)
    return MJ_OK;
  uint64_t key = recent_key(s, len);
  size_t r = recent_slot(key);
  if (key && t->recent_key[r] == key) {
    *out = t->recent[r];
    return MJ_OK;
  }
  int rc = MJ_OK;
  uint64_t h = mj__hash_bytes(MJ__HASH_START, s, len);
  if (t->shared_slot)
    for (size_t j = (size_t)h & t->shared_mask; t->shared_slot[j];
         j = (j + 1) & t->shared_mask) {
      const char *v = t->shared[t->shared_slot[j]];
      if (strncmp(v, s, len) == 0 && v[len] == '\0') {
        *out = t->shared_slot[j];
        goto found;
      }
    }
  if (t->n_shared >= SHARED_MAX)
    return MJ_ELIMIT;
  rc = shared_room(m);
  if (rc != MJ_OK)
    return rc;
  char *copy = mj__arena_strndup(&m->arena, s, len);
  if (!copy)
    return MJ_ENOMEM;
  size_t j = (size_t)h & t->shared_mask;
  while (t->shared_slot[j])
    j = (j + 1) & t->shared_mask;
  t->shared[++t->n_shared] = copy;
  t->shared_slot[j] = (uint16_t)t->n_shared;
  *out = (uint16_t)t->n_shared;
found:
  if (key) {
    t->recent_key[r] = key;
    t->recent[r] = *out;
  }
  return MJ_OK;
}

/* The file a customer came from: most often the one before's. */
static int file_put(mj_model *m, const char *file, uint16_t *out)
{
  mj_customer_table *t = &m->customers;
  uint16_t k = t->last_file;
  if (file && k && strcmp(t->shared[k], file) == 0) {
    *out = k;
    return MJ_OK;
  }
  int rc = shared_put(m, file, file ? strlen(file) : 0, out);
  if (rc == MJ_OK && *out)
    t->last_file = *out;
  return rc;
}

static size_t len_of(const char *s)
{
  return s ? strlen(s) : 0;
}

/*
** The rest of a customer, as spilled: a flags byte (REST_*), its line,
** the shared numbers of its zone and file, the dates it has,
** then the NUL-ended name, e-mail and consent channels it has.
*/
enum {
  REST_CONSENT = 1, REST_SINCE = 2, REST_UNTIL = 4,
  REST_NAME = 8, REST_EMAIL = 16, REST_CHANNELS = 32
};
enum { REST_HEAD = 1 + 4 + 2 * 2 };

/* memmove: the channels are packed from the end of the same buffer. */
static char *put_bytes(char *p, const void *v, size_t n)
{
  memmove(p, v, n);
  return p + n;
}

static const char *get_bytes(const char *p, void *v, size_t n)
{
  memcpy(v, p, n);
  return p + n;
}

/* The rest of c packed in *out (room made by the caller); its length. */
static size_t rest_pack(const mj_customer *c, const uint16_t nos[2],
                        char *channels, char *out)
{
  const char *str[3] = {c->name, c->email, channels};
  uint8_t flags = (c->consent ? REST_CONSENT : 0) |
                  (c->since ? REST_SINCE : 0) | (c->until ? REST_UNTIL : 0) |
                  (c->name ? REST_NAME : 0) | (c->email ? REST_EMAIL : 0) |
                  (channels ? REST_CHANNELS : 0);
  int32_t line = c->pos.line;
  char *p = put_bytes(out, &flags, 1);
  p = put_bytes(p, &line, sizeof line);
  p = put_bytes(p, nos, 2 * sizeof *nos);
  if (c->since)
    p = put_bytes(p, &c->since, sizeof c->since);
  if (c->until)
    p = put_bytes(p, &c->until, sizeof c->until);
  for (int k = 0; k < 3; k++)
    if (str[k])
      p = put_bytes(p, str[k], strlen(str[k]) + 1);
  return (size_t)(p - out);
}

int mj__customer_add(mj_model *m, const mj_customer *c)
{
  mj_customer_table *t = &m->customers;
  if (!t->rest.mem_max)
    mj__spill_init(&t->rest, REST_IN_MEMORY);
  size_t id_len = len_of(c->id);
  size_t need = REST_HEAD + 2 * sizeof(int64_t) + len_of(c->name) + 1 +
                len_of(c->email) + 1 + len_of(c->consent_channels) + 1;
  mj_packed_customer r = {0};
  uint16_t nos[2]; /* tz, file */
  int rc = rec_room(m, 1);
  if (rc == MJ_OK)
    rc = text_room(m, c->id ? id_len + 1 : 0);
  if (rc == MJ_OK)
    rc = shared_put(m, c->segment, len_of(c->segment), &r.segment);
  if (rc == MJ_OK)
    rc = shared_put(m, c->lang, len_of(c->lang), &r.lang);
  if (rc == MJ_OK)
    rc = shared_put(m, c->channel, len_of(c->channel), &r.channel);
  if (rc == MJ_OK)
    rc = shared_put(m, c->tz, len_of(c->tz), &nos[0]);
  if (rc == MJ_OK)
    rc = file_put(m, c->pos.file, &nos[1]);
  if (rc != MJ_OK)
    return rc;
  char small[512], *buf = need <= sizeof small ? small : malloc(need);
  if (!buf)
    return MJ_ENOMEM;
  char *channels = NULL;
  if (c->consent_channels) {
    /* The normal form is never longer than what it normalises: it goes
    ** where the packing will copy it from, at the end of buf. */
    channels = buf + need - len_of(c->consent_channels) - 1;
    mj__channel_list(c->consent_channels, channels);
  }
  size_t n = rest_pack(c, nos, channels, buf);
  uint64_t at = 0;
  rc = mj__spill_put(&t->rest, buf, n, &at);
  if (buf != small)
    free(buf);
  if (rc != MJ_OK)
    return rc;
  r.rest_hi = (uint16_t)(at >> 32);
  r.rest_lo = (uint32_t)at;
  r.id = text_put(t, c->id, id_len);
  t->v[m->n_customers++] = r;
  t->index = NULL; /* built once they are all in */
  return MJ_OK;
}

int mj__customer_reserve(mj_model *m, size_t n, size_t text)
{
  int rc = rec_room(m, n);
  if (rc == MJ_OK && text)
    rc = text_room(m, text);
  /* Too much to reserve is no error: the rows will say if it is. */
  return rc == MJ_ELIMIT ? MJ_OK : rc;
}

void mj__customer_fit(mj_model *m)
{
  /* Shrinking copies nothing, and cannot fail in a way that matters. */
  mj_customer_table *t = &m->customers;
  size_t n = m->n_customers ? m->n_customers : 1;
  mj_packed_customer *v =
      t->v ? mj__arena_regrow(&m->arena, t->v, n * sizeof *v) : NULL;
  if (v) {
    t->v = v;
    t->cap = n;
  }
  char *p = t->text ? mj__arena_regrow(&m->arena, t->text, t->text_len) : NULL;
  if (p) {
    t->text = p;
    t->text_cap = t->text_len;
  }
  /* Unwritten, the rests are still read from memory. */
  (void)mj__spill_flush(&t->rest);
}

void mj__customer_free(mj_model *m)
{
  mj__spill_free(&m->customers.rest);
}

int mj__customer_at(const mj_model *m, size_t i, mj_customer *out,
                    mj_customer_buf *b)
{
  const mj_customer_table *t = &m->customers;
  const mj_packed_customer *r = &t->v[i];
  *out = (mj_customer){.id = text_at(t, r->id),
                       .segment = shared_at(t, r->segment),
                       .channel = shared_at(t, r->channel),
                       .lang = shared_at(t, r->lang)};
  const char *p =
      mj__spill_get(&t->rest, (uint64_t)r->rest_hi << 32 | r->rest_lo, b);
  if (!p)
    return MJ_EIO;
  uint8_t flags;
  int32_t line;
  uint16_t nos[2];
  p = get_bytes(p, &flags, 1);
  p = get_bytes(p, &line, sizeof line);
  p = get_bytes(p, nos, sizeof nos);
  if (flags & REST_SINCE)
    p = get_bytes(p, &out->since, sizeof out->since);
  if (flags & REST_UNTIL)
    p = get_bytes(p, &out->until, sizeof out->until);
  const char **str[3] = {&out->name, &out->email, &out->consent_channels};
  for (int k = 0; k < 3; k++)
    if (flags & (REST_NAME << k)) {
      *str[k] = p;
      p += strlen(p) + 1;
    }
  out->consent = (flags & REST_CONSENT) != 0;
  out->tz = shared_at(t, nos[0]);
  out->pos = (mj_pos){shared_at(t, nos[1]), line};
  return MJ_OK;
}

int mj__customer_unread(mj_engine *e, const mj_model *m, size_t i)
{
  const char *dir = getenv("TMPDIR");
  return mj__seterr(e, MJ_EIO,
                    "customer '%s': cannot read its name, e-mail and consent "
                    "back from the temporary file in %s",
                    mj__customer_id(m, i), dir && *dir ? dir : "/tmp");
}

const char *mj__customer_id(const mj_model *m, size_t i)
{
  return text_at(&m->customers, m->customers.v[i].id);
}

const char *mj__customer_segment(const mj_model *m, size_t i)
{
  return shared_at(&m->customers, m->customers.v[i].segment);
}

const char *mj__customer_channel(const mj_model *m, size_t i)
{
  return shared_at(&m->customers, m->customers.v[i].channel);
}

const char *mj__customer_lang(const mj_model *m, size_t i)
{
  return shared_at(&m->customers, m->customers.v[i].lang);
}

void mj__customer_shared_nos(const mj_model *m, size_t i, uint16_t *segment,
                             uint16_t *channel)
{
  *segment = m->customers.v[i].segment;
  *channel = m->customers.v[i].channel;
}

const char *mj__customer_shared(const mj_model *m, uint16_t k)
{
  return shared_at(&m->customers, k);
}

/* mj__hash_bytes of a NUL-ended s, in one pass. */
static uint64_t hash_str(const char *s)
{
  uint64_t h = MJ__HASH_START;
  for (; *s; s++)
    h = mj__hash_bytes(h, s, 1);
  return h;
}

/*
** The bits of an index slot above the mask, from the id's hash: a probe
** compares ids only when they match, not at each slot it passes, which
** costs a record and its text from far apart in memory.
*/
static uint32_t index_tag(uint64_t h, size_t mask)
{
  return (uint32_t)(h >> 32) & ~(uint32_t)mask;
}

size_t mj__customer_find(const mj_model *m, const char *id)
{
  const mj_customer_table *t = &m->customers;
  if (!t->index) { /* not linked yet: a few customers at most */
    for (size_t i = 0; i < m->n_customers; i++)
      if (t->v[i].id && strcmp(t->text + t->v[i].id, id) == 0)
        return i;
    return SIZE_MAX;
  }
  size_t mask = t->index_mask;
  uint64_t h = hash_str(id);
  uint32_t tag = index_tag(h, mask);
  for (size_t k = (size_t)h & mask; t->index[k]; k = (k + 1) & mask) {
    size_t i = (t->index[k] & mask) - 1;
    if ((t->index[k] & ~(uint32_t)mask) == tag &&
        strcmp(t->text + t->v[i].id, id) == 0)
      return i;
  }
  return SIZE_MAX;
}

const mj_customer *mj__model_customer(const mj_model *m, const char *id,
                                      mj_customer *out, mj_customer_buf *b)
{
  size_t i = id ? mj__customer_find(m, id) : SIZE_MAX;
  if (i == SIZE_MAX || mj__customer_at(m, i, out, b) != MJ_OK)
    return NULL;
  return out;
}

int mj__customer_index(mj_model *m, size_t *first, size_t *dup)
{
  mj_customer_table *t = &m->customers;
  size_t n = m->n_customers, size = 4;
  *first = *dup = 0;
  /* Three quarters full at most: a probe passes the slots of other ids
  ** by their tags, mostly in one cache line, so a miss still ends soon.
  ** Record + 1, 0 free. */
  while (size - size / 4 < n)
    size *= 2;
  uint32_t *slot = mj__arena_alloc(&m->arena, size * sizeof *slot);
  if (!slot)
    return MJ_ENOMEM;
  mj__huge_pages(slot, size * sizeof *slot);
  size_t mask = size - 1;
  /*
  ** The slots are far bigger than the caches and each id lands anywhere:
  ** its hash is taken AHEAD records before, and its slot fetched then.
  */
  uint64_t ahead[AHEAD];
  for (size_t i = 0; i < n && i < AHEAD; i++) {
    ahead[i] = hash_str(t->text + t->v[i].id);
    __builtin_prefetch(&slot[(size_t)ahead[i] & mask]);
  }
  for (size_t i = 0; i < n; i++) {
    const char *id = t->text + t->v[i].id;
    uint64_t h = ahead[i % AHEAD];
    if (i + AHEAD < n) {
      uint64_t next = hash_str(t->text + t->v[i + AHEAD].id);
      ahead[i % AHEAD] = next;
      __builtin_prefetch(&slot[(size_t)next & mask]);
    }
    uint32_t tag = index_tag(h, mask);
    size_t k = (size_t)h & mask;
    for (; slot[k]; k = (k + 1) & mask)
      if ((slot[k] & ~(uint32_t)mask) == tag &&
          strcmp(t->text + t->v[(slot[k] & mask) - 1].id, id) == 0) {
        *first = (slot[k] & mask) - 1;
        *dup = i + 1;
        return MJ_OK;
      }
    slot[k] = tag | (uint32_t)(i + 1);
  }
  t->index = slot;
  t->index_mask = mask;
  return MJ_OK;
}
