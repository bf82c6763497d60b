#!/bin/sh
# A cycle stores the playbook's customers on a second connection while it
# reads the responses: every customer is stored, the results are those of
# one thread (MEJORA_THREADS=1) to the bit, and a failed store of the
# customers fails the cycle as it always did, with no results. (The
# import stored them as they were; the cycle meets them renamed.)
. "$top_srcdir/tests/cli/tap.sh"
plan 12
scratch
cd "$tmp"
export MEJORA_NOW=2026-11-15T10:00:00Z

cat > playbook.lua <<'LUA'
segment "a" { name = "A" }
segment "b" { name = "B" }
customers "customers.csv"
questionnaire "q" {
  title = "Q",
  question "nps" { type = "nps", required = true },
  question "s1" { type = "scale5" },
}
LUA
customers() { # $1: the name before each number
  awk -v name="$1" 'BEGIN {
    print "id,segment,name,email"
    for (i = 1; i <= 3000; i++)
      printf "K%d,%s,%s %d,k%d@example.com\n", i, i % 3 ? "a" : "b", name, i, i
  }' > customers.csv
}
customers Client
awk 'BEGIN {
  print "response_id,customer_id,nps,s1"
  for (i = 1; i <= 5000; i++)
    printf "R%d,K%d,%d,%d\n", i, (i * 7) % 3000 + 1, (i * 13) % 11, i % 5 + 1
}' > r.csv

for db in two one; do
  "$MEJORA" -q --db "sqlite:$db.db" import playbook.lua q r.csv >/dev/null
done
customers Name
run "$MEJORA" -v --db sqlite:two.db run playbook.lua
is "$rc" 0 "a first cycle runs"
is "$(printf '%s\n' "$out" | grep -c "sqlite: opened")" 2 \
  "with a second connection for the customers"
is "$(sqlite3 two.db 'SELECT count(*) FROM customers')" 3000 \
  "every customer is stored"
is "$(sqlite3 two.db "SELECT segment, name, email FROM customers
                      WHERE id IN ('K1', 'K3', 'K3000') ORDER BY id")" \
"a|Name 1|k1@example.com
b|Name 3|k3@example.com
b|Name 3000|k3000@example.com" "each as the file has it"
MEJORA_THREADS=1 run "$MEJORA" -v --db sqlite:one.db run playbook.lua
is "$(printf '%s\n' "$out" | grep -c "sqlite: opened")" 1 \
  "MEJORA_THREADS=1 keeps to one connection"
results() {
  sqlite3 "$1" "SELECT * FROM results ORDER BY seq" | md5sum
  sqlite3 "$1" "SELECT * FROM customers ORDER BY id" | md5sum
}
is "$(results two.db)" "$(results one.db)" \
  "the results and customers are those of one thread"
ok "$([ "$(sqlite3 two.db 'SELECT count(*) FROM results')" -gt 10 ]; \
  echo $?)" "and there are results"

# A store that refuses customers: both ways fail the cycle alike.
customers Client
for db in two one; do
  rm -f "$db.db"*
  "$MEJORA" -q --db "sqlite:$db.db" import playbook.lua q r.csv >/dev/null
  sqlite3 "$db.db" "CREATE TRIGGER refuse BEFORE INSERT ON customers
                    BEGIN SELECT RAISE(ABORT, 'no customers here'); END"
done
customers Name
run "$MEJORA" --db sqlite:two.db run playbook.lua
two_rc=$rc two_out=$(printf '%s\n' "$out" | sed 's/two\.db/X.db/g')
MEJORA_THREADS=1 run "$MEJORA" --db sqlite:one.db run playbook.lua
one_out=$(printf '%s\n' "$out" | sed 's/one\.db/X.db/g')
is "$two_rc $rc" "3 3" "a refused customer fails the cycle (a store error)"
like "$two_out" "storing customers: .*no customers here" "saying why"
is "$two_out" "$one_out" "as one thread says it"
is "$(sqlite3 two.db 'SELECT count(*) FROM results')" 0 "no result is stored"
is "$(sqlite3 two.db 'SELECT status FROM cycles')" failed \
  "and the cycle is failed"
done_testing
