#!/bin/sh
# The store's file: a damaged or foreign one is refused in one line that
# says what to do, never trusted; a read-only one still serves the
# commands that only read.
. "$top_srcdir/tests/cli/tap.sh"
plan 29
scratch; example_copy
cd "$tmp/shop"
M="$MEJORA"
run "$M" run playbook.lua
is "$rc" 0 "the example's cycle makes a store"
is "$(sqlite3 mejora.db 'PRAGMA application_id')" 1296712770 \
  "a new store carries mejora's application id, 0x4d4a4442 ('MJDB')"
current=$(sqlite3 mejora.db 'PRAGMA user_version')

# refused FILE PATTERN DESCRIPTION: `report` on the store FILE exits 3 (a
# store error, not a crash or a sanitizer's report) with one line.
refused() {
  run "$M" --db "sqlite:$1" report playbook.lua
  lines=$(printf '%s\n' "$out" | wc -l)
  if [ "$rc" -eq 3 ] && [ "$lines" -eq 1 ] &&
     printf '%s\n' "$out" | grep -Eq -- "$2"; then
    ok 0 "$3"
  else
    ok 1 "$3"
    printf '#   rc=%s lines=%s: %s\n' "$rc" "$lines" "$out" | head -20
  fi
}
# A copy of the store with one SQL statement run on it.
altered() { cp mejora.db "$tmp/$1"; sqlite3 "$tmp/$1" "$2"; }

for v in -1 -1000 -100000000; do
  altered "v$v.db" "PRAGMA user_version = $v"
  refused "$tmp/v$v.db" \
    "v$v\.db' is damaged: its schema version is $v,.*restore it from a \
backup.*sqlite3 FILE \.recover" \
    "schema version $v: refused as damaged, saying how to recover"
done
altered new.db "PRAGMA user_version = 99"
refused "$tmp/new.db" \
  "schema version 99, newer than the $current this mejora knows" \
  "a newer schema version is refused, naming both versions"
altered gpkg.db "PRAGMA application_id = 1196444487"
refused "$tmp/gpkg.db" \
  "gpkg\.db' is not a mejora store: .*application_id 0x47504b47 'GPKG'; \
mejora's is 0x4d4a4442" \
  "another program's application id is refused, naming both ids"
sqlite3 "$tmp/other.db" "CREATE TABLE notes(t TEXT); PRAGMA user_version = 3"
refused "$tmp/other.db" \
  "other\.db' is not a mejora store: it has schema version 3 but not \
mejora's tables" \
  "an SQLite file with a schema version but other tables is refused"
sqlite3 "$tmp/plain.db" "CREATE TABLE notes(t TEXT)"
refused "$tmp/plain.db" "plain\.db' is not a mejora store: it has tables" \
  "an SQLite file with tables and no version is refused"
is "$(sqlite3 "$tmp/plain.db" "SELECT group_concat(name) FROM sqlite_master")" \
  notes \
  "and nothing is added to it"
head -c 8192 mejora.db > "$tmp/cut.db"
yes garbage | head -c 4000 >> "$tmp/cut.db"
refused "$tmp/cut.db" "cut\.db'.*restore it from a backup" \
  "a store whose pages are damaged says to restore it from a backup"

# A store made before mejora set its application id is recognised by its
# tables, then stamped.
altered old.db "PRAGMA application_id = 0"
run "$M" --db "sqlite:$tmp/old.db" report playbook.lua
is "$rc" 0 "a mejora store without the application id is still opened"
is "$(sqlite3 "$tmp/old.db" 'PRAGMA application_id')" 1296712770 \
  "and gets the id"

# Read-only: a user without write access to the store or its folder (root
# writes anywhere, so the check runs as nobody then). A clock faked by a
# preloaded libfaketime keeps its state in root's shared memory, which
# nobody cannot open: nobody runs on MEJORA_NOW alone.
reader() {
  if [ "$(id -u)" -eq 0 ]; then
    env -u LD_PRELOAD -u FAKETIME_SHARED \
      setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}
chmod 755 "$tmp"
chmod -R a+rX "$tmp/shop"
sum=$(cksum < mejora.db)
chmod a-w mejora.db .
run reader "$M" report playbook.lua
is "$rc" 0 "report reads a read-only store"
like "$out" "^mejora report: cycle 1" "and reports its cycle"
run reader "$M" plans playbook.lua list
is "$rc" 0 "plans list reads a read-only store"
run reader "$M" export playbook.lua visita
is "$rc" 0 "export reads a read-only store"
is "$(printf '%s\n' "$out" | sed 1d | wc -l | tr -d ' ')" 300 \
  "every response is exported"
# (The cycle has run: only a re-run would write.)
run reader "$M" run playbook.lua --rerun
ok "$([ "$rc" -eq 3 ]; echo $?)" "a cycle cannot be stored in a read-only store"
like "$out" "read-only to this user: commands that write need write" \
  "and the message says why"
is "$(cksum < mejora.db)" "$sum" "the read-only store is unchanged"
is "$(ls | grep -c 'mejora\.db-')" 0 "and nothing was made beside it"

# Read-only, with a journal whose changes a read of the file alone would
# miss: refused rather than read stale.
chmod u+w .
printf 'not yet checkpointed\n' > mejora.db-wal
chmod a-w .
run reader "$M" report playbook.lua
is "$rc" 3 "a read-only store with a pending WAL is refused"
like "$out" "mejora\.db-wal' beside it holds changes not yet in it: open it once \
with write access" "saying which file and what to do"
chmod u+w .
rm -f mejora.db-wal

# Read-only and in need of a migration: refused, saying what to do.
chmod u+w . mejora.db
sqlite3 mejora.db "PRAGMA user_version = $((current - 1))"
chmod a-w mejora.db .
run reader "$M" report playbook.lua
is "$rc" 3 "a read-only store that needs a migration is refused"
like "$out" "schema version $((current - 1)) and this mejora needs $current, \
but it is read-only here: open it once with write access" \
  "saying which versions and what to do"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "in one line"

# Read-only in a writable folder, in rollback-journal mode: read, and left
# in that mode.
chmod u+w . mejora.db
sqlite3 mejora.db "PRAGMA user_version = $current;
  PRAGMA journal_mode = DELETE" >/dev/null
chmod a-w mejora.db
chmod a+w .
run reader "$M" report playbook.lua
is "$rc" 0 "a read-only store outside WAL mode is read"
is "$(sqlite3 mejora.db 'PRAGMA journal_mode')" delete \
  "and its journal mode is left alone"
chmod u+w . mejora.db
done_testing
