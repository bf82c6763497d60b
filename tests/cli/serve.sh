#!/bin/sh
# mejora serve against curl on a free loopback port: an invitation's form
# in the customer's language with the security headers; a POST without
# the session's CSRF token, an oversize body, too many fields and
# traversal paths refused; live checks of ask_if; errors beside the
# question; a script in an answer stored as text and shown escaped; the
# used link refused politely; anonymous links only where allowed; an
# unsubscribe link (a page with a button, RFC 8058 one-click, the
# customer's queued message cancelled); and a SIGTERM in the middle of many submissions leaving every 200 stored and
# nothing else.
. "$top_srcdir/tests/cli/tap.sh"
QUEUE="$top_builddir/tests/cli/queue_message"
plan 50
scratch
cd "$tmp"
cat > p.lua <<'LUA'
customer "C1" { name = "Ana <Pérez>", lang = "es" }
customer "C2" { name = "Bob", lang = "en" }
questionnaire "visit" {
  title = { en = "How did we do, {customer.name}?",
            es = "¿Qué tal le atendimos, {customer.name}?" },
  intro = { en = "Your answers help us improve.",
            es = "Sus respuestas nos ayudan a mejorar." },
  minutes = 2,
  question "nps" { type = "nps", required = true,
                   text = { en = "Would you recommend us?",
                            es = "¿Nos recomendaría?" } },
  question "why" { type = "text", required = true, ask_if = "nps <= 6",
                   text = { en = "What went wrong?", es = "¿Qué falló?" } },
  question "staff" { type = "scale5", labels = "excellent-poor",
                     allow_na = true },
  question "how" { type = "choice", choices = { "phone", "web", "shop" },
                   randomize = true, other = true },
  question "n" { type = "number", min = 0, max = 10 },
}
questionnaire "kiosk" { anonymous = true,
  question "score" { type = "scale5", required = true },
}
sample "s" { questionnaire = "visit", size = 2, seed = 1, fatigue_days = 0 }
use "notifier.email" { url = "smtp://127.0.0.1:9", from = "q@example.org",
                       to_meta = "email", timeout = 5 }
LUA
run "$MEJORA" sample p.lua s
tok_es=$(printf '%s\n' "$out" | awk 'length($1) == 32 && $2 == "C1" { print $1 }')
tok_en=$(printf '%s\n' "$out" | awk 'length($1) == 32 && $2 == "C2" { print $1 }')
like "$tok_es$tok_en" '^[0-9a-f]{64}$' "two invitations drawn"

serve_start p.lua
like "$port" '^[1-9][0-9]*$' "serve listens on a free loopback port"
A=$base/a/$tok_es

# ---- the form ---------------------------------------------------------------
curl -s -D h1 -c jar -o form.html "$A"
like "$(head -1 h1)" ' 200' "the invitation's link opens the form"
like "$(cat form.html)" '<html lang="es">' "in the customer's language"
like "$(cat form.html)" 'Qué tal le atendimos, Ana &lt;Pérez&gt;\?' \
  "the customer's name filled in, escaped"
like "$(cat form.html)" 'Sus respuestas nos ayudan a mejorar\..*voluntario.*unos 2 minutos' \
  "the intro: purpose, voluntary, how long"
like "$(cat form.html)" '<fieldset class="q" id="q-nps"[^>]*><legend>' \
  "a scale is a fieldset with a legend"
like "$(cat form.html)" '<label class="text" for="i-why">' \
  "a text answer has its label"
like "$(grep -i '^content-security-policy' h1)" "script-src 'self'" \
  "a CSP that allows script from the same origin only"
unlike "$(cat h1)" "unsafe-inline" "and no inline script or style"
unlike "$(cat form.html)" '<script>|<style| style=|onclick' \
  "the page has no inline script or style"
like "$(grep -i '^x-frame-options' h1)" 'DENY' "X-Frame-Options DENY"
like "$(grep -i '^referrer-policy' h1)" 'no-referrer' "Referrer-Policy"
like "$(grep -i '^x-content-type-options' h1)" 'nosniff' "nosniff"
like "$(grep -i '^set-cookie' h1)" 'mj_csrf=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Strict' \
  "the session's cookie is HttpOnly and SameSite"
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' form.html)
like "$csrf" '^[0-9a-f]{32}$' "the form carries the CSRF token"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/s/form.js")
is "$code" 200 "the script is served from the same origin"

