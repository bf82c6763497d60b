/*
** Import through the engine: a good file goes in whole, a bad file's good
** rows go in and each bad row lands in the rejects file with row:column,
** re-importing adds nothing, and a failed import stores nothing.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "plugin_host.h"
#include "tap.h"

static char *dir;
static char path_buf[4][1024];

/* A path in the scratch folder (four rotating buffers). */
static const char *in_dir(const char *name)
{
  static int k;
  char *p = path_buf[k++ % 4];
  snprintf(p, sizeof path_buf[0], "%s/%s", dir, name);
  return p;
}

/* Copy a fixture from tests/data into the scratch folder. */
static void fixture(const char *name)
{
  const char *src = getenv("top_srcdir");
  char from[1024];
  if (src)
    snprintf(from, sizeof from, "%s/tests/data/%s", src, name);
  else
    snprintf(from, sizeof from, "%s/%s", MJ_TEST_DATA, name);
  char *text = tap_slurp(from, NULL);
  if (!text)
    bail("cannot read fixture %s", from);
  tap_write(in_dir(name), text);
  free(text);
}

static int64_t count(mj_engine *e)
{
  int64_t n = -1;
  mj_error err;
  if (MJ_STORE_OPS(e)->count_responses(e->store->inst, "visit", &n, &err) !=
      MJ_OK)
    bail("cannot count responses: %s", err.msg);
  return n;
}

/* Stored answers, one line each: "G1 C1 retail 1793527200 staff 0 5 -". */
static int on_answer(void *ud, const mj_answer_row *r)
{
  char *out = ud;
  size_t used = strlen(out);
  char num[32];
  snprintf(num, sizeof num, isnan(r->answer.num) ? "nan" : "%g", r->answer.num);
  snprintf(out + used, 4096 - used, "%s %s %s %lld %s %d %s %s\n", r->response,
           r->customer, r->segment ? r->segment : "-",
           (long long)r->submitted_at, r->answer.question, (int)r->answer.state,
           num, r->answer.text ? r->answer.text : "-");
  return MJ_OK;
}

/* A stored response of "visit", as "customer=C1 version=1 pilot=0
** channel=phone"; "" when no response has that id. */
typedef struct found {
  const char *id;
  char line[256];
} found;

static int on_found(void *ud, const mj_response_rec *r)
{
  found *f = ud;
  if (strcmp(r->id, f->id) == 0)
    snprintf(f->line, sizeof f->line,
             "customer=%s version=%d pilot=%d channel=%s",
             r->customer ? r->customer : "-", r->version, r->pilot,
             r->channel ? r->channel : "-");
  return MJ_OK;
}

static const char *stored(mj_engine *e, const char *id)
{
  static found f; /* one line at a time is all a test reads */
  f.id = id;
  f.line[0] = '\0';
  mj_error err;
  if (MJ_STORE_OPS(e)->scan_responses(e->store->inst, "visit", on_found, &f,
                                      &err) != MJ_OK)
    bail("cannot scan responses: %s", err.msg);
  return f.line;
}

static int has_line(const char *text, const char *line)
{
  return strstr(text, line) != NULL;
}

static void sql(const char *db_path, const char *stmt)
{
  sqlite3 *db;
  if (sqlite3_open(db_path, &db) != SQLITE_OK ||
      sqlite3_exec(db, stmt, NULL, NULL, NULL) != SQLITE_OK)
    bail("sql on %s failed: %s", db_path, sqlite3_errmsg(db));
  sqlite3_close(db);
}

