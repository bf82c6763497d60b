/*
** The sqlite storage plugin: one file, WAL, a versioned schema migrated
** forward, prepared statements only, every write in a transaction.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "mejora/plugin.h"

/*
** Schema migrations. Step i takes a store from version i to i + 1; the
** store's version lives in PRAGMA user_version. Steps only ever append:
** a released step never changes, because stores in the field ran it.
**
** answers are keyed by the response's integer seq (not its text id) and
** their position, so a scan of one questionnaire walks two b-trees in
** order without sorting.
*/
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE customers("
    " id TEXT PRIMARY KEY, segment TEXT, name TEXT, lang TEXT,"
    " channel TEXT, email TEXT, consent INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE responses("
    " seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " questionnaire TEXT NOT NULL, version INTEGER NOT NULL,"
    " customer TEXT, segment TEXT, wave TEXT,"
    " submitted_at INTEGER NOT NULL, source TEXT);"
    "CREATE INDEX responses_by_questionnaire ON responses(questionnaire, seq);"
    "CREATE TABLE answers("
    " response INTEGER NOT NULL REFERENCES responses(seq) ON DELETE CASCADE,"
    " pos INTEGER NOT NULL, question TEXT NOT NULL,"
    " state INTEGER NOT NULL CHECK(state IN (0, 1, 2)), num REAL, text TEXT,"
    " PRIMARY KEY(response, pos)) WITHOUT ROWID;"
    "CREATE TABLE cycles("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT 'running');"
    "CREATE TABLE results("
    " seq INTEGER PRIMARY KEY,"
    " cycle INTEGER NOT NULL REFERENCES cycles(id),"
    " scorer TEXT, metric TEXT NOT NULL, questionnaire TEXT, question TEXT,"
    " requirement TEXT, segment TEXT, n INTEGER NOT NULL,"
    " n_excluded INTEGER NOT NULL, value REAL, ci_low REAL, ci_high REAL);"
    "CREATE INDEX results_by_cycle ON results(cycle, seq);"
    "CREATE TABLE plans("
    " id TEXT PRIMARY KEY, status TEXT NOT NULL, owner TEXT,"
    " due_at INTEGER NOT NULL, opened_cycle INTEGER NOT NULL,"
    " opened_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    " evidence TEXT, actions TEXT, note TEXT);"
    "CREATE TABLE plan_events("
    " seq INTEGER PRIMARY KEY,"
    " plan TEXT NOT NULL REFERENCES plans(id),"
    " cycle INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,"
    " note TEXT);"
    "CREATE INDEX plan_events_by_plan ON plan_events(plan, seq);"
    "CREATE TABLE notifications("
    " seq INTEGER PRIMARY KEY, cycle INTEGER NOT NULL,"
    " notifier TEXT NOT NULL, kind TEXT, severity INTEGER NOT NULL,"
    " time INTEGER NOT NULL, subject TEXT, message TEXT,"
    " status TEXT NOT NULL, detail TEXT);"
    "CREATE TABLE notification_meta("
    " notification INTEGER NOT NULL REFERENCES notifications(seq)"
    "  ON DELETE CASCADE,"
    " pos INTEGER NOT NULL, key TEXT NOT NULL, value TEXT,"
    " PRIMARY KEY(notification, pos)) WITHOUT ROWID;",
    /* 1 -> 2: what a figure is about, categorical results, and the change
    ** against the previous cycle. */
    "ALTER TABLE results ADD COLUMN subject TEXT;"
    "ALTER TABLE results ADD COLUMN label TEXT;"
    "ALTER TABLE results ADD COLUMN sd REAL;"
    "ALTER TABLE results ADD COLUMN delta REAL;"
    "ALTER TABLE results ADD COLUMN test TEXT;"
    "ALTER TABLE results ADD COLUMN p_change REAL;",
    /* 2 -> 3: the same answers table with CHECK(state BETWEEN 0 AND 2).
    ** "state IN (0, 1, 2)" made SQLite build an ephemeral index (a pager
    ** and its pages) for every answer inserted: a third of an import's
    ** time. SQLite cannot alter a CHECK in place, so the table is rebuilt
    ** (nothing refers to it). */
    "CREATE TABLE answers_v3("
    " response INTEGER NOT NULL REFERENCES responses(seq) ON DELETE CASCADE,"
    " pos INTEGER NOT NULL, question TEXT NOT NULL,"
    " state INTEGER NOT NULL CHECK(state BETWEEN 0 AND 2), num REAL,"
    " text TEXT, PRIMARY KEY(response, pos)) WITHOUT ROWID;"
    "INSERT INTO answers_v3(response, pos, question, state, num, text)"
    " SELECT response, pos, question, state, num, text FROM answers;"
    "DROP TABLE answers;"
    "ALTER TABLE answers_v3 RENAME TO answers;",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof *migrations))

