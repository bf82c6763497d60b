#!/bin/sh
# Export as an Excel workbook and as an SPSS .sav file, read back with
# openpyxl and with ReadStat's readstat and extract_metadata: every
# response equals the CSV export's, numbers as numbers, dates as dates,
# text never a formula; labels in the questionnaire's language; the
# figures equal the JSON report's; N/A declared missing in the .sav file.
# A failed export leaves no file.
. "$top_srcdir/tests/cli/tap.sh"
plan 24
scratch
cd "$tmp"
M="$MEJORA"
P=/usr/bin/python3
chk="$top_srcdir/tests/cli/export_formats.py"

# Every question type, N/A, UTF-8 text, and text a spreadsheet would run.
cat > playbook.lua <<'LUA'
customer "C1" { lang = "es" }
customer "C2" { lang = "en" }
requirement "R1" { text = { es = "Atención", en = "Attention" }, target = 4 }
questionnaire "todo" { lang = "es",
  question "sat" { type = "scale5", labels = "excellent-poor", measures = "R1",
                   allow_na = true,
                   text = { es = "¿Qué tal la atención?", en = "How was it?" } },
  question "rec" { type = "nps", required = true },
  question "effort" { type = "ces", labels = "effort-7" },
  question "canal" { type = "choice",
    choices = { { code = "tel", label = { es = "Teléfono", en = "Phone" } },
                { code = "web", label = { es = "Página web" } } } },
  question "nivel" { type = "choice",
    choices = { { code = "1", label = { es = "Bajo" } },
                { code = "2", label = { es = "Medio" } }, "3" } },
  question "temas" { type = "multi", choices = { "precio", "espera" } },
  question "visita" { type = "yesno" },
  question "gasto" { type = "number", min = 0 },
  question "fecha" { type = "date" },
  question "w_a" { type = "points", group = "pesos", total = 100 },
  question "w_b" { type = "points", group = "pesos", total = 100 },
  question "with" { type = "text", text = { es = "Comentario" } },
}
cycle "A" { import = { { questionnaire = "todo", file = "todo.csv" } },
            scorers = { "nps", "csat" } }
LUA
cat > todo.csv <<'CSV'
response_id,customer_id,submitted_at,sat,rec,effort,canal,nivel,temas,visita,gasto,fecha,w_a,w_b,with
r1,C1,2026-11-02T09:30:00Z,5,9,6,tel,1,precio;espera,yes,12.5,2026-11-03,60,40,"¡Muy bien, gracias! ñandú"
r2,C2,2026-11-02T17:05:59Z,NA,3,2,web,2,espera,no,0,2026-11-04,50,50,=1+1
r3,C1,,4,10,7,web,3,,sí,,,,,<script>alert(1)</script>
CSV
# What the playbook declares, as the checker compares it.
cat > todo.json <<'JSON'
{"requirements": ["R1"], "questions": [
 {"id": "sat", "sav": "sat", "type": "scale5", "text": "¿Qué tal la atención?",
  "labels": [[1, "Pobre"], [2, "Regular"], [3, "Buena"], [4, "Muy buena"],
             [5, "Excelente"]], "na": "no aplica"},
 {"id": "rec", "sav": "rec", "type": "nps",
  "text": "¿Qué probabilidad hay de que nos recomiende a un amigo o colega?",
  "labels": [], "na": null},
 {"id": "effort", "sav": "effort", "type": "ces",
  "text": "La empresa me facilitó resolver mi gestión.",
  "labels": [[1, "Muy en desacuerdo"], [2, "En desacuerdo"],
             [3, "Algo en desacuerdo"], [4, "Ni de acuerdo ni en desacuerdo"],
             [5, "Algo de acuerdo"], [6, "De acuerdo"], [7, "Muy de acuerdo"]],
  "na": null},
 {"id": "canal", "sav": "canal", "type": "choice", "text": "canal",
  "labels": [["tel", "Teléfono"], ["web", "Página web"]], "na": null},
 {"id": "nivel", "sav": "nivel", "type": "choice", "text": "nivel",
  "labels": [["1", "Bajo"], ["2", "Medio"], ["3", "3"]], "na": null},
 {"id": "temas", "sav": "temas", "type": "multi", "text": "temas",
  "labels": [["precio", "precio"], ["espera", "espera"]], "na": null},
 {"id": "visita", "sav": "visita", "type": "yesno", "text": "visita",
  "labels": [["yes", "yes"], ["no", "no"]], "na": null},
 {"id": "gasto", "sav": "gasto", "type": "number", "text": "gasto",
  "labels": [], "na": null},
 {"id": "fecha", "sav": "fecha", "type": "date", "text": "fecha",
  "labels": [], "na": null},
 {"id": "w_a", "sav": "w_a", "type": "points", "text": "w_a", "labels": [],
  "na": null},
 {"id": "w_b", "sav": "w_b", "type": "points", "text": "w_b", "labels": [],
  "na": null},
 {"id": "with", "sav": "with_2", "type": "text", "text": "Comentario",
  "labels": [], "na": null}]}
JSON

run "$M" import playbook.lua todo todo.csv
is "$rc" 0 "responses of every question type are imported"
"$M" export playbook.lua todo --raw > todo-export.csv

# Before any cycle: the figures sheet has its header only.
run "$M" export playbook.lua todo --format xlsx -o before.xlsx
is "$rc" 0 "xlsx export before any cycle"
run $P "$chk" xlsx before.xlsx todo-export.csv todo todo.json
is "$out" "ok 3 33 0" "responses and labels equal the CSV export and the playbook; no figures yet"

