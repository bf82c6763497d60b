/*
** The sqlite store through the mock host: schema version and migrations,
** WAL, every record kind written and read back, transactions, duplicates.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mock_host.h"
#include "plugin_static.h"
#include "tap.h"
#include "sql_peek.h"

static const mj_storage_ops *S;
static mj_error err;

static char text_buf[256];

static const char *sql_text(const char *path, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  text_buf[0] = '\0';
  if (sqlite3_open(path, &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      snprintf(text_buf, sizeof text_buf, "%s",
               (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return text_buf;
}

static void *open_store(const char *path)
{
  void *inst = NULL;
  memset(&err, 0, sizeof err);
  if (S->open(mock_host(), NULL, path, &inst, &err) != MJ_OK)
    bail("cannot open the store %s: %s", path, err.msg);
  return inst;
}

/* Answers as scanned, one line each: "r1 c1 seg q1 0 4 -". */
typedef struct answers_seen {
  char text[2048];
  int stop_after;
  int count;
} answers_seen;

static int on_answer(void *ud, const mj_answer_row *row)
{
  answers_seen *a = ud;
  size_t used = strlen(a->text);
  char num[32];
  if (isnan(row->answer.num))
    snprintf(num, sizeof num, "nan");
  else
    snprintf(num, sizeof num, "%g", row->answer.num);
  snprintf(a->text + used, sizeof a->text - used, "%s %s %s %s %d %s %s\n",
           row->response, row->customer ? row->customer : "-",
           row->segment ? row->segment : "-", row->answer.question,
           (int)row->answer.state, num,
           row->answer.text ? row->answer.text : "-");
  a->count++;
  return a->stop_after && a->count >= a->stop_after ? MJ_ECONFLICT : MJ_OK;
}

static int on_result(void *ud, const mj_result_rec *r)
{
  char *out = ud;
  size_t used = strlen(out);
  snprintf(out + used, 512 - used,
           "%lld %s %s %s %llu/%llu %g %s %s %s %s %g %g %s %g\n",
           (long long)r->cycle, r->scorer ? r->scorer : "-", r->metric,
           r->segment ? r->segment : "-", (unsigned long long)r->n,
           (unsigned long long)r->n_excluded, r->value,
           isnan(r->ci_low) ? "nan" : "ci", isnan(r->ci_high) ? "nan" : "ci",
           r->subject ? r->subject : "-", r->label ? r->label : "-", r->sd,
           r->delta, r->test ? r->test : "-", r->p_change);
  return MJ_OK;
}

static int on_cycle(void *ud, const mj_cycle_rec *c)
{
  *(int64_t *)ud = c->id;
  return MJ_OK;
}

/* "id name status started finished" lines. */
static int on_cycle_line(void *ud, const mj_cycle_rec *c)
{
  char *out = ud;
  size_t used = strlen(out);
  snprintf(out + used, 512 - used, "%lld %s %s %lld %lld\n", (long long)c->id,
           c->name, c->status, (long long)c->started_at,
           (long long)c->finished_at);
  return MJ_OK;
}

/* The tokens of the invitations scanned, each followed by a space. */
static int on_token(void *ud, const mj_invitation_rec *inv)
{
  char *buf = ud;
  size_t n = strlen(buf);
  snprintf(buf + n, 256 - n, "%s ", inv->token);
  return MJ_OK;
}

static int on_plan(void *ud, const mj_plan_rec *p)
{
  char *out = ud;
  size_t used = strlen(out);
  snprintf(out + used, 512 - used, "%s %s %s %lld %s\n", p->id, p->status,
           p->owner ? p->owner : "-", (long long)p->due_at,
           p->note ? p->note : "-");
  return MJ_OK;
}

/* "id status attempts meta-count claim" lines; the last claim kept. */
typedef struct claimed {
  char out[512];
  char claim[64];
  char subject[64];
} claimed;

static int on_outbox(void *ud, const mj_outbox_rec *r)
{
  claimed *c = ud;
  size_t used = strlen(c->out);
  snprintf(c->out + used, sizeof c->out - used, "%lld %s %d %zu %s\n",
           (long long)r->id, r->status, r->attempts, r->event->n_meta,
           r->key ? r->key : "-");
  snprintf(c->claim, sizeof c->claim, "%s", r->claim ? r->claim : "");
  snprintf(c->subject, sizeof c->subject, "%s",
           r->event->subject ? r->event->subject : "");
  return MJ_OK;
}

static int on_event(void *ud, const mj_plan_event_rec *ev)
{
  char *out = ud;
  size_t used = strlen(out);
  snprintf(out + used, 512 - used, "%s %lld %s\n", ev->plan,
           (long long)ev->cycle, ev->kind);
  return MJ_OK;
}

typedef struct vlist {
  char text[512];
} vlist;

static int on_version(void *ud, int version, const char *fp,
                      const char *structure, int64_t at)
{
  vlist *v = ud;
  size_t n = strlen(v->text);
  snprintf(v->text + n, sizeof v->text - n, "%d %s %s %lld\n", version, fp,
           structure, (long long)at);
  return MJ_OK;
}

typedef struct rlist {
  char text[512];
} rlist;

static int on_resp(void *ud, const mj_response_rec *r)
{
  rlist *v = ud;
  size_t n = strlen(v->text);
  snprintf(v->text + n, sizeof v->text - n, "%s v%d pilot %d %s %s\n",
           r->id, r->version, r->pilot, r->channel ? r->channel : "-",
           r->source ? r->source : "-");
  return MJ_OK;
}

/* Responses scanned in order: ids increasing, segments as put. */
typedef struct order_seen {
  int n, in_order, segments_ok;
  char last[32];
} order_seen;

static int on_ordered(void *ud, const mj_response_rec *r)
{
  order_seen *o = ud;
  if (o->n && strcmp(o->last, r->id) >= 0)
    o->in_order = 0;
  int i = atoi(r->id + 1);
  const char *want = i >= 3000 ? "retail" : i % 2 ? "a" : "b";
  if (!r->segment || strcmp(r->segment, want) != 0 || r->n_answers != 1 ||
      r->answers[0].num != i % 5)
    o->segments_ok = 0;
  snprintf(o->last, sizeof o->last, "%s", r->id);
  o->n++;
  return MJ_OK;
}

/* put_customers' reader over an array of records. */
static void rec_at(void *ud, size_t i, mj_customer_rec *rec)
{
  *rec = ((const mj_customer_rec *)ud)[i];
}

/* How many responses the store's blocks hold, by SQL. */
#define STORED "SELECT coalesce(sum(n), 0) FROM response_blocks"

static mj_response_rec response(const char *id, const mj_answer_rec *a,
                                size_t n)
{
  mj_response_rec r;
  memset(&r, 0, sizeof r);
  r.id = id;
  r.questionnaire = "post-visit";
  r.version = 1;
  r.customer = "c1";
  r.segment = "retail";
  r.submitted_at = 1700000000;
  r.source = "test";
  r.answers = a;
  r.n_answers = n;
  return r;
}

/* Put id and say whether it was inserted (-1: the put failed). */
static int put_id(void *st, const char *id)
{
  mj_answer_rec a[1] = {{"staff", MJ_ANSWER_VALUE, 3, NULL}};
  mj_response_rec r = response(id, a, 1);
  int ins = -1;
  if (S->put_response(st, &r, &ins, &err) != MJ_OK)
    return -1;
  return ins;
}