/*
** Every statement the plugin runs after opening, prepared on first use
** and kept for the life of the instance.
*/
#define STATEMENTS(X)                                                        \
  X(BEGIN, "BEGIN IMMEDIATE")                                                \
  X(COMMIT, "COMMIT")                                                        \
  X(ROLLBACK, "ROLLBACK")                                                    \
  X(SAVEPOINT, "SAVEPOINT mj_op")                                            \
  X(RELEASE, "RELEASE mj_op")                                                \
  X(ROLLBACK_TO, "ROLLBACK TO mj_op")                                        \
  X(VERSION, "PRAGMA user_version")                                          \
  X(WAL, "PRAGMA journal_mode = WAL")                                        \
  X(PUT_CUSTOMER,                                                            \
    "INSERT INTO customers(id, segment, name, lang, channel, email, consent)" \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"      \
    " segment = ?2, name = ?3, lang = ?4, channel = ?5, email = ?6,"         \
    " consent = ?7")                                                         \
  X(PUT_RESPONSE,                                                            \
    "INSERT INTO responses(id, questionnaire, version, customer, segment,"   \
    " wave, submitted_at, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"    \
    " ON CONFLICT(id) DO NOTHING")                                           \
  X(PUT_ANSWER,                                                              \
    "INSERT INTO answers(response, pos, question, state, num, text)"        \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)")                                       \
  X(COUNT_RESPONSES,                                                         \
    "SELECT count(*) FROM responses WHERE ?1 IS NULL OR questionnaire = ?1") \
  X(SCAN_ANSWERS,                                                            \
    "SELECT r.id, r.customer, r.segment, r.wave, r.submitted_at,"           \
    " a.question, a.state, a.num, a.text"                                   \
    " FROM responses AS r JOIN answers AS a ON a.response = r.seq"          \
    " WHERE r.questionnaire = ?1 ORDER BY r.seq, a.pos")                     \
  X(CYCLE_OPEN,                                                              \
    "INSERT INTO cycles(name, started_at, finished_at, status)"             \
    " VALUES(?1, ?2, 0, 'running')")                                         \
  X(CYCLE_CLOSE,                                                             \
    "UPDATE cycles SET status = ?2, finished_at = ?3 WHERE id = ?1")         \
  X(LAST_CYCLE,                                                              \
    "SELECT id, name, started_at, finished_at, status FROM cycles"          \
    " WHERE status = 'done' ORDER BY id DESC LIMIT 1")                       \
  X(GET_CYCLE,                                                               \
    "SELECT id, name, started_at, finished_at, status FROM cycles"          \
    " WHERE id = ?1")                                                        \
  X(PUT_RESULT,                                                              \
    "INSERT INTO results(cycle, scorer, metric, questionnaire, question,"   \
    " requirement, segment, n, n_excluded, value, ci_low, ci_high,"         \
    " subject, label, sd, delta, test, p_change)"                            \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"   \
    " ?15, ?16, ?17, ?18)")                                                  \
  X(SCAN_RESULTS,                                                            \
    "SELECT cycle, scorer, metric, questionnaire, question, requirement,"   \
    " segment, n, n_excluded, value, ci_low, ci_high, subject, label, sd,"  \
    " delta, test, p_change FROM results"                                    \
    " WHERE cycle = ?1 ORDER BY seq")                                        \
  X(PUT_PLAN,                                                                \
    "INSERT INTO plans(id, status, owner, due_at, opened_cycle, opened_at,"  \
    " updated_at, evidence, actions, note)"                                  \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"                       \
    " ON CONFLICT(id) DO UPDATE SET status = ?2, owner = ?3, due_at = ?4,"   \
    " opened_cycle = ?5, opened_at = ?6, updated_at = ?7, evidence = ?8,"    \
    " actions = ?9, note = ?10")                                             \
  X(SCAN_PLANS,                                                              \
    "SELECT id, status, owner, due_at, opened_cycle, opened_at, updated_at," \
    " evidence, actions, note FROM plans WHERE ?1 IS NULL OR id = ?1"        \
    " ORDER BY id")                                                          \
  X(PUT_PLAN_EVENT,                                                          \
    "INSERT INTO plan_events(plan, cycle, at, kind, note)"                   \
    " VALUES(?1, ?2, ?3, ?4, ?5)")                                           \
  X(SCAN_PLAN_EVENTS,                                                        \
    "SELECT plan, cycle, at, kind, note FROM plan_events"                   \
    " WHERE ?1 IS NULL OR plan = ?1 ORDER BY seq")                           \
  X(PUT_NOTIFICATION,                                                        \
    "INSERT INTO notifications(cycle, notifier, kind, severity, time,"      \
    " subject, message, status, detail)"                                     \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                           \
  X(PUT_NOTIFICATION_META,                                                   \
    "INSERT INTO notification_meta(notification, pos, key, value)"          \
    " VALUES(?1, ?2, ?3, ?4)")

enum {
#define X(name, sql) ST_##name,
  STATEMENTS(X)
#undef X
      ST_COUNT
};

static const char *const statement_sql[] = {
#define X(name, sql) sql,
    STATEMENTS(X)
#undef X
};

typedef struct store {
  const mj_host_api *host;
  mj_ctx *ctx;
  sqlite3 *db;
  char *path;
  sqlite3_stmt *st[ST_COUNT];
} store;

/* ---- errors ------------------------------------------------------------ */

/* "sqlite: cannot WHAT 'PATH': sqlite's message" */
static int fail(store *s, const char *what, mj_error *err)
{
  return s->host->error(err, MJ_ESTORE, "sqlite: cannot %s '%s': %s", what,
                        s->path, sqlite3_errmsg(s->db));
}

/* ---- statements ----------------------------------------------------------- */

/* The prepared statement for id, reset and unbound; NULL on error. */
static sqlite3_stmt *stmt(store *s, int id, mj_error *err)
{
  if (!s->st[id]) {
    if (sqlite3_prepare_v3(s->db, statement_sql[id], -1,
                           SQLITE_PREPARE_PERSISTENT, &s->st[id],
                           NULL) != SQLITE_OK) {
      fail(s, "prepare a statement for", err);
      return NULL;
    }
  }
  return s->st[id];
}

static void done(sqlite3_stmt *st)
{
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
}

/* Run a statement that returns no rows. */
static int exec_stmt(store *s, sqlite3_stmt *st, const char *what,
                     mj_error *err)
{
  int rc = sqlite3_step(st);
  int ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
  if (!ok)
    fail(s, what, err);
  done(st);
  return ok ? MJ_OK : MJ_ESTORE;
}

static int run(store *s, int id, const char *what, mj_error *err)
{
  sqlite3_stmt *st = stmt(s, id, err);
  return st ? exec_stmt(s, st, what, err) : MJ_ESTORE;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

/* NaN has no place in SQL: it is stored as NULL and read back as NaN. */
static void bind_num(sqlite3_stmt *st, int i, double v)
{
  if (isnan(v))
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_double(st, i, v);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
  return (const char *)sqlite3_column_text(st, i);
}

static double col_num(sqlite3_stmt *st, int i)
{
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN
                                                   : sqlite3_column_double(st, i);
}

/*
** Every put_* runs inside a savepoint: outside an explicit transaction it
** is one by itself, inside one it keeps a failed operation from leaving
** half its rows behind.
*/
static int op_begin(store *s, mj_error *err)
{
  return run(s, ST_SAVEPOINT, "start a write to", err);
}

static int op_end(store *s, int rc, mj_error *err)
{
  if (rc == MJ_OK)
    return run(s, ST_RELEASE, "write to", err);
  mj_error scratch;
  if (run(s, ST_ROLLBACK_TO, "undo a failed write to", &scratch) == MJ_OK)
    run(s, ST_RELEASE, "undo a failed write to", &scratch);
  return rc;
}

/* ---- open, migrate, close -------------------------------------------------- */

static int read_version(store *s, int *version, mj_error *err)
{
  sqlite3_stmt *st = stmt(s, ST_VERSION, err);
  if (!st)
    return MJ_ESTORE;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *version = sqlite3_column_int(st, 0);
  else
    fail(s, "read the schema version of", err);
  done(st);
  return rc == SQLITE_ROW ? MJ_OK : MJ_ESTORE;
}

/*
** Bring the schema to SCHEMA_VERSION in one transaction. A store already
** current is only read: taking the write lock on every open would make a
** report wait for (and time out behind) a long import, which WAL is here
** to avoid. The version is read again under the lock, since another
** process may have migrated in between.
*/
static int migrate(store *s, mj_error *err)
{
  int version = 0;
  int rc = read_version(s, &version, err);
  if (rc == MJ_OK && version == SCHEMA_VERSION)
    return MJ_OK;
  if (rc == MJ_OK)
    rc = run(s, ST_BEGIN, "lock", err);
  if (rc == MJ_OK)
    rc = read_version(s, &version, err);
  if (rc == MJ_OK && version > SCHEMA_VERSION)
    rc = s->host->error(err, MJ_ESTORE,
                        "sqlite: store '%s' has schema version %d, newer than "
                        "the %d this plugin knows; open it with a newer mejora",
                        s->path, version, SCHEMA_VERSION);
  for (int v = version; rc == MJ_OK && v < SCHEMA_VERSION; v++) {
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
    if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK)
      rc = s->host->error(err, MJ_ESTORE,
                          "sqlite: cannot migrate '%s' to schema version %d: "
                          "%s",
                          s->path, v + 1, sqlite3_errmsg(s->db));
  }
  if (rc == MJ_OK)
    return run(s, ST_COMMIT, "commit the schema of", err);
  if (!sqlite3_get_autocommit(s->db)) {
    mj_error scratch;
    run(s, ST_ROLLBACK, "roll back", &scratch);
  }
  return rc;
}

/*
** Switch to WAL and check that it took: SQLite silently keeps the old
** journal where WAL cannot work (some network file systems, :memory:),
** and then a report blocks an import, which the operator should know.
*/
static int use_wal(store *s, mj_error *err)
{
  sqlite3_stmt *st = stmt(s, ST_WAL, err);
  if (!st)
    return MJ_ESTORE;
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    fail(s, "switch to WAL mode", err);
    done(st);
    return MJ_ESTORE;
  }
  const char *mode = col_text(st, 0);
  if (mode && strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
    s->host->log(s->ctx, MJ_LOG_WARN,
                 "sqlite: '%s' stays in %s journal mode (WAL unavailable "
                 "here): readers and writers will wait for each other",
                 s->path, mode);
  done(st);
  return MJ_OK;
}

static void store_close(void *inst)
{
  store *s = inst;
  if (!s)
    return;
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(s->st[i]);
  /* An explicit transaction still open is rolled back by the close. */
  sqlite3_close_v2(s->db);
  s->host->free(s->path);
  s->host->free(s);
}

static int store_open(const mj_host_api *host, mj_ctx *ctx, const char *uri,
                      void **inst, mj_error *err)
{
  *inst = NULL;
  if (!uri || !*uri)
    return host->error(err, MJ_EINVAL,
                       "sqlite: no database path given (use sqlite:PATH)");
  store *s = host->alloc(sizeof *s);
  if (!s)
    return host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  memset(s, 0, sizeof *s);
  s->host = host;
  s->ctx = ctx;
  s->path = host->strdup(uri);
  if (!s->path) {
    host->free(s);
    return host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = MJ_OK;
  if (sqlite3_open_v2(uri, &s->db, flags, NULL) != SQLITE_OK)
    rc = s->db ? fail(s, "open", err)
               : host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  /*
  ** WAL lets readers (a report) run beside a writer (an import);
  ** synchronous=NORMAL is durable enough under WAL; the busy timeout
  ** makes a second writer wait instead of failing at once.
  */
  if (rc == MJ_OK) {
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    if (sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL;"
                            " PRAGMA foreign_keys = ON;"
                            " PRAGMA cache_size = -16384;"
                            " PRAGMA temp_store = MEMORY;",
                     NULL, NULL, NULL) != SQLITE_OK)
      rc = fail(s, "open", err);
  }
  if (rc == MJ_OK)
    rc = use_wal(s, err);
  if (rc == MJ_OK)
    rc = migrate(s, err);
  if (rc != MJ_OK) {
    store_close(s);
    return rc;
  }
  host->log(ctx, MJ_LOG_DEBUG, "sqlite: opened '%s' (schema version %d)", uri,
            SCHEMA_VERSION);
  *inst = s;
  return MJ_OK;
}

static int store_schema_version(void *inst, int *version, mj_error *err)
{
  return read_version(inst, version, err);
}

/* ---- transactions ------------------------------------------------------------ */

static int store_begin(void *inst, mj_error *err)
{
  store *s = inst;
  if (!sqlite3_get_autocommit(s->db))
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a transaction is already open on '%s'",
                          s->path);
  return run(s, ST_BEGIN, "begin a transaction on", err);
}

