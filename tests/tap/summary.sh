#!/bin/sh
# Count the TAP results of `make check` in the build trees given and end
# with the line CI reads: "N passed, N failed". A skipped test counts as
# failed (a test that passes by skipping proves nothing); a build tree with
# no results at all fails too.
set -u
pass=0 fail=0 status=0
for dir in "$@"; do
  trs=$(find "$dir" -name '*.trs' 2>/dev/null)
  if [ -z "$trs" ]; then
    printf '%s: no test results (the build or the test run failed)\n' "$dir"
    status=1; continue
  fi
  for f in $trs; do
    p=$(grep -c '^:test-result: PASS' "$f")
    x=$(grep -c '^:test-result: XFAIL' "$f")
    bad=$(grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\|SKIP\)' "$f")
    pass=$((pass + p + x)); fail=$((fail + bad))
    if [ "$bad" -gt 0 ]; then
      log=${f%.trs}.log
      printf '%s\n' "--- ${log#"$dir"/} ($dir)"
      grep -v '^ok ' "$log" | tail -25
      status=1
    fi
  done
done
printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ] && exit $status
exit 1
