#!/bin/sh
# The call-centre example over its two cycles: complaints and mystery-shopper
# calls imported, the service standard judged, two plans opened in November;
# in December one is verified effective (closed, with its p-value) and the
# other escalated. Figures checked against hand and scipy computations.
. "$top_srcdir/tests/cli/tap.sh"
plan 36
scratch
cp -R "$top_srcdir/examples/call-center/playbook.lua" \
      "$top_srcdir/examples/call-center/data" "$tmp/"
chmod -R u+w "$tmp"
cd "$tmp"

run "$MEJORA" complaints playbook.lua import data/complaints-2026-11.csv
is "$rc" 0 "November complaints import"
like "$out" "42 row\(s\): 42 stored, 0 updated, 0 rejected" "all 42 stored"
run "$MEJORA" complaints playbook.lua import data/complaints-2026-12.csv
run "$MEJORA" audits playbook.lua import data/calls-2026-11.csv
like "$out" "40 row\(s\): 40 stored, 0 updated, 0 rejected" "November calls stored"
run "$MEJORA" audits playbook.lua import data/calls-2026-12.csv
is "$rc" 0 "December calls stored"

# The same Pareto by hand: counts of each category in the CSV.
want=$(cut -d, -f5 data/complaints-2026-11.csv | sed 1d | sort | uniq -c |
       sort -k1,1nr | head -1 | awk '{print $2 " " $1}')
run "$MEJORA" complaints playbook.lua report --wave 2026-11
first=$(printf '%s\n' "$out" | sed -n '/category (Pareto)/{n;p;}' | awk '{print $1 " " $2}')
is "$first" "$want" "Pareto: the largest category first, with its count"
like "$out" "42 received, 3 still open" "received and still-open counts"

run "$MEJORA" -q run playbook.lua --cycle 2026-11
is "$rc" 0 "November's cycle runs"
like "$out" "S1 +not met +audit.compliance:answer_time = 50.0 \(target >= 90, n 40\)" \
  "S1 not met: half the calls answered within 20 s"
