/*
** The sqlite storage plugin: one file, WAL, a versioned schema migrated
** forward, prepared statements only, every write in a transaction.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "mejora/plugin.h"

#include "block.h"
#include "pipe.h"

/*
** Schema migrations. Step i takes a store from version i to i + 1; the
** store's version lives in PRAGMA user_version. Steps only ever append:
** a released step never changes, because stores in the field ran it.
**
** A response's answers are packed in its own row (see "packed
** answers"), so a scan of one questionnaire walks its index in order.
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
    /* complaints through the ISO 10002 steps, and mystery-shopper visits.
    ** Steps not reached are 0; a visit's observations are a JSON object so
    ** an audit's criteria can change without a migration. */
    "CREATE TABLE complaints("
    " id TEXT PRIMARY KEY, wave TEXT, received_at INTEGER NOT NULL,"
    " channel TEXT, customer TEXT, category TEXT, text TEXT,"
    " acknowledged_at INTEGER NOT NULL DEFAULT 0,"
    " assessed_at INTEGER NOT NULL DEFAULT 0,"
    " investigated_at INTEGER NOT NULL DEFAULT 0, root_cause TEXT,"
    " responded_at INTEGER NOT NULL DEFAULT 0,"
    " closed_at INTEGER NOT NULL DEFAULT 0,"
    " fcr INTEGER NOT NULL DEFAULT -1, source TEXT);"
    "CREATE INDEX complaints_by_wave ON complaints(wave, id);"
    "CREATE TABLE visits("
    " id TEXT PRIMARY KEY, audit TEXT NOT NULL, wave TEXT, site TEXT,"
    " agent TEXT, at INTEGER NOT NULL, vals TEXT NOT NULL, source TEXT);"
    "CREATE INDEX visits_by_audit ON visits(audit, wave, id);",
    /* invitations drawn by `sample` declarations: the fatigue
    ** rule reads each customer's newest one. */
    "CREATE TABLE invitations("
    " seq INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE,"
    " customer TEXT NOT NULL, questionnaire TEXT NOT NULL, sample TEXT,"
    " channel TEXT, lang TEXT, created_at INTEGER NOT NULL,"
    " answered INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX invitations_by_sample ON invitations(sample, seq);"
    "CREATE INDEX invitations_by_customer ON invitations(customer, created_at);",
    /* answers packed into their response's row (see "packed answers"):
    ** the question ids of each distinct layout once in `layouts`, the
    ** answers of a response in one blob. Old answers are packed by the
    ** plugin's mj_layout and mj_pack aggregates, then dropped. */
    "CREATE TABLE layouts(id INTEGER PRIMARY KEY,"
    " questions TEXT NOT NULL UNIQUE);"
    "ALTER TABLE responses ADD COLUMN layout INTEGER;"
    "ALTER TABLE responses ADD COLUMN answers BLOB;"
    "CREATE TEMP TABLE mj_packed(response INTEGER PRIMARY KEY, l TEXT, b BLOB);"
    "INSERT INTO mj_packed SELECT response, mj_layout(pos, question),"
    " mj_pack(pos, state, num, text) FROM answers GROUP BY response;"
    "INSERT INTO layouts(questions) SELECT l FROM mj_packed UNION SELECT '';"
    "UPDATE responses SET"
    " layout = coalesce((SELECT y.id FROM mj_packed AS p JOIN layouts AS y"
    "  ON y.questions = p.l WHERE p.response = responses.seq),"
    "  (SELECT id FROM layouts WHERE questions = '')),"
    " answers = coalesce((SELECT b FROM mj_packed"
    "  WHERE response = responses.seq), x'');"
    "DROP TABLE mj_packed;"
    "DROP TABLE answers;",
    /* questionnaire versions, pilot responses and the response channel.
    ** Responses stored before keep version 1, which has no structure row:
    ** the cycle takes them as compatible. */
    "CREATE TABLE questionnaire_versions("
    " questionnaire TEXT NOT NULL, version INTEGER NOT NULL,"
    " fingerprint TEXT NOT NULL, structure TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, PRIMARY KEY(questionnaire, version),"
    " UNIQUE(questionnaire, fingerprint));"
    "ALTER TABLE responses ADD COLUMN pilot INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE responses ADD COLUMN channel TEXT;",
    /* Where responses came from, once per file: the path on every row was
    ** a third of a big import's bytes. The text column stays, empty. */
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "ALTER TABLE responses ADD COLUMN source_id INTEGER;"
    "INSERT INTO sources(name) SELECT DISTINCT source FROM responses"
    " WHERE source IS NOT NULL;"
    "UPDATE responses SET source_id = (SELECT id FROM sources"
    " WHERE name = responses.source), source = NULL WHERE source IS NOT NULL;",
    /* Responses in blocks of many per row (block.h): a row, a unique id
    ** and a questionnaire index per response were two thirds of an import
    ** and most of a scan. The rows move into blocks in C (rows_to_blocks)
    ** before `responses` is dropped; ids stay unique through the id table
    ** the plugin keeps in memory from each block's hashes. */
    "CREATE TABLE response_blocks(seq INTEGER PRIMARY KEY,"
    " questionnaire TEXT NOT NULL, n INTEGER NOT NULL, ids BLOB NOT NULL,"
    " dict BLOB NOT NULL, data BLOB NOT NULL);"
    "CREATE INDEX response_blocks_by_questionnaire"
    " ON response_blocks(questionnaire, seq);"
    /* What the plugin remembers between runs: the digest of the
    ** customers a cycle last put (put_customers). */
    "CREATE TABLE store_meta(key TEXT PRIMARY KEY, value BLOB);",
    /* The outbox: a notification is a message queued for its notifier,
    ** due at next_at and claimed by one delivery at a time (claim, at
    ** claimed_at). Rows from before were tried once and never again: a
    ** "retry" among them is parked as failed, for `outbox --failed`. */
    "ALTER TABLE notifications ADD COLUMN key TEXT;"
    "ALTER TABLE notifications ADD COLUMN attempts INTEGER NOT NULL"
    " DEFAULT 0;"
    "ALTER TABLE notifications ADD COLUMN next_at INTEGER NOT NULL"
    " DEFAULT 0;"
    "ALTER TABLE notifications ADD COLUMN claimed_at INTEGER NOT NULL"
    " DEFAULT 0;"
    "ALTER TABLE notifications ADD COLUMN claim TEXT;"
    "ALTER TABLE notifications ADD COLUMN sent_at INTEGER NOT NULL"
    " DEFAULT 0;"
    "UPDATE notifications SET attempts = 1,"
    " sent_at = CASE WHEN status = 'sent' THEN time ELSE 0 END,"
    " status = CASE WHEN status = 'retry' THEN 'failed' ELSE status END;"
    "CREATE INDEX notifications_due ON notifications(status, next_at, seq);",
    /* Respect for the recipient: who unsubscribed (apart from customers,
    ** which every import rewrites), and the messages to each customer,
    ** found through their "customer" meta, to count what was sent. */
    "CREATE TABLE unsubscribes(customer TEXT PRIMARY KEY,"
    " at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX notification_meta_customer ON notification_meta(value)"
    " WHERE key = 'customer';",
    /* Messages sent once only are found by their key; the customers
    ** thanked, one row each time, so the daily list passes them by. */
    "CREATE INDEX notifications_by_key ON notifications(key);"
    "CREATE TABLE thanked(customer TEXT NOT NULL, at INTEGER NOT NULL,"
    " PRIMARY KEY(customer, at)) WITHOUT ROWID;",
    /* One reminder per invitation: when it was sent (0: not yet). */
    "ALTER TABLE invitations ADD COLUMN reminded_at INTEGER NOT NULL"
    " DEFAULT 0;",
    /* Close-the-loop cases: one per alert and response, so a response
    ** stored again opens none. */
    "CREATE TABLE cases("
    " id INTEGER PRIMARY KEY, alert TEXT NOT NULL, response TEXT NOT NULL,"
    " customer TEXT, questionnaire TEXT NOT NULL, owner TEXT NOT NULL,"
    " escalate_to TEXT, opened_at INTEGER NOT NULL,"
    " due_at INTEGER NOT NULL, escalated_at INTEGER NOT NULL DEFAULT 0,"
    " closed_at INTEGER NOT NULL DEFAULT 0, closed_by TEXT, outcome TEXT,"
    " UNIQUE(alert, response));",
    /* The least and greatest id of each block whose ids increase (see
    ** "response blocks"): while the blocks follow one another, a put
    ** finds its id without a table of every stored id. Blocks from
    ** before have no row here, and are read into that table. */
    "CREATE TABLE response_ranges(seq INTEGER PRIMARY KEY,"
    " lo BLOB NOT NULL, hi BLOB NOT NULL);",
    /* The open-text answers a cycle keeps with its results, so a report
    ** need not read every response again. */
    "CREATE TABLE cycle_comments("
    " cycle INTEGER NOT NULL, list TEXT NOT NULL, rank INTEGER NOT NULL,"
    " questionnaire TEXT NOT NULL, question TEXT NOT NULL,"
    " n INTEGER NOT NULL DEFAULT 0, keep INTEGER NOT NULL DEFAULT 0,"
    " response TEXT, submitted_at INTEGER NOT NULL DEFAULT 0, text TEXT,"
    " PRIMARY KEY(cycle, list, questionnaire, question, rank));",
};

/* The version whose step moves `responses` rows into blocks. */
#define BLOCKS_VERSION 9

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof *migrations))

/*
** mejora's SQLite application id, "MJDB", in the file's header beside
** the schema version: set in the transaction that makes a store (or
** migrates one made before it was set), so a file of another program is
** never taken for a store. The text form is for the PRAGMA.
*/
#define APP_ID 0x4d4a4442
#define APP_ID_SQL "0x4d4a4442"

/* How long a writer waits for another one, in milliseconds. */
#define BUSY_MS 5000

/*
** Every statement the plugin runs after opening, prepared on first use
** and kept for the life of the instance.
*/
/* The page cache, in KiB (negative). Small: responses are written and
** read a block at a time, each page once, and no index is on their ids;
** a bigger cache only held a million responses' pages for nothing. */
#define CACHE_KIB "-2048"

/*
** PUT_CUSTOMERS stores CUST_ROWS customers a statement, as PUT_CUSTOMER
** stores one: a new store's first cycle writes every customer, 333k of
** them, and each statement run costs a savepoint, its release and a
** reset, which 64 rows then share (448 of SQLite's 999 parameters).
*/
enum { CUST_ROWS = 64 };
#define CUST_ROW_SQL "(?,?,?,?,?,?,?)"
#define CUST_ROWS2_SQL CUST_ROW_SQL "," CUST_ROW_SQL
#define CUST_ROWS4_SQL CUST_ROWS2_SQL "," CUST_ROWS2_SQL
#define CUST_ROWS8_SQL CUST_ROWS4_SQL "," CUST_ROWS4_SQL
#define CUST_ROWS16_SQL CUST_ROWS8_SQL "," CUST_ROWS8_SQL
#define CUST_ROWS32_SQL CUST_ROWS16_SQL "," CUST_ROWS16_SQL
#define CUST_ROWS_SQL CUST_ROWS32_SQL "," CUST_ROWS32_SQL

