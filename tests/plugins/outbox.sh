#!/bin/sh
# The outbox against the webhook receiver on loopback, the clock moved
# with --now rather than waited for: a receiver down during `run` leaves
# the messages queued and `deliver` sends each once when it is back; a
# receiver answering 500 gets them again after a doubling back-off until
# they are parked as failed with the status, and `--retry ID` puts one
# back; a delivery killed while the receiver stalls loses nothing and
# sends nothing more than twice; two deliveries at once send each message
# once; a plan whose message cannot be queued is not opened either, and
# the cycle fails.
. "$top_srcdir/tests/cli/tap.sh"
plan 41
scratch
. "$top_srcdir/tests/plugins/receivers.sh"
MEJORA_ENV_ALLOW=HOOK_SECRET
HOOK_SECRET='s3cr3t del buzón'
export MEJORA_ENV_ALLOW HOOK_SECRET
now=$(date -u -d "$MEJORA_NOW" +%s)

# playbook DIR PORT: three plans that open in cycle A, told to a webhook
# on PORT.
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
use "notifier.webhook" {
  url = "http://127.0.0.1:$2/h", secret_env = "HOOK_SECRET", timeout = 60,
}
LUA
  printf 'response_id,customer_id,s\na1,c1,2\na2,c1,3\n' > "$1/a.csv"
}
# at SECONDS: the time that many seconds after MEJORA_NOW, for --now.
at() { echo $((now + $1)); }
# keys DIR: how many times the receiver in DIR saw each event key, as
# "COUNT" lines, one per key, sorted.
keys() {
  cat "$1"/*.headers 2>/dev/null | sed -n 's/^Idempotency-Key: //p' |
    sort | uniq -c | awk '{ print $1 }' | sort | tr '\n' ' '
}
# sql DB QUERY
sql() { sqlite3 "$1" "$2"; }

# ---- a receiver down, then up ----------------------------------------------
start_receiver "$tmp/h1" http_receiver.py "$HOOK_SECRET"
ok $? "the receiver listens"
p1=$port
stop_receiver "$pid"
playbook "$tmp/a" "$p1"
cd "$tmp/a"
run timeout 120 "$MEJORA" run p.lua -q
is "$rc" 0 "the receiver down: the cycle runs"
run "$MEJORA" outbox p.lua
is "$(printf '%s\n' "$out" |
  grep -c ' webhook  *plan\.opened  *retry  *1 ')" 3 \
  "outbox lists its three messages, to try again after one attempt"
like "$out" "$(date -u -d @$(at 60) +%Y-%m-%dT%H:%M:%SZ).*Couldn't connect" \
  "with the next attempt a minute later and why"
out=$("$MEJORA" outbox p.lua --format json 2>&1)
is "$(printf '%s' "$out" | "$PYTHON" -c 'import json, sys
print(" ".join("%s:%s:%s" % (m["id"], m["status"], m["attempts"])
               for m in json.load(sys.stdin)))')" \
  "1:retry:1 2:retry:1 3:retry:1" \
  "outbox --format json gives the same"
run env MEJORA_ENV_ALLOW= "$MEJORA" outbox p.lua
like "$rc:$out" "^0:ID" "listing needs no notifier's secret"
run "$MEJORA" deliver p.lua --now "$(at 30)"
is "$rc:$out" "0:delivered: 0 sent, 0 to try again, 0 failed" \
  "deliver before they are due sends nothing"

start_receiver "$tmp/h1" http_receiver.py "$HOOK_SECRET" --port "$p1"
ok $? "the receiver is back on its port"
run "$MEJORA" deliver p.lua --now "$(at 61)"
is "$rc:$out" "0:delivered: 3 sent, 0 to try again, 0 failed" \
  "deliver once they are due sends the three"
is "$(keys "$tmp/h1")" "1 1 1 " "the receiver got three keys, each once"
is "$(ls "$tmp/h1" | grep -c rejected)" 0 "each signed right"
run "$MEJORA" deliver p.lua --now "$(at 3600)"
is "$rc:$out" "0:delivered: 0 sent, 0 to try again, 0 failed" \
  "a second deliver sends nothing"
is "$(keys "$tmp/h1")" "1 1 1 " "and the receiver got nothing more"
run "$MEJORA" outbox p.lua
is "$out" "No message is waiting to be delivered." "the outbox is empty"
is "$(sql mejora.db "SELECT count(*) FROM notifications WHERE status = 'sent'
  AND sent_at = $(at 61) AND attempts = 2")" 3 \
  "the store has each sent, when, after two attempts"

# ---- a receiver answering 500 ---------------------------------------------
start_receiver "$tmp/h2" http_receiver.py "$HOOK_SECRET" --status 500
playbook "$tmp/b" "$port"
cd "$tmp/b"
run timeout 120 "$MEJORA" run p.lua -q
is "$rc" 0 "a receiver answering 500: the cycle runs"
# Deliver each time the first message is due, and note how long it then
# has to wait: 1, 2, 4 ... minutes, until the 8th attempt parks it.
waits="" t=$now rcs=""
for i in 1 2 3 4 5 6 7 8; do
  next=$(sql mejora.db "SELECT next_at FROM notifications WHERE seq = 1
    AND status = 'retry'")
  [ -n "$next" ] || break
  waits="$waits $((next - t))"
  t=$next
  "$MEJORA" deliver p.lua --now "$t" -q >/dev/null 2>&1
  rcs="$rcs $?"
done
is "$waits" " 60 120 240 480 960 1920 3840" \
  "the waits between attempts double from a minute"
is "$rcs" " 0 0 0 0 0 0 3" "deliver exits 3 once it parks a message"
is "$(sql mejora.db "SELECT status || ':' || attempts FROM notifications
  ORDER BY seq" | tr '\n' ' ')" "failed:8 failed:8 failed:8 " \
  "after the 8th attempt the messages are parked as failed"
like "$(sql mejora.db "SELECT detail FROM notifications WHERE seq = 1")" \
  "^gave up after 8 attempts: .*HTTP 500" "with the HTTP status as the reason"
is "$(keys "$tmp/h2")" "8 8 8 " "the receiver was asked 8 times per key"
run "$MEJORA" outbox p.lua
is "$out" "No message is waiting to be delivered." "none waits"
run "$MEJORA" outbox p.lua --failed
is "$(printf '%s\n' "$out" |
  grep -c 'failed  *8  *-  *gave up after 8 attempts: .*HTTP 500')" 3 \
  "outbox --failed lists the three with their reason"
echo 200 > "$tmp/h2/status"
run "$MEJORA" outbox p.lua --retry 2 --now "$(at 90000)"
is "$rc:$out" "0:message 2 is back in the queue" "--retry ID puts one back"
run "$MEJORA" outbox p.lua --retry 2
is "$rc" 1 "a message not parked cannot be put back"
like "$out" "no failed message has id 2" "and says so"
run "$MEJORA" outbox p.lua
like "$out" "^ID.*
2  *webhook  *plan\.opened  *pending  *0 " "outbox lists it pending, untried"
before=$(ls "$tmp/h2"/*.headers | wc -l)
run "$MEJORA" deliver p.lua --now "$(at 90000)"
is "$rc:$out" "0:delivered: 1 sent, 0 to try again, 0 failed" \
  "the healthy receiver then gets it"
run "$MEJORA" deliver p.lua --now "$(at 99000)"
is "$(($(ls "$tmp/h2"/*.headers | wc -l) - before))" 1 "once"
is "$(sql mejora.db "SELECT status FROM notifications ORDER BY seq" |
  tr '\n' ' ')" "failed sent failed " "and the store marks it sent"

# ---- a delivery killed while the receiver stalls --------------------------
start_receiver "$tmp/h3" http_receiver.py "$HOOK_SECRET"
p3=$port
stop_receiver "$pid"
playbook "$tmp/c" "$p3"
cd "$tmp/c"
run timeout 120 "$MEJORA" run p.lua -q
echo 30 > "$tmp/h3/delay"
start_receiver "$tmp/h3" http_receiver.py "$HOOK_SECRET" --port "$p3"
"$MEJORA" deliver p.lua --now "$(at 61)" -q >/dev/null 2>&1 &
dpid=$!
wait_until 60 test -f "$tmp/h3/001.headers"
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
is "$(keys "$tmp/h3")" "1 " "deliver was killed while the receiver held one"
rm -f "$tmp/h3/delay"
is "$(sql mejora.db "SELECT group_concat(status) FROM notifications")" \
  "sending,sending,sending" "its claim stays on the messages"
run "$MEJORA" deliver p.lua --now "$(at 361)"
is "$rc:$out" "0:delivered: 0 sent, 0 to try again, 0 failed" \
  "another deliver leaves them while the claim is fresh"
run "$MEJORA" deliver p.lua --now "$(at 662)"
is "$rc:$out" "0:delivered: 3 sent, 0 to try again, 0 failed" \
  "once the claim is 10 minutes old the next deliver sends them"
is "$(keys "$tmp/h3")" "1 1 2 " \
  "nothing lost: every key arrived, none more than twice"
is "$(sql mejora.db "SELECT status || ':' || sent_at FROM notifications
  ORDER BY seq" | tr '\n' ' ')" \
  "sent:$(at 662) sent:$(at 662) sent:$(at 662) " \
  "the store marks each sent once"

# ---- two deliveries at once ------------------------------------------------
start_receiver "$tmp/h4" http_receiver.py "$HOOK_SECRET" --status 503
playbook "$tmp/e" "$port"
cd "$tmp/e"
run timeout 120 "$MEJORA" run p.lua -q
rm -f "$tmp/h4"/*.headers
echo 200 > "$tmp/h4/status"
echo 1 > "$tmp/h4/delay"
"$MEJORA" deliver p.lua --now "$(at 61)" > d1.out 2>&1 &
d1=$!
"$MEJORA" deliver p.lua --now "$(at 61)" > d2.out 2>&1
wait "$d1"
is "$(cat d1.out d2.out | sed -n 's/^delivered: \([0-9]*\) sent.*/\1/p' |
  sort | tr '\n' ' ')" "0 3 " "two deliveries at once: one sends the three"
is "$(keys "$tmp/h4")" "1 1 1 " "each once"

# ---- a cycle whose messages cannot all be queued --------------------------
playbook "$tmp/d" "$p3"
cd "$tmp/d"
"$MEJORA" import p.lua q a.csv -q >/dev/null 2>&1
sql mejora.db "CREATE TRIGGER third BEFORE INSERT ON notifications
  WHEN (SELECT count(*) FROM notifications) >= 2
  BEGIN SELECT RAISE(ABORT, 'no third message'); END;"
run timeout 120 "$MEJORA" run p.lua -q
like "$rc:$out" "^3:.*opening plan: .*no third message" \
  "the third message refused: the cycle fails and says why"
is "$(sql mejora.db "SELECT count(*) || ':' || (SELECT group_concat(status)
  FROM cycles) FROM notifications")" "2:failed" \
  "the two plans opened keep their messages, the cycle failed"
is "$(sql mejora.db "SELECT group_concat(id) FROM plans")" "P1,P2" \
  "the plan whose message was refused was not opened"
done_testing