# ---- refusals ------------------------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' -b jar --data 'q-nps=9' "$A")
is "$code" 403 "a POST without the CSRF token: 403"
code=$(curl -s -o /dev/null -w '%{http_code}' -b jar \
  --data "csrf=0123456789abcdef0123456789abcdef&q-nps=9" "$A")
is "$code" 403 "a POST with another token: 403"
code=$(curl -s -o /dev/null -w '%{http_code}' --data "csrf=$csrf&q-nps=9" "$A")
is "$code" 403 "a POST without the session's cookie: 403"
head -c 70000 /dev/zero | tr '\0' 'a' > big
code=$(curl -s -o /dev/null -w '%{http_code}' -b jar \
  -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @big "$A")
is "$code" 413 "an oversize body: 413"
awk 'BEGIN { for (i = 0; i < 600; i++) printf "x%d=1&", i }' > many
code=$(curl -s -o /dev/null -w '%{http_code}' -b jar --data-binary @many \
  -H 'Content-Type: application/x-www-form-urlencoded' "$A")
is "$code" 413 "too many fields: 413"
codes=
for path in /s/../../etc/passwd /s/%2e%2e/%2e%2e/etc/passwd \
            "/a/$tok_es/../../../etc/passwd" /s/form.css/.. /etc/passwd /; do
  codes="$codes$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "$base$path") "
done
is "$codes" "404 404 404 404 404 404 " "traversal paths and unknown paths: 404"
run "$MEJORA" export p.lua visit
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "nothing refused was stored"

# ---- checks as the respondent types ---------------------------------------------
json=$(curl -s -b jar --data "csrf=$csrf&q-nps=9" "$A/check")
like "$json" '"why":false' "live check: nps 9, 'why' is not asked"
json=$(curl -s -b jar --data "csrf=$csrf&q-nps=3" "$A/check")
like "$json" '"why":true.*"errors":\{"why":"Esta pregunta necesita una respuesta\."' \
  "nps 3: 'why' is asked and needs an answer"

# ---- errors beside the question, answers escaped ---------------------------------
code=$(curl -s -o bad.html -w '%{http_code}' -b jar \
  --data-urlencode "csrf=$csrf" --data-urlencode "q-nps=3" \
  --data-urlencode "q-why=<script>alert(1)</script>" --data "q-n=99" "$A")
is "$code" 422 "an invalid answer: the form again, 422"
like "$(cat bad.html)" '<p class="err" id="e-n">99 is outside 0\.\.10</p><input id="i-n" name="q-n" aria-invalid="true" aria-describedby="e-n"' \
  "the error beside its question, tied to it"
like "$(cat bad.html)" '<div class="summary" id="summary" role="alert".*href="#i-n"' \
  "and in a summary that links to it"
like "$(cat bad.html)" '&lt;script&gt;alert\(1\)&lt;/script&gt;</textarea>' \
  "a script in an answer is shown as text"
unlike "$(cat bad.html)" '<script>alert' "and never as a script"

code=$(curl -s -o done.html -w '%{http_code}' -b jar \
  --data-urlencode "csrf=$csrf" --data-urlencode "q-nps=3" \
  --data-urlencode "q-why=<script>alert(1)</script>" \
  --data "q-staff=NA&q-how=other&o-how=fax&q-n=4" "$A")
is "$code" 200 "a valid submission is thanked"
like "$(cat done.html)" 'Gracias' "in the customer's language"
run "$MEJORA" export p.lua visit
like "$out" "^$tok_es,C1,.*,3,<script>alert\\(1\\)</script>,NA,other:fax,4,web," \
  "stored as submitted, the script as text, through the web channel"

