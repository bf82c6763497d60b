/*
** Response blocks: how the sqlite plugin lays responses out, many to a
** row, and finds one by id. No SQLite here: the plugin moves the bytes.
**
** A block is three blobs of one questionnaire's responses:
**   dict  the strings its responses share (segments, waves, channels),
**         each a varint length, the bytes and a NUL;
**   data  the responses, each:
**           str id, str customer, ref segment, ref wave, ref channel,
**           varint version, zigzag varint submitted_at, varint source id
**           (0 none), varint layout id, byte pilot, varint length and
**           the packed answers (sqlite.c, "packed answers");
**         str is a varint (0 NULL, else length + 1), the bytes and a NUL;
**         ref is a varint (0 NULL, else index into dict + 1);
**   ids   per response, the 32-bit hash of its id (mj__blk_hash),
**         little-endian: enough to load the id table without reading
**         data.
** Strings end in NUL inside the blobs, so a reader points into them.
** The format is stored: a change needs a new schema version.
*/
#ifndef MJ_STORAGE_BLOCK_H
#define MJ_STORAGE_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "mejora/plugin.h"

/* At most this many responses to a block; also flushed when its data
** reaches BLK_MAX_BYTES or its dict BLK_MAX_DICT strings. */
#define BLK_ROWS 1024
#define BLK_MAX_BYTES (1u << 20)
#define BLK_MAX_DICT 255

typedef struct mj_bbuf {
  unsigned char *p;
  size_t len, cap;
} mj_bbuf;

/* One response as a block holds it (strings borrowed). */
typedef struct mj_blk_rec {
  const char *id, *customer, *segment, *wave, *channel;
  int version, pilot;
  int64_t submitted_at, source, layout;
  const unsigned char *answers;
  size_t answers_len;
} mj_blk_rec;

/* A block being filled. */
typedef struct mj_blk_writer {
  const mj_host_api *host;
  mj_bbuf dict, data, ids;
  uint32_t *off; /* where each response starts in data */
  size_t n;
  size_t n_dict;
  uint32_t dict_off[BLK_MAX_DICT]; /* each string's offset in dict */
  uint32_t dict_len[BLK_MAX_DICT];
  uint16_t dict_slot[512];         /* hash table: index + 1, 0 empty */
} mj_blk_writer;

uint32_t mj__blk_hash(const char *id, size_t len);
/* The order of ids for the blocks' ranges: the shorter first, then by
** bytes, so that numbered ids (R9, R10) increase as their numbers do.
** Negative, 0 or positive, as memcmp. */
int mj__blk_id_cmp(const char *a, size_t an, const char *b, size_t bn);

void mj__blk_writer_init(mj_blk_writer *w, const mj_host_api *host);
void mj__blk_writer_reset(mj_blk_writer *w);
void mj__blk_writer_free(mj_blk_writer *w);
/* Whether r fits in w (else flush w first): counts, bytes and strings. */
int mj__blk_writer_fits(const mj_blk_writer *w, const mj_blk_rec *r);
/* Append r; MJ_ENOMEM or MJ_OK. */
int mj__blk_writer_add(mj_blk_writer *w, const mj_blk_rec *r);
/* The id of response k of w (k < w->n). */
const char *mj__blk_writer_id(const mj_blk_writer *w, size_t k);

/* A block being read: dict's strings indexed, then one record at a time. */
typedef struct mj_blk_reader {
  const unsigned char *data;
  size_t len, at;
  const char **dict;
  size_t n_dict, dict_cap;
} mj_blk_reader;

/* 0 when dict is damaged; -1 out of memory. */
int mj__blk_reader_open(mj_blk_reader *rd, const mj_host_api *host,
                        const unsigned char *dict, size_t dict_len,
                        const unsigned char *data, size_t data_len);
/* The next record: 1, 0 at the end, -1 when the data is damaged. */
int mj__blk_reader_next(mj_blk_reader *rd, mj_blk_rec *r);
void mj__blk_reader_free(mj_blk_reader *rd, const mj_host_api *host);

/*
** The ids of stored blocks, read to compare an id with, kept by block, the
** least recently used leaving first: a re-import in another order than
** the first then reads each block about once, not once a row. The room
** starts at MJ_BLK_IDS_FIRST bytes, enough while blocks are asked for in
** order (a re-import in the same order), and doubles, up to
** MJ_BLK_IDS_MOST, each time a block that had to leave is read again.
*/
#define MJ_BLK_IDS_FIRST (512u << 10)
#define MJ_BLK_IDS_MOST (16u << 20)

typedef struct mj_blk_ids {
  int64_t seq;   /* the block's */
  size_t index;  /* its place among the store's blocks */
  char *bytes;   /* its ids, each ending in NUL */
  uint32_t *off; /* where each starts */
  size_t n, size;
  uint64_t used; /* when last asked for */
} mj_blk_ids;

typedef struct mj_blk_idcache {
  mj_blk_ids *v;
  size_t n, cap;
  size_t size;   /* of all entries */
  size_t budget; /* what they may take; 0 until the first */
  uint64_t clock;
  /* By block index: 0 never read, 1 read and left, k + 2 kept in v[k]. */
  uint32_t *where;
  size_t n_where;
} mj_blk_idcache;

/* The ids of the block at index when kept, else NULL. */
const mj_blk_ids *mj__blk_idcache_get(mj_blk_idcache *c, size_t index);
/* Keep block seq's ids, read from its dict and data (as stored), making
** room first; index is the block's place among the store's (0, 1, ...),
** and the block is not kept (mj__blk_idcache_get said NULL).
** 1 and the entry in *out, 0 when the block is damaged, -1 out of memory. */
int mj__blk_idcache_put(mj_blk_idcache *c, const mj_host_api *host,
                        int64_t seq, size_t index, const unsigned char *dict,
                        size_t dict_len, const unsigned char *data,
                        size_t data_len, const mj_blk_ids **out);
/* Forget every entry (the blocks may be undone, their seqs reused). */
void mj__blk_idcache_clear(mj_blk_idcache *c, const mj_host_api *host);

static inline const char *mj__blk_ids_at(const mj_blk_ids *b, size_t k)
{
  return b->bytes + b->off[k];
}

/*
** The ids of a store, for "is this id stored?" without an index in the
** file: each slot holds a 32-bit hash of an id and its ordinal (the
** responses in block order, from 0). A hash match is only a candidate:
** the caller compares the id itself, so the answer is exact.
*/
typedef struct mj_idtab {
  uint64_t *slot; /* hash << 32 | (ordinal + 1); 0 empty */
  size_t n, cap;
} mj_idtab;

/* The first candidate at or after *pos (start at 0) with hash h: its
** ordinal, or -1 when there are no more. */
int64_t mj__idtab_next(const mj_idtab *t, uint32_t h, size_t *pos);
/* Start loading the slots where h's probe begins: in a table of millions
** they are not in the cache, and the caller has other work meanwhile. */
void mj__idtab_prefetch(const mj_idtab *t, uint32_t h);
int mj__idtab_add(mj_idtab *t, const mj_host_api *host, uint32_t h,
                  uint64_t ordinal);
void mj__idtab_free(mj_idtab *t, const mj_host_api *host);

#endif
