#!/bin/sh
# A store of many blocks is read on a second thread: the export and the
# cycle's results and kept comments are those of one thread
# (MEJORA_THREADS=1) to the byte, and a block damaged deep in the store
# fails both alike, with the same message.
. "$top_srcdir/tests/cli/tap.sh"
plan 13
scratch
cd "$tmp"
export MEJORA_NOW=2026-11-15T10:00:00Z

cat > playbook.lua <<'LUA'
segment "a" { name = "A" }
segment "b" { name = "B" }
segment "c" { name = "C" }
customers "customers.csv"
questionnaire "q" {
  title = "Q",
  question "nps" { type = "nps", required = true },
  question "s1" { type = "scale5", allow_na = true },
  question "s2" { type = "scale5" },
  question "why" { type = "text" },
}
LUA
awk 'BEGIN {
  print "id,segment,name"
  for (i = 1; i <= 900; i++)
    printf "K%d,%s,Name %d\n", i, substr("abc", i % 3 + 1, 1), i
}' > customers.csv
# 7000 responses: seven blocks, with N/A, empty and text answers.
awk 'BEGIN {
  print "response_id,customer_id,nps,s1,s2,why"
  for (i = 1; i <= 7000; i++)
    printf "R%05d,K%d,%d,%s,%s,%s\n", i, (i * 7) % 900 + 1, (i * 13) % 11,
      i % 9 ? i % 5 + 1 : "na", i % 4 ? (i * 3) % 5 + 1 : "",
      i % 6 ? "" : "slow at " i
}' > r.csv

"$MEJORA" -q --db sqlite:one.db import playbook.lua q r.csv >/dev/null
is "$(sqlite3 one.db 'SELECT count(*) > 5 FROM response_blocks')" 1 \
  "the responses are in several blocks"
cp one.db two.db

"$MEJORA" -v --db sqlite:two.db export playbook.lua q >two.csv 2>two.err
is "$(grep -c "on a second thread" two.err)" 1 \
  "an export reads them on a second thread"
MEJORA_THREADS=1 "$MEJORA" -v --db sqlite:one.db export playbook.lua q \
  >one.csv 2>one.err
is "$(grep -c "on a second thread" one.err)" 0 "not under MEJORA_THREADS=1"
ok "$(cmp -s one.csv two.csv; echo $?)" \
  "and gives the same responses and answers, byte for byte"
is "$(grep -c '^R0' two.csv)" 7000 "all of them"

run "$MEJORA" -v --db sqlite:two.db run playbook.lua
is "$rc" 0 "a cycle runs"
like "$out" "sqlite: read 'q' of '[^']*two.db' on a second thread" \
  "reading on a second thread"
MEJORA_THREADS=1 run "$MEJORA" --db sqlite:one.db run playbook.lua
stored() {
  sqlite3 "$1" "SELECT * FROM results ORDER BY seq" | md5sum
  sqlite3 "$1" "SELECT * FROM cycle_comments ORDER BY rowid" | md5sum
}
is "$(stored two.db)" "$(stored one.db)" \
  "its results and comments are those of one thread"
ok "$([ "$(sqlite3 two.db 'SELECT count(*) FROM results')" -gt 20 ] &&
  [ "$(sqlite3 two.db 'SELECT count(*) FROM cycle_comments')" -gt 5 ];
  echo $?)" "and there are results and comments"

strip() { sed 's/\(one\|two\)\.db/X.db/g'; }
# The fifth block cut short, in both stores.
for db in one two; do
  sqlite3 "$db.db" "UPDATE response_blocks SET data = substr(data, 1, 9000)
                    WHERE seq = (SELECT seq FROM response_blocks
                                 ORDER BY seq LIMIT 1 OFFSET 4)"
done
run "$MEJORA" --db sqlite:two.db run playbook.lua
two_rc=$rc two_out=$(printf '%s\n' "$out" | strip)
MEJORA_THREADS=1 run "$MEJORA" --db sqlite:one.db run playbook.lua
is "$two_rc $rc" "3 3" "a damaged block fails the cycle both ways"
like "$two_out" "block [0-9]+ of '[^']*' is damaged \\(at response 'R0" \
  "naming the block and the response"
is "$two_out" "$(printf '%s\n' "$out" | strip)" "as one thread says it"
"$MEJORA" --db sqlite:two.db export playbook.lua q 2>&1 | strip >two.out
MEJORA_THREADS=1 "$MEJORA" --db sqlite:one.db export playbook.lua q 2>&1 |
  strip >one.out
ok "$(grep -q damaged two.out && cmp -s one.out two.out; echo $?)" \
  "an export of it fails alike"
done_testing
