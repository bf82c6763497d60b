# Loopback receivers for the notifier tests (sourced after tests/cli/tap.sh
# and scratch). Each server picks its own free port and writes it to
# DIR/port; every server still running is stopped at exit.
RECV="$top_srcdir/tests/plugins"
NOTIFY_SEND="$top_builddir/tests/plugins/notify_send"
receiver_pids=""
trap 'for p in $receiver_pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# start_receiver DIR SCRIPT ARGS...: runs SCRIPT (smtp_receiver.py or
# http_receiver.py) on DIR, sets $pid and $port; 1 if it did not come up
# within 60 seconds.
start_receiver() {
  d=$1 script=$2; shift 2
  mkdir -p "$d"
  rm -f "$d/port"
  "$PYTHON" "$RECV/$script" "$d" "$@" --lifetime 120 2>"$d/stderr" &
  pid=$!
  receiver_pids="$receiver_pids $pid"
  wait_until 60 test -s "$d/port"
  port=$(cat "$d/port" 2>/dev/null) || port=
  [ -n "$port" ]
}

# stop_receiver PID: stops one server and waits for it.
stop_receiver() {
  kill "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

# The notifications the store recorded for notifier NAME, one
# "kind|status|detail" line each, in order.
stored() {
  sqlite3 "$1" "SELECT kind, status, detail FROM notifications
                WHERE notifier = '$2' ORDER BY seq"
}
