#!/bin/sh
# Close-the-loop cases: an alert opens one case per matching response as
# it is imported, in the import's transaction, and queues its owner's
# e-mail (delivered to a real SMTP server on loopback); a re-import or a
# rejected row opens none; a case closed in time is recorded so; one left
# open past due is escalated once, by deliver; the cycle counts them, the
# report shows the counts and a trigger reads the overdue one.
. "$top_srcdir/tests/cli/tap.sh"
plan 42
scratch
. "$top_srcdir/tests/plugins/receivers.sh"
cd "$tmp"

start_receiver "$tmp/smtp" smtp_receiver.py
ok $? "the SMTP server listens"
smtp_port=$port

cat > p.lua <<LUA
customer "c1" {}
customer "c2" {}
customer "c3" {}
questionnaire "q" {
  question "nps" { type = "nps" },
  question "why" { type = "text" },
}
alert "detractor" {
  questionnaire = "q", when = "nps <= 6",
  owner = "ana@example.com", due = "24h",
  escalate_to = "jefe@example.com",
  text = "Call the customer back today.",
}
cycle "2026-11" { period = { from = "2026-11-01", to = "2026-12-01" },
  scorers = { "nps" }, min_n = 1 }
plan "callbacks" {
  owner = "ana@example.com", due = "30d",
  when = "cases.overdue:detractor > 0",
  actions = { "Review why callbacks are late" },
}
plan "counted" {
  owner = "ana@example.com", due = "30d",
  when = function(r)
    return r.cases("detractor") == 1 and r.cases() == 1 and
      r.cases("detractor", "closed_in_time") == 1 and
      r.cases("detractor", "opened") == 2 and r.cases("nope") == 0
  end,
  actions = { "Thank the team" },
}
use "notifier.email" {
  url = "smtp://127.0.0.1:$smtp_port",
  from = "Calidad <calidad@example.com>",
  to_meta = "owner", timeout = 20,
}
LUA
printf 'response_id,customer_id,nps,why\n' > a.csv
printf 'r1,c1,3,slow\nr2,c2,5,rude\nr3,c3,10,great\n' >> a.csv
db=mejora.db
count() { sqlite3 "$db" "$1" 2>&1; }

# ---- import: two detractors, two cases, two messages ----------------------
run "$MEJORA" import p.lua q a.csv --now 2026-11-10T09:00:00Z
is "$rc" 0 "import of 2 detractors and 1 promoter"
is "$(count 'SELECT count(*) FROM cases')" 2 "two cases opened"
is "$(count "SELECT group_concat(response || ':' || customer || ':' ||
              owner || ':' || due_at, ' ') FROM cases ORDER BY id")" \
  "r1:c1:ana@example.com:1794387600 r2:c2:ana@example.com:1794387600" \
  "one per detractor, owner and due time 24 hours on"
is "$(count "SELECT count(*) FROM notifications WHERE kind = 'case.opened'
              AND status = 'pending' AND cycle = 0")" 2 \
  "two owner messages queued, of no cycle"

run "$MEJORA" deliver p.lua --now 2026-11-10T09:05:00Z
like "$out" "delivered: 2 sent, 0 to try again, 0 failed" "deliver sends both"
is "$(ls "$tmp/smtp"/*.eml 2>/dev/null | wc -l | tr -d ' ')" 2 \
  "the SMTP server holds two messages"
