# Headless Chromium for the browser tests (sourced after tests/cli/tap.sh):
# Debian's chromium driven by playwright-core from package.json, which
# `./bootstrap check` installs with npm ci. A copied tree (make
# distcheck) finds the modules through MEJORA_NODE_MODULES, which
# ./bootstrap sets.
here="$top_srcdir/tests/browser"
modules=${MEJORA_NODE_MODULES:-$here/node_modules}
chromium=$(command -v chromium || command -v chromium-browser || true)
# browser_ready TOTAL [MODULE-FILE...]: returns when chromium, node,
# playwright-core and each file (under the modules) are there; else each
# of the TOTAL tests fails naming what is missing, and the script ends.
browser_ready() {
  b_total=$1
  shift
  missing=
  [ -n "$chromium" ] || missing="$missing chromium"
  command -v node >/dev/null || missing="$missing node"
  [ -d "$modules/playwright-core" ] || missing="$missing playwright-core"
  for b_file in "$@"; do
    [ -f "$modules/$b_file" ] || missing="$missing ${b_file%%/*}"
  done
  [ -z "$missing" ] && return 0
  # Missing tools are a failure, not a skip: ./bootstrap check installs
  # them, and a browser test that never runs proves nothing.
  b_i=0
  while [ $b_i -lt "$b_total" ]; do
    b_i=$((b_i + 1))
    echo "not ok $b_i - missing:$missing (./bootstrap check installs them)"
  done
  exit 0
}
# browser_run SCRIPT ARGS...: node runs SCRIPT of this folder, its
# results in the file results and its errors in node.err. The browser
# runs on the real clock even when the suite runs under faketime: it is
# not what the shifted clock tests, and libfaketime in every Chromium
# process makes a test take minutes instead of seconds.
browser_run() {
  b_script=$1
  shift
  env -u LD_PRELOAD -u FAKETIME \
    MEJORA_NODE_MODULES=$modules CHROMIUM=$chromium \
    node "$here/$b_script" "$@" > results 2> node.err
}
# browser_results N: the first N lines of results ("ok|what" or
# "fail|what") as tests, one failing for each line missing, then the
# first lines of node.err as comments.
browser_results() {
  b_n=0
  while IFS='|' read -r b_status b_what; do
    b_n=$((b_n + 1))
    [ $b_n -le "$1" ] || break
    if [ "$b_status" = ok ]; then ok 0 "$b_what"; else ok 1 "$b_what"; fi
  done < results
  while [ $b_n -lt "$1" ]; do
    b_n=$((b_n + 1))
    ok 1 "browser check $b_n did not run"
  done
  [ -s node.err ] && sed 's/^/# /' node.err | head -20
  return 0
}