static int store_commit(void *inst, mj_error *err)
{
  store *s = inst;
  if (sqlite3_get_autocommit(s->db))
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: commit without begin on '%s'", s->path);
  return run(s, ST_COMMIT, "commit to", err);
}

static int store_rollback(void *inst, mj_error *err)
{
  store *s = inst;
  if (sqlite3_get_autocommit(s->db))
    return MJ_OK; /* nothing to undo: already rolled back by an error */
  return run(s, ST_ROLLBACK, "roll back", err);
}

/* ---- customers and responses ----------------------------------------------- */

static int store_put_customer(void *inst, const mj_customer_rec *c,
                              mj_error *err)
{
  store *s = inst;
  if (!c || !c->id)
    return s->host->error(err, MJ_EINVAL, "sqlite: a customer needs an id");
  sqlite3_stmt *st = stmt(s, ST_PUT_CUSTOMER, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, c->id);
  bind_text(st, 2, c->segment);
  bind_text(st, 3, c->name);
  bind_text(st, 4, c->lang);
  bind_text(st, 5, c->channel);
  bind_text(st, 6, c->email);
  sqlite3_bind_int(st, 7, c->consent);
  int rc = op_begin(s, err);
  if (rc == MJ_OK)
    rc = exec_stmt(s, st, "store a customer in", err);
  else
    done(st);
  return op_end(s, rc, err);
}

