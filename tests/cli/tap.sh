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
# A scratch folder removed at exit, with the server serve_start left
# running, if any.
serve_pid=
scratch() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/mejora-test.XXXXXX")
  trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
        rm -rf "$tmp"' EXIT
}
# wait_until SECONDS CMD...: runs CMD every 0.05 s until it succeeds; 1
# if it still fails after SECONDS.
wait_until() {
  t_wait=$(($1 * 20))
  shift
  until "$@"; do
    [ "$t_wait" -gt 0 ] || return 1
    t_wait=$((t_wait - 1))
    sleep 0.05
  done
}
# has_lines FILE N: FILE has N lines or more.
has_lines() { [ "$(wc -l < "$1")" -ge "$2" ]; }
# serve_up: serve.err says where serve listens, or serve has exited.
serve_up() {
  grep -q 'serving on' serve.err 2>/dev/null ||
    ! kill -0 "$serve_pid" 2>/dev/null
}
# serve_start PLAYBOOK [ARGS...]: runs `mejora serve PLAYBOOK` on a free
# loopback port with its stderr in serve.err, in the current folder;
# sets $serve_pid, $port and $base. It waits up to 60 s for the line
# "serving on http://127.0.0.1:PORT/", and no longer once serve has
# exited; 1 if there is no such line.
serve_start() {
  t_playbook=$1
  shift
  # Emptied first: a second server must not be taken as up on the line
  # of the first before its own redirection empties the file.
  : > serve.err
  "$MEJORA" serve "$t_playbook" --listen 127.0.0.1:0 "$@" 2>serve.err &
  serve_pid=$!
  wait_until 60 serve_up
  port=$(sed -n 's|.*serving on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
    serve.err)
  base=http://127.0.0.1:$port
  [ -n "$port" ]
}
# serve_stop: SIGTERM to the server of serve_start; waits until it has
# exited and sets $src to its exit status.
serve_stop() {
  kill -TERM "$serve_pid"
  wait "$serve_pid"
  src=$?
  serve_pid=
}
# A copy of the pyme-retail example to run in.
example_copy() {
  mkdir -p "$tmp/shop"
  cp -R "$top_srcdir/examples/pyme-retail/playbook.lua" \
        "$top_srcdir/examples/pyme-retail/data" "$tmp/shop/"
  chmod -R u+w "$tmp/shop"
}
done_testing() { exit $((t_fail > 0)); }
