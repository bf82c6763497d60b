#!/bin/sh
# Playbook mistakes are reported as FILE:LINE: message and change nothing.
. "$top_srcdir/tests/cli/tap.sh"
plan 14
scratch; example_copy
cd "$tmp/shop"

# bad NAME LINE PATTERN: a copy of the playbook with line LINE replaced.
bad() {
  name=$1 line=$2 text=$3
  awk -v n="$line" -v t="$text" 'NR == n { print t; next } { print }' \
    playbook.lua > "$name.lua"
}
check_bad() { # FILE PATTERN DESCRIPTION
  run "$MEJORA" check "$1"
  is "$rc" 1 "$3: exit 1"
  like "$out" "$2" "$3: file:line message"
}

line=$(grep -n 'need = "tertiary", dimension = "responsiveness", target = 4.0' playbook.lua | head -1 | cut -d: -f1)
bad typo "$line" '  need = "tertiary", dimension = "responsiveness", tagret = 4.0,'
check_bad typo.lua "^mejora: typo.lua:$line: .*unknown key 'tagret'.*did you mean 'target'" "a typo in a key"

line=$(grep -n 'measures = "R2"' playbook.lua | cut -d: -f1)
bad dangling "$line" '    type = "scale5", labels = "excellent-poor", measures = "R9", allow_na = true,'
check_bad dangling.lua "dangling.lua:$line: .*R9" "a reference to an undeclared requirement"

line=$(grep -n '^segment "online"' playbook.lua | cut -d: -f1)
bad duplicate "$line" 'segment "mostrador" { name = "again" }'
check_bad duplicate.lua "duplicate.lua:$line: .*mostrador" "a duplicate id"

line=$(grep -n 'due = "30d"' playbook.lua | cut -d: -f1)
bad wrongtype "$line" '  due = 30,'
check_bad wrongtype.lua "wrongtype.lua:$line: .*due" "a value of the wrong type"

bad syntax 3 'segment "x" {'
check_bad syntax.lua "syntax.lua:[0-9]+: " "a Lua syntax error"

bad sandbox 3 'os.execute("touch pwned")'
check_bad sandbox.lua "sandbox.lua:3: .*os" "the sandbox refuses os.execute"

# Nothing was written by any of the failed loads, and a run refuses too.
run "$MEJORA" run typo.lua
ok "$(test ! -e mejora.db || test "$(sqlite3 mejora.db 'select coalesce(sum(n), 0) from response_blocks' 2>/dev/null || echo 0)" = 0; echo $?)" \
  "a failed run stores no response"
ok "$(test ! -e pwned; echo $?)" "the refused command never ran"
done_testing
