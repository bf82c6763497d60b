#!/bin/sh
# The comments a report shows are kept by the cycle's own scan, with its
# results: a report from them says exactly what one reading every
# response again says (text, Markdown, JSON, HTML), and it reads them
# again when they are not there (a cycle stored before, a playbook asking
# for more); a failed store keeps none, and a re-run replaces them.
. "$top_srcdir/tests/cli/tap.sh"
plan 18
scratch
cd "$tmp"
export MEJORA_NOW=2026-11-30T12:00:00Z

playbook() { # playbook KEEP
  cat > playbook.lua <<LUA
customer "c1" { }
customer "c2" { }
questionnaire "q" {
  question "rec" { type = "nps", text = "Would you recommend us?" },
  question "fast" { type = "scale5", text = "How fast?" },
  question "say" { type = "text", text = "Anything else?" },
  question "more" { type = "text" },
}
questionnaire "p" {
  question "calm" { type = "scale5" },
  question "why" { type = "text" },
}
cycle "A" { comments = $1, import = {
  { questionnaire = "q", file = "a.csv" },
  { questionnaire = "p", file = "p.csv" } } }
LUA
}
playbook 2
printf 'response_id,customer_id,submitted_at,rec,fast,say,more\n' > a.csv
for i in $(seq 1 30); do
  # Equal times and equal ratings, so the ties are ranked too.
  printf 'a%d,c%d,2026-11-%02dT10:00:00Z,%d,%d,say %d,%s\n' "$i" \
    $((i % 2 + 1)) $((i % 7 + 1)) $((i % 11)) $((i % 5 + 1)) "$i" \
    "$(test $((i % 3)) = 0 && echo "more $i")" >> a.csv
done
printf 'response_id,customer_id,submitted_at,calm,why\n' > p.csv
for i in $(seq 1 9); do
  printf 'p%d,c1,2026-11-0%dT09:00:00Z,%d,why %d\n' "$i" "$i" \
    $((i % 5 + 1)) "$i" >> p.csv
done

q() { sqlite3 mejora.db "$1" 2>&1; }
reports() { # reports NAME: every format into NAME.*
  "$MEJORA" -q report playbook.lua > "$1.txt" 2>&1
  "$MEJORA" -q report playbook.lua --format markdown > "$1.md" 2>&1
  "$MEJORA" -q report playbook.lua --format json > "$1.json" 2>&1
  "$MEJORA" -q report playbook.lua --format html > "$1.html" 2>&1
}
same() { # same A B: every format of A as of B
  for f in txt md json html; do
    cmp -s "$1.$f" "$2.$f" || { echo "$1.$f differs"; return; }
  done
  echo same
}

run "$MEJORA" -q run playbook.lua
is "$rc" 0 "the cycle runs"
is "$(q "SELECT list, count(*) FROM cycle_comments GROUP BY list")" \
  "$(printf 'count|3\nlatest|6\nmost|3')" \
  "it keeps a count per text question, the 2 latest of each, the 3 gravest"
reports stored
like "$(cat stored.txt)" "q say - Anything else\?: 30 answer\(s\); the latest 2" \
  "the report shows them"
like "$(cat stored.html)" "<blockquote><p>say 20</p>" "the gravest among them"
q "DELETE FROM cycle_comments"
reports rescanned
is "$(same stored rescanned)" same \
  "a cycle stored without them: the same report, read from the responses"

# Asking for more than the cycle kept reads the responses again.
playbook 4
run "$MEJORA" -q run playbook.lua --rerun
reports four
is "$(q "SELECT count(*) FROM cycle_comments WHERE list = 'latest'")" 12 \
  "a re-run replaces them: 4 latest of each now"
playbook 6
reports wanting
like "$(cat wanting.txt)" "the latest 6, newest first" \
  "a report wanting 6 shows 6"
q "DELETE FROM cycle_comments"
reports wanting_rescanned
is "$(same wanting wanting_rescanned)" same "as reading the responses gives"
playbook 4
reports four_again
q "DELETE FROM cycle_comments"
reports four_rescanned
is "$(same four_again four_rescanned)" same \
  "fewer than kept: the same report again"

# A re-run with new answers: the kept comments follow.
playbook 2
run "$MEJORA" -q run playbook.lua --rerun
printf 'a31,c1,2026-11-20T10:00:00Z,0,1,late and angry,\n' >> a.csv
run "$MEJORA" -q run playbook.lua --rerun
is "$rc" 0 "a re-run with one more answer"
is "$(q "SELECT text FROM cycle_comments WHERE list = 'most' AND rank = 0")" \
  "late and angry" "the new detractor's comment is the gravest now"
reports rerun
q "DELETE FROM cycle_comments"
reports rerun_rescanned
is "$(same rerun rerun_rescanned)" same "and the report is the rescan's"

# A re-run that fails leaves none of the old run's comments behind.
run "$MEJORA" -q run playbook.lua --rerun
q "CREATE TRIGGER no_results BEFORE INSERT ON results
  BEGIN SELECT RAISE(ABORT, 'disk full'); END"
run "$MEJORA" -q run playbook.lua --rerun
ok "$(test "$rc" != 0; echo $?)" "a re-run whose results fail fails"
is "$(q "SELECT count(*) FROM cycle_comments")" 0 \
  "and keeps no comment of the run it replaced"
q "DROP TRIGGER no_results"

# A store that fails while keeping them keeps neither them nor results.
"$MEJORA" -q --db sqlite:b.db import playbook.lua q a.csv > /dev/null 2>&1
sqlite3 b.db "CREATE TRIGGER no_most BEFORE INSERT ON cycle_comments
  WHEN NEW.list = 'most' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
run "$MEJORA" -q --db sqlite:b.db run playbook.lua
ok "$(test "$rc" != 0; echo $?)" "a failure storing the comments fails the run"
like "$out" "disk full" "and says why"
is "$(sqlite3 b.db "SELECT count(*) FROM cycle_comments")" 0 "none is kept"
is "$(sqlite3 b.db "SELECT count(*) FROM results")" 0 \
  "nor any result of the cycle"
done_testing
