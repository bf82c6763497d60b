#!/bin/sh
# mejora check finds what mejora run would refuse before it starts (unknown
# plugins, scorers, notifiers and store kinds, unknown or mistyped plugin
# options, missing import and customers files, a verify metric naming an
# unknown scorer), each at FILE:LINE with a near name when there is one,
# and writes nothing; run refuses the same before it writes anything.
. "$top_srcdir/tests/cli/tap.sh"
plan 62
scratch; example_copy
cd "$tmp/shop"

# bad NAME SED-SCRIPT: a copy of the playbook changed by the script.
bad() { sed "$2" playbook.lua > "$1.lua"; }
lineof() { grep -n -- "$1" "$2" | head -1 | cut -d: -f1; }

bad logg 's/use "notifier.log" {/use "notifier.logg" {/'
bad cstat 's/"nps", "csat", "retention"/"nps", "cstat", "retention"/'
bad pth 's/{ path = "notify.log" }/{\n  pth = "notify.log" }/'
bad pathnum 's/{ path = "notify.log" }/{\n  path = 3 }/'
bad noimport 's#file = "data/responses.csv"#file = "data/response.csv"#'
bad nocustomers 's#"data/customers.csv"#"data/customer.csv"#'
bad lg 's/  min_n = 10,/  min_n = 10,\n  notify = { "lg" },/'
bad sqlit 's#^customers "data#store "sqlit:shop.db"\ncustomers "data#'
bad verify 's/metric = "csat.mean:R1"/metric = "cstat.mean:R1"/'
# A second cycle whose file is not there yet: plain check names it, and
# check --cycle of the first one passes.
cp playbook.lua twocycles.lua
cat >> twocycles.lua <<'LUA'
cycle "2026-12" {
  import = { { questionnaire = "visita", file = "data/tablet-decembre.csv" } },
  scorers = { "nps", "csat" },
}
LUA

# Everything check or a refused run may leave behind shows up here.
snapshot() { find . | sort; }
before=$(snapshot)

# refused NAME LINE PATTERN DESCRIPTION: check and run both exit 1 with
# "NAME.lua:LINE: " and the pattern, and leave every file as it was.
refused() {
  run "$MEJORA" check "$1.lua"
  is "$rc" 1 "check, $4: exit 1"
  like "$out" "^mejora: $1\.lua:$2: $3" "check, $4: file:line and the hint"
  is "$(snapshot)" "$before" "check, $4: nothing written"
  run "$MEJORA" run "$1.lua"
  is "$rc" 1 "run, $4: exit 1"
  like "$out" "^mejora: $1\.lua:$2: $3" "run, $4: the same message"
  is "$(snapshot)" "$before" "run, $4: refused before writing anything"
}

refused logg "$(lineof 'use "notifier.logg"' logg.lua)" \
  "use \"notifier\.logg\": no notifier plugin 'logg' \(did you mean 'log'\?\)" \
  "an unknown plugin"
refused cstat "$(lineof 'scorers = ' cstat.lua)" \
  "cycle \"2026-11\": scorer 'cstat': .*\(did you mean 'csat'\?\)" \
  "an unknown scorer in a cycle"
refused pth "$(lineof 'pth = ' pth.lua)" \
  "unknown option 'pth' for notifier log \(did you mean 'path'\?\)" \
  "an unknown plugin option, at its own line"
refused pathnum "$(lineof 'path = 3' pathnum.lua)" \
  "option 'path' for notifier log must be a string, got a number" \
  "a plugin option of the wrong type"
refused noimport "$(lineof 'data/response.csv' noimport.lua)" \
  "cycle \"2026-11\" imports 'data/response\.csv': no file .*\
\(did you mean 'data/responses\.csv'\?\)" \
  "a missing import file"
refused nocustomers "$(lineof 'customers "data' nocustomers.lua)" \
  "customers \"data/customer\.csv\": no file .*\
\(did you mean 'data/customers\.csv'\?\)" \
  "a missing customers file"
refused lg "$(lineof 'notify = ' lg.lua)" \
  "cycle \"2026-11\": notifier 'lg': .*\(did you mean 'log'\?\)" \
  "an unknown notifier in a cycle"
refused sqlit "$(lineof '^store' sqlit.lua)" \
  "store \"sqlit:shop\.db\": no storage plugin 'sqlit' \
\(did you mean 'sqlite'\?\)" \
  "an unknown store kind"
refused verify "$(lineof 'metric = ' verify.lua)" \
  "plan \"P1-cola-caja\": verify metric 'cstat\.mean:R1': unknown scorer \
'cstat' \(did you mean 'csat'\?\)" \
  "a verify metric naming an unknown scorer"

# Every cycle is checked unless one is named, as run names it.
run "$MEJORA" check twocycles.lua
is "$rc" 1 "check: the second cycle's missing file too"
like "$out" "twocycles\.lua:$(lineof 'tablet-decembre' twocycles.lua): \
cycle \"2026-12\" imports 'data/tablet-decembre\.csv': no file .*\
\(did you mean 'data/tablet-december\.csv'\?\)" \
  "  at its line, with the near name"
run "$MEJORA" check twocycles.lua --cycle 2026-11
is "$rc" 0 "check --cycle 2026-11 checks that cycle only"
run "$MEJORA" check twocycles.lua --cycle 2026-13
is "$rc" 1 "check --cycle of an undeclared cycle: exit 1"
like "$out" "no cycle \"2026-13\" declared" "  and says so"
run "$MEJORA" check twocycles.lua --cycle
is "$rc" 2 "check --cycle without a name: usage"

run "$MEJORA" check playbook.lua
is "$rc" 0 "the example passes check"
is "$(snapshot)" "$before" "a passing check writes nothing (no store, no log)"
done_testing
