#!/bin/sh
# doc/playbook.md's key tables agree with the DSL's schema tables in
# core/lua/lua_dsl.c: every declaration and key of the schema is in the
# reference with the same type and required flag, and the reference has no
# key the schema lacks. An awk reading of the source, not a C program: the
# schema rows are one-line literals, and reading them as text needs no
# internal function exported only for a test.
. "$top_srcdir/tests/cli/tap.sh"
plan 8
scratch
src="$top_srcdir/core/lua/lua_dsl.c"
doc="$top_srcdir/doc/playbook.md"

# The schema as "section key type required", a section being a declaration
# (f_question: question) or a record inside one (f_constraint, the `sub` of
# question's constraint: question.constraint).
awk '
  BEGIN { split("T_STR string T_NUM number T_INT integer T_BOOL boolean " \
                "T_I18N text T_FUNC function T_STRLIST strings T_RECORD " \
                "record T_RECORDS records T_MAP map T_CHOICES choices " \
                "T_NUMMAP numbers T_BOOLSTR boolean-or-string", w, " ")
          for (i = 1; i < 26; i += 2) tname[w[i]] = w[i + 1] }
  /^static const mj_field f_[a-z_]+\[\] = \{/ {
    arr = $4; sub(/\[\]$/, "", arr); order[++na] = arr; next }
  arr != "" && /^ *\{"[a-z_]+", T_[A-Z0-9]+, [01],/ {
    line = $0; sub(/^ *\{/, "", line); split(line, p, /, */)
    key = p[1]; gsub(/"/, "", key)
    row[arr, ++nr[arr]] = key " " tname[p[2]] " " (p[3] == 1 ? "yes" : "no")
    if (match(line, /, f_[a-z_]+,/)) {
      s = substr(line, RSTART + 2, RLENGTH - 3); parent[s] = arr; pkey[s] = key }
  }
  /^ *\{NULL, / { arr = "" }
  function section(a,   s) {
    s = a; sub(/^f_/, "", s)
    return (a in parent) ? section(parent[a]) "." pkey[a] : s }
  END { for (i = 1; i <= na; i++) for (j = 1; j <= nr[order[i]]; j++)
          print section(order[i]), row[order[i], j] }' "$src" | sort >"$tmp/schema"

# The reference as the same lines: under a "### `SECTION`" heading, each
# table row "| `key` | type | yes/no | default | meaning |".
awk '/^```/ { fence = !fence; next }
     fence { next }
     /^#+ / { sec = ""; if (match($0, /^### `[a-z_.]+`/))
                sec = substr($0, RSTART + 5, RLENGTH - 6); next }
     sec != "" && /^\| `[a-z_]+` \|/ {
       n = split($0, c, /\|/); key = c[2]; gsub(/[ `]/, "", key)
       ty = c[3]; gsub(/ /, "", ty); rq = c[4]; gsub(/ /, "", rq)
       print sec, key, ty, rq }' "$doc" | sort >"$tmp/doc"

[ -s "$tmp/schema" ] && [ "$(wc -l <"$tmp/schema")" -gt 50 ]
ok $? "the schema tables of lua_dsl.c were read"

missing=$(comm -23 "$tmp/schema" "$tmp/doc")
is "$missing" "" "every schema key is in doc/playbook.md with its type"

extra=$(comm -13 "$tmp/schema" "$tmp/doc")
is "$extra" "" "doc/playbook.md lists no key the schema lacks"

# Every declaration the DSL knows has a section, with or without keys.
kinds=$(sed -n '/^static const char \*const kind_names/,/};/p' "$src" |
  grep -o '"[a-z_]*"' | tr -d '"')
nodoc=""
for k in $kinds; do
  grep -q "^### \`$k\`" "$doc" || nodoc="$nodoc $k"
done
is "$nodoc" "" "every declaration has a section in doc/playbook.md"

# Every label set and template shipped has its row.
sets=$(sed -n 's/^  \["\([a-z0-9-]*\)"\] = {.*/\1/p' \
  "$top_srcdir/scripts/mejora/labels.lua")
nodoc=""
for s in $sets; do
  grep -q "^| \`$s\` |" "$doc" || nodoc="$nodoc $s"
done
[ -n "$sets" ] && [ -z "$nodoc" ]
ok $? "every label set has a row in doc/playbook.md${nodoc:+:$nodoc missing}"

nodoc=""
for f in "$top_srcdir"/scripts/mejora/templates/*.lua; do
  t=$(basename "$f" .lua)
  grep -q "^| \`mejora.templates.$t\` |" "$doc" || nodoc="$nodoc $t"
done
is "$nodoc" "" "every template has a row in doc/playbook.md"

# The Lua section names every base function, mejora.* function and r.*
# function the sandbox and the trigger library register.
sb="$top_srcdir/core/lua/lua_sandbox.c"
tr="$top_srcdir/core/lua/lua_trigger.c"
lua_doc=$(sed -n '/^## Lua in a playbook/,$p' "$doc")
nodoc=""
for f in $(sed -n '/^static const char \*const base_allowed/,/};/p' "$sb" |
           grep -o '"[A-Za-z_]*"' | tr -d '"'); do
  printf '%s\n' "$lua_doc" | grep -q "\`$f\`" || nodoc="$nodoc $f"
done
for f in $(sed -n '/^static const luaL_Reg mejora_funcs/,/};/p' "$sb" |
           grep -o '{"[a-z_]*"' | tr -d '{"'); do
  printf '%s\n' "$lua_doc" | grep -q "^| \`mejora\.$f(" || nodoc="$nodoc mejora.$f"
done
[ -n "$lua_doc" ] && [ -z "$nodoc" ]
ok $? "every base and mejora.* function is in doc/playbook.md${nodoc:+:$nodoc missing}"

nodoc=""
fs=$(sed -n '/^static const luaL_Reg rfuncs/,/};/p' "$tr" |
     grep -o '{"[a-z_]*"' | tr -d '{"')
for f in $fs; do
  printf '%s\n' "$lua_doc" | grep -q "^| \`r\.$f[({]" || nodoc="$nodoc r.$f"
done
[ -n "$fs" ] && [ -z "$nodoc" ]
ok $? "every r.* trigger function is in doc/playbook.md${nodoc:+:$nodoc missing}"
done_testing
