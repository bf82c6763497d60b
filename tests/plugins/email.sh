#!/bin/sh
# The e-mail notifier against a real SMTP server on loopback (aiosmtpd with
# STARTTLS and AUTH): a cycle's plan events arrive as messages that
# Python's email package reads back (addresses, UTF-8 subject and names,
# Message-ID, both parts, HTML escaping, List-Unsubscribe); refusals and
# an absent server are recorded as failed or retry.
. "$top_srcdir/tests/cli/tap.sh"
plan 29
scratch; example_copy
. "$top_srcdir/tests/plugins/receivers.sh"
cd "$tmp/shop"
MEJORA_ENV_ALLOW=
export MEJORA_ENV_ALLOW

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout key.pem -out cert.pem -days 3650 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
ok $? "a self-signed certificate for 127.0.0.1"
start_receiver "$tmp/smtp" smtp_receiver.py --tls cert.pem key.pem \
  --auth calidad:s3cr3t-ñ
ok $? "the SMTP server listens (STARTTLS and AUTH required)"
smtp_pid=$pid smtp_port=$port

# A second plan whose id, owner and action are not plain ASCII.
cat >> playbook.lua <<LUA
plan "P3-atención" {
  owner = "Encargado Núñez <encargado@laesquina.example>", due = "30d",
  actions = { "Taller de trato <cliente> & \"cortesía\"" },
  when = function(r) return r.mean("R2") < 4.5 end,
}
use "notifier.email" {
  url = "smtp://127.0.0.1:$smtp_port",
  from = "Calidad — La Esquina <calidad@laesquina.example>",
  to_meta = "owner", user = "calidad", password_env = "SMTP_PASSWORD",
  ca_file = "cert.pem", timeout = 20,
}
LUA
SMTP_PASSWORD='s3cr3t-ñ'
export SMTP_PASSWORD

run timeout 120 "$MEJORA" run playbook.lua --cycle 2026-11
is "$rc" 1 "a password variable the operator has not allowed is refused"
like "$out" "SMTP_PASSWORD.*--env SMTP_PASSWORD" "and the message says how to allow it"

run timeout 120 "$MEJORA" --env SMTP_PASSWORD run playbook.lua --cycle 2026-11
is "$rc" 0 "the cycle runs with the variable allowed"
[ "$rc" -eq 0 ] || printf "%s\n" "$out" | sed "s|^|# |"
is "$(stored mejora.db email | cut -d'|' -f1,2 | tr '\n' ' ')" \
  "plan.opened|sent plan.opened|sent " "both plan events recorded as sent"
is "$(ls "$tmp/smtp"/*.eml 2>/dev/null | wc -l | tr -d ' ')" 2 \
  "and the server holds two messages"
is "$(cat "$tmp/smtp"/*.peer | sort -u | wc -l | tr -d ' ')" 1 \
  "both over one connection: one STARTTLS and one login"