like "$out" "S2 +met " "S2 met: complaints answered within 48 h"
like "$out" "answer_time +objective +<= 20 +40 50.0% " "scorecard: answer_time compliance"
like "$out" "gave_company_name +check +yes +40 " "the phone-protocol checklist is in the scorecard"
like "$out" "^  site:norte +20 " "a scorecard per site"
like "$out" "^  agent:ana +10 " "a scorecard per agent"
# Gap 1: what staff believe customers expect of R1 minus what customers
# expect of it (not what they say of the service), from the CSVs.
gap1=$("$PYTHON" -c '
import csv, statistics as st
s = [int(r["cree_esperan_informacion"]) for r in csv.DictReader(open("data/staff-2026-11.csv"))]
c = [int(r["espera_informacion"]) for r in csv.DictReader(open("data/expectations-2026-11.csv"))]
print("%+.2f" % (st.mean(s) - st.mean(c)))')
like "$out" "^  gap1 +believed - customers' expectation +R1 via cree_esperan_informacion +\\$gap1" \
  "gap 1 ($gap1): staff's belief of what customers expect against what they expect"
like "$out" "^  gap3 +delivery - standard +S1 +-40.00" "gap 3 of S1: 50% against 90%"
# Gap 2: R1's target (4.0, the specification) minus what the staff believe
# customers expect of it.
gap2=$("$PYTHON" -c '
import csv, statistics as st
s = [int(r["cree_esperan_informacion"]) for r in csv.DictReader(open("data/staff-2026-11.csv"))]
print("%+.2f" % (4.0 - st.mean(s)))')
like "$out" "^  gap2 +specification - believed expectation +R1 via cree_esperan_informacion +$gap2" \
  "gap 2 ($gap2): the specification asks less than staff think customers expect"
like "$out" "^  gap4 +delivery - promise +PR1 +-45.00" \
  "gap 4 of PR1: 50% answered within 20 s against 95% promised"
run "$MEJORA" report playbook.lua --format json
gaps=$(printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
print(" ".join(sorted({x["metric"] for x in r["figures"] if x["scorer"] == "gaps"})))')
is "$gaps" "gap1 gap2 gap3 gap4" "the JSON report carries gaps 1 to 4 (no SERVQUAL data: no gap 5)"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-espera +open " "P1 opened by the standard S1 not met"
like "$out" "^P2-informacion +open " "P2 opened by the wrong-info complaints"
run "$MEJORA" plans playbook.lua show P2-informacion
n=$(cut -d, -f5 data/complaints-2026-11.csv | grep -c '^wrong-info$')
like "$out" "opened +complaints\\.count:category/wrong-info = $n\\.0 \\(n [0-9]+\\)$" \
  "P2's declarative trigger recorded its evidence: $n wrong-info complaints"

"$MEJORA" plans playbook.lua update P1-espera --action 1 --status done > /dev/null
"$MEJORA" plans playbook.lua update P1-espera --action 2 --status done > /dev/null
"$MEJORA" plans playbook.lua update P2-informacion --action 1 --status done > /dev/null
run "$MEJORA" -q run playbook.lua --cycle 2026-12
is "$rc" 0 "December's cycle runs"
like "$out" "S1 +met +audit.compliance:answer_time = 95.0" "S1 met in December"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-espera +closed +jefe.turno@callcenter.example " "P1 verified effective: closed"
like "$out" "^P2-informacion +escalated +direccion@callcenter.example " \
  "P2 not effective: escalated to its new owner"

run "$MEJORA" plans playbook.lua show P1-espera
like "$out" 'verified +audit\.compliance:phone-shopper/answer_time 50\.0 -> 95\.0 \(n 40 -> 40\), two-proportion z, p = 6\.6e-06: effective$' \
  "P1's verification says effective, in one rounded sentence"
run "$MEJORA" plans playbook.lua show P1-espera --format json
p=$(printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
print(repr([e for e in json.load(sys.stdin)[0]["events"]
            if e["kind"] == "verified"][0]["note"]["p_value"]))')
# Reference: scipy's two-proportion z-test (pooled), 20/40 vs 38/40.
ref=$("$PYTHON" -c '
from math import sqrt
from scipy.stats import norm
x1, x2, n = 20, 38, 40
pp = (x1 + x2) / (2 * n)
z = (x2 / n - x1 / n) / sqrt(pp * (1 - pp) * 2 / n)
print(2 * norm.sf(abs(z)))')
# The p-value is stored as computed: it agrees to rounding error.
close=$("$PYTHON" -c "print(abs($p - $ref) < 1e-12 * $ref)")
is "$close" "True" "P1's p-value ($p) is scipy's ($ref)"
run "$MEJORA" plans playbook.lua show P2-informacion
like "$out" 'escalated +csat\.mean:R1 [0-9.]+ -> [0-9.]+ \(n 60 -> 60\), Welch t, p = 1\.000: not effective$' \
  "P2's verification: Welch, p = 1"

# Running December again, in its place, reopens no plan.
run "$MEJORA" -q run playbook.lua --cycle 2026-12 --rerun
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-espera +closed " "P1 stays closed"
run "$MEJORA" complaints playbook.lua import data/complaints-2026-11.csv
like "$out" "42 row\(s\): 0 stored, 42 updated, 0 rejected" \
  "re-importing complaints updates them in place, and says so"
run "$MEJORA" complaints playbook.lua report --wave 2026-11
like "$out" "42 received" "and does not duplicate them"

# A store written by an earlier version keeps times in a plan's actions
# and overdue notes as seconds since the epoch: they read back as ISO 8601.
sqlite3 mejora.db <<'SQL'
update plans set actions = '[{"text": "x", "due_at": 1798761600,
  "status": "done", "done_at": 1798675200}]' where id = 'P2-informacion';
insert into plan_events(plan, cycle, at, kind, note)
  values ('P2-informacion', 2, 1798761600, 'overdue',
          '{"due_at": 1798675200, "now": 1798761600}');
SQL
run "$MEJORA" plans playbook.lua show P2-informacion --format json
times=$(printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
p = json.load(sys.stdin)[0]
a, n = p["actions"][0], p["events"][-1]["note"]
print(a["due_at"], a["done_at"], n["due_at"], n["now"])')
jan1=2027-01-01T00:00:00Z dec31=2026-12-31T00:00:00Z
is "$times" "$jan1 $dec31 $dec31 $jan1" \
  "epoch times of an earlier store read back as ISO 8601"

# The demo a newcomer runs ends with the verdicts as the notifier sent
# them and as the plans record them.
run sh "$top_srcdir/examples/call-center/demo" "$top_builddir"
# It works in the build tree; a clean build tree keeps nothing of it.
rm -rf "$top_builddir/demo/call-center"
rmdir "$top_builddir/demo" 2>/dev/null || :
is "$rc" 0 "examples/call-center/demo runs to the end"
like "$out" "^plan\.closed: Plan 'P1-espera' closed: effective \(p = " \
  "the demo prints the notifier's line for P1 verified effective"
like "$out" "^plan\.escalated: Plan 'P2-informacion' escalated: not effective" \
  "and for P2 escalated"
like "$out" "cycle 2 +verified .*: effective$" \
  "and P1's verification as the plan records it"
done_testing