#define STATEMENTS(X)                                                        \
  X(BEGIN, "BEGIN IMMEDIATE")                                                \
  X(BEGIN_EXCL, "BEGIN EXCLUSIVE")                                           \
  X(BULK_ON, "PRAGMA journal_mode = DELETE")                                 \
  X(COMMIT, "COMMIT")                                                        \
  X(ROLLBACK, "ROLLBACK")                                                    \
  X(SAVEPOINT, "SAVEPOINT mj_op")                                            \
  X(RELEASE, "RELEASE mj_op")                                                \
  X(ROLLBACK_TO, "ROLLBACK TO mj_op")                                        \
  X(VERSION, "PRAGMA user_version")                                          \
  X(APPLICATION_ID, "PRAGMA application_id")                                 \
  X(WAL, "PRAGMA journal_mode = WAL")                                        \
  X(CUSTOMERS,                                                               \
    "SELECT id, segment, name, lang, channel, email, consent"                \
    " FROM customers")                                                       \
  X(META_GET, "SELECT value FROM store_meta WHERE key = ?1")                 \
  X(META_PUT,                                                                \
    "INSERT INTO store_meta(key, value) VALUES(?1, ?2)"                      \
    " ON CONFLICT(key) DO UPDATE SET value = ?2")                            \
  X(META_DEL, "DELETE FROM store_meta WHERE key = ?1")                       \
  X(PUT_CUSTOMER,                                                            \
    "INSERT INTO customers(id, segment, name, lang, channel, email, consent)" \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"      \
    " segment = ?2, name = ?3, lang = ?4, channel = ?5, email = ?6,"         \
    " consent = ?7 WHERE segment IS NOT ?2 OR name IS NOT ?3"                \
    " OR lang IS NOT ?4 OR channel IS NOT ?5 OR email IS NOT ?6"             \
    " OR consent IS NOT ?7")                                                 \
  X(LAYOUT_PUT,                                                              \
    "INSERT INTO layouts(questions) VALUES(?1)"                              \
    " ON CONFLICT(questions) DO NOTHING")                                    \
  X(LAYOUT_ID, "SELECT id FROM layouts WHERE questions = ?1")                \
  X(LAYOUT_GET, "SELECT questions FROM layouts WHERE id = ?1")               \
  X(SOURCE_PUT,                                                              \
    "INSERT INTO sources(name) VALUES(?1) ON CONFLICT(name) DO NOTHING")     \
  X(SOURCE_ID, "SELECT id FROM sources WHERE name = ?1")                     \
  X(SOURCE_NAME, "SELECT name FROM sources WHERE id = ?1")                  \
  X(COUNT_RESPONSES,                                                         \
    "SELECT coalesce(sum(n), 0) FROM response_blocks"                        \
    " WHERE ?1 IS NULL OR questionnaire = ?1")                               \
  X(BLOCK_PUT,                                                               \
    "INSERT INTO response_blocks(questionnaire, n, ids, dict, data)"         \
    " VALUES(?1, ?2, ?3, ?4, ?5)")                                           \
  X(BLOCK_IDS,                                                               \
    "SELECT seq, n, ids FROM response_blocks WHERE seq > ?1 AND seq <= ?2"   \
    " ORDER BY seq")                                                         \
  X(BLOCK_RANGES,                                                            \
    "SELECT b.seq, b.n, r.lo, r.hi FROM response_blocks b"                   \
    " LEFT JOIN response_ranges r ON r.seq = b.seq WHERE b.seq > ?1"         \
    " ORDER BY b.seq")                                                       \
  X(RANGE_PUT, "INSERT INTO response_ranges(seq, lo, hi) VALUES(?1, ?2, ?3)") \
  X(BLOCK_GET, "SELECT dict, data FROM response_blocks WHERE seq = ?1")      \
  X(BLOCK_SCAN,                                                              \
    "SELECT seq, dict, data, questionnaire FROM response_blocks"             \
    " WHERE questionnaire = ?1 ORDER BY seq")                                \
  X(BLOCKS_AT_LEAST,                                                         \
    "SELECT count(*) >= ?2 FROM (SELECT 1 FROM response_blocks"              \
    " WHERE questionnaire = ?1 LIMIT ?2)")                                   \
  X(DATA_VERSION, "PRAGMA data_version")                                     \
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
  X(SCAN_CYCLES,                                                             \
    "SELECT id, name, started_at, finished_at, status FROM cycles"          \
    " ORDER BY id")                                                          \
  X(CYCLE_CLEAR, "DELETE FROM results WHERE cycle = ?1")                     \
  X(CYCLE_REOPEN,                                                            \
    "UPDATE cycles SET status = 'running', started_at = ?2,"                \
    " finished_at = 0 WHERE id = ?1")                                        \
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
    " subject, message, status, detail, key, next_at, attempts, sent_at)"   \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")        \
  X(PUT_NOTIFICATION_META,                                                   \
    "INSERT INTO notification_meta(notification, pos, key, value)"          \
    " VALUES(?1, ?2, ?3, ?4)")                                                \
  X(OUTBOX_CLAIM,                                                            \
    "UPDATE notifications SET status = 'sending', claimed_at = ?1,"         \
    " claim = ?4 WHERE seq IN (SELECT seq FROM notifications"                \
    " WHERE (status IN ('pending', 'retry') AND next_at <= ?1)"              \
    " OR (status = 'sending' AND claimed_at <= ?2) ORDER BY seq LIMIT ?3)")   \
  X(OUTBOX_CLAIMED,                                                          \
    "SELECT seq FROM notifications WHERE status = 'sending' AND claim = ?1"  \
    " ORDER BY seq")                                                         \
  X(OUTBOX_GET,                                                              \
    "SELECT seq, cycle, notifier, key, status, attempts, next_at,"          \
    " claimed_at, sent_at, detail, claim, kind, severity, time, subject,"   \
    " message FROM notifications WHERE seq = ?1")                            \
  X(OUTBOX_META,                                                             \
    "SELECT key, value FROM notification_meta WHERE notification = ?1"      \
    " ORDER BY pos")                                                         \
  X(OUTBOX_MARK,                                                             \
    "UPDATE notifications SET status = ?3,"                                  \
    " attempts = attempts + (?3 NOT IN ('pending', 'cancelled')),"           \
    " sent_at = CASE WHEN ?3 = 'sent' THEN ?4 ELSE sent_at END,"             \
    " next_at = CASE WHEN ?3 IN ('retry', 'pending') THEN ?5"                \
    "  ELSE next_at END,"                                                    \
    " detail = CASE WHEN ?3 = 'sent' THEN NULL WHEN ?3 = 'pending'"          \
    "  THEN coalesce(?6, detail) ELSE ?6 END, claim = NULL"                  \
    " WHERE seq = ?1 AND status = 'sending' AND claim = ?2")                 \
  X(OUTBOX_SCAN,                                                             \
    "SELECT seq FROM notifications WHERE CASE WHEN ?1"                       \
    " THEN status IN ('failed', 'cancelled')"                                \
    " ELSE status IN ('pending', 'retry', 'sending') END ORDER BY seq")      \
  X(OUTBOX_RETRY,                                                            \
    "UPDATE notifications SET status = 'pending', attempts = 0,"            \
    " next_at = ?2, claim = NULL WHERE seq = ?1 AND status = 'failed'")      \
  X(PUT_COMPLAINT,                                                           \
    "INSERT INTO complaints(id, wave, received_at, channel, customer,"      \
    " category, text, acknowledged_at, assessed_at, investigated_at,"       \
    " root_cause, responded_at, closed_at, fcr, source)"                     \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"  \
    " ?15) ON CONFLICT(id) DO UPDATE SET wave = ?2, received_at = ?3,"      \
    " channel = ?4, customer = ?5, category = ?6, text = ?7,"               \
    " acknowledged_at = ?8, assessed_at = ?9, investigated_at = ?10,"       \
    " root_cause = ?11, responded_at = ?12, closed_at = ?13, fcr = ?14,"    \
    " source = ?15")                                                         \
  X(SCAN_COMPLAINTS,                                                         \
    "SELECT id, wave, received_at, channel, customer, category, text,"      \
    " acknowledged_at, assessed_at, investigated_at, root_cause,"           \
    " responded_at, closed_at, fcr, source FROM complaints"                 \
    " WHERE ?1 IS NULL OR wave = ?1 ORDER BY id")                            \
  X(PUT_VISIT,                                                               \
    "INSERT INTO visits(id, audit, wave, site, agent, at, vals, source)"    \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO UPDATE SET"  \
    " audit = ?2, wave = ?3, site = ?4, agent = ?5, at = ?6, vals = ?7,"    \
    " source = ?8")                                                          \
  X(SCAN_VISITS,                                                             \
    "SELECT id, audit, wave, site, agent, at, vals, source FROM visits"     \
    " WHERE (?1 IS NULL OR audit = ?1) AND (?2 IS NULL OR wave = ?2)"       \
    " ORDER BY id")                                                          \
  X(PUT_INVITATION,                                                          \
    "INSERT INTO invitations(token, customer, questionnaire, sample,"       \
    " channel, lang, created_at, answered)"                                  \
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(token) DO UPDATE"   \
    " SET answered = max(answered, ?8)")                                     \
  X(SCAN_INVITATIONS,                                                        \
    "SELECT token, customer, questionnaire, sample, channel, lang,"         \
    " created_at, answered FROM invitations"                                 \
    " WHERE ?1 IS NULL OR sample = ?1 ORDER BY seq")                         \
  X(REMINDERS_DUE,                                                           \
    "SELECT token, customer, questionnaire, sample, channel, lang,"         \
    " created_at, answered FROM invitations WHERE sample = ?1"               \
    " AND answered = 0 AND reminded_at = 0 AND created_at <= ?2"             \
    " ORDER BY seq")                                                         \
  X(FIND_INVITATIONS,                                                        \
    "SELECT token, customer, questionnaire, sample, channel, lang,"         \
    " created_at, answered FROM invitations"                                 \
    " WHERE token >= ?1 AND token < ?2 ORDER BY token")                      \
  X(PART, "SAVEPOINT mj_part")                                               \
  X(PART_RELEASE, "RELEASE mj_part")                                         \
  X(PART_UNDO, "ROLLBACK TO mj_part")                                        \
  X(INVITATION_REMIND,                                                       \
    "UPDATE invitations SET reminded_at = ?2 WHERE token = ?1"               \
    " AND answered = 0 AND reminded_at = 0")                                 \
  X(QVERSION_PUT,                                                            \
    "INSERT INTO questionnaire_versions(questionnaire, version, fingerprint," \
    " structure, created_at) SELECT ?1, coalesce(max(version), 0) + 1, ?2,"  \
    " ?3, ?4 FROM questionnaire_versions WHERE questionnaire = ?1"           \
    " ON CONFLICT DO NOTHING")                                               \
  X(QVERSION_GET,                                                            \
    "SELECT version FROM questionnaire_versions"                             \
    " WHERE questionnaire = ?1 AND fingerprint = ?2")                        \
  X(QVERSION_SCAN,                                                           \
    "SELECT version, fingerprint, structure, created_at"                     \
    " FROM questionnaire_versions WHERE questionnaire = ?1 ORDER BY version") \
  X(UNSUBSCRIBE,                                                             \
    "INSERT INTO unsubscribes(customer, at) VALUES(?1, ?2)"                  \
    " ON CONFLICT(customer) DO NOTHING")                                     \
  X(RESUBSCRIBE, "DELETE FROM unsubscribes WHERE customer = ?1")             \
  X(UNSUBSCRIBED, "SELECT at FROM unsubscribes WHERE customer = ?1")         \
  X(SENT_TO,                                                                 \
    "SELECT n.sent_at FROM notification_meta m"                              \
    " JOIN notifications n ON n.seq = m.notification"                        \
    " WHERE m.key = 'customer' AND m.value = ?1 AND n.status = 'sent'"       \
    " AND n.sent_at >= ?2 ORDER BY n.sent_at DESC LIMIT ?3")                  \
  X(OUTBOX_HAS, "SELECT 1 FROM notifications WHERE key = ?1 LIMIT 1")       \
  X(PUT_THANKED,                                                             \
    "INSERT INTO thanked(customer, at) VALUES(?1, ?2) ON CONFLICT DO NOTHING") \
  X(SCAN_THANKED,                                                            \
    "SELECT customer, max(at) FROM thanked WHERE at >= ?1"                   \
    " GROUP BY customer ORDER BY customer")                                   \
  X(CASE_PUT,                                                                \
    "INSERT INTO cases(alert, response, customer, questionnaire, owner,"    \
    " escalate_to, opened_at, due_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" \
    " ON CONFLICT(alert, response) DO NOTHING")                              \
  X(CASE_SCAN,                                                               \
    "SELECT id, alert, response, customer, questionnaire, owner,"           \
    " escalate_to, opened_at, due_at, escalated_at, closed_at, closed_by,"  \
    " outcome FROM cases WHERE ?1 = 0 OR id = ?1 ORDER BY id")               \
  X(CASE_ESCALATE,                                                           \
    "UPDATE cases SET escalated_at = ?2"                                     \
    " WHERE id = ?1 AND escalated_at = 0 AND closed_at = 0")                 \
  X(CASE_CLOSE,                                                              \
    "UPDATE cases SET closed_at = ?2, closed_by = ?3, outcome = ?4"         \
    " WHERE id = ?1 AND closed_at = 0")                                      \
  X(CASE_EXISTS, "SELECT 1 FROM cases WHERE id = ?1")                       \
  X(COMMENTS_CLEAR, "DELETE FROM cycle_comments WHERE cycle = ?1")           \
  X(PUT_COMMENT,                                                             \
    "INSERT INTO cycle_comments(cycle, list, rank, questionnaire, question," \
    " n, keep, response, submitted_at, text)"                                \
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")                     \
  X(SCAN_COMMENTS,                                                           \
    "SELECT cycle, list, rank, questionnaire, question, n, keep, response,"  \
    " submitted_at, text FROM cycle_comments WHERE cycle = ?1"               \
    " ORDER BY list, rank, rowid")                                           \
  X(PUT_CUSTOMERS,                                                           \
    "INSERT INTO customers(id, segment, name, lang, channel, email, consent)" \
    " VALUES" CUST_ROWS_SQL " ON CONFLICT(id) DO UPDATE SET"                 \
    " segment = excluded.segment, name = excluded.name,"                     \
    " lang = excluded.lang, channel = excluded.channel,"                     \
    " email = excluded.email, consent = excluded.consent"                    \
    " WHERE segment IS NOT excluded.segment OR name IS NOT excluded.name"    \
    " OR lang IS NOT excluded.lang OR channel IS NOT excluded.channel"       \
    " OR email IS NOT excluded.email OR consent IS NOT excluded.consent")

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
  /* Packed answers (see "packed answers" below): buffers reused by every
  ** put, the layout the last put used, and the layouts a scan has met. */
  unsigned char *pack;
  size_t pack_cap;
  char *key, *last_key;
  size_t key_cap, last_key_cap, last_key_len;
  sqlite3_int64 last_layout;
  char *last_source; /* the source the last put used, and its id */
  size_t last_source_cap;
  sqlite3_int64 last_source_id;
  struct layout *layouts;
  size_t n_layouts;
  mj_answer_rec *scan_ans;
  size_t scan_cap;
  /* Response blocks (see "response blocks"): the one being filled and
  ** its questionnaire; the id table with the blocks it has read, in seq
  ** order with their first ordinal; the block last read to compare an id;
  ** source names met by scans. */
  mj_blk_writer blk;
  char *blk_q;
  size_t blk_q_cap;
  mj_idtab ids;
  int ids_loaded, ids_checked;
  int hashed;     /* the id table holds every id known */
  int unordered;  /* a block known has no range, or one not after the last */
  int blk_unsorted; /* the block being filled has ids out of order */
  int no_ranges;  /* migrating: response_ranges does not exist yet */
  mj_bbuf rng;    /* the blocks' least and greatest ids, one after another */
  int bulk; /* a bulk write in rollback-journal mode is open (begin_bulk) */
  int durable; /* the open transaction commits with synchronous=FULL */
  uint64_t part_mark; /* responses known when the open part began */
  int readonly; /* the file is read-only to this process: nothing is written */
  sqlite3_int64 ids_dv;
  uint64_t n_known; /* responses in the blocks read; the next ordinal */
  struct blk_ref {
    sqlite3_int64 seq;
    uint64_t first;
    uint32_t lo, hi; /* offsets in rng of each id's length and bytes */
    int ranged;      /* lo and hi are known: the ids increase */
  } *blks;
  size_t n_blks, blks_cap;
  mj_blk_idcache cmp; /* stored blocks' ids, to compare with */
  struct src_name {
    sqlite3_int64 id;
    char *name;
  } *srcs;
  size_t n_srcs;
  mj_blk_reader rd;
  unsigned threads; /* at most this many for a scan (threads); 0: any */
  /* Customers as stored (see "customers"): each id and a fingerprint of
  ** its other fields, found by a hash table of index + 1. */
  struct cust_fp {
    uint64_t fp;
    uint32_t id_off, id_len;
  } *cust;
  size_t n_cust, cust_cap;
  mj_bbuf cust_ids;
  uint32_t *cust_slot;
  size_t cust_slots;
  int cust_loaded, cust_checked;
  sqlite3_int64 cust_dv;
  /* A put of customers under way (put_customers_some). */
  struct cust_put {
    size_t n;      /* how many; the put is under way while next < n */
    uint64_t h;    /* their digest, taken before or while they are put */
    int taken;     /* h was taken before (of all of them) */
    int fresh;     /* into an empty table: written without fingerprints */
    int active;
  } cput;
} store;

static void layouts_free(store *s);
static void customers_forget(store *s);
static void sources_free(store *s);
static void blocks_forget(store *s);
static int blk_flush(store *s, mj_error *err);
static int blk_append(store *s, const char *q, const struct mj_blk_rec *r,
                      mj_error *err);

/* ---- errors ------------------------------------------------------------ */

