#!/bin/sh
# Past about 1 MiB the model keeps its customers' names, e-mails, consent
# and dates in a temporary file, not in memory: a cycle stores all 60000
# of them as the file has them, in order, and a sample's invitations list
# name and e-mail read back at random. With no temporary folder to write
# to, everything stays in memory and gives the same.
. "$top_srcdir/tests/cli/tap.sh"
plan 12
scratch
cd "$tmp"
LC_ALL=C
export LC_ALL

cat > playbook.lua <<'LUA'
segment "a" { name = "A" }
segment "b" { name = "B" }
customers "customers.csv"
questionnaire "q" {
  title = "Q",
  question "nps" { type = "nps", required = true },
}
sample "s" { questionnaire = "q", size = 400, seed = 7 }
cycle "2026-11" { scorers = { "nps" } }
LUA

# 60000 customers, names with commas and accents now and then, some
# without e-mail, consent or with a leaving date; about 4 MiB.
awk 'BEGIN {
  print "id,segment,name,lang,channel,email,consent,since,until,tz"
  for (i = 1; i <= 60000; i++)
    printf "K%d,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", i, i % 3 ? "a" : "b",
           i % 17 ? "Customer " i : "\"Núñez, Ana " i "\"",
           i % 2 ? "en" : "es", i % 5 ? "email" : "sms",
           i % 19 ? "k" i "@example.com" : "", i % 23 ? "yes" : "no",
           i % 11 ? "2024-03-01" : "", i % 29 ? "" : "2025-01-01",
           i % 13 ? "Europe/Madrid" : "America/New_York"
}' > customers.csv
test "$(wc -c < customers.csv)" -ge 3000000
ok $? "the file is large enough to spill"

# What the store should hold: id, segment, name, lang, channel, e-mail,
# consent, as sqlite3 lists them.
awk 'BEGIN {
  for (i = 1; i <= 60000; i++)
    printf "K%d|%s|%s|%s|%s|%s|%d\n", i, i % 3 ? "a" : "b",
           i % 17 ? "Customer " i : "Núñez, Ana " i,
           i % 2 ? "en" : "es", i % 5 ? "email" : "sms",
           i % 19 ? "k" i "@example.com" : "", i % 23 ? 1 : 0
}' | sort -t'|' -k1,1 > want.txt
printf 'response_id,customer_id,nps\nR1,K1,9\nR2,K60000,3\nR3,K30001,7\n' \
  > r.csv

cycle() { # $1: the store
  "$MEJORA" --db "sqlite:$1" --now 2026-12-01T00:00:00Z import playbook.lua \
    q r.csv >/dev/null 2>&1 &&
  "$MEJORA" --db "sqlite:$1" --now 2026-12-01T00:00:00Z run playbook.lua \
    >/dev/null 2>&1
}
stored() { # $1: the store
  sqlite3 "$1" "SELECT id, segment, name, lang, channel, coalesce(email, ''),
                consent FROM customers" | sort -t'|' -k1,1
}

cycle one.db
is "$?" 0 "a cycle over 60000 customers runs"
stored one.db > got.txt
is "$(wc -l < got.txt)" 60000 "and stores every one"
cmp -s want.txt got.txt
ok $? "each with the name, e-mail and consent of its row"

# Invitations: the customer's name and e-mail against the file's row.
listed() { # $1: the store; customer,lang,name,email per invitation
  "$MEJORA" --db "sqlite:$1" --now 2026-12-01T00:00:00Z sample playbook.lua \
    s >/dev/null 2>&1 &&
  "$MEJORA" --db "sqlite:$1" invitations playbook.lua --format csv |
    $PYTHON -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(r["customer"], r["lang"], r["name"], r["email"], sep="|")' |
    sort -t'|' -k1,1
}
listed one.db > inv.txt
is "$(wc -l < inv.txt)" 400 "a sample of 400 is drawn"
awk -F'|' '{ print $1 "|" $4 "|" $3 "|" $6 }' want.txt |
  sort -t'|' -k1,1 > want_inv.txt
n=$(join -t'|' -j1 -o 1.1 inv.txt want_inv.txt | wc -l)
is "$n" 400 "every invited customer is one of the file's"
bad=$(join -t'|' inv.txt want_inv.txt | awk -F'|' \
  '$2 != $5 || $3 != $6 || $4 != $7' | head -3)
is "$bad" "" "with its language, name and e-mail"
# Those who said no or have left are never invited.
gone=$(awk -F'|' '{ sub(/^K/, "", $1); i = $1 + 0
                    if (i % 23 == 0 || i % 29 == 0) print }' inv.txt | head -3)
is "$gone" "" "and no one who said no or has left"

# No temporary folder: the same store and the same invitations.
TMPDIR="$tmp/none/such" cycle two.db
is "$?" 0 "without a temporary folder the cycle runs"
stored two.db > got2.txt
cmp -s got.txt got2.txt
ok $? "storing the same customers"
TMPDIR="$tmp/none/such" listed two.db > inv2.txt
cmp -s inv.txt inv2.txt
ok $? "and drawing the same invitations"
run "$MEJORA" check playbook.lua
is "$rc" 0 "check reads the file"
done_testing
