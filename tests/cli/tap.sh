# TAP for the command-line tests (sourced). Each script sets `plan N`.
# The environment comes from AM_TESTS_ENVIRONMENT: MEJORA, top_srcdir,
# top_builddir, MEJORA_PLUGIN_PATH, MEJORA_TEST_PLUGINS.
set -u
t_n=0
t_fail=0
plan() { echo "1..$1"; }
ok() { # ok COND-STATUS DESCRIPTION
  t_n=$((t_n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $t_n - $2"; else
    echo "not ok $t_n - $2"; t_fail=$((t_fail + 1)); fi
}
# like TEXT PATTERN DESCRIPTION: TEXT matches the grep -E pattern.
like() {
  if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
    ok 1 "$3"; printf '#   got: %s\n#   expected to match: %s\n' "$1" "$2" | head -20; fi
}
unlike() {
  if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 1 "$3"
    printf '#   got: %s\n#   expected not to match: %s\n' "$1" "$2" | head -20; else ok 0 "$3"; fi
}
is() {
  if [ "$1" = "$2" ]; then ok 0 "$3"; else
    ok 1 "$3"; printf '#   got: [%s]\n#   expected: [%s]\n' "$1" "$2"; fi
}
# run CMD...: sets $out (stdout+stderr) and $rc.
run() { out=$("$@" 2>&1) && rc=0 || rc=$?; }
# A scratch folder removed at exit.
scratch() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/mejora-test.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
}
# A copy of the pyme-retail example to run in.
example_copy() {
  mkdir -p "$tmp/shop"
  cp -R "$top_srcdir/examples/pyme-retail/playbook.lua" \
        "$top_srcdir/examples/pyme-retail/data" "$tmp/shop/"
  chmod -R u+w "$tmp/shop"
}
done_testing() { exit $((t_fail > 0)); }
