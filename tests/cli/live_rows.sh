#!/bin/sh
# When every matrix scorer of a cycle streams, the rows reach them while
# the store is read, never kept as one table; when one does not (kano
# here), the table is built as before. Both give the same figures to the
# last bit, in the same order, with the same log lines, on segments,
# channels, a response without either, N/A and skipped cells and a value
# that turns the table into doubles; and a scorer failing at open, on a
# chunk of one segment or at close stops the cycle with the same message
# and nothing stored. Streams go to a second thread when every streaming
# scorer allows it (stream_any_thread), and stay on the cycle's with
# MEJORA_THREADS=1 or a scorer that does not: the same figures.
. "$top_srcdir/tests/cli/tap.sh"
plan 19
scratch
cd "$tmp"
export MEJORA_NOW=2026-11-30T12:00:00Z
export MEJORA_PLUGIN_PATH="$MEJORA_TEST_PLUGINS:$MEJORA_PLUGIN_PATH"

# 9000 responses: items a1..a3 of one dimension (a3 reverse-keyed, so
# the scorer warns), b1..b3 of none, N/A and skipped cells, one spend of
# 1234.5 at row 6000 (no small integer: the rows before it go on as
# codes, those after as doubles), 10% without a channel, c5 without a
# segment.
awk -v N=9000 'function rnd() {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  BEGIN {
    seed = 42
    printf "response_id,customer_id,submitted_at,"
    print "a1,a2,a3,b1,b2,b3,rec,spend,channel"
    split("c2 c1 c3 c4 c5 c1 c2", cust, " ")
    split("web phone email", chan, " ")
    for (i = 1; i <= N; i++) {
      c = i <= 3 ? cust[i] : cust[1 + int(rnd() * 7)]
      t = 1 + int(rnd() * 5)
      a1 = t; a2 = t + int(rnd() * 3) - 1; a3 = 6 - t
      a2 = a2 < 1 ? 1 : a2 > 5 ? 5 : a2
      u = rnd()
      if (u < 0.05) a1 = "NA"; else if (u < 0.08) a2 = ""
      b1 = 1 + int(rnd() * 7); b2 = 1 + int(rnd() * 7)
      if (i <= 3) b1 = i == 2 ? 2 : 5 # south starts with b3 6, not "all"
      b3 = 8 - b1
      if (rnd() < 0.04) b2 = "NA"
      rec = int(rnd() * 11)
      spend = i == 6000 ? 1234.5 : int(rnd() * 40)
      ch = rnd() < 0.1 ? "" : chan[1 + int(rnd() * 3)]
      printf "r%d,%s,2026-11-%02dT10:00:00Z,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
        i, c, 1 + i % 28, a1, a2, a3, b1, b2, b3, rec, spend, ch
    }
  }' > answers.csv

playbook() { # playbook SCORERS BY [B3-TAGS]
  cat > playbook.lua <<LUA
segment "north" {}
segment "south" {}
segment "east" {}
customer "c1" { segment = "south" }
customer "c2" { segment = "north" }
customer "c3" { segment = "east" }
customer "c4" { segment = "north" }
customer "c5" { }
requirement "R1" { dimension = "speed" }
requirement "R2" { dimension = "speed" }
requirement "R3" { dimension = "speed" }
questionnaire "q" {
  question "a1" { type = "scale5", allow_na = true, measures = "R1" },
  question "a2" { type = "scale5", allow_na = true, measures = "R2" },
  question "a3" { type = "scale5", allow_na = true, measures = "R3" },
  question "b1" { type = "scale7", allow_na = true },
  question "b2" { type = "scale7", allow_na = true },
  question "b3" { type = "scale7"${3:-} },
  question "rec" { type = "nps" },
  question "spend" { type = "number" },
}
use "scorer.streamtally" {}
use "scorer.streamtally1" {}
cycle "w" { scorers = { $1 }, min_n = 5$2 }
LUA
}
live='"reliability", "streamtally"'
table='"reliability", "kano", "streamtally"'
by=', by = { "segment", "channel" }'

# figures DB: every figure of the two streaming scorers but where their
# chunks went (aside), in stored order, numbers to 17 digits.
figures() {
  sqlite3 "$1" "SELECT scorer, metric, questionnaire, question, segment,
    subject, label, n, n_excluded,
    iif(value IS NULL, '-', printf('%.17g', value)),
    iif(ci_low IS NULL, '-', printf('%.17g', ci_low)),
    iif(ci_high IS NULL, '-', printf('%.17g', ci_high)),
    iif(sd IS NULL, '-', printf('%.17g', sd))
    FROM results WHERE scorer IN ('reliability', 'streamtally')
    AND metric != 'aside' ORDER BY seq"
}
# aside DB: streamtally's chunks handed on a thread other than the cycle's,
# per group.
aside() {
  sqlite3 "$1" "SELECT printf('%s=%g', segment, value) FROM results
    WHERE scorer = 'streamtally' AND metric = 'aside' ORDER BY seq" |
    tr '\n' ' '
}
# cycle NAME SCORERS BY [B3-TAGS]: a cycle on a copy of the store, NAME.db,
# its figures in NAME.fig, its stderr in NAME.err; sets $rc.
cycle() {
  playbook "$2" "$3" "${4:-}"
  cp base.db "$1.db"
  "$MEJORA" --db "sqlite:$1.db" run playbook.lua > /dev/null 2> "$1.err" &&
    rc=0 || rc=$?
  figures "$1.db" > "$1.fig"
}

