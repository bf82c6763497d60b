#!/bin/sh
# What a manager reads in the report of a two-cycle run: the shares of a
# yes/no, choice and multi question with Wilson intervals, each figure's
# change with its test and p-value against the cycle named in the heading,
# the open-text answers escaped for each format, and the segments in the
# order the playbook declares them. Expected values are worked by hand in
# doc/methods.md ("Shares of options", "Proportion intervals").
. "$top_srcdir/tests/cli/tap.sh"
plan 30
scratch
cd "$tmp"

# Declared west, east, north: neither alphabetical nor the order the
# responses meet them (north first, then east, then west).
cat > playbook.lua <<'LUA'
segment "west" { name = "West" }
segment "east" { name = "East" }
segment "north" { name = "North" }
customer "cn" { segment = "north" }
customer "ce" { segment = "east" }
customer "cw" { segment = "west" }
questionnaire "q" {
  question "rec" { type = "nps", text = "Would you recommend us?" },
  question "again" { type = "yesno", text = "Would you buy again?" },
  question "via" { type = "choice", choices = { "phone", "web", "shop" } },
  question "why" { type = "multi", choices = { "price", "staff", "speed" },
                   other = true },
  question "say" { type = "text", max_len = 1000 },
}
plan "P" { owner = "ana", due = "30d", actions = { "ask why" },
  when = "share.share_yes:q/again < 50",
  verify = { metric = "share.share_yes:q/again", test = "two-proportion",
             alpha = 0.05 } }
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } } }
cycle "B" { import = { { questionnaire = "q", file = "b.csv" }, },
            comments = 3 }
LUA

# Cycle A: 20 answers, 8 yes; respondents 1-10 tick price and staff (price
# 11-20 speed. Customers cn, ce, cw in turn, from 1.
cust() { case $(( $1 % 3 )) in 1) echo cn ;; 2) echo ce ;; 0) echo cw ;; esac; }
printf 'response_id,customer_id,rec,again,via,why,say\n' > a.csv
for i in $(seq 1 20); do
  y=no; [ "$i" -le 8 ] && y=yes
  w=speed; [ "$i" -le 10 ] && w='price;staff'
  printf 'a%d,%s,%d,%s,phone,%s,first %d\n' "$i" "$(cust "$i")" \
    $(( i % 11 )) "$y" "$w" "$i" >> a.csv
done
# Cycle B: 15 yes of 20; the last three answers are the ones to escape.
printf 'response_id,customer_id,rec,again,via,why,say\n' > b.csv
for i in $(seq 1 17); do
  y=no; [ "$i" -le 12 ] && y=yes
  printf 'b%d,%s,%d,%s,web,other:x,second %d\n' "$i" "$(cust "$i")" \
    $(( (i + 5) % 11 )) "$y" "$i" >> b.csv
done
long=$(i=0; while [ $i -lt 60 ]; do printf 'ñandú '; i=$((i + 1)); done)
{
  printf 'b18,cn,9,yes,web,speed,"<script>x</script> | *b* [l](u) `c` _u_\nline two"\n'
  printf 'b19,ce,9,yes,web,speed,plain\n'
  printf 'b20,cw,9,yes,web,speed,%s\n' "$long"
} >> b.csv

run "$MEJORA" -q run playbook.lua --cycle A
is "$rc" 0 "cycle A runs"
run "$MEJORA" plans playbook.lua show P
like "$out" "^  share\.share_yes:q/again = 40\.0 \(n 20\)$" \
  "a share opens a plan: plans show gives its evidence as a sentence"
run "$MEJORA" plans playbook.lua update P --action 1 --status done \
  --note "called 5 customers"
run "$MEJORA" -q run playbook.lua --cycle B
is "$rc" 0 "cycle B runs"
run "$MEJORA" plans playbook.lua show P
like "$out" "cycle 2 +verified +share\.share_yes:q/again 40\.0 -> 75\.0 \(n 20 -> 20\), two-proportion z, p = 0\.025: effective$" \
  "plans show: the verification in one rounded sentence"
like "$out" 'action\.updated +action 1: status done, "called 5 customers"$' \
  "plans show: a person's change as words"
unlike "$out" '[0-9]\.[0-9]{5,}|[{}]' "plans show: no JSON, no float noise"
run "$MEJORA" plans playbook.lua show P --format json
like "$out" '"p_value": 0\.025[0-9]{5,}' "the JSON keeps every digit"

