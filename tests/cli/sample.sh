#!/bin/sh
# mejora sample on the example shop: a stratified draw with a seed prints
# its sizes and tokens, repeats exactly on another store, respects the
# fatigue rule on the same store, never invites a customer who has left,
# and refuses an unknown sample by name.
. "$top_srcdir/tests/cli/tap.sh"
plan 10
scratch; example_copy
cd "$tmp/shop"
cat >> playbook.lua <<'LUA'
sample "nov" { questionnaire = "visita", method = "stratified",
               margin = 0.1, seed = 2026, fatigue_days = 60 }
sample "all" { questionnaire = "visita", size = 1000, seed = 1,
               fatigue_days = 0 }
LUA
run "$MEJORA" --db "sqlite:$tmp/a.db" sample playbook.lua nov
is "$rc" 0 "a sample is drawn"
like "$out" 'size: n0 = 96\.04' "n0 for a margin of 0.1 at 95%"
like "$out" '^[0-9a-f]{32} C[0-9]+ ' "each invitation has a 32-hex-digit token"
first=$(printf '%s\n' "$out" | awk 'length($1) == 32 { print $2 }' | sort)
run "$MEJORA" --db "sqlite:$tmp/b.db" sample playbook.lua nov --format json
second=$(printf '%s\n' "$out" | $PYTHON -c \
  'import json,sys; print("\n".join(sorted(i["customer"] for i in json.load(sys.stdin)["invited"])))')
is "$second" "$first" "the same seed draws the same customers on another store"
run "$MEJORA" --db "sqlite:$tmp/a.db" sample playbook.lua nov --format json
n=$(printf '%s\n' "$first" | wc -l)
fat=$(printf '%s\n' "$out" | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["fatigued"])')
is "$fat" "$n" "a second draw rests everyone invited by the first"
# C018, C026 and C040 left in November 2026 (their `until`).
out=$(MEJORA_NOW=2026-12-15 "$MEJORA" -q --db "sqlite:$tmp/c.db" \
  sample playbook.lua all --format json 2>&1)
left=$(printf '%s\n' "$out" | $PYTHON -c \
  'import json,sys; print(json.load(sys.stdin)["left"])')
is "$left" 3 "three customers have left by the engine's clock"
unlike "$(printf '%s\n' "$out" | grep '"customer"')" 'C018|C026|C040' \
  "none of them is invited"
run "$MEJORA" sample playbook.lua nope
is "$rc" 1 "an unknown sample is a user error"
like "$out" "no sample 'nope'; the playbook declares 'nov'" "and names the samples"
run "$MEJORA" sample playbook.lua
is "$rc" 2 "a missing name is a usage error"
done_testing