static long long sql_int(const char *db_path, const char *stmt)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  long long v = -1;
  if (sqlite3_open(db_path, &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, stmt, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

int main(void)
{
  plan(80);
  dir = tap_tmpdir("import");
  fixture("import.lua");
  fixture("good.csv");
  fixture("bad.csv");
  char store[1200], db[1100];
  snprintf(db, sizeof db, "%s", in_dir("store.db"));
  snprintf(store, sizeof store, "sqlite:%s", db);

  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.flags = MJ_NO_DEFAULT_PLUGINS;
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  mj_import_stats st;
  is_int(MJ_EINVAL, mj_import(e, "visit", in_dir("good.csv"), &st),
         "import before a playbook is loaded");
  contains(mj_errmsg(e), "no playbook loaded", "and says so");
  if (mj_playbook_load(e, in_dir("import.lua")) != MJ_OK)
    bail("fixture playbook does not load: %s", mj_errmsg(e));

  /* ---- a good file ---- */
  int rc = mj_import(e, "visit", in_dir("good.csv"), &st);
  is_int(MJ_OK, rc, "good file imported (%s)", mj_errmsg(e));
  ok(st.rows == 4 && st.accepted == 4 && st.duplicates == 0 && st.rejected == 0,
     "4 rows, 4 stored (%llu/%llu/%llu/%llu)", (unsigned long long)st.rows,
     (unsigned long long)st.accepted, (unsigned long long)st.duplicates,
     (unsigned long long)st.rejected);
  is_string("", st.rejects_path, "no rejects file named");
  ok(access(in_dir("good.csv.rejects.csv"), F_OK) != 0,
     "no rejects file written");
  is_int(4, count(e), "four responses stored");
  char *ans = calloc(1, 4096);
  MJ_STORE_OPS(e)->scan_answers(e->store->inst, "visit", on_answer, ans,
                                &(mj_error){0});
  ok(has_line(ans, "G1 C1 retail 1793527200 staff 0 5 -\n"),
     "scale value, customer's segment, ISO time in UTC");
  ok(has_line(ans, "G1 C1 retail 1793527200 why 0 nan Rápido, amable\n"),
     "quoted text with a comma");
  ok(has_line(ans, "G2 C2 online 1793491200 staff 1 nan -\n"),
     "NA stored as N/A; a date alone is midnight UTC");
  ok(has_line(ans, "G3 C3 online 1793608200 speed 2 nan -\n"),
     "blank is skipped; segment column overrides; offset applied");
  ok(has_line(ans, "G3 C3 online 1793608200 why 0 nan line one\nline two\n"),
     "text with an embedded newline kept");
  ok(has_line(ans, "G4 C1 retail 0 nps 0 0 -\n"),
     "no submitted_at is 0; NPS 0 is a value");

  rc = mj_import(e, "visit", in_dir("good.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 0 && st.duplicates == 4 && st.rejected == 0,
     "re-import: nothing stored, 4 duplicates");
  is_int(4, count(e), "still four responses");

  /* ---- a file with bad rows ---- */
  rc = mj_import(e, "visit", in_dir("bad.csv"), &st);
  is_int(MJ_OK, rc, "bad rows do not fail the import");
  ok(st.rows == 12 && st.accepted == 3 && st.duplicates == 0 &&
         st.rejected == 9,
     "12 rows: 3 stored, 9 rejected (%llu/%llu/%llu/%llu)",
     (unsigned long long)st.rows, (unsigned long long)st.accepted,
     (unsigned long long)st.duplicates, (unsigned long long)st.rejected);
  is_string(in_dir("bad.csv.rejects.csv"), st.rejects_path,
            "rejects file beside the input");
  is_int(7, count(e), "the good rows are stored");
  char *rej = tap_slurp(st.rejects_path, NULL);
  if (!rej)
    bail("no rejects file at %s", st.rejects_path);
  const char *head = "response_id,customer_id,segment,submitted_at,staff,"
                     "speed,nps,why,row,column,reason\r\n";
  ok(strncmp(rej, head, strlen(head)) == 0,
     "rejects header: the file's columns, then row, column, reason");
  contains(rej,
           "B2,C1,,,7,3,8,,3,5,\"row 3, column 5 (staff): 7 is outside "
           "1..5\"",
           "out of range: original cells, row 3, column 5");
  contains(rej,
           "B3,C2,,,3,NA,8,,4,6,\"row 4, column 6 (speed): N/A not "
           "allowed",
           "N/A where not allowed: row 4, column 6");
  contains(rej, ",5,2,\"row 5, column 2 (customer_id): unknown customer 'C9'",
           "unknown customer: row 5, column 2");
  contains(rej, "row 6, column 7 (nps): 3.5 is not a whole number",
           "not a whole number: row 6, column 7");
  contains(rej,
           "row 7, column 1 (response_id): duplicate response id 'B1' "
           "(first used on row 2)",
           "duplicate id in the file: row 7, column 1");
  contains(rej,
           "row 8, column 4 (submitted_at): 'yesterday' is not an ISO "
           "8601 date",
           "bad date: row 8, column 4");
  contains(rej, "row 9, column 7 (nps): an answer is required",
           "required answer blank: row 9, column 7");
  contains(rej, "row 12, column 3 (segment): unknown segment 'shop'",
           "unknown segment: row 12, column 3");
  contains(rej,
           "B10,C1,,,1,2,13,,\"row 13: 6 cells, but the header has 8 "
           "columns\"",
           "short row: row 13, no column");
  free(rej);
  ans[0] = '\0';
  MJ_STORE_OPS(e)->scan_answers(e->store->inst, "visit", on_answer, ans,
                                &(mj_error){0});
  ok(has_line(ans, "B8 C3 retail 0 why 0 nan two\nlines\n") &&
         has_line(ans, "B11 C2 online 0 why 0 nan fine, thanks\n") &&
         has_line(ans, "B1 C1 retail 1793700000 nps 0 10 -\n"),
     "good rows of the bad file stored, the first B1 among them");

  rc = mj_import(e, "visit", in_dir("bad.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 0 && st.duplicates == 3 && st.rejected == 9,
     "re-importing the bad file adds nothing");
  is_int(7, count(e), "still seven responses");

  /* A clean import removes the now stale rejects file of its input. */
  tap_write(in_dir("bad.csv"), "response_id,customer_id,nps\nB1,C1,10\n");
  rc = mj_import(e, "visit", in_dir("bad.csv"), &st);
  ok(rc == MJ_OK && st.rejected == 0 &&
         access(in_dir("bad.csv.rejects.csv"), F_OK) != 0,
     "a clean re-import removes the stale rejects file");

  /* ---- headers ---- */
  tap_write(
      in_dir("h1.csv"),
      "response_id,customer_id,staff,nps,frecuencia,extra\nX1,C1,3,4,1,2\n");
  rc = mj_import(e, "visit", in_dir("h1.csv"), &st);
  is_int(MJ_EDATA, rc, "unknown columns refused");
  contains(mj_errmsg(e), "h1.csv:1:5: unknown columns 'frecuencia', 'extra'",
           "named, with row:column of the first");
  contains(mj_errmsg(e), "staff, speed, nps, why", "the questions listed");
  tap_write(in_dir("h2.csv"), "response_id,staff\nX1,3\n");
  rc = mj_import(e, "visit", in_dir("h2.csv"), &st);
  is_int(MJ_EDATA, rc, "missing columns refused");
  contains(mj_errmsg(e),
           "h2.csv:1: the header lacks the required column(s) "
           "customer_id, nps",
           "the missing required columns named");
  tap_write(in_dir("h3.csv"), "response_id,customer_id,nps,nps\nX1,C1,3,4\n");
  rc = mj_import(e, "visit", in_dir("h3.csv"), &st);
  ok(rc == MJ_EDATA && strstr(mj_errmsg(e), "h3.csv:1:4: column 'nps' "
                                            "appears twice"),
     "a repeated column refused: %s", mj_errmsg(e));
  is_int(7, count(e), "header errors store nothing");

  /* ---- failures store nothing ---- */
  tap_write(in_dir("broken.csv"), "response_id,customer_id,nps,why\n"
                                  "Q1,C1,9,ok\nQ2,C2,8,\"never closed\n");
  rc = mj_import(e, "visit", in_dir("broken.csv"), &st);
  is_int(MJ_EDATA, rc, "malformed file refused");
  contains(mj_errmsg(e), "broken.csv:3:4: unterminated quoted field",
           "with the line and column of the open quote");
  is_int(7, count(e), "rows before the malformed one were not kept");
  ok(st.accepted == 0, "and none is counted as stored");

  tap_write(in_dir("s.csv"), "response_id,customer_id,nps\nS1,C1,9\nS2,C2,8\n"
                             "S3,C3,7\nS4,C3,1,\n");
  sql(db, "CREATE TRIGGER boom BEFORE INSERT ON response_blocks"
          " WHEN instr(NEW.data, CAST('S3' AS BLOB)) > 0"
          " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  rc = mj_import(e, "visit", in_dir("s.csv"), &st);
  is_int(MJ_ESTORE, rc, "a store error fails the import");
  contains(mj_errmsg(e), "injected failure", "with the store's reason");
  is_int(7, count(e), "nothing half-written: S1 and S2 rolled back");
  ok(access(in_dir("s.csv.rejects.csv"), F_OK) != 0,
     "no rejects file left from the failed import");
  sql(db, "DROP TRIGGER boom");
  rc = mj_import(e, "visit", in_dir("s.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 3 && st.rejected == 1 && count(e) == 10,
     "the same file imports once the store works");

  rc = mj_import(e, "visita", in_dir("good.csv"), &st);
  ok(rc == MJ_EREF && strstr(mj_errmsg(e), "no questionnaire 'visita' (the "
                                           "playbook declares: visit)"),
     "unknown questionnaire: %s", mj_errmsg(e));
  rc = mj_import(e, "visit", in_dir("nope.csv"), &st);
  ok(rc == MJ_EIO && strstr(mj_errmsg(e), "nope.csv"),
     "a missing file is refused, naming it: %s", mj_errmsg(e));

  /* ---- one response from the host ---- */
  const char *q[] = {"staff", "nps", "why"};
  const char *v[] = {"4", "10", "Muy bien"};
  rc = mj_response_add(e, "visit", "API1", "C2", q, v, 3);
  ok(rc == MJ_OK && count(e) == 11, "a response from the host is stored (%s)",
     mj_errmsg(e));
  is_int(MJ_ECONFLICT, mj_response_add(e, "visit", "API1", "C2", q, v, 3),
         "the same id again is a conflict");
  const char *bad[] = {"9", "10", ""};
  rc = mj_response_add(e, "visit", "API2", "C2", q, bad, 3);
  ok(rc == MJ_EVALIDATE &&
         strstr(mj_errmsg(e), "question 'staff': 9 is outside 1..5"),
     "a bad value names its question: %s", mj_errmsg(e));
  const char *q2[] = {"stafff"};
  rc = mj_response_add(e, "visit", "API3", "C2", q2, v, 1);
  ok(rc == MJ_EVALIDATE && strstr(mj_errmsg(e), "no question 'stafff'"),
     "an unknown question is refused: %s", mj_errmsg(e));
  rc = mj_response_add(e, "visit", "API4", "C2", q, v, 1);
  ok(rc == MJ_EVALIDATE && strstr(mj_errmsg(e), "nps': an answer is required"),
     "a required question left out is refused: %s", mj_errmsg(e));
  is_int(11, count(e), "refused responses store nothing");

  /* ---- column mapping, pilot, channel, tokens, versions ---- */
  tap_write(in_dir("m.csv"), "id,cliente,Q_NPS,canal,piloto\r\n"
                             "M1,C1,9,phone,0\r\n"
                             "M2,C2,3,,true\r\n"
                             "M3,C3,5,web,maybe\r\n");
  mj_import_column map[] = {{"response_id", "id"},
                            {"customer_id", "cliente"},
                            {"nps", "Q_NPS"},
                            {"channel", "canal"},
                            {"pilot", "piloto"}};
  mj_import_opts io = {.size = sizeof io, .columns = map, .n_columns = 5};
  rc = mj_import_ex(e, "visit", in_dir("m.csv"), &io, &st);
  ok(rc == MJ_OK && st.accepted == 2 && st.rejected == 1,
     "a mapped CSV imports (%s)", mj_errmsg(e));
  char *mrej = tap_slurp(in_dir("m.csv.rejects.csv"), NULL);
  contains(mrej ? mrej : "", "column 5 (piloto): pilot must be 1, true or yes",
           "a bad pilot flag is rejected under the file's column name");
  free(mrej);
  is_string("customer=C1 version=1 pilot=0 channel=phone", stored(e, "M1"),
            "the channel column is stored");
  contains(stored(e, "M2"), "pilot=1 channel=-",
           "pilot = true marks a pilot response");
  mj_import_column wrong[] = {{"nsp", "Q_NPS"}};
  io.columns = wrong;
  io.n_columns = 1;
  rc = mj_import_ex(e, "visit", in_dir("m.csv"), &io, &st);
  ok(rc == MJ_EINVAL && strstr(mj_errmsg(e), "columns maps 'nsp'"),
     "an unknown target is refused: %s", mj_errmsg(e));
  mj_import_column missing[] = {{"response_id", "id"},
                                {"customer_id", "cliente"},
                                {"nps", "NPS_Q1"}};
  io.columns = missing;
  io.n_columns = 3;
  rc = mj_import_ex(e, "visit", in_dir("m.csv"), &io, &st);
  ok(rc == MJ_EDATA && strstr(mj_errmsg(e), "'NPS_Q1', which the header lacks"),
     "a missing source column is refused: %s", mj_errmsg(e));
  tap_write(in_dir("p.csv"), "response_id,customer_id,nps\r\nP1,C1,8\r\n");
  mj_import_opts po = {.size = sizeof po, .pilot = 1};
  rc = mj_import_ex(e, "visit", in_dir("p.csv"), &po, &st);
  ok(rc == MJ_OK && st.accepted == 1 &&
         strstr(stored(e, "P1"), "pilot=1"),
     "the pilot option marks every row");
  mj_import_opts small = {.size = 1};
  is_int(MJ_EINVAL, mj_import_ex(e, "visit", in_dir("p.csv"), &small, &st),
         "options with a wrong size are refused");

  /* An invitation's token stands for the customer and the response id. */
  mj_invitation_rec inv = {.token = "0123456789abcdef0123456789abcdef",
                           .customer = "C3",
                           .questionnaire = "visit",
                           .sample = "s",
                           .created_at = 1};
  mj_error ierr = {0};
  if (MJ_STORE_OPS(e)->put_invitation(e->store->inst, &inv, &ierr) != MJ_OK)
    bail("cannot store an invitation: %s", ierr.msg);
  tap_write(in_dir("t.csv"), "token,nps\r\n"
                             "0123456789abcdef0123456789abcdef,7\r\n"
                             "ffffffffffffffffffffffffffffffff,7\r\n");
  rc = mj_import(e, "visit", in_dir("t.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 1 && st.rejected == 1,
     "a token column resolves the customer, an unknown token is rejected");
  contains(stored(e, "0123456789abcdef0123456789abcdef"), "customer=C3",
           "the token is the response id, the customer its invitation's");
  is_int(1, sql_int(db, "SELECT answered FROM invitations WHERE token ="
                        " '0123456789abcdef0123456789abcdef'"),
         "the invitation is marked answered");
  rc = mj_import(e, "visit", in_dir("t.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 0 && st.duplicates == 1,
     "re-importing by token adds nothing");

  /* JSON: the same renames, pilot and channel keys. */
  tap_write(in_dir("j.json"), "[{\"id\": \"J1\", \"cliente\": \"C1\","
                              " \"Q_NPS\": 9, \"pilot\": true,"
                              " \"channel\": \"web\"}]");
  mj_import_column jmap[] = {{"response_id", "id"},
                             {"customer_id", "cliente"},
                             {"nps", "Q_NPS"}};
  io.columns = jmap;
  io.n_columns = 3;
  rc = mj_import_ex(e, "visit", in_dir("j.json"), &io, &st);
  ok(rc == MJ_OK && st.accepted == 1 &&
         strcmp(stored(e, "J1"), "customer=C1 version=1 pilot=1 channel=web") ==
             0,
     "a mapped JSON file imports with its pilot flag and channel (%s)",
     mj_errmsg(e));
  io.columns = missing;
  rc = mj_import_ex(e, "visit", in_dir("j.json"), &io, &st);
  ok(rc == MJ_EDATA && strstr(mj_errmsg(e), "key 'NPS_Q1', which no object"),
     "a JSON key no object has is refused: %s", mj_errmsg(e));

  /* A changed questionnaire is a new version; an unchanged one is not. */
  is_int(1, sql_int(db, "SELECT count(*) FROM questionnaire_versions"),
         "one structure so far");
  char *pb = tap_slurp(in_dir("import.lua"), NULL);
  char *at = pb ? strstr(pb, "type = \"nps\", required") : NULL;
  if (!at)
    bail("import.lua changed: no nps question to retype");
  size_t pre = (size_t)(at - pb), cut = strlen("type = \"nps\"");
  char *pb2 = malloc(strlen(pb) + 16);
  if (!pb2)
    bail("out of memory");
  snprintf(pb2, strlen(pb) + 16, "%.*stype = \"scale10\"%s", (int)pre, pb,
           at + cut);
  tap_write(in_dir("import2.lua"), pb2);
  free(pb2);
  free(pb);
  if (mj_playbook_load(e, in_dir("import2.lua")) != MJ_OK)
    bail("retyped playbook does not load: %s", mj_errmsg(e));
  tap_write(in_dir("v2.csv"), "response_id,customer_id,nps\r\nV2,C1,4\r\n");
  rc = mj_import(e, "visit", in_dir("v2.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 1 &&
         strstr(stored(e, "V2"), "version=2") &&
         strstr(stored(e, "G1"), "version=1"),
     "after a change of type new responses are version 2, old ones keep 1");

  /* Duplicate ids are found however many came before (the id table grows
  ** several times over 5000 ids) and however long the id (one longer than
  ** a page of ids gets pages of its own, and the next starts a fresh one). */
  size_t long_id = (1u << 20) + 100, cap = 5000 * 16 + 2 * long_id + 256;
  char *big = malloc(cap);
  if (!big)
    bail("out of memory");
  size_t used = (size_t)snprintf(big, cap, "response_id,customer_id,nps\r\n");
  for (int i = 1; i <= 5000; i++) /* row i + 1 */
    used += (size_t)snprintf(big + used, cap - used, "D%05d,C1,5\r\n", i);
  used += (size_t)snprintf(big + used, cap - used, "D00002,C1,5\r\n");
  for (int k = 0; k < 2; k++) { /* rows 5003 and 5004 */
    memset(big + used, 'L', long_id);
    used += long_id;
    used += (size_t)snprintf(big + used, cap - used, ",C1,5\r\n");
  }
  snprintf(big + used, cap - used,
           "E1,C1,5\r\nD04999,C1,5\r\nE1,C1,5\r\n"); /* 5005-5007 */
  tap_write(in_dir("many.csv"), big);
  free(big);
  rc = mj_import(e, "visit", in_dir("many.csv"), &st);
  ok(rc == MJ_OK && st.rows == 5006 && st.accepted == 5002 &&
         st.rejected == 4,
     "5006 rows: 5002 stored, 4 repeated ids rejected (%llu/%llu/%llu)",
     (unsigned long long)st.rows, (unsigned long long)st.accepted,
     (unsigned long long)st.rejected);
  char *mrej2 = tap_slurp(in_dir("many.csv.rejects.csv"), NULL);
  contains(mrej2 ? mrej2 : "",
           "duplicate response id 'D00002' (first used on row 3)",
           "an id seen 5000 rows earlier is found");
  contains(mrej2 ? mrej2 : "",
           "duplicate response id 'D04999' (first used on row 5000)",
           "ids before a long one are still found");
  contains(mrej2 ? mrej2 : "",
           "duplicate response id 'E1' (first used on row 5005)",
           "an id after a long one is found");
  free(mrej2);

  /* Rows of 2 KB ids: the store's thread takes a batch when its memory is
  ** full (1 MiB), before it holds its count of rows; none is lost. */
  size_t wcap = 1500 * 2100 + 64, wused = 0;
  char *wide = malloc(wcap);
  if (!wide)
    bail("out of memory");
  wused += (size_t)snprintf(wide, wcap, "response_id,customer_id,nps\r\n");
  for (int i = 0; i < 1500; i++) {
    memset(wide + wused, 'W', 1990);
    wused += 1990;
    wused += (size_t)snprintf(wide + wused, wcap - wused, "%05d,C2,%d\r\n", i,
                              1 + i % 10);
  }
  tap_write(in_dir("wide.csv"), wide);
  free(wide);
  int64_t before_wide = count(e);
  rc = mj_import(e, "visit", in_dir("wide.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 1500 && count(e) == before_wide + 1500,
     "1500 rows of 2 KB ids: all stored (%llu of %llu, %llu rejected)",
     (unsigned long long)st.accepted, (unsigned long long)st.rows,
     (unsigned long long)st.rejected);
  rc = mj_import(e, "visit", in_dir("wide.csv"), &st);
  ok(rc == MJ_OK && st.accepted == 0 && st.duplicates == 1500,
     "and each is known when the file comes again (%llu duplicates)",
     (unsigned long long)st.duplicates);

  /* A row with several faults is rejected for the first in the order they
  ** are checked: the customer, the segment, then the answers. */
  tap_write(in_dir("order.csv"), "response_id,customer_id,segment,staff,nps\r\n"
                                 "O1,CX,retail,9,5\r\n"
                                 "O2,C1,nowhere,9,5\r\n"
                                 "O3,C1,retail,9,5\r\n");
  rc = mj_import(e, "visit", in_dir("order.csv"), &st);
  char *orej = tap_slurp(in_dir("order.csv.rejects.csv"), NULL);
  ok(rc == MJ_OK && st.rejected == 3 && orej &&
         strstr(orej, "O1,CX,retail,9,5,2,2,\"row 2, column 2 (customer_id): "
                      "unknown customer 'CX'") &&
         strstr(orej, "O2,C1,nowhere,9,5,3,3,\"row 3, column 3 (segment): "
                      "unknown segment 'nowhere'") &&
         strstr(orej, "O3,C1,retail,9,5,4,4,\"row 4, column 4 (staff): "
                      "9 is outside 1..5\""),
     "each row is rejected for its first fault: customer, segment, answer");
  free(orej);

  free(ans);
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