/*
** "sqlite: cannot WHAT 'PATH': sqlite's message", and what to do when
** SQLite's words alone leave the operator guessing.
*/
static int fail(store *s, const char *what, mj_error *err)
{
  const char *hint = "";
  switch (sqlite3_errcode(s->db) & 0xff) {
  case SQLITE_BUSY:
    hint = " (another process is writing to it, an import perhaps: try "
           "again when it ends)";
    break;
  case SQLITE_READONLY:
    hint = " (the store is read-only to this user: commands that write "
           "need write access to the file and its folder)";
    break;
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
    hint = ": if it is a damaged mejora store, restore it from a backup, "
           "or salvage what is readable with `sqlite3 FILE .recover | "
           "sqlite3 NEW.db`";
    break;
  }
  return s->host->error(err, MJ_ESTORE, "sqlite: cannot %s '%s': %s%s", what,
                        s->path, sqlite3_errmsg(s->db), hint);
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
** A row whose key columns are NULL cannot come from mejora (they are
** NOT NULL in the schema): the file was damaged or edited by hand. The
** row readers return ROW_DAMAGED, which scan() turns into an error, so no
** NULL id reaches the engine. cols lists the columns, ending with -1.
*/
enum { ROW_DAMAGED = 0x7d4d }; /* positive, unlike MJ_E*; not MJ_RETRY */

static int row_damaged(sqlite3_stmt *st, const int *cols)
{
  for (; *cols >= 0; cols++)
    if (sqlite3_column_type(st, *cols) == SQLITE_NULL)
      return 1;
  return 0;
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
  layouts_free(s);
  mj_error scratch;
  if (run(s, ST_ROLLBACK_TO, "undo a failed write to", &scratch) == MJ_OK)
    run(s, ST_RELEASE, "undo a failed write to", &scratch);
  return rc;
}

/* ---- packed answers ---------------------------------------------------------
**
** A response's answers live in its own row, packed in one BLOB: a million
** responses are a million rows to write and to scan, not thirteen million
** (with a savepoint each), which made imports and analyses an order of
** magnitude faster. The question ids are not repeated in every blob: a
** response names its layout, the row of `layouts` holding its question ids
** in order, joined by LAYOUT_SEP (ids never contain it: put refuses them).
**
** Per answer, one tag byte, then its payload:
**   bits 0-1  the state (mj_answer_state)
**   bits 2-3  the number: 0 none (NaN), 1 an integer in -128..127 in one
**             byte (every scale and NPS answer), 2 any other in 8 bytes
**             (IEEE 754 bits, little-endian, so files move across hosts)
**   bit 4     a text follows, NUL-ended, so a scan can point into the blob
*/
#define LAYOUT_SEP '\x1f'

enum { NUM_NONE = 0, NUM_I8 = 1, NUM_F64 = 2, HAS_TEXT = 16 };

typedef struct layout {
  sqlite3_int64 id;
  char *buf;       /* the question ids, each NUL-ended */
  const char **q;  /* n pointers into buf */
  size_t n;
} layout;

/* Grow buf to hold want bytes: the buffer (perhaps moved), or NULL with
** the old one still owned by the caller. */
static void *grow_buf(const mj_host_api *h, void *buf, size_t *cap,
                      size_t want)
{
  if (want <= *cap)
    return buf;
  size_t n = *cap ? *cap : 256;
  while (n < want)
    n *= 2;
  void *p = h->realloc(buf, n);
  if (p)
    *cap = n;
  return p;
}

/* What a scan or a put remembered about layouts and sources. Called on every
** rollback: a layout row inserted in the undone transaction is gone, and
** its id may be given to another layout later. */
static void layouts_free(store *s)
{
  for (size_t i = 0; i < s->n_layouts; i++) {
    s->host->free(s->layouts[i].buf);
    s->host->free((void *)s->layouts[i].q);
  }
  s->host->free(s->layouts);
  s->layouts = NULL;
  s->n_layouts = 0;
  s->last_layout = 0;
  s->last_source_id = 0; /* a source row can be undone the same way */
}

/* One answer's bytes at out, which has room for 10 + tlen bytes;
** returns how many it wrote. */
static size_t pack_one(unsigned char *out, int state, double num,
                       const char *text, size_t tlen)
{
  size_t k = 1;
  unsigned tag = (unsigned)state & 3u;
  if (!isnan(num)) {
    if (num >= -128 && num <= 127 && num == (double)(int)num &&
        !(num == 0 && signbit(num))) {
      tag |= NUM_I8 << 2;
      out[k++] = (unsigned char)(int)num;
    } else {
      uint64_t u;
      memcpy(&u, &num, sizeof u);
      tag |= NUM_F64 << 2;
      for (int i = 0; i < 8; i++)
        out[k++] = (unsigned char)(u >> (8 * i));
    }
  }
  if (text) {
    tag |= HAS_TEXT;
    memcpy(out + k, text, tlen);
    k += tlen;
    out[k++] = '\0';
  }
  out[0] = (unsigned char)tag;
  return k;
}

/* The n answers of a blob into v (room for lay->n), named after lay's
** questions; 0 when the blob does not hold exactly that. */
static int unpack(const unsigned char *b, size_t len, const layout *lay,
                  mj_answer_rec *v)
{
  size_t k = 0;
  for (size_t i = 0; i < lay->n; i++) {
    if (k >= len)
      return 0;
    unsigned tag = b[k++];
    mj_answer_rec *a = &v[i];
    if ((tag & 3u) == 3u || (tag & ~0x1fu))
      return 0;
    a->question = lay->q[i];
    a->state = (mj_answer_state)(tag & 3u);
    a->num = NAN;
    a->text = NULL;
    switch ((tag >> 2) & 3u) {
    case NUM_NONE:
      break;
    case NUM_I8:
      if (k + 1 > len)
        return 0;
      a->num = b[k] < 128 ? (double)b[k] : (double)b[k] - 256.0;
      k++;
      break;
    case NUM_F64: {
      if (k + 8 > len)
        return 0;
      uint64_t u = 0;
      for (int j = 0; j < 8; j++)
        u |= (uint64_t)b[k + (size_t)j] << (8 * j);
      memcpy(&a->num, &u, sizeof u);
      k += 8;
      break;
    }
    default:
      return 0;
    }
    if (tag & HAS_TEXT) {
      const unsigned char *z = memchr(b + k, 0, len - k);
      if (!z)
        return 0;
      a->text = (const char *)(b + k);
      k = (size_t)(z - b) + 1;
    }
  }
  return k == len;
}

/* The layout with that id, read once per store and kept. */
static const layout *layout_get(store *s, sqlite3_int64 id, mj_error *err)
{
  for (size_t i = s->n_layouts; i-- > 0;)
    if (s->layouts[i].id == id)
      return &s->layouts[i];
  sqlite3_stmt *st = stmt(s, ST_LAYOUT_GET, err);
  if (!st)
    return NULL;
  sqlite3_bind_int64(st, 1, id);
  int step = sqlite3_step(st);
  if (step != SQLITE_ROW) {
    if (step == SQLITE_DONE)
      s->host->error(err, MJ_ESTORE,
                     "sqlite: '%s' has responses with layout %lld but no "
                     "such layout: the store is damaged; restore it from a "
                     "backup",
                     s->path, (long long)id);
    else
      fail(s, "read the layouts in", err);
    done(st);
    return NULL;
  }
  const char *text = col_text(st, 0);
  size_t len = (size_t)sqlite3_column_bytes(st, 0);
  layout l = {id, s->host->alloc(len + 1), NULL, 0};
  size_t n = len ? 1 : 0;
  for (size_t i = 0; i < len; i++)
    n += text[i] == LAYOUT_SEP;
  l.q = s->host->alloc((n ? n : 1) * sizeof *l.q);
  layout *v = l.buf && l.q ? s->host->realloc(s->layouts,
                                              (s->n_layouts + 1) * sizeof *v)
                           : NULL;
  if (!v) {
    done(st);
    s->host->free(l.buf);
    s->host->free((void *)l.q);
    s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
    return NULL;
  }
  s->layouts = v;
  if (len)
    memcpy(l.buf, text, len);
  l.buf[len] = '\0';
  done(st);
  for (size_t i = 0, start = 0; i <= len && n; i++)
    if (i == len || l.buf[i] == LAYOUT_SEP) {
      l.buf[i] = '\0';
      l.q[l.n++] = l.buf + start;
      start = i + 1;
    }
  s->layouts[s->n_layouts] = l;
  return &s->layouts[s->n_layouts++];
}

/* The id of the layout of r's questions, added when new. Consecutive
** responses nearly always share one, so the last is kept. */
/* Whether r's questions are, in order, those of the last layout: the key
** compared in place, as building it for every put cost more than the rest
** of the check. */
static int same_as_last(const store *s, const mj_response_rec *r)
{
  if (!s->last_layout)
    return 0;
  const char *k = s->last_key, *end = k + s->last_key_len;
  for (size_t i = 0; i < r->n_answers; i++) {
    const char *q = r->answers[i].question;
    if (!q || !*q)
      return 0;
    if (i && (k == end || *k++ != LAYOUT_SEP))
      return 0;
    while (*q && *q != LAYOUT_SEP && k < end && *k == *q)
      k++, q++;
    if (*q || (k < end && *k != LAYOUT_SEP))
      return 0;
  }
  return k == end;
}

static int layout_for(store *s, const mj_response_rec *r, sqlite3_int64 *id,
                      mj_error *err)
{
  if (same_as_last(s, r)) {
    *id = s->last_layout;
    return MJ_OK;
  }
  size_t len = 0;
  for (size_t i = 0; i < r->n_answers; i++) {
    const char *q = r->answers[i].question;
    if (!q || !*q || strchr(q, LAYOUT_SEP))
      return s->host->error(err, MJ_EINVAL,
                            "sqlite: answer %zu of response '%s' names %s",
                            i + 1, r->id,
                            q && *q ? "a question with a control character"
                                    : "no question");
    len += strlen(q) + 1;
  }
  char *key = grow_buf(s->host, s->key, &s->key_cap, len + 1);
  if (!key)
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  s->key = key;
  size_t k = 0;
  for (size_t i = 0; i < r->n_answers; i++) {
    size_t n = strlen(r->answers[i].question);
    if (i)
      key[k++] = LAYOUT_SEP;
    memcpy(key + k, r->answers[i].question, n);
    k += n;
  }
  key[k] = '\0';
  if (s->last_layout && k == s->last_key_len &&
      memcmp(key, s->last_key, k) == 0) {
    *id = s->last_layout;
    return MJ_OK;
  }
  sqlite3_stmt *put = stmt(s, ST_LAYOUT_PUT, err);
  sqlite3_stmt *get = put ? stmt(s, ST_LAYOUT_ID, err) : NULL;
  if (!get)
    return MJ_ESTORE;
  sqlite3_bind_text(put, 1, key, (int)k, SQLITE_STATIC);
  if (exec_stmt(s, put, "store a layout in", err) != MJ_OK)
    return MJ_ESTORE;
  sqlite3_bind_text(get, 1, key, (int)k, SQLITE_STATIC);
  int step = sqlite3_step(get);
  if (step == SQLITE_ROW)
    *id = sqlite3_column_int64(get, 0);
  else
    fail(s, "read the layouts in", err);
  done(get);
  if (step != SQLITE_ROW)
    return MJ_ESTORE;
  char *last = grow_buf(s->host, s->last_key, &s->last_key_cap, k + 1);
  if (last) { /* without it, the next put only looks the layout up again */
    s->last_key = last;
    memcpy(last, key, k + 1);
    s->last_key_len = k;
    s->last_layout = *id;
  }
  return MJ_OK;
}

/* The id of a source (a file's path, "api"), added when new; the last
** one is kept, as every row of an import shares it. 0 for none. */
static int source_for(store *s, const char *source, sqlite3_int64 *id,
                      mj_error *err)
{
  *id = 0;
  if (!source)
    return MJ_OK;
  if (s->last_source_id && strcmp(source, s->last_source) == 0) {
    *id = s->last_source_id;
    return MJ_OK;
  }
  sqlite3_stmt *put = stmt(s, ST_SOURCE_PUT, err);
  sqlite3_stmt *get = put ? stmt(s, ST_SOURCE_ID, err) : NULL;
  if (!get)
    return MJ_ESTORE;
  sqlite3_bind_text(put, 1, source, -1, SQLITE_STATIC);
  if (exec_stmt(s, put, "store a response's source in", err) != MJ_OK)
    return MJ_ESTORE;
  sqlite3_bind_text(get, 1, source, -1, SQLITE_STATIC);
  int step = sqlite3_step(get);
  if (step == SQLITE_ROW)
    *id = sqlite3_column_int64(get, 0);
  else
    fail(s, "read the sources in", err);
  done(get);
  if (step != SQLITE_ROW)
    return MJ_ESTORE;
  size_t n = strlen(source);
  char *last = grow_buf(s->host, s->last_source, &s->last_source_cap, n + 1);
  if (last) { /* without it, the next put only looks the source up again */
    s->last_source = last;
    memcpy(last, source, n + 1);
    s->last_source_id = *id;
  }
  return MJ_OK;
}

/* r's answers packed into s->pack; *len its length. */
static int pack_answers(store *s, const mj_response_rec *r, size_t *len,
                        mj_error *err)
{
  size_t room = 0;
  for (size_t i = 0; i < r->n_answers; i++)
    room += 10 + (r->answers[i].text ? strlen(r->answers[i].text) + 1 : 0);
  unsigned char *p = grow_buf(s->host, s->pack, &s->pack_cap, room + 1);
  if (!p)
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  s->pack = p;
  size_t k = 0;
  for (size_t i = 0; i < r->n_answers; i++) {
    const mj_answer_rec *a = &r->answers[i];
    if ((unsigned)a->state > MJ_ANSWER_SKIPPED)
      return s->host->error(err, MJ_EINVAL,
                            "sqlite: answer %zu of response '%s' has state "
                            "%d (0, 1 or 2 expected)",
                            i + 1, r->id, (int)a->state);
    k += pack_one(p + k, (int)a->state, a->num, a->text,
                  a->text ? strlen(a->text) : 0);
  }
  *len = k;
  return MJ_OK;
}

/*
** SQL aggregates for the migration that packs the answers of stores made
** before: mj_layout(pos, question) and mj_pack(pos, state, num, text) over
** one response's rows, in pos order whatever order the rows come in.
*/
typedef struct agg_item {
  sqlite3_int64 pos;
  int state;
  double num;
  char *text; /* sqlite3_malloc'd, or NULL */
  size_t tlen;
} agg_item;

typedef struct agg {
  agg_item *v;
  size_t n, cap;
  int oom;
} agg;

static void agg_add(sqlite3_context *cx, sqlite3_value *pos, int state,
                    double num, sqlite3_value *text)
{
  agg *g = sqlite3_aggregate_context(cx, sizeof *g);
  if (!g || g->oom)
    return;
  if (g->n == g->cap) {
    size_t cap = g->cap ? 2 * g->cap : 16;
    agg_item *v = sqlite3_realloc64(g->v, cap * sizeof *v);
    if (!v) {
      g->oom = 1;
      return;
    }
    g->v = v;
    g->cap = cap;
  }
  agg_item *it = &g->v[g->n];
  it->pos = sqlite3_value_int64(pos);
  it->state = state;
  it->num = num;
  it->text = NULL;
  it->tlen = 0;
  if (sqlite3_value_type(text) != SQLITE_NULL) {
    const unsigned char *t = sqlite3_value_text(text);
    size_t n = t ? strlen((const char *)t) : 0;
    if (!t || !(it->text = sqlite3_malloc64(n + 1))) {
      g->oom = 1;
      return;
    }
    memcpy(it->text, t, n + 1);
    it->tlen = n;
  }
  g->n++;
}

static void layout_step(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
  (void)argc;
  agg_add(cx, argv[0], 0, NAN, argv[1]);
}

static void pack_step(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
  (void)argc;
  double num = sqlite3_value_type(argv[2]) == SQLITE_NULL
                   ? NAN
                   : sqlite3_value_double(argv[2]);
  agg_add(cx, argv[0], sqlite3_value_int(argv[1]), num, argv[3]);
}

static int by_pos(const void *a, const void *b)
{
  sqlite3_int64 x = ((const agg_item *)a)->pos, y = ((const agg_item *)b)->pos;
  return (x > y) - (x < y);
}

/* The items in pos order (*out NULL when there were none); 0 after an
** allocation failed, with the error set. */
static int agg_final(sqlite3_context *cx, agg **out)
{
  agg *g = *out = sqlite3_aggregate_context(cx, 0);
  if (g && g->oom) {
    for (size_t i = 0; i < g->n; i++)
      sqlite3_free(g->v[i].text);
    sqlite3_free(g->v);
    sqlite3_result_error_nomem(cx);
    return 0;
  }
  if (g)
    qsort(g->v, g->n, sizeof *g->v, by_pos);
  return 1;
}

static void agg_free(agg *g)
{
  for (size_t i = 0; g && i < g->n; i++)
    sqlite3_free(g->v[i].text);
  if (g)
    sqlite3_free(g->v);
}

static void layout_final(sqlite3_context *cx)
{
  agg *g;
  if (!agg_final(cx, &g))
    return;
  size_t len = 0;
  for (size_t i = 0; g && i < g->n; i++)
    len += g->v[i].tlen + 1;
  char *out = sqlite3_malloc64(len + 1);
  if (!out) {
    agg_free(g);
    sqlite3_result_error_nomem(cx);
    return;
  }
  size_t k = 0;
  for (size_t i = 0; g && i < g->n; i++) {
    if (i)
      out[k++] = LAYOUT_SEP;
    if (g->v[i].tlen)
      memcpy(out + k, g->v[i].text, g->v[i].tlen);
    k += g->v[i].tlen;
  }
  out[k] = '\0';
  agg_free(g);
  sqlite3_result_text(cx, out, (int)k, sqlite3_free);
}

static void pack_final(sqlite3_context *cx)
{
  agg *g;
  if (!agg_final(cx, &g))
    return;
  size_t room = 1;
  for (size_t i = 0; g && i < g->n; i++)
    room += 10 + g->v[i].tlen;
  unsigned char *out = sqlite3_malloc64(room);
  if (!out) {
    agg_free(g);
    sqlite3_result_error_nomem(cx);
    return;
  }
  size_t k = 0;
  for (size_t i = 0; g && i < g->n; i++)
    k += pack_one(out + k, g->v[i].state < 0 || g->v[i].state > 2
                               ? MJ_ANSWER_SKIPPED
                               : g->v[i].state,
                  g->v[i].num, g->v[i].text, g->v[i].tlen);
  agg_free(g);
  sqlite3_result_blob(cx, out, (int)k, sqlite3_free);
}

static int add_functions(sqlite3 *db)
{
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
  return sqlite3_create_function_v2(db, "mj_layout", 2, flags, NULL, NULL,
                                    layout_step, layout_final, NULL) ==
                 SQLITE_OK &&
         sqlite3_create_function_v2(db, "mj_pack", 4, flags, NULL, NULL,
                                    pack_step, pack_final, NULL) == SQLITE_OK;
}

/* ---- open, migrate, close -------------------------------------------------- */

/* The one integer statement id gives (a PRAGMA); what names it in an
** error. */
static int one_int(store *s, int id, sqlite3_int64 *v, const char *what,
                   mj_error *err)
{
  sqlite3_stmt *st = stmt(s, id, err);
  if (!st)
    return MJ_ESTORE;
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    *v = sqlite3_column_int64(st, 0);
  else
    fail(s, what, err);
  done(st);
  return step == SQLITE_ROW ? MJ_OK : MJ_ESTORE;
}

static int read_version(store *s, int *version, mj_error *err)
{
  sqlite3_int64 v = 0;
  int rc = one_int(s, ST_VERSION, &v, "read the schema version of", err);
  if (rc == MJ_OK)
    *version = (int)v;
  return rc;
}

/* What the file's header says: its schema version and application id. */
static int read_header(store *s, int *version, sqlite3_int64 *app,
                       mj_error *err)
{
  int rc = read_version(s, version, err);
  return rc == MJ_OK ? one_int(s, ST_APPLICATION_ID, app,
                               "read the application id of", err)
                     : rc;
}

/* *yes: the first column of sql's first row is not 0 (nor NULL). */
static int query_true(store *s, const char *sql, int *yes, mj_error *err)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(s, "read the tables of", err);
  int step = sqlite3_step(st);
  *yes = step == SQLITE_ROW && sqlite3_column_int64(st, 0) != 0;
  int rc = step == SQLITE_ROW || step == SQLITE_DONE
               ? MJ_OK
               : fail(s, "read the tables of", err);
  sqlite3_finalize(st);
  return rc;
}

/*
** The header of a store mejora may open: its own application id (or none,
** on a store made before mejora set one: then its tables must be
** mejora's), and a schema version from 0 (a new file) to SCHEMA_VERSION.
** Anything else is another program's file or a damaged one, and is
** refused before a statement runs on it: a version out of range would
** pick a migration step that does not exist.
*/
static int check_header(store *s, int version, sqlite3_int64 app,
                        mj_error *err)
{
  if (app != 0 && app != APP_ID) {
    uint32_t a = (uint32_t)app;
    char tag[8] = "";
    int printable = 1;
    for (int i = 0; i < 4; i++) {
      unsigned char c = (unsigned char)(a >> (24 - 8 * i));
      printable = printable && c >= 0x20 && c < 0x7f;
    }
    if (printable)
      snprintf(tag, sizeof tag, " '%c%c%c%c'", (char)(a >> 24),
               (char)(a >> 16 & 0xff), (char)(a >> 8 & 0xff),
               (char)(a & 0xff));
    return s->host->error(err, MJ_ESTORE,
                          "sqlite: '%s' is not a mejora store: it belongs "
                          "to another program (SQLite application_id "
                          "0x%08x%s; mejora's is 0x%08x 'MJDB'): name a "
                          "store of mejora's own with --db or the "
                          "playbook's store",
                          s->path, (unsigned)a, tag, (unsigned)APP_ID);
  }
  if (version < 0)
    return s->host->error(err, MJ_ESTORE,
                          "sqlite: store '%s' is damaged: its schema "
                          "version is %d, which no mejora writes (this one "
                          "knows 1 to %d): restore it from a backup, or "
                          "salvage what is readable with `sqlite3 FILE "
                          ".recover | sqlite3 NEW.db`",
                          s->path, version, SCHEMA_VERSION);
  int yes = 0, rc = MJ_OK;
  if (version == 0) {
    rc = query_true(s, "SELECT count(*) FROM sqlite_master", &yes, err);
    if (rc == MJ_OK && yes)
      rc = s->host->error(err, MJ_ESTORE,
                          "sqlite: '%s' is not a mejora store: it has "
                          "tables but no mejora schema version: name a new "
                          "file, or restore the store from a backup",
                          s->path);
  } else if (app == 0) {
    /* The customers table has had these columns since version 1. */
    rc = query_true(s,
                    "SELECT count(*) = 7 FROM pragma_table_info('customers')"
                    " WHERE name IN ('id', 'segment', 'name', 'lang',"
                    " 'channel', 'email', 'consent')",
                    &yes, err);
    if (rc == MJ_OK && !yes)
      rc = s->host->error(err, MJ_ESTORE,
                          "sqlite: '%s' is not a mejora store: it has "
                          "schema version %d but not mejora's tables: name "
                          "a new file, or restore the store from a backup",
                          s->path, version);
  }
  if (rc == MJ_OK && version > SCHEMA_VERSION)
    rc = s->host->error(err, MJ_ESTORE,
                        "sqlite: store '%s' has schema version %d, newer "
                        "than the %d this mejora knows: open it with a "
                        "newer mejora",
                        s->path, version, SCHEMA_VERSION);
  return rc;
}

/*
** Set the application id on a current store made before mejora set one.
** It only spares later opens a look at the tables, so it never waits for
** a writer (a report must not time out behind an import) and a failure
** is left for the next open.
*/
static void stamp(store *s)
{
  if (s->readonly)
    return;
  sqlite3_busy_timeout(s->db, 0);
  if (sqlite3_exec(s->db, "BEGIN IMMEDIATE; PRAGMA application_id = " APP_ID_SQL
                          "; COMMIT",
                   NULL, NULL, NULL) != SQLITE_OK &&
      !sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_busy_timeout(s->db, BUSY_MS);
}

/*
** The step to BLOCKS_VERSION: every `responses` row into blocks, in
** questionnaire and then arrival order (the order scans give), then the
** table goes. Ids were unique there already.
*/
static int rows_to_blocks(store *s, mj_error *err)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id, questionnaire, version, customer,"
                         " segment, wave, submitted_at, source_id, layout,"
                         " answers, pilot, channel FROM responses"
                         " ORDER BY questionnaire, seq",
                         -1, &st, NULL) != SQLITE_OK)
    return fail(s, "read the responses of", err);
  int rc = MJ_OK, step;
  s->no_ranges = 1; /* response_ranges comes in a later version */
  while (rc == MJ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *q = col_text(st, 1);
    mj_blk_rec b = {
        .id = col_text(st, 0),
        .customer = col_text(st, 3),
        .segment = col_text(st, 4),
        .wave = col_text(st, 5),
        .channel = col_text(st, 11),
        .version = sqlite3_column_int(st, 2),
        .pilot = sqlite3_column_int(st, 10) != 0,
        .submitted_at = sqlite3_column_int64(st, 6),
        .source = sqlite3_column_int64(st, 7),
        .layout = sqlite3_column_int64(st, 8),
        .answers = sqlite3_column_blob(st, 9),
        .answers_len = (size_t)sqlite3_column_bytes(st, 9),
    };
    if (!b.id || !q)
      rc = s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
    else
      rc = blk_append(s, q, &b, err);
  }
  if (rc == MJ_OK && step != SQLITE_DONE)
    rc = fail(s, "read the responses of", err);
  sqlite3_finalize(st);
  if (rc == MJ_OK)
    rc = blk_flush(s, err);
  s->no_ranges = 0;
  if (rc == MJ_OK &&
      sqlite3_exec(s->db, "DROP TABLE responses", NULL, NULL, NULL) !=
          SQLITE_OK)
    rc = fail(s, "drop the old responses table of", err);
  blocks_forget(s); /* the id table is read from the blocks when needed */
  return rc;
}

