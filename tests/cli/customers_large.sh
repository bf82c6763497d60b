#!/bin/sh
# A customers file larger than the first rows suggest, and one smaller:
# every customer is read, in order, wherever its row falls.
. "$top_srcdir/tests/cli/tap.sh"
plan 8
scratch
cd "$tmp"

cat > playbook.lua <<'LUA'
segment "a" { name = "A" }
customers "customers.csv"
questionnaire "q" {
  title = "Q",
  question "nps" { type = "nps", required = true },
}
LUA

# Short rows first, then long ones: the file holds many more rows than
# its first rows' length says.
awk 'BEGIN {
  print "id,segment,name,email"
  for (i = 1; i <= 1100; i++) printf "K%d,a,,\n", i
  for (i = 1101; i <= 6000; i++)
    printf "K%d,a,Customer with a long name number %d,k%d@example.com\n", i, i, i
}' > customers.csv
run "$MEJORA" check playbook.lua
is "$rc" 0 "a file longer than its first rows say loads"
printf 'response_id,customer_id,nps\nR1,K1,9\nR2,K6000,3\n' > r.csv
run "$MEJORA" import playbook.lua q r.csv
is "$rc" 0 "its first and last customers are known"
like "$out" "2 stored" "and their responses stored"

# A repeated id at the very end names both rows, so each customer kept its
# own row through the growing.
echo "K2,a,again,k2@example.com" >> customers.csv
run "$MEJORA" check playbook.lua
is "$rc" 1 "a repeated id after the growing is found"
like "$out" "customers.csv:6002.*duplicate customer 'K2'.*customers.csv:3" \
  "with both rows"

# Long rows first, then short ones: fewer rows than the first say.
awk 'BEGIN {
  print "id,segment,name,email"
  for (i = 1; i <= 1100; i++)
    printf "K%d,a,Customer with a long name number %d,k%d@example.com\n", i, i, i
  for (i = 1101; i <= 3000; i++) printf "K%d,a,,\n", i
}' > customers.csv
run "$MEJORA" check playbook.lua
is "$rc" 0 "a file shorter than its first rows say loads"
printf 'response_id,customer_id,nps\nR3,K3000,10\n' > r.csv
run "$MEJORA" import playbook.lua q r.csv
is "$rc" 0 "its last customer is known"
printf 'response_id,customer_id,nps\nR4,K3001,10\n' > r.csv
run "$MEJORA" import playbook.lua q r.csv
like "$(cat r.csv.rejects.csv)" "unknown customer 'K3001'" "and none past it"
done_testing