# ---- used links, anonymous links ---------------------------------------------------
curl -s -o used.html -D h2 "$A"
like "$(head -1 h2)" ' 410' "the used link is refused (410)"
like "$(cat used.html)" 'ya se usó para responder' "politely, in Spanish"
code=$(curl -s -o /dev/null -w '%{http_code}' -b jar \
  --data "csrf=$csrf&q-nps=9" "$A")
is "$code" 410 "and a second submission too"
codes=$(curl -s -o /dev/null -w '%{http_code}' "$base/a/0123456789abcdef0123456789abcdef")
codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "$base/q/visit")"
codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "$base/q/kiosk")"
is "$codes" "404 404 200" "unknown token 404; anonymous only where allowed"

# ---- unsubscribe links ---------------------------------------------------------------
U=$base/u/$tok_en
curl -s -D h3 -c ujar -o unsub.html "$U"
like "$(head -1 h3)" ' 200' "an unsubscribe link opens a page"
like "$(cat unsub.html)" "<form method=\"post\" action=\"/u/$tok_en\"><input type=\"hidden\" name=\"csrf\" value=\"[0-9a-f]{32}\"><button type=\"submit\">Unsubscribe</button>" \
  "with a button that posts the session's token"
like "$(grep -i '^content-security-policy' h3)" "script-src 'self'" \
  "and the forms' headers"
code=$(curl -s -o /dev/null -w '%{http_code}' -b ujar --data 'x=1' "$U")
is "$code" 403 "a POST with neither the CSRF token nor One-Click: 403"
code=$(curl -s -o u1.html -w '%{http_code}' \
  --data 'List-Unsubscribe=One-Click' "$U")
is "$code:$(grep -c 'You are unsubscribed' u1.html)" "200:1" \
  "RFC 8058 one-click POST, no cookie: 200"
uc=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' unsub.html)
code=$(curl -s -o u2.html -w '%{http_code}' -b ujar --data "csrf=$uc" "$U")
is "$code" 200 "the page's button, a second time: 200 again"
like "$(cat u2.html)" 'You are unsubscribed' "and says so"
code=$(curl -s -o /dev/null -w '%{http_code}' -F 'List-Unsubscribe=One-Click' "$U")
is "$code" 200 "one-click as multipart/form-data too"
codes=$(curl -s -o /dev/null -w '%{http_code}' "$base/u/0123456789abcdef0123456789abcdef")
codes="$codes $(curl -s -o none.html -w '%{http_code}' \
  --data 'List-Unsubscribe=One-Click' "$base/u/0123456789abcdef0123456789abcdef")"
is "$codes" "404 404" "an unknown token: 404"
"$QUEUE" p.lua email customer.invitation "For Bob" customer=C2 \
  email=bob@example.org "unsubscribe=$U" >/dev/null 2>&1
run timeout 60 "$MEJORA" deliver p.lua
is "$rc:$out" "0:delivered: 0 sent, 0 to try again, 0 failed, 1 cancelled (unsubscribed)" \
  "the customer's queued message is cancelled"

# ---- SIGTERM in the middle of a load ------------------------------------------------
curl -s -c kjar -o kiosk.html "$base/q/kiosk"
kc=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' kiosk.html)
: > codes
i=0
while [ $i -lt 300 ]; do
  echo "$i"
  i=$((i + 1))
done | xargs -P 6 -I{} sh -c \
  'curl -s -o /dev/null -w "%{http_code}\n" -b kjar --max-time 10 \
     --data "csrf='"$kc"'&q-score=4" "'"$base"'/q/kiosk" >> codes' 2>/dev/null &
load=$!
# Stop it mid-load: once some answers are in, with more under way.
wait_until 10 has_lines codes 20
serve_stop
wait "$load"
is "$src" 0 "SIGTERM: serve finishes and exits 0"
ok200=$(grep -c '^200$' codes)
run "$MEJORA" export p.lua kiosk
stored=$(($(printf '%s\n' "$out" | wc -l) - 1))
ok $([ "$ok200" -ge 20 ] && [ "$ok200" -lt 300 ] &&
     [ "$stored" -eq "$ok200" ]; echo $?) \
  "every submission thanked is stored, and nothing else ($stored of $ok200)"
done_testing