static int put_answers(store *s, sqlite3_int64 seq, const mj_response_rec *r,
                       mj_error *err)
{
  sqlite3_stmt *st = stmt(s, ST_PUT_ANSWER, err);
  if (!st)
    return MJ_ESTORE;
  for (size_t i = 0; i < r->n_answers; i++) {
    const mj_answer_rec *a = &r->answers[i];
    if (!a->question)
      return s->host->error(err, MJ_EINVAL,
                            "sqlite: answer %zu of response '%s' names no "
                            "question",
                            i + 1, r->id);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
    bind_text(st, 3, a->question);
    sqlite3_bind_int(st, 4, (int)a->state);
    bind_num(st, 5, a->num);
    bind_text(st, 6, a->text);
    int rc = exec_stmt(s, st, "store an answer in", err);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

static int store_put_response(void *inst, const mj_response_rec *r,
                              int *inserted, mj_error *err)
{
  store *s = inst;
  *inserted = 0;
  if (!r || !r->id || !r->questionnaire)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a response needs an id and a "
                          "questionnaire");
  sqlite3_stmt *st = stmt(s, ST_PUT_RESPONSE, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, r->id);
  bind_text(st, 2, r->questionnaire);
  sqlite3_bind_int(st, 3, r->version);
  bind_text(st, 4, r->customer);
  bind_text(st, 5, r->segment);
  bind_text(st, 6, r->wave);
  sqlite3_bind_int64(st, 7, r->submitted_at);
  bind_text(st, 8, r->source);
  rc = exec_stmt(s, st, "store a response in", err);
  /* ON CONFLICT DO NOTHING: no change means the id was already there. */
  int fresh = rc == MJ_OK && sqlite3_changes(s->db) > 0;
  if (fresh)
    rc = put_answers(s, sqlite3_last_insert_rowid(s->db), r, err);
  rc = op_end(s, rc, err);
  if (rc == MJ_OK)
    *inserted = fresh;
  return rc;
}

static int store_count_responses(void *inst, const char *questionnaire,
                                 int64_t *n, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_COUNT_RESPONSES, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, questionnaire);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *n = sqlite3_column_int64(st, 0);
  else
    fail(s, "count the responses in", err);
  done(st);
  return rc == SQLITE_ROW ? MJ_OK : MJ_ESTORE;
}

