#!/bin/sh
# The command line's conventions: options before or after a command's
# arguments with real effects (--db writes that store, -o - is standard
# output, -oFILE writes FILE, --format=json gives JSON), '--' ends them,
# every command has --help, a usage error is one line, a hint and exit 2,
# report --cycle takes a cycle's name, an interview stopped with :q exits
# 0; and --help, the README and the man page name the same commands and
# options.
. "$top_srcdir/tests/cli/tap.sh"
plan 43
scratch
cd "$tmp"
cat > p.lua <<'LUA'
customer "c1" {}
customer "c2" {}
requirement "R1" { text = "Quick service", target = 4 }
questionnaire "q" { question "s" { type = "scale5", measures = "R1" } }
sample "all" { questionnaire = "q", size = 2, seed = 1, fatigue_days = 0 }
cycle "A" { import = { { questionnaire = "q", file = "a.csv" } },
  scorers = { "csat" }, min_n = 1 }
cycle "B" { import = { { questionnaire = "q", file = "b.csv" } },
  scorers = { "csat" }, min_n = 1 }
LUA
printf 'response_id,customer_id,s\n' > a.csv
printf 'a%d,c1,%d\n' 1 1 2 2 3 1 >> a.csv
printf 'response_id,customer_id,s\n' > b.csv
printf 'b%d,c2,%d\n' 1 5 2 5 3 4 >> b.csv
db=sqlite:$tmp/x.db

# ---- options anywhere, with their effects ---------------------------------
run "$MEJORA" run p.lua --cycle A --db "$db" -q
is "$rc" 0 "run PLAYBOOK --cycle A --db URI -q: options after the playbook"
test -f x.db && test ! -f mejora.db
ok $? "--db after the playbook writes that store, not the default one"
run "$MEJORA" -q --db="$db" run --cycle=B p.lua
is "$rc" 0 "global options before the command, --cycle=B before the playbook"
run "$MEJORA" check --cycle A p.lua
like "$rc:$out" '^0:p\.lua: ok' "check --cycle NAME before the playbook"

# report --cycle NAME picks that cycle; a number no cycle is called, an id.
run "$MEJORA" report p.lua --db "$db" --cycle A
like "$out" '^mejora report: cycle 1 "A"' "report --cycle A reports cycle A"
run "$MEJORA" report --cycle B p.lua --db "$db"
like "$out" '^mejora report: cycle 2 "B"' "report --cycle B reports cycle B"
run "$MEJORA" report p.lua --db "$db" --cycle 1
like "$out" '^mejora report: cycle 1 "A"' \
  "a number no cycle is called is a stored cycle's id"
run "$MEJORA" report p.lua --db "$db" --cycle C
is "$rc" 1 "an unknown cycle name is a mistake (exit 1)"
like "$out" 'no cycle "C" \(declared: A, B\)' "which names the declared ones"

out=$("$MEJORA" report p.lua --db "$db" -o - 2>/dev/null)
like "$out" '^mejora report: cycle 2 "B"' \
  "report -o - writes to standard output"
out=$("$MEJORA" report -oout.txt p.lua --db "$db" 2>&1)
is "$out" "" "report -oFILE prints nothing"
like "$(head -1 out.txt 2>/dev/null)" '^mejora report: cycle 2' \
  "and writes FILE"
"$MEJORA" report p.lua --db "$db" --output out.md --format md >/dev/null 2>&1
like "$(cat out.md 2>/dev/null)" '^# ' \
  "--output FILE --format md writes Markdown"
out=$("$MEJORA" report --format=json p.lua --db "$db" 2>/dev/null)
printf '%s' "$out" |
  $PYTHON -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null
ok $? "report --format=json gives JSON"

printf 'response_id;customer_id;s\nc1;c2;3\n' > c.csv
run "$MEJORA" import p.lua q c.csv --db "$db" --sep ';' --pilot
like "$rc:$out" '^0:c\.csv: 1 row\(s\): 1 stored' \
  "import with --sep C and --pilot after its arguments"
run "$MEJORA" import --pilot --sep=';' p.lua q c.csv --db "$db"
like "$out" '1 already stored' "and --sep=C and --pilot before them"

out=$("$MEJORA" export p.lua q --db "$db" -o - 2>/dev/null)
like "$out" '^response_id,customer_id' \
  "export -o - writes CSV to standard output"
"$MEJORA" export -oexp.json --format json p.lua q --db "$db" >/dev/null 2>&1
$PYTHON -c 'import json,sys; assert len(json.load(open(sys.argv[1]))) == 7' \
  exp.json 2>/dev/null
ok $? "export -oFILE --format json writes the seven responses as JSON"
run "$MEJORA" sample p.lua --db "$db" all --format=json
like "$rc:$(printf '%s' "$out" | tr -d '\n')" '^0:\{ *"sample": "all"' \
  "sample with --format=json between its arguments"
run "$MEJORA" invitations --pending p.lua --db "$db" --format csv --sample all
like "$out" '^token,customer' "invitations with options on both sides"
run "$MEJORA" plans --format json p.lua --db "$db"
like "$rc:$out" '^0:\[' "plans --format json before the playbook"
run "$MEJORA" complaints p.lua --db "$db" report --format json
like "$rc:$out" '^0:\[' "complaints PLAYBOOK report --format json"
run "$MEJORA" audits --format=json p.lua report --db "$db"
like "$rc:$out" '^0:\[' "audits --format=json PLAYBOOK report"
run "$MEJORA" plugins -q
like "$rc:$out" '^0:KIND' "plugins with a global option after it"

# '--' ends the options: a playbook whose name starts with '-'.
cp p.lua ./-p.lua
run "$MEJORA" check --cycle A -- -p.lua
like "$rc:$out" '^0:-p\.lua: ok' "'--' ends the options"