/*
** Bring the schema to SCHEMA_VERSION in one transaction, after checking
** that the file is a store mejora may open (check_header). A store
** already current is only read: taking the write lock on every open
** would make a report wait for (and time out behind) a long import, which
** WAL is here to avoid. The header is read again under the lock, since
** another process may have migrated in between.
*/
static int migrate(store *s, mj_error *err)
{
  int version = 0;
  sqlite3_int64 app = 0;
  int rc = read_header(s, &version, &app, err);
  if (rc == MJ_OK && app == APP_ID && version == SCHEMA_VERSION)
    return MJ_OK;
  if (rc == MJ_OK)
    rc = check_header(s, version, app, err);
  if (rc == MJ_OK && version == SCHEMA_VERSION) {
    stamp(s);
    return MJ_OK;
  }
  if (rc == MJ_OK && s->readonly)
    return s->host->error(err, MJ_ESTORE,
                          "sqlite: store '%s' has schema version %d and "
                          "this mejora needs %d, but it is read-only here: "
                          "open it once with write access to the file and "
                          "its folder, which migrates it",
                          s->path, version, SCHEMA_VERSION);
  if (rc == MJ_OK)
    rc = run(s, ST_BEGIN, "lock", err);
  if (rc == MJ_OK)
    rc = read_header(s, &version, &app, err);
  if (rc == MJ_OK)
    rc = check_header(s, version, app, err);
  for (int v = version; rc == MJ_OK && v < SCHEMA_VERSION; v++) {
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
    if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK)
      rc = s->host->error(err, MJ_ESTORE,
                          "sqlite: cannot migrate '%s' to schema version %d: "
                          "%s",
                          s->path, v + 1, sqlite3_errmsg(s->db));
    else if (v + 1 == BLOCKS_VERSION)
      rc = rows_to_blocks(s, err); /* its errors name the store */
  }
  if (rc == MJ_OK && app != APP_ID &&
      sqlite3_exec(s->db, "PRAGMA application_id = " APP_ID_SQL, NULL, NULL,
                   NULL) != SQLITE_OK)
    rc = fail(s, "set the application id of", err);
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
  layouts_free(s);
  sources_free(s);
  customers_forget(s);
  mj__blk_writer_free(&s->blk);
  mj__idtab_free(&s->ids, s->host);
  mj__blk_reader_free(&s->rd, s->host);
  s->host->free(s->blk_q);
  s->host->free(s->blks);
  s->host->free(s->rng.p);
  mj__blk_idcache_clear(&s->cmp, s->host);
  s->host->free(s->pack);
  s->host->free(s->key);
  s->host->free(s->last_key);
  s->host->free(s->last_source);
  s->host->free(s->scan_ans);
  s->host->free(s->path);
  s->host->free(s);
}

/* Open name (a path, or a URI with SQLITE_OPEN_URI) as s->db. */
static int connect(store *s, const char *name, int flags, mj_error *err)
{
  if (sqlite3_open_v2(name, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK)
    return s->db ? fail(s, "open", err)
                 : s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  /* The busy timeout makes a second writer wait instead of failing. */
  sqlite3_busy_timeout(s->db, BUSY_MS);
  sqlite3_extended_result_codes(s->db, 1);
  return MJ_OK;
}

/* 1 when the journal beside the store (suffix "-wal" or "-journal") holds
** changes not yet in the file. */
static int journal_pending(const store *s, const char *suffix)
{
  char name[4096];
  struct stat st;
  int n = snprintf(name, sizeof name, "%s%s", s->path, suffix);
  return n > 0 && (size_t)n < sizeof name && stat(name, &st) == 0 &&
         st.st_size > 0;
}

/* "file:PATH?immutable=1", PATH %-escaped as SQLite URIs want; NULL on
** ENOMEM. */
static char *immutable_uri(const store *s)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(s->path);
  char *u = s->host->alloc(3 * n + 32);
  if (!u)
    return NULL;
  /* An empty authority, so that a path starting "//" stays a path. */
  size_t k = (size_t)sprintf(u, "file:%s", s->path[0] == '/' ? "//" : "");
  for (const unsigned char *p = (const unsigned char *)s->path; *p; p++) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '-' ||
        c == '_') {
      u[k++] = (char)c;
    } else {
      u[k++] = '%';
      u[k++] = hex[c >> 4];
      u[k++] = hex[c & 15];
    }
  }
  strcpy(u + k, "?immutable=1");
  return u;
}

/*
** A store this process may only read (a read-only file: SQLite opened it
** read-only). Nothing is written to it: no journal mode switch, no
** migration. To read a WAL store SQLite needs its shared-memory file,
** which it cannot make in a read-only folder; the store is then read as
** an immutable file (no locks, no WAL index), which is sound as long as
** no journal beside it holds changes such a read would miss.
*/
static int open_readonly(store *s, mj_error *err)
{
  s->readonly = 1;
  if (sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
                   NULL) == SQLITE_OK)
    return MJ_OK;
  int code = sqlite3_errcode(s->db) & 0xff;
  if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
    return fail(s, "read", err);
  const char *pending = journal_pending(s, "-wal")       ? "-wal"
                        : journal_pending(s, "-journal") ? "-journal"
                                                         : NULL;
  if (pending)
    return s->host->error(err, MJ_ESTORE,
                          "sqlite: store '%s' is read-only here, and "
                          "'%s%s' beside it holds changes not yet in it: "
                          "open it once with write access to the file and "
                          "its folder",
                          s->path, s->path, pending);
  char *uri = immutable_uri(s);
  if (!uri)
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  sqlite3_close_v2(s->db);
  s->db = NULL;
  int rc = connect(s, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, err);
  s->host->free(uri);
  return rc;
}

/* The suffixes of the files SQLite creates beside a database. */
static const char *const side_files[] = {"-wal", "-shm", "-journal", NULL};

/* Check the store's file and its side files with host->path; *real is
** the database's real path. */
static int check_files(store *s, const char *uri, char **real, mj_error *err)
{
  const mj_host_api *H = s->host;
  int rc = H->path(s->ctx, uri, MJ_PATH_WRITE, real, err);
  for (size_t i = 0; rc == MJ_OK && side_files[i]; i++) {
    size_t n = strlen(*real) + strlen(side_files[i]) + 1;
    char *name = H->alloc(n), *side = NULL;
    if (!name) {
      H->free(*real);
      *real = NULL;
      return H->error(err, MJ_ENOMEM, "sqlite: out of memory");
    }
    snprintf(name, n, "%s%s", *real, side_files[i]);
    rc = H->path(s->ctx, name, MJ_PATH_WRITE, &side, err);
    H->free(side);
    H->free(name);
  }
  if (rc == MJ_OK)
    return MJ_OK;
  H->free(*real);
  *real = NULL;
  char msg[sizeof err->msg];
  snprintf(msg, sizeof msg, "%s", err->msg);
  return H->error(err, rc, "sqlite: store '%s': %s", uri, msg);
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
  mj__blk_writer_init(&s->blk, host);
  s->ctx = ctx;
  s->path = host->strdup(uri);
  if (!s->path) {
    host->free(s);
    return host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  }
  /*
  ** The file and the journals SQLite keeps beside it must be where the
  ** host allows (a playbook's store stays in its folder) and be regular
  ** files; the real path is opened, never through a link.
  */
  char *real = NULL;
  int rc = check_files(s, uri, &real, err);
  if (rc == MJ_OK)
    rc = connect(s, real,
                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                     SQLITE_OPEN_NOFOLLOW,
                 err);
  host->free(real);
  if (rc == MJ_OK && sqlite3_db_readonly(s->db, "main") == 1)
    rc = open_readonly(s, err);
  /*
  ** WAL lets readers (a report) run beside a writer (an import);
  ** synchronous=NORMAL is durable enough under WAL.
  */
  if (rc == MJ_OK &&
      sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL;"
                          " PRAGMA foreign_keys = ON;"
                          " PRAGMA cache_size = " CACHE_KIB ";"
                          " PRAGMA temp_store = MEMORY;",
                   NULL, NULL, NULL) != SQLITE_OK)
    rc = fail(s, "open", err);
  if (rc == MJ_OK && !add_functions(s->db))
    rc = fail(s, "open", err);
  if (rc == MJ_OK && !s->readonly)
    rc = use_wal(s, err);
  if (rc == MJ_OK)
    rc = migrate(s, err);
  if (rc != MJ_OK) {
    store_close(s);
    return rc;
  }
  host->log(ctx, MJ_LOG_DEBUG, "sqlite: opened '%s' (schema version %d%s)",
            uri, SCHEMA_VERSION, s->readonly ? ", read-only" : "");
  *inst = s;
  return MJ_OK;
}

/*
** Another open of the file reaches the same data, and under WAL its
** writes wait for no reader of this connection (a memory database has no
** file, a read-only store takes no write, and the journal mode is asked
** because a bulk write leaves WAL for a while). SQLite must be built
** thread-safe for two connections on two threads.
*/
static int store_shareable(void *inst)
{
  store *s = inst;
  const char *file = sqlite3_db_filename(s->db, "main");
  if (s->readonly || !sqlite3_threadsafe() || !file || !*file)
    return 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "PRAGMA main.journal_mode", -1, &st, NULL) !=
      SQLITE_OK)
    return 0;
  const char *mode = sqlite3_step(st) == SQLITE_ROW ? col_text(st, 0) : NULL;
  int wal = mode && strcmp(mode, "wal") == 0;
  sqlite3_finalize(st);
  return wal;
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
  s->ids_checked = s->cust_checked = 0;
  return run(s, ST_BEGIN, "begin a transaction on", err);
}

/*
** A bulk write (an import). When no other connection has the file open,
** its transaction runs in rollback-journal mode under an exclusive lock:
** the new pages are written once, in place, instead of to the WAL and
** again into the file by the checkpoint after the commit. For a million
** responses that copy and its two fsyncs were a quarter of the import.
** synchronous=FULL keeps the commit durable in that mode. A reader that
** opens the store meanwhile waits for the commit (its busy timeout); when
** another connection already has the store open, the write goes through
** the WAL as any other. WAL mode comes back when the transaction ends.
*/
/* Back to WAL after a bulk write. Should that fail (another connection
** got in first), the next open switches again. */
static void bulk_off(store *s)
{
  if (!s->bulk)
    return;
  s->bulk = 0;
  sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  sqlite3_stmt *st = stmt(s, ST_WAL, NULL);
  if (st) {
    sqlite3_step(st);
    done(st);
  }
}

static void durable_off(store *s)
{
  if (!s->durable)
    return;
  s->durable = 0;
  sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

static void bulk_on(store *s)
{
  sqlite3_stmt *st = stmt(s, ST_BULK_ON, NULL);
  if (!st)
    return;
  const char *mode =
      sqlite3_step(st) == SQLITE_ROW ? col_text(st, 0) : NULL;
  s->bulk = mode && strcmp(mode, "delete") == 0;
  done(st);
  if (s->bulk &&
      sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) !=
          SQLITE_OK)
    bulk_off(s);
}

static int store_begin_bulk(void *inst, mj_error *err)
{
  store *s = inst;
  if (!sqlite3_get_autocommit(s->db))
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a transaction is already open on '%s'",
                          s->path);
  s->ids_checked = s->cust_checked = 0;
  bulk_on(s);
  if (!s->bulk)
    return run(s, ST_BEGIN, "begin a transaction on", err);
  int rc = run(s, ST_BEGIN_EXCL, "begin a bulk write to", err);
  if (rc != MJ_OK)
    bulk_off(s);
  return rc;
}

static int store_commit(void *inst, mj_error *err)
{
  store *s = inst;
  if (sqlite3_get_autocommit(s->db))
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: commit without begin on '%s'", s->path);
  int rc = blk_flush(s, err);
  if (rc == MJ_OK)
    rc = run(s, ST_COMMIT, "commit to", err);
  if (sqlite3_get_autocommit(s->db)) {
    bulk_off(s);
    durable_off(s);
  }
  s->ids_checked = s->cust_checked = 0;
  return rc;
}

static int store_rollback(void *inst, mj_error *err)
{
  store *s = inst;
  /* Layout, source and block rows added in the transaction are undone
  ** with it, and their ids may be given out again. */
  layouts_free(s);
  sources_free(s);
  blocks_forget(s);
  customers_forget(s);
  s->cput.active = 0;
  int rc = MJ_OK; /* nothing to undo when already rolled back by an error */
  if (!sqlite3_get_autocommit(s->db))
    rc = run(s, ST_ROLLBACK, "roll back", err);
  bulk_off(s);
  durable_off(s);
  return rc;
}

/*
** A durable transaction (begin_durable): under WAL, synchronous=NORMAL
** writes the commit to the WAL without an fsync, so a power cut may
** lose it; FULL makes COMMIT fsync the WAL before it returns. Set for
** this transaction only: the other writes keep NORMAL's speed.
*/
static int store_begin_durable(void *inst, mj_error *err)
{
  store *s = inst;
  if (sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) !=
      SQLITE_OK)
    return fail(s, "make a durable write to", err);
  s->durable = 1;
  int rc = store_begin(s, err); /* refuses inside an open transaction */
  if (rc != MJ_OK && sqlite3_get_autocommit(s->db))
    durable_off(s);
  return rc;
}

/*
** A part of a transaction, undone alone. The block being filled is
** written first, so what a part appends to it is only the part's; an
** undo forgets the in-memory state the undone rows were behind (layout,
** source and customer caches; the block and the id table only when the
** part stored a response, as an undone duplicate stores none).
*/
static int store_part(void *inst, mj_error *err)
{
  store *s = inst;
  if (sqlite3_get_autocommit(s->db))
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a part needs an open transaction on "
                          "'%s'",
                          s->path);
  int rc = blk_flush(s, err);
  if (rc == MJ_OK)
    rc = run(s, ST_PART, "start a part of a write to", err);
  s->part_mark = s->n_known + s->blk.n;
  return rc;
}

static int store_part_end(void *inst, int undo, mj_error *err)
{
  store *s = inst;
  if (!undo)
    return run(s, ST_PART_RELEASE, "write to", err);
  if (s->n_known + s->blk.n != s->part_mark)
    blocks_forget(s);
  layouts_free(s);
  sources_free(s);
  customers_forget(s);
  int rc = run(s, ST_PART_UNDO, "undo a part of a write to", err);
  if (rc == MJ_OK)
    rc = run(s, ST_PART_RELEASE, "undo a part of a write to", err);
  return rc;
}

/* ---- customers ---------------------------------------------------------------
**
** A cycle puts every customer of its playbook, 10^5 of them, and nearly all
** are as stored: a statement each was a sixth of a cycle on a big store.
** The plugin keeps each stored customer's id and a fingerprint of its other
** fields, read once (again after a rollback or another connection's write),
** and skips a put that changes nothing. A change is missed only if the old
** and new fields share a 64-bit fingerprint.
*/

/* PRAGMA data_version: changes when another connection commits. */
static int data_version(store *s, sqlite3_int64 *dv, mj_error *err)
{
  return one_int(s, ST_DATA_VERSION, dv, "read the data version of", err);
}

/* One step of the fingerprints: a bijection of w for any h, and of h for
** any w, so two fields that differ in one word never meet. */
static uint64_t fp_mix(uint64_t h, uint64_t w)
{
  h = (h ^ w) * 0x9e3779b97f4a7c15u;
  return h ^ (h >> 32);
}

/* A field into h, eight bytes a step: a byte a step (FNV) was most of the
** time a cycle took to compare 333k customers with the stored ones. The
** bytes are gathered into words here rather than by strlen and memcpy,
** whose calls cost more than these short fields, and in an order that is
** the same on every machine. */
static uint64_t fp_field(uint64_t h, const char *s)
{
  if (!s) /* NULL is not "": it hashes as no length a text has */
    return fp_mix(h, UINT64_MAX);
  uint64_t w = 0, n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    w |= (uint64_t)*p << (8 * (n & 7));
    if ((++n & 7) == 0) {
      h = fp_mix(h, w);
      w = 0;
    }
  }
  return fp_mix(fp_mix(h, w), n); /* its length ends it */
}

static uint64_t customer_fp(const char *const f[5], int consent)
{
  uint64_t h = 1469598103934665603u;
  for (int i = 0; i < 5; i++)
    h = fp_field(h, f[i]);
  return fp_mix(h, (uint64_t)(consent & 0xff));
}

static void customers_forget(store *s)
{
  s->host->free(s->cust);
  s->host->free(s->cust_ids.p);
  s->host->free(s->cust_slot);
  s->cust = NULL;
  s->cust_ids = (mj_bbuf){0};
  s->cust_slot = NULL;
  s->n_cust = s->cust_cap = s->cust_slots = 0;
  s->cust_loaded = s->cust_checked = 0;
}

/* The slot of id: its entry (index + 1) or the empty slot for it. */
static size_t cust_find(const store *s, const char *id, size_t len)
{
  size_t mask = s->cust_slots - 1;
  size_t j = mj__blk_hash(id, len) & mask;
  for (; s->cust_slot[j]; j = (j + 1) & mask) {
    const struct cust_fp *c = &s->cust[s->cust_slot[j] - 1];
    if (c->id_len == len && memcmp(s->cust_ids.p + c->id_off, id, len) == 0)
      break;
  }
  return j;
}

/* Remember id's fingerprint; 0 when out of memory. */
static int cust_put(store *s, const char *id, uint64_t fp)
{
  size_t len = strlen(id);
  size_t j = s->cust_slots ? cust_find(s, id, len) : 0;
  if (s->cust_slots && s->cust_slot[j]) {
    s->cust[s->cust_slot[j] - 1].fp = fp;
    return 1;
  }
  if (2 * (s->n_cust + 1) > s->cust_slots) {
    size_t n = s->cust_slots ? 2 * s->cust_slots : 1024;
    uint32_t *v = n <= UINT32_MAX ? s->host->alloc(n * sizeof *v) : NULL;
    if (!v)
      return 0;
    memset(v, 0, n * sizeof *v);
    s->host->free(s->cust_slot);
    s->cust_slot = v;
    s->cust_slots = n;
    for (size_t i = 0; i < s->n_cust; i++)
      v[cust_find(s, (const char *)s->cust_ids.p + s->cust[i].id_off,
                  s->cust[i].id_len)] = (uint32_t)(i + 1);
  }
  if (s->n_cust == s->cust_cap) {
    size_t cap = s->cust_cap ? 2 * s->cust_cap : 1024;
    struct cust_fp *v = s->host->realloc(s->cust, cap * sizeof *v);
    if (!v)
      return 0;
    s->cust = v;
    s->cust_cap = cap;
  }
  unsigned char *ids = grow_buf(s->host, s->cust_ids.p, &s->cust_ids.cap,
                                s->cust_ids.len + len);
  if (!ids || s->cust_ids.len + len > UINT32_MAX)
    return 0;
  s->cust_ids.p = ids;
  memcpy(ids + s->cust_ids.len, id, len);
  s->cust[s->n_cust] = (struct cust_fp){fp, (uint32_t)s->cust_ids.len,
                                        (uint32_t)len};
  s->cust_ids.len += len;
  s->cust_slot[cust_find(s, id, len)] = (uint32_t)++s->n_cust;
  return 1;
}

/* The fingerprints, current with what other connections committed; 0 when
** they cannot be had (then every put runs its statement). */
static int customers_ready(store *s)
{
  if (s->cust_loaded && s->cust_checked)
    return 1;
  mj_error scratch;
  sqlite3_int64 dv;
  if (data_version(s, &dv, &scratch) != MJ_OK)
    return 0;
  if (!s->cust_loaded || dv != s->cust_dv) {
    customers_forget(s);
    sqlite3_stmt *st = stmt(s, ST_CUSTOMERS, &scratch);
    if (!st)
      return 0;
    int ok = 1, step;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
      const char *f[5] = {col_text(st, 1), col_text(st, 2), col_text(st, 3),
                          col_text(st, 4), col_text(st, 5)};
      const char *id = col_text(st, 0);
      ok = id && cust_put(s, id, customer_fp(f, sqlite3_column_int(st, 6)));
    }
    done(st);
    if (!ok || step != SQLITE_DONE) {
      customers_forget(s);
      return 0;
    }
  }
  s->cust_loaded = 1;
  s->cust_checked = !sqlite3_get_autocommit(s->db);
  s->cust_dv = dv;
  return 1;
}