/*
** Ids in increasing order are found through each block's least and
** greatest id; the first new id out of order brings the table of every
** id, and both find the same duplicates.
*/
static void ranges(const char *dir)
{
  char path[512], id[32];
  snprintf(path, sizeof path, "%s/ranges.db", dir);
  void *st = open_store(path);
  int stored = 0;
  S->begin(st, &err);
  for (int i = 1; i <= 3000; i++) { /* R1 .. R9, R10 ...: they increase */
    snprintf(id, sizeof id, "R%d", i);
    stored += put_id(st, id) == 1;
  }
  int early = put_id(st, "R9"), filling = put_id(st, "R2999");
  is_int(MJ_OK, S->commit(st, &err), "3000 increasing ids committed");
  ok(stored == 3000 && early == 0 && filling == 0,
     "R9 then R10 both stored; repeats found in a written block and in the "
     "one being filled (%d stored)", stored);
  is_int(3, sql_int(path, "SELECT count(*) FROM response_ranges"),
         "each block of increasing ids has its range");
  is_string("R1", sql_text(path, "SELECT lo FROM response_ranges"
                                 " ORDER BY seq LIMIT 1"),
            "a range starts at the block's least id");
  S->close(st);

  st = open_store(path);
  ok(put_id(st, "R10") == 0 && put_id(st, "R9") == 0 &&
         put_id(st, "R1024") == 0 && put_id(st, "R1025") == 0 &&
         put_id(st, "R3000") == 0,
     "after a reopen, the ranges find ids at the ends of blocks");
  is_int(1, put_id(st, "R3001"), "a greater id is new");
  S->begin(st, &err);
  ok(put_id(st, "R3002") == 1 && put_id(st, "Q7") == 1 &&
         put_id(st, "R42") == 0 && put_id(st, "R3002") == 0 &&
         put_id(st, "Q7") == 0 && put_id(st, "R3003") == 1,
     "after a long increasing run, a new id out of order is stored, and "
     "repeats before and after it are found");
  is_int(MJ_OK, S->commit(st, &err), "the unordered block committed");
  is_int(4, sql_int(path, "SELECT count(*) FROM response_ranges"),
         "a block whose ids do not increase has no range");
  S->close(st);

  st = open_store(path);
  ok(put_id(st, "R100") == 0 && put_id(st, "Q7") == 0 &&
         put_id(st, "R3003") == 0 && put_id(st, "Q8") == 1,
     "reopened with a block out of order, the table finds every id");
  S->close(st);

  snprintf(path, sizeof path, "%s/ranges_undo.db", dir);
  st = open_store(path);
  S->begin(st, &err);
  for (int i = 1; i <= 2000; i++) {
    snprintf(id, sizeof id, "S%d", i);
    put_id(st, id);
  }
  S->rollback(st, &err);
  ok(put_id(st, "S5") == 1 && put_id(st, "S3") == 1 &&
         put_id(st, "S5") == 0,
     "after a rollback no undone id or range is kept");
  is_int(2, sql_int(path, "SELECT count(*) FROM response_ranges"),
         "only the committed blocks have ranges");
  S->close(st);
}

