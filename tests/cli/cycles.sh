#!/bin/sh
# Which cycle a run means and which responses it counts: a plain run runs
# the current cycle, a finished cycle runs again only with --rerun and in
# its place, changes are measured against the cycle declared before, a
# closed plan never reopens on older evidence, and every response belongs
# to one cycle (its wave, the cycle that imported it, its date, or the
# current cycle), with a note when a cycle finds none.
. "$top_srcdir/tests/cli/tap.sh"
plan 31
scratch
q() { sqlite3 "$1" "$2"; }

# ---- two cycles and a plan: A opens it, B closes it ----------------------
mkdir "$tmp/two" && cd "$tmp/two"
cat > playbook.lua <<'LUA'
customer "c1" {}
requirement "R1" { text = "Quick service", target = 4 }
questionnaire "q" { question "s" { type = "scale5", measures = "R1" } }
plan "P" { owner = "ana", due = "30d", actions = { "second till" },
  when = function(r) return r.mean("R1") < 4 end,
  verify = { metric = "csat.mean:R1", test = "welch", alpha = 0.05 } }
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } },
  scorers = { "csat" }, min_n = 1 }
cycle "B" { import = { { questionnaire = "q", file = "b.csv" } },
  scorers = { "csat" }, min_n = 1 }
LUA
# Neither file has a wave: each response belongs to the cycle importing it.
printf 'response_id,customer_id,s\n' > a.csv
printf 'a%d,c1,%d\n' 1 1 2 2 3 1 4 2 5 1 >> a.csv
printf 'response_id,customer_id,s\n' > b.csv
printf 'b%d,c1,%d\n' 1 5 2 5 3 4 4 5 >> b.csv

