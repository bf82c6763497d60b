/*
** Response blocks and the id table (plugins/storage-sqlite/block.h) by
** themselves: records round-trip with NULLs, negatives and shared strings;
** a block knows when it is full; damaged bytes are refused; every id is
** found again after the table has grown many times, and equal hashes all
** come back as candidates; the ids of stored blocks are kept within their
** room, which grows when blocks are read again.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/storage-sqlite/block.h"
#include "mock_host.h"
#include "tap.h"

static int same(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int main(void)
{
  plan(26);
  const mj_host_api *h = mock_host();

  /* ---- a block written and read back ---- */
  mj_blk_writer w;
  mj__blk_writer_init(&w, h);
  const unsigned char ans[] = {1, 2, 3};
  mj_blk_rec in[3] = {
      {.id = "r1", .customer = "c1", .segment = "retail", .wave = "2026-11",
       .channel = "web", .version = 2, .pilot = 1, .submitted_at = 1700000000,
       .source = 3, .layout = 7, .answers = ans, .answers_len = 3},
      {.id = "r2", .segment = "retail", .submitted_at = -5, .layout = 7},
      {.id = "r3", .customer = "", .segment = "", .wave = "2026-11",
       .layout = 1},
  };
  int added = 1;
  for (int i = 0; i < 3; i++)
    added &= mj__blk_writer_fits(&w, &in[i]) &&
             mj__blk_writer_add(&w, &in[i]) == MJ_OK;
  ok(added && w.n == 3 && w.n_dict == 4,
     "three records, and retail, 2026-11, web and \"\" once each in dict");
  ok(strcmp(mj__blk_writer_id(&w, 1), "r2") == 0, "an id found by position");
  mj_blk_reader rd = {0};
  int opened = mj__blk_reader_open(&rd, h, w.dict.p, w.dict.len, w.data.p,
                                   w.data.len);
  int round = opened == 1;
  mj_blk_rec out;
  for (int i = 0; i < 3; i++) {
    round &= mj__blk_reader_next(&rd, &out) == 1;
    round &= same(out.id, in[i].id) && same(out.customer, in[i].customer) &&
             same(out.segment, in[i].segment) && same(out.wave, in[i].wave) &&
             same(out.channel, in[i].channel) &&
             out.version == in[i].version && out.pilot == in[i].pilot &&
             out.submitted_at == in[i].submitted_at &&
             out.source == in[i].source && out.layout == in[i].layout &&
             out.answers_len == in[i].answers_len &&
             (!out.answers_len ||
              memcmp(out.answers, in[i].answers, out.answers_len) == 0);
  }
  ok(round, "every field comes back, NULL apart from \"\", -5 as -5");
  is_int(0, mj__blk_reader_next(&rd, &out), "and then the end");
  /* The same bytes cut short, or with a reference past the dict. */
  mj__blk_reader_open(&rd, h, w.dict.p, w.dict.len, w.data.p,
                      w.data.len - 1);
  mj__blk_reader_next(&rd, &out);
  mj__blk_reader_next(&rd, &out);
  ok(mj__blk_reader_next(&rd, &out) == -1 && same(out.id, "r3"),
     "a record cut short is damaged, and its id is known");
  is_int(1, mj__blk_reader_open(&rd, h, w.dict.p, w.dict.len - 1, w.data.p,
                                w.data.len) == 0,
         "a dict cut short is refused");
  mj__blk_reader_open(&rd, h, w.dict.p, 0, w.data.p, w.data.len);
  is_int(-1, mj__blk_reader_next(&rd, &out),
         "a reference to a string the dict lacks is damaged");
  mj__blk_reader_free(&rd, h);

  /* ---- when a block is full ---- */
  mj__blk_writer_reset(&w);
  char seg[32];
  int fits = 1;
  size_t n = 0;
  for (; n < BLK_MAX_DICT + 5; n++) {
    snprintf(seg, sizeof seg, "s%zu", n);
    mj_blk_rec r = {.id = "x", .segment = seg};
    if (!mj__blk_writer_fits(&w, &r))
      break;
    fits &= mj__blk_writer_add(&w, &r) == MJ_OK;
  }
  ok(fits && n == BLK_MAX_DICT,
     "a block takes %d distinct strings, then asks to be written (%zu)",
     BLK_MAX_DICT, n);
  mj__blk_writer_reset(&w);
  mj_blk_rec same_seg = {.id = "y", .segment = "retail"};
  for (n = 0; n < BLK_ROWS + 5 && mj__blk_writer_fits(&w, &same_seg); n++)
    mj__blk_writer_add(&w, &same_seg);
  is_int(BLK_ROWS, (long long)n, "and %d records", BLK_ROWS);
  mj__blk_writer_free(&w);

  /* ---- the id table ---- */
  mj_idtab t = {0};
  size_t pos = 0;
  is_int(-1, mj__idtab_next(&t, 42, &pos), "an empty table has no candidate");
  char id[32];
  int all_in = 1;
  for (uint64_t i = 0; i < 200000; i++) {
    snprintf(id, sizeof id, "R%08llu", (unsigned long long)i);
    all_in &= mj__idtab_add(&t, h, mj__blk_hash(id, strlen(id)), i) == MJ_OK;
  }
  ok(all_in && t.n == 200000 && 100 * t.n <= 85 * t.cap,
     "200000 ids after many growths, at most 85%% full (%zu slots)", t.cap);
  int found = 1;
  for (uint64_t i = 0; i < 200000; i += 7) {
    snprintf(id, sizeof id, "R%08llu", (unsigned long long)i);
    uint32_t hh = mj__blk_hash(id, strlen(id));
    int hit = 0;
    pos = 0;
    for (int64_t o; (o = mj__idtab_next(&t, hh, &pos)) >= 0;)
      hit |= (uint64_t)o == i;
    found &= hit;
  }
  ok(found, "each id is among its hash's candidates");
  /* Three ordinals under one hash: all three come back. */
  mj__idtab_add(&t, h, 7u, 900000);
  mj__idtab_add(&t, h, 7u, 900001);
  mj__idtab_add(&t, h, 7u, 900002);
  int seen = 0;
  pos = 0;
  for (int64_t o; (o = mj__idtab_next(&t, 7u, &pos)) >= 0;)
    seen += o >= 900000 && o <= 900002;
  is_int(3, seen, "equal hashes are all candidates");
  is_int(MJ_ENOMEM, mj__idtab_add(&t, h, 1u, UINT32_MAX),
         "an ordinal past four billion is refused");
  is_int(MJ_ENOMEM, mj__idtab_add(&t, h, 1u, ((uint64_t)1 << 31) - 1),
         "and one of two billion");
  is_int(MJ_OK, mj__idtab_add(&t, h, 9u, ((uint64_t)1 << 31) - 2),
         "the one before is taken");
  pos = 0;
  is_int(((int64_t)1 << 31) - 2, mj__idtab_next(&t, 9u, &pos),
         "and found as it was put");
  mj__idtab_free(&t, h);
  ok(t.slot == NULL && t.n == 0, "freed");

  /* One long cluster through every growth: 5000 ids of one hash, among
  ** 5000 of other hashes. */
  int cluster = 1, others = 1, in_cluster = 0;
  for (uint64_t i = 0; i < 5000; i++) {
    cluster &= mj__idtab_add(&t, h, 7u, i) == MJ_OK;
    cluster &= mj__idtab_add(&t, h, (uint32_t)(i * 2654435761u + 11),
                             10000 + i) == MJ_OK;
  }
  pos = 0;
  for (int64_t o; (o = mj__idtab_next(&t, 7u, &pos)) >= 0;)
    in_cluster += o < 5000;
  for (uint64_t i = 0; i < 5000; i++) {
    int hit = 0;
    pos = 0;
    for (int64_t o; (o = mj__idtab_next(&t, (uint32_t)(i * 2654435761u + 11),
                                        &pos)) >= 0;)
      hit |= (uint64_t)o == 10000 + i;
    others &= hit;
  }
  ok(cluster && in_cluster == 5000 && others,
     "grown in place with a cluster of 5000, every id is among its hash's "
     "candidates (%d of the cluster)",
     in_cluster);
  mj__idtab_free(&t, h);
  ok(t.slot == NULL && t.n == 0, "freed");

  /* ---- the ids of stored blocks, kept to compare with ---- */
  mj_blk_idcache c = {0};
  mj_blk_writer bw;
  mj__blk_writer_init(&bw, h);
  const mj_blk_ids *got = NULL;
  mj_blk_rec rec = {.segment = "retail", .layout = 1};
  char rid[32];
  for (int i = 0; i < BLK_ROWS; i++) {
    snprintf(rid, sizeof rid, "R%05d", i);
    rec.id = rid;
    mj__blk_writer_add(&bw, &rec);
  }
  /* The same block as many: each index a block of 1024 ids, about 11 KB. */
  int put = mj__blk_idcache_put(&c, h, 100, 0, bw.dict.p, bw.dict.len,
                                bw.data.p, bw.data.len, &got);
  ok(put == 1 && got && got->n == BLK_ROWS &&
         strcmp(mj__blk_ids_at(got, 1000), "R01000") == 0,
     "a block's ids kept, each by position");
  ok(mj__blk_idcache_get(&c, 0) == got && !mj__blk_idcache_get(&c, 1),
     "found by the block's index, and only then");
  int in_order = 1;
  for (size_t i = 1; i < 200; i++)
    in_order &= mj__blk_idcache_put(&c, h, 100 + (int64_t)i, i, bw.dict.p,
                                    bw.dict.len, bw.data.p, bw.data.len,
                                    &got) == 1;
  ok(in_order && c.budget == MJ_BLK_IDS_FIRST && c.size <= c.budget &&
         !mj__blk_idcache_get(&c, 0) && mj__blk_idcache_get(&c, 199),
     "200 blocks read in order keep to the first room (%zu of %u bytes, "
     "%zu blocks)",
     c.size, MJ_BLK_IDS_FIRST, c.n);
  /* As the store asks: a block is read only when it is not kept. */
  int again = 1, reads = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < 200; i++)
      if (!mj__blk_idcache_get(&c, i)) {
        reads++;
        again &= mj__blk_idcache_put(&c, h, 100 + (int64_t)i, i, bw.dict.p,
                                     bw.dict.len, bw.data.p, bw.data.len,
                                     &got) == 1;
      }
  int own = 1;
  for (size_t i = 0; i < 200; i++) {
    const mj_blk_ids *k = mj__blk_idcache_get(&c, i);
    own &= k && k->seq == 100 + (int64_t)i && k->index == i;
  }
  ok(again && own && c.budget == MJ_BLK_IDS_MOST && c.n == 200 &&
         reads < 400,
     "read again, the room grows until all 200 stay (%zu bytes, %d reads in "
     "two rounds)",
     c.size, reads);
  unsigned char bad[] = {0x05, 'x'};
  is_int(0,
         mj__blk_idcache_put(&c, h, 999, 200, bw.dict.p, bw.dict.len, bad,
                             sizeof bad, &got),
         "a damaged block is refused");
  mj__blk_idcache_clear(&c, h);
  ok(c.n == 0 && c.size == 0 && c.budget == 0 && !c.where, "cleared");
  mj__blk_writer_free(&bw);
  return tap_done();
}
