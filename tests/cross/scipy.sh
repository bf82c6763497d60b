#!/bin/sh
# Cross-check of core/shared/stats.c against implementations nobody
# here wrote: scipy.stats, statsmodels and numpy (tests/cross/reference.py)
# on seeded random data, through tests/cross/mjstats. Agreement: 1e-9
# relative (doc/methods.md#reference-data); NaN only matches NaN.
. "$top_srcdir/tests/cli/tap.sh"
scratch
mjstats="$top_builddir/tests/cross/mjstats"
n=$("$PYTHON" "$top_srcdir/tests/cross/reference.py" "$tmp" 2>"$tmp/py.err") ||
  n=0
plan $((n + 1))
[ "$n" -gt 0 ]
ok $? "scipy/statsmodels reference cases generated ($n)"
[ "$n" -gt 0 ] || sed 's/^/#   /' "$tmp/py.err"

for in in "$tmp"/*.in; do
  [ -f "$in" ] || continue
  base=${in%.in}
  cmd=${base##*/[0-9][0-9]-}
  got=$("$mjstats" "$cmd" <"$in" 2>&1)
  want=$(cat "$base.ref")
  printf '%s\n%s\n' "$got" "$want" | awk '
    function isnan(s) { return tolower(s) ~ /nan/ }
    NR == 1 { n = split($0, g, " ") }
    NR == 2 {
      if (NF != n) exit 1
      for (i = 1; i <= NF; i++) {
        if (isnan(g[i]) || isnan($i)) { if (isnan(g[i]) != isnan($i)) exit 1
          continue }
        d = g[i] - $i; if (d < 0) d = -d
        m = g[i] < 0 ? -g[i] : g[i]; w = $i < 0 ? -$i : $i; if (w > m) m = w
        if (d > 1e-9 * m) exit 1
      }
    }'
  rc=$?
  ok $rc "$cmd ${base##*/}: agrees with the reference to 1e-9"
  [ $rc -eq 0 ] || printf '#   ours:      %s\n#   reference: %s\n' "$got" "$want"
done
done_testing