/* The customer's row, inserted or updated. */
static int customer_write(store *s, const mj_customer_rec *c, mj_error *err)
{
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
  /* One statement is atomic by itself: no savepoint. */
  return exec_stmt(s, st, "store a customer in", err);
}

/* Customers *next.. of n, CUST_ROWS a statement while as many are left;
** *next is where the rest begin. */
/* The digest of the customers put_customers stored, one customer on. */
#define DIGEST_START 1469598103934665603u

static uint64_t digest_add(uint64_t h, const mj_customer_rec *c)
{
  const char *f[5] = {c->segment, c->name, c->lang, c->channel, c->email};
  return fp_mix(fp_field(h, c->id), customer_fp(f, c->consent));
}

/* (h, when not NULL: the digest, taken of each customer written.) */
static int customers_write(store *s, size_t n,
                           void (*at)(void *ud, size_t i, mj_customer_rec *rec),
                           void *ud, size_t *next, uint64_t *h, mj_error *err)
{
  /* at() lends each customer's strings until its next call, and one
  ** statement binds CUST_ROWS customers: their strings are copied into
  ** one buffer, without an allocation a string. */
  enum { FIELDS = 6 };
  size_t off[CUST_ROWS][FIELDS], cap = 0, len;
  int consent[CUST_ROWS];
  char *buf = NULL;
  int rc = MJ_OK;
  while (rc == MJ_OK && n - *next >= CUST_ROWS) {
    len = 0;
    for (int r = 0; rc == MJ_OK && r < CUST_ROWS; r++) {
      mj_customer_rec c = {0};
      at(ud, *next + (size_t)r, &c);
      if (!c.id) {
        rc = s->host->error(err, MJ_EINVAL, "sqlite: a customer needs an id");
        break;
      }
      const char *f[FIELDS] = {c.id,      c.segment, c.name,
                               c.lang,    c.channel, c.email};
      consent[r] = c.consent;
      if (h)
        *h = digest_add(*h, &c);
      for (int k = 0; k < FIELDS; k++) {
        size_t m = f[k] ? strlen(f[k]) + 1 : 0;
        if (len + m > cap) {
          size_t want = cap ? 2 * cap : 16384;
          while (want < len + m)
            want *= 2;
          char *p = s->host->realloc(buf, want);
          if (!p) {
            rc = s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
            break;
          }
          buf = p;
          cap = want;
        }
        off[r][k] = f[k] ? len : SIZE_MAX;
        if (f[k])
          memcpy(buf + len, f[k], m);
        len += m;
      }
    }
    sqlite3_stmt *st = rc == MJ_OK ? stmt(s, ST_PUT_CUSTOMERS, err) : NULL;
    if (rc == MJ_OK && !st)
      rc = MJ_ESTORE;
    for (int r = 0; st && r < CUST_ROWS; r++) {
      int p = 7 * r;
      for (int k = 0; k < FIELDS; k++)
        bind_text(st, p + 1 + k, off[r][k] == SIZE_MAX ? NULL
                                                        : buf + off[r][k]);
      sqlite3_bind_int(st, p + 7, consent[r]);
    }
    if (st)
      rc = exec_stmt(s, st, "store a customer in", err);
    if (rc == MJ_OK)
      *next += CUST_ROWS;
  }
  s->host->free(buf);
  return rc;
}

/* put_customer without touching the digest of put_customers. */
static int put_customer_one(store *s, const mj_customer_rec *c, mj_error *err)
{
  if (!c || !c->id)
    return s->host->error(err, MJ_EINVAL, "sqlite: a customer needs an id");
  const char *f[5] = {c->segment, c->name, c->lang, c->channel, c->email};
  uint64_t fp = customer_fp(f, c->consent);
  int known = customers_ready(s);
  if (known && s->n_cust) {
    size_t j = cust_find(s, c->id, strlen(c->id));
    if (s->cust_slot[j] && s->cust[s->cust_slot[j] - 1].fp == fp)
      return MJ_OK; /* stored as it is */
  }
  int rc = customer_write(s, c, err);
  if (rc == MJ_OK && known && !cust_put(s, c->id, fp))
    customers_forget(s); /* out of memory: read again next time */
  return rc;
}

#define CUSTOMERS_DIGEST "customers"

/* The stored digest of the customers put_customers last stored. */
static int meta_digest(store *s, char *out, size_t size, mj_error *err)
{
  out[0] = '\0';
  sqlite3_stmt *st = stmt(s, ST_META_GET, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, CUSTOMERS_DIGEST);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW && col_text(st, 0))
    snprintf(out, size, "%s", col_text(st, 0));
  done(st);
  return step == SQLITE_ROW || step == SQLITE_DONE
             ? MJ_OK
             : fail(s, "read the customers' digest in", err);
}

static int meta_set(store *s, const char *digest, mj_error *err)
{
  sqlite3_stmt *st = stmt(s, digest ? ST_META_PUT : ST_META_DEL, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, CUSTOMERS_DIGEST);
  if (digest)
    bind_text(st, 2, digest);
  return exec_stmt(s, st, "store the customers' digest in", err);
}

static int store_put_customer(void *inst, const mj_customer_rec *c,
                              mj_error *err)
{
  store *s = inst;
  int rc = put_customer_one(s, c, err);
  /* The set put_customers stored is no longer the one it would compare. */
  return rc == MJ_OK ? meta_set(s, NULL, err) : rc;
}

/*
** A playbook's customers, some at a time: when their digest is the one
** stored with the last such put, nothing is read or written (10^5
** customers cost a hash each); else each is put, CUST_ROWS a call, and
** the digest kept with them by the call that puts the last.
*/
static int store_put_customers_some(void *inst, size_t n,
                                    void (*at)(void *ud, size_t i,
                                               mj_customer_rec *rec),
                                    void *ud, size_t *next, mj_error *err)
{
  store *s = inst;
  struct cust_put *p = &s->cput;
  if (!at || !next)
    return s->host->error(err, MJ_EINVAL, "sqlite: no customers given");
  if (*next == 0) {
    /* Without a stored digest nothing can be skipped: the digest is then
    ** taken as the customers are written, in one pass over them. */
    char stored[48];
    int rc = meta_digest(s, stored, sizeof stored, err);
    if (rc != MJ_OK)
      return rc;
    *p = (struct cust_put){.n = n, .h = DIGEST_START, .active = 1};
    p->taken = stored[0] != '\0';
    for (size_t i = 0; p->taken && i < n; i++) {
      mj_customer_rec c = {0};
      at(ud, i, &c);
      p->h = digest_add(p->h, &c);
    }
    char digest[48];
    snprintf(digest, sizeof digest, "%zu:%016llx", n,
             (unsigned long long)p->h);
    if (p->taken && strcmp(digest, stored) == 0) {
      p->active = 0;
      *next = n;
      return MJ_OK;
    }
    /*
    ** Into an empty table (a new store) every customer is new: each is
    ** written without keeping its fingerprint, which a later put reads
    ** back when it needs it. 333k fingerprints were 12 MiB and a tenth of
    ** a cycle.
    */
    p->fresh = customers_ready(s) && s->n_cust == 0;
  } else if (!p->active || p->n != n || *next > n) {
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a put of customers goes on from where "
                          "the last call left it, and starts at 0");
  }
  size_t i = *next, end = n - i > CUST_ROWS ? i + CUST_ROWS : n;
  uint64_t *h = p->taken ? NULL : &p->h;
  int rc = MJ_OK;
  if (p->fresh && end - i == CUST_ROWS)
    rc = customers_write(s, end, at, ud, &i, h, err);
  for (; rc == MJ_OK && i < end; i++) {
    mj_customer_rec c = {0};
    at(ud, i, &c);
    if (h)
      *h = digest_add(*h, &c);
    rc = p->fresh ? customer_write(s, &c, err) : put_customer_one(s, &c, err);
  }
  if (rc != MJ_OK) {
    p->active = 0;
    return rc;
  }
  *next = i;
  if (i < n)
    return MJ_OK;
  p->active = 0;
  if (p->fresh)
    customers_forget(s);
  char digest[48];
  snprintf(digest, sizeof digest, "%zu:%016llx", n, (unsigned long long)p->h);
  return meta_set(s, digest, err);
}

static int store_put_customers(void *inst, size_t n,
                               void (*at)(void *ud, size_t i,
                                          mj_customer_rec *rec),
                               void *ud, mj_error *err)
{
  size_t next = 0;
  int rc;
  do
    rc = store_put_customers_some(inst, n, at, ud, &next, err);
  while (rc == MJ_OK && next < n);
  return rc;
}

/* ---- response blocks ----------------------------------------------------------
**
** Responses are written BLK_ROWS to a row of response_blocks (block.h):
** a put appends to the block being filled, which is written when full, on
** commit, and before anything reads responses. Ids stay unique without an
** index in the file.
**
** Ids mostly come in increasing order (exports number them), compared
** the shorter first and then by bytes (mj__blk_id_cmp), so R9 < R10. A
** block whose ids increase gets a row in response_ranges with its least
** and greatest id. While every block has one, each after the one before,
** the plugin keeps only those (a block's worth of memory per thousand
** responses): an id greater than the greatest stored is new, and any
** other is looked for in the one block whose range holds it, read for it
** (the last one read is kept, as a re-import meets its duplicates in
** order) and bisected.
**
** Otherwise, and from the first new id that is not the greatest, the
** plugin keeps a table of every id's hash (block.h, mj_idtab), read from
** the blocks' `ids` and topped up when another connection has added
** blocks since (PRAGMA data_version). A hash match is checked against the
** id itself, in the block being filled or in a stored block read for it.
*/

/* Forget what the blocks and ids looked like: after a rollback, whose
** undone blocks and ordinals may be reused. */
static void blocks_forget(store *s)
{
  mj__blk_writer_reset(&s->blk);
  mj__idtab_free(&s->ids, s->host);
  s->ids_loaded = s->ids_checked = 0;
  s->hashed = s->unordered = s->blk_unsorted = 0;
  s->rng.len = 0;
  s->n_known = 0;
  s->n_blks = 0;
  mj__blk_idcache_clear(&s->cmp, s->host);
}

/* Keep id[0..n) in rng: its offset there, or UINT32_MAX out of memory. */
static uint32_t rng_put(store *s, const void *id, size_t n)
{
  uint32_t len = (uint32_t)n;
  mj_bbuf *b = &s->rng;
  if (n > UINT32_MAX - sizeof len || b->len + sizeof len + n >= UINT32_MAX)
    return UINT32_MAX;
  if (b->len + sizeof len + n > b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 4096;
    while (cap < b->len + sizeof len + n)
      cap *= 2;
    unsigned char *p = s->host->realloc(b->p, cap);
    if (!p)
      return UINT32_MAX;
    b->p = p;
    b->cap = cap;
  }
  uint32_t off = (uint32_t)b->len;
  memcpy(b->p + b->len, &len, sizeof len);
  memcpy(b->p + b->len + sizeof len, id, n);
  b->len += sizeof len + n;
  return off;
}

/* The id kept at off in rng, and its length. */
static const char *rng_get(const store *s, uint32_t off, size_t *n)
{
  uint32_t len;
  memcpy(&len, s->rng.p + off, sizeof len);
  *n = len;
  return (const char *)s->rng.p + off + sizeof len;
}

/* Block seq, starting at ordinal first, with its range when lo is not
** NULL; a block without one, or not after the last, makes the store
** unordered. */
static int blks_push(store *s, sqlite3_int64 seq, uint64_t first,
                     const void *lo, size_t lo_n, const void *hi, size_t hi_n)
{
  if (s->n_blks == s->blks_cap) {
    size_t cap = s->blks_cap ? 2 * s->blks_cap : 256;
    struct blk_ref *v = s->host->realloc(s->blks, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    s->blks = v;
    s->blks_cap = cap;
  }
  struct blk_ref *b = &s->blks[s->n_blks];
  b->seq = seq;
  b->first = first;
  b->ranged = 0;
  if (lo && hi && !s->unordered) {
    const struct blk_ref *prev = s->n_blks ? b - 1 : NULL;
    size_t pn;
    const char *p = prev ? rng_get(s, prev->hi, &pn) : NULL;
    if (!prev || mj__blk_id_cmp(p, pn, lo, lo_n) < 0) {
      b->lo = rng_put(s, lo, lo_n);
      b->hi = b->lo == UINT32_MAX ? UINT32_MAX : rng_put(s, hi, hi_n);
      if (b->hi == UINT32_MAX)
        return MJ_ENOMEM;
      b->ranged = 1;
    }
  }
  if (!b->ranged) {
    s->unordered = 1;
    s->rng.len = 0; /* ranges serve only while every block has one */
  }
  s->n_blks++;
  return MJ_OK;
}

/* The ids of the blocks after ordinal from (the first n_from blocks are
** in the table) into the id table. */
static int ids_hash_blocks(store *s, size_t n_from, mj_error *err)
{
  if (n_from == s->n_blks)
    return MJ_OK;
  sqlite3_stmt *st = stmt(s, ST_BLOCK_IDS, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, n_from ? s->blks[n_from - 1].seq : 0);
  sqlite3_bind_int64(st, 2, s->blks[s->n_blks - 1].seq);
  int rc = MJ_OK, step;
  size_t k = n_from;
  while (rc == MJ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 seq = sqlite3_column_int64(st, 0);
    sqlite3_int64 n = sqlite3_column_int64(st, 1);
    const unsigned char *h = sqlite3_column_blob(st, 2);
    uint64_t end = k + 1 < s->n_blks ? s->blks[k + 1].first : s->n_known;
    if (k == s->n_blks || s->blks[k].seq != seq || n < 0 ||
        (uint64_t)n != end - s->blks[k].first ||
        sqlite3_column_bytes(st, 2) != 4 * n || (n && !h)) {
      rc = s->host->error(err, MJ_ESTORE,
                          "sqlite: block %lld of '%s' is damaged (%lld "
                          "responses, %d bytes of ids); restore the store "
                          "from a backup",
                          (long long)seq, s->path, (long long)n,
                          sqlite3_column_bytes(st, 2));
      break;
    }
    for (sqlite3_int64 i = 0; rc == MJ_OK && i < n; i++) {
      const unsigned char *p = h + 4 * i;
      uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                   (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
      rc = mj__idtab_add(&s->ids, s->host, v, s->blks[k].first + (uint64_t)i);
    }
    k++;
  }
  if (rc == MJ_OK && step != SQLITE_DONE)
    rc = fail(s, "read the response ids in", err);
  done(st);
  if (rc == MJ_ENOMEM)
    s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  return rc;
}

/* Add the blocks after the last one read, with their ranges, and their
** ids to the table once there is one. */
static int ids_read_blocks(store *s, mj_error *err)
{
  sqlite3_stmt *st = stmt(s, ST_BLOCK_RANGES, err);
  if (!st)
    return MJ_ESTORE;
  size_t n_from = s->n_blks;
  sqlite3_bind_int64(st, 1, s->n_blks ? s->blks[s->n_blks - 1].seq : 0);
  int rc = MJ_OK, step;
  while (rc == MJ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 seq = sqlite3_column_int64(st, 0);
    sqlite3_int64 n = sqlite3_column_int64(st, 1);
    const void *lo = sqlite3_column_blob(st, 2);
    size_t lo_n = (size_t)sqlite3_column_bytes(st, 2);
    const void *hi = sqlite3_column_blob(st, 3);
    size_t hi_n = (size_t)sqlite3_column_bytes(st, 3);
    if (n < 0) {
      rc = s->host->error(err, MJ_ESTORE,
                          "sqlite: block %lld of '%s' is damaged (%lld "
                          "responses); restore the store from a backup",
                          (long long)seq, s->path, (long long)n);
      break;
    }
    if (blks_push(s, seq, s->n_known, lo, lo_n, hi, hi_n) != MJ_OK)
      rc = MJ_ENOMEM;
    s->n_known += (uint64_t)n;
  }
  if (rc == MJ_OK && step != SQLITE_DONE)
    rc = fail(s, "read the response ids in", err);
  done(st);
  if (rc == MJ_ENOMEM)
    s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  if (rc == MJ_OK && s->hashed)
    rc = ids_hash_blocks(s, n_from, err);
  return rc;
}

/* The blocks known, current with what other connections committed. Once
** per transaction: within ours, nobody else writes. */
static int ids_ready(store *s, mj_error *err)
{
  if (s->ids_loaded && s->ids_checked)
    return MJ_OK;
  sqlite3_int64 dv;
  int rc = data_version(s, &dv, err);
  if (rc == MJ_OK && (!s->ids_loaded || dv != s->ids_dv)) {
    if (s->blk.n) /* not possible: others cannot write inside our block */
      return s->host->error(err, MJ_ESTORE,
                            "sqlite: '%s' changed under an open write",
                            s->path);
    rc = ids_read_blocks(s, err);
  }
  if (rc != MJ_OK) {
    blocks_forget(s);
    return rc;
  }
  s->ids_loaded = 1;
  s->ids_checked = !sqlite3_get_autocommit(s->db);
  s->ids_dv = dv;
  return MJ_OK;
}

/* From ranges to the table of every id: the stored blocks' and those of
** the block being filled. */
static int ids_hash(store *s, mj_error *err)
{
  s->hashed = 1;
  int rc = ids_hash_blocks(s, 0, err);
  mj_blk_writer *w = &s->blk;
  for (size_t k = 0; rc == MJ_OK && k < w->n; k++) {
    const unsigned char *p = w->ids.p + 4 * k;
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (mj__idtab_add(&s->ids, s->host, v, s->n_known + k) != MJ_OK)
      rc = s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  }
  if (rc != MJ_OK)
    blocks_forget(s); /* read again on the next put */
  return rc;
}

/* The ids of stored block index, kept for the next asks (mj_blk_idcache);
** valid until the next call. */
static int cmp_load(store *s, size_t index, const mj_blk_ids **ids,
                    mj_error *err)
{
  sqlite3_int64 seq = s->blks[index].seq;
  if ((*ids = mj__blk_idcache_get(&s->cmp, index)) != NULL)
    return MJ_OK;
  sqlite3_stmt *st = stmt(s, ST_BLOCK_GET, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, seq);
  if (sqlite3_step(st) != SQLITE_ROW) {
    done(st);
    return fail(s, "read a block of", err);
  }
  /* Read while the statement holds the blobs: only the ids are copied. */
  int got = mj__blk_idcache_put(
      &s->cmp, s->host, seq, index, sqlite3_column_blob(st, 0),
      (size_t)sqlite3_column_bytes(st, 0), sqlite3_column_blob(st, 1),
      (size_t)sqlite3_column_bytes(st, 1), ids);
  done(st);
  if (got < 0)
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  if (got == 0)
    return s->host->error(err, MJ_ESTORE,
                          "sqlite: block %lld of '%s' is damaged; restore "
                          "the store from a backup",
                          (long long)seq, s->path);
  return MJ_OK;
}

/* The id of the response with that ordinal. */
static int id_at(store *s, uint64_t ord, const char **id, mj_error *err)
{
  if (ord >= s->n_known) {
    if (ord - s->n_known >= s->blk.n)
      return s->host->error(err, MJ_ESTORE,
                            "sqlite: the id table of '%s' is inconsistent",
                            s->path);
    *id = mj__blk_writer_id(&s->blk, (size_t)(ord - s->n_known));
    return MJ_OK;
  }
  size_t lo = 0, hi = s->n_blks; /* the last block starting at or before */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->blks[mid].first <= ord)
      lo = mid;
    else
      hi = mid;
  }
  const mj_blk_ids *ids;
  int rc = cmp_load(s, lo, &ids, err);
  if (rc != MJ_OK)
    return rc;
  uint64_t k = ord - s->blks[lo].first;
  if (k >= ids->n)
    return s->host->error(err, MJ_ESTORE,
                          "sqlite: block %lld of '%s' has fewer responses "
                          "than its ids; restore the store from a backup",
                          (long long)s->blks[lo].seq, s->path);
  *id = mj__blk_ids_at(ids, (size_t)k);
  return MJ_OK;
}