/*
** Step a scan. Returns MJ_OK at the end, the callback's status when it
** stopped the scan, or MJ_ESTORE. The statement is reset either way.
*/
typedef int (*row_fn)(sqlite3_stmt *st, void *cb, void *ud);

static int scan(store *s, sqlite3_stmt *st, row_fn each, void *cb, void *ud,
                const char *what, mj_error *err)
{
  int rc = MJ_OK, step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW)
    if ((rc = each(st, cb, ud)) != MJ_OK)
      break;
  if (rc == MJ_OK && step != SQLITE_DONE)
    rc = fail(s, what, err);
  done(st);
  return rc;
}

static int answer_row(sqlite3_stmt *st, void *cb, void *ud)
{
  mj_answer_row row;
  row.response = col_text(st, 0);
  row.customer = col_text(st, 1);
  row.segment = col_text(st, 2);
  row.wave = col_text(st, 3);
  row.submitted_at = sqlite3_column_int64(st, 4);
  row.answer.question = col_text(st, 5);
  row.answer.state = (mj_answer_state)sqlite3_column_int(st, 6);
  row.answer.num = col_num(st, 7);
  row.answer.text = col_text(st, 8);
  return ((mj_answer_cb)cb)(ud, &row);
}

static int store_scan_answers(void *inst, const char *questionnaire,
                              mj_answer_cb cb, void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_ANSWERS, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, questionnaire);
  return scan(s, st, answer_row, (void *)cb, ud, "read the answers in", err);
}

