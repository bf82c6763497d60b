#!/bin/sh
# mejora serve under concurrent submissions, which share durable commits
# (how many share one depends on the machine: tests/bench/serve.py
# measures it): 200 at once are all stored, each once; a link submitted twice in the same burst, or an anonymous
# form's response id posted many times at once, is stored once while
# the others in its group are kept; and a SIGTERM in the middle of a
# burst leaves every submission answered 200 stored and nothing else.
. "$top_srcdir/tests/cli/tap.sh"
plan 10
scratch
cd "$tmp"
{
  i=1
  while [ $i -le 100 ]; do
    echo "customer \"C$i\" { lang = \"en\" }"
    i=$((i + 1))
  done
  cat <<'LUA'
questionnaire "visit" {
  question "score" { type = "scale5", required = true },
}
questionnaire "kiosk" { anonymous = true,
  question "score" { type = "scale5", required = true },
}
sample "s" { questionnaire = "visit", size = 100, seed = 1, fatigue_days = 0 }
use "collector.web" { rate = 1000000 }
LUA
} > p.lua
run "$MEJORA" sample p.lua s
printf '%s\n' "$out" | awk 'length($1) == 32 { print $1 }' > tokens
is "$(wc -l < tokens | tr -d ' ')" 100 "100 invitations drawn"

# Any 32 hex digits are a session's token, as long as the cookie and the
# form agree (a browser gets them from the form's page).
csrf=0123456789abcdef0123456789abcdef
post() { # post URL DATA: the status, one a line, appended to codes
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
    -b "mj_csrf=$csrf" --data "csrf=$csrf&$2" "$1" >> codes
}
stored() { # stored QUESTIONNAIRE: how many responses export lists
  run "$MEJORA" export p.lua "$1"
  echo $(($(printf '%s\n' "$out" | wc -l) - 1))
}

# ---- a burst of anonymous answers ---------------------------------------------------
serve_start p.lua -v
: > codes
seq 1 200 | xargs -P 32 -I{} sh -c \
  "curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
     -b mj_csrf=$csrf --data 'csrf=$csrf&q-score=4' $base/q/kiosk >> codes"
is "$(grep -c '^200$' codes)" 200 "200 concurrent submissions, all thanked"
is "$(stored kiosk)" 200 "and all 200 stored"

# ---- the same link twice in a burst --------------------------------------------------
: > codes
{ cat tokens; cat tokens; } | xargs -P 32 -I{} sh -c \
  "curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
     -b mj_csrf=$csrf --data 'csrf=$csrf&q-score=5' $base/a/{} >> codes"
is "$(grep -c '^200$' codes):$(grep -c '^410$' codes)" "100:100" \
  "each link posted twice at once: one thanked, one refused (410)"
is "$(stored visit)" 100 "each stored once"

# ---- one anonymous response id posted many times at once ----------------------
rid=web-00112233445566778899aabbccddeeff
: > codes
{ seq 1 64 | sed "s/.*/rid=$rid/"; seq 1 64 | sed 's/.*/x=1/'; } |
  xargs -P 32 -I{} sh -c \
  "curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
     -b mj_csrf=$csrf --data 'csrf=$csrf&{}&q-score=2' $base/q/kiosk >> codes"
is "$(grep -c '^200$' codes):$(grep -c '^410$' codes):$(stored kiosk)" \
  "65:63:265" \
  "a response id posted 64 times among 64 others: stored once, the others kept"
serve_stop
run "$MEJORA" export p.lua kiosk
is "$(printf '%s\n' "$out" | grep -c "^$rid,")" 1 "the repeated id stored once"
line=$(grep -o 'serve: [0-9]* submissions written in [0-9]* commits' serve.err)
subs=$(echo "$line" | awk '{ print $2 }')
commits=$(echo "$line" | awk '{ print $6 }')
ok $([ "$subs" -eq 428 ] && [ "$commits" -ge 1 ] &&
     [ "$commits" -le "$subs" ]; echo $?) \
  "each submission stored went through a commit ($subs in $commits)"

# ---- SIGTERM in the middle of a burst -----------------------------------------------
serve_start p.lua -v
: > codes
seq 1 1000 | xargs -P 32 -I{} sh -c \
  "curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
     -b mj_csrf=$csrf --data 'csrf=$csrf&q-score=1' $base/q/kiosk >> codes" \
  2>/dev/null &
load=$!
wait_until 60 has_lines codes 50
serve_stop
wait "$load"
n200=$(grep -c '^200$' codes)
is "$src" 0 "SIGTERM during a burst: serve finishes and exits 0"
ok $([ "$n200" -ge 50 ] && [ "$n200" -lt 1000 ] &&
     [ "$(stored kiosk)" -eq $((265 + n200)) ]; echo $?) \
  "every submission thanked is stored, and nothing else ($n200 thanked)"
done_testing
