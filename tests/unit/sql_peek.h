/*
** The store file read and written behind the plugin's back, as the SQLite
** store's tests check and damage it. Include after tap.h (bail).
*/
#ifndef MJ_TEST_SQL_PEEK_H
#define MJ_TEST_SQL_PEEK_H

#include <sqlite3.h>

/* One value from a direct SQL query on the store file (-1 on error). */
static inline long long sql_int(const char *path, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *st;
  long long v = -1;
  if (sqlite3_open(path, &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

/* Run sql on the store file, or stop the test. */
static inline void sql_exec(const char *path, const char *sql)
{
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK ||
      sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    bail("cannot run '%s' on %s: %s", sql, path, sqlite3_errmsg(db));
  sqlite3_close(db);
}

#endif
