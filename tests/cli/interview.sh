#!/bin/sh
# Interview mode driven through a real terminal (tmux send-keys and
# capture-pane): questions in the customer's language with the scale's
# labels, a bad answer re-asked with the reason, ask_if skipping a question,
# an option chosen by number, options in a random order that a resume
# keeps, Ctrl-C in the middle, a resume that picks up where it stopped, a
# text answer "q" kept as an answer, a stop with ":q", the response stored
# at the end with the codes of the options shown, and the customer's
# invitation marked answered.
. "$top_srcdir/tests/cli/tap.sh"
plan 36
scratch
mkdir -p "$tmp/iv"
cd "$tmp/iv"
cat > playbook.lua <<'LUA'
segment "a" {}
customer "C1" { segment = "a", lang = "es" }
customer "C2" { segment = "a", lang = "en", consent = false }
questionnaire "q" {
  question "sat" { type = "scale5", labels = "excellent-poor", required = true,
    text = { es = "¿Qué tal le atendimos?", en = "How were you served?" } },
  question "why" { type = "text", ask_if = "sat <= 2",
    text = { es = "¿Qué falló?", en = "What went wrong?" } },
  question "canal" { type = "choice", choices = { "tienda", "web" },
    text = { es = "¿Por dónde nos contactó?", en = "How did you reach us?" } },
  question "medio" { type = "choice", randomize = true,
    choices = { "radio", "prensa", "amigos", "internet", "cartel", "tele" },
    text = { es = "¿Cómo nos conoció?", en = "How did you hear of us?" } },
  question "nota" { type = "text",
    text = { es = "¿Algo más?", en = "Anything else?" } },
  question "edad" { type = "number", min = 18, max = 99, integer = true,
    text = { es = "¿Qué edad tiene?", en = "How old are you?" } },
  question "nps" { type = "nps", required = true,
    text = { es = "¿Nos recomendaría?", en = "Would you recommend us?" } },
}
sample "todos" { questionnaire = "q", size = 1, seed = 1 }
LUA
"$MEJORA" sample playbook.lua todos >/dev/null 2>&1
run "$MEJORA" invitations playbook.lua --pending --format csv
like "$out" '^[0-9a-f]{32},C1,q,todos,' "C1 has an open invitation"

unset TMUX
sock="mejora-iv-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
# A session that lives as long as the test keeps the tmux server up: when
# the last session ends the server exits, and a new-session that reaches
# it while it exits fails ("server exited unexpectedly").
tm new-session -d -s hold "sleep 3600" ||
  { echo "Bail out! tmux cannot start a session"; exit 1; }
# start NAME: the interview of C1 in a fresh window of 200x50; the shell
# around it survives Ctrl-C (its trap) and records the exit status.
start() {
  tm new-session -d -s "$1" -x 200 -y 50 \
    "trap ':' INT; '$MEJORA' interview playbook.lua q --customer C1; \
     echo \"EXIT=\$?\"; sleep 120"
}
screen() { tm capture-pane -p -J -t "$1" -S -200; }
# wait_for NAME PATTERN: until the pane shows PATTERN (60 s at most).
wait_for() { wait_until 60 shows "$1" "$2"; }
shows() { screen "$1" | grep -Eq -- "$2"; }
# wait_last NAME TAG: until the last question shown is TAG, e.g. [6/7].
wait_last() { wait_until 60 last_is "$1" "$2"; }
last_is() {
  [ "$(screen "$1" | grep -o '\[[0-9]*/[0-9]*\]' | tail -1)" = "$2" ]
}
send() { tm send-keys -t "$1" -l "$2"; tm send-keys -t "$1" Enter; }

# options NAME N: the codes listed under the last [N/7] on the screen.
options() {
  screen "$1" | awk -v q="[$2/7]" 'index($0, q) { o = "" }
    /^   [0-9]+\) / { o = o $2 " " } END { print o }'
}