/* Write the block being filled, if any, and its range when its ids
** increase. */
static int blk_flush(store *s, mj_error *err)
{
  mj_blk_writer *w = &s->blk;
  if (!w->n)
    return MJ_OK;
  sqlite3_stmt *st = stmt(s, ST_BLOCK_PUT, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, s->blk_q);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)w->n);
  sqlite3_bind_blob(st, 3, w->ids.p, (int)w->ids.len, SQLITE_STATIC);
  if (w->dict.len)
    sqlite3_bind_blob(st, 4, w->dict.p, (int)w->dict.len, SQLITE_STATIC);
  else
    sqlite3_bind_zeroblob(st, 4, 0);
  sqlite3_bind_blob(st, 5, w->data.p, (int)w->data.len, SQLITE_STATIC);
  int rc = exec_stmt(s, st, "store responses in", err);
  sqlite3_int64 seq = sqlite3_last_insert_rowid(s->db);
  const char *lo = mj__blk_writer_id(w, 0);
  const char *hi = mj__blk_writer_id(w, w->n - 1);
  int ranged = !s->blk_unsorted && !s->no_ranges;
  if (rc == MJ_OK && ranged && (st = stmt(s, ST_RANGE_PUT, err)) == NULL)
    rc = MJ_ESTORE;
  if (rc == MJ_OK && ranged) {
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_blob(st, 2, lo, (int)strlen(lo), SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, hi, (int)strlen(hi), SQLITE_STATIC);
    rc = exec_stmt(s, st, "store responses in", err);
  }
  if (rc == MJ_OK && s->ids_loaded) {
    if (blks_push(s, seq, s->n_known, ranged ? lo : NULL, strlen(lo),
                  ranged ? hi : NULL, strlen(hi)) != MJ_OK) {
      blocks_forget(s); /* read again on the next put */
    } else
      s->n_known += w->n;
  }
  mj__blk_writer_reset(w);
  s->blk_unsorted = 0;
  return rc;
}

/* Append one response to the block being filled (of questionnaire q),
** writing that block first when r does not fit in it. */
static int blk_append(store *s, const char *q, const mj_blk_rec *r,
                      mj_error *err)
{
  mj_blk_writer *w = &s->blk;
  if (w->n && (strcmp(q, s->blk_q) != 0 || !mj__blk_writer_fits(w, r))) {
    int rc = blk_flush(s, err);
    if (rc != MJ_OK)
      return rc;
  }
  if (!w->n) {
    size_t n = strlen(q);
    char *copy = grow_buf(s->host, s->blk_q, &s->blk_q_cap, n + 1);
    if (!copy)
      return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
    s->blk_q = copy;
    memcpy(copy, q, n + 1);
  }
  if (w->n && !s->blk_unsorted) {
    const char *last = mj__blk_writer_id(w, w->n - 1);
    s->blk_unsorted =
        mj__blk_id_cmp(r->id, strlen(r->id), last, strlen(last)) <= 0;
  }
  if (mj__blk_writer_add(w, r) != MJ_OK)
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  return MJ_OK;
}

/* Whether id[0..n) is among count ids in increasing order, at(ud, k)
** the k-th. */
static int sorted_find(const char *id, size_t n, size_t count,
                       const char *(*at)(const void *, size_t),
                       const void *ud)
{
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *other = at(ud, mid);
    int c = mj__blk_id_cmp(id, n, other, strlen(other));
    if (c == 0)
      return 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

static const char *writer_at(const void *w, size_t k)
{
  return mj__blk_writer_id(w, k);
}

static const char *cmp_at(const void *b, size_t k)
{
  return mj__blk_ids_at(b, k);
}

/*
** While the store is ordered: 1 when id is stored, 0 when it is not, and
** then *greatest says whether it is greater than every stored id; an
** error code when a block cannot be read.
*/
static int ranged_find(store *s, const char *id, int *greatest, mj_error *err)
{
  size_t n = strlen(id);
  mj_blk_writer *w = &s->blk;
  *greatest = 0;
  if (w->n) { /* its ids increase, after every stored block's */
    const char *last = mj__blk_writer_id(w, w->n - 1);
    int c = mj__blk_id_cmp(id, n, last, strlen(last));
    if (c > 0) {
      *greatest = 1;
      return 0;
    }
    const char *first = mj__blk_writer_id(w, 0);
    if (mj__blk_id_cmp(id, n, first, strlen(first)) >= 0)
      return sorted_find(id, n, w->n, writer_at, w);
  }
  /* The last block whose least id is not after id. */
  size_t lo = 0, hi = s->n_blks;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2, mn;
    const char *m = rng_get(s, s->blks[mid].lo, &mn);
    if (mj__blk_id_cmp(m, mn, id, n) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) {
    *greatest = s->n_blks == 0 && !w->n;
    return 0;
  }
  const struct blk_ref *b = &s->blks[lo - 1];
  size_t bn;
  const char *bhi = rng_get(s, b->hi, &bn);
  int c = mj__blk_id_cmp(id, n, bhi, bn);
  if (c > 0) {
    *greatest = lo == s->n_blks && !w->n;
    return 0;
  }
  if (c == 0)
    return 1;
  const mj_blk_ids *ids;
  int rc = cmp_load(s, (size_t)(b - s->blks), &ids, err);
  if (rc != MJ_OK)
    return rc;
  return sorted_find(id, n, ids->n, cmp_at, ids);
}

/* Whether r's id is stored: 1 or 0, or an error code. */
static int stored(store *s, const mj_response_rec *r, uint32_t h,
                  mj_error *err)
{
  if (!s->hashed && !s->unordered) {
    int greatest, found = ranged_find(s, r->id, &greatest, err);
    if (found != 0 || greatest)
      return found;
    /* New, and not the greatest: from here on every id is looked up in
    ** the table. */
    int rc = ids_hash(s, err);
    return rc == MJ_OK ? 0 : rc;
  }
  if (!s->hashed) {
    int rc = ids_hash(s, err);
    if (rc != MJ_OK)
      return rc;
  }
  size_t pos = 0;
  for (int64_t ord; (ord = mj__idtab_next(&s->ids, h, &pos)) >= 0;) {
    const char *other = NULL;
    int rc = id_at(s, (uint64_t)ord, &other, err);
    if (rc != MJ_OK)
      return rc;
    if (strcmp(other, r->id) == 0)
      return 1;
  }
  return 0;
}

/* put_response inside a transaction. */
static int put_one(store *s, const mj_response_rec *r, int *inserted,
                   mj_error *err)
{
  sqlite3_int64 lay = 0, src = 0;
  size_t len = 0;
  int rc = ids_ready(s, err);
  if (rc != MJ_OK)
    return rc;
  /* The id's slot is fetched while the answers are packed. */
  uint32_t h = mj__blk_hash(r->id, strlen(r->id));
  if (s->hashed)
    mj__idtab_prefetch(&s->ids, h);
  rc = layout_for(s, r, &lay, err);
  if (rc == MJ_OK)
    rc = source_for(s, r->source, &src, err);
  if (rc == MJ_OK)
    rc = pack_answers(s, r, &len, err);
  if (rc != MJ_OK)
    return rc;
  int found = stored(s, r, h, err);
  if (found < 0)
    return found;
  if (found)
    return MJ_OK; /* stored already: a re-import adds nothing */
  mj_blk_rec b = {
      .id = r->id,
      .customer = r->customer,
      .segment = r->segment,
      .wave = r->wave,
      .channel = r->channel,
      .version = r->version,
      .pilot = r->pilot != 0,
      .submitted_at = r->submitted_at,
      .source = src,
      .layout = lay,
      .answers = s->pack,
      .answers_len = len,
  };
  if ((rc = blk_append(s, r->questionnaire, &b, err)) != MJ_OK)
    return rc;
  if (s->hashed &&
      mj__idtab_add(&s->ids, s->host, h, s->n_known + s->blk.n - 1) !=
          MJ_OK) {
    blocks_forget(s); /* the block lost its place: the put fails */
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  }
  *inserted = 1;
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
  if (r->n_answers && !r->answers)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: response '%s' has %zu answers but no "
                          "array of them",
                          r->id, r->n_answers);
  if (!sqlite3_get_autocommit(s->db))
    return put_one(s, r, inserted, err);
  /* Outside a transaction a put is durable on return: a block of one. */
  int rc = run(s, ST_BEGIN, "begin a write to", err);
  if (rc == MJ_OK)
    rc = put_one(s, r, inserted, err);
  if (rc == MJ_OK)
    rc = blk_flush(s, err);
  if (rc == MJ_OK)
    rc = run(s, ST_COMMIT, "commit to", err);
  s->ids_checked = 0; /* the next put looks for others' writes again */
  if (rc != MJ_OK) {
    layouts_free(s);
    blocks_forget(s);
    *inserted = 0;
    if (!sqlite3_get_autocommit(s->db)) {
      mj_error scratch;
      run(s, ST_ROLLBACK, "roll back", &scratch);
    }
  }
  return rc;
}

static int store_count_responses(void *inst, const char *questionnaire,
                                 int64_t *n, mj_error *err)
{
  store *s = inst;
  int rc = blk_flush(s, err);
  if (rc != MJ_OK)
    return rc;
  sqlite3_stmt *st = stmt(s, ST_COUNT_RESPONSES, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, questionnaire);
  rc = sqlite3_step(st);
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
  if (rc == ROW_DAMAGED)
    rc = s->host->error(err, MJ_ESTORE,
                        "sqlite: cannot %s '%s': a stored row lacks a value "
                        "mejora always writes, so the store is damaged: "
                        "restore it from a backup, or salvage what is "
                        "readable with `sqlite3 FILE .recover | sqlite3 "
                        "NEW.db`",
                        what, s->path);
  else if (rc == MJ_OK && step != SQLITE_DONE)
    rc = fail(s, what, err);
  done(st);
  return rc;
}

