#!/bin/sh
# kill -9 at several points of a cycle and of an import: the store opens
# again, the plan history reads back whole, a killed cycle stays "running"
# and has all of its figures or none, an import is all or nothing.
. "$top_srcdir/tests/cli/tap.sh"
plan 17
scratch
cp -R "$top_srcdir/examples/call-center/playbook.lua" \
      "$top_srcdir/examples/call-center/data" "$tmp/"
chmod -R u+w "$tmp"
cd "$tmp"
q() { sqlite3 mejora.db "$1" 2>&1; }
# wait_for SQL: poll until the query prints something other than 0.
wait_for() { wait_until 15 q_found "$1"; }
q_found() {
  case "$(q "$1")" in ''|0|*rror*|*locked*) return 1 ;; esac
}

for m in 2026-11 2026-12; do
  "$MEJORA" complaints playbook.lua import "data/complaints-$m.csv" > /dev/null
  "$MEJORA" audits playbook.lua import "data/calls-$m.csv" > /dev/null
done
"$MEJORA" -q run playbook.lua --cycle 2026-11 > /dev/null
"$MEJORA" plans playbook.lua update P1-espera --action 1 --status done > /dev/null
"$MEJORA" plans playbook.lua update P1-espera --action 2 --status done > /dev/null

# A copy of the playbook with one more plan whose trigger spins (the
# sandbox stops it after 5 s): the cycle is killed while it spins, after
# the figures are stored and P1 verified.
cp playbook.lua spin.lua
cat >> spin.lua <<'LUA'
plan "P9-spin" { owner = "x", actions = { "a" },
  when = function(r) while true do end end }
LUA

# 1. Killed in the improve phase.
"$MEJORA" -q run spin.lua --cycle 2026-12 > /dev/null 2>&1 &
pid=$!
wait_for "select count(*) from plan_events where plan = 'P1-espera' and kind = 'verified'"
ok $? "the cycle reached the plans (P1 verified) before the kill"
kill -9 $pid; wait $pid 2>/dev/null
is "$(q 'pragma integrity_check')" "ok" "the store is intact after kill -9"
is "$(q "select status from cycles where id = 2")" "running" \
  "the killed cycle is left 'running', not mistaken for a finished one"
killed=$(q "select count(*) from results where cycle = 2")
run "$MEJORA" plans playbook.lua show P1-espera
is "$(printf '%s\n' "$out" | grep -cE 'cycle [0-9]+ +(opened|action.updated|verified) ')" 4 \
  "P1's history reads back whole: opened, two actions done, verified"
like "$out" "cycle 2 +verified .*, p = [0-9.e-]+: effective$" \
  "P1's verification reads back whole"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-espera +closed " "P1 is closed"
unlike "$out" "P9-spin" "the spinning plan never opened"

# The same cycle run to the end in a fresh store: the killed cycle had
# every figure of it (both phases commit whole).
mkdir ref && cp -R playbook.lua data ref/ && (
  cd ref
  for m in 2026-11 2026-12; do
    "$MEJORA" complaints playbook.lua import "data/complaints-$m.csv"
    "$MEJORA" audits playbook.lua import "data/calls-$m.csv"
  done
  "$MEJORA" -q run playbook.lua --cycle 2026-11
  "$MEJORA" -q run playbook.lua --cycle 2026-12 ) > /dev/null 2>&1
full=$(sqlite3 ref/mejora.db "select count(*) from results where cycle = 2")
is "$killed" "$full" "the killed cycle has all its figures ($full), none half-written"

# 2. Killed while the survey import of a cycle runs (a large file).
"$PYTHON" - <<'PY'
import csv
with open("data/big.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["response_id", "customer_id", "wave", "submitted_at",
                "informacion", "trato", "nps"])
    for i in range(1000000):
        w.writerow([f"B{i:07d}", f"CL{1 + i % 400:04d}", "2027-01",
                    "2027-01-05T10:00:00Z", 1 + i % 5, 1 + i % 5, i % 11])
PY
cat >> playbook.lua <<'LUA'
cycle "2027-01" {
  import = { { questionnaire = "llamada", file = "data/big.csv" } },
  scorers = { "nps", "csat" }, min_n = 10,
}
LUA
before=$(q "select coalesce(sum(n), 0) from response_blocks")
"$MEJORA" -q run playbook.lua --cycle 2027-01 > /dev/null 2>&1 &
pid=$!
# An import into a store no one else has open writes in place, with a
# rollback journal beside the file (doc/storage.md): it has begun when
# the journal appears. (Readers wait for it, so the cycle row cannot be
# polled for.)
i=0
while [ $i -lt 600 ] && [ ! -s mejora.db-journal ]; do
  sleep 0.01; i=$((i + 1))
done
sleep 0.05
kill -9 $pid; ok $? "killed while the cycle imports"
wait $pid 2>/dev/null
is "$(q 'pragma integrity_check')" "ok" "intact after a kill during an import"
after=$(q "select coalesce(sum(n), 0) from response_blocks")
ok "$(test "$after" = "$before" || test "$after" = $((before + 1000000)); echo $?)" \
  "the import is all or nothing ($before -> $after)"
is "$(q "select count(*) from results r join cycles c on c.id = r.cycle where c.name = '2027-01'")" "0" \
  "the killed cycle has no figures"

# 3. Killed during a complaints import: nothing of it stays.
"$PYTHON" - <<'PY'
import csv
with open("data/many-complaints.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "received_at", "category"])
    for i in range(1000000):
        w.writerow([f"Z{i:07d}", "2027-01-03T10:00:00Z", "long-wait"])
PY
before=$(q "select count(*) from complaints")
"$MEJORA" complaints playbook.lua import data/many-complaints.csv > /dev/null 2>&1 &
pid=$!
sleep 0.5
kill -9 $pid; ok $? "killed while the complaints import"
wait $pid 2>/dev/null
after=$(q "select count(*) from complaints")
ok "$(test "$after" = "$before" || test "$after" = $((before + 1000000)); echo $?)" \
  "a killed complaints import is all or nothing ($before -> $after)"

# After all that, the next cycle runs to the end and the history is whole.
run "$MEJORA" -q run playbook.lua --cycle 2026-12
is "$rc" 0 "the next cycle runs after the kills"
run "$MEJORA" plans playbook.lua show P2-informacion
like "$out" "opened" "P2's history reads back"
is "$(q "select count(*) from cycles where status = 'done'")" "2" \
  "two cycles done, the killed ones left as they were"
done_testing
