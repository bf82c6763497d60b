#!/bin/sh
# The command's clock: --now and $MEJORA_NOW pin the time every date is
# taken from (here a plan's due date, 30 days after the run), so runs are
# reproducible; a value that is not a time is a usage error.
. "$top_srcdir/tests/cli/tap.sh"
plan 10
scratch; example_copy
cd "$tmp/shop"

run env MEJORA_NOW=2030-01-15 "$MEJORA" run playbook.lua --cycle 2026-11
is "$rc" 0 "a run with MEJORA_NOW as a date"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-cola-caja +open +[^ ]+ +2030-02-14 " \
  "the plan is due 30 days after MEJORA_NOW"

rm -f mejora.db
run env MEJORA_NOW=2030-01-15 "$MEJORA" --now 2031-06-01T08:30:00Z \
  run playbook.lua --cycle 2026-11
is "$rc" 0 "a run with --now as a time"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-cola-caja +open +[^ ]+ +2031-07-01 " "--now wins over MEJORA_NOW"

rm -f mejora.db
# 1900000000 s is 2030-03-17T17:46:40Z.
run env MEJORA_NOW=1900000000 "$MEJORA" run playbook.lua --cycle 2026-11
is "$rc" 0 "a run with MEJORA_NOW in seconds since the epoch"
run "$MEJORA" plans playbook.lua list
like "$out" "^P1-cola-caja +open +[^ ]+ +2030-04-16 " "seconds are read as UTC"

run env MEJORA_NOW=yesterday "$MEJORA" check playbook.lua
is "$rc" 2 "MEJORA_NOW that is not a time is a usage error"
like "$out" "MEJORA_NOW 'yesterday' is not a time" "and the message names it"
run "$MEJORA" --now 2030-02-30 check playbook.lua
is "$rc" 2 "--now with a day that does not exist is refused"
like "$out" "--now '2030-02-30' is not a time: use YYYY-MM-DD" \
  "and the message says which forms are read"
done_testing