/* The name of source id, read once per store and kept; NULL for none. */
static int source_name(store *s, sqlite3_int64 id, const char **name,
                       mj_error *err)
{
  *name = NULL;
  if (!id)
    return MJ_OK;
  for (size_t i = s->n_srcs; i-- > 0;)
    if (s->srcs[i].id == id) {
      *name = s->srcs[i].name;
      return MJ_OK;
    }
  sqlite3_stmt *st = stmt(s, ST_SOURCE_NAME, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  int step = sqlite3_step(st);
  const char *text = step == SQLITE_ROW ? col_text(st, 0) : NULL;
  char *copy = text ? s->host->strdup(text) : NULL;
  done(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE)
    return fail(s, "read the sources in", err);
  if (!text)
    return MJ_OK; /* a source row that is gone: the response keeps none */
  struct src_name *v =
      copy ? s->host->realloc(s->srcs, (s->n_srcs + 1) * sizeof *v) : NULL;
  if (!v) {
    s->host->free(copy);
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  }
  s->srcs = v;
  s->srcs[s->n_srcs].id = id;
  s->srcs[s->n_srcs].name = copy;
  *name = s->srcs[s->n_srcs++].name;
  return MJ_OK;
}

static void sources_free(store *s)
{
  for (size_t i = 0; i < s->n_srcs; i++)
    s->host->free(s->srcs[i].name);
  s->host->free(s->srcs);
  s->srcs = NULL;
  s->n_srcs = 0;
}

/* One block of a scan, handed over response by response, whole or answer
** by answer. */
typedef struct scan_ud {
  store *s;
  mj_answer_cb each_answer;
  mj_response_cb each_response;
  void *ud;
  mj_error *err;
} scan_ud;

static int damaged(store *s, sqlite3_int64 seq, const char *id, mj_error *err)
{
  return s->host->error(err, MJ_ESTORE,
                        "sqlite: block %lld of '%s' is damaged (at response "
                        "'%s'); restore the store from a backup",
                        (long long)seq, s->path, id ? id : "?");
}

/* Where the answers of the next response go: room for n of them, or
** NULL when there is no memory. */
typedef mj_answer_rec *(*answers_fn)(void *ud, size_t n);

/* Read block seq from its dict and data (s->rd). */
static int block_open(store *s, sqlite3_int64 seq, const unsigned char *dict,
                      size_t dl, const unsigned char *data, size_t n,
                      mj_error *err)
{
  int ok = mj__blk_reader_open(&s->rd, s->host, dict ? dict : (const void *)"",
                               dl, data ? data : (const void *)"", n);
  if (ok < 0)
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  return ok ? MJ_OK : damaged(s, seq, NULL, err);
}

/*
** The next response of the block s->rd reads (seq, of questionnaire q)
** into *r, its answers into room(ud, n): 1, 0 after the last, or an
** error (the block is damaged, a layout or source cannot be read, no
** memory). Its strings point into the block and into s's layouts and
** sources.
*/
static int block_next(store *s, sqlite3_int64 seq, const char *q,
                      mj_response_rec *r, answers_fn room, void *ud,
                      mj_error *err)
{
  mj_blk_rec b = {.id = NULL};
  /* b.id is set as soon as a record's id is read: errors name it. */
  int ok = mj__blk_reader_next(&s->rd, &b);
  if (ok <= 0)
    return ok < 0 ? damaged(s, seq, b.id, err) : 0;
  const layout *lay = layout_get(s, b.layout, err);
  if (!lay)
    return MJ_ESTORE;
  mj_answer_rec *v = room(ud, lay->n);
  if (!v)
    return s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
  if (!unpack(b.answers_len ? b.answers : (const unsigned char *)"",
              b.answers_len, lay, v))
    return damaged(s, seq, b.id, err);
  const char *source;
  int rc = source_name(s, b.source, &source, err);
  if (rc != MJ_OK)
    return rc;
  *r = (mj_response_rec){
      .id = b.id,
      .questionnaire = q,
      .version = b.version,
      .customer = b.customer,
      .segment = b.segment,
      .wave = b.wave,
      .submitted_at = b.submitted_at,
      .source = source,
      .answers = v,
      .n_answers = lay->n,
      .pilot = b.pilot,
      .channel = b.channel,
  };
  return 1;
}

/* The answers of a single-threaded scan: in s->scan_ans, one response's
** at a time. */
static mj_answer_rec *scan_room(void *ud, size_t n)
{
  store *s = ud;
  mj_answer_rec *v =
      grow_buf(s->host, s->scan_ans, &s->scan_cap, (n ? n : 1) * sizeof *v);
  if (v)
    s->scan_ans = v;
  return v;
}

/* One response to the scan's callback, whole or answer by answer. */
static int hand_over(const scan_ud *x, const mj_response_rec *r)
{
  if (x->each_response)
    return x->each_response(x->ud, r);
  mj_answer_row row = {
      .response = r->id,
      .customer = r->customer,
      .segment = r->segment,
      .wave = r->wave,
      .submitted_at = r->submitted_at,
  };
  for (size_t i = 0; i < r->n_answers; i++) {
    row.answer = r->answers[i];
    int rc = x->each_answer(x->ud, &row);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

static int block_row(sqlite3_stmt *st, void *cb, void *ud)
{
  scan_ud *x = ud;
  store *s = x->s;
  (void)cb;
  sqlite3_int64 seq = sqlite3_column_int64(st, 0);
  const char *q = col_text(st, 3);
  int rc = block_open(
      s, seq, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
      sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), x->err);
  mj_response_rec r;
  while (rc == MJ_OK &&
         (rc = block_next(s, seq, q, &r, scan_room, s, x->err)) > 0)
    rc = hand_over(x, &r);
  return rc;
}

static int scan_blocks(store *s, const char *questionnaire, scan_ud *x,
                       mj_error *err)
{
  int rc = blk_flush(s, err);
  if (rc != MJ_OK)
    return rc;
  sqlite3_stmt *st = stmt(s, ST_BLOCK_SCAN, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, questionnaire);
  return scan(s, st, block_row, NULL, x, "read the responses in", err);
}

static int store_scan_answers(void *inst, const char *questionnaire,
                              mj_answer_cb cb, void *ud, mj_error *err)
{
  scan_ud x = {inst, cb, NULL, ud, err};
  return scan_blocks(inst, questionnaire, &x, err);
}

/*
** A scan of whole responses on two threads (pipe.h): a reader thread
** steps the blocks and decodes them while the caller's thread hands the
** responses decoded before to the callback. The decoding and stepping
** were half of a cycle's time, on one core while the other idled.
**
** The reader has a connection of its own: the instance's is opened
** without SQLite's mutex (SQLITE_OPEN_NOMUTEX), so no two threads may use
** it at once, and a callback may call the store. Nothing of the instance
** is shared: the reader is a store of its own (layouts and sources read
** on its connection, kept until the scan returns, so the answers'
** question strings stay put), and copies each block's blobs into the
** batch before decoding, as SQLite's pointers last only until the next
** step. The reader reads what the instance would: it is opened with no
** transaction open here (everything written is committed), and WAL or a
** rollback journal show both connections the last commit.
**
** Only when it pays: a questionnaire of a few blocks at least, a file
** (a memory database cannot be opened twice), not when told one thread.
*/
#define PIPE_MIN_BLOCKS 4

/* A batch is handed over once it holds this many responses (a block
** holds up to BLK_ROWS): small blocks, written one response at a time,
** are handed over many at once. */
#define PIPE_BATCH_ROWS 512

typedef struct pipe_reader {
  store *r;         /* the reader's store, on its own connection */
  sqlite3_stmt *st; /* BLOCK_SCAN on r's connection */
} pipe_reader;

static int pipe_pays(store *s, const char *questionnaire)
{
  const char *file = sqlite3_db_filename(s->db, "main");
  if (s->threads == 1 || s->readonly || !sqlite3_threadsafe() || !file ||
      !*file || !sqlite3_get_autocommit(s->db))
    return 0;
  mj_error scratch;
  sqlite3_stmt *st = stmt(s, ST_BLOCKS_AT_LEAST, &scratch);
  if (!st)
    return 0;
  bind_text(st, 1, questionnaire);
  sqlite3_bind_int(st, 2, PIPE_MIN_BLOCKS);
  int pays = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
  done(st);
  return pays;
}

/* The answers of a pipelined scan: in the batch being filled. */
static mj_answer_rec *pipe_room(void *ud, size_t n)
{
  return mj__pipe_answers(ud, n);
}

/* The block at st's row into b: its blobs copied, then its responses. */
static int pipe_block(store *r, sqlite3_stmt *st, mj_pipe_batch *b)
{
  sqlite3_int64 seq = sqlite3_column_int64(st, 0);
  const void *dict = sqlite3_column_blob(st, 1);
  size_t dl = (size_t)sqlite3_column_bytes(st, 1);
  const void *data = sqlite3_column_blob(st, 2);
  size_t n = (size_t)sqlite3_column_bytes(st, 2);
  const char *q = col_text(st, 3);
  size_t ql = q ? strlen(q) + 1 : 0;
  unsigned char *copy = mj__pipe_bytes(b, dl + n + ql);
  if (!copy)
    return r->host->error(&b->err, MJ_ENOMEM, "sqlite: out of memory");
  if (dl)
    memcpy(copy, dict, dl);
  if (n)
    memcpy(copy + dl, data, n);
  if (ql)
    memcpy(copy + dl + n, q, ql);
  int rc = block_open(r, seq, dict ? copy : NULL, dl, data ? copy + dl : NULL,
                      n, &b->err);
  mj_response_rec rec, *slot;
  while (rc == MJ_OK &&
         (rc = block_next(r, seq, ql ? (const char *)copy + dl + n : NULL, &rec,
                          pipe_room, b, &b->err)) > 0) {
    if (!(slot = mj__pipe_rec(b)))
      return r->host->error(&b->err, MJ_ENOMEM, "sqlite: out of memory");
    *slot = rec;
    rc = MJ_OK;
  }
  return rc;
}

/* The reader thread's fill (mj_pipe_fill): whole blocks, as scan() and
** block_row step them, until the batch holds enough. */
static int pipe_fill(void *ud, mj_pipe_batch *b)
{
  pipe_reader *p = ud;
  while (b->n < PIPE_BATCH_ROWS) {
    int step = sqlite3_step(p->st), rc = MJ_OK;
    if (step == SQLITE_ROW)
      rc = pipe_block(p->r, p->st, b);
    else if (step != SQLITE_DONE)
      rc = fail(p->r, "read the responses in", &b->err);
    if (step != SQLITE_ROW || rc != MJ_OK) {
      b->rc = rc;
      done(p->st);
      return 0;
    }
  }
  return 1;
}

/* The reader's store: a read connection to s's file, nothing else. */
static store *pipe_open(store *s)
{
  store *r = s->host->alloc(sizeof *r);
  if (!r)
    return NULL;
  memset(r, 0, sizeof *r);
  r->host = s->host;
  r->ctx = s->ctx;
  mj__blk_writer_init(&r->blk, s->host);
  r->readonly = 1;
  r->threads = 1;
  r->path = s->host->strdup(s->path);
  mj_error scratch;
  if (!r->path ||
      connect(r, sqlite3_db_filename(s->db, "main"),
              SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, &scratch) != MJ_OK) {
    store_close(r);
    return NULL;
  }
  return r;
}

/* The pipelined scan; *ran 0 when it could not start (nothing read). */
static int pipe_scan(store *s, const char *questionnaire, mj_response_cb cb,
                     void *ud, mj_error *err, int *ran)
{
  *ran = 0;
  mj_error scratch;
  pipe_reader p = {pipe_open(s), NULL};
  if (p.r && (p.st = stmt(p.r, ST_BLOCK_SCAN, &scratch)) != NULL) {
    bind_text(p.st, 1, questionnaire);
    int rc = mj__pipe_scan(s->host, pipe_fill, &p, cb, ud, err, ran);
    if (*ran) {
      store_close(p.r);
      return rc;
    }
  }
  store_close(p.r);
  return MJ_OK;
}

static int store_scan_responses(void *inst, const char *questionnaire,
                                mj_response_cb cb, void *ud, mj_error *err)
{
  store *s = inst;
  int rc = blk_flush(s, err);
  if (rc != MJ_OK)
    return rc;
  if (pipe_pays(s, questionnaire)) {
    int ran;
    rc = pipe_scan(s, questionnaire, cb, ud, err, &ran);
    if (ran) {
      s->host->log(s->ctx, MJ_LOG_DEBUG,
                   "sqlite: read '%s' of '%s' on a second thread",
                   questionnaire, s->path);
      return rc;
    }
  }
  scan_ud x = {s, NULL, cb, ud, err};
  return scan_blocks(s, questionnaire, &x, err);
}

static void store_threads(void *inst, unsigned n)
{
  store *s = inst;
  s->threads = n;
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
  static const int key[] = {1, 4, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
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

static int store_scan_cycles(void *inst, mj_cycle_cb cb, void *ud,
                             mj_error *err)
{
  store *s = inst;
  int found = 0;
  sqlite3_stmt *st = stmt(s, ST_SCAN_CYCLES, err);
  if (!st)
    return MJ_ESTORE;
  cycle_found f = {cb, ud, &found};
  return scan(s, st, cycle_row, NULL, &f, "read the cycles in", err);
}

/* The cycle's figures and kept comments go and its row says "running"
** again, together: a re-run killed or failed half way leaves it
** "running", never half replaced. */
static int store_cycle_reopen(void *inst, int64_t id, int64_t at, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *clear = stmt(s, ST_CYCLE_CLEAR, err);
  sqlite3_stmt *said = clear ? stmt(s, ST_COMMENTS_CLEAR, err) : NULL;
  sqlite3_stmt *st = said ? stmt(s, ST_CYCLE_REOPEN, err) : NULL;
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, at);
  rc = exec_stmt(s, st, "reopen a cycle in", err);
  if (rc == MJ_OK && sqlite3_changes(s->db) == 0)
    rc = s->host->error(err, MJ_ENOTFOUND,
                        "sqlite: no cycle %lld in '%s' to run again",
                        (long long)id, s->path);
  if (rc == MJ_OK) {
    sqlite3_bind_int64(clear, 1, id);
    rc = exec_stmt(s, clear, "clear a cycle's results in", err);
  }
  if (rc == MJ_OK) {
    sqlite3_bind_int64(said, 1, id);
    rc = exec_stmt(s, said, "clear a cycle's comments in", err);
  }
  return op_end(s, rc, err);
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
  static const int key[] = {1, 2, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
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
  static const int key[] = {0, 1, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
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
  static const int key[] = {0, 3, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
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

/*
** One row of notifications with its meta: a message of the outbox (status
** "pending", a key, due at next_at) or, from put_notification, an event
** whose one delivery was tried already (status its outcome).
*/
static int put_message(store *s, int64_t cycle, const char *notifier,
                       const mj_event *ev, const char *status,
                       const char *detail, const char *key, int64_t next_at,
                       mj_error *err)
{
  sqlite3_stmt *st = stmt(s, ST_PUT_NOTIFICATION, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  int tried = strcmp(status, "pending") != 0;
  sqlite3_bind_int64(st, 1, cycle);
  bind_text(st, 2, notifier);
  bind_text(st, 3, ev->kind);
  sqlite3_bind_int(st, 4, ev->severity);
  sqlite3_bind_int64(st, 5, ev->time);
  bind_text(st, 6, ev->subject);
  bind_text(st, 7, ev->message);
  bind_text(st, 8, status);
  bind_text(st, 9, detail);
  bind_text(st, 10, key);
  sqlite3_bind_int64(st, 11, next_at);
  sqlite3_bind_int(st, 12, tried);
  sqlite3_bind_int64(st, 13, strcmp(status, "sent") == 0 ? ev->time : 0);
  rc = exec_stmt(s, st, "store a notification in", err);
  if (rc == MJ_OK)
    rc = put_meta(s, sqlite3_last_insert_rowid(s->db), ev, err);
  return op_end(s, rc, err);
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
  return put_message(s, cycle, notifier, ev, status, detail, NULL, 0, err);
}

/* ---- the outbox ---------------------------------------------------------- */

static int store_outbox_put(void *inst, int64_t cycle, const char *notifier,
                            const mj_event *ev, const char *key, int64_t at,
                            mj_error *err)
{
  store *s = inst;
  if (!notifier || !ev)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a message needs a notifier and an event");
  return put_message(s, cycle, notifier, ev, "pending", NULL, key, at, err);
}

/* A copy of a message's texts, so that no statement is open while the
** host delivers it. */
enum { MSG_NOTIFIER, MSG_KEY, MSG_STATUS, MSG_REASON, MSG_CLAIM, MSG_KIND,
       MSG_SUBJECT, MSG_MESSAGE, MSG_TEXTS };
static const int msg_col[MSG_TEXTS] = {2, 3, 4, 9, 10, 11, 14, 15};

/*
** Message seq handed to cb, read whole into memory first: a statement
** left open during a delivery would hold a read snapshot, and the write
** that records the outcome could then fail (SQLITE_BUSY_SNAPSHOT) when
** another delivery wrote in between.
*/
static int outbox_one(store *s, sqlite3_int64 seq, mj_outbox_cb cb, void *ud,
                      mj_error *err)
{
  const mj_host_api *h = s->host;
  sqlite3_stmt *mst = stmt(s, ST_OUTBOX_META, err);
  sqlite3_stmt *st = mst ? stmt(s, ST_OUTBOX_GET, err) : NULL;
  if (!st)
    return MJ_ESTORE;
  mj_meta *meta = NULL;
  size_t n = 0, cap = 0;
  int rc = MJ_OK, step;
  sqlite3_bind_int64(mst, 1, seq);
  while (rc == MJ_OK && (step = sqlite3_step(mst)) == SQLITE_ROW) {
    if (n == cap) {
      size_t ncap = cap ? 2 * cap : 8;
      mj_meta *m = h->realloc(meta, ncap * sizeof *m);
      if (!m) {
        rc = MJ_ENOMEM;
        break;
      }
      meta = m;
      cap = ncap;
    }
    const char *k = col_text(mst, 0), *v = col_text(mst, 1);
    meta[n].key = h->strdup(k ? k : "");
    meta[n].value = v ? h->strdup(v) : NULL;
    if (!meta[n].key || (v && !meta[n].value)) {
      h->free((void *)meta[n].key);
      rc = MJ_ENOMEM;
      break;
    }
    n++;
  }
  if (rc == MJ_OK && step != SQLITE_DONE)
    rc = fail(s, "read a message's meta in", err);
  done(mst);
  char *t[MSG_TEXTS] = {0};
  mj_outbox_rec r = {0};
  mj_event ev = {0};
  int found = 0;
  if (rc == MJ_OK) {
    sqlite3_bind_int64(st, 1, seq);
    step = sqlite3_step(st);
    found = step == SQLITE_ROW;
    for (int i = 0; found && i < MSG_TEXTS; i++) {
      const char *v = col_text(st, msg_col[i]);
      if (v && !(t[i] = h->strdup(v)))
        rc = MJ_ENOMEM;
    }
    if (found) {
      r = (mj_outbox_rec){sqlite3_column_int64(st, 0),
                          sqlite3_column_int64(st, 1),
                          t[MSG_NOTIFIER],
                          t[MSG_KEY],
                          t[MSG_STATUS],
                          sqlite3_column_int(st, 5),
                          sqlite3_column_int64(st, 6),
                          sqlite3_column_int64(st, 7),
                          sqlite3_column_int64(st, 8),
                          t[MSG_REASON],
                          t[MSG_CLAIM],
                          &ev};
      ev = (mj_event){t[MSG_KIND],
                      sqlite3_column_int(st, 12),
                      sqlite3_column_int64(st, 13),
                      t[MSG_SUBJECT],
                      t[MSG_MESSAGE],
                      meta,
                      n};
    } else if (step != SQLITE_DONE) {
      rc = fail(s, "read a message in", err);
    }
    done(st);
  }
  if (rc == MJ_ENOMEM)
    h->error(err, rc, "sqlite: out of memory reading a message");
  else if (rc == MJ_OK && found && (!r.notifier || !r.status))
    rc = h->error(err, MJ_ESTORE,
                  "sqlite: message %lld in '%s' lacks its notifier or "
                  "status: the store is damaged",
                  (long long)seq, s->path);
  else if (rc == MJ_OK && found)
    rc = cb(ud, &r);
  for (int i = 0; i < MSG_TEXTS; i++)
    h->free(t[i]);
  for (size_t i = 0; i < n; i++) {
    h->free((void *)meta[i].key);
    h->free((void *)meta[i].value);
  }
  h->free(meta);
  return rc;
}

/* The ids a statement selects (its first column), in order. */
static int outbox_ids(store *s, sqlite3_stmt *st, sqlite3_int64 **ids,
                      size_t *n, const char *what, mj_error *err)
{
  size_t cap = 0;
  int step, rc = MJ_OK;
  *ids = NULL;
  *n = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      size_t ncap = cap ? 2 * cap : 16;
      sqlite3_int64 *m = s->host->realloc(*ids, ncap * sizeof *m);
      if (!m) {
        rc = s->host->error(err, MJ_ENOMEM, "sqlite: out of memory");
        break;
      }
      *ids = m;
      cap = ncap;
    }
    (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
  }
  if (rc == MJ_OK && step != SQLITE_DONE)
    rc = fail(s, what, err);
  done(st);
  return rc;
}

static int outbox_each(store *s, sqlite3_int64 *ids, size_t n,
                       mj_outbox_cb cb, void *ud, mj_error *err)
{
  int rc = MJ_OK;
  for (size_t i = 0; rc == MJ_OK && i < n; i++)
    rc = outbox_one(s, ids[i], cb, ud, err);
  s->host->free(ids);
  return rc;
}

static int store_outbox_claim(void *inst, int64_t now, int64_t stale,
                              size_t limit, mj_outbox_cb cb, void *ud,
                              mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_OUTBOX_CLAIM, err);
  sqlite3_stmt *q = st ? stmt(s, ST_OUTBOX_CLAIMED, err) : NULL;
  if (!q)
    return MJ_ESTORE;
  /* A token no other claim has: 128 random bits from SQLite's PRNG. */
  unsigned char raw[16];
  char token[33];
  sqlite3_randomness(sizeof raw, raw);
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf(token + 2 * i, 3, "%02x", raw[i]);
  /* One statement: a write that commits on its own (or with the host's
  ** transaction, when one is open). */
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, stale);
  sqlite3_bind_int64(st, 3, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
  sqlite3_bind_text(st, 4, token, -1, SQLITE_STATIC);
  int rc = exec_stmt(s, st, "claim messages in", err);
  sqlite3_int64 *ids = NULL;
  size_t n = 0;
  if (rc == MJ_OK) {
    sqlite3_bind_text(q, 1, token, -1, SQLITE_STATIC);
    rc = outbox_ids(s, q, &ids, &n, "read the claimed messages in", err);
  }
  return rc == MJ_OK ? outbox_each(s, ids, n, cb, ud, err) : rc;
}

static int store_outbox_mark(void *inst, int64_t id, const char *claim,
                             const char *status, int64_t at, int64_t next_at,
                             const char *reason, mj_error *err)
{
  store *s = inst;
  static const char *const known[] = {"sent", "retry", "failed", "pending",
                                      "cancelled"};
  int ok = 0;
  for (size_t i = 0; status && i < sizeof known / sizeof *known; i++)
    ok |= strcmp(status, known[i]) == 0;
  if (!ok || !claim)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: mark a message sent, retry, failed, "
                          "pending or cancelled, with its claim");
  sqlite3_stmt *st = stmt(s, ST_OUTBOX_MARK, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  bind_text(st, 2, claim);
  bind_text(st, 3, status);
  sqlite3_bind_int64(st, 4, at);
  sqlite3_bind_int64(st, 5, next_at);
  bind_text(st, 6, reason);
  int rc = exec_stmt(s, st, "record a delivery in", err);
  if (rc == MJ_OK && sqlite3_changes(s->db) == 0)
    rc = s->host->error(err, MJ_ECONFLICT,
                        "sqlite: message %lld is no longer claimed by this "
                        "delivery (another one took it over)",
                        (long long)id);
  return rc;
}

static int store_outbox_scan(void *inst, int failed, mj_outbox_cb cb,
                             void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_OUTBOX_SCAN, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int(st, 1, failed != 0);
  sqlite3_int64 *ids = NULL;
  size_t n = 0;
  int rc = outbox_ids(s, st, &ids, &n, "read the outbox in", err);
  return rc == MJ_OK ? outbox_each(s, ids, n, cb, ud, err) : rc;
}

static int store_outbox_retry(void *inst, int64_t id, int64_t at,
                              mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_OUTBOX_RETRY, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, at);
  int rc = exec_stmt(s, st, "put a message back in", err);
  if (rc == MJ_OK && sqlite3_changes(s->db) == 0)
    rc = s->host->error(err, MJ_ENOTFOUND,
                        "sqlite: no failed message has id %lld in '%s' "
                        "(`mejora outbox PLAYBOOK --failed` lists them)",
                        (long long)id, s->path);
  return rc;
}

/* ---- unsubscribes and messages to a customer ---------------------------- */

static int store_customer_unsubscribe(void *inst, const char *customer,
                                      int64_t at, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, at ? ST_UNSUBSCRIBE : ST_RESUBSCRIBE, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, customer);
  if (at)
    sqlite3_bind_int64(st, 2, at);
  return exec_stmt(s, st, "record an unsubscribe in", err);
}

static int store_customer_unsubscribed(void *inst, const char *customer,
                                       int64_t *at, mj_error *err)
{
  store *s = inst;
  *at = 0;
  sqlite3_stmt *st = stmt(s, ST_UNSUBSCRIBED, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, customer);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *at = sqlite3_column_int64(st, 0);
  else if (rc != SQLITE_DONE)
    fail(s, "read the unsubscribes in", err);
  done(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? MJ_OK : MJ_ESTORE;
}

static int store_outbox_sent_to(void *inst, const char *customer,
                                int64_t since, size_t limit, int64_t *times,
                                size_t *n, mj_error *err)
{
  store *s = inst;
  *n = 0;
  sqlite3_stmt *st = stmt(s, ST_SENT_TO, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, customer);
  sqlite3_bind_int64(st, 2, since);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
    times[(*n)++] = sqlite3_column_int64(st, 0);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    fail(s, "count the messages to a customer in", err);
  done(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? MJ_OK : MJ_ESTORE;
}

/* ---- sent once, and the customers thanked ------------------------------ */

static int store_outbox_has(void *inst, const char *key, int *found,
                            mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_OUTBOX_HAS, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, key);
  int step = sqlite3_step(st);
  *found = step == SQLITE_ROW;
  int rc = step == SQLITE_ROW || step == SQLITE_DONE
               ? MJ_OK
               : fail(s, "look for a message in", err);
  done(st);
  return rc;
}

static int store_put_thanked(void *inst, const char *customer, int64_t at,
                             mj_error *err)
{
  store *s = inst;
  if (!customer)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a thanked customer needs an id");
  sqlite3_stmt *st = stmt(s, ST_PUT_THANKED, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, customer);
  sqlite3_bind_int64(st, 2, at);
  return exec_stmt(s, st, "record a thanked customer in", err);
}

typedef int (*thanked_cb)(void *ud, const char *customer, int64_t at);

static int thanked_row(sqlite3_stmt *st, void *cb, void *ud)
{
  static const int key[] = {0, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
  return ((thanked_cb)cb)(ud, col_text(st, 0), sqlite3_column_int64(st, 1));
}

static int store_scan_thanked(void *inst, int64_t since, thanked_cb cb,
                              void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_THANKED, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, since);
  return scan(s, st, thanked_row, (void *)cb, ud,
              "read the thanked customers in", err);
}

/* ---- complaints and audit visits -------------------------------------- */

static int store_put_complaint(void *inst, const mj_complaint_rec *c,
                               mj_error *err)
{
  store *s = inst;
  if (!c || !c->id)
    return s->host->error(err, MJ_EINVAL, "sqlite: a complaint needs an id");
  sqlite3_stmt *st = stmt(s, ST_PUT_COMPLAINT, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, c->id);
  bind_text(st, 2, c->wave);
  sqlite3_bind_int64(st, 3, c->received_at);
  bind_text(st, 4, c->channel);
  bind_text(st, 5, c->customer);
  bind_text(st, 6, c->category);
  bind_text(st, 7, c->text);
  sqlite3_bind_int64(st, 8, c->acknowledged_at);
  sqlite3_bind_int64(st, 9, c->assessed_at);
  sqlite3_bind_int64(st, 10, c->investigated_at);
  bind_text(st, 11, c->root_cause);
  sqlite3_bind_int64(st, 12, c->responded_at);
  sqlite3_bind_int64(st, 13, c->closed_at);
  sqlite3_bind_int(st, 14, c->fcr);
  bind_text(st, 15, c->source);
  rc = exec_stmt(s, st, "store a complaint in", err);
  return op_end(s, rc, err);
}

static int complaint_row(sqlite3_stmt *st, void *cb, void *ud)
{
  static const int key[] = {0, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
  mj_complaint_rec c;
  c.id = col_text(st, 0);
  c.wave = col_text(st, 1);
  c.received_at = sqlite3_column_int64(st, 2);
  c.channel = col_text(st, 3);
  c.customer = col_text(st, 4);
  c.category = col_text(st, 5);
  c.text = col_text(st, 6);
  c.acknowledged_at = sqlite3_column_int64(st, 7);
  c.assessed_at = sqlite3_column_int64(st, 8);
  c.investigated_at = sqlite3_column_int64(st, 9);
  c.root_cause = col_text(st, 10);
  c.responded_at = sqlite3_column_int64(st, 11);
  c.closed_at = sqlite3_column_int64(st, 12);
  c.fcr = sqlite3_column_int(st, 13);
  c.source = col_text(st, 14);
  return ((mj_complaint_cb)cb)(ud, &c);
}

static int store_scan_complaints(void *inst, const char *wave,
                                 mj_complaint_cb cb, void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_COMPLAINTS, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, wave);
  return scan(s, st, complaint_row, (void *)cb, ud, "read the complaints in",
              err);
}

static int store_put_visit(void *inst, const mj_visit_rec *v, mj_error *err)
{
  store *s = inst;
  if (!v || !v->id || !v->audit || !v->values)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a visit needs an id, an audit and values");
  sqlite3_stmt *st = stmt(s, ST_PUT_VISIT, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, v->id);
  bind_text(st, 2, v->audit);
  bind_text(st, 3, v->wave);
  bind_text(st, 4, v->site);
  bind_text(st, 5, v->agent);
  sqlite3_bind_int64(st, 6, v->at);
  bind_text(st, 7, v->values);
  bind_text(st, 8, v->source);
  rc = exec_stmt(s, st, "store an audit visit in", err);
  return op_end(s, rc, err);
}

static int visit_row(sqlite3_stmt *st, void *cb, void *ud)
{
  static const int key[] = {0, 1, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
  mj_visit_rec v;
  v.id = col_text(st, 0);
  v.audit = col_text(st, 1);
  v.wave = col_text(st, 2);
  v.site = col_text(st, 3);
  v.agent = col_text(st, 4);
  v.at = sqlite3_column_int64(st, 5);
  v.values = col_text(st, 6);
  v.source = col_text(st, 7);
  return ((mj_visit_cb)cb)(ud, &v);
}

static int store_scan_visits(void *inst, const char *audit, const char *wave,
                             mj_visit_cb cb, void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_VISITS, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, audit);
  bind_text(st, 2, wave);
  return scan(s, st, visit_row, (void *)cb, ud, "read the audit visits in",
              err);
}

/* ---- invitations ------------------------------------------------------------ */

static int store_put_invitation(void *inst, const mj_invitation_rec *inv,
                                mj_error *err)
{
  store *s = inst;
  if (!inv || !inv->token || !inv->customer || !inv->questionnaire)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: an invitation needs a token, a customer "
                          "and a questionnaire");
  sqlite3_stmt *st = stmt(s, ST_PUT_INVITATION, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, inv->token);
  bind_text(st, 2, inv->customer);
  bind_text(st, 3, inv->questionnaire);
  bind_text(st, 4, inv->sample);
  bind_text(st, 5, inv->channel);
  bind_text(st, 6, inv->lang);
  sqlite3_bind_int64(st, 7, inv->created_at);
  sqlite3_bind_int(st, 8, inv->answered != 0);
  rc = exec_stmt(s, st, "store an invitation in", err);
  return op_end(s, rc, err);
}

static int invitation_row(sqlite3_stmt *st, void *cb, void *ud)
{
  static const int key[] = {0, 1, 2, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
  mj_invitation_rec inv;
  inv.token = col_text(st, 0);
  inv.customer = col_text(st, 1);
  inv.questionnaire = col_text(st, 2);
  inv.sample = col_text(st, 3);
  inv.channel = col_text(st, 4);
  inv.lang = col_text(st, 5);
  inv.created_at = sqlite3_column_int64(st, 6);
  inv.answered = sqlite3_column_int(st, 7);
  return ((mj_invitation_cb)cb)(ud, &inv);
}

/* The invitations whose token starts with prefix: a range of the
** token's unique index, ended by prefix with a byte no UTF-8 text has. */
static int store_find_invitations(void *inst, const char *prefix,
                                  mj_invitation_cb cb, void *ud,
                                  mj_error *err)
{
  store *s = inst;
  char end[72];
  size_t n = prefix ? strlen(prefix) : 0;
  if (!n || n + 2 > sizeof end)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: an invitation's token prefix has 1 to "
                          "%zu characters",
                          sizeof end - 2);
  memcpy(end, prefix, n);
  end[n] = '\xff';
  sqlite3_stmt *st = stmt(s, ST_FIND_INVITATIONS, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_text(st, 1, prefix, (int)n, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, end, (int)n + 1, SQLITE_STATIC);
  return scan(s, st, invitation_row, (void *)cb, ud,
              "look an invitation up in", err);
}

static int store_scan_invitations(void *inst, const char *sample,
                                  mj_invitation_cb cb, void *ud,
                                  mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_INVITATIONS, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, sample);
  return scan(s, st, invitation_row, (void *)cb, ud,
              "read the invitations in", err);
}

static int store_scan_reminders_due(void *inst, const char *sample,
                                    int64_t before, mj_invitation_cb cb,
                                    void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_REMINDERS_DUE, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, sample);
  sqlite3_bind_int64(st, 2, before);
  return scan(s, st, invitation_row, (void *)cb, ud,
              "read the invitations due a reminder in", err);
}

static int store_invitation_remind(void *inst, const char *token, int64_t at,
                                   int *marked, mj_error *err)
{
  store *s = inst;
  *marked = 0;
  sqlite3_stmt *st = stmt(s, ST_INVITATION_REMIND, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, token);
  sqlite3_bind_int64(st, 2, at);
  rc = exec_stmt(s, st, "mark an invitation reminded in", err);
  if (rc == MJ_OK)
    *marked = sqlite3_changes(s->db) == 1;
  return op_end(s, rc, err);
}

/* ---- questionnaire versions ------------------------------------------------- */

static int store_put_questionnaire_version(void *inst,
                                           const char *questionnaire,
                                           const char *fingerprint,
                                           const char *structure, int64_t at,
                                           int *version, mj_error *err)
{
  store *s = inst;
  *version = 0;
  if (!questionnaire || !fingerprint || !structure)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a questionnaire version needs a "
                          "questionnaire, a fingerprint and a structure");
  sqlite3_stmt *put = stmt(s, ST_QVERSION_PUT, err);
  sqlite3_stmt *get = put ? stmt(s, ST_QVERSION_GET, err) : NULL;
  if (!get)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  /* Insert-or-keep, then read: a known fingerprint keeps its number. */
  bind_text(put, 1, questionnaire);
  bind_text(put, 2, fingerprint);
  bind_text(put, 3, structure);
  sqlite3_bind_int64(put, 4, at);
  rc = exec_stmt(s, put, "store a questionnaire version in", err);
  if (rc == MJ_OK) {
    bind_text(get, 1, questionnaire);
    bind_text(get, 2, fingerprint);
    if (sqlite3_step(get) == SQLITE_ROW)
      *version = sqlite3_column_int(get, 0);
    else
      rc = fail(s, "read a questionnaire version in", err);
    done(get);
  }
  return op_end(s, rc, err);
}

typedef int (*qversion_cb)(void *ud, int version, const char *fingerprint,
                           const char *structure, int64_t created_at);

static int qversion_row(sqlite3_stmt *st, void *cb, void *ud)
{
  qversion_cb each;
  memcpy(&each, cb, sizeof each); /* a function pointer through void * */
  return each(ud, sqlite3_column_int(st, 0), col_text(st, 1),
              col_text(st, 2), sqlite3_column_int64(st, 3));
}

static int store_scan_questionnaire_versions(void *inst,
                                             const char *questionnaire,
                                             qversion_cb cb, void *ud,
                                             mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_QVERSION_SCAN, err);
  if (!st)
    return MJ_ESTORE;
  bind_text(st, 1, questionnaire);
  return scan(s, st, qversion_row, &cb, ud,
              "read the questionnaire versions in", err);
}

/* ---- close-the-loop cases ------------------------------------------------ */

static int store_case_put(void *inst, const mj_case_rec *c, int64_t *id,
                          mj_error *err)
{
  store *s = inst;
  *id = 0;
  if (!c || !c->alert || !c->response || !c->questionnaire || !c->owner)
    return s->host->error(err, MJ_EINVAL,
                          "sqlite: a case needs an alert, a response, a "
                          "questionnaire and an owner");
  sqlite3_stmt *st = stmt(s, ST_CASE_PUT, err);
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  bind_text(st, 1, c->alert);
  bind_text(st, 2, c->response);
  bind_text(st, 3, c->customer);
  bind_text(st, 4, c->questionnaire);
  bind_text(st, 5, c->owner);
  bind_text(st, 6, c->escalate_to);
  sqlite3_bind_int64(st, 7, c->opened_at);
  sqlite3_bind_int64(st, 8, c->due_at);
  rc = exec_stmt(s, st, "store a case in", err);
  if (rc == MJ_OK && sqlite3_changes(s->db) == 1)
    *id = sqlite3_last_insert_rowid(s->db);
  return op_end(s, rc, err);
}

static int case_row(sqlite3_stmt *st, void *cb, void *ud)
{
  static const int key[] = {1, 2, 4, 5, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
  mj_case_rec c;
  c.id = sqlite3_column_int64(st, 0);
  c.alert = col_text(st, 1);
  c.response = col_text(st, 2);
  c.customer = col_text(st, 3);
  c.questionnaire = col_text(st, 4);
  c.owner = col_text(st, 5);
  c.escalate_to = col_text(st, 6);
  c.opened_at = sqlite3_column_int64(st, 7);
  c.due_at = sqlite3_column_int64(st, 8);
  c.escalated_at = sqlite3_column_int64(st, 9);
  c.closed_at = sqlite3_column_int64(st, 10);
  c.closed_by = col_text(st, 11);
  c.outcome = col_text(st, 12);
  return ((mj_case_cb)cb)(ud, &c);
}

static int store_case_scan(void *inst, int64_t id, mj_case_cb cb, void *ud,
                           mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_CASE_SCAN, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  return scan(s, st, case_row, (void *)cb, ud, "read the cases in", err);
}

/* After an update of case id that changed nothing: MJ_ENOTFOUND when no
** case has that id, else MJ_ECONFLICT saying why (what). */
static int case_unchanged(store *s, int64_t id, const char *what,
                          mj_error *err)
{
  sqlite3_stmt *st = stmt(s, ST_CASE_EXISTS, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  int step = sqlite3_step(st);
  sqlite3_reset(st);
  if (step == SQLITE_ROW)
    return s->host->error(err, MJ_ECONFLICT, "sqlite: case %lld is %s",
                          (long long)id, what);
  if (step != SQLITE_DONE)
    return s->host->error(err, MJ_ESTORE, "sqlite: cannot read the cases in "
                          "'%s': %s", s->path, sqlite3_errmsg(s->db));
  return s->host->error(err, MJ_ENOTFOUND,
                        "sqlite: no case has id %lld in '%s'", (long long)id,
                        s->path);
}

static int store_case_escalate(void *inst, int64_t id, int64_t at,
                               mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_CASE_ESCALATE, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, at);
  int rc = exec_stmt(s, st, "escalate a case in", err);
  if (rc == MJ_OK && sqlite3_changes(s->db) == 0)
    rc = case_unchanged(s, id, "closed or escalated already", err);
  return rc;
}

static int store_case_close(void *inst, int64_t id, int64_t at,
                            const char *by, const char *outcome,
                            mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_CASE_CLOSE, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, at);
  bind_text(st, 3, by);
  bind_text(st, 4, outcome);
  int rc = exec_stmt(s, st, "close a case in", err);
  if (rc == MJ_OK && sqlite3_changes(s->db) == 0)
    rc = case_unchanged(s, id, "closed already", err);
  return rc;
}

/* ---- a cycle's comments -------------------------------------------------- */

static int store_put_comments(void *inst, int64_t cycle,
                              const mj_comment_rec *recs, size_t n,
                              mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *clear = stmt(s, ST_COMMENTS_CLEAR, err);
  sqlite3_stmt *st = clear ? stmt(s, ST_PUT_COMMENT, err) : NULL;
  if (!st)
    return MJ_ESTORE;
  int rc = op_begin(s, err);
  if (rc != MJ_OK)
    return rc;
  sqlite3_bind_int64(clear, 1, cycle);
  rc = exec_stmt(s, clear, "clear a cycle's comments in", err);
  for (size_t i = 0; rc == MJ_OK && i < n; i++) {
    const mj_comment_rec *c = &recs[i];
    if (!c->list || !c->questionnaire || !c->question) {
      rc = s->host->error(err, MJ_EINVAL, "sqlite: a comment needs a list, "
                          "a questionnaire and a question");
      break;
    }
    sqlite3_bind_int64(st, 1, cycle);
    bind_text(st, 2, c->list);
    sqlite3_bind_int64(st, 3, c->rank);
    bind_text(st, 4, c->questionnaire);
    bind_text(st, 5, c->question);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)c->n);
    sqlite3_bind_int64(st, 7, c->keep);
    bind_text(st, 8, c->response);
    sqlite3_bind_int64(st, 9, c->submitted_at);
    bind_text(st, 10, c->text);
    rc = exec_stmt(s, st, "store a cycle's comments in", err);
  }
  return op_end(s, rc, err);
}

