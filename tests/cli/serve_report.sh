#!/bin/sh
# /report in mejora serve, against curl on a loopback port: never open
# without credentials configured; 401 with WWW-Authenticate without the
# right bearer token or HTTP Basic password; 200 and the report's figures
# with them, under the collector's security headers and a CSP that allows
# the page's one style by its hash and no script.
. "$top_srcdir/tests/cli/tap.sh"
plan 20
scratch
cd "$tmp"

cat > p.lua <<'LUA'
customer "c1" { }
questionnaire "q" { question "rec" { type = "nps" } }
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } } }
LUA
printf 'response_id,customer_id,rec\n' > a.csv
for i in $(seq 1 20); do printf 'a%d,c1,%d\n' "$i" $((i % 11)) >> a.csv; done
"$MEJORA" -q run p.lua --cycle A > /dev/null
sed 's/^X//' > tok.lua <<'LUA'
Xuse "collector.web" { report_token = "s3cret-token" }
LUA
cat p.lua >> tok.lua
sed 's/^X//' > basic.lua <<'LUA'
Xuse "collector.web" { report_user = "ana", report_password = "pa:ss" }
LUA
cat p.lua >> basic.lua

status() { # status CURL-ARGS...: the HTTP status of a request
  curl -s -o /dev/null -w '%{http_code}' "$@"
}

serve_start p.lua
is "$(status "$base/report")" 404 "no credentials configured: no /report"
is "$(status -H 'Authorization: Bearer ' "$base/report")" 404 \
  "an empty token opens nothing"
serve_stop

serve_start tok.lua
like "$port" '^[1-9][0-9]*$' "serve with a report token"
curl -s -D h401 -o b401 "$base/report"
like "$(head -1 h401)" ' 401' "401 without credentials"
like "$(cat h401)" 'WWW-Authenticate: Bearer realm="mejora report"' \
  "with WWW-Authenticate: Bearer"
unlike "$(cat b401)" 'data-figure' "and nothing of the report"
is "$(status -H 'Authorization: Bearer s3cret-tokeX' "$base/report")" 401 \
  "401 with a wrong token"
is "$(status -H 'Authorization: Bearer s3cret-token-and-more' \
  "$base/report")" 401 "401 with a longer one"
is "$(status -u 'ana:pa:ss' "$base/report")" 401 \
  "Basic is refused when only a token is configured"
curl -s -D h200 -o b200 -H 'Authorization: Bearer s3cret-token' \
  "$base/report"
like "$(head -1 h200)" ' 200' "200 with the right token"
like "$(cat b200)" '<data value="-50" data-figure="1\|nps\|nps\|q\|rec\|\|all\|\|">' \
  "the report's figures"
# The style's hash as the page has it.
want=$(sed -n 's|.*<style>\(.*\)</style>.*|\1|p' b200 | tr -d '\n' |
  openssl dgst -sha256 -binary | openssl base64 -A)
csp=$(sed -n 's/^Content-Security-Policy: //p' h200 | tr -d '\r')
is "$csp" "default-src 'none'; style-src 'sha256-$want'; img-src 'none'; \
script-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'" \
  "CSP: the inline style by its hash, no script"
like "$(cat h200)" 'X-Frame-Options: DENY' "X-Frame-Options"
like "$(cat h200)" 'X-Content-Type-Options: nosniff' "nosniff"
like "$(cat h200)" 'Cache-Control: no-store' "not cached"
is "$(status -X POST -H 'Authorization: Bearer s3cret-token' \
  "$base/report")" 405 "POST is not allowed"
serve_stop

serve_start basic.lua
is "$(status -u 'ana:wrong' "$base/report")" 401 "401 with a wrong password"
like "$(curl -s -D - -o /dev/null "$base/report")" \
  'WWW-Authenticate: Basic realm="mejora report"' "WWW-Authenticate: Basic"
is "$(status -u 'ana:pa:ss' "$base/report")" 200 \
  "200 with the user and password (a colon in it)"
serve_stop
run "$MEJORA" check p.lua
sed 's/report_password = "pa:ss"//' basic.lua > half.lua
run "$MEJORA" serve half.lua --listen 127.0.0.1:0
like "$out" "report_user and report_password go together" \
  "a user without a password is refused"
done_testing
