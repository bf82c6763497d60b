#!/bin/sh
# An untrusted playbook reads, creates and appends to files in its own
# folder only, whatever key names them and however (absolute, "..", a
# symbolic link); --trust lifts that, and the operator's own paths (--db,
# the import FILE) are never confined. mejora.env reads only the variables
# the operator allows, require only modules in mejora's folders and those
# in MEJORA_LUA_PATH. A FIFO named as a data file is refused, not read.
. "$top_srcdir/tests/cli/tap.sh"
plan 50
scratch
P=$tmp/pb
O=$tmp/outside
mkdir -p "$P" "$O"
# Anything that would hang is cut short, so a hang fails rather than blocks.
T="timeout 20"
# The clock the cycles run at, whatever the machine's says.
MEJORA_NOW=2026-11-15T12:00:00Z; export MEJORA_NOW

QN='questionnaire "q" { question "nps" { type = "nps", text = "Recommend us?" } }
segment "s" {}
customer "C0" { segment = "s" }'
# playbook LINES...: the playbook in $P, a questionnaire and the lines.
playbook() {
  { echo "$QN"; for l in "$@"; do echo "$l"; done; } > "$P/playbook.lua"
}
# cycle FILE: a cycle importing FILE.
cycle() {
  echo "cycle \"c1\" { import = { { questionnaire = \"q\", file = \"$1\" } }, scorers = { \"nps\" } }"
}
# R2's 11 is rejected, so an import writes a rejects file.
RESP='response_id,customer_id,nps
R1,C0,9
R2,C0,11'
printf '%s\n' "$RESP" > "$O/resp.csv"
printf '%s\n' "$RESP" > "$P/resp.csv"
printf 'id,segment\nC1,s\n' > "$O/customers.csv"
printf 'keep me\n' > "$O/victim.csv"
# refused DESCRIPTION: the last command failed with the sandbox's message.
refused() {
  if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q "outside the playbook's folder" &&
     printf '%s\n' "$out" | grep -q -- "--trust"; then ok 0 "$1"
  else ok 1 "$1"; printf '#   rc=%s: %s\n' "$rc" "$out"; fi
}
# absent FILE DESCRIPTION
absent() { ok "$(test ! -e "$1" && test ! -L "$1"; echo $?)" "$2"; }
fresh() { rm -f "$P"/mejora.db* "$P"/*.rejects.csv "$O"/*.rejects.csv "$O"/*.db* "$O"/*.log; }

# ---- customers --------------------------------------------------------
for f in ../outside/customers.csv "$O/customers.csv" link-c.csv; do
  ln -sf ../outside/customers.csv "$P/link-c.csv"
  playbook "customers \"$f\""
  run $T "$MEJORA" check "$P/playbook.lua"
  refused "customers \"$f\" refused"
done
run $T "$MEJORA" --trust check "$P/playbook.lua"
is "$rc" 0 "with --trust the customers file outside is read"

# ---- a cycle's import files, and their rejects ------------------------
ln -sf ../outside/resp.csv "$P/link-r.csv"
for f in ../outside/resp.csv "$O/resp.csv" link-r.csv; do
  fresh
  playbook "$(cycle "$f")"
  run $T "$MEJORA" run "$P/playbook.lua"
  refused "cycle import \"$f\" refused"
  absent "$O/resp.csv.rejects.csv" "no rejects file written outside for \"$f\""
done
fresh
playbook "$(cycle ../outside/resp.csv)"
run $T "$MEJORA" --trust run "$P/playbook.lua"
is "$rc" 0 "with --trust the import outside runs"
ok "$(grep -q '^R2,C0,11,' "$O/resp.csv.rejects.csv"; echo $?)" \
  "with --trust its rejects are written beside it"

# A rejects file inside the folder that is a link to a file outside.
fresh
playbook "$(cycle resp.csv)"
ln -sf ../outside/victim.csv "$P/resp.csv.rejects.csv"
run $T "$MEJORA" run "$P/playbook.lua"
refused "a rejects file linked outside is refused"
is "$(cat "$O/victim.csv")" "keep me" "the file it points to is untouched"
rm -f "$P/resp.csv.rejects.csv"
ln -s ../outside/new.csv "$P/resp.csv.rejects.csv"
run $T "$MEJORA" run "$P/playbook.lua"
ok "$(test "$rc" -ne 0; echo $?)" "a rejects file linked to nothing is refused"
absent "$O/new.csv" "and nothing is created where it points"
rm -f "$P/resp.csv.rejects.csv"
fresh
run $T "$MEJORA" run "$P/playbook.lua"
ok "$(test "$rc" -eq 0 && grep -q '^R2,C0,11,' "$P/resp.csv.rejects.csv"; echo $?)" \
  "the import inside the folder runs, its rejects beside it"

# ---- the store --------------------------------------------------------
ln -sfn ../outside "$P/dir-link"
for s in sqlite:../outside/x.db "sqlite:$O/x.db" ../outside/x.db sqlite:dir-link/x.db; do
  fresh
  playbook "store \"$s\"" "$(cycle resp.csv)"
  run $T "$MEJORA" run "$P/playbook.lua"
  refused "store \"$s\" refused"
  absent "$O/x.db" "no store created outside for \"$s\""
done
fresh
printf 'keep me\n' > "$O/wal"
ln -sf ../outside/wal "$P/mejora.db-wal"
playbook "$(cycle resp.csv)"
run $T "$MEJORA" run "$P/playbook.lua"
refused "a store whose journal is linked outside is refused"
is "$(cat "$O/wal")" "keep me" "and the file it points to is untouched"
rm -f "$P/mejora.db-wal"
fresh
playbook 'store "sqlite:dir-link/x.db"' "$(cycle resp.csv)"
run $T "$MEJORA" --trust run "$P/playbook.lua"
ok "$(test -s "$O/x.db"; echo $?)" "with --trust the store outside is created ($rc)"
fresh
playbook "$(cycle resp.csv)"
run $T "$MEJORA" --db "sqlite:$O/op.db" run "$P/playbook.lua"
ok "$(test "$rc" -eq 0 && test -s "$O/op.db"; echo $?)" \
  "--db names the operator's store, wherever it is ($rc)"

# ---- the log notifier's path ------------------------------------------
# A plan that opens in every cycle, so there is an event to log.
PLAN='plan "P" { owner = "o", due = "30d", actions = { "a" }, when = function(r) return true end }'
ln -sf ../outside/n.log "$P/link.log"
for f in ../outside/n.log "$O/n.log" link.log; do
  fresh
  playbook "use \"notifier.log\" { path = \"$f\" }" "$(cycle resp.csv)" "$PLAN"
  run $T "$MEJORA" run "$P/playbook.lua"
  refused "notifier log path \"$f\" refused"
  absent "$O/n.log" "nothing appended outside for \"$f\""
done
fresh
run $T "$MEJORA" --trust run "$P/playbook.lua"
ok "$(test -s "$O/n.log"; echo $?)" "with --trust the log outside is appended to ($rc)"
rm -f "$P/link.log"

# ---- the operator's import FILE ---------------------------------------
fresh
playbook
run $T "$MEJORA" import "$P/playbook.lua" q "$O/resp.csv"
ok "$(test "$rc" -eq 1 && grep -q '^R2,C0,11,' "$O/resp.csv.rejects.csv"; echo $?)" \
  "mejora import reads the operator's FILE outside the folder ($rc)"

# ---- FIFOs and devices ------------------------------------------------
fresh
mkfifo "$P/fifo.csv"
playbook 'customers "fifo.csv"'
run $T "$MEJORA" check "$P/playbook.lua"
ok "$(test "$rc" -eq 1; echo $?)" "a FIFO as the customers file is refused ($rc)"
like "$out" "fifo\.csv.*FIFO.*not a regular file" "the message says it is a FIFO"
playbook "$(cycle fifo.csv)"
run $T "$MEJORA" run "$P/playbook.lua"
like "$rc: $out" "^1: .*fifo\.csv.*FIFO" "a FIFO as a cycle's import file is refused"
playbook
run $T "$MEJORA" import "$P/playbook.lua" q "$P/fifo.csv"
like "$rc: $out" "^1: .*fifo\.csv.*FIFO" "a FIFO as mejora import's FILE is refused"
run $T "$MEJORA" import "$P/playbook.lua" q /dev/zero
like "$rc: $out" "^1: .*/dev/zero.*a device" "a device as mejora import's FILE is refused"
run $T "$MEJORA" complaints "$P/playbook.lua" import "$P/fifo.csv"
like "$rc: $out" "^1: .*fifo\.csv.*FIFO" "a FIFO as a complaints file is refused"
rm -f "$P/fifo.csv"

# ---- mejora.env ---------------------------------------------------------
playbook 'use "notifier.log" { path = mejora.env "MEJORA_TEST_LOG" }'
MEJORA_TEST_LOG=env.log; export MEJORA_TEST_LOG
run $T "$MEJORA" check "$P/playbook.lua"
like "$rc: $out" "^1: .*mejora\.env\(\"MEJORA_TEST_LOG\"\).*--env MEJORA_TEST_LOG.*--trust" \
  "mejora.env of a variable not allowed is refused, naming --env and --trust"
run $T "$MEJORA" --env MEJORA_TEST_LOG check "$P/playbook.lua"
is "$rc: $out" "0: $P/playbook.lua: ok" "--env NAME allows it"
run env MEJORA_ENV_ALLOW=OTHER,MEJORA_TEST_LOG $T "$MEJORA" check "$P/playbook.lua"
is "$rc" 0 "MEJORA_ENV_ALLOW allows it"
playbook 'local home = mejora.env "HOME"'
run env MEJORA_ENV_ALLOW=MEJORA_TEST_LOG $T "$MEJORA" --env OTHER check "$P/playbook.lua"
like "$rc: $out" "^1: .*mejora\.env\(\"HOME\"\)" "HOME stays out of reach when others are allowed"
run $T "$MEJORA" --trust check "$P/playbook.lua"
is "$rc" 0 "a trusted playbook reads any variable"

# ---- require of the operator's own modules ------------------------------
mkdir -p "$O/lua"
echo 'return { target = 4.5 }' > "$O/lua/shop_rules.lua"
playbook "assert(require('shop_rules').target == 4.5)"
run $T "$MEJORA" check "$P/playbook.lua"
like "$rc: $out" "^1: .*module 'shop_rules' not found" \
  "require finds no module outside mejora's folders by default"
run env MEJORA_LUA_PATH="$tmp/none:$O/lua" $T "$MEJORA" check "$P/playbook.lua"
is "$rc: $out" "0: $P/playbook.lua: ok" "MEJORA_LUA_PATH's folders are searched"

done_testing