int main(void)
{
  plan(190);
  const mj_plugin_desc *d = mj_plugin_sqlite_entry();
  S = mock_ops(d, MJ_KIND_STORAGE);
  is_string("sqlite", d->name, "the plugin is called sqlite");
  ok(S->ops_size == sizeof(mj_storage_ops), "ops table has its size first");

  char *dir = tap_tmpdir("sqlite");
  char path[512], bad[512];
  snprintf(path, sizeof path, "%s/store.db", dir);

  /* ---- open, schema, WAL ---- */
  void *st = open_store(path);
  int version = 0;
  is_int(MJ_OK, S->schema_version(st, &version, &err), "schema version read");
  ok(version >= 1, "schema at version %d after the first open", version);
  is_int(version, sql_int(path, "PRAGMA user_version"),
         "version stored in user_version");
  is_string("wal", sql_text(path, "PRAGMA journal_mode"), "WAL mode is on");
  is_int(0x4d4a4442, sql_int(path, "PRAGMA application_id"),
         "the store carries mejora's application id");
  S->close(st);
  st = open_store(path);
  int again = 0;
  S->schema_version(st, &again, &err);
  is_int(version, again, "reopening migrates nothing more");
  is_int(1,
         sql_int(path, "SELECT count(*) FROM sqlite_master WHERE "
                       "name = 'response_blocks'"),
         "tables created once");

  /* A writer holding the lock does not keep a reader from opening. */
  is_int(MJ_OK, S->begin(st, &err), "a writer takes the lock");
  void *reader = NULL;
  ok(S->open(mock_host(), NULL, path, &reader, &err) == MJ_OK,
     "a second connection opens beside the writer (%s)", err.msg);
  int64_t none_yet = -1;
  if (reader)
    S->count_responses(reader, NULL, &none_yet, &err);
  is_int(0, none_yet, "and reads while the writer holds the lock");
  S->close(reader);
  S->rollback(st, &err);

  /* ---- customers ---- */
  mj_customer_rec c = {"c1", "retail", "Ana", "es", "email", "a@x.es", 1};
  is_int(MJ_OK, S->put_customer(st, &c, &err), "customer stored");
  c.segment = "corporate";
  c.consent = 0;
  is_int(MJ_OK, S->put_customer(st, &c, &err), "customer updated");
  is_int(1, sql_int(path, "SELECT count(*) FROM customers"),
         "one row per customer id");
  is_string("corporate", sql_text(path, "SELECT segment FROM customers"),
            "the update replaced the segment");
  is_int(0, sql_int(path, "SELECT consent FROM customers"), "consent stored");

  /* ---- responses ---- */
  mj_answer_rec a1[] = {
      {"staff", MJ_ANSWER_VALUE, 4, NULL},
      {"speed", MJ_ANSWER_NA, NAN, NULL},
      {"nps", MJ_ANSWER_VALUE, 9, NULL},
      {"why", MJ_ANSWER_VALUE, NAN, "rápido, amable"},
  };
  mj_answer_rec a2[] = {
      {"staff", MJ_ANSWER_VALUE, 2, NULL},
      {"speed", MJ_ANSWER_SKIPPED, NAN, NULL},
  };
  mj_response_rec r1 = response("r1", a1, 4);
  mj_response_rec r2 = response("r2", a2, 2);
  r2.customer = NULL;
  r2.segment = NULL;
  int ins = -1;
  is_int(MJ_OK, S->put_response(st, &r1, &ins, &err), "response r1 stored");
  is_int(1, ins, "r1 inserted");
  S->put_response(st, &r2, &ins, &err);
  r1.answers = a2; /* a different body under a known id changes nothing */
  r1.n_answers = 2;
  ins = -1;
  is_int(MJ_OK, S->put_response(st, &r1, &ins, &err), "duplicate id is ok");
  is_int(0, ins, "duplicate response id: inserted = 0");
  int64_t n = -1;
  S->count_responses(st, "post-visit", &n, &err);
  is_int(2, n, "two responses counted");
  S->count_responses(st, "other", &n, &err);
  is_int(0, n, "none for another questionnaire");
  answers_seen as = {{0}, 0, 0};
  is_int(MJ_OK, S->scan_answers(st, "post-visit", on_answer, &as, &err),
         "answers scanned");
  is_string("r1 c1 retail staff 0 4 -\n"
            "r1 c1 retail speed 1 nan -\n"
            "r1 c1 retail nps 0 9 -\n"
            "r1 c1 retail why 0 nan rápido, amable\n"
            "r2 - - staff 0 2 -\n"
            "r2 - - speed 2 nan -\n",
            as.text, "answers back in response and question order, N/A as NaN");
  answers_seen stop = {{0}, 2, 0};
  is_int(MJ_ECONFLICT,
         S->scan_answers(st, "post-visit", on_answer, &stop, &err),
         "a callback's status stops the scan and is returned");
  is_int(2, stop.count, "no row after the stop");

  mj_answer_rec broken[] = {{"staff", MJ_ANSWER_VALUE, 1, NULL},
                            {NULL, MJ_ANSWER_VALUE, 2, NULL}};
  mj_response_rec r3 = response("r3", broken, 2);
  is_int(MJ_EINVAL, S->put_response(st, &r3, &ins, &err),
         "an answer without a question is refused");
  S->count_responses(st, NULL, &n, &err);
  ok(n == 2 && sql_int(path, STORED) == 2,
     "the refused response left no row behind");

  /* ---- transactions ---- */
  is_int(MJ_OK, S->begin(st, &err), "begin");
  is_int(MJ_EINVAL, S->begin(st, &err), "a second begin is refused");
  mj_response_rec r4 = response("r4", a2, 2);
  S->put_response(st, &r4, &ins, &err);
  mj_customer_rec c2 = {"c2", NULL, NULL, NULL, NULL, NULL, 1};
  S->put_customer(st, &c2, &err);
  is_int(MJ_OK, S->rollback(st, &err), "rollback");
  S->count_responses(st, NULL, &n, &err);
  ok(n == 2 && sql_int(path, "SELECT count(*) FROM customers") == 1 &&
         sql_int(path, STORED) == 2,
     "rollback leaves nothing");
  is_int(MJ_EINVAL, S->commit(st, &err), "commit without begin is refused");
  S->begin(st, &err);
  S->put_response(st, &r4, &ins, &err);
  mj_result_rec orphan = {.cycle = 999, .scorer = "nps", .metric = "nps",
                          .segment = "all", .n = 1, .value = 1,
                          .ci_low = NAN, .ci_high = NAN, .delta = NAN,
                          .p_change = NAN};
  ok(S->put_result(st, &orphan, &err) == MJ_ESTORE &&
         strstr(err.msg, "store.db") != NULL,
     "a result for an unknown cycle is refused, naming the store");
  is_int(MJ_OK, S->commit(st, &err), "the transaction survives a failed op");
  S->count_responses(st, NULL, &n, &err);
  ok(n == 3 && sql_int(path, "SELECT count(*) FROM results") == 0,
     "commit kept the good write and none of the failed one");

  /* ---- cycles and results ---- */
  int found = -1;
  int64_t cid = 0, last = 0;
  S->last_cycle(st, on_cycle, &last, &found, &err);
  is_int(0, found, "no finished cycle yet");
  is_int(MJ_OK, S->cycle_open(st, "monthly", 1700000100, &cid, &err),
         "cycle opened");
  mj_result_rec res = {.cycle = cid, .scorer = "nps", .metric = "nps",
                       .questionnaire = "post-visit", .question = "nps",
                       .segment = "all", .n = 40, .n_excluded = 2,
                       .value = 25.5, .ci_low = 10.25, .ci_high = 40.75,
                       .subject = "question:nps", .label = "x", .sd = 1.5,
                       .delta = 2.5, .test = "nps-wald-z", .p_change = 0.25};
  is_int(MJ_OK, S->put_result(st, &res, &err), "result stored");
  res.metric = "promoters";
  res.ci_low = res.ci_high = NAN;
  S->put_result(st, &res, &err);
  char out[512] = "";
  S->scan_results(st, cid, on_result, out, &err);
  char want[512];
  snprintf(want, sizeof want,
           "%lld nps nps all 40/2 25.5 ci ci question:nps x 1.5 2.5 "
           "nps-wald-z 0.25\n"
           "%lld nps promoters all 40/2 25.5 nan nan question:nps x 1.5 2.5 "
           "nps-wald-z 0.25\n",
           (long long)cid, (long long)cid);
  is_string(want, out, "results back in order, NaN bounds kept");
  is_int(MJ_OK, S->cycle_close(st, cid, "done", 1700000200, &err),
         "cycle closed");
  S->last_cycle(st, on_cycle, &last, &found, &err);
  ok(found == 1 && last == cid, "the closed cycle is the last one");
  is_int(MJ_ENOTFOUND, S->cycle_close(st, cid + 50, "done", 0, &err),
         "closing an unknown cycle");
  int64_t cid2 = 0;
  S->cycle_open(st, "weekly", 1700000250, &cid2, &err);
  out[0] = '\0';
  is_int(MJ_OK, S->scan_cycles(st, on_cycle_line, out, &err), "cycles listed");
  snprintf(want, sizeof want,
           "%lld monthly done 1700000100 1700000200\n"
           "%lld weekly running 1700000250 0\n",
           (long long)cid, (long long)cid2);
  is_string(want, out, "every cycle, oldest first, whatever its status");
  is_int(MJ_OK, S->cycle_reopen(st, cid, 1700000300, &err),
         "a finished cycle reopened");
  out[0] = '\0';
  S->scan_results(st, cid, on_result, out, &err);
  is_string("", out, "in place: its results are gone");
  out[0] = '\0';
  S->scan_cycles(st, on_cycle_line, out, &err);
  snprintf(want, sizeof want, "%lld monthly running 1700000300 0\n",
           (long long)cid);
  ok(strncmp(out, want, strlen(want)) == 0,
     "same id, running again from the new time: %s", out);
  is_int(MJ_ENOTFOUND, S->cycle_reopen(st, cid + 50, 0, &err),
         "reopening an unknown cycle");
  S->cycle_close(st, cid, "done", 1700000400, &err);

  /* ---- plans and events ---- */
  mj_plan_rec p = {"faster-pickup", "open",     "ops-lead", 1702592100, cid,
                   1700000150,      1700000150, "[]",       "[]",       NULL};
  is_int(MJ_OK, S->put_plan(st, &p, &err), "plan stored");
  p.status = "closed";
  p.note = "verified";
  S->put_plan(st, &p, &err);
  mj_plan_rec p2 = p;
  p2.id = "another";
  p2.status = "open";
  S->put_plan(st, &p2, &err);
  out[0] = '\0';
  S->scan_plans(st, "faster-pickup", on_plan, out, &err);
  is_string("faster-pickup closed ops-lead 1702592100 verified\n", out,
            "plan upserted by id and scanned by id");
  out[0] = '\0';
  S->scan_plans(st, NULL, on_plan, out, &err);
  contains(out, "another open", "scanning all plans");
  mj_plan_event_rec ev = {"faster-pickup", cid, 1700000150, "opened", NULL};
  S->put_plan_event(st, &ev, &err);
  ev.kind = "closed";
  S->put_plan_event(st, &ev, &err);
  out[0] = '\0';
  S->scan_plan_events(st, "faster-pickup", on_event, out, &err);
  snprintf(want, sizeof want,
           "faster-pickup %lld opened\n"
           "faster-pickup %lld closed\n",
           (long long)cid, (long long)cid);
  is_string(want, out, "plan events in order");

  /* ---- notifications ---- */
  mj_meta meta[] = {{"plan", "faster-pickup"}, {"owner", "ops-lead"}};
  mj_event e = {"plan.opened",     MJ_LOG_WARN, 1700000150, "Plan opened",
                "R1 below target", meta,        2};
  is_int(MJ_OK, S->put_notification(st, cid, "log", &e, "sent", NULL, &err),
         "notification stored");
  ok(sql_int(path, "SELECT count(*) FROM notifications") == 1 &&
         sql_int(path, "SELECT count(*) FROM notification_meta") == 2,
     "notification and its meta stored");

  /* ---- the outbox ---- */
  claimed cl = {{0}, {0}, {0}};
  is_int(MJ_OK, S->begin(st, &err), "begin for two messages");
  S->outbox_put(st, cid, "hook", &e, "k1", 1000, &err);
  S->outbox_put(st, cid, "hook", &e, "k2", 2000, &err);
  S->rollback(st, &err);
  S->outbox_scan(st, 0, on_outbox, &cl, &err);
  is_string("", cl.out, "messages queued in a rolled-back transaction: none");
  S->begin(st, &err);
  S->outbox_put(st, cid, "hook", &e, "k1", 1000, &err);
  S->outbox_put(st, cid, "hook", &e, "k2", 2000, &err);
  is_int(MJ_OK, S->commit(st, &err), "two messages queued and committed");
  S->outbox_claim(st, 1500, 0, 10, on_outbox, &cl, &err);
  is_string("2 sending 0 2 k1\n", cl.out,
            "claim hands over what is due, with its event's meta");
  is_string("Plan opened", cl.subject, "and its event's fields");
  char first[64];
  snprintf(first, sizeof first, "%s", cl.claim);
  cl.out[0] = '\0';
  S->outbox_claim(st, 1600, 0, 10, on_outbox, &cl, &err);
  is_string("", cl.out, "a claimed message is not claimed again");
  S->outbox_claim(st, 2200, 1500, 10, on_outbox, &cl, &err);
  is_string("2 sending 0 2 k1\n3 sending 0 2 k2\n", cl.out,
            "a stale claim is taken over, oldest first");
  is_int(MJ_ECONFLICT,
         S->outbox_mark(st, 2, first, "sent", 2300, 0, NULL, &err),
         "the delivery whose claim was taken over records nothing");
  is_int(MJ_OK, S->outbox_mark(st, 2, cl.claim, "sent", 2300, 0, NULL, &err),
         "the one holding the claim marks it sent");
  cl.out[0] = '\0';
  S->outbox_scan(st, 0, on_outbox, &cl, &err);
  is_string("3 sending 0 2 k2\n", cl.out, "a sent message waits no more");
  S->outbox_mark(st, 3, cl.claim, "failed", 2300, 0, "HTTP 400", &err);
  cl.out[0] = '\0';
  S->outbox_scan(st, 1, on_outbox, &cl, &err);
  is_string("3 failed 1 2 k2\n", cl.out, "a failed one is parked");
  is_int(MJ_ENOTFOUND, S->outbox_retry(st, 2, 2400, &err),
         "a message not parked cannot be put back");
  is_int(MJ_OK, S->outbox_retry(st, 3, 2400, &err), "a parked one can");
  cl.out[0] = '\0';
  S->outbox_claim(st, 2400, 0, 10, on_outbox, &cl, &err);
  is_string("3 sending 0 2 k2\n", cl.out, "due again at once, untried");
  S->outbox_mark(st, 3, cl.claim, "retry", 2400, 2460, "busy", &err);
  cl.out[0] = '\0';
  S->outbox_claim(st, 2459, 0, 10, on_outbox, &cl, &err);
  S->outbox_claim(st, 2460, 0, 10, on_outbox, &cl, &err);
  is_string("3 sending 1 2 k2\n", cl.out,
            "a retry is due at its next_at, not before");
  is_int(MJ_EINVAL,
         S->outbox_mark(st, 3, cl.claim, "lost", 2460, 0, NULL, &err),
         "an unknown outcome is refused");

  /* ---- respect for the recipient (ABI 1.4) ---- */
  int64_t at = -1;
  is_int(MJ_OK, S->customer_unsubscribed(st, "c9", &at, &err),
         "unsubscribes read");
  is_int(0, at, "nobody unsubscribed yet");
  S->customer_unsubscribe(st, "c9", 3000, &err);
  S->customer_unsubscribe(st, "c9", 3500, &err);
  S->customer_unsubscribed(st, "c9", &at, &err);
  is_int(3000, at, "unsubscribing twice keeps the first time");
  S->customer_unsubscribe(st, "c9", 0, &err);
  S->customer_unsubscribed(st, "c9", &at, &err);
  is_int(0, at, "at 0 takes the customer back");
  mj_meta cm[] = {{"customer", "c9"}, {"email", "c9@x.example"}};
  mj_event ce = {"customer.invitation", MJ_LOG_INFO, 2500, "Hi", "M", cm, 2};
  S->begin(st, &err);
  S->outbox_put(st, cid, "mail", &ce, "k3", 2500, &err);
  S->outbox_put(st, cid, "mail", &ce, "k4", 2500, &err);
  S->commit(st, &err);
  cl.out[0] = '\0';
  S->outbox_claim(st, 2500, 0, 10, on_outbox, &cl, &err);
  S->outbox_mark(st, 4, cl.claim, "sent", 2600, 0, NULL, &err);
  S->outbox_mark(st, 5, cl.claim, "cancelled", 2600, 0, "unsubscribed",
                 &err);
  int64_t times[4] = {0};
  size_t n_sent = 9;
  S->outbox_sent_to(st, "c9", 2000, 4, times, &n_sent, &err);
  ok(n_sent == 1 && times[0] == 2600,
     "what was sent to a customer, and when");
  S->outbox_sent_to(st, "c9", 2601, 4, times, &n_sent, &err);
  is_int(0, (long long)n_sent, "nothing sent since a later time");
  cl.out[0] = '\0';
  S->outbox_scan(st, 1, on_outbox, &cl, &err);
  is_string("5 cancelled 0 2 k4\n", cl.out,
            "a cancelled message is parked, no attempt counted");
  is_int(MJ_ENOTFOUND, S->outbox_retry(st, 5, 2700, &err),
         "and is not put back");
  /* ---- one reminder per invitation ---- */
  mj_invitation_rec invs[] = {
      {"t1", "c1", "q", "s", "email", "en", 1000, 0},
      {"t2", "c2", "q", "s", NULL, NULL, 5000, 0}, /* too recent */
      {"t3", "c3", "q", "s", NULL, NULL, 1000, 1}, /* answered */
  };
  for (size_t i = 0; i < 3; i++)
    S->put_invitation(st, &invs[i], &err);
  char due[256] = "";
  S->scan_reminders_due(st, "s", 2000, on_token, due, &err);
  is_string("t1 ", due, "due a reminder: old enough, unanswered");
  int marked = -1, twice = -1, answered = -1;
  S->begin(st, &err);
  S->invitation_remind(st, "t1", 3000, &marked, &err);
  S->invitation_remind(st, "t1", 3000, &twice, &err);
  S->invitation_remind(st, "t3", 3000, &answered, &err);
  S->commit(st, &err);
  ok(marked == 1, "the first mark marks it");
  ok(twice == 0, "a second mark does not");
  ok(answered == 0, "an answered invitation is not marked");
  due[0] = '\0';
  S->scan_reminders_due(st, "s", 9000, on_token, due, &err);
  is_string("t2 ", due, "a reminded invitation is due no more");

  /* ---- a link's invitation by the index on its token ---- */
  char near[256] = "";
  is_int(MJ_OK, S->find_invitations(st, "t", on_token, near, &err),
         "invitations found by a token's prefix");
  is_string("t1 t2 t3 ", near, "every one that starts with it");
  near[0] = '\0';
  S->find_invitations(st, "t2", on_token, near, &err);
  is_string("t2 ", near, "and only those");
  near[0] = '\0';
  S->find_invitations(st, "t4", on_token, near, &err);
  is_string("", near, "none for a prefix no token has");

  /* ---- a group commit: parts undone alone ---- */
  int64_t before = 0, after = 0;
  int inserted = -1, kept = -1;
  S->count_responses(st, NULL, &before, &err);
  mj_answer_rec ga[] = {{"nps", MJ_ANSWER_VALUE, 9, NULL}};
  mj_response_rec g1 = response("g1", ga, 1), g2 = response("g2", ga, 1);
  is_int(MJ_OK, S->begin_durable(st, &err), "a durable transaction begins");
  S->part(st, &err);
  S->put_response(st, &g1, &inserted, &err);
  is_int(MJ_OK, S->part_end(st, 0, &err), "a part kept");
  S->part(st, &err);
  S->put_response(st, &g1, &inserted, &err);
  ok(inserted == 0, "the same id again in the group is found");
  is_int(MJ_OK, S->part_end(st, 1, &err), "its part undone");
  S->part(st, &err);
  S->put_response(st, &g2, &inserted, &err);
  kept = inserted;
  is_int(MJ_OK, S->part_end(st, 1, &err), "a part that stored one, undone");
  S->part(st, &err);
  S->put_response(st, &g2, &inserted, &err);
  ok(kept == 1 && inserted == 1, "its id is free again in the group");
  S->part_end(st, 0, &err);
  is_int(MJ_OK, S->commit(st, &err), "the group committed");
  S->count_responses(st, NULL, &after, &err);
  is_int(before + 2, after, "the kept parts are stored, each once");
  S->close(st);

  /* ---- packed answers: every number and text comes back exactly ---- */
  char packed[512];
  snprintf(packed, sizeof packed, "%s/packed.db", dir);
  st = open_store(packed);
  mj_answer_rec odd[] = {
      {"a", MJ_ANSWER_VALUE, 2.5, NULL},
      {"b", MJ_ANSWER_VALUE, -3, NULL},
      {"c", MJ_ANSWER_VALUE, 1e300, "x"},
      {"d", MJ_ANSWER_VALUE, 300, ""},
      {"e", MJ_ANSWER_SKIPPED, NAN, NULL},
  };
  mj_response_rec ro = response("o1", odd, 5);
  ro.questionnaire = "odd";
  S->put_response(st, &ro, &ins, &err);
  mj_response_rec none_answered = response("o2", NULL, 0);
  none_answered.questionnaire = "odd";
  is_int(MJ_OK, S->put_response(st, &none_answered, &ins, &err),
         "a response without answers is stored");
  answers_seen od = {{0}, 0, 0};
  S->scan_answers(st, "odd", on_answer, &od, &err);
  is_string("o1 c1 retail a 0 2.5 -\n"
            "o1 c1 retail b 0 -3 -\n"
            "o1 c1 retail c 0 1e+300 x\n"
            "o1 c1 retail d 0 300 \n"
            "o1 c1 retail e 2 nan -\n",
            od.text, "decimals, negatives, large numbers and texts round-trip");
  is_int(1, sql_int(packed, "SELECT count(*) FROM layouts WHERE questions"
                            " = 'a' || char(31) || 'b' || char(31) || 'c' ||"
                            " char(31) || 'd' || char(31) || 'e'"),
         "the question ids are stored once, as a layout");
  S->close(st);
  /* o2 was put alone (no transaction), so it is its block's last byte. */
  sql_exec(packed, "UPDATE response_blocks SET data = substr(data, 1,"
                   " length(data) - 1) WHERE seq = (SELECT max(seq) FROM"
                   " response_blocks)");
  st = open_store(packed);
  answers_seen dmg = {{0}, 0, 0};
  ok(S->scan_answers(st, "odd", on_answer, &dmg, &err) == MJ_ESTORE &&
         strstr(err.msg, "'o2'") && strstr(err.msg, "damaged"),
     "a damaged block is reported, naming the response: %s", err.msg);
  S->close(st);

  /* ---- an old store, one row per answer, is packed on open ----
  ** Built by hand as the migrations before packing left it (only the
  ** tables the later steps read); its rows in scrambled pos order. */
  char old[512];
  snprintf(old, sizeof old, "%s/old.db", dir);
  sql_exec(old,
           "BEGIN;"
           "CREATE TABLE customers(id TEXT PRIMARY KEY, segment TEXT, name"
           " TEXT, lang TEXT, channel TEXT, email TEXT, consent INTEGER NOT"
           " NULL DEFAULT 1);"
           "CREATE TABLE responses(seq INTEGER PRIMARY KEY, id TEXT NOT NULL"
           " UNIQUE, questionnaire TEXT NOT NULL, version INTEGER NOT NULL,"
           " customer TEXT, segment TEXT, wave TEXT, submitted_at INTEGER NOT"
           " NULL, source TEXT);"
           "CREATE TABLE answers(response INTEGER NOT NULL, pos INTEGER NOT"
           " NULL, question TEXT NOT NULL, state INTEGER NOT NULL, num REAL,"
           " text TEXT, PRIMARY KEY(response, pos)) WITHOUT ROWID;"
           "CREATE TABLE invitations(seq INTEGER PRIMARY KEY, token TEXT"
           " NOT NULL UNIQUE, customer TEXT NOT NULL, questionnaire TEXT NOT"
           " NULL, sample TEXT, channel TEXT, lang TEXT, created_at INTEGER"
           " NOT NULL, answered INTEGER NOT NULL DEFAULT 0);"
           "CREATE TABLE notifications(seq INTEGER PRIMARY KEY, cycle"
           " INTEGER NOT NULL, notifier TEXT NOT NULL, kind TEXT, severity"
           " INTEGER NOT NULL, time INTEGER NOT NULL, subject TEXT, message"
           " TEXT, status TEXT NOT NULL, detail TEXT);"
           "CREATE TABLE notification_meta(notification INTEGER NOT NULL"
           " REFERENCES notifications(seq) ON DELETE CASCADE, pos INTEGER"
           " NOT NULL, key TEXT NOT NULL, value TEXT, PRIMARY"
           " KEY(notification, pos)) WITHOUT ROWID;"
           "INSERT INTO notifications VALUES(1, 1, 'webhook', 'plan.opened',"
           " 1, 0, 'S', 'M', 'retry', 'HTTP 503'), (2, 1, 'webhook',"
           " 'plan.opened', 1, 0, 'S', 'M', 'sent', NULL);"
           "INSERT INTO responses VALUES(1, 'r1', 'post-visit', 1, 'c1',"
           " 'retail', NULL, 0, 'f'), (2, 'r2', 'post-visit', 1, NULL, NULL,"
           " NULL, 0, 'f'), (3, 'r3', 'post-visit', 1, NULL, NULL, NULL, 0,"
           " 'f');"
           "INSERT INTO answers VALUES(1, 3, 'why', 0, NULL, 'rápido, amable'),"
           " (1, 0, 'staff', 0, 4, NULL), (1, 2, 'nps', 0, 9, NULL),"
           " (1, 1, 'speed', 1, NULL, NULL), (2, 1, 'speed', 2, NULL, NULL),"
           " (2, 0, 'staff', 0, 2.5, NULL);"
           "COMMIT;");
  /* The version before the packing step, which is step 6 for good:
  ** migrations only ever append. */
  sql_exec(old, "PRAGMA user_version = 5");
  st = open_store(old);
  answers_seen oa = {{0}, 0, 0};
  is_int(MJ_OK, S->scan_answers(st, "post-visit", on_answer, &oa, &err),
         "an old store's answers scan after the migration");
  is_string("r1 c1 retail staff 0 4 -\n"
            "r1 c1 retail speed 1 nan -\n"
            "r1 c1 retail nps 0 9 -\n"
            "r1 c1 retail why 0 nan rápido, amable\n"
            "r2 - - staff 0 2.5 -\n"
            "r2 - - speed 2 nan -\n",
            oa.text, "every answer kept, in question order");
  S->close(st);
  ok(sql_int(old, "SELECT count(*) FROM sqlite_master WHERE name IN"
                  " ('answers', 'responses')") == 0 &&
         sql_int(old, STORED) == 3,
     "the answers and responses tables are gone, the three are in blocks");
  st = open_store(old);
  rlist ol = {{0}};
  S->scan_responses(st, "post-visit", on_resp, &ol, &err);
  S->close(st);
  is_string("r1 v1 pilot 0 - f\nr2 v1 pilot 0 - f\nr3 v1 pilot 0 - f\n",
            ol.text,
            "old responses keep version 1 and their source, are not pilot "
            "and have no channel");
  is_int(0, sql_int(old, "SELECT count(*) FROM questionnaire_versions"),
         "and no structure is made up for them");
  is_int(1, sql_int(old, "SELECT count(*) FROM sources WHERE name = 'f'"),
         "their source is stored once, in the sources table");
  is_int(0x4d4a4442, sql_int(old, "PRAGMA application_id"),
         "a store made before the application id is recognised and gets it");
  is_int(2, sql_int(old, "SELECT count(*) FROM notifications WHERE"
                         " attempts = 1 AND ((seq = 1 AND status = 'failed'"
                         " AND detail = 'HTTP 503') OR (seq = 2 AND"
                         " status = 'sent'))"),
         "notifications from before the outbox: a retry is parked as "
         "failed, not sent late");

  /* ---- questionnaire versions, pilot and channel ---- */
  char ver[512];
  snprintf(ver, sizeof ver, "%s/versions.db", dir);
  st = open_store(ver);
  int v1 = 0, v1b = 0, v2 = 0, other = 0;
  is_int(MJ_OK,
         S->put_questionnaire_version(st, "q", "aaaa", "[{\"id\":\"x\"}]", 10,
                                      &v1, &err),
         "a first structure is stored");
  is_int(1, v1, "as version 1");
  S->put_questionnaire_version(st, "q", "aaaa", "[]", 20, &v1b, &err);
  is_int(1, v1b, "the same fingerprint keeps its version");
  S->put_questionnaire_version(st, "q", "bbbb", "[{\"id\":\"y\"}]", 30, &v2,
                               &err);
  S->put_questionnaire_version(st, "other", "bbbb", "[]", 30, &other, &err);
  ok(v2 == 2 && other == 1,
     "a changed structure is version 2; another questionnaire counts alone");
  vlist vl = {{0}};
  is_int(MJ_OK, S->scan_questionnaire_versions(st, "q", on_version, &vl, &err),
         "versions scan");
  is_string("1 aaaa [{\"id\":\"x\"}] 10\n2 bbbb [{\"id\":\"y\"}] 30\n",
            vl.text, "oldest first, each with its structure, unchanged");
  ok(S->put_questionnaire_version(st, "q", NULL, "[]", 1, &v1, &err) ==
         MJ_EINVAL,
     "a version without a fingerprint is refused");
  mj_answer_rec pa[] = {{"staff", MJ_ANSWER_VALUE, 4, NULL}};
  mj_response_rec pr = response("p1", pa, 1);
  pr.version = 2;
  pr.pilot = 1;
  pr.channel = "phone";
  mj_response_rec plain = response("p2", pa, 1);
  S->put_response(st, &pr, &ins, &err);
  S->put_response(st, &plain, &ins, &err);
  rlist rl = {{0}};
  is_int(MJ_OK, S->scan_responses(st, pr.questionnaire, on_resp, &rl, &err),
         "responses scan");
  is_string("p1 v2 pilot 1 phone test\np2 v1 pilot 0 - test\n", rl.text,
            "version, pilot flag, channel and source come back");
  is_int(1, sql_int(ver, "SELECT count(*) FROM sources"),
         "a source is stored once for all its responses");
  /* A source first met in a transaction that is rolled back is gone with
  ** it; the next response from it must store it again, not point at it. */
  mj_response_rec rb = response("p3", pa, 1);
  rb.source = "undone.csv";
  S->begin(st, &err);
  S->put_response(st, &rb, &ins, &err);
  S->rollback(st, &err);
  rb.id = "p4";
  is_int(MJ_OK, S->put_response(st, &rb, &ins, &err),
         "a response after the rollback is stored: %s", err.msg);
  rl.text[0] = '\0';
  S->scan_responses(st, pr.questionnaire, on_resp, &rl, &err);
  is_string("p1 v2 pilot 1 phone test\np2 v1 pilot 0 - test\n"
            "p4 v1 pilot 0 - undone.csv\n",
            rl.text, "and its source is the one stored again");
  S->close(st);

  /* ---- many responses: blocks, and ids unique across them ---- */
  char many[512];
  snprintf(many, sizeof many, "%s/many.db", dir);
  st = open_store(many);
  int stored = 0;
  char mid[32];
  mj_answer_rec ma[1] = {{"staff", MJ_ANSWER_VALUE, 0, NULL}};
  S->begin(st, &err);
  for (int i = 0; i < 3000; i++) {
    snprintf(mid, sizeof mid, "m%04d", i);
    ma[0].num = i % 5;
    mj_response_rec r = response(mid, ma, 1);
    r.segment = i % 2 ? "a" : "b";
    ins = 0;
    S->put_response(st, &r, &ins, &err);
    stored += ins;
  }
  mj_response_rec dup = response("m0005", ma, 1);
  int dup_written = -1, dup_open = -1;
  S->put_response(st, &dup, &dup_written, &err);
  dup.id = "m2999";
  S->put_response(st, &dup, &dup_open, &err);
  is_int(MJ_OK, S->commit(st, &err), "3000 responses committed");
  ok(stored == 3000 && dup_written == 0 && dup_open == 0,
     "a duplicate is found in a written block and in the one being filled");
  ok(sql_int(many, "SELECT count(*) FROM response_blocks") == 3 &&
         sql_int(many, STORED) == 3000,
     "they are three blocks of one row each, not 3000 rows");
  S->close(st);
  st = open_store(many);
  dup.id = "m1500";
  S->put_response(st, &dup, &ins, &err);
  is_int(0, ins, "after a reopen, ids are read back from the blocks");
  void *other_conn = open_store(many);
  dup.id = "m3001";
  ma[0].num = 3001 % 5;
  S->put_response(other_conn, &dup, &ins, &err);
  S->close(other_conn);
  int seen_other = -1;
  S->put_response(st, &dup, &seen_other, &err);
  is_int(0, seen_other, "an id another connection stored since is found");
  S->begin(st, &err);
  for (int i = 4000; i < 6000; i++) {
    snprintf(mid, sizeof mid, "m%04d", i);
    mj_response_rec r = response(mid, ma, 1);
    S->put_response(st, &r, &ins, &err);
  }
  S->rollback(st, &err);
  ma[0].num = 4000 % 5;
  dup.id = "m4000";
  int again_ok = -1;
  S->put_response(st, &dup, &again_ok, &err);
  is_int(1, again_ok, "an id of a rolled-back write can be stored again");
  order_seen os = {0, 1, 1, ""};
  is_int(MJ_OK, S->scan_responses(st, "post-visit", on_ordered, &os, &err),
         "the blocks scan");
  ok(os.n == 3002 && os.in_order && os.segments_ok,
     "every response once, in the order put, with its segment and answer "
     "(%d seen)", os.n);
  S->close(st);

  /* ---- customers: an unchanged one is not written again ---- */
  char cs[512];
  snprintf(cs, sizeof cs, "%s/customers.db", dir);
  st = open_store(cs);
  mj_customer_rec k1 = {"k1", "retail", "Ana", "es", "web", NULL, 1};
  S->put_customer(st, &k1, &err);
  sql_exec(cs, "CREATE TABLE tries(n INTEGER);"
               "CREATE TRIGGER try BEFORE INSERT ON customers"
               " BEGIN INSERT INTO tries VALUES(1); END");
  S->put_customer(st, &k1, &err);
  is_int(0, sql_int(cs, "SELECT count(*) FROM tries"),
         "a customer as stored costs no statement");
  k1.email = "ana@example.com";
  S->put_customer(st, &k1, &err);
  is_string("ana@example.com", sql_text(cs, "SELECT email FROM customers"),
            "a changed field is written");
  void *other_cs = open_store(cs);
  mj_customer_rec k1b = k1;
  k1b.segment = "wholesale";
  S->put_customer(other_cs, &k1b, &err);
  S->close(other_cs);
  S->put_customer(st, &k1, &err);
  is_string("retail", sql_text(cs, "SELECT segment FROM customers"),
            "after another connection changed it, it is written back");
  mj_customer_rec k2 = {"k2", NULL, NULL, NULL, NULL, NULL, 0};
  S->begin(st, &err);
  S->put_customer(st, &k2, &err);
  S->rollback(st, &err);
  S->put_customer(st, &k2, &err);
  is_int(1, sql_int(cs, "SELECT count(*) FROM customers WHERE id = 'k2'"),
         "a customer whose first write was rolled back is written again");
  /* All of a playbook's customers at once: skipped when as last time. */
  mj_customer_rec all[3] = {k1, k2, {"k3", "retail", "Eva", NULL, NULL,
                                     NULL, 1}};
  S->begin(st, &err);
  is_int(MJ_OK, S->put_customers(st, 3, rec_at, all, &err),
         "put_customers stores a playbook's customers");
  S->commit(st, &err);
  sql_exec(cs, "DELETE FROM tries");
  S->close(st);
  st = open_store(cs); /* nothing in memory: the digest is in the store */
  S->begin(st, &err);
  S->put_customers(st, 3, rec_at, all, &err);
  S->commit(st, &err);
  ok(sql_int(cs, "SELECT count(*) FROM tries") == 0 &&
         sql_int(cs, "SELECT count(*) FROM customers") == 3,
     "the same customers again cost no statement, even after a reopen");
  all[2].name = "Eva María";
  S->begin(st, &err);
  S->put_customers(st, 3, rec_at, all, &err);
  S->rollback(st, &err);
  is_string("Eva", sql_text(cs, "SELECT name FROM customers WHERE id = 'k3'"),
            "a rolled-back put_customers changes nothing");
  S->begin(st, &err);
  S->put_customers(st, 3, rec_at, all, &err);
  S->commit(st, &err);
  is_string("Eva María",
            sql_text(cs, "SELECT name FROM customers WHERE id = 'k3'"),
            "and a changed customer is written when it is put again");
  S->close(st);

  /* Into a new store, many statements' worth at once, a repeat in them. */
  char mc[512];
  snprintf(mc, sizeof mc, "%s/many.db", dir);
  st = open_store(mc);
  enum { MANY = 130 };
  mj_customer_rec lots[MANY];
  char lots_id[MANY][8], lots_name[MANY][16];
  for (int i = 0; i < MANY; i++) {
    snprintf(lots_id[i], sizeof lots_id[i], "m%03d", i == 70 ? 5 : i);
    snprintf(lots_name[i], sizeof lots_name[i], "Name %d", i);
    lots[i] = (mj_customer_rec){lots_id[i], i % 2 ? "retail" : NULL,
                                lots_name[i], "en", NULL, NULL, i % 3 != 0};
  }
  S->begin(st, &err);
  is_int(MJ_OK, S->put_customers(st, MANY, rec_at, lots, &err),
         "put_customers fills a new store (%s)", err.msg);
  S->commit(st, &err);
  is_int(MANY - 1, sql_int(mc, "SELECT count(*) FROM customers"),
         "each customer stored once");
  is_string("Name 70",
            sql_text(mc, "SELECT name FROM customers WHERE id = 'm005'"),
            "a repeated id keeps its last fields, as put one by one");
  ok(sql_int(mc, "SELECT count(*) FROM customers WHERE segment IS NULL") ==
             65 &&
         sql_int(mc, "SELECT sum(consent) FROM customers") == 85 &&
         sql_int(mc, "SELECT count(*) FROM customers WHERE id = 'm129'"
                     " AND segment = 'retail' AND lang = 'en'") == 1,
     "every field as given, the last customers too");
  S->close(st);

  /* A few at a time, between the responses of one bulk write, as an
  ** import puts them: the same rows and digest as put_customers. */
  char sc[512];
  snprintf(sc, sizeof sc, "%s/some.db", dir);
  st = open_store(sc);
  ok(S->put_customers_some != NULL, "the store puts customers a few at a "
                                    "time");
  S->begin_bulk(st, &err);
  size_t next = 0;
  int steps = 0, some_rc = MJ_OK;
  do {
    some_rc = S->put_customers_some(st, MANY, rec_at, lots, &next, &err);
    snprintf(mid, sizeof mid, "s%02d", steps++);
    mj_response_rec r = response(mid, ma, 1);
    S->put_response(st, &r, &ins, &err);
  } while (some_rc == MJ_OK && next < MANY);
  is_int(MJ_OK, S->commit(st, &err), "they commit with the responses");
  ok(some_rc == MJ_OK && steps == 3,
     "in steps of a statement's worth (%d steps: %s)", steps, err.msg);
  ok(sql_int(sc, "SELECT count(*) FROM customers") == MANY - 1 &&
         strcmp(sql_text(sc, "SELECT name FROM customers WHERE id = 'm005'"),
                "Name 70") == 0 &&
         sql_int(sc, "SELECT sum(consent) FROM customers") == 85 &&
         sql_int(sc, STORED) == steps,
     "every customer as put_customers stores them, every response too");
  sql_exec(sc, "CREATE TABLE tries(n INTEGER);"
               "CREATE TRIGGER try BEFORE INSERT ON customers"
               " BEGIN INSERT INTO tries VALUES(1); END");
  S->begin(st, &err);
  S->put_customers(st, MANY, rec_at, lots, &err);
  S->commit(st, &err);
  is_int(0, sql_int(sc, "SELECT count(*) FROM tries"),
         "their digest is kept: the same customers again cost nothing");
  next = 5;
  S->begin(st, &err);
  is_int(MJ_EINVAL, S->put_customers_some(st, MANY, rec_at, lots, &next,
                                          &err),
         "a put goes on only from where it was left");
  lots[0].name = "Renamed";
  next = 0;
  S->put_customers_some(st, MANY, rec_at, lots, &next, &err);
  S->rollback(st, &err);
  S->begin(st, &err);
  is_int(MJ_EINVAL, S->put_customers_some(st, MANY, rec_at, lots, &next,
                                          &err),
         "and a rollback starts it over (next was %zu)", next);
  next = 0;
  do
    some_rc = S->put_customers_some(st, MANY, rec_at, lots, &next, &err);
  while (some_rc == MJ_OK && next < MANY);
  S->commit(st, &err);
  is_string("Renamed",
            sql_text(sc, "SELECT name FROM customers WHERE id = 'm000'"),
            "a changed customer is written over the steps");
  S->close(st);

  /* ---- a bulk write: pages written once, WAL mode back at its end ---- */
  char bk[512];
  snprintf(bk, sizeof bk, "%s/bulk.db", dir);
  st = open_store(bk);
  ok(S->begin_bulk != NULL, "the store offers bulk writes");
  is_int(MJ_OK, S->begin_bulk(st, &err), "a bulk write begins (%s)", err.msg);
  for (int i = 0; i < 2000; i++) {
    snprintf(mid, sizeof mid, "b%04d", i);
    ma[0].num = i % 5;
    mj_response_rec r = response(mid, ma, 1);
    S->put_response(st, &r, &ins, &err);
  }
  is_int(-1, sql_int(bk, STORED),
         "another connection waits for it rather than read a half-write");
  void *late = NULL;
  mj_error late_err = {0};
  is_int(MJ_ESTORE, S->open(mock_host(), NULL, bk, &late, &late_err),
         "a store opened during it gives up after its busy timeout");
  contains(late_err.msg, "another process is writing to it",
           "and says why: %s", late_err.msg);
  is_int(MJ_OK, S->commit(st, &err), "the bulk write commits");
  is_int(2000, sql_int(bk, STORED), "every response is stored");
  is_string("wal", sql_text(bk, "PRAGMA journal_mode"),
            "and the store is in WAL mode again");
  S->begin_bulk(st, &err);
  snprintf(mid, sizeof mid, "b9999");
  mj_response_rec gone = response(mid, ma, 1);
  S->put_response(st, &gone, &ins, &err);
  S->rollback(st, &err);
  ok(sql_int(bk, STORED) == 2000 &&
         strcmp(sql_text(bk, "PRAGMA journal_mode"), "wal") == 0,
     "a rolled-back bulk write leaves nothing, and WAL mode");
  void *beside = open_store(bk);
  is_int(MJ_OK, S->begin_bulk(st, &err),
         "with another connection open, a bulk write still begins");
  int64_t seen_beside = -1;
  S->count_responses(beside, NULL, &seen_beside, &err);
  is_int(2000, seen_beside, "and, through the WAL, the other still reads");
  S->put_response(st, &gone, &ins, &err);
  S->commit(st, &err);
  S->close(beside);
  is_int(2001, sql_int(bk, STORED), "that write is stored too");
  S->close(st);

  /* ---- files the host refuses: the store and its journals ---- */
  {
    char db[600], wal[620];
    snprintf(db, sizeof db, "%s/confined.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", db);
    void *no = NULL;
    mock_path_refuse(db);
    is_int(MJ_EVALIDATE, S->open(mock_host(), NULL, db, &no, &err),
           "a store the host refuses is not opened");
    contains(err.msg, "outside the playbook's folder", "the host's reason");
    ok(no == NULL && access(db, F_OK) != 0, "and no file is created");
    mock_path_refuse(wal);
    is_int(MJ_EVALIDATE, S->open(mock_host(), NULL, db, &no, &err),
           "a store whose journal the host refuses is not opened");
    contains(err.msg, "confined.db-wal", "naming the journal");
    ok(no == NULL && access(db, F_OK) != 0, "and no file is created either");
    mock_path_refuse(NULL);
  }

  /* ---- refusals ---- */
  sql_exec(path, "PRAGMA user_version = 99");
  void *none = NULL;
  ok(S->open(mock_host(), NULL, path, &none, &err) == MJ_ESTORE &&
         none == NULL && strstr(err.msg, "newer") != NULL,
     "a store from a newer mejora is refused: %s", err.msg);
  /* A version out of range picked a migration step outside the array. */
  static const int damaged_versions[] = {-1, -1000, -100000000};
  for (int i = 0; i < 3; i++) {
    char q[64], says[64];
    snprintf(q, sizeof q, "PRAGMA user_version = %d", damaged_versions[i]);
    sql_exec(path, q);
    snprintf(says, sizeof says, "schema version is %d,", damaged_versions[i]);
    none = NULL;
    ok(S->open(mock_host(), NULL, path, &none, &err) == MJ_ESTORE &&
           none == NULL && strstr(err.msg, says) &&
           strstr(err.msg, "is damaged") && strstr(err.msg, ".recover"),
       "schema version %d: refused as damaged: %s", damaged_versions[i],
       err.msg);
  }
  is_int(-100000000, sql_int(path, "PRAGMA user_version"),
         "and the file is left as it was");
  snprintf(bad, sizeof bad, "%s/foreign.db", dir);
  sql_exec(bad, "CREATE TABLE customers(id TEXT PRIMARY KEY, segment TEXT,"
                " name TEXT, lang TEXT, channel TEXT, email TEXT,"
                " consent INTEGER);"
                "PRAGMA user_version = 1; PRAGMA application_id = 42");
  ok(S->open(mock_host(), NULL, bad, &none, &err) == MJ_ESTORE &&
         strstr(err.msg, "not a mejora store") &&
         strstr(err.msg, "application_id 0x0000002a"),
     "another program's application id is refused, even over mejora's "
     "tables: %s", err.msg);
  sql_exec(bad, "PRAGMA application_id = 0; PRAGMA user_version = 0");
  ok(S->open(mock_host(), NULL, bad, &none, &err) == MJ_ESTORE &&
         strstr(err.msg, "not a mejora store: it has tables"),
     "a file with tables and no schema version is refused: %s", err.msg);
  sql_exec(bad, "DROP TABLE customers; CREATE TABLE customers(id TEXT);"
                "PRAGMA user_version = 4");
  ok(S->open(mock_host(), NULL, bad, &none, &err) == MJ_ESTORE &&
         strstr(err.msg, "schema version 4 but not mejora's tables"),
     "a schema version over tables that are not mejora's is refused: %s",
     err.msg);
  is_int(1, sql_int(bad, "SELECT count(*) FROM sqlite_master"),
         "and nothing is added to such a file");
  snprintf(bad, sizeof bad, "%s/no/such/dir/x.db", dir);
  ok(S->open(mock_host(), NULL, bad, &none, &err) == MJ_ESTORE &&
         strstr(err.msg, "no/such/dir") != NULL,
     "an unopenable path is refused, naming it");
  snprintf(bad, sizeof bad, "%s/text.db", dir);
  tap_write(bad, "this is not a database, just some text to see\n");
  ok(S->open(mock_host(), NULL, bad, &none, &err) == MJ_ESTORE &&
         strstr(err.msg, "text.db") != NULL,
     "a file that is no database is refused: %s", err.msg);

  ranges(dir);

  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