/* ---- cycles and results ------------------------------------------------------ */

static int store_cycle_open(void *inst, const char *name, int64_t at,
                            int64_t *id, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_CYCLE_OPEN, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, name ? name : "");
  sqlite3_bind_int64(st, 2, at);
  rc = exec_stmt(s, st, "open a cycle in", err);
  if (rc == MJ_OK)
    *id = sqlite3_last_insert_rowid(s->db);
  return op_end(s, rc, err);
}

static int store_cycle_close(void *inst, int64_t id, const char *status,
                             int64_t at, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_CYCLE_CLOSE, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  bind_text(st, 2, status ? status : "done");
  sqlite3_bind_int64(st, 3, at);
  rc = exec_stmt(s, st, "close a cycle in", err);
  if (rc == MJ_OK && sqlite3_changes(s->db) == 0)
    rc = s->host->error(err, MJ_ENOTFOUND,
                        "sqlite: no cycle %lld in '%s' to close",
                        (long long)id, s->path);
  return op_end(s, rc, err);
}

typedef struct cycle_found {
  mj_cycle_cb cb;
  void *ud;
  int *found;
} cycle_found;

static int cycle_row(sqlite3_stmt *st, void *cb, void *ud)
{
  cycle_found *f = ud;
  (void)cb;
  mj_cycle_rec c;
  c.id = sqlite3_column_int64(st, 0);
  c.name = col_text(st, 1);
  c.started_at = sqlite3_column_int64(st, 2);
  c.finished_at = sqlite3_column_int64(st, 3);
  c.status = col_text(st, 4);
  *f->found = 1;
  return f->cb ? f->cb(f->ud, &c) : MJ_OK;
}

static int store_last_cycle(void *inst, mj_cycle_cb cb, void *ud, int *found,
                            mj_error *err)
{
  store *s = inst;
  *found = 0;
  sqlite3_stmt *st = stmt(s, ST_LAST_CYCLE, err);
  if (!st)
    return MJ_ESTORE;
  cycle_found f = {cb, ud, found};
  return scan(s, st, cycle_row, NULL, &f, "read the cycles in", err);
}

