#!/bin/sh
# The HTML report: one page with no script, whose charts are well-formed
# SVG with a text alternative and a table; script in an open answer shown
# as text; a figure below min_n "too few" with an empty value; a section
# with no data left out; Spanish for a playbook in Spanish; the comments
# that matter most are those of the respondents who rated lowest. The browser
# test (tests/browser/report.sh) checks the page's figures and its
# accessibility in Chromium.
. "$top_srcdir/tests/cli/tap.sh"
plan 20
scratch
cd "$tmp"

cat > playbook.lua <<'LUA'
customer "c1" { }
customer "c2" { }
requirement "R1" { text = "Quick answers", target = 4.0 }
questionnaire "q" {
  question "rec" { type = "nps", text = "Would you recommend us?" },
  question "fast" { type = "scale5", measures = "R1", text = "How fast?" },
  question "say" { type = "text", text = "Anything else?" },
}
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } } }
cycle "B" { import = { { questionnaire = "q", file = "b.csv" } }, min_n = 30 }
LUA
printf 'response_id,customer_id,rec,fast,say\n' > a.csv
for i in $(seq 1 20); do
  printf 'a%d,c%d,%d,%d,ok %d\n' "$i" $((i % 2 + 1)) $((i % 11)) \
    $((i % 5 + 1)) "$i" >> a.csv
done
printf 'response_id,customer_id,rec,fast,say\n' > b.csv
for i in $(seq 1 12); do
  printf 'b%d,c1,%d,%d,fine\n' "$i" $((i % 5 + 5)) $((i % 4 + 2)) >> b.csv
done
# The only detractor's answer: first among the comments that matter.
printf 'b13,c2,0,1,"<script>alert(1)</script> & <b>x</b> \047q\047"\n' >> b.csv

run "$MEJORA" -q run playbook.lua --cycle A
run "$MEJORA" -q run playbook.lua --cycle B
is "$rc" 0 "both cycles run"
run "$MEJORA" report playbook.lua --format html -o b.html
is "$rc" 0 "report --format html -o FILE"
page=$(cat b.html)
like "$page" '^<!DOCTYPE html>' "a whole HTML page"
unlike "$page" '<script|<link |src=|@import' "self-contained, with no script"
like "$page" '&lt;script&gt;alert\(1\)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt; &#39;q&#39;' \
  "script in an open answer appears as text"
like "$page" '<data value="" data-figure="2\|nps\|nps\|q\|rec\|\|all\|\|" class="few">too few</data>' \
  "B's NPS from 13 answers is too few, with no value"
unlike "$page" '<h2>Trends' "no trend from one cycle with figures"
unlike "$page" '<h2>Complaints|<h2>Kano|<svg' \
  "no section, and no empty chart, without their data"

run "$MEJORA" report playbook.lua --format html --cycle A
is "$rc" 0 "cycle A's page to standard output"
printf '%s\n' "$out" > a.html
like "$out" '<data value="-50" data-figure="1\|nps\|nps\|q\|rec\|\|all\|\|">-50.0' \
  "A's NPS with its machine-readable figure"
like "$out" '<h2>How customers answered</h2>' "the answers' distribution"
# Every chart parses as XML (so every text in it is escaped), is an image
# with a title and a description, and has a table of its figures.
run "$PYTHON" - a.html <<'PY'
import re, sys, xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg .*?</svg>", page, re.S)
ns = "{http://www.w3.org/2000/svg}"
bad = []
for s in svgs:
    root = ET.fromstring(s)
    if root.get("role") != "img" or root.find(ns + "title") is None \
            or root.find(ns + "desc") is None:
        bad.append(s[:60])
print(len(svgs), page.count("<details"), len(bad))
PY
is "$out" "1 1 0" "one chart: an image with title and description, and its table"
like "$(cat a.html)" 'role="img" viewBox=|role="img" width=' "charts are role=img"

# A playbook in Spanish: its questionnaire says so.
sed 's/^questionnaire "q" {/questionnaire "q" { lang = "es",/' playbook.lua \
  > es.lua
run "$MEJORA" report es.lua --format html --cycle A
like "$out" '<html lang="es">' "the page in the playbook's language"
like "$out" '<h2>Resumen</h2>' "with Spanish headings"
like "$out" 'Requisitos frente a su objetivo' "and the report's words in Spanish"
# The three comments that matter most: the lowest rating first (NPS and
# scales each on its own range), the newest first among equals; a happy
# customer's answer waits behind them.
mkdir most && cd most
cat > most.lua <<'LUA'
customer "c1" { }
questionnaire "q" {
  question "rec" { type = "nps" },
  question "fast" { type = "scale5" },
  question "say" { type = "text", text = "Anything else?" },
}
LUA
cat > most.csv <<'CSV'
response_id,customer_id,submitted_at,rec,fast,say
m1,c1,2026-11-01T10:00:00Z,10,5,great
m2,c1,2026-11-02T10:00:00Z,2,5,slow and rude
m3,c1,2026-11-03T10:00:00Z,9,5,fine
m4,c1,2026-11-04T10:00:00Z,9,2,never again
m5,c1,2026-11-05T10:00:00Z,6,4,meh
m6,c1,2026-11-06T10:00:00Z,2,4,lost my case
CSV
run "$MEJORA" -q import most.lua q most.csv
is "$rc" 0 "six answers imported"
run "$MEJORA" -q run most.lua
run "$MEJORA" report most.lua --format html
printf '%s\n' "$out" | sed -n 's|^<blockquote><p>\(.*\)</p><footer>.*|\1|p' \
  > most.txt
is "$(tr '\n' '|' < most.txt)" "lost my case|slow and rude|never again|" \
  "the three comments of the lowest ratings, newest first among equals"
unlike "$out" '<blockquote><p>(great|fine|meh)<' \
  "happier customers' comments wait"
cd ..

run "$MEJORA" report playbook.lua --format pdf
like "$out" "use text, json, md or html" "the formats the report writes"
done_testing
