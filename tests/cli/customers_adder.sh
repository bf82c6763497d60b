#!/bin/sh
# A customers file of 256 KiB or more is added to the model on a second
# thread while it is read: every customer is known, and a bad row deep in
# it, a repeated id or an unknown segment give the message of a reading
# on one thread (MEJORA_THREADS=1), file:row:column and all.
. "$top_srcdir/tests/cli/tap.sh"
plan 20
scratch
cd "$tmp"

cat > playbook.lua <<'LUA'
segment "a" { name = "A" }
segment "b" { name = "B" }
customers "customers.csv"
questionnaire "q" {
  title = "Q",
  question "nps" { type = "nps", required = true },
}
LUA

# 20000 customers, about 1.3 MiB; row N + 1 holds customer KN.
rows() {
  awk -v bad="${1:-}" -v at="${2:-0}" 'BEGIN {
    print "id,segment,name,lang,channel,email,consent,since,tz"
    for (i = 1; i <= 20000; i++) {
      line = sprintf("K%d,%s,Customer %d,%s,%s,k%d@example.com,%s,%s,%s", i,
                     i % 3 ? "a" : "b", i, i % 2 ? "en" : "es",
                     i % 5 ? "email" : "sms", i, i % 7 ? "yes" : "\"email,sms\"",
                     i % 11 ? "2024-03-01" : "",
                     i % 13 ? "Europe/Madrid" : "America/New_York")
      if (i == at) line = bad
      print line
    }
  }' > customers.csv
}

# The same outcome with the second thread and without it.
same() {
  run "$MEJORA" check playbook.lua
  rc2=$rc out2=$out
  MEJORA_THREADS=1 run "$MEJORA" check playbook.lua
  is "$rc2" "$rc" "$1: the same status on one thread"
  is "$out2" "$out" "$1: the same message on one thread"
}

rows
test "$(wc -c < customers.csv)" -ge 262144
ok $? "the file is large enough for the second thread"
run "$MEJORA" check playbook.lua
is "$rc" 0 "a large file loads"
printf 'response_id,customer_id,nps\nR1,K1,9\nR2,K20000,3\nR3,K9999,7\n' \
  > r.csv
run "$MEJORA" import playbook.lua q r.csv
like "$out" "3 stored" "its first, middle and last customers are known"

rows "K15000,a,Late,en,email,x@example.com,yes,2024-13-45,UTC" 15000
same "a bad date deep in the file"
like "$out" "customers.csv:15001:8: since '2024-13-45' is not a date" \
  "names its row and column"

rows "K17000,a,Late,en,email,x@example.com,n/a,," 17000
same "a bad consent deep in the file"
like "$out" "customers.csv:17001:7: consent 'n/a'.*customers declared at" \
  "names its row, column and the declaration"

rows "K15,b,Again,en,email,x@example.com,yes,," 19000
same "a repeated id deep in the file"
like "$out" "customers.csv:19001.*duplicate customer 'K15'.*customers.csv:16" \
  "names both rows"

rows "K18000,c,Lost,en,email,x@example.com,yes,," 18000
same "an unknown segment deep in the file"

rows 'K12000,a,"Bad "quote",en,email,x@example.com,yes,,' 12000
same "malformed CSV deep in the file"
like "$out" "customers.csv:12001" "names its line"

# Past 65535 different languages the model keeps no more: the thread
# stops at that row, and the reading with it.
awk 'BEGIN {
  print "id,segment,lang"
  for (i = 1; i <= 70000; i++) printf "K%d,a,L%d\n", i, i
}' > customers.csv
same "too many different values"
like "$out" "customers.csv:[0-9]*: more customers than mejora keeps" \
  "names the row"
done_testing