static int store_get_cycle(void *inst, int64_t id, mj_cycle_cb cb, void *ud,
                           int *found, mj_error *err)
{
  store *s = inst;
  *found = 0;
  sqlite3_stmt *st = stmt(s, ST_GET_CYCLE, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  cycle_found f = {cb, ud, found};
  return scan(s, st, cycle_row, NULL, &f, "read the cycles in", err);
}

static int store_put_result(void *inst, const mj_result_rec *r, mj_error *err)
{
  store *s = inst;
  if (!r || !r->metric)
    return s->host->error(err, MJ_EINVAL, "sqlite: a result needs a metric");
  sqlite3_stmt *st = stmt(s, ST_PUT_RESULT, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  sqlite3_bind_int64(st, 1, r->cycle);
  bind_text(st, 2, r->scorer);
  bind_text(st, 3, r->metric);
  bind_text(st, 4, r->questionnaire);
  bind_text(st, 5, r->question);
  bind_text(st, 6, r->requirement);
  bind_text(st, 7, r->segment);
  sqlite3_bind_int64(st, 8, (sqlite3_int64)r->n);
  sqlite3_bind_int64(st, 9, (sqlite3_int64)r->n_excluded);
  bind_num(st, 10, r->value);
  bind_num(st, 11, r->ci_low);
  bind_num(st, 12, r->ci_high);
  bind_text(st, 13, r->subject);
  bind_text(st, 14, r->label);
  sqlite3_bind_double(st, 15, r->sd);
  bind_num(st, 16, r->delta);
  bind_text(st, 17, r->test);
  bind_num(st, 18, r->p_change);
  rc = exec_stmt(s, st, "store a result in", err);
  return op_end(s, rc, err);
}

static int result_row(sqlite3_stmt *st, void *cb, void *ud)
{
  mj_result_rec r;
  r.cycle = sqlite3_column_int64(st, 0);
  r.scorer = col_text(st, 1);
  r.metric = col_text(st, 2);
  r.questionnaire = col_text(st, 3);
  r.question = col_text(st, 4);
  r.requirement = col_text(st, 5);
  r.segment = col_text(st, 6);
  r.n = (uint64_t)sqlite3_column_int64(st, 7);
  r.n_excluded = (uint64_t)sqlite3_column_int64(st, 8);
  r.value = col_num(st, 9);
  r.ci_low = col_num(st, 10);
  r.ci_high = col_num(st, 11);
  r.subject = col_text(st, 12);
  r.label = col_text(st, 13);
  r.sd = sqlite3_column_type(st, 14) == SQLITE_NULL ? 0.0
                                                    : sqlite3_column_double(st, 14);
  r.delta = col_num(st, 15);
  r.test = col_text(st, 16);
  r.p_change = col_num(st, 17);
  return ((mj_result_cb)cb)(ud, &r);
}

static int store_scan_results(void *inst, int64_t cycle, mj_result_cb cb,
                              void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_RESULTS, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, cycle);
  return scan(s, st, result_row, (void *)cb, ud, "read the results in", err);
}

/* ---- plans ------------------------------------------------------------------- */

static int store_put_plan(void *inst, const mj_plan_rec *p, mj_error *err)
{
  store *s = inst;
  if (!p || !p->id)
    return s->host->error(err, MJ_EINVAL, "sqlite: a plan needs an id");
  sqlite3_stmt *st = stmt(s, ST_PUT_PLAN, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, p->id);
  bind_text(st, 2, p->status ? p->status : "open");
  bind_text(st, 3, p->owner);
  sqlite3_bind_int64(st, 4, p->due_at);
  sqlite3_bind_int64(st, 5, p->opened_cycle);
  sqlite3_bind_int64(st, 6, p->opened_at);
  sqlite3_bind_int64(st, 7, p->updated_at);
  bind_text(st, 8, p->evidence);
  bind_text(st, 9, p->actions);
  bind_text(st, 10, p->note);
  rc = exec_stmt(s, st, "store a plan in", err);
  return op_end(s, rc, err);
}

static int plan_row(sqlite3_stmt *st, void *cb, void *ud)
{
  mj_plan_rec p;
  p.id = col_text(st, 0);
  p.status = col_text(st, 1);
  p.owner = col_text(st, 2);
  p.due_at = sqlite3_column_int64(st, 3);
  p.opened_cycle = sqlite3_column_int64(st, 4);
  p.opened_at = sqlite3_column_int64(st, 5);
  p.updated_at = sqlite3_column_int64(st, 6);
  p.evidence = col_text(st, 7);
  p.actions = col_text(st, 8);
  p.note = col_text(st, 9);
  return ((mj_plan_cb)cb)(ud, &p);
}

static int store_scan_plans(void *inst, const char *id, mj_plan_cb cb,
                            void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_PLANS, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, id);
  return scan(s, st, plan_row, (void *)cb, ud, "read the plans in", err);
}

