#!/bin/sh
# mejora run / report on the pyme-retail example: scores per segment, the
# plan opens once, results read back as text and JSON.
. "$top_srcdir/tests/cli/tap.sh"
plan 18
scratch; example_copy
cd "$tmp/shop"

run "$MEJORA" check playbook.lua
is "$rc" 0 "the example playbook checks"
ok "$(test ! -e mejora.db; echo $?)" "check touches no store"

run "$MEJORA" run playbook.lua
is "$rc" 0 "a full cycle runs"
# block TITLE: the lines of the report's table under TITLE.
block() { printf '%s\n' "$out" | awk -v t="$1" 'index($0, t) == 1 { f = 1 } f && /^$/ { exit } f'; }
nps=$(block "nps: visita nps")
for seg in mostrador online empresas; do
  like "$nps" "^  $seg +[0-9]+ +-?[0-9.]+ \[-?[0-9.]+, -?[0-9.]+\]" "NPS with its interval for segment $seg"
done
like "$out" "R1 Immediate attention +3\.[0-9]+ \[.*NOT MET" "R1's mean is reported below its target"
like "$out" "P1-cola-caja.*open" "the plan for R1 (below target) opened"
unlike "$out" "P2-recomendacion.*open" "the NPS plan did not fire"
like "$(cat notify.log 2>/dev/null)" '"plan.opened".*P1-cola-caja' "the owner was notified in notify.log"

# Retention over November recomputed from the customers file.
want=$("$PYTHON" - data/customers.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
f, t = "2026-11-01", "2026-12-01"
act = lambda r, d: r["since"] < d and (r["until"] == "" or r["until"] >= d)
S = sum(act(r, f) for r in rows)
N = sum(f <= r["since"] < t for r in rows)
E = sum(act(r, t) for r in rows)
print("%.1f" % (100.0 * (E - N) / S))
PY
)
ret=$(block "retention: customers")
like "$ret" "^  all +[0-9]+ +$want \[" "retention of all customers equals the one computed from the CSV ($want%)"
like "$ret" "^  empresas +[0-9]+ +[0-9.]+ \[" "retention per segment"

run "$MEJORA" run playbook.lua --rerun
is "$rc" 0 "a second run, in the cycle's place, succeeds"
opened=$(grep -c 'plan.opened' notify.log)
is "$opened" 1 "the plan is not reopened on the next run"

run "$MEJORA" report playbook.lua --format json
is "$rc" 0 "report --format json"
printf '%s\n' "$out" > report.json
check=$("$PYTHON" - report.json <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))
assert r["format"] == "mejora-results/1", r["format"]
figs = r["figures"]
keys = {"scorer", "metric", "segment", "n", "value", "ci_low", "ci_high"}
assert all(keys <= set(f) for f in figs), "missing keys"
nps = [f for f in figs if f["scorer"] == "nps" and f["metric"] == "nps"
       and f["question"] == "nps"]
segs = sorted(f["segment"] for f in nps)
assert segs == ["all", "empresas", "mostrador", "online"], segs
for f in nps:
    assert f["ci_low"] <= f["value"] <= f["ci_high"], f
print("ok", len(figs))
PY
)
like "$check" "^ok [0-9]+" "JSON results: format, fields, NPS per segment with its interval"

# NPS recomputed from the CSV for segment "empresas" equals the report's.
want=$("$PYTHON" - data/customers.csv data/responses.csv <<'PY'
import csv, sys
seg = {r["id"]: r["segment"] for r in csv.DictReader(open(sys.argv[1]))}
v = [int(r["nps"]) for r in csv.DictReader(open(sys.argv[2]))
     if seg[r["customer_id"]] == "empresas"]
print("%.4f" % (100.0 * (sum(x >= 9 for x in v) - sum(x <= 6 for x in v)) / len(v)))
PY
)
got=$("$PYTHON" -c 'import json,sys
r=json.load(open("report.json"))
print("%.4f" % [f["value"] for f in r["figures"] if f["scorer"]=="nps" and f["metric"]=="nps" and f["question"]=="nps" and f["segment"]=="empresas"][0])')
is "$got" "$want" "the report's NPS for empresas equals one computed from the CSV"

run "$MEJORA" report playbook.lua --format text
like "$out" "P1-cola-caja" "report --format text shows the plan"
done_testing