run "$M" -q run playbook.lua
"$M" report playbook.lua --format json > report.json
run "$M" export playbook.lua todo --format xlsx -o todo.xlsx
is "$rc" 0 "xlsx export after a cycle"
run $P "$chk" xlsx todo.xlsx todo-export.csv todo todo.json report.json
like "$out" "^ok 3 33 [1-9][0-9]*$" "every cell equals the CSV export's, and the figures the report's"
run $P -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["responses"]
print(*[(c.value, c.data_type) for c in ws["Q"][1:]])' todo.xlsx
is "$out" "('¡Muy bien, gracias! ñandú', 's') ('=1+1', 's') ('<script>alert(1)</script>', 's')" \
  "text, =1+1 and <script> included, is a string cell, never a formula"

run "$M" export playbook.lua todo --format sav -o todo.sav
is "$rc" 0 "sav export"
run readstat todo.sav
like "$out" "Rows: 3" "readstat reads it: 3 rows"
like "$out" "Columns: 18" "six variables about the response, then one per question"
readstat todo.sav - > sav.csv 2>/dev/null
extract_metadata todo.sav meta.json >/dev/null 2>&1
run $P "$chk" sav sav.csv meta.json todo-export.csv todo.json
is "$out" "ok 3 18" "values equal the CSV export; variable labels, value labels and N/A as missing"
run $P -c '
import json, sys
v = {x["name"]: x for x in json.load(open(sys.argv[1]))["variables"]}
print(v["sat"]["missing"], v["with_2"]["type"], v["submitted_at"]["format"])' meta.json
is "$out" "{'type': 'DISCRETE', 'values': [9]} STRING DATE_TIME" \
  "N/A on a 1-5 scale is 9, declared missing; text is a string; the time a date-time"

# Binary output: -o is required, and "-o -" only into a pipe.
run "$M" export playbook.lua todo --format xlsx
is "$rc" 2 "xlsx without -o is a usage error"
like "$out" "^mejora: export: --format xlsx writes a binary file: give -o FILE.xlsx" \
  "saying to give -o"
run "$M" export playbook.lua todo --format sav
is "$rc" 2 "so is sav without -o"
out=$($P -c 'import os, pty, sys
print(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))' \
  "$M" export playbook.lua todo --format xlsx -o - | tr -d '\r')
like "$out" "not one for a terminal: give -o FILE.xlsx" "-o - onto a terminal is refused"
like "$out" "^2$" "with a usage error"
MEJORA_NOW=2026-12-01T10:00:00Z "$M" export playbook.lua todo --format sav -o - > piped.sav
MEJORA_NOW=2026-12-01T10:00:00Z "$M" export playbook.lua todo --format sav -o same.sav
is "$(cmp -s piped.sav same.sav && echo same)" same "-o - into a pipe writes the same file"

# A failed export leaves nothing, not even the temporary file.
run "$M" export playbook.lua nada --format xlsx -o nada.xlsx
is "$rc" 1 "an unknown questionnaire fails"
run env TMPDIR="$tmp/none" "$M" export playbook.lua todo --format xlsx -o late.xlsx
like "$out" "cannot create a temporary file" "a workbook that cannot be built fails"
is "$(ls | grep -c -e '^nada' -e '^late' -e '\.part$')" 0 "and leaves no file behind"

# The pyme-retail example: 300 responses with times and N/A.
mkdir shop
cp -R "$top_srcdir/examples/pyme-retail/playbook.lua" \
      "$top_srcdir/examples/pyme-retail/data" shop/
chmod -R u+w shop
cd shop
"$M" -q run playbook.lua > /dev/null
"$M" report playbook.lua --format json > report.json
"$M" export playbook.lua visita --raw > visita.csv
cat > visita.json <<'JSON'
{"requirements": ["R1", "R2", "R3", "R4"], "skip_labels": true, "questions": [
 {"id": "atencion", "type": "scale5"}, {"id": "trato", "type": "scale5"},
 {"id": "solucion", "type": "scale5"}, {"id": "local", "type": "scale5"},
 {"id": "satisfaccion", "type": "scale5"}, {"id": "nps", "type": "nps"},
 {"id": "comentario", "type": "text"}]}
JSON
run "$M" export playbook.lua visita --format xlsx -o visita.xlsx
is "$rc" 0 "the example exports to xlsx"
run $P "$chk" xlsx visita.xlsx visita.csv visita visita.json report.json
like "$out" "^ok 300 32 [1-9][0-9]*$" "300 responses equal the CSV export, the figures the report's"
run "$M" export playbook.lua visita --format sav -o visita.sav
is "$rc" 0 "and to sav"
readstat visita.sav - > sav.csv 2>/dev/null
extract_metadata visita.sav meta.json >/dev/null 2>&1
run $P -c '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1])))
csvx = list(csv.reader(open(sys.argv[2])))
meta = {v["name"]: v for v in json.load(open(sys.argv[3]))["variables"]}
h, hx = rows[0], csvx[0]
na = sum(1 for r in csvx[1:] if r[hx.index("atencion")] == "NA")
miss = sum(1 for r in rows[1:] if r[h.index("atencion")] == "9.000000")
print(len(rows) - 1, na > 0 and na == miss, meta["atencion"]["missing"]["values"],
      meta["atencion"]["label"])' sav.csv visita.csv meta.json
is "$out" "300 True [9] Were you attended to immediately?" \
  "300 rows; each N/A written as 9, declared missing; the question text as label"
done_testing
