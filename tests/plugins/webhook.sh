#!/bin/sh
# The webhook notifier against an HTTP receiver on loopback that verifies
# every signature and timestamp as doc/notifiers.md tells receivers to: a
# cycle's events arrive signed, with no customer data unless include asks;
# a wrong secret is caught; 500 is recorded as retry and 400 as failed
# with the status.
. "$top_srcdir/tests/cli/tap.sh"
plan 18
scratch; example_copy
. "$top_srcdir/tests/plugins/receivers.sh"
cd "$tmp/shop"
MEJORA_ENV_ALLOW=HOOK_SECRET
HOOK_SECRET='s3cr3t de prueba'
export MEJORA_ENV_ALLOW HOOK_SECRET

start_receiver "$tmp/hook" http_receiver.py "$HOOK_SECRET"
ok $? "the receiver listens"
hook_pid=$pid hook_port=$port

# The playbook of the example with a webhook on port $1; a copy in $2.
playbook_to() {
  mkdir -p "$2"
  cp -R "$top_srcdir/examples/pyme-retail/playbook.lua" \
    "$top_srcdir/examples/pyme-retail/data" "$2/"
  chmod -R u+w "$2"
  cat >> "$2/playbook.lua" <<LUA
use "notifier.webhook" {
  url = "http://127.0.0.1:$1/hooks/mejora", secret_env = "HOOK_SECRET",
  timeout = 20,
}
LUA
}
playbook_to "$hook_port" "$tmp/shop"
run timeout 120 "$MEJORA" run playbook.lua --cycle 2026-11
is "$rc" 0 "the cycle runs"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
is "$(stored mejora.db webhook | tr '\n' ' ')" "plan.opened|sent| " \
  "its event recorded as sent"
is "$(ls "$tmp/hook" | grep -c rejected)" 0 "the receiver accepted the signature"

check=$("$PYTHON" - "$tmp/hook/001.json" "$tmp/hook/001.headers" <<'PY' 2>&1
import json, re, sys
body = json.load(open(sys.argv[1]))
headers = open(sys.argv[2]).read()
def say(cond, what):
    print(("ok " if cond else "not ok ") + what)
say(body["kind"] == "plan.opened" and body["severity"] == "warn" and
    body["subject"] == "Plan 'P1-cola-caja' opened", "kind, severity, subject")
say(body["time"] == 1795608000, "the event's time (MEJORA_NOW)")
say(body["meta"] == {"plan": "P1-cola-caja", "cycle": "1",
                     "due_at": "1798200000"},
    "meta: plan, cycle and due date, not the owner's address")
say(re.fullmatch(r"[0-9a-f]{32}", body["id"]) is not None and
    "X-Mejora-Event-Id: %s\n" % body["id"] in headers and
    "Idempotency-Key: %s\n" % body["id"] in headers,
    "the stable key in the body and both headers")
say("Content-Type: application/json\n" in headers, "Content-Type")
PY
)
printf '%s\n' "$check" | grep -v '^ok ' | sed 's/^/# /'
is "$(printf '%s\n' "$check" | grep -c '^ok ')" 5 "the body read back: $(printf '%s' "$check" | grep -c '^ok ')/5 checks"

# send PORT OPTION... -- EVENT: one event through the notifier.
send() {
  p=$1; shift
  out=$(timeout 60 "$NOTIFY_SEND" webhook "url=http://127.0.0.1:$p/h" \
    secret_env=HOOK_SECRET timeout=10 "$@" 2>&1) && rc=0 || rc=$?
}
send "$hook_port" include=owner,customer -- plan.opened "Plan P9 opened" \
  "text" plan=P9 owner=ana@laesquina.example customer=C17 \
  email=cliente@example.org
is "$out" "sent" "an event with customer meta is sent"
last=$(ls "$tmp/hook"/*.json | tail -1)
is "$("$PYTHON" -c 'import json,sys; m=json.load(open(sys.argv[1]))["meta"]; print(",".join(sorted(m)))' "$last")" \
  "customer,owner,plan" "include adds the keys it names, and only those"

HOOK_SECRET='not the secret'
send "$hook_port" -- plan.opened S M plan=P1
HOOK_SECRET='s3cr3t de prueba'
is "$rc" 1 "a wrong secret: the receiver refuses"
like "$out" "failed: .*HTTP 401: bad signature" "and says why"

# A replayed request: signed right, but its timestamp is an hour old.
replay=$("$PYTHON" - "$hook_port" "$HOOK_SECRET" <<'PY' 2>&1
import hashlib, hmac, sys, time, urllib.request, urllib.error
port, secret = sys.argv[1], sys.argv[2]
body = b'{"kind":"plan.opened"}'
ts = str(int(time.time()) - 3600)
sig = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + body,
                           hashlib.sha256).hexdigest()
req = urllib.request.Request("http://127.0.0.1:%s/h" % port, data=body,
    headers={"X-Mejora-Timestamp": ts, "X-Mejora-Signature": sig,
             "Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=10)
    print("accepted")
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
)
is "$replay" "401 stale timestamp" "a stale timestamp is refused by the receiver"

# answered STATUS: a fresh cycle against a receiver answering STATUS; its
# stored webhook notification in $out.
answered() {
  start_receiver "$tmp/h$1" http_receiver.py "$HOOK_SECRET" --status "$1"
  playbook_to "$port" "$tmp/s$1"
  cd "$tmp/s$1" || return 1
  run timeout 120 "$MEJORA" run playbook.lua --cycle 2026-11
  out=$(stored mejora.db webhook)
}
answered 500
is "$rc" 0 "a receiver answering 500: the cycle runs"
like "$out" "^plan\.opened\|retry\|.*HTTP 500" \
  "the event recorded as retry, with the status"
answered 400
is "$rc" 0 "a receiver answering 400: the cycle runs"
like "$out" "^plan\.opened\|failed\|.*refused the event with HTTP 400" \
  "the event recorded as failed, with the status"

out=$(timeout 60 "$NOTIFY_SEND" webhook url=ftp://127.0.0.1/h -- plan.opened S M 2>&1)
like "$out" "url 'ftp://127.0.0.1/h' is not a web address" "an url that is not http(s)"
out=$(timeout 60 "$NOTIFY_SEND" webhook url=http://127.0.0.1:1/h \
  secret_env=NO_SUCH_VARIABLE_SET -- plan.opened S M 2>&1)
like "$out" "secret_env: the environment variable NO_SUCH_VARIABLE_SET is not set" \
  "a secret variable that is not set"

stop_receiver "$hook_pid"
send "$hook_port" -- plan.opened S M plan=P1
is "$rc" 3 "the receiver gone: to retry"
like "$out" "retry: .*failed for now" "with why"
done_testing
