#!/bin/sh
# The playbook's time limit holds in C library calls and in error handlers:
# `check` and `run` stop within the limit plus one second with FILE:LINE,
# and a cycle whose trigger runs away is stored as failed, not 'running'.
. "$top_srcdir/tests/cli/tap.sh"
plan 17
scratch; example_copy
cd "$tmp/shop"

ms() { date +%s%3N; }
# timed CMD...: run, and set $took to the milliseconds it took.
timed() { t0=$(ms); run "$@"; took=$(($(ms) - t0)); }
# What starting mejora and checking a playbook costs on this machine, so
# that the bounds below are the limit plus one second of the hang itself.
echo 'requirement "R1" {}' > quick.lua
timed "$MEJORA" check quick.lua
timed "$MEJORA" check quick.lua
base=$took
# stops FILE LINE DESCRIPTION: check FILE with a 200 ms limit.
stops() {
  timed "$MEJORA" --time-limit 200 check "$1"
  is "$rc" 1 "$3: exit 1"
  like "$out" "^mejora: $1:$2: playbook exceeded its time limit \(200 ms\)$" \
    "$3: FILE:LINE and the limit"
  ok "$(test "$took" -lt $((base + 1200)); echo $?)" \
    "$3: stops within the limit plus 1 s ($took ms, $base ms to start)"
}

cat > pattern.lua <<'EOF'
local s, p = string.rep("a", 1500), string.rep("a-", 3) .. "b"
local found = s:find(p)
EOF
stops pattern.lua 2 "a backtracking pattern"

cat > handler.lua <<'EOF'
requirement "R1" {}
local spin = function() while true do end end
xpcall(error, spin)
EOF
stops handler.lua 2 "an xpcall handler that loops"

cat > move.lua <<'EOF'

local t = table.move({}, 1, 2^53, 1, {})
EOF
stops move.lua 2 "table.move over 2^53 slots"

run "$MEJORA" --time-limit 2s check playbook.lua
is "$rc" 2 "a time limit that is not milliseconds: usage error"
like "$out" "--time-limit takes milliseconds" \
  "the usage error says what it takes"

# A plan whose trigger loops in its error handler, during `run`.
cat >> playbook.lua <<'EOF'
plan "P9-runaway" { owner = "ops", when = function(r)
  return xpcall(function() return r.figure{ metirc = "nps" } end,
                function() while true do end end) end }
EOF
line=$(grep -n 'function() while true do end end' playbook.lua | cut -d: -f1)
timed "$MEJORA" check playbook.lua
base=$took
timed "$MEJORA" --time-limit 200 run playbook.lua
is "$rc" 1 "run: a runaway trigger fails the run"
like "$out" "playbook.lua:$line: playbook exceeded its time limit \(200 ms\)" \
  "run: FILE:LINE of the runaway handler"
# A cycle also imports and scores: allow twice what loading costs.
ok "$(test "$took" -lt $((2 * base + 1200)); echo $?)" \
  "run: over within the limit plus 1 s ($took ms, $base ms to load)"
is "$(sqlite3 mejora.db "select status from cycles order by id desc limit 1")" \
  failed "run: the cycle is stored as failed"
like "$(sqlite3 mejora.db "select message from notifications
  where kind = 'plan.trigger_error'")" \
  "playbook.lua:$line: playbook exceeded its time limit \(200 ms\)" \
  "run: the failure and its message are stored with the notifications"
like "$(cat notify.log)" '"plan.trigger_error".*P9-runaway' \
  "run: the operator is notified"
done_testing
