#!/bin/sh
# mejora import: good rows stored in one go, bad rows kept with row:column,
# re-importing adds nothing.
. "$top_srcdir/tests/cli/tap.sh"
plan 16
scratch; example_copy
cd "$tmp/shop"

run "$MEJORA" import playbook.lua visita data/responses.csv
is "$rc" 0 "a clean file imports"
like "$out" "300 row\(s\): 300 stored, 0 already stored, 0 rejected" "every row counted as stored"

run "$MEJORA" import playbook.lua visita data/responses.csv
is "$rc" 0 "re-import succeeds"
like "$out" "300 row\(s\): 0 stored, 300 already stored, 0 rejected" "re-import adds nothing"

run "$MEJORA" import playbook.lua visita data/tablet-december.csv
is "$rc" 1 "a file with bad rows exits 1"
like "$out" "6 row\(s\): 2 stored, 0 already stored, 4 rejected" "good rows stored, bad ones counted"
like "$out" "tablet-december.csv.rejects.csv" "the rejects file is named"
rej=data/tablet-december.csv.rejects.csv
ok "$(test -f "$rej"; echo $?)" "the rejects file exists"
rejects=$(cat "$rej" 2>/dev/null)
like "$rejects" "V2612-0002.*row 3, column 5 \(atencion\).*7.*1\.\.5" "out-of-range scale value: row 3, column 5"
like "$rejects" "V2612-0003.*row 4, column 10 \(nps\)" "non-number NPS: row 4, column 10"
like "$rejects" "V2612-0004.*row 5, column 2 .*C999" "unknown customer: row 5, column 2"
like "$rejects" "V2612-0005.*row 7, column 1 .*duplicate" "repeated response id in the file: row 7"

printf 'response_id,customer_id,atencion,frecuencia\nX1,C001,3,4\n' > data/wrong-header.csv
run "$MEJORA" import playbook.lua visita data/wrong-header.csv
is "$rc" 1 "a header with an unknown column is refused"
like "$out" "wrong-header.csv:1:4: .*frecuencia" "the unknown column is named with row:column"
run "$MEJORA" --db sqlite:other.db import playbook.lua visita data/responses.csv
is "$rc" 0 "--db sqlite:FILE with a relative path"
ok "$(test -s other.db; echo $?)" "stores in that file"
done_testing
