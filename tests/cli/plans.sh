#!/bin/sh
# A plan's life over two cycles: opened on evidence, actions recorded done,
# then verified at the next cycle: effective -> closed with its p-value,
# not effective -> escalated to a new owner. The history reads back whole.
. "$top_srcdir/tests/cli/tap.sh"
plan 20
scratch; example_copy
cd "$tmp/shop"

# A second plan that will not work (courtesy does not change in December),
# and the December cycle.
cat >> playbook.lua <<'LUA'
plan "P3-trato" {
  owner = "encargado@laesquina.example", due = "30d",
  escalate_to = "direccion@laesquina.example",
  actions = { "Taller de trato al cliente / Customer care workshop" },
  when = function(r) return r.mean("R2") < 4.5 end,
  verify = { metric = "csat.mean:R2", test = "welch", alpha = 0.05 },
}
cycle "2026-12" {
  import = { { questionnaire = "visita", file = "data/december.csv" } },
  scorers = { "nps", "csat" }, min_n = 10,
}
LUA
# December: the second till works (attention one point better, capped at
# 5); everything else as in November.
awk -F, -v OFS=, 'NR == 1 { print; next }
  { sub(/^V2611/, "V2612", $1); $3 = "2026-12";
    if ($5 ~ /^[1-4]$/) $5 = $5 + 1; print }' data/responses.csv > data/december.csv

run "$MEJORA" run playbook.lua --cycle 2026-11
is "$rc" 0 "November runs"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-cola-caja +open +jefa.tienda@laesquina.example +2026-12-2[0-9] +0/3 +cycle 1" "list: P1 open, 0 of 3 actions done"
like "$out" "^P3-trato +open " "list: P3 open"
unlike "$out" "P2-recomendacion" "P2 never fired, so it is not listed"

run "$MEJORA" plans playbook.lua update P1-cola-caja --action 1 --status done --note "segunda caja desde el día 3"
is "$rc" 0 "an action is marked done"
like "$out" "1\. \[done\] Abrir una segunda caja" "show after update: action 1 done"
run "$MEJORA" plans playbook.lua update P1-cola-caja --action 2 --status done
run "$MEJORA" plans playbook.lua update P1-cola-caja --action 3 --status done
run "$MEJORA" plans playbook.lua update P3-trato --action 1 --status done
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-cola-caja +open .* 3/3 " "all three actions of P1 done"

run "$MEJORA" plans playbook.lua update P1-cola-caja --action 9 --status done
is "$rc" 1 "an action that does not exist is refused"
like "$out" "no action 9 \(it has 3\)" "and the message says how many there are"
run "$MEJORA" plans playbook.lua update P1-cola-caja --status finished
like "$out" "unknown plan status 'finished'" "an unknown status is refused by name"
run "$MEJORA" plans playbook.lua show P9
like "$out" "no plan 'P9'" "an unknown plan is named"

run "$MEJORA" run playbook.lua --cycle 2026-12
is "$rc" 0 "December runs"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-cola-caja +closed " "P1 verified effective: closed"
like "$out" "^P3-trato +escalated +direccion@laesquina.example " "P3 not effective: escalated to its new owner"

run "$MEJORA" plans playbook.lua show P1-cola-caja --format json
printf '%s\n' "$out" > p1.json
check=$("$PYTHON" - p1.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))[0]
kinds = [e["kind"] for e in p["events"]]
assert kinds == ["opened", "action.updated", "action.updated",
                 "action.updated", "verified"], kinds
v = p["events"][-1]["note"]
assert v["effective"] is True and v["test"] == "welch-t", v
assert v["p_value"] < 0.05 and v["after"] > v["before"], v
assert p["events"][1]["note"]["text"] == "segunda caja desde el día 3"
print("ok %.3g" % v["p_value"])
PY
)
like "$check" "^ok " "P1's history: opened, three actions done, verified with Welch's p < 0.05"
run "$MEJORA" plans playbook.lua show P3-trato
like "$out" "escalated .*: not effective$" \
  "P3's history ends with the failed verification"

log=$(cat notify.log)
like "$log" '"event":"plan.closed".*P1-cola-caja' "the owner is told P1 closed"
like "$log" '"event":"plan.escalated".*P3-trato' "and P3's escalation is notified"

run "$MEJORA" report playbook.lua --format json
printf '%s\n' "$out" > dec.json
check=$("$PYTHON" - dec.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = [x for x in r["figures"] if x["scorer"] == "csat" and x["metric"] == "mean"
     and x["requirement"] == "R1" and x["segment"] == "all"][0]
# A scale's mean is compared by Mann-Whitney: both cycles stored its
# distribution (compare.c).
assert f["test"] == "mann-whitney-u", f
assert f["delta"] > 0.5 and f["p_change"] < 1e-6, f
g = [x for x in r["figures"] if x["scorer"] == "nps" and x["metric"] == "nps"
     and x["segment"] == "all"][0]
assert g["test"] == "nps-wald-z" and abs(g["delta"]) < 1e-9, g
print("ok")
PY
)
is "$check" "ok" "December's figures carry their change against November and its test"

run "$MEJORA" run playbook.lua --cycle 2026-12 --rerun
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-cola-caja +closed " "December run again does not reopen the closed plan on the same evidence"
done_testing
