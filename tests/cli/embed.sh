#!/bin/sh
# The two ways developers extend mejora, built the way they would build
# them: a CRM host through `pkg-config mejora`, and an out-of-tree plugin
# from examples/plugin-skeleton.
. "$top_srcdir/tests/cli/tap.sh"
plan 12
scratch; example_copy
CC=${CC:-cc}

cp -R "$top_srcdir/examples/embed" "$tmp/embed"
chmod -R u+w "$tmp/embed"
run env PKG_CONFIG_PATH="$top_builddir" make -s -C "$tmp/embed" \
  CC="$CC" CFLAGS="-g ${TEST_CFLAGS:-}" LDFLAGS="${TEST_CFLAGS:-}"
is "$rc" 0 "the CRM host builds with pkg-config mejora"
[ "$rc" -eq 0 ] || printf '# %s\n' "$out"

run env LD_LIBRARY_PATH="$top_builddir/core/.libs" \
  "$tmp/embed/crm_host" "$tmp/shop/playbook.lua" "$tmp/crm.db"
is "$rc" 0 "the CRM host runs a cycle"
like "$out" '"format": *"mejora-results/1"' "and prints the results as JSON"
like "$out" '"segment": *"mostrador"' "with figures per segment"
count=$("$MEJORA" --db "sqlite:$tmp/crm.db" export "$tmp/shop/playbook.lua" visita 2>&1 | grep -c '^crm-000123,')
is "$count" 1 "the answer it recorded is in its store"

cp -R "$top_srcdir/examples/plugin-skeleton" "$tmp/skel"
chmod -R u+w "$tmp/skel"
run make -s -C "$tmp/skel" CC="$CC" \
  MEJORA_CFLAGS="-I$top_srcdir/core/include -I$top_builddir/core/include"
is "$rc" 0 "the plugin skeleton builds out of tree with -Werror"
[ "$rc" -eq 0 ] || printf '# %s\n' "$out"

run "$MEJORA" plugins "$tmp/skel/scorer_topbox.so"
abi=$(sed -n 's/^#define MJ_PLUGIN_ABI_MAJOR \([0-9]*\).*/\1/p' \
  "$top_srcdir/core/include/mejora/plugin.h")\\.$(sed -n \
  's/^#define MJ_PLUGIN_ABI_MINOR \([0-9]*\).*/\1/p' \
  "$top_srcdir/core/include/mejora/plugin.h")
like "$out" "^scorer +topbox +1\.0\.0 +$abi " "mejora plugins accepts it: kind, version, ABI"

# The playbook its comments name, run where it ships, as its author would.
run sh -c 'cd "$1" && "$2" --plugin-path . run playbook.lua' sh \
  "$tmp/skel" "$MEJORA"
is "$rc:$(printf '%s\n' "$out" | grep -c 'reject')" 0:0 \
  "the skeleton's own playbook.lua runs with the plugin built beside it"
like "$(printf '%s\n' "$out" | sed -n '/^topbox: requirement R1/,/^$/p')" \
  "^  all +12 +41\.7 " "and its scorer finds 5 top-box answers of 12"

cat >> "$tmp/shop/playbook.lua" <<'LUA'
use "scorer.topbox" { level = 0.90 }
assert(mejora.plugin("topbox").topbox_share(3, 4) == 75)
LUA
sed -i 's/scorers = { "nps", "csat"/scorers = { "topbox", "nps", "csat"/' "$tmp/shop/playbook.lua"
cd "$tmp/shop"
run "$MEJORA" --plugin-path "$tmp/skel" run playbook.lua
is "$rc" 0 "a playbook uses the new scorer and calls its C function"
like "$out" "^topbox: requirement R1" "its figures are in the report"
run "$MEJORA" --plugin-path "$tmp/skel" report playbook.lua --format json
like "$out" '"scorer": *"topbox"' "and in the JSON results"
done_testing
