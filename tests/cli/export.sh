#!/bin/sh
# Export (CSV and JSON, codes and labels) and JSON import: an export
# re-imports into a fresh store unchanged and idempotently; a file of bad
# objects is rejected item by item with the key and reason while the good
# ones land; an invitation's token stands for its customer.
. "$top_srcdir/tests/cli/tap.sh"
plan 38
scratch; example_copy
cd "$tmp/shop"
M="$MEJORA"
run "$M" --db "sqlite:$tmp/a.db" import playbook.lua visita data/responses.csv
is "$rc" 0 "the example's responses are imported"

run "$M" --db "sqlite:$tmp/a.db" export playbook.lua visita
is "$rc" 0 "CSV export"
like "$out" '^response_id,customer_id,segment,wave,submitted_at,atencion,trato' \
  "a header with the fixed columns, then the questions in order"
is "$(printf '%s\n' "$out" | sed 1d | wc -l | tr -d ' ')" 300 "one row per response"
like "$out" 'V2611-0001,C009,mostrador,2026-11,2026-11-01T15:49:00Z,3,3,4,4,3,10,' \
  "codes as stored"

run "$M" --db "sqlite:$tmp/a.db" export playbook.lua visita --labels --format json
first=$(printf '%s\n' "$out" | $PYTHON -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["customer_id"], r["answers"]["atencion"], r["answers"]["nps"])')
is "$first" "C009 Buena 10" "labels in the customer's language (C009 reads Spanish); NPS stays a number"
# C003 prefers English (see data/customers.csv).
en=$(printf '%s\n' "$out" | $PYTHON -c '
import json,sys
for r in json.load(sys.stdin):
    if r["customer_id"] == "C003" and r["answers"]["atencion"] not in (None, "NA"):
        print(r["answers"]["atencion"]); break')
like "$en" '^(Poor|Fair|Good|Very good|Excellent)$' "an English speaker's labels are English"

run "$M" --db "sqlite:$tmp/a.db" export playbook.lua visita --format json -o "$tmp/all.json"
is "$rc" 0 "JSON export to a file"
run "$M" --db "sqlite:$tmp/b.db" import playbook.lua visita "$tmp/all.json"
like "$out" '300 row\(s\): 300 stored, 0 already stored, 0 rejected' \
  "the JSON export imports into a fresh store"
run "$M" --db "sqlite:$tmp/b.db" import playbook.lua visita "$tmp/all.json"
like "$out" '300 row\(s\): 0 stored, 300 already stored' "a second import adds nothing"
run "$M" --db "sqlite:$tmp/b.db" export playbook.lua visita
again="$out"
run "$M" --db "sqlite:$tmp/a.db" export playbook.lua visita
is "$again" "$out" "and exports exactly as the original"

cat > bad.json <<'JSON'
[
 {"response_id": "J1", "customer_id": "C001", "atencion": 4, "nps": 9},
 {"response_id": "J2", "customer_id": "C001", "atencion": 7, "nps": 9},
 {"response_id": "J3", "customer_id": "NOPE", "nps": 9},
 {"response_id": "J4", "customer_id": "C002", "nps": 9, "colour": "red"},
 {"response_id": "J5", "customer_id": "C002"},
 {"response_id": "J1", "customer_id": "C001", "nps": 9},
 {"response_id": "J8", "customer_id": "C003", "answers": {"nps": "ten"}},
 3
]
JSON
run "$M" --db "sqlite:$tmp/c.db" import playbook.lua visita bad.json
like "$out" '8 row\(s\): 1 stored, 0 already stored, 7 rejected' "good objects land, bad ones do not"
is "$rc" 1 "rejected objects make it a user error"
rej=$(cat bad.json.rejects.csv)
like "$rej" "^1,atencion,\"item 1, key 'atencion': 7 is outside 1..5\"" "a value off the scale: index and key"
like "$rej" "^2,customer_id,.*unknown customer 'NOPE'" "an unknown customer"
like "$rej" "^3,colour,.*has no question 'colour'" "an unknown key"
like "$rej" "^4,nps,.*required" "a required answer missing"
like "$rej" "^5,response_id,.*repeated in this file" "a response id repeated in the file"
like "$rej" "^7,,.*not an object" "an item that is not an object"

# A token from a sample stands for its customer, and marks the invitation.
cat >> playbook.lua <<'LUA'
sample "one" { questionnaire = "visita", size = 1, seed = 3 }
LUA
run "$M" --db "sqlite:$tmp/c.db" sample playbook.lua one
tok=$(printf '%s\n' "$out" | awk 'length($1) == 32 { print $1; exit }')
cust=$(printf '%s\n' "$out" | awk 'length($1) == 32 { print $2; exit }')
printf '[{"response_id": "T1", "token": "%s", "nps": 8}]\n' "$tok" > tok.json
run "$M" --db "sqlite:$tmp/c.db" import playbook.lua visita tok.json
run "$M" --db "sqlite:$tmp/c.db" export playbook.lua visita
like "$out" "^T1,$cust," "a response by token is stored as its customer's"
is "$(sqlite3 "$tmp/c.db" "select answered from invitations where token = '$tok'")" 1 \
  "and its invitation is marked answered"

# A language the labels lack falls back to the questionnaire's own (es
# here), as in interviews, not to English.
awk -F, -v OFS=, '$1 == "C009" { $4 = "fr" } 1' data/customers.csv > c.csv &&
  mv c.csv data/customers.csv
sed 's/^questionnaire "visita" {/questionnaire "visita" { lang = "es",/' \
  playbook.lua > fr.lua
run "$M" --db "sqlite:$tmp/a.db" export fr.lua visita --labels --format json
fr=$(printf '%s\n' "$out" | $PYTHON -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["customer_id"], r["answers"]["atencion"])')
is "$fr" "C009 Buena" "a French reader gets the questionnaire's Spanish labels"

# -o writes PATH.part and renames it when whole: a failed export leaves no
# file, not even a part; a whole one leaves no .part behind.
run "$M" --db "sqlite:$tmp/a.db" export playbook.lua nada -o "$tmp/nada.csv"
ok "$(test "$rc" -ne 0 && test ! -e "$tmp/nada.csv" && test ! -e "$tmp/nada.csv.part"; echo $?)" \
  "a failed export to a file leaves nothing"
run "$M" --db "sqlite:$tmp/a.db" export playbook.lua visita -o "$tmp/whole.csv"
ok "$(test "$rc" -eq 0 && test -s "$tmp/whole.csv" && test ! -e "$tmp/whole.csv.part"; echo $?)" \
  "a whole export is renamed into place"

# Text a spreadsheet would run as a formula leaves a CSV export with an
# apostrophe in front; numbers, negative ones too, stay numbers; import
# takes the apostrophe off, so the export re-imports as it was stored.
mkdir "$tmp/inj" && cd "$tmp/inj"
cat > inj.lua <<'LUA'
customer "c1" {}
questionnaire "q" {
  question "delta" { type = "number", min = -10, max = 10 },
  question "note" { type = "text" },
}
LUA
cat > in.json <<'JSON'
[
 {"response_id": "r1", "customer_id": "c1", "delta": -1,
  "note": "=HYPERLINK(\"http://evil.example\",\"click\")"},
 {"response_id": "r2", "customer_id": "c1", "delta": 2, "note": "'=1+1"},
 {"response_id": "r3", "customer_id": "c1", "delta": -3,
  "note": "+34 600 123 456"},
 {"response_id": "r4", "customer_id": "c1", "delta": 0, "note": "-1"},
 {"response_id": "r5", "customer_id": "c1", "delta": 1, "note": "@SUM(A1:A9)"},
 {"response_id": "r6", "customer_id": "c1", "delta": 1, "note": "'90s style"},
 {"response_id": "r7", "customer_id": "c1", "delta": 1, "note": "\ttab first"},
 {"response_id": "-r8", "customer_id": "c1", "delta": -2.5,
  "note": "\rcr first"}
]
JSON
run "$M" --db "sqlite:$tmp/i.db" import inj.lua q in.json
like "$out" '8 row\(s\): 8 stored' "texts that look like formulas are stored as given"
run "$M" --db "sqlite:$tmp/i.db" export inj.lua q -o safe.csv
cells=$("$PYTHON" - safe.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
h = rows[0]
for r in rows[1:]:
    print("|".join([r[h.index("response_id")], r[h.index("delta")],
                    repr(r[h.index("note")])]))
PY
)
like "$cells" "^r1\|-1\|'\\\\'=HYPERLINK\(\"http://evil.example\",\"click\"\)'$" \
  "=HYPERLINK(...) is exported as '=HYPERLINK(...); -1 stays a number"
like "$cells" "^r2\|2\|\"''=1\+1\"$" "text already starting '= gets one more apostrophe"
like "$cells" "^r3\|-3\|\"'\+34 600 123 456\"$" "+34 ... is marked"
like "$cells" "^r4\|0\|'-1'$" "the text -1 is a plain number: not marked"
like "$cells" "^r5\|1\|\"'@SUM\(A1:A9\)\"$" "@SUM(...) is marked"
like "$cells" "^r6\|1\|\"'90s style\"$" "an apostrophe before ordinary text is left alone"
like "$cells" "^r7\|1\|\"'\\\\ttab first\"$" "a leading tab is marked"
like "$cells" "^'-r8\|-2.5\|\"'\\\\rcr first\"$" \
  "a response id and a leading CR are marked; -2.5 stays a number"
unsafe=$("$PYTHON" - safe.csv <<'PY'
import csv, re, sys
number = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
for r in list(csv.reader(open(sys.argv[1], newline="")))[1:]:
    for c in r:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not number.match(c):
            print(repr(c))
PY
)
is "$unsafe" "" "no cell of the export would run as a spreadsheet formula"
run "$M" --db "sqlite:$tmp/j.db" import inj.lua q safe.csv
like "$out" '8 row\(s\): 8 stored, 0 already stored, 0 rejected' \
  "the safe CSV imports into a fresh store"
run "$M" --db "sqlite:$tmp/i.db" export inj.lua q --format json
orig="$out"
run "$M" --db "sqlite:$tmp/j.db" export inj.lua q --format json
is "$out" "$orig" "and every text reads back exactly as first stored"
printf '%s\r\n' 'response_id,customer_id,delta,note' 'r9,nobody,1,=1+1' > bad.csv
run "$M" --db "sqlite:$tmp/j.db" import inj.lua q bad.csv
like "$(cat bad.csv.rejects.csv)" "^r9,nobody,1,'=1\+1,2,2," \
  "a rejects file marks such text too"
run "$M" --db "sqlite:$tmp/i.db" export inj.lua q --raw
like "$out" '^r1,c1,.*,-1,"=HYPERLINK\(""http://evil.example"",""click""\)"' \
  "--raw writes the text exactly as stored"
done_testing
