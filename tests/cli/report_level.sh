#!/bin/sh
# Every report states the confidence level its intervals were computed
# at: each scorer's `level` (a playbook may ask for 90%), not a fixed 95%;
# when the scorers' levels differ, it names each one's. The mean of 40
# answers, eight each of 1..5 (sd 1.4322, se 0.22645), has the interval
# 3 +- t(39) se: [2.62, 3.38] at 90% (t 1.6849), [2.54, 3.46] at 95%
# (t 2.0227).
. "$top_srcdir/tests/cli/tap.sh"
plan 16
scratch
cd "$tmp"

# $1: the csat scorer's `use` options; $2: the questionnaire's language.
playbook() {
  cat <<LUA
customer "c1" { }
customer "c2" { }
requirement "R1" { text = "Quick answers", target = 4.0 }
use "scorer.nps" { as = "nps90", level = 0.90 }
use "scorer.csat" { $1 }
questionnaire "q" { lang = "$2",
  question "rec" { type = "nps", text = "Would you recommend us?" },
  question "fast" { type = "scale5", measures = "R1", text = "How fast?" },
}
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } },
            scorers = { "nps90", "csat" } }
LUA
}
printf 'response_id,customer_id,rec,fast\n' > a.csv
for i in $(seq 1 40); do
  printf 'a%d,c%d,%d,%d\n' "$i" $((i % 2 + 1)) $((i % 11)) $((i % 5 + 1)) \
    >> a.csv
done

# Both scorers at 90%.
mkdir same && cp a.csv same/ && playbook 'level = 0.90' en > same/p.lua
run "$MEJORA" -q --db sqlite:same/s.db run same/p.lua
is "$rc" 0 "a cycle with both scorers at 90%"
run "$MEJORA" --db sqlite:same/s.db report same/p.lua
like "$out" '\(figures with a 90% confidence interval in brackets\)' \
  "the text report says 90%"
like "$out" 'mean \[90% CI\]' "the requirements' column says 90%"
like "$out" 'R1 Quick answers +3\.00 \[2\.62, 3\.38\]' \
  "and the interval is the 90% one"
unlike "$out" '95%' "95% appears nowhere"
run "$MEJORA" --db sqlite:same/s.db report same/p.lua --format md
like "$out" 'Figures with a 90% confidence interval in brackets\.' \
  "the Markdown report says 90%"
run "$MEJORA" --db sqlite:same/s.db report same/p.lua --format html
like "$out" 'Figures with their 90% confidence interval in brackets\.' \
  "the HTML note says 90%"
like "$out" '>Mean \[90% CI\]<' "the HTML requirements' column says 90%"

# csat at its default, 95%: the levels differ, each is named.
mkdir mixed && cp a.csv mixed/ && playbook '' en > mixed/p.lua
run "$MEJORA" -q --db sqlite:mixed/s.db run mixed/p.lua
run "$MEJORA" --db sqlite:mixed/s.db report mixed/p.lua
like "$out" '\(figures with a confidence interval in brackets, at nps90 90%, csat 95%\)' \
  "mixed levels: the text report names each scorer's"
like "$out" 'mean \[CI\]' "and the column states none"
like "$out" 'R1 Quick answers +3\.00 \[2\.54, 3\.46\]' \
  "the requirement's interval is csat's 95% one"
run "$MEJORA" --db sqlite:mixed/s.db report mixed/p.lua --format html
like "$out" "at each scorer's level: nps90 90%, csat 95%\\." \
  "the HTML note names each scorer's level"
like "$out" '>Mean \[CI\]<' "and its column states none"

# In Spanish, with a space before the percent sign.
mkdir es && cp a.csv es/ && playbook 'level = 0.90' es > es/p.lua
run "$MEJORA" -q --db sqlite:es/s.db run es/p.lua
run "$MEJORA" --db sqlite:es/s.db report es/p.lua --format html
like "$out" 'intervalo de confianza del 90 % entre corchetes' \
  "the Spanish note says 90 %"
like "$out" '>Media \[IC 90 %\]<' "the Spanish column says IC 90 %"
run "$MEJORA" --db sqlite:mixed/s.db report mixed/p.lua --format json
like "$out" '"scorer": *"nps90"' "the JSON report is unchanged in shape"
done_testing
