#!/bin/sh
# Versioned questionnaires' data through the CLI: a mapped CSV imports,
# pilot rows are kept but left out (then counted with include_pilot),
# figures per channel, and a questionnaire whose question changed type
# makes version 2 and the report says which answers were left out.
. "$top_srcdir/tests/cli/tap.sh"
plan 20
scratch
cd "$tmp"

cat > playbook.lua <<'LUA'
store "sqlite:store.db"
segment "retail" { name = "Retail" }
customer "C1" { segment = "retail", name = "Ana", channel = "phone" }
customer "C2" { segment = "retail", name = "Ben", channel = "web" }
customer "C3" { segment = "retail", name = "Eva" }
questionnaire "q" {
  title = "How did we do?",
  question "nps" { type = "nps" },
  question "q3" { type = "scale5" },
}
cycle "2026-11" {
  import = { { questionnaire = "q", file = "wave1.csv",
               columns = { nps = "Q1_NPS", customer_id = "cliente" } },
             { questionnaire = "q", file = "pilot.csv", pilot = true } },
  scorers = { "nps", "csat" },
  by = { "segment", "channel" },
}
LUA
printf 'response_id,cliente,Q1_NPS,q3,channel\nA1,C1,10,5,\nA2,C2,9,4,\nA3,C3,3,2,store\nA4,C1,8,4,web\n' > wave1.csv
printf 'response_id,customer_id,nps,q3\nP1,C1,0,1\nP2,C2,0,1\n' > pilot.csv

# nps figure of segment SEG in the JSON report: "n value".
fig() {
  "$PYTHON" - "$1" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = [x for x in r["figures"] if x["scorer"] == sys.argv[2]
     and x["metric"] == sys.argv[2] and x["segment"] == sys.argv[3]
     and x["question"] in ("nps", None)]
print(" ".join("%d %g" % (x["n"], x["value"]) for x in f) or "none")
PY
}

run "$MEJORA" run playbook.lua
is "$rc" 0 "a cycle with a mapped CSV and a pilot file runs"
like "$out" "q: 2 pilot response\(s\) left out" "the report counts the pilot responses left out"
run "$MEJORA" report playbook.lua --format json
printf '%s\n' "$out" > r1.json
is "$(fig r1.json nps all)" "4 25" "the figures use the 4 mapped responses, not the pilot ones"
is "$(fig r1.json nps channel:phone)" "1 100" "a blank channel falls back to the customer's (phone)"
is "$(fig r1.json nps channel:web)" "2 50" "a channel column wins over the customer's (web)"
is "$(fig r1.json nps channel:store)" "1 -100" "a customer without a channel counts by the file's"

run "$MEJORA" export playbook.lua q
like "$out" "^response_id,customer_id,segment,wave,submitted_at,nps,q3,channel,pilot" "the export has channel and pilot columns"
like "$out" "P1,C1,.*,phone,1" "and marks pilot responses"

# The same responses again, now counting pilots: the cycle runs again in
# its place.
sed 's/by = {/include_pilot = true, by = {/' playbook.lua > with-pilot.lua
run "$MEJORA" run with-pilot.lua --rerun
unlike "$out" "pilot response" "include_pilot = true: nothing left out"
run "$MEJORA" report with-pilot.lua --format json
printf '%s\n' "$out" > r2.json
is "$(fig r2.json nps all)" "6 -16.6667" "pilot responses counted with include_pilot"

# q3 becomes an NPS question: version 2.
sed -e 's/question "q3" { type = "scale5" }/question "q3" { type = "nps" }/' \
    -e 's/file = "wave1.csv"/file = "wave2.csv"/' -e 's/, pilot = true//' \
    -e 's/file = "pilot.csv"/file = "none.csv"/' playbook.lua > v2.lua
printf 'response_id,cliente,Q1_NPS,q3\nB1,C3,10,9\nB2,C2,9,10\n' > wave2.csv
printf 'response_id,customer_id,nps,q3\n' > none.csv
run "$MEJORA" run v2.lua --rerun
is "$rc" 0 "a cycle after the change of type runs"
like "$out" "warning: q: question q3 changed type in version 2 \(scale5 before, nps now\): 4 earlier answer\(s\) left out" "the cycle warns which question was left out"
like "$out" "Notes:.*" "the report has notes"
like "$out" "q: question q3 changed type in version 2" "naming the question and the version"
run "$MEJORA" report v2.lua --format json
printf '%s\n' "$out" > r3.json
q3=$("$PYTHON" - r3.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = [x for x in r["figures"] if x["scorer"] == "nps" and x["question"] == "q3"
     and x["segment"] == "all"][0]
print(f["n"])
PY
)
is "$q3" "2" "q3 is analysed on version 2's answers only"
is "$(fig r3.json nps all)" "6 50" "nps, unchanged, spans both versions"
printf 'response_id,customer_id,nps,q3\nT1,C1,7,7\n' > trial.csv
run "$MEJORA" import v2.lua q trial.csv --pilot
run "$MEJORA" export v2.lua q
like "$out" "T1,C1,.*,7,7,phone,1" "mejora import --pilot stores pilot responses"
# Mapping mistakes are the playbook's: named with its line.
sed 's/nps = "Q1_NPS"/nsp = "Q1_NPS"/' playbook.lua > badmap.lua
run "$MEJORA" check badmap.lua
like "$out" "badmap.lua:13: .*columns maps 'nsp', which is neither a question" "an unknown mapping target names the playbook line"
sed 's/by = { "segment", "channel" }/by = { "region" }/' playbook.lua > badby.lua
run "$MEJORA" check badby.lua
like "$out" "badby.lua:16: .*by lists 'region'" "an unknown breakdown names its line"
printf 'response_id,cliente,NPS,q3\nZ1,C1,1,1\n' > wave1.csv
run "$MEJORA" run playbook.lua --rerun
like "$out" "playbook.lua:12: import of 'wave1.csv' failed: .*'Q1_NPS', which the header lacks" "a missing source column names the import's line"
done_testing
