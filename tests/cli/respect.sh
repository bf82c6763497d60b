#!/bin/sh
# Respect for the recipient, as messages to customers are delivered to a
# real SMTP server on loopback, the clock moved with --now: quiet hours
# kept in each customer's time zone (across the night the clocks go
# forward in Madrid), a cap of two messages a week, an unsubscribe by
# token that cancels what was queued and survives a customers import; an
# e-mail to a customer without an unsubscribe link refused; no customer
# data in a webhook unless include names it; unknown zones refused.
. "$top_srcdir/tests/cli/tap.sh"
plan 43
scratch
. "$top_srcdir/tests/plugins/receivers.sh"
QUEUE="$top_builddir/tests/cli/queue_message"
MEJORA_ENV_ALLOW=HOOK_SECRET
HOOK_SECRET='s3cr3t'
export MEJORA_ENV_ALLOW HOOK_SECRET

start_receiver "$tmp/smtp" smtp_receiver.py
ok $? "the SMTP server listens"
smtp_port=$port

cd "$tmp"
cat > customers.csv <<'CSV'
id,segment,name,email,tz
madrid,retail,Ana,ana@example.org,Europe/Madrid
ny,retail,Bob,bob@example.org,America/New_York
capped,retail,Cora,cora@example.org,
gone,retail,Gil,gil@example.org,Europe/Madrid
stay,retail,Sol,sol@example.org,Europe/Madrid
CSV
cat > p.lua <<LUA
segment "retail" {}
customers "customers.csv"
requirement "R1" { text = "Quick service", target = 4 }
questionnaire "q" { question "s" { type = "scale5", measures = "R1" } }
sample "all" { questionnaire = "q", size = 5, seed = 1, fatigue_days = 0 }
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } },
  scorers = { "csat" }, min_n = 1 }
contact { quiet_hours = "21:00-08:00", max = "2/7d", tz = "Europe/Madrid" }
use "notifier.email" {
  url = "smtp://127.0.0.1:$smtp_port", from = "calidad@laesquina.example",
  to_meta = "email", timeout = 20,
}
LUA
printf 'response_id,customer_id,s\na1,madrid,4\n' > a.csv

