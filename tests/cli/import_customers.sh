#!/bin/sh
# An import stores the playbook's customers with its responses, in the
# same transaction, and the first cycle after it finds them stored and
# writes none. A changed customer is written over; a failure to store
# them fails the import and leaves nothing of it.
. "$top_srcdir/tests/cli/tap.sh"
plan 14
scratch
cd "$tmp"
LC_ALL=C
export LC_ALL

cat > playbook.lua <<'LUA'
segment "a" { name = "A" }
segment "b" { name = "B" }
customers "customers.csv"
questionnaire "q" {
  title = "Q",
  question "nps" { type = "nps", required = true },
}
cycle "2026-11" { scorers = { "nps" } }
LUA

# 5000 customers, more than the store takes in one statement many times
# over; 3000 responses from them.
customers() { # $1: the name of customer 4999
  awk -v name="$1" 'BEGIN {
    print "id,segment,name,lang,channel,email,consent"
    for (i = 1; i <= 5000; i++)
      printf "C%d,%s,%s,%s,email,c%d@example.com,%s\n", i, i % 3 ? "a" : "b",
             i == 4999 ? name : "Customer " i, i % 2 ? "en" : "es", i,
             i % 7 ? "yes" : "no"
  }' > customers.csv
}
customers "Customer 4999"
responses() { # $1: the first response number
  awk -v first="$1" 'BEGIN {
    print "response_id,customer_id,nps"
    for (i = first; i < first + 3000; i++)
      printf "R%d,C%d,%d\n", i, i % 5000 + 1, i % 11
  }'
}
responses 1 > r1.csv
responses 5001 > r2.csv
responses 9001 > r3.csv

mj() { "$MEJORA" --db sqlite:s.db --now 2026-12-01T00:00:00Z "$@"; }
stored() {
  sqlite3 s.db "SELECT id, segment, name, lang, channel, email, consent
                FROM customers" | sort
}
want() {
  awk -F, 'NR > 1 { printf "%s|%s|%s|%s|%s|%s|%d\n", $1, $2, $3, $4, $5,
                    $6, $7 == "yes" }' customers.csv | sort
}

run mj import playbook.lua q r1.csv
is "$rc" 0 "an import of 3000 responses runs: $out"
stored > got.txt
want > want.txt
cmp -s got.txt want.txt
ok $? "it stores all 5000 customers as the file has them"
like "$(sqlite3 s.db "SELECT value FROM store_meta WHERE key = 'customers'")" \
  '^5000:' "with the digest a cycle compares"

# Every write to customers from here on is counted.
sqlite3 s.db "CREATE TABLE tries(id TEXT);
  CREATE TRIGGER try BEFORE INSERT ON customers
  BEGIN INSERT INTO tries VALUES(NEW.id); END;
  CREATE TRIGGER try_update BEFORE UPDATE ON customers
  BEGIN INSERT INTO tries VALUES(NEW.id); END;"
run mj run playbook.lua
is "$rc" 0 "the first cycle runs"
is "$(sqlite3 s.db 'SELECT count(*) FROM tries')" 0 \
  "and writes no customer: the import stored them"

customers "Ana Núñez"
run mj import playbook.lua q r2.csv
is "$rc" 0 "a second import, one customer renamed"
is "$(sqlite3 s.db 'SELECT group_concat(DISTINCT id) FROM tries')" C4999 \
  "writes that customer alone"
stored > got.txt
want > want.txt
cmp -s got.txt want.txt
ok $? "and the store has the file's customers again"

# A customer the store refuses: the import fails, and keeps nothing.
sqlite3 s.db "CREATE TRIGGER refuse BEFORE UPDATE ON customers
  WHEN NEW.name = 'Refused' BEGIN SELECT RAISE(ABORT, 'refused here'); END;"
customers "Refused"
run mj import playbook.lua q r3.csv
ok $((rc == 0)) "an import whose customers cannot be stored fails"
like "$out" "store a customer.*refused here" "saying why"
is "$(sqlite3 s.db 'SELECT coalesce(sum(n), 0) FROM response_blocks')" 6000 \
  "and none of its responses is stored"
is "$(sqlite3 s.db "SELECT name FROM customers WHERE id = 'C4999'")" \
  "Ana Núñez" "nor its customers"

# On one thread, the same.
rm -f s.db
customers "Customer 4999"
MEJORA_THREADS=1 mj import playbook.lua q r1.csv >/dev/null 2>&1
is "$?" 0 "an import on one thread runs"
stored > got.txt
want > want.txt
cmp -s got.txt want.txt
ok $? "and stores the same customers"
done_testing
