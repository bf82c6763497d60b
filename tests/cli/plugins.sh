#!/bin/sh
# mejora plugins: what is found, and one clear line for each plugin refused.
. "$top_srcdir/tests/cli/tap.sh"
plan 22
scratch
# The ABI this mejora speaks, as its header says.
abi=$(sed -n 's/^#define MJ_PLUGIN_ABI_MAJOR \([0-9]*\).*/\1/p' \
  "$top_srcdir/core/include/mejora/plugin.h").$(sed -n \
  's/^#define MJ_PLUGIN_ABI_MINOR \([0-9]*\).*/\1/p' \
  "$top_srcdir/core/include/mejora/plugin.h")
abi_re=$(printf '%s' "$abi" | sed 's/\./\\./')

run "$MEJORA" plugins
is "$rc" 0 "mejora plugins succeeds"
like "$out" "^storage +sqlite +[0-9.]+ +$abi_re +\(built-in\)" "sqlite: built-in storage, ABI $abi"
like "$out" "^collector +csv +[0-9.]+ +$abi_re" "csv collector listed"
like "$out" "^scorer +nps +[0-9.]+ +$abi_re +/.*scorer_nps\.so" "nps scorer listed with its file"
like "$out" "^scorer +csat +[0-9.]+ +$abi_re " "csat scorer listed"
like "$out" "^notifier +log +[0-9.]+ +$abi_re " "log notifier listed"
like "$out" "^notifier +email +[0-9.]+ +$abi_re " "e-mail notifier listed"
like "$out" "^notifier +webhook +[0-9.]+ +$abi_re " "webhook notifier listed"

# refused FILE PATTERN DESCRIPTION: exit status 3 and exactly one line.
refused() {
  run "$MEJORA" plugins "$1"
  lines=$(printf '%s\n' "$out" | wc -l)
  if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && printf '%s\n' "$out" | grep -Eq -- "$2"; then
    ok 0 "$3"
  else
    ok 1 "$3"; printf '#   rc=%s lines=%s: %s\n' "$rc" "$lines" "$out"
  fi
}
P=$MEJORA_TEST_PLUGINS
refused "$P/scorer_abi2.so" "ABI 2\.0.* $abi_re" "a plugin built for ABI 2.0 is refused in one line naming both versions"
refused "$P/scorer_noentry.so" "not a mejora plugin" "a library without the descriptor is refused"
refused "$P/scorer_badmagic.so" "not a mejora plugin|magic" "a descriptor with a wrong magic is refused"
refused "$P/scorer_wrongkind.so" "notifier.*scorer|scorer.*notifier" "a plugin of another kind than its file says is refused"
refused "$P/scorer_missing.so" "scorer_missing\.so: no such plugin file" "a missing file is one line"
printf 'not an ELF file\n' > "$tmp/scorer_text.so"
refused "$tmp/scorer_text.so" "scorer_text\.so: " "a file that is not a shared object is one line"

# A truncated copy (an interrupted install): dlopen would map pages past
# its end and die of SIGBUS, so the file is checked first.
mkdir "$tmp/cut"
head -c 8192 "$P/scorer_tally.so" > "$tmp/cut/scorer_tally.so"
refused "$tmp/cut/scorer_tally.so" \
  "scorer_tally\.so: damaged or truncated: .* the file has 8192: copy or build it again" \
  "a truncated plugin is refused in one line"
cat > "$tmp/cut.lua" <<'LUA'
use "scorer.tally" {}
cycle "c" {}
LUA
run "$MEJORA" --plugin-path "$tmp/cut" --db "sqlite:$tmp/cut.db" run "$tmp/cut.lua"
is "$rc" 3 "a playbook using a truncated plugin stops with status 3"
like "$out" 'cut\.lua:1: use "scorer\.tally": .*/scorer_tally\.so: damaged or truncated' \
  "naming the playbook's line and the file"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "in one line"

# A plugin whose set-up fails: refused when a playbook uses it, engine unharmed.
cat > "$tmp/p.lua" <<'LUA'
use "scorer.initfail" {}
cycle "c" {}
LUA
run "$MEJORA" --plugin-path "$P" run "$tmp/p.lua"
ok "$([ "$rc" -ne 0 ]; echo $?)" "a playbook using a plugin whose init fails does not run"
like "$out" "initfail.*(init|load|set-up).*fail" "and the message says the plugin's set-up failed"

# The libffi bridge from a playbook: a built-in plugin's exported function.
cat > "$tmp/ffi.lua" <<'LUA'
local nps = mejora.plugin("nps")
assert(math.abs(nps.nps_score(50, 30, 20) - 30) < 1e-12, "nps_score")
local ok, err = pcall(nps.nps_score, "many", 1, 2)
assert(not ok and err:find("nps_score"), err)
nps.nps_score({})
LUA
run "$MEJORA" check "$tmp/ffi.lua"
is "$rc" 1 "a wrong argument to a plugin function is a playbook error"
like "$out" "ffi.lua:5: .*nps_score" "the error names the line and the function"
done_testing
