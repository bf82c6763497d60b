#!/bin/sh
# Files as spreadsheets in Europe save them: ';' separators, Windows code
# pages, day-first dates, headers in another case. Read whole with the
# right options, refused whole with a hint without them.
. "$top_srcdir/tests/cli/tap.sh"
plan 21
scratch; example_copy
cd "$tmp/shop"

# The first row is plain ASCII, so a half import would have stored it.
printf '%s\r\n' \
  'response_id;customer_id;wave;submitted_at;atencion;trato;solucion;local;satisfaccion;nps;comentario' \
  'E-0001;C009;2026-11;01/11/2026 15:49;3;3;4;4;3;10;bien' \
  'E-0002;C019;2026-11;13/11/2026;4;5;4;4;4;9;Atención rápida, café' \
  'E-0003;C028;2026-11;30/11/2026 12:51:07;4;3;4;NA;4;9;señal débil' |
  iconv -f UTF-8 -t WINDOWS-1252 > data/es.csv

run "$MEJORA" import playbook.lua visita data/es.csv
is "$rc" 1 "a ';' file read with ',' is refused"
like "$out" "looks ';'-separated: use sep = ';'" "the hint names the separator"

run "$MEJORA" import playbook.lua visita data/es.csv --sep ';'
is "$rc" 1 "a Windows-1252 file read as UTF-8 is refused"
like "$out" "es.csv:3:11: byte 0xF3 in \"Atenci.xF3n r.xE1" "file:row:column and the bytes"
like "$out" "use encoding = 'windows-1252'" "the hint names the encoding"
like "$out" "nothing was imported" "it says nothing was stored"
is "$(test -f data/es.csv.rejects.csv; echo $?)" 1 "and writes no rejects file"

run "$MEJORA" import playbook.lua visita data/es.csv --sep=';' --encoding=windows-1252
is "$rc" 1 "day-first dates without date_format are rejected rows"

run "$MEJORA" import playbook.lua visita data/es.csv --sep=';' \
  --encoding=windows-1252 --date-format=dd/mm/yyyy
is "$rc" 0 "with sep, encoding and date_format the file imports"
like "$out" "3 row\(s\): 3 stored, 0 already stored, 0 rejected" "every row stored, the first one too"

run "$MEJORA" export playbook.lua visita
like "$out" "E-0002.*2026-11-13.*Atención rápida, café" "text and dates arrive as written"

# Header names in another case and with spaces around them.
printf '%s\n' ' Response_ID ,Customer_ID,WAVE,atencion ,NPS' \
  'H-0001,C009,2026-11,4,8' > data/header.csv
run "$MEJORA" import playbook.lua visita data/header.csv
is "$rc" 0 "a header in another case and with spaces matches"
like "$out" "1 row\(s\): 1 stored" "its row is stored"

run "$MEJORA" import playbook.lua visita data/es.csv --encoding=klingon
is "$rc" 1 "an unknown encoding is refused"
like "$out" "unknown encoding 'klingon'" "and named"

# The same options on a cycle's import entry.
rm -f mejora.db
sed 's|file = "data/responses.csv" }|file = "data/es.csv", sep = ";",\
      encoding = "windows-1252", date_format = "dd/mm/yyyy" }|' \
  playbook.lua > es.lua
run "$MEJORA" run es.lua --cycle 2026-11
is "$rc" 0 "a cycle imports the file with sep, encoding and date_format"
run "$MEJORA" export es.lua visita
like "$out" "E-0003.*2026-11-30T12:51:07Z.*señal débil" "and stores it as written"

# A Russian customers file: Windows-1251, ';'-separated.
{ sed -n 1p data/customers.csv | tr , ';'
  printf '%s\n' 'C901;online;Анна Смирнова;ru;email;anna@example.com;yes;2025-04-24;'
} | iconv -f UTF-8 -t WINDOWS-1251 > data/ru.csv
sed 's|^customers "data/customers.csv"|&\ncustomers "data/ru.csv" { sep = ";", encoding = "windows-1251" }|' \
  playbook.lua > ru.lua
run "$MEJORA" check ru.lua
is "$rc" 0 "a Windows-1251 customers file with encoding set loads"
sed 's|^customers "data/customers.csv"|&\ncustomers "data/ru.csv" { sep = ";" }|' \
  playbook.lua > ru-bare.lua
run "$MEJORA" check ru-bare.lua
is "$rc" 1 "without encoding it is refused"
like "$out" "ru.csv:2:3: byte 0xC0 .*use encoding = 'windows-1252'" "at row:column, with the hint"
sed 's|^customers "data/customers.csv"|&\ncustomers "data/ru.csv"|' \
  playbook.lua > ru-comma.lua
run "$MEJORA" check ru-comma.lua
like "$out" "ru.csv:1:1: .*looks ';'-separated: use customers \"FILE\" \{ sep = ';' \}" \
  "a ';' customers file read with ',' says so"
done_testing