run "$MEJORA" report playbook.lua --cycle A
a=$out
like "$a" "^  all +20 +40\.0 \[21\.9, 61\.3\] +60\.0 \[38\.7, 78\.1\]$" \
  "A: a yes/no question has shares: 8 of 20 yes, 40.0 [21.9, 61.3]"
like "$a" "^  all +20 +50\.0 \[29\.9, 70\.1\] +50\.0 \[29\.9, 70\.1\] +50\.0 \[29\.9, 70\.1\] +0\.0 \[0\.0, 16\.1\]$" \
  "A: multi shares are of respondents, and add up past 100"
like "$a" "^share: q via$" "A: a choice question has its table"
like "$a" "No earlier cycle to compare with" \
  "A, the first cycle, has nothing to compare with"

run "$MEJORA" report playbook.lua --cycle B
b=$out
like "$b" "^  all +20 +75\.0 \[53\.1, 88\.8\] +25\.0 \[11\.2, 46\.9\]$" \
  "B: 15 of 20 yes, 75.0 [53.1, 88.8]"
like "$b" "^Change since cycle 1 \"A\"$" \
  "the change section names the cycle it compares with"
like "$b" "^  share\.share_yes:q/again +all +75\.0 \[53\.1, 88\.8\] +\+35\.0 \(two-proportion z, p = 0\.025\)$" \
  "the yes share's change: +35.0, two-proportion z, p = 0.025"
like "$b" "^  nps\.nps:q/rec +all .* \(NPS Wald z, p = 0\.[0-9]{3}\)$" \
  "the NPS change has its test and p-value"
like "$b" "^  nps\.nps_se:q/rec +all .* \(test: none\)$" \
  "a change no test judges says test: none"
# 17 of 20 other against 0 of 20: z = 0.85 / sqrt(0.425 * 0.575 * 0.1).
like "$b" "^  share\.share_other:q/why +all +85\.0 \[64\.0, 94\.8\] +\+85\.0 \(two-proportion z, p = 5\.4e-08\)$" \
  "a tiny p-value is written with its exponent: 5.4e-08"

# Segment order: all, west, east, north, in every table.
# rows TITLE: the first column of the table under the line TITLE.
rows() {
  printf '%s\n' "$b" | sed -n "/^$1/,/^\$/p" |
    awk 'NR > 2 && NF { printf "%s ", $1 }'
}
is "$(rows 'share: q again')" "all west east north " \
  "a table lists all, then segments as declared"
is "$(rows 'nps: q rec')" "all west east north " "the NPS table too"
run "$MEJORA" report playbook.lua --cycle B --format json
json=$out
order=$(printf '%s\n' "$json" | grep -A8 '"scorer": "share"' |
  grep '"segment"' | awk -F'"' '{ print $4 }' | uniq | head -4 | tr '\n' ' ')
is "$order" "all west east north " "JSON lists the figures in the same order"

# Open answers: the latest 3 (comments = 3), newest first, escaped.
like "$b" "^  q say: 20 answer\(s\); the latest 3, newest first:$" \
  "the text report counts the answers and shows the latest 3"
first=$(printf '%s\n' "$b" | sed -n '/q say: 20 answer/{n;p;}')
case "$first" in
  "    - ñandú ñandú "*"…") ok 0 "a long answer is cut with an ellipsis" ;;
  *) ok 1 "a long answer is cut with an ellipsis"; echo "# got: $first" ;;
esac
printf '%s' "$first" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1
ok $? "it is cut at a character boundary (valid UTF-8)"
like "$b" '^    - <script>x</script> \| \*b\* \[l\]\(u\) `c` _u_\\nline two$' \
  "text: the newline is shown escaped, on one line"
run "$MEJORA" report playbook.lua --cycle B --format md
md=$out
like "$md" '^- \\<script\\>x\\</script\\> \\\| \\\*b\\\* \\\[l\\\]\(u\) \\`c\\` \\_u\\_\\nline two$' \
  "Markdown: | * _ [ ] < > and backticks are escaped"
like "$md" '^## Change since cycle 1 "A"$' "Markdown names the compared cycle"
like "$md" '^\| share\.share_yes:q/again \| all \| 75\.0 \[53\.1, 88\.8\] \| \+35\.0 \(two-proportion z, p = 0\.025\) \|$' \
  "Markdown shows the change with its test and p-value"
printf '%s\n' "$json" | grep -qF '"text": "<script>x</script> | *b* [l](u) `c` _u_\nline two"'
ok $? "JSON has the answer whole, as a JSON string"
like "$json" '"count": 20' "JSON counts the answers"
like "$json" '"metric": "share_yes"' "JSON has the share figures"
done_testing
