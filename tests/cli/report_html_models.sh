#!/bin/sh
# The HTML report of tests/data/models, whose two cycles have every kind
# of figure: each section the report has for them is there, and each of
# its charts is an image with a title, a description and a table of its
# figures. The browser test (tests/browser/report.sh) renders the same
# report in Chromium.
. "$top_srcdir/tests/cli/tap.sh"
plan 12
scratch
cd "$tmp"
mkdir data
cp "$top_srcdir/tests/data/models/playbook.lua" .
cp "$top_srcdir"/examples/call-center/data/customers.csv \
   "$top_srcdir"/examples/call-center/data/complaints-*.csv \
   "$top_srcdir"/examples/call-center/data/calls-*.csv data/
chmod -R u+w .
"$PYTHON" "$top_srcdir/tests/data/models/make_data.py" data
ok=0
for m in 2026-11 2026-12; do
  "$MEJORA" complaints playbook.lua import "data/complaints-$m.csv" \
    >/dev/null &&
  "$MEJORA" audits playbook.lua import "data/calls-$m.csv" >/dev/null &&
  "$MEJORA" -q run playbook.lua --cycle $m >/dev/null || ok=1
done
is "$ok" 0 "both cycles of the models playbook run"
run "$MEJORA" report playbook.lua --format html -o report.html
is "$rc" 0 "its HTML report is written"

# Per section (by its heading): charts, charts lacking a title, a
# description or a table of figures, and tables.
cat > sections.py <<'PY'
import re, sys, xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
ns = "{http://www.w3.org/2000/svg}"
for sec in re.findall(r"<section>(.*?)</section>", page, re.S):
    h2 = re.search(r"<h2>(.*?)</h2>", sec).group(1)
    figs = re.findall(r"<figure>(.*?)</figure>", sec, re.S)
    charts = bad = 0
    for fig in figs:
        for s in re.findall(r"<svg .*?</svg>", fig, re.S):
            charts += 1
            root = ET.fromstring(s)
            if root.get("role") != "img" or \
                    not (root.findtext(ns + "title") or "").strip() or \
                    not (root.findtext(ns + "desc") or "").strip() or \
                    not re.search(r"<details[ >].*?<table>.*?<data ", fig,
                                  re.S):
                bad += 1
    print("%s|%d|%d|%d" % (h2, charts, bad, sec.count("<table>")))
PY
"$PYTHON" sections.py report.html > sections
section() {
  # section HEADING MIN_CHARTS WHAT
  line=$(grep "^$1|" sections)
  charts=$(echo "$line" | cut -d'|' -f2)
  bad=$(echo "$line" | cut -d'|' -f3)
  tables=$(echo "$line" | cut -d'|' -f4)
  if [ -n "$line" ] && [ "$charts" -ge "$2" ] && [ "$bad" = 0 ] &&
     [ "$tables" -ge 1 ]; then
    ok 0 "$3 ($charts charts, $tables tables)"
  else
    ok 1 "$3: ${line:-no section}"
  fi
}
section 'Trends over the cycles' 2 "trends over the two cycles"
section 'SERVQUAL gaps per dimension' 1 "SERVQUAL gaps per dimension"
section 'Importance-performance analysis' 1 "the IPA quadrants"
section 'Kano categories' 1 "Kano categories with Better and Worse"
section 'Complaints' 2 "the complaints Pareto and hours to each step"
section 'Mystery shopping: compliance per site and criterion (%)' 1 \
  "the mystery-shopper heat map"
section 'Service standard' 1 "the service standard"
section 'The 5-gap model' 2 "the 5-gap model"
page=$(cat report.html)
n=$(grep -c '^<tr><th scope="row">\(tangibles\|reliability\|responsiveness\|assurance\|empathy\)</th><td><data ' report.html)
is "$n" 5 "all five SERVQUAL dimensions in its table, with their figures"
like "$page" 'Concentrate here' "IPA quadrants named in the table"
done_testing