playbook "$live" "$by"
run "$MEJORA" -q --db sqlite:base.db import playbook.lua q answers.csv
is "$rc" 0 "9000 responses stored"

cycle live "$live" "$by"
is "$rc" 0 "a cycle whose matrix scorers all stream"
cycle table "$table" "$by"
is "$rc" 0 "the same with kano, which does not stream"
is "$(wc -l < live.fig)" 175 "both streaming scorers' figures are stored"
ok "$(cmp -s live.fig table.fig; echo $?)" \
  "the same figures bit for bit, in the same order"
is "$(cut -d'|' -f5 live.fig | awk '!seen[$0]++' | tr '\n' ' ')" \
  "all north south east $(awk -F, 'NR > 1 && $12 != "" && !seen[$12]++ {
    printf "channel:%s ", $12 }' answers.csv)" \
  "\"all\", the segments, then the channels, in order of first appearance"
is "$(grep '^streamtally|chunks|q||all|' live.fig | cut -d'|' -f10)" 3 \
  "\"all\" in chunks of 4096 rows: 3"
is "$(grep '^streamtally|values|q||all|question:spend|' live.fig |
  cut -d'|' -f10)" "$(awk -F, 'NR > 1 { s += $11 } END { printf "%.1f", s }' \
  answers.csv)" "the spend of 1234.5 among the values"
grep 'reliability:' live.err > live.log
grep 'reliability:' table.err > table.log
like "$(cat live.log)" "question a3 correlates negatively" \
  "the scorer's warnings are logged"
ok "$(cmp -s live.log table.log; echo $?)" "the same log lines"

# Where the chunks went: "all" has three, the last handed over after the
# scan, on the cycle's thread.
is "$(aside live.db | cut -d' ' -f1)" "all=2" \
  "the streams run on a second thread while the scan reads"
export MEJORA_THREADS=1
cycle one "$live" "$by"
unset MEJORA_THREADS
is "$rc" 0 "a cycle kept to one thread"
ok "$(cmp -s live.fig one.fig; echo $?)" \
  "one thread: the same figures bit for bit, in the same order"
is "$(aside one.db | sed 's/[^ ]*=0 //g')" "" \
  "one thread: no chunk on another"
cycle kept "$live, \"streamtally1\"" "$by"
is "$(aside kept.db | sed 's/[^ ]*=0 //g')" "" \
  "with a scorer that keeps to the cycle's thread, every stream does"

cycle live_all "$live" ", by = { }"
cycle table_all "$table" ", by = { }"
ok "$(test "$(wc -l < live_all.fig)" = 25 &&
  cmp -s live_all.fig table_all.fig; echo $?)" \
  "a cycle by nothing: \"all\" only, the same figures"

# A failing stream: the same message either way, nothing stored.
failing() { # failing WHERE MESSAGE
  cycle live_fail "$live" "$by" ", tags = { fail = \"$1\" }"
  live_rc=$rc
  cycle table_fail "$table" "$by" ", tags = { fail = \"$1\" }"
  if [ "$live_rc" = 3 ] && [ "$rc" = 3 ] &&
    grep -v '^mejora: warning: ' live_fail.err > live_fail.msg &&
    grep -v '^mejora: warning: ' table_fail.err > table_fail.msg &&
    cmp -s live_fail.msg table_fail.msg &&
    [ "$(cat live_fail.msg)" = "mejora: $2" ] &&
    [ "$(sqlite3 live_fail.db "SELECT count(*) FROM results")" = 0 ] &&
    [ "$(sqlite3 live_fail.db "SELECT status FROM cycles")" = failed ]; then
    ok 0 "failing $1: the same message, nothing stored"
  else
    ok 1 "failing $1: the same message, nothing stored"
    sed 's/^/#   /' live_fail.msg table_fail.msg
  fi
}
m='scorer streamtally on questionnaire q, segment'
failing open "$m all: streamtally: told to fail at open"
failing 6 "$m south: streamtally: told to fail on a first row holding 6"
failing close "$m all: streamtally: told to fail at close"
done_testing
