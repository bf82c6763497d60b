#!/bin/sh
# Plan, complaint and thanks events by e-mail to a real SMTP server on
# loopback, the clock moved with --now: each event reaches the owner it is
# for, with its text, once however many deliveries run; the daily thanks
# picks the newest promoters with consent who have not left and were not
# thanked lately, and records them as thanked.
. "$top_srcdir/tests/cli/tap.sh"
plan 34
scratch
. "$top_srcdir/tests/plugins/receivers.sh"
MEJORA_ENV_ALLOW=
export MEJORA_ENV_ALLOW
now=$(date -u -d "$MEJORA_NOW" +%s)
# at DAYS: MEJORA_NOW moved by that many days, for --now and the data.
at() { date -u -d "@$((now + $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ; }
# mails: "KIND RCPT SUBJECT" for each message the server holds, in order.
mails() {
  "$PYTHON" - "$tmp/smtp" <<'PY'
import email, email.policy, glob, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    with open(path, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    rcpt = open(path[:-4] + ".rcpt").read().split()
    print(m["X-Mejora-Event"], ",".join(rcpt), m["Subject"])
PY
}
# body N: the plain-text part of the server's Nth message.
body() {
  "$PYTHON" - "$tmp/smtp" "$1" <<'PY'
import email, email.policy, glob, sys
path = sorted(glob.glob(sys.argv[1] + "/*.eml"))[int(sys.argv[2]) - 1]
with open(path, "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
print(m.get_body(("plain",)).get_content())
PY
}
# ids: how many messages, and how many distinct Message-IDs.
ids() {
  n=$(cat "$tmp/smtp"/*.eml 2>/dev/null | grep -ci '^Message-ID:')
  u=$(cat "$tmp/smtp"/*.eml 2>/dev/null | grep -i '^Message-ID:' | sort -u |
    wc -l | tr -d ' ')
  echo "$n/$u"
}
count() { ls "$tmp/smtp"/*.eml 2>/dev/null | wc -l | tr -d ' '; }

start_receiver "$tmp/smtp" smtp_receiver.py --lifetime 300
ok $? "the SMTP server listens"

# ---- plans and complaints --------------------------------------------------
mkdir -p "$tmp/a"
cd "$tmp/a"
cat > p.lua <<LUA
customer "c1" {}
requirement "R1" { text = "Quick service", target = 4 }
questionnaire "q" { question "s" { type = "scale5", measures = "R1" } }
plan "P1" { owner = "jefa@x.example", due = "10d", due_soon = "3d",
  actions = { "Open a second till", "Train the staff" },
  when = function(r) return true end }
complaint_category "late" { text = "Late delivery",
  owner = "quejas@x.example", limit = "5d" }
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } },
  scorers = { "csat" }, min_n = 1 }
cycle "B" { import = { { questionnaire = "q", file = "a.csv" } },
  scorers = { "csat" }, min_n = 1 }
use "notifier.email" { url = "smtp://127.0.0.1:$port",
  from = "Calidad <calidad@x.example>", to_meta = "owner", timeout = 20 }
LUA
printf 'response_id,customer_id,s\na1,c1,2\na2,c1,3\n' > a.csv

run timeout 120 "$MEJORA" run p.lua --cycle A -q
is "$rc" 0 "the cycle runs and opens P1"
[ "$rc" -eq 0 ] || printf "%s\n" "$out" | sed "s|^|# |"
is "$(mails)" "plan.opened jefa@x.example Plan 'P1' opened" \
  "plan.opened reaches the plan's owner"
run "$MEJORA" deliver p.lua -q
is "$(count)" 1 "a second delivery sends nothing more"

cat > c.csv <<CSV
id,received_at,channel,customer_id,category,text,responded_at
K1,$(at -1),phone,c1,late,The parcel came a week late,
K2,$(at -1),email,c1,late,Still waiting,$(at 0)
CSV
run "$MEJORA" complaints p.lua import c.csv -q
is "$rc" 0 "two complaints imported"
run "$MEJORA" complaints p.lua import c.csv -q
run timeout 60 "$MEJORA" deliver p.lua -q
is "$(mails | sed -n 's/^complaint.received //p')" \
"quejas@x.example Complaint K1 received
quejas@x.example Complaint K2 received" \
  "complaint.received once each to the category's owner, not on re-import"
like "$(body 2)" "K1 \(category late\) was received on .* respond by .*within 5 days" \
  "with when to respond by"
like "$(body 2)" "text: The parcel came a week late" \
  "and the complaint's text"

run timeout 60 "$MEJORA" deliver p.lua --now "$(at 3)" -q
is "$(count)" 3 "nothing overdue before the limit"
run timeout 60 "$MEJORA" deliver p.lua --now "$(at 6)" -q
run timeout 60 "$MEJORA" deliver p.lua --now "$(at 6)" -q
is "$(mails | sed -n 's/^complaint.overdue //p')" \
  "quejas@x.example Complaint K1 has had no response within 5 days" \
  "complaint.overdue once, for the one not responded to"

"$MEJORA" plans p.lua update P1 --action 2 --owner equipo@x.example >/dev/null
run timeout 60 "$MEJORA" deliver p.lua --now "$(at 8)" -q
is "$rc" 0 "a delivery within three days of the due date"
run timeout 60 "$MEJORA" deliver p.lua --now "$(at 9)" -q
is "$(mails | sed -n 's/^plan.action_due_soon //p')" \
"jefa@x.example Plan 'P1': action 1 is due on $(at 10 | cut -c1-10)
equipo@x.example Plan 'P1': action 2 is due on $(at 10 | cut -c1-10)" \
  "plan.action_due_soon once an action, to the action's owner"
like "$(body 5)" "Action 1 of plan 'P1' \(\"Open a second till\"\) is due on .* in 2 day\(s\)" \
  "saying which action and how soon"
like "$("$MEJORA" plans p.lua show P1)" "action.due_soon +action 1" \
  "the plan's history records it"

run timeout 60 "$MEJORA" deliver p.lua --now "$(at 11)" -q
run timeout 60 "$MEJORA" deliver p.lua --now "$(at 11)" -q
is "$(mails | sed -n 's/^plan.overdue //p')" \
  "jefa@x.example Plan 'P1' is overdue" \
  "plan.overdue once, found by deliver, to the owner"

"$MEJORA" plans p.lua update P1 --action 1 --status done >/dev/null
"$MEJORA" plans p.lua update P1 --action 2 --status done >/dev/null
run timeout 120 "$MEJORA" run p.lua --cycle B --now "$(at 12)" -q
is "$rc" 0 "the next cycle runs"
run timeout 60 "$MEJORA" deliver p.lua --now "$(at 12)" -q
is "$(mails | sed -n 's/^plan.closed //p')" \
  "jefa@x.example Plan 'P1' closed: actions done" \
  "plan.closed once, to the owner"
is "$(count)" 8 "eight messages in all"
is "$(ids)" "8/8" "each with its own Message-ID: none sent twice"
is "$(sqlite3 mejora.db "SELECT group_concat(kind || ':' || status, ' ')
  FROM notifications WHERE status <> 'sent'
  AND kind <> 'cycle.warning'")" "" \
  "the store marks every message sent (a cycle's warning has no owner)"

# The change and its message are stored together or not at all.
sqlite3 mejora.db "CREATE TRIGGER refuse BEFORE INSERT ON notifications
  BEGIN SELECT RAISE(ABORT, 'outbox full'); END;"
cat >> p.lua <<'LUA'
plan "P2" { owner = "jefa@x.example", due = "10d", actions = { "Call" },
  when = function(r) return true end }
LUA
run timeout 120 "$MEJORA" run p.lua --cycle B --rerun --now "$(at 12)" -q
like "$out" "opening plan: .*outbox full" \
  "a plan whose message cannot be queued fails the cycle"
is "$(sqlite3 mejora.db "SELECT count(*) FROM plans WHERE id = 'P2'")" 0 \
  "and is not opened"

# ---- the daily thanks ------------------------------------------------------
rm -f "$tmp/smtp"/*.eml "$tmp/smtp"/*.rcpt
mkdir -p "$tmp/b"
cd "$tmp/b"
cat > p.lua <<LUA
customer "c1" { name = "Ana Pérez" }
customer "c2" { name = "Bruno Díaz" }
customer "c3" { name = "Carla Ruiz" }
customer "c4" { name = "Dario Gil" }
customer "c5" { name = "Eva Luna", ["until"] = "$(at -5 | cut -c1-10)" }
customer "c6" { name = "Fede Sanz", consent = false }
customer "c7" { name = "Gala Ortiz" }
customer "c8" { name = "Hugo Vidal" }
customer "c9" { name = "Irene Mora" }
questionnaire "q" {
  question "nps" { type = "nps" },
  question "why" { type = "text" },
}
thanks "daily" { owner = "gerencia@x.example", count = 3,
  promoters_within = "30d", not_within = "90d" }
use "notifier.email" { url = "smtp://127.0.0.1:$port",
  from = "Calidad <calidad@x.example>", to_meta = "owner", timeout = 20 }
LUA
# c4 answered 15 days ago and is thanked 10 days ago; c5 has left, c6
# gave no consent, c7 is no promoter, c8 answered too long ago; c3 and c9
# answered at the same time, and c3 comes first by id.
cat > r.csv <<CSV
response_id,customer_id,submitted_at,nps,why
r1,c1,$(at -1),10,Always friendly
r2,c2,$(at -2),9,Fast
r3,c3,$(at -3),10,Great coffee
r9,c9,$(at -3),9,Nice
r4,c4,$(at -15),10,Good prices
r5,c5,$(at -1),10,I moved away
r6,c6,$(at -1),10,Leave me alone
r7,c7,$(at -1),6,Slow
r8,c8,$(at -45),10,Long ago
r1b,c1,$(at -8),9,Older answer
CSV
run "$MEJORA" import p.lua q r.csv -q
is "$rc" 0 "the answers are imported"
[ "$rc" -eq 0 ] || printf "%s\n" "$out" | sed "s|^|# |"
run timeout 60 "$MEJORA" deliver p.lua --now "$(at -10)" -q
is "$(mails)" "thanks.daily gerencia@x.example 1 customer to thank today, $(at -10 | cut -c1-10)" \
  "ten days ago the list had the one promoter of then"
like "$(body 1)" "thank_1: Dario Gil \(c4\), answered .*\"Good prices\"" \
  "Dario, with his comment"

run timeout 60 "$MEJORA" deliver p.lua -q
run timeout 60 "$MEJORA" deliver p.lua -q
is "$(count)" 2 "one list today however many deliveries"
is "$(mails | sed -n 2p)" \
  "thanks.daily gerencia@x.example 3 customers to thank today, $(at 0 | cut -c1-10)" \
  "today's list of three goes to the owner"
b=$(body 2)
is "$(printf '%s\n' "$b" | sed -n 's/^\(thank_[0-9]\): \([^(]*\) (\(c[0-9]\)).*/\1 \3/p' |
  tr '\n' ' ')" "thank_1 c1 thank_2 c2 thank_3 c3 " \
  "newest answer first, ties by customer id"
like "$b" "thank_1: Ana Pérez \(c1\), answered $(at -1 | cut -c1-10): \"Always friendly\"" \
  "each with name, date and the comment of the newest answer"
unlike "$b" "Dario|Eva|Fede|Gala|Hugo|Irene" \
  "not the one thanked 10 days ago, who left, without consent, no promoter, too old, or fourth"
is "$(sqlite3 mejora.db "SELECT group_concat(customer, ' ') FROM
  (SELECT customer FROM thanked ORDER BY at, customer)")" "c4 c1 c2 c3" \
  "the store records each as thanked"
run timeout 60 "$MEJORA" deliver p.lua --now "$(at 1)" -q
like "$(mails | sed -n 3p)" "1 customer to thank today" \
  "tomorrow only the one left over: nobody is thanked twice"
like "$(body 3)" "thank_1: Irene Mora \(c9\)" "Irene"
is "$(ids)" "3/3" "each list with its own Message-ID"
done_testing
