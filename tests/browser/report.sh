#!/bin/sh
# The call-centre example's HTML report in real headless Chromium
# (Debian's chromium, driven by playwright-core; axe-core checks its
# accessibility, both from tests/browser/package.json, installed by
# `./bootstrap check` with npm ci): report.mjs compares every figure on
# the page with the JSON report of its cycle and writes screenshots of
# the first page and of a chart page to the build tree
# (tests/browser/shots/report-*.png). A second page, the report of
# tests/data/models (SERVQUAL, IPA, Kano, complaints, mystery shopping,
# the service standard and the 5-gap model over two cycles), is checked
# the same way and shot whole as report-models.png.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/browser/browser.sh"
N_BROWSER=13
plan $((N_BROWSER + 3))
browser_ready $((N_BROWSER + 3)) axe-core/axe.min.js
scratch
cp -R "$top_srcdir/examples/call-center/playbook.lua" \
      "$top_srcdir/examples/call-center/data" "$tmp/"
chmod -R u+w "$tmp"
cd "$tmp"
shots="$top_builddir/tests/browser/shots"
mkdir -p "$shots"
rm -f "$shots"/report-*.png

# The example's two cycles, as its demo runs them.
for m in 2026-11 2026-12; do
  "$MEJORA" complaints playbook.lua import "data/complaints-$m.csv" >/dev/null
  "$MEJORA" audits playbook.lua import "data/calls-$m.csv" >/dev/null
done
"$MEJORA" -q run playbook.lua --cycle 2026-11 >/dev/null
"$MEJORA" plans playbook.lua update P1-espera --action 1 --status done >/dev/null
"$MEJORA" plans playbook.lua update P1-espera --action 2 --status done >/dev/null
"$MEJORA" plans playbook.lua update P2-informacion --action 1 --status done \
  >/dev/null
"$MEJORA" -q run playbook.lua --cycle 2026-12 >/dev/null
"$MEJORA" report playbook.lua --format html -o report.html
is "$?" 0 "the call centre's HTML report is written"
# The JSON report of each cycle the page shows figures of (the trends
# reach back to November).
"$MEJORA" report playbook.lua --format json --cycle 2026-11 > c1.json &&
  "$MEJORA" report playbook.lua --format json --cycle 2026-12 > c2.json
is "$?" 0 "and the JSON reports of both cycles"

# The models playbook: the call centre's complaints and calls, its
# surveys' answers written by make_data.py.
mkdir -p models/data
cp "$top_srcdir/tests/data/models/playbook.lua" models/
cp "$top_srcdir"/examples/call-center/data/customers.csv \
   "$top_srcdir"/examples/call-center/data/complaints-*.csv \
   "$top_srcdir"/examples/call-center/data/calls-*.csv models/data/
chmod -R u+w models
(
  cd models &&
  "$PYTHON" "$top_srcdir/tests/data/models/make_data.py" data &&
  for m in 2026-11 2026-12; do
    "$MEJORA" complaints playbook.lua import "data/complaints-$m.csv" &&
    "$MEJORA" audits playbook.lua import "data/calls-$m.csv" &&
    "$MEJORA" -q run playbook.lua --cycle $m || exit 1
  done >/dev/null &&
  "$MEJORA" report playbook.lua --format html -o report.html &&
  "$MEJORA" report playbook.lua --format json --cycle 2026-11 > c1.json &&
  "$MEJORA" report playbook.lua --format json --cycle 2026-12 > c2.json
)
is "$?" 0 "the models playbook's two cycles, its HTML and JSON reports"

mkdir profile
browser_run report.mjs "$tmp/report.html" "$shots" "$tmp/profile" \
  c1.json c2.json -- "$tmp/models/report.html" models/c1.json models/c2.json
browser_results $N_BROWSER
done_testing