out=$(printf ':q\n' | "$MEJORA" interview p.lua q --db "$db" --customer c1 2>&1)
is "$?" 0 "an interview stopped with :q exits 0"
like "$out" 'Stopped: the answers so far are saved' \
  "and says the same command resumes"

# ---- help, version, usage errors ------------------------------------------
commands=$("$MEJORA" --help | awk '/^commands:/ { f = 1; next }
  /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }')
all="run check import report plans deliver outbox unsubscribe cases"
all="$all sample invitations export"
all="$all interview serve"
all="$all complaints audits plugins version help"
is "$(echo $commands)" "$all" "mejora --help lists every command"
bad=""
for c in $commands; do
  h=$("$MEJORA" "$c" --help 2>&1) || bad="$bad $c(exit)"
  printf '%s\n' "$h" | head -1 | grep -q "^usage: mejora $c" ||
    bad="$bad $c(usage)"
  [ "$("$MEJORA" help "$c" 2>&1)" = "$h" ] || bad="$bad $c(help)"
done
is "$bad" "" "COMMAND --help and help COMMAND exit 0 with the command's usage"
like "$("$MEJORA" report --help)" '--format FORMAT.*
.*-o, --output FILE.*
.*--cycle NAME' "report --help names its options"

bad=""
for c in $commands; do
  err=$("$MEJORA" "$c" --no-such-option 2>&1 >/dev/null)
  st=$?
  [ "$st" = 2 ] || bad="$bad $c(exit $st)"
  [ "$(printf '%s\n' "$err" | wc -l)" = 2 ] || bad="$bad $c(lines)"
  hint="Try 'mejora $c --help'."
  [ "$c" = help ] && hint="Try 'mejora --help'."
  [ "$(printf '%s\n' "$err" | sed -n 2p)" = "$hint" ] || bad="$bad $c(hint)"
done
is "$bad" "" \
  "an unknown option is one line and a hint, exit 2, in every command"
err=$("$MEJORA" report p.lua --fromat json 2>&1 >/dev/null)
is "$?:$err" "2:mejora: report: unknown option '--fromat' (did you mean '--format'?)
Try 'mejora report --help'." \
  "the line names the command, the option and a near one"
run "$MEJORA" reprot p.lua
is "$rc:$out" "2:mejora: unknown command 'reprot' (did you mean 'report'?)
Try 'mejora --help'." \
  "an unknown command: one line, a near one and the hint"
run "$MEJORA" report p.lua --format xml
like "$rc:$out" "^2:mejora: report: unknown format 'xml'" \
  "a format the command cannot write is usage"
run "$MEJORA" report
is "$rc:$(printf '%s\n' "$out" | wc -l)" "2:2" \
  "a missing argument: one line, a hint, exit 2"
run "$MEJORA"
is "$rc:$out" "2:mejora: no command given
Try 'mejora --help'." "no command: one line and the hint"
run "$MEJORA" -V
like "$rc:$out" '^0:mejora [0-9]+\.[0-9]+\.[0-9]+ \(library ' \
  "-V prints the version"
is "$("$MEJORA" --version)" "$out" "as --version does"

# ---- --help, the README and the man page agree ----------------------------
readme=$top_srcdir/README.md
man=$top_srcdir/doc/mejora.1
# The long options on the labels of an options list (--help's layout).
labels() { sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' | sort -u; }
longs() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
help_opts() { "$MEJORA" "$1" --help | awk '/^options:/ { f = 1; next }
  /^$/ { f = 0 } f' | labels; }
readme_opts() {
  sed -n "s/^| \`mejora $1\\([^\`]*\\)\` |.*/\\1/p" "$readme" | longs
}
man_line() { awk -v c="$1" '/^\.SH/ { s = $2 } s == "COMMANDS" &&
  prev == ".TP" && $1 == ".B" && $2 == c { print } { prev = $0 }' "$man"; }
man_opts() { man_line "$1" | sed 's/\\-/-/g' | longs; }

is "$(echo $("$MEJORA" --help | awk '/^commands:/ { f = 1; next }
  /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }' | sort))" \
  "$(echo $(sed -n '/^## The command/,/^#/p' "$readme" |
    sed -n 's/^| `mejora \([a-z]*\).*/\1/p' | sort))" \
  "the README's command table lists the commands --help lists"
is "$(echo $("$MEJORA" --help | awk '/^commands:/ { f = 1; next }
  /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }' | sort))" \
  "$(echo $(awk '/^\.SH/ { s = $2 } s == "COMMANDS" && prev == ".TP" &&
    $1 == ".B" { print $2 } { prev = $0 }' "$man" | sort))" \
  "the man page's COMMANDS lists the same"
g_help=$(echo $("$MEJORA" --help | awk '/^options/ { f = 1; next }
  /^$/ { f = 0 } f' | labels))
is "$(echo $(sed -n '/^Global options:/,/^$/p' "$readme" | longs))" "$g_help" \
  "the README's global options are --help's"
is "$(echo $(awk '/^\.SH/ { s = $2 } s == "OPTIONS" && prev == ".TP" { print }
  { prev = $0 }' "$man" | sed 's/\\-/-/g' | longs))" "$g_help" \
  "the man page's OPTIONS are --help's"
bad=""
for c in $commands; do
  h=$(echo $(help_opts "$c"))
  [ "$(echo $(readme_opts "$c"))" = "$h" ] || bad="$bad README:$c"
  [ "$(echo $(man_opts "$c"))" = "$h" ] || bad="$bad man:$c"
  [ -n "$(man_line "$c")" ] || bad="$bad man-missing:$c"
done
is "$bad" "" \
  "each command's options agree in its --help, the README and the man page"

done_testing
