/*
** Nothing read from a file is lost or overwritten without a word: a NUL
** byte in an id is refused where it is (row:column), not cut there; an
** id twice in one complaints or audits file is refused the second time,
** while a later file updating a stored complaint says it updated it;
** and a file saved as UTF-16 (or JSON with a byte order mark) is named
** for what it is, by every reader. Through the public API only.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static char dir[256], store[300];

static const char playbook[] =
    "segment \"retail\" {}\n"
    "customer \"C1\" { segment = \"retail\" }\n"
    "questionnaire \"visit\" { question \"nps\" { type = \"nps\" } }\n"
    "complaint_category \"late\" {}\n"
    "audit \"a\" { criteria = { { id = \"c\", kind = \"check\" } } }\n";

static mj_engine *engine(const char *text)
{
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = 1795000000;
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  char pb[300];
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  if (text && mj_playbook_load_buffer(e, pb, text, strlen(text)) != MJ_OK)
    bail("playbook: %s", mj_errmsg(e));
  return e;
}

/* Write n bytes (NULs included) to DIR/name; the path, in a static
** buffer of four. */
static const char *put(const char *name, const char *bytes, size_t n)
{
  static char paths[4][300];
  static int k;
  char *p = paths[k++ % 4];
  snprintf(p, sizeof paths[0], "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0)
    bail("cannot write %s", p);
  return p;
}

#define PUT(name, lit) put(name, lit, sizeof lit - 1)

/* The rejects file of the last import, "" when there is none. */
static char *rejects(const mj_import_stats *st)
{
  char *text = st->rejects_path[0] ? tap_slurp(st->rejects_path, NULL) : NULL;
  return text ? text : strdup("");
}

/* The stored responses of "visit", one id a line. */
static char *stored_ids(mj_engine *e)
{
  char *csv = NULL;
  if (mj_responses_export(e, "visit", "csv", 0, &csv, NULL) != MJ_OK)
    bail("export: %s", mj_errmsg(e));
  return csv;
}

static void test_nul_in_responses(void)
{
  mj_engine *e = engine(playbook);
  mj_import_stats st;
  const char *f = PUT("nul.csv", "response_id,customer_id,wave,nps\n"
                                 "R\0"
                                 "002,C1,,9\n"
                                 "R3,C1\0x,,9\n"
                                 "R4,C1,w\0x,9\n"
                                 "R5,C1,,8\n");
  is_int(MJ_OK, mj_import(e, "visit", f, &st), "import with NUL bytes");
  is_int(1, (long long)st.accepted, "only the clean row is stored");
  is_int(3, (long long)st.rejected,
         "a NUL in an id, customer or wave "
         "rejects its row");
  char *r = rejects(&st);
  contains(r, "row 2, column 1 (response_id): a NUL byte (byte 2)",
           "the response id's NUL, with row:column");
  contains(r, "row 3, column 2 (customer_id): a NUL byte (byte 3)",
           "the customer id's NUL");
  contains(r, "row 4, column 3 (wave): a NUL byte (byte 2)", "the wave's NUL");
  free(r);
  /* The real R, imported later, is new: nothing took its id. */
  f = PUT("r.csv", "response_id,customer_id,nps\nR,C1,7\n");
  is_int(MJ_OK, mj_import(e, "visit", f, &st), "import R");
  is_int(1, (long long)st.accepted, "R is stored, not skipped");
  is_int(0, (long long)st.duplicates, "R was not already stored");
  char *ids = stored_ids(e);
  ok(ids && strstr(ids, "\nR,C1,") && strstr(ids, "\nR5,C1,") &&
         !strstr(ids, "R3") && !strstr(ids, "R4"),
     "stored: R and R5 only");
  mj_free(ids);
  mj_engine_free(e);
}

static void test_complaints(void)
{
  mj_engine *e = engine(playbook);
  mj_import_stats st;
  const char *f = PUT("c1.csv", "id,received_at,category,closed_at\n"
                                "k1,2026-11-01,late,\n"
                                "k2,2026-11-02,late,\n"
                                "k1,2026-11-03,late,2026-11-04\n"
                                "k\0"
                                "3,2026-11-03,late,\n"
                                "k4,2026-11-03,la\0te,\n");
  is_int(MJ_OK, mj_complaints_import(e, f, &st), "complaints import");
  is_int(2, (long long)st.accepted, "k1 and k2 stored");
  is_int(0, (long long)st.duplicates, "nothing was stored before");
  is_int(3, (long long)st.rejected, "the second k1 and both NULs rejected");
  char *r = rejects(&st);
  contains(r, "duplicate id 'k1' (first used on row 2)",
           "the second k1 names the row of the first");
  contains(r, "\"4\",\"1\",\"duplicate id", "at row 4, column 1");
  contains(r, "\"5\",\"1\",\"a NUL byte (byte 2)", "a NUL in the id");
  contains(r, "\"6\",\"3\",\"a NUL byte (byte 3)", "a NUL in the category");
  free(r);
  char *sum = NULL;
  mj_complaints_summary(e, NULL, "text", &sum, NULL);
  contains(sum ? sum : "", "2 received, 2 still open",
           "the first k1 stands, still open");
  mj_free(sum);

  /* A later file closes k1: an update, counted as one. */
  f = PUT("c2.csv", "id,received_at,category,closed_at\n"
                    "k1,2026-11-01,late,2026-11-04\n"
                    "k5,2026-11-05,late,\n");
  is_int(MJ_OK, mj_complaints_import(e, f, &st), "the later file");
  is_int(1, (long long)st.accepted, "k5 is new");
  is_int(1, (long long)st.duplicates, "k1 is an update");
  is_int(0, (long long)st.rejected, "nothing rejected");
  sum = NULL;
  mj_complaints_summary(e, NULL, "text", &sum, NULL);
  contains(sum ? sum : "", "3 received, 2 still open", "k1 is closed now");
  mj_free(sum);
  mj_engine_free(e);
}

static void test_audits(void)
{
  mj_engine *e = engine(playbook);
  mj_import_stats st;
  const char *f = PUT("v1.csv", "visit_id,date,c\n"
                                "v1,2026-11-03,yes\n"
                                "v1,2026-11-04,no\n"
                                "v\0"
                                "2,2026-11-04,no\n");
  is_int(MJ_OK, mj_audits_import(e, NULL, f, &st), "visits import");
  is_int(1, (long long)st.accepted, "v1 stored once");
  is_int(2, (long long)st.rejected, "the second v1 and the NUL rejected");
  char *r = rejects(&st);
  contains(r, "duplicate visit_id 'v1' (first used on row 2)",
           "the second v1 names the row of the first");
  contains(r, "\"4\",\"1\",\"a NUL byte (byte 2)", "a NUL in the visit id");
  free(r);
  f = PUT("v2.csv", "visit_id,date,c\nv1,2026-11-03,no\n");
  is_int(MJ_OK, mj_audits_import(e, NULL, f, &st), "a later file");
  ok(st.accepted == 0 && st.duplicates == 1, "v1 is an update");
  mj_engine_free(e);
}

/* "x" in UTF-16: each ASCII byte with a NUL before or after it. */
static size_t widen(const char *ascii, int big, const char *bom, char *out)
{
  size_t n = 0;
  if (bom)
    for (; *bom; bom++)
      out[n++] = *bom;
  for (; *ascii; ascii++) {
    out[n++] = big ? '\0' : *ascii;
    out[n++] = big ? *ascii : '\0';
  }
  return n;
}

static void test_encodings(void)
{
  mj_engine *e = engine(playbook);
  mj_import_stats st;
  char buf[512];
  const char *resp = "response_id,customer_id,nps\nR9,C1,9\n";

  const char *f = put("le.csv", buf, widen(resp, 0, "\xFF\xFE", buf));
  is_int(MJ_EDATA, mj_import(e, "visit", f, &st), "UTF-16 LE CSV refused");
  contains(mj_errmsg(e),
           "le.csv: this file is UTF-16 (little-endian); save "
           "it as UTF-8",
           "and named");
  f = put("be.csv", buf, widen(resp, 1, "\xFE\xFF", buf));
  mj_import(e, "visit", f, &st);
  contains(mj_errmsg(e), "this file is UTF-16 (big-endian)",
           "UTF-16 BE CSV named");
  f = put("nobom.csv", buf, widen(resp, 0, NULL, buf));
  mj_import(e, "visit", f, &st);
  contains(mj_errmsg(e), "this file is UTF-16 (little-endian)",
           "UTF-16 without a BOM named by its NULs");

  const char *json = "[{\"response_id\": \"R9\", \"customer_id\": \"C1\"}]";
  f = put("le.json", buf, widen(json, 0, "\xFF\xFE", buf));
  is_int(MJ_EDATA, mj_import(e, "visit", f, &st), "UTF-16 JSON refused");
  contains(mj_errmsg(e), "le.json: this file is UTF-16 (little-endian)",
           "and named");
  snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", json);
  f = put("bom.json", buf, strlen(buf));
  is_int(MJ_EDATA, mj_import(e, "visit", f, &st), "JSON with a BOM refused");
  contains(mj_errmsg(e),
           "bom.json: this file starts with a UTF-8 byte order "
           "mark",
           "and the BOM named");

  f = put("c.csv", buf, widen("id,received_at\nk1,2026-11-01\n", 0, NULL, buf));
  is_int(MJ_EDATA, mj_complaints_import(e, f, &st), "UTF-16 complaints");
  contains(mj_errmsg(e), "this file is UTF-16", "named");
  f = put("v.csv", buf, widen("visit_id,date\nv1,2026-11-01\n", 1, NULL, buf));
  is_int(MJ_EDATA, mj_audits_import(e, NULL, f, &st), "UTF-16 audits");
  contains(mj_errmsg(e), "this file is UTF-16 (big-endian)", "named");
  char *ids = stored_ids(e);
  ok(ids && !strstr(ids, "R9"), "nothing of those files was stored");
  mj_free(ids);
  mj_engine_free(e);

  /* A customers file read by the playbook. */
  put("customers.csv", buf,
      widen("id,segment\nC7,retail\n", 0, "\xFF\xFE", buf));
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.now = 1795000000;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  const char *pb = "segment \"retail\" {}\ncustomers \"customers.csv\"\n";
  char name[300];
  snprintf(name, sizeof name, "%s/playbook.lua", dir);
  is_int(MJ_EDATA, mj_playbook_load_buffer(e, name, pb, strlen(pb)),
         "a UTF-16 customers file refused");
  contains(mj_errmsg(e), "this file is UTF-16 (little-endian)", "and named");
  mj_engine_free(e);
}

int main(void)
{
  plan(46);
  char *d = tap_tmpdir("intake");
  snprintf(dir, sizeof dir, "%s", d);
  snprintf(store, sizeof store, "sqlite:%s/s.db", dir);
  test_nul_in_responses();
  test_complaints();
  test_audits();
  test_encodings();
  tap_rmtree(d);
  free(d);
  return tap_done();
}
