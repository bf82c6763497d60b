#!/bin/sh
# mejora invitations: the stored invitations of a sample with their tokens,
# as a table, CSV for a mail merge (with the customers' names and e-mails)
# and JSON; --pending leaves out those answered (here by an interview fed
# on standard input); unknown samples, formats and options are refused.
. "$top_srcdir/tests/cli/tap.sh"
plan 20
scratch
cd "$tmp"
cat > playbook.lua <<'LUA'
customer "C1" { name = "Ana Pérez", email = "ana@example.com", lang = "es",
                channel = "email" }
customer "C2" { name = "Bob, Jr.", email = "bob@example.com", lang = "en" }
customer "C3" { consent = false }
questionnaire "q" {
  question "nps" { type = "nps", required = true },
}
sample "s1" { questionnaire = "q", size = 2, seed = 5 }
sample "s2" { questionnaire = "q", size = 1, seed = 5, fatigue_days = 0 }
LUA

run "$MEJORA" invitations playbook.lua
is "$rc" 0 "nothing drawn yet: an empty list"
like "$out" '^0 invitation\(s\): 0 answered, 0 pending$' "and says so"

run "$MEJORA" sample playbook.lua s1
is "$rc" 0 "sample s1 is drawn"
tok=$(printf '%s\n' "$out" | awk 'length($1) == 32 && $2 == "C1" { print $1 }')
like "$tok" '^[0-9a-f]{32}$' "C1 is invited with a token"

run "$MEJORA" invitations playbook.lua
is "$rc" 0 "the invitations are listed"
like "$out" "^$tok +C1 +q +s1 +email +es +20[0-9-]+T[0-9:]+Z +no$" \
  "token, customer, questionnaire, sample, channel, lang, created, answered"
like "$out" '^[0-9a-f]{32} +C2 +q +s1 +- +en ' "a missing channel shows as -"
unlike "$out" ' C3 ' "a customer without consent is never invited"
like "$out" '^2 invitation\(s\): 0 answered, 2 pending$' "with a count"

run "$MEJORA" invitations playbook.lua --format csv
is "$(printf '%s\n' "$out" | head -1 | tr -d '\r')" \
  "token,customer,questionnaire,sample,channel,lang,name,email,created_at,answered" \
  "CSV: a header for a mail merge"
like "$out" "^$tok,C1,q,s1,email,es,Ana Pérez,ana@example.com,20[0-9T:-]+Z,0" \
  "with the customer's name and e-mail"
like "$out" '"Bob, Jr\."' "quoted where it must be"

printf '9\n' | "$MEJORA" interview playbook.lua q --customer C1 >/dev/null 2>&1
is "$?" 0 "C1 answers in an interview"
run "$MEJORA" invitations playbook.lua --format json --pending
n=$(printf '%s\n' "$out" | $PYTHON -c \
  'import json,sys; a=json.load(sys.stdin); print(len(a), " ".join(i["customer"] for i in a), a[0]["answered"])')
is "$n" "1 C2 False" "--pending: only C2 is left"
run "$MEJORA" invitations playbook.lua --format json
n=$(printf '%s\n' "$out" | $PYTHON -c \
  'import json,sys; print([i["answered"] for i in json.load(sys.stdin) if i["customer"] == "C1"])')
is "$n" "[True]" "C1's invitation is answered"

"$MEJORA" sample playbook.lua s2 >/dev/null 2>&1
run "$MEJORA" invitations playbook.lua --sample s2
like "$out" '^1 invitation\(s\) of sample s2' "--sample lists one sample's"
run "$MEJORA" invitations playbook.lua --sample nope
is "$rc" 1 "an unknown sample is a user error"
like "$out" "no sample 'nope' is declared or has invitations" "naming it"
run "$MEJORA" invitations playbook.lua --format xml
like "$out" "unknown format 'xml' \(use text, csv or json\)" "a bad format is refused"
run "$MEJORA" invitations playbook.lua --bogus
is "$rc" 2 "an unknown option is a usage error"
done_testing