check=$("$PYTHON" - "$tmp/smtp" <<'PY' 2>&1
import email, email.policy, glob, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    with open(path, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    rcpt = open(path[:-4] + ".rcpt").read().split()
    print(rcpt[0], m["Subject"], "callback" if "Call the customer back"
          in m.get_body(("plain",)).get_content() else "-")
PY
)
is "$check" "ana@example.com Case 1 opened: detractor callback
ana@example.com Case 2 opened: detractor callback" \
  "each to the owner, naming its case, with the alert's text"

# ---- a re-import opens nothing; a rejected row opens nothing --------------
run "$MEJORA" import p.lua q a.csv --now 2026-11-10T10:00:00Z
like "$out" "3 already stored" "the same file again: every response already stored"
is "$(count 'SELECT count(*) FROM cases')" 2 "still two cases"
is "$(count 'SELECT count(*) FROM notifications')" 2 "and no new message"

printf 'response_id,customer_id,nps,why\nr4,c1,11,x\nr5,nobody,2,y\n' > b.csv
run "$MEJORA" import p.lua q b.csv --now 2026-11-10T10:00:00Z
is "$rc" 1 "an import whose rows fail validation fails"
is "$(count 'SELECT count(*) FROM cases')" 2 "it opens no case"
is "$(count 'SELECT count(*) FROM notifications')" 2 "and queues nothing"
printf 'response_id,nps\nr6,1\n' > c.csv
run "$MEJORA" import p.lua q c.csv --now 2026-11-10T10:00:00Z
is "$(count 'SELECT count(*) FROM cases'):$(count 'SELECT count(*) FROM
  notifications')" "2:2" "nor does one refused as a whole (no customer column)"

# ---- list, show, close ----------------------------------------------------
run "$MEJORA" cases p.lua --now 2026-11-10T12:00:00Z
like "$out" "^CASE +ALERT +STATUS" "cases lists a table"
is "$(printf '%s\n' "$out" | grep -c ' detractor  *open ')" 2 \
  "both cases open"
run "$MEJORA" cases p.lua close 1 --outcome "Called back; voucher sent" \
  --by ana --now 2026-11-10T15:00:00Z
is "$rc:$out" "0:case 1 closed in time" "close 1 before its due time: in time"
run "$MEJORA" cases p.lua close 1 --outcome again --by ana
is "$rc" 1 "a closed case cannot be closed again (exit 1)"
like "$out" "case 1 is closed already" "and the message says so"
run "$MEJORA" cases p.lua close 9 --outcome x --by ana
is "$rc" 1 "closing an unknown case is a mistake"
run "$MEJORA" cases p.lua close 2
is "$rc" 2 "close without --outcome is a usage error"
run "$MEJORA" cases p.lua show 1 --format json
like "$out" '"closed_by": "ana"' "show --format json: who closed it"
like "$out" '"outcome": "Called back; voucher sent"' "what was done"
like "$out" '"in_time": true' "and that it was in time"
run "$MEJORA" cases p.lua show 1
like "$out" "closed 2026-11-10T15:00:00Z by ana, in time: Called back" \
  "show: when, who, in time and the outcome"

# ---- escalation: once ----------------------------------------------------
run "$MEJORA" cases p.lua list --overdue --now 2026-11-11T10:00:00Z
is "$(printf '%s\n' "$out" | sed 1d | awk '{ print $1, $3 }')" "2 overdue" \
  "--overdue: case 2 only, past its due time"
run "$MEJORA" deliver p.lua --now 2026-11-11T10:00:00Z
like "$out" "delivered: 1 sent" "deliver past due escalates case 2 and sends it"
is "$(count "SELECT count(*) FROM notifications
              WHERE kind = 'case.escalated'")" 1 "one escalation queued"
is "$(tail -n1 "$(ls "$tmp/smtp"/*.rcpt | tail -n1)")" "jefe@example.com" \
  "to escalate_to"
is "$(count 'SELECT id, escalated_at FROM cases WHERE escalated_at > 0')" \
  "2|1794391200" "case 2 marked escalated when deliver ran"
run "$MEJORA" deliver p.lua --now 2026-11-12T10:00:00Z
like "$out" "delivered: 0 sent" "a second deliver escalates nothing"
is "$(count "SELECT count(*) FROM notifications
              WHERE kind = 'case.escalated'")" 1 "never twice"
is "$(ls "$tmp/smtp"/*.eml | wc -l | tr -d ' ')" 3 "three e-mails in all"

# ---- the cycle counts them; a trigger reads the count ---------------------
run "$MEJORA" run p.lua --cycle 2026-11 --now 2026-11-12T12:00:00Z
is "$rc" 0 "run the cycle"
[ "$rc" -eq 0 ] || printf "%s\n" "$out" | sed "s|^|# |"
now=1794484800
hand="$(count "SELECT count(*),
  sum(closed_at = 0), sum(closed_at > 0 AND closed_at <= due_at),
  sum(closed_at > due_at), sum(closed_at = 0 AND due_at < $now) FROM cases")"
is "$hand" "2|1|1|0|1" "by hand: 2 opened, 1 open, 1 in time, 0 late, 1 overdue"
run "$MEJORA" report p.lua
line=$(printf '%s\n' "$out" | grep '^  detractor ')
is "$(echo $line)" "detractor 2 1 1 0 1" \
  "the report's Cases table has the same counts"
run "$MEJORA" report p.lua --format json
like "$(printf '%s' "$out" | tr -d ' \n')" \
  '"scorer":"cases","metric":"overdue","questionnaire":"alert","question":"detractor"' \
  "the JSON report has them as figures of scorer case"
run "$MEJORA" plans p.lua
like "$out" "^callbacks +open" "the trigger on cases.overdue:detractor fired"
like "$out" "^counted +open" "a Lua trigger reads the same counts with r.cases"

# ---- playbook mistakes, at load with file:line ----------------------------
cat > bad.lua <<'LUA'
questionnaire "q" { question "nps" { type = "nps" } }
alert "a" { questionnaire = "q", when = "nsp <= 6",
  owner = "x", due = "24h" }
LUA
run "$MEJORA" check bad.lua
like "$out" "bad\.lua:2: alert \"a\": when \"nsp <= 6\": .*nsp" \
  "an unknown question in when: file:line and the name"
cat > bad.lua <<'LUA'
questionnaire "q" { question "nps" { type = "nps" } }
alert "a" { questionnaire = "q", when = "nps <= 6",
  owner = "x", due = "soon" }
LUA
run "$MEJORA" check bad.lua
like "$out" "bad\.lua:3: alert \"a\": due \"soon\" is not a duration" \
  "a due that is not a duration"
done_testing
