#!/bin/sh
# The outbox's faults against the real SMTP server (aiosmtpd) on loopback,
# as outbox.sh has them against the webhook: the server down during `run`,
# then back on its port, gets each message once; a delivery killed with
# SIGKILL while the server holds a message before acknowledging it loses
# nothing, and only that message, never acknowledged, comes twice. The
# server's Message-IDs are counted.
. "$top_srcdir/tests/cli/tap.sh"
plan 12
scratch
. "$top_srcdir/tests/plugins/receivers.sh"
MEJORA_ENV_ALLOW=
export MEJORA_ENV_ALLOW
now=$(date -u -d "$MEJORA_NOW" +%s)

# playbook DIR PORT: three plans that open in cycle A, mailed to their
# owners through the server on PORT.
playbook() {
  mkdir -p "$1"
  cat > "$1/p.lua" <<LUA
customer "c1" {}
requirement "R1" { text = "Quick service", target = 4 }
questionnaire "q" { question "s" { type = "scale5", measures = "R1" } }
plan "P1" { owner = "a@x.example", due = "30d", actions = { "one" },
  when = function(r) return true end }
plan "P2" { owner = "b@x.example", due = "30d", actions = { "two" },
  when = function(r) return true end }
plan "P3" { owner = "c@x.example", due = "30d", actions = { "three" },
  when = function(r) return true end }
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } },
  scorers = { "csat" }, min_n = 1 }
use "notifier.email" { url = "smtp://127.0.0.1:$2",
  from = "Calidad <calidad@x.example>", to_meta = "owner", timeout = 60 }
LUA
  printf 'response_id,customer_id,s\na1,c1,2\na2,c1,3\n' > "$1/a.csv"
}
at() { echo $((now + $1)); }
# ids DIR: how many times the server in DIR took each Message-ID, as
# counts, sorted.
ids() {
  cat "$1"/*.eml 2>/dev/null | sed -n 's/^Message-I[Dd]: //p' | sort |
    uniq -c | awk '{ print $1 }' | sort | tr '\n' ' '
}
plans() {
  sqlite3 mejora.db "SELECT group_concat(kind || ':' || status, ' ')
    FROM notifications WHERE kind = 'plan.opened'"
}

# ---- the server down, then up ----------------------------------------------
start_receiver "$tmp/m1" smtp_receiver.py --lifetime 300
ok $? "the SMTP server listens"
p1=$port
stop_receiver "$pid"
playbook "$tmp/a" "$p1"
cd "$tmp/a"
run timeout 120 "$MEJORA" run p.lua -q
is "$rc:$(plans)" "0:plan.opened:retry plan.opened:retry plan.opened:retry" \
  "the server down: the cycle runs, its three messages wait to be tried again"
start_receiver "$tmp/m1" smtp_receiver.py --lifetime 300 --port "$p1"
ok $? "the server is back on its port"
run "$MEJORA" deliver p.lua --now "$(at 61)"
is "$rc:$out" "0:delivered: 3 sent, 0 to try again, 0 failed" \
  "deliver once they are due sends the three"
run "$MEJORA" deliver p.lua --now "$(at 3600)"
is "$(ids "$tmp/m1")" "1 1 1 " "the server took three Message-IDs, each once"
is "$(cat "$tmp/m1"/*.rcpt | sort | tr '\n' ' ')" \
  "a@x.example b@x.example c@x.example " "each to its plan's owner"

# ---- a delivery killed while the server holds a message -------------------
start_receiver "$tmp/m2" smtp_receiver.py --lifetime 300
p2=$port
stop_receiver "$pid"
playbook "$tmp/b" "$p2"
cd "$tmp/b"
run timeout 120 "$MEJORA" run p.lua -q
echo 30 > "$tmp/m2/delay"
start_receiver "$tmp/m2" smtp_receiver.py --lifetime 300 --port "$p2"
"$MEJORA" deliver p.lua --now "$(at 61)" -q >/dev/null 2>&1 &
dpid=$!
wait_until 60 test -f "$tmp/m2/001.eml"
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
rm -f "$tmp/m2/delay"
is "$(ids "$tmp/m2")" "1 " \
  "deliver was killed while the server held one, unacknowledged"
is "$(plans)" "plan.opened:sending plan.opened:sending plan.opened:sending" \
  "its claim stays on the messages"
run "$MEJORA" deliver p.lua --now "$(at 361)"
is "$rc:$out" "0:delivered: 0 sent, 0 to try again, 0 failed" \
  "another deliver leaves them while the claim is fresh"
run "$MEJORA" deliver p.lua --now "$(at 662)"
is "$rc:$out" "0:delivered: 3 sent, 0 to try again, 0 failed" \
  "once the claim is 10 minutes old the next deliver sends them"
run "$MEJORA" deliver p.lua --now "$(at 3600)"
is "$(ids "$tmp/m2")" "1 1 2 " \
  "nothing lost: every Message-ID arrived; only the unacknowledged one twice"
is "$(sqlite3 mejora.db "SELECT group_concat(status) FROM notifications
  WHERE kind = 'plan.opened'")" "sent,sent,sent" \
  "the store marks each sent once"
done_testing