static int comment_row(sqlite3_stmt *st, void *cb, void *ud)
{
  static const int key[] = {1, 3, 4, -1};
  if (row_damaged(st, key))
    return ROW_DAMAGED;
  mj_comment_rec c;
  c.cycle = sqlite3_column_int64(st, 0);
  c.list = col_text(st, 1);
  c.rank = sqlite3_column_int64(st, 2);
  c.questionnaire = col_text(st, 3);
  c.question = col_text(st, 4);
  c.n = (uint64_t)sqlite3_column_int64(st, 5);
  c.keep = sqlite3_column_int64(st, 6);
  c.response = col_text(st, 7);
  c.submitted_at = sqlite3_column_int64(st, 8);
  c.text = col_text(st, 9);
  return ((mj_comment_cb)cb)(ud, &c);
}

static int store_scan_comments(void *inst, int64_t cycle, mj_comment_cb cb,
                               void *ud, mj_error *err)
{
  store *s = inst;
  sqlite3_stmt *st = stmt(s, ST_SCAN_COMMENTS, err);
  if (!st)
    return MJ_ESTORE;
  sqlite3_bind_int64(st, 1, cycle);
  return scan(s, st, comment_row, (void *)cb, ud,
              "read a cycle's comments in", err);
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
    .put_complaint = store_put_complaint,
    .scan_complaints = store_scan_complaints,
    .put_visit = store_put_visit,
    .scan_visits = store_scan_visits,
    .put_invitation = store_put_invitation,
    .scan_invitations = store_scan_invitations,
    .scan_responses = store_scan_responses,
    .put_questionnaire_version = store_put_questionnaire_version,
    .scan_questionnaire_versions = store_scan_questionnaire_versions,
    .put_customers = store_put_customers,
    .begin_bulk = store_begin_bulk,
    .scan_cycles = store_scan_cycles,
    .cycle_reopen = store_cycle_reopen,
    .outbox_put = store_outbox_put,
    .outbox_claim = store_outbox_claim,
    .outbox_mark = store_outbox_mark,
    .outbox_scan = store_outbox_scan,
    .outbox_retry = store_outbox_retry,
    .customer_unsubscribe = store_customer_unsubscribe,
    .customer_unsubscribed = store_customer_unsubscribed,
    .outbox_sent_to = store_outbox_sent_to,
    .outbox_has = store_outbox_has,
    .put_thanked = store_put_thanked,
    .scan_thanked = store_scan_thanked,
    .scan_reminders_due = store_scan_reminders_due,
    .invitation_remind = store_invitation_remind,
    .case_put = store_case_put,
    .case_scan = store_case_scan,
    .case_escalate = store_case_escalate,
    .case_close = store_case_close,
    .find_invitations = store_find_invitations,
    .begin_durable = store_begin_durable,
    .part = store_part,
    .part_end = store_part_end,
    .put_comments = store_put_comments,
    .scan_comments = store_scan_comments,
    .shareable = store_shareable,
    .threads = store_threads,
    .put_customers_some = store_put_customers_some,
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
