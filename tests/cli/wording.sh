#!/bin/sh
# A question of a standard type (nps, ces) declared without text is asked
# and reported in the standard wording (scripts/mejora/wordings.lua), in
# the questionnaire's language; a question with its own text keeps it.
. "$top_srcdir/tests/cli/tap.sh"
plan 7
scratch
cd "$tmp"
cat > playbook.lua <<'LUA'
customer "C1" { lang = "pl" }
customer "C2" {}
questionnaire "es" { lang = "es",
  question "rec" { type = "nps" },
  question "own" { type = "nps", text = { es = "¿Nos elegiría otra vez?" } },
}
questionnaire "en" { question "effort" { type = "ces" } }
cycle "A" { import = { { questionnaire = "es", file = "es.csv" },
                       { questionnaire = "en", file = "en.csv" } },
            scorers = { "nps", "ces" } }
LUA
printf 'response_id,customer_id,rec,own\nr1,C2,9,8\nr2,C2,3,7\n' > es.csv
printf 'response_id,customer_id,effort\ne1,C2,6\ne2,C2,2\n' > en.csv

run "$MEJORA" -q run playbook.lua
is "$rc" 0 "the cycle runs"
run "$MEJORA" report playbook.lua
like "$out" "^nps: es rec - ¿Qué probabilidad hay de que nos recomiende a un amigo o colega\?$" \
  "an NPS question without text: the standard wording, in Spanish"
like "$out" "^nps: es own - ¿Nos elegiría otra vez\?$" \
  "a question with its own text keeps it"
like "$out" "^ces: en effort - The company made it easy for me to handle my issue\.$" \
  "a CES question without text: the CES 2.0 statement, in English"
run "$MEJORA" report playbook.lua --format md
like "$out" "^### nps: question rec \(¿Qué probabilidad hay de que nos recomiende a un amigo o colega\?\)$" \
  "Markdown too"
# The interview asks it in the customer's language (Polish for C1).
run "$MEJORA" interview playbook.lua es --customer C1 </dev/null
like "$out" "Jak prawdopodobne jest, że polecisz nas znajomemu lub współpracownikowi\?" \
  "the interview asks it in the customer's language"
printf 'questionnaire "x" { question "t" { type = "text" } }\n' > plain.lua
run "$MEJORA" check plain.lua
is "$rc" 0 "a type without a standard wording needs none"
done_testing