run "$MEJORA" -q run playbook.lua --cycle A
is "$rc" 0 "cycle A runs"
run "$MEJORA" plans playbook.lua update P --action 1 --status done
run "$MEJORA" -q run playbook.lua --cycle B
is "$rc" 0 "cycle B runs"
run "$MEJORA" plans playbook.lua list
like "$out" "^P +closed " "B's evidence verified the plan: closed"
n_b=$(q mejora.db "select r.n from results r join cycles c on c.id = r.cycle
  where c.name = 'B' and r.scorer = 'csat' and r.metric = 'mean'
  and r.question = 's' and r.segment = 'all'")
is "$n_b" 4 "B counts the 4 responses it imported, not A's 5 without a wave"
events=$(q mejora.db "select count(*) from plan_events")
results=$(q mejora.db "select count(*) from results")

run "$MEJORA" run playbook.lua
is "$rc" 1 "a plain run after B does not run a finished cycle"
like "$out" 'cycle "B" already ran \(stored cycle 2, finished [0-9T:-]+Z\).*--rerun' \
  "it names the finished current cycle and --rerun"
is "$(q mejora.db "select group_concat(name || ':' || status, ' ') from cycles")" \
  "A:done B:done" "no cycle was added: A was not run again"
is "$(q mejora.db "select count(*) from plan_events")" "$events" \
  "the plan's history is unchanged"

run "$MEJORA" -q run playbook.lua --cycle A
is "$rc" 1 "naming a finished cycle without --rerun is refused too"
like "$out" 'cycle "A" already ran.*next declared cycle is "B"' \
  "the refusal points at the next declared cycle"

run "$MEJORA" -q run playbook.lua --cycle A --rerun
is "$rc" 0 "--rerun runs A again"
is "$(q mejora.db "select group_concat(id || ':' || name || ':' || status, ' ') from cycles")" \
  "1:A:done 2:B:done" "in its place: still one cycle A, with its id"
run "$MEJORA" plans playbook.lua list
like "$out" "^P +closed " "A's older evidence does not reopen the plan B closed"
is "$(q mejora.db "select count(*) from plan_events where kind = 'opened'")" 1 \
  "the plan opened once"
is "$(q mejora.db "select count(*) from results r join cycles c on c.id = r.cycle
  where c.name = 'A' and r.delta is not null and r.delta = r.delta")" 0 \
  "A is the first declared cycle: no change against B, run after it"

run "$MEJORA" -q run playbook.lua --rerun
is "$rc" 0 "a plain --rerun runs the current cycle, B, again"
is "$(q mejora.db "select count(*) from results")" "$results" \
  "its figures replace the ones it had: as many results as before"
is "$(q mejora.db "select count(*) from cycles")" 2 "still two cycles"

# A run that fails is not finished: the next run replaces it, unasked.
cat >> playbook.lua <<'LUA'
cycle "C" { import = { { questionnaire = "q", file = "c.csv" } },
  scorers = { "csat" }, min_n = 1 }
LUA
run "$MEJORA" -q run playbook.lua --cycle C
ok "$([ "$rc" -ne 0 ]; echo $?)" "C fails: its file is missing"
printf 'response_id,customer_id,s\nc1,c1,4\n' > c.csv
run "$MEJORA" -q run playbook.lua --cycle C
is "$rc" 0 "C runs once its file is there"
is "$(q mejora.db "select group_concat(id || ':' || status) from cycles where name = 'C'")" \
  "3:done" "in the failed run's place: one cycle C"

# ---- three cycles: the previous one is the one declared before -----------
mkdir "$tmp/three" && cd "$tmp/three"
cat > playbook.lua <<'LUA'
customer "c1" {}
questionnaire "q" { question "s" { type = "scale5" } }
cycle "A" { scorers = { "csat" }, min_n = 1 }
cycle "B" { scorers = { "csat" }, min_n = 1 }
cycle "C" { scorers = { "csat" }, min_n = 1 }
cycle "D" { scorers = { "csat" }, min_n = 1 }
LUA
printf 'response_id,customer_id,wave,s\n' > waves.csv
printf 'a%d,c1,A,%d\n' 1 1 2 1 3 2 >> waves.csv
printf 'b%d,c1,B,%d\n' 1 3 2 3 3 4 >> waves.csv
printf 'c%d,c1,C,%d\n' 1 5 2 5 3 5 >> waves.csv
run "$MEJORA" -q import playbook.lua q waves.csv
is "$rc" 0 "responses of three waves imported"
"$MEJORA" -q run playbook.lua --cycle A > /dev/null 2>&1
"$MEJORA" -q run playbook.lua --cycle C > /dev/null 2>&1
run "$MEJORA" -q run playbook.lua --cycle B
is "$rc" 0 "B runs after C"
run "$MEJORA" report playbook.lua --format json
delta=$(printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
f = [f for f in r["figures"] if f["scorer"] == "csat" and f["metric"] == "mean"
     and f["question"] == "s" and f["segment"] == "all"][0]
print("%.4f %d" % (f["delta"], f["n"]))')
is "$delta" "2.0000 3" "B's mean (10/3) changed by +2 against A's (4/3), not against C, run last"

# A response without a wave nor a date, stored outside a cycle, belongs to
# the current cycle: with no periods, the last declared one.
printf 'response_id,customer_id,s\nx1,c1,4\nx2,c1,4\n' > nowave.csv
"$MEJORA" -q import playbook.lua q nowave.csv > /dev/null 2>&1
run "$MEJORA" export playbook.lua q --format csv
like "$out" "^x1,([^,]*,)*D," "x1 is stored with wave D, the current cycle"

# A cycle no response belongs to says where they are, and still runs.
cat >> playbook.lua <<'LUA'
cycle "E" { scorers = { "csat" }, min_n = 1 }
LUA
run "$MEJORA" run playbook.lua --cycle E
is "$rc" 0 "a cycle without responses runs to the end"
like "$out" 'no response belongs to cycle "E": 11 stored, in wave "A" \(3\), wave "B" \(3\), wave "C" \(3\), wave "D" \(2\)' \
  "it says how many responses are stored, in which waves"

# ---- a response's date puts it in the cycle whose period holds it --------
mkdir "$tmp/dates" && cd "$tmp/dates"
cat > playbook.lua <<'LUA'
customer "c1" {}
questionnaire "q" { question "s" { type = "scale5" } }
cycle "oct" { scorers = { "csat" }, min_n = 1,
  period = { from = "2026-10-01", to = "2026-11-01" } }
cycle "nov" { scorers = { "csat" }, min_n = 1,
  period = { from = "2026-11-01", to = "2026-12-01" } }
LUA
printf 'response_id,customer_id,submitted_at,s\n%s\n' \
  r1,c1,2026-10-05,1 r2,c1,2026-11-05,5 r3,c1,2026-11-30T23:59:59Z,4 > dated.csv
"$MEJORA" -q import playbook.lua q dated.csv > /dev/null 2>&1
run "$MEJORA" -q run playbook.lua --cycle oct
is "$(q mejora.db "select r.n from results r join cycles c on c.id = r.cycle
  where c.name = 'oct' and r.metric = 'mean' and r.segment = 'all'")" 1 \
  "October counts the one response dated in October"
run "$MEJORA" -q run playbook.lua --cycle nov
is "$(q mejora.db "select r.n || ' ' || r.value from results r join cycles c on c.id = r.cycle
  where c.name = 'nov' and r.metric = 'mean' and r.segment = 'all'")" "2 4.5" \
  "November counts the two dated in November (mean 4.5)"

# The current cycle is the latest declared whose period has started.
cat >> playbook.lua <<'LUA'
cycle "dec" { scorers = { "csat" }, min_n = 1,
  period = { from = "2026-12-01", to = "2027-01-01" } }
LUA
export MEJORA_NOW=2026-11-25T12:00:00Z
run "$MEJORA" -q run playbook.lua
like "$out" 'cycle "nov" already ran .* is the current cycle' \
  "on 25 November a plain run means nov (dec has not started) and it ran"
export MEJORA_NOW=2026-12-02T08:00:00Z
run "$MEJORA" -q run playbook.lua
is "$(q mejora.db "select group_concat(name) from cycles")" "oct,nov,dec" \
  "on 2 December a plain run runs dec"
done_testing