check=$("$PYTHON" - "$tmp/smtp" <<'PY' 2>&1
import email, email.policy, glob, re, sys
msgs = []
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    with open(path, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    rcpt = open(path[:-4] + ".rcpt").read().split()
    msgs.append((m, rcpt))
by_subject = {str(m["Subject"]): (m, r) for m, r in msgs}
def say(cond, what):
    print(("ok " if cond else "not ok ") + what)
m, rcpt = by_subject.get("Plan 'P3-atención' opened", (None, None))
say(m is not None, "UTF-8 subject decoded")
if m is None:
    sys.exit(0)
say(str(m["From"]) == "Calidad — La Esquina <calidad@laesquina.example>",
    "From with its UTF-8 display name")
say(m["To"].addresses[0].display_name == "Encargado Núñez" and
    m["To"].addresses[0].addr_spec == "encargado@laesquina.example",
    "To: the plan owner, with the name")
say(rcpt == ["encargado@laesquina.example"], "envelope recipient")
say(re.fullmatch(r"<[0-9a-f]{32}@laesquina\.example>", m["Message-ID"])
    is not None, "Message-ID from the event key")
say(m["Date"] is not None and m["Date"].datetime.year == 2026, "Date")
say(m.get_content_type() == "multipart/alternative", "multipart/alternative")
plain = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
say("Plan 'P3-atención' opened for Encargado Núñez" in plain,
    "text part carries the message")
say("&lt;encargado@laesquina.example&gt;" in html and
    "<encargado@" not in html and "&quot;scorer&quot;" in html,
    "HTML part escaped")
say(m["List-Unsubscribe"] is None, "no List-Unsubscribe without a link")
other = by_subject.get("Plan 'P1-cola-caja' opened")
say(other is not None and
    other[1] == ["jefa.tienda@laesquina.example"] and
    other[0]["Message-ID"] != m["Message-ID"],
    "the other plan to its own owner, its own Message-ID")
PY
)
printf '%s\n' "$check" | grep -v '^ok ' | sed 's/^/# /'
is "$(printf '%s\n' "$check" | grep -c '^ok ')" 11 "the messages read back: $(printf '%s' "$check" | grep -c '^ok ')/11 checks"

# An event no cycle makes yet: markup, UTF-8 and an unsubscribe link.
send() {
  out=$(timeout 60 "$NOTIFY_SEND" email "url=smtp://127.0.0.1:$smtp_port" \
    "from=calidad@laesquina.example" user=calidad \
    password_env=SMTP_PASSWORD ca_file="$tmp/shop/cert.pem" timeout=10 "$@" 2>&1) \
    && rc=0 || rc=$?
}
send "to=Cliente <cliente@example.org>" -- invitation.sent \
  "¿Qué tal su visita? <ñ> & más" "Hola <b>Ana</b> & \"amigos\"" \
  customer=C1 "unsubscribe=https://laesquina.example/baja?t=abc&u=1"
is "$out" "sent" "an event with an unsubscribe link is sent"
send "to=Cliente <cliente@example.org>" -- invitation.sent \
  "¿Qué tal su visita? <ñ> & más" "Hola <b>Ana</b> & \"amigos\"" \
  customer=C1 "unsubscribe=https://laesquina.example/baja?t=abc&u=1"
check=$("$PYTHON" - "$tmp/smtp" <<'PY' 2>&1
import email, email.policy, glob, sys
paths = sorted(glob.glob(sys.argv[1] + "/*.eml"))[-2:]
ms = [email.message_from_binary_file(open(p, "rb"),
                                     policy=email.policy.default)
      for p in paths]
m = ms[0]
def say(cond, what):
    print(("ok " if cond else "not ok ") + what)
say(str(m["Subject"]) == "¿Qué tal su visita? <ñ> & más", "subject")
say(m["List-Unsubscribe"] ==
    "<https://laesquina.example/baja?t=abc&u=1>", "List-Unsubscribe")
say(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click",
    "List-Unsubscribe-Post")
html = m.get_body(("html",)).get_content()
say("Hola &lt;b&gt;Ana&lt;/b&gt; &amp; &quot;amigos&quot;" in html and
    'href="https://laesquina.example/baja?t=abc&amp;u=1"' in html,
    "HTML escaped, link in it")
say("https://laesquina.example/baja?t=abc&u=1" in
    m.get_body(("plain",)).get_content(), "link in the text part")
say(ms[1]["Message-ID"] == m["Message-ID"],
    "the same event twice: the same Message-ID")
PY
)
printf '%s\n' "$check" | grep -v '^ok ' | sed 's/^/# /'
is "$(printf '%s\n' "$check" | grep -c '^ok ')" 6 "headers and parts of a customer message: $(printf '%s' "$check" | grep -c '^ok ')/6 checks"

# A subject that tries to add a header, and a long one in Spanish.
cr=$(printf '\r')
send "to=a@laesquina.example" -- plan.opened \
  "Plan P1$cr
Bcc: intruso@example.org" "M"
long=$("$PYTHON" -c 'print("Atención ñandú — " * 12)')
send "to=a@laesquina.example" -- plan.opened "$long" "M"
check=$("$PYTHON" - "$tmp/smtp" "$long" <<'PY' 2>&1
import email, email.policy, glob, re, sys
paths = sorted(glob.glob(sys.argv[1] + "/*.eml"))[-2:]
raw = [open(p, "rb").read() for p in paths]
ms = [email.message_from_bytes(r, policy=email.policy.default) for r in raw]
def say(cond, what):
    print(("ok " if cond else "not ok ") + what)
say(str(ms[0]["Subject"]).startswith("Plan P1") and
    ms[0]["Bcc"] is None and b"\nBcc:" not in raw[0],
    "a line break in a subject adds no header")
say(str(ms[1]["Subject"]) == sys.argv[2], "a long UTF-8 subject reads back whole")
words = re.findall(rb"=\?UTF-8\?B\?[^?]*\?=", raw[1])
say(len(words) > 1 and all(len(w) <= 75 for w in words),
    "in encoded-words of at most 75 characters")
PY
)
printf '%s\n' "$check" | grep -v '^ok ' | sed 's/^/# /'
is "$(printf '%s\n' "$check" | grep -c '^ok ')" 3 "subjects cannot inject headers and fold: $(printf '%s' "$check" | grep -c '^ok ')/3 checks"

send "to=bounce@laesquina.example" -- plan.opened "S" "M"
is "$rc" 1 "an address the server refuses (550) fails"
like "$out" "failed: .*550" "with the server's answer"
send "to=later@laesquina.example" -- plan.opened "S" "M"
is "$rc" 3 "a temporary refusal (451) is to retry"
SMTP_PASSWORD=wrong
send "to=a@laesquina.example" -- plan.opened "S" "M"
SMTP_PASSWORD='s3cr3t-ñ'
is "$rc" 1 "refused credentials fail"
like "$out" "535" "with the server's answer"
send "to=not an address" -- plan.opened "S" "M"
like "$out" "failed: .*option to: 'not an address'" "a bad address is refused by name"

# Options refused when the instance is made, each with what to do.
opts() {
  out=$(timeout 60 "$NOTIFY_SEND" email "$@" -- plan.opened S M 2>&1)
}
opts url=http://127.0.0.1:1 from=a@b.example to=c@d.example
like "$out" "url 'http://127.0.0.1:1' is not an SMTP server's: give smtp://" "an url that is not SMTP"
opts url=smtp://127.0.0.1:1 from=a@b.example
like "$out" "no recipient: give to = .* or to_meta" "no recipient"
opts url=smtp://127.0.0.1:1 from=a@b.example to=c@d.example starttls=maybe
like "$out" "starttls is \"maybe\": use \"try\" .* or \"require\"" "an unknown starttls"
opts url=smtp://127.0.0.1:1 from=a@b.example to=c@d.example password_env=SMTP_PASSWORD
like "$out" "password_env without user" "a password without a user"
opts url=smtp://127.0.0.1:1 from=a@b.example to=c@d.example user=u password_env=NO_SUCH_VARIABLE_SET
like "$out" "variable NO_SUCH_VARIABLE_SET is not set" "a password variable that is not set"
opts url=smtp://127.0.0.1:1 from=a@b.example to=c@d.example timeout=0
like "$out" "timeout is 0: give seconds from 1" "a time-out of zero"

# A server without STARTTLS: no password goes to it in the clear.
start_receiver "$tmp/plain" smtp_receiver.py
plain_port=$port
out=$(timeout 60 "$NOTIFY_SEND" email "url=smtp://127.0.0.1:$plain_port" \
  from=calidad@laesquina.example to=a@laesquina.example user=calidad \
  password_env=SMTP_PASSWORD timeout=10 -- plan.opened S M 2>&1) && rc=0 || rc=$?
like "$out" "failed: .*does not offer STARTTLS" "a password is never sent without TLS"
out=$(timeout 60 "$NOTIFY_SEND" email "url=smtp://127.0.0.1:$plain_port" \
  from=calidad@laesquina.example to=a@laesquina.example timeout=10 \
  -- plan.opened S M 2>&1) && rc=0 || rc=$?
is "$out" "sent" "without credentials STARTTLS is only tried"

# The server gone: a cycle's events are kept as to retry.
stop_receiver "$smtp_pid"
stop_receiver "$pid"
mkdir "$tmp/down"
cp -R "$tmp/shop/playbook.lua" "$tmp/shop/data" "$tmp/shop/cert.pem" "$tmp/down/"
cd "$tmp/down"
run timeout 120 "$MEJORA" --env SMTP_PASSWORD run playbook.lua --cycle 2026-11
is "$rc" 0 "with the server down the cycle still runs"
is "$(stored mejora.db email | cut -d'|' -f1,2 | tr '\n' ' ')" \
  "plan.opened|retry plan.opened|retry " "its events recorded as retry"
like "$(stored mejora.db email | head -1)" "failed for now: .*127\.0\.0\.1" \
  "with why"
done_testing
