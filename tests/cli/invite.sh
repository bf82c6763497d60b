#!/bin/sh
# Invitations and one reminder by e-mail, from the playbook's templates,
# against a real SMTP server on loopback (aiosmtpd): `mejora sample` queues
# one message per invitee who may get one (consent for the channel, not
# left, an address), `deliver` sends each once in the customer's language
# with their own link and the unsubscribe link; after remind_after one
# reminder goes to those who have not answered, never a second. A bad
# template, or a failure while the invitations are stored, leaves no
# invitation and no message. A webhook channel gets no customer data in
# its meta.
. "$top_srcdir/tests/cli/tap.sh"
plan 32
scratch
. "$top_srcdir/tests/plugins/receivers.sh"
cd "$tmp"
MEJORA_ENV_ALLOW=
export MEJORA_ENV_ALLOW
T0=2026-11-02T09:00:00Z
# at SECONDS: the time that long after T0.
at() { date -u -d "@$(($(date -u -d "$T0" +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }

start_receiver "$tmp/smtp" smtp_receiver.py
ok $? "the SMTP server listens"
smtp_port=$port
mails() { ls "$tmp/smtp"/*.eml 2>/dev/null | wc -l | tr -d ' '; }

cat > customers.lua <<'LUA'
customer "C1" { name = "Ana Núñez", email = "ana@example.org", lang = "es",
                channel = "email" }
customer "C2" { name = "Bob Lee", email = "bob@example.org", lang = "en" }
customer "C3" { name = "Carla", email = "carla@example.org", consent = "sms" }
customer "C4" { name = "Dan", email = "dan@example.org",
                ["until"] = "2026-10-01" }
customer "C5" { name = "Eve", channel = "email" }
customer "C6" { name = "Fran & Co", email = "fran@example.org", lang = "fr",
                channel = "sms", consent = "sms, email" }
questionnaire "visita" {
  title = { en = "Your visit", es = "Su visita" }, lang = "en",
  question "nps" { type = "nps", required = true },
}
LUA
# The playbook: the customers above, a notifier, a sample that sends.
{
  cat customers.lua
  cat <<LUA
use "notifier.email" { as = "mail", url = "smtp://127.0.0.1:$smtp_port",
  from = "Calidad <calidad@laesquina.example>", to_meta = "email" }
message "reminder" {
  subject = { en = "Reminder: {questionnaire}",
              es = "Recordatorio: {questionnaire}" },
  text = { en = "Hi {customer.name}, two minutes: {link}",
           es = "Hola, {customer.name}: dos minutos: {link}" },
  html = { en = "<p>Hi <b>{customer.name}</b>: "
              .. "<a href=\"{link}\">answer</a></p>" },
}
sample "nov" {
  questionnaire = "visita", size = 6, seed = 3, fatigue_days = 0,
  link = "https://survey.example/a/{token}",
  unsubscribe = "https://survey.example/u/{token}",
  send = { email = "mail" }, remind_after = "7d",
}
LUA
} > playbook.lua

# A template with a placeholder mejora does not know: refused at load.
sed 's/{customer.name}, two/{customer.nmae}, two/' playbook.lua > bad.lua
run "$MEJORA" sample bad.lua nov --now "$T0"
is "$rc" 1 "an unknown placeholder is a playbook error"
like "$out" 'bad\.lua:[0-9]+: message "reminder": text has the unknown placeholder \{customer\.nmae\}' \
  "named with file and line"
run "$MEJORA" invitations playbook.lua
like "$out" '^0 invitation\(s\)' "and no invitation was stored"

# A failure while the invitations are stored: the store refuses the
# messages, so neither they nor the invitations stay.
"$MEJORA" invitations playbook.lua >/dev/null 2>&1
sqlite3 mejora.db "CREATE TRIGGER no_mail BEFORE INSERT ON notifications
  BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;"
run "$MEJORA" sample playbook.lua nov --now "$T0"
[ "$rc" -ne 0 ]
ok $? "sample fails when a message cannot be queued"
like "$out" 'disk on fire' "and says why"
is "$(sqlite3 mejora.db 'SELECT count(*) FROM invitations') $(sqlite3 mejora.db 'SELECT count(*) FROM notifications')" \
  "0 0" "no invitation and no message stored"
sqlite3 mejora.db "DROP TRIGGER no_mail;"

run "$MEJORA" sample playbook.lua nov --now "$T0"
is "$rc" 0 "sample draws and queues"
like "$out" '^3 invited, 3 skipped: 1 no consent for the channel, 1 left, 1 no address$' \
  "the summary says who gets no message and why"
run "$MEJORA" outbox playbook.lua
is "$(printf '%s\n' "$out" | grep -c 'mail  *customer\.invitation  *pending')" 3 \
  "outbox lists three invitations pending"
is "$(sqlite3 mejora.db 'SELECT DISTINCT cycle FROM notifications')" 0 \
  "messages of no cycle carry cycle 0"
is "$(mails)" 0 "nothing is sent before deliver"

run "$MEJORA" deliver playbook.lua --now "$(at 60)"
is "$rc" 0 "deliver runs"
like "$out" 'delivered: 3 sent, 0 to try again, 0 failed' "three sent"
is "$(mails)" 3 "the server holds three messages"

"$MEJORA" invitations playbook.lua --format csv | tr -d '\r' |
  awk -F, 'NR > 1 { print $2, $1 }' > tokens
check=$("$PYTHON" - "$tmp/smtp" tokens <<'PY' 2>&1
import email, email.policy, glob, sys
tok = dict(l.split() for l in open(sys.argv[2]))
got = {}
for p in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(p, "rb"),
                                       policy=email.policy.default)
    got[open(p[:-4] + ".rcpt").read().split()[0]] = m
def say(cond, what):
    print(("ok " if cond else "not ok ") + what)
say(sorted(got) == ["ana@example.org", "bob@example.org", "fran@example.org"],
    "exactly C1, C2 and C6: %s" % sorted(got))
ana, bob, fran = (got.get(a + "@example.org") for a in ("ana", "bob", "fran"))
if not (ana and bob and fran):
    sys.exit(0)
say(str(ana["Subject"]).startswith("¿Qué tal le atendimos?"),
    "Spanish UTF-8 subject for C1")
say(str(bob["Subject"]).startswith("How did we do?"), "English for C2")
say(str(fran["Subject"]).startswith("How did we do?"),
    "C6 (fr, no French text) falls back to the questionnaire's en")
for m, c, name in ((ana, "C1", "Ana Núñez"), (bob, "C2", "Bob Lee"),
                   (fran, "C6", "Fran & Co")):
    plain = m.get_body(("plain",)).get_content()
    say(name in plain and "https://survey.example/a/" + tok[c] in plain,
        c + ": name and own link")
    say(m["List-Unsubscribe"] == "<https://survey.example/u/%s>" % tok[c],
        c + ": the unsubscribe link")
    say("token:" not in plain and "customer: " not in plain,
        c + ": no event meta in a customer's mail")
PY
)
printf '%s\n' "$check" | grep -v '^ok ' | sed 's/^/# /'
is "$(printf '%s\n' "$check" | grep -c '^ok ')" 13 \
  "the invitations read back: $(printf '%s\n' "$check" | grep -c '^ok ')/13 checks"

# C2 answers with the token of the invitation.
printf 'token,nps\n%s,9\n' "$(awk '$1 == "C2" { print $2 }' tokens)" > ans.csv
run "$MEJORA" import playbook.lua visita ans.csv --now "$(at 86400)"
is "$rc" 0 "C2 answers through an import with the token"

run "$MEJORA" deliver playbook.lua --now "$(at $((3 * 86400)))"
is "$(mails)" 3 "after 3 days: no reminder yet"

# Two deliveries at once after 8 days: each reminder is queued once.
"$MEJORA" deliver playbook.lua --now "$(at $((8 * 86400)))" >d1 2>&1 &
p1=$!
"$MEJORA" deliver playbook.lua --now "$(at $((8 * 86400)))" >d2 2>&1
r2=$?
wait $p1
r1=$?
is "$r1 $r2" "0 0" "two deliveries at once after 8 days"
is "$(mails)" 5 "two reminders, not four"
check=$("$PYTHON" - "$tmp/smtp" <<'PY' 2>&1
import email, email.policy, glob, sys
paths = sorted(glob.glob(sys.argv[1] + "/*.eml"))[3:]
ms = {open(p[:-4] + ".rcpt").read().split()[0]:
      email.message_from_binary_file(open(p, "rb"),
                                     policy=email.policy.default)
      for p in paths}
def say(cond, what):
    print(("ok " if cond else "not ok ") + what)
say(sorted(ms) == ["ana@example.org", "fran@example.org"],
    "reminders to C1 and C6, not to C2 who answered: %s" % sorted(ms))
ana, fran = ms.get("ana@example.org"), ms.get("fran@example.org")
if ana and fran:
    say(str(ana["Subject"]) == "Recordatorio: Su visita",
        "C1's reminder from the playbook's template, in Spanish")
    html = fran.get_body(("html",)).get_content()
    say("<b>Fran &amp; Co</b>" in html and "<a href=\"https://survey" in html,
        "the HTML template, its values escaped")
    say(fran["List-Unsubscribe"] is not None, "with the unsubscribe link")
PY
)
printf '%s\n' "$check" | grep -v '^ok ' | sed 's/^/# /'
is "$(printf '%s\n' "$check" | grep -c '^ok ')" 4 \
  "the reminders read back: $(printf '%s\n' "$check" | grep -c '^ok ')/4 checks"

run "$MEJORA" deliver playbook.lua --now "$(at $((9 * 86400)))"
is "$(mails)" 5 "after 9 days: no second reminder"
run "$MEJORA" deliver playbook.lua --now "$(at $((9 * 86400)))"
is "$(mails)" 5 "nor on another delivery"
is "$(sqlite3 mejora.db "SELECT kind, count(*) FROM notifications GROUP BY kind ORDER BY kind" | tr '\n' ' ')" \
  "customer.invitation|3 customer.reminder|2 " "the store holds 3 invitations and 2 reminders"
is "$(sqlite3 mejora.db "SELECT customer FROM invitations WHERE reminded_at > 0 ORDER BY customer" | tr '\n' ' ')" \
  "C1 C6 " "the reminded invitations are marked"
run "$MEJORA" outbox playbook.lua
is "$out" "No message is waiting to be delivered." "the outbox is empty"

# Channel consent and links are checked when the playbook loads.
sed 's/consent = "sms, email"/consent = "sms; e-mail!"/' playbook.lua > bad.lua
run "$MEJORA" invitations bad.lua
like "$out" 'bad\.lua:[0-9]+: customer "C6": consent "sms; e-mail!" is not a list of channels' \
  "a consent that is no list of channels is refused"
sed 's|a/{token}|a/|' playbook.lua > bad.lua
run "$MEJORA" invitations bad.lua
like "$out" 'bad\.lua:[0-9]+: sample "nov": link "https://survey.example/a/" needs the invitation.s token once, as \{token\}' \
  "a link without {token} is refused"
sed 's/email = "mail"/email = "post"/' playbook.lua > bad.lua
run "$MEJORA" invitations bad.lua
like "$out" "bad\\.lua:[0-9]+: sample 'nov' sends email through notifier 'post', which the playbook does not use" \
  "a notifier the playbook does not use is refused"
# Another channel, through a webhook (an SMS gateway, say): the message
# goes with its text, and no customer data in the meta unless `include`
# names it.
start_receiver "$tmp/hook" http_receiver.py "hook secret"
ok $? "the webhook receiver listens"
mkdir "$tmp/w"
cd "$tmp/w"
cat > playbook.lua <<LUA
customer "A1" { name = "Ana", email = "a1@example.org", lang = "es",
                channel = "app" }
questionnaire "visita" { question "nps" { type = "nps" } }
use "notifier.webhook" { as = "hook", url = "http://127.0.0.1:$port/h",
  secret_env = "HOOK_SECRET" }
sample "w" { questionnaire = "visita", size = 1, seed = 1,
  link = "https://s.example/a/{token}",
  unsubscribe = "https://s.example/u/{token}", send = { app = "hook" } }
LUA
HOOK_SECRET="hook secret"
MEJORA_ENV_ALLOW=HOOK_SECRET
export HOOK_SECRET MEJORA_ENV_ALLOW
"$MEJORA" sample playbook.lua w >/dev/null 2>&1
run "$MEJORA" deliver playbook.lua
like "$out" 'delivered: 1 sent' "the invitation goes to the webhook"
got=$("$PYTHON" -c '
import glob, json, sys
b = json.load(open(sorted(glob.glob(sys.argv[1] + "/*.json"))[0]))
print(b["kind"], json.dumps(b["meta"], sort_keys=True),
      "a1@example.org" in json.dumps(b))' "$tmp/hook" 2>&1)
is "$got" 'customer.invitation {"questionnaire": "visita"} False' \
  "its meta carries no customer data"
done_testing
