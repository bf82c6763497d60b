#!/bin/sh
# mejora import with ids in increasing order, out of order and reversed:
# repeats are rejected naming the row the id was first used on, and a
# second import stores nothing again. Shuffled ids past one run of the
# repeat check (262144) go through its temporary file.
. "$top_srcdir/tests/cli/tap.sh"
plan 16
scratch; example_copy
cd "$tmp/shop"

# R1 .. R3000 (R9 before R10), R7 with an unknown customer, then ids out
# of order: two repeats, a new one, and a repeat of the rejected R7.
row() { printf '%s,%s,2026-11,2026-11-01T15:49:00Z,3,3,4,4,3,10,\n' "$1" "$2"; }
{
  echo "response_id,customer_id,wave,submitted_at,atencion,trato,solucion,local,satisfaccion,nps,comentario"
  i=1
  while [ $i -le 3000 ]; do
    if [ $i -eq 7 ]; then row R7 C999; else row "R$i" C001; fi
    i=$((i + 1))
  done
  row R5 C001; row R3001 C001; row R10 C001; row R7 C001
} > data/ordered.csv

run "$MEJORA" import playbook.lua visita data/ordered.csv
is "$rc" 1 "a file with repeats exits 1"
like "$out" "3004 row\(s\): 3000 stored, 0 already stored, 4 rejected" \
  "increasing ids are stored, repeats out of order rejected"
rej=$(cat data/ordered.csv.rejects.csv 2>/dev/null)
like "$rej" "row 3002, column 1 \(response_id\): duplicate response id 'R5' \(first used on row 6\)" \
  "an id out of order after a long run names its first row"
like "$rej" "duplicate response id 'R10' \(first used on row 11\)" \
  "R10 came after R9: the repeat after the first out of order is found"
like "$rej" "row 3005, .*duplicate response id 'R7' \(first used on row 8\)" \
  "a repeat of a row rejected for another reason names that row"

run "$MEJORA" import playbook.lua visita data/ordered.csv
like "$out" "3004 row\(s\): 0 stored, 3000 already stored, 4 rejected" \
  "a second import stores nothing and rejects the same rows"

# The same ids, reversed: out of order from the second row.
{
  echo "response_id,customer_id,wave,submitted_at,atencion,trato,solucion,local,satisfaccion,nps,comentario"
  i=3000
  while [ $i -ge 1 ]; do row "R$i" C001; i=$((i - 1)); done
  row R1500 C001
} > data/reversed.csv
run "$MEJORA" --db sqlite:reversed.db import playbook.lua visita data/reversed.csv
is "$rc" 1 "reversed ids with a repeat exit 1"
like "$out" "3001 row\(s\): 3000 stored, 0 already stored, 1 rejected" \
  "reversed ids are all stored"
like "$(cat data/reversed.csv.rejects.csv 2>/dev/null)" \
  "row 3002, .*duplicate response id 'R1500' \(first used on row 1502\)" \
  "the repeat of a reversed id names its first row"
run "$MEJORA" --db sqlite:reversed.db import playbook.lua visita data/reversed.csv
like "$out" "3001 row\(s\): 0 stored, 3000 already stored, 1 rejected" \
  "a second import of reversed ids stores nothing"
run "$MEJORA" --db sqlite:reversed.db import playbook.lua visita data/ordered.csv
like "$out" "3004 row\(s\): 1 stored, 2999 already stored, 4 rejected" \
  "increasing ids over a store of reversed ones: only R3001 is new"
run "$MEJORA" import playbook.lua visita data/reversed.csv
like "$out" "3001 row\(s\): 1 stored, 2999 already stored, 1 rejected" \
  "reversed ids over a store of increasing ones: only R7 is new"

# 270000 ids in a shuffled order (i * 7919 mod 270000 is a permutation),
# then a repeat of the first row's id and of row 200002's.
n=270000
awk -v n=$n 'BEGIN {
  print "response_id,customer_id,wave,submitted_at,atencion,trato,solucion,local,satisfaccion,nps,comentario"
  for (i = 0; i < n; i++)
    printf "R%d,C001,2026-11,2026-11-01T15:49:00Z,3,3,4,4,3,10,\n", (i * 7919) % n + 1
  printf "R1,C001,2026-11,2026-11-01T15:49:00Z,3,3,4,4,3,10,\n"
  printf "R%d,C001,2026-11,2026-11-01T15:49:00Z,3,3,4,4,3,10,\n", (200000 * 7919) % n + 1
}' > data/shuffled.csv
run "$MEJORA" --db sqlite:shuffled.db import playbook.lua visita data/shuffled.csv
like "$out" "270002 row\(s\): 270000 stored, 0 already stored, 2 rejected" \
  "270000 shuffled ids are stored, the two repeats rejected"
rej=$(cat data/shuffled.csv.rejects.csv 2>/dev/null)
like "$rej" "row 270002, .*duplicate response id 'R1' \(first used on row 2\)" \
  "a repeat of the first row's id names row 2"
like "$rej" "row 270003, .*duplicate response id 'R$(( (200000 * 7919) % n + 1 ))' \(first used on row 200002\)" \
  "a repeat from another run names its row"
{ head -1 data/shuffled.csv; tail -n +2 data/shuffled.csv | tac; } \
  > data/shuffled-back.csv
run "$MEJORA" --db sqlite:shuffled.db import playbook.lua visita data/shuffled-back.csv
like "$out" "270002 row\(s\): 0 stored, 270000 already stored, 2 rejected" \
  "the same ids in the opposite order are all found stored"
done_testing