static int store_put_plan_event(void *inst, const mj_plan_event_rec *ev,
                                mj_error *err)
{
  store *s = inst;
  if (!ev || !ev->plan || !ev->kind)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a plan event needs a plan and a kind");
  sqlite3_stmt *st = stmt(s, ST_PUT_PLAN_EVENT, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, ev->plan);
  sqlite3_bind_int64(st, 2, ev->cycle);
  sqlite3_bind_int64(st, 3, ev->at);
  bind_text(st, 4, ev->kind);
  bind_text(st, 5, ev->note);
  rc = exec_stmt(s, st, "store a plan event in", err);
  return op_end(s, rc, err);
}

static int plan_event_row(sqlite3_stmt *st, void *cb, void *ud)
{
  mj_plan_event_rec ev;
  ev.plan = col_text(st, 0);
  ev.cycle = sqlite3_column_int64(st, 1);
  ev.at = sqlite3_column_int64(st, 2);
  ev.kind = col_text(st, 3);
  ev.note = col_text(st, 4);
  return ((mj_plan_event_cb)cb)(ud, &ev);
}

static int store_scan_plan_events(void *inst, const char *plan,
                                  mj_plan_event_cb cb, void *ud,
                                  mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_PLAN_EVENTS, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, plan);
  return scan(s, st, plan_event_row, (void *)cb, ud,
              "read the plan events in", err);
}

/* ---- notifications ----------------------------------------------------------- */

static int put_meta(store *s, sqlite3_int64 seq, const mj_event *ev,
                    mj_error *err)
{
  if (ev->n_meta == 0)
    return MJ_OK;
  sqlite3_stmt *st = stmt(s, ST_PUT_NOTIFICATION_META, err);
  if (!st)
    return MJ_ESTORE;
  for (size_t i = 0; i < ev->n_meta; i++) {
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
    bind_text(st, 3, ev->meta[i].key ? ev->meta[i].key : "");
    bind_text(st, 4, ev->meta[i].value);
    int rc = exec_stmt(s, st, "store a notification in", err);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

static int store_put_notification(void *inst, int64_t cycle,
                                  const char *notifier, const mj_event *ev,
                                  const char *status, const char *detail,
                                  mj_error *err)
{
  store *s = inst;
  if (!notifier || !ev || !status)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a notification needs a notifier, an event "
                          "and a status");
  sqlite3_stmt *st = stmt(s, ST_PUT_NOTIFICATION, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  sqlite3_bind_int64(st, 1, cycle);
  bind_text(st, 2, notifier);
  bind_text(st, 3, ev->kind);
  sqlite3_bind_int(st, 4, ev->severity);
  sqlite3_bind_int64(st, 5, ev->time);
  bind_text(st, 6, ev->subject);
  bind_text(st, 7, ev->message);
  bind_text(st, 8, status);
  bind_text(st, 9, detail);
  rc = exec_stmt(s, st, "store a notification in", err);
  if (rc == MJ_OK)
    rc = put_meta(s, sqlite3_last_insert_rowid(s->db), ev, err);
  return op_end(s, rc, err);
}

/* ---- the descriptor ---------------------------------------------------------- */

static const mj_storage_ops sqlite_ops = {
    sizeof(mj_storage_ops),
    store_open,
    store_close,
    store_schema_version,
    store_begin,
    store_commit,
    store_rollback,
    store_put_customer,
    store_put_response,
    store_count_responses,
    store_scan_answers,
    store_cycle_open,
    store_cycle_close,
    store_last_cycle,
    store_put_result,
    store_scan_results,
    store_put_plan,
    store_scan_plans,
    store_put_plan_event,
    store_scan_plan_events,
    store_put_notification,
    store_get_cycle,
};

static const mj_plugin_desc sqlite_desc = {
    MJ_PLUGIN_HEADER,
    "sqlite",
    "1.0.0",
    "SQLite store: one file, WAL, schema migrated forward",
    "MIT",
    MJ_KIND_STORAGE,
    NULL,
    NULL,
    NULL,
    &sqlite_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(sqlite, sqlite_desc)