start one
wait_for one '\[1/7\]'; ok $? "the first question is asked"
s=$(screen one)
like "$s" 'Type :q to stop' "the interviewer is told how to stop at the start"
like "$s" '¿Qué tal le atendimos\?' "in the customer's language (es)"
like "$s" '1 = Pobre' "with the scale's labels in Spanish"
like "$s" '5 = Excelente' "from the worst to the best"

send one 9
wait_for one 'outside 1\.\.5'; ok $? "a value off the scale is refused with the reason"
send one 4
wait_for one '\[3/7\]'; ok $? "ask_if: 'why' is skipped when sat > 2"
s=$(screen one)
unlike "$s" '¿Qué falló' "the skipped question is never shown"
like "$s" '1\) tienda' "the options are numbered"
send one 2
wait_for one '\[4/7\]'; ok $? "an option chosen by its number"
first=$(options one 4)
like "$first" '^([a-z]+ ){6}$' "a randomized question lists its six options"
is "$(printf '%s\n' $first | sort | tr '\n' ' ')" "amigos cartel internet prensa radio tele " \
  "each once"
tm send-keys -t one C-c
wait_for one 'EXIT='; ok $? "Ctrl-C stops the interview"
s=$(screen one)
like "$s" 'Interrupted: the answers so far are saved' "and says the answers are saved"
like "$s" 'EXIT=130' "with status 130, as the shell reports an interrupt"
draft=.mejora-interview-q-C1.json
like "$(cat $draft 2>/dev/null)" '"canal": "web"' "the draft beside the playbook holds the answers"
tm kill-session -t one

start two
wait_for two 'Resuming: 2 answer'; ok $? "the same command resumes"
wait_for two '\[4/7\] ¿Cómo nos conoció'; ok $? "at the question it stopped at"
is "$(options two 4)" "$first" "with the options in the same order"
chosen=$(printf '%s\n' $first | sed -n 3p)
send two 3
wait_for two '\[5/7\] ¿Algo más'; ok $? "option 3 as shown is taken"
send two q
wait_for two '\[6/7\] ¿Qué edad'; ok $? "a text answer \"q\" is an answer, not a stop"
send two q
wait_for two 'to stop type :q'
ok $? "a bare q where it is no answer is refused with how to stop"
send two :x
wait_for two "unknown command ':x'"; ok $? "an unknown command is refused"
send two 17
wait_for two '17 is outside 18\.\.99'
ok $? "a number out of range is re-asked with the reason"
send two 30
wait_for two '\[7/7\]'; ok $? "then the last question"
send two :b
wait_last two '[6/7]'; ok $? ":b goes back"
send two 31
wait_for two '\[7/7\]'
send two :q
wait_for two 'EXIT='; s=$(screen two)
like "$s" 'Stopped: the answers so far are saved' ":q stops and saves"
like "$s" 'EXIT=0' "with status 0: stopping is the operator's choice"
tm kill-session -t two

start three
wait_for three 'Resuming: 5 answer'; ok $? "resumed again with five answers"
send three 10
wait_for three 'EXIT='
s=$(screen three)
like "$s" 'Response iv-[0-9a-f]+ stored' "the response is stored at the end"
is "$(test -e $draft && echo kept || echo removed)" removed \
  "the draft is removed once stored"
tm kill-session -t three

run "$MEJORA" export playbook.lua q
like "$out" ",4,,web,$chosen,q,31,10" "the codes are stored: the option shown third, \"q\""
run "$MEJORA" invitations playbook.lua --format csv
like "$out" '^[0-9a-f]{32},C1,q,todos,.*,1.?$' "C1's invitation is answered"
run "$MEJORA" invitations playbook.lua --pending
like "$out" '^0 pending invitation' "none is pending"

run "$MEJORA" interview playbook.lua q --customer C2 </dev/null
like "$out" 'opted out' "a customer without consent is not interviewed"
done_testing
