#!/bin/sh
# mejora plugins: what is found, and one clear line for each plugin refused.
. "$top_srcdir/tests/cli/tap.sh"
plan 16
scratch

run "$MEJORA" plugins
is "$rc" 0 "mejora plugins succeeds"
like "$out" "^storage +sqlite +[0-9.]+ +1\.0 +\(built-in\)" "sqlite: built-in storage, ABI 1.0"
like "$out" "^collector +csv +[0-9.]+ +1\.0" "csv collector listed"
like "$out" "^scorer +nps +[0-9.]+ +1\.0 +/.*scorer_nps\.so" "nps scorer listed with its file"
like "$out" "^scorer +csat +[0-9.]+ +1\.0 " "csat scorer listed"
like "$out" "^notifier +log +[0-9.]+ +1\.0 " "log notifier listed"

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
refused "$P/scorer_abi2.so" "ABI 2\.0.* 1\.0" "a plugin built for ABI 2.0 is refused in one line naming both versions"
refused "$P/scorer_noentry.so" "not a mejora plugin" "a library without the descriptor is refused"
refused "$P/scorer_badmagic.so" "not a mejora plugin|magic" "a descriptor with a wrong magic is refused"
refused "$P/scorer_wrongkind.so" "notifier.*scorer|scorer.*notifier" "a plugin of another kind than its file says is refused"
refused "$P/scorer_missing.so" "scorer_missing\.so: no such plugin file" "a missing file is one line"
printf 'not an ELF file\n' > "$tmp/scorer_text.so"
refused "$tmp/scorer_text.so" "scorer_text\.so: " "a file that is not a shared object is one line"

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