# queue TIME CUSTOMER SUBJECT [K=V...]: a message to the customer's address
# with an unsubscribe link, as an invitation is.
queue() {
  t=$1 c=$2 s=$3; shift 3
  MEJORA_NOW=$t "$QUEUE" p.lua email customer.invitation "$s" customer="$c" \
    email="$c@example.org" "unsubscribe=https://laesquina.example/u/$c" "$@"
}
# got CUSTOMER: how many messages the SMTP server took for their address.
got() {
  cat "$tmp/smtp"/*.rcpt 2>/dev/null | grep -c "^$1@example\.org\$"
}
deliver() {
  run timeout 60 "$MEJORA" deliver p.lua --now "$1"
}

run "$MEJORA" check p.lua
like "$rc:$out" "^0:p\.lua: ok" "a playbook with contact and time zones checks"

# ---- quiet hours in the customer's zone ----------------------------------
# 21:00 UTC is 22:00 in Madrid (quiet) and 16:00 in New York (not).
queue 2026-11-25T21:00:00Z madrid "For Ana at night" &&
  queue 2026-11-25T21:00:00Z ny "For Bob in the afternoon"
ok $? "two messages queued at 21:00 UTC"
deliver 2026-11-25T21:00:00Z
is "$rc:$out" "0:delivered: 1 sent, 0 to try again, 0 failed, 1 deferred (quiet hours, cap)" \
  "New York's goes, Madrid's waits"
is "$(got ny):$(got madrid)" "1:0" \
  "the server has Bob's message only"
run "$MEJORA" outbox p.lua
like "$out" "pending  *0  *2026-11-26T07:00:00Z  *quiet hours 21:00-08:00 Europe/Madrid" \
  "Madrid's is pending, untried, due at 08:00 Madrid time, with why"
deliver 2026-11-26T06:59:00Z
is "$out" "delivered: 0 sent, 0 to try again, 0 failed" \
  "at 07:59 in Madrid it still waits"
deliver 2026-11-26T07:00:30Z
is "$out" "delivered: 1 sent, 0 to try again, 0 failed" \
  "after 08:00 in Madrid it goes"
is "$(got madrid)" 1 "and Ana has it"

# ---- the night the clocks go forward ------------------------------------
# 2027-03-27 21:30 UTC is 22:30 CET; 08:00 the next morning is CEST, 06:00
# UTC, not 07:00.
queue 2027-03-27T21:30:00Z madrid "Across the spring-forward night"
deliver 2027-03-27T21:30:00Z
like "$out" "1 deferred" "a message at 22:30 before the change waits"
run "$MEJORA" outbox p.lua
like "$out" "2027-03-28T06:00:00Z" "until 08:00 summer time, 06:00 UTC"
deliver 2027-03-28T05:59:59Z
is "$out" "delivered: 0 sent, 0 to try again, 0 failed" \
  "07:59:59 CEST (08:59 by the winter clock would be too late): waits"
deliver 2027-03-28T06:00:00Z
is "$out" "delivered: 1 sent, 0 to try again, 0 failed" "08:00 CEST: sent"

# ---- two a week ---------------------------------------------------------
# 15:00 UTC is daytime in Madrid, the zone of customers without one.
for s in one two three; do
  queue 2026-12-01T15:00:00Z capped "Message $s" || break
done
ok $? "three messages to one customer"
deliver 2026-12-01T15:00:00Z
is "$out" "delivered: 2 sent, 0 to try again, 0 failed, 1 deferred (quiet hours, cap)" \
  "two go, the third is over the cap"
is "$(got capped)" 2 "the server has two for her"
run "$MEJORA" outbox p.lua
like "$out" "2026-12-08T15:00:00Z  *cap of 2 messages a customer in 168 hours" \
  "the third waits until the first is a week old"
deliver 2026-12-08T14:59:00Z
is "$out" "delivered: 0 sent, 0 to try again, 0 failed" "not before"
deliver 2026-12-08T15:00:00Z
is "$out" "delivered: 1 sent, 0 to try again, 0 failed" "then it goes"
is "$(got capped)" 3 "the third arrives"

# ---- unsubscribed by token ----------------------------------------------
run "$MEJORA" sample p.lua all --now 2026-12-01T10:00:00Z
is "$rc" 0 "a sample gives every customer an invitation"
token=$("$MEJORA" invitations p.lua --format csv 2>/dev/null |
  awk -F, '$2 == "gone" { print $1 }')
like "$token" "^[0-9a-f]{32}$" "gil's token"
queue 2026-12-02T15:00:00Z gone "For Gil, first" &&
  queue 2026-12-02T15:00:00Z gone "For Gil, second" &&
  queue 2026-12-02T15:00:00Z stay "For Sol"
ok $? "two messages to Gil and one to Sol queued"
run "$MEJORA" unsubscribe p.lua "$token" --now 2026-12-02T14:00:00Z
is "$rc:$out" "0:unsubscribed: no message goes to the customer of invitation $token from now on" \
  "unsubscribe TOKEN"
deliver 2026-12-02T15:00:00Z
is "$rc:$out" "0:delivered: 1 sent, 0 to try again, 0 failed, 2 cancelled (unsubscribed)" \
  "Gil's queued messages are cancelled, Sol's is sent"
is "$(got gone):$(got stay)" "0:1" \
  "nothing reached Gil"
run "$MEJORA" outbox p.lua --failed
is "$(printf '%s\n' "$out" |
  grep -c 'customer.invitation  *cancelled  *0 .*unsubscribed at 2026-12-02T14:00:00Z')" 2 \
  "outbox --failed lists both as cancelled, with when"
id=$("$MEJORA" outbox p.lua --failed --format json |
  "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
run "$MEJORA" outbox p.lua --retry "$id"
is "$rc" 1 "a cancelled message cannot be put back"

# A customers import (a run puts the customers again, a name changed).
sed -i 's/^gone,retail,Gil,/gone,retail,Gil Ruiz,/' customers.csv
run timeout 60 "$MEJORA" run p.lua --cycle A --now 2026-12-03T15:00:00Z -q
is "$rc" 0 "a cycle puts the customers again"
queue 2026-12-03T16:00:00Z gone "For Gil, after the import"
deliver 2026-12-03T16:00:00Z
like "$out" "1 cancelled" "the unsubscribe outlives the import"
is "$(got gone)" 0 "still nothing reached Gil"

run "$MEJORA" unsubscribe p.lua --customer gone --undo
is "$rc:$out" "0:subscribed again: messages go to customer gone" \
  "unsubscribe --customer ID --undo takes him back"
queue 2026-12-04T15:00:00Z gone "For Gil, welcome back"
deliver 2026-12-04T15:00:00Z
is "$(got gone)" 1 "and messages reach him again"
run "$MEJORA" unsubscribe p.lua 0123456789abcdef0123456789abcdef
like "$rc:$out" "^1:.*no invitation has the token" "an unknown token is refused"

# ---- an e-mail to a customer needs an unsubscribe link --------------------
MEJORA_NOW=2026-12-05T15:00:00Z "$QUEUE" p.lua email customer.invitation \
  "No link" customer=stay email=stay@example.org
deliver 2026-12-05T15:00:00Z
like "$out" "delivered: 0 sent, 0 to try again, 1 failed\$" \
  "a message to a customer without an unsubscribe link is refused"
run "$MEJORA" outbox p.lua --failed
like "$out" "failed .*has no unsubscribe link" "with the reason"
is "$(got stay)" 1 "and not sent"

# ---- webhooks: no customer data unless asked ------------------------------
start_receiver "$tmp/hook" http_receiver.py "$HOOK_SECRET"
ok $? "the webhook receiver listens"
hook() {
  out=$(timeout 60 "$NOTIFY_SEND" webhook "url=http://127.0.0.1:$port/h" \
    secret_env=HOOK_SECRET timeout=10 "$@" -- customer.invitation S M \
    customer=C1 email=c1@example.org token=abc name=Ana \
    unsubscribe=https://x.example/u/abc lang=es questionnaire=q 2>&1)
  last=$(ls "$tmp/hook"/*.json 2>/dev/null | tail -1)
  keys=$("$PYTHON" -c 'import json,sys
print(",".join(sorted(json.load(open(sys.argv[1]))["meta"])))' "$last")
}
hook
is "$out:$keys" "sent:questionnaire" \
  "customer, email, token, name, unsubscribe and lang stay out by default"
hook include=lang,token
is "$keys" "lang,questionnaire,token" "include lets through what it names"

# ---- time zones checked where they are written ----------------------------
printf 'id,segment,tz\nx1,retail,Europe/Madrid\nx2,retail,Mars/Olympus\n' \
  > bad.csv
sed 's/customers "customers.csv"/customers "bad.csv"/' p.lua > bad.lua
run "$MEJORA" check bad.lua
like "$rc:$out" "^1:mejora: bad\.csv:3:3: no time zone \"Mars/Olympus\"" \
  "an unknown zone in a customers file: row and column"
printf 'contact { quiet_hours = "21:00-08:00", tz = "Europe/Madird" }\n' \
  > badtz.lua
run "$MEJORA" check badtz.lua
like "$rc:$out" "^1:mejora: badtz\.lua:1: contact: no time zone" \
  "an unknown zone in contact: file and line"
printf 'contact { quiet_hours = "9pm-8am" }\n' > badq.lua
run "$MEJORA" check badq.lua
like "$rc:$out" "quiet_hours \"9pm-8am\" is not a window like \"21:00-08:00\"" \
  "quiet hours not as hh:mm-hh:mm"
