#!/bin/sh
# Citations of doc/methods.md name sections that exist, and nothing in the
# tree points at notes outside it: a reader of the sources or of a release
# tarball must find every method the code cites.
. "$top_srcdir/tests/cli/tap.sh"
plan 5
scratch
methods="$top_srcdir/doc/methods.md"

[ -f "$methods" ]
ok $? "doc/methods.md exists"

# Section slugs as GitHub makes them: lower case, punctuation dropped,
# spaces to hyphens; headings inside fenced code are not headings.
awk '/^```/ { fence = !fence; next }
     !fence && /^#+ / {
       s = tolower($0); sub(/^#+ +/, "", s); gsub(/[^a-z0-9 _-]/, "", s)
       gsub(/ /, "-", s); print s }' "$methods" >"$tmp/slugs"
dups=$(sort "$tmp/slugs" | uniq -d)
is "$dups" "" "every heading of doc/methods.md has its own slug"

# The files of the tree: the repository's (tracked or new) in a checkout,
# else (a tarball unpacked, maybe inside a checkout's build tree) every
# file of the tree. Binary files are skipped.
top=$(cd "$top_srcdir" && pwd -P)
if [ "$(git -C "$top" rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
  (cd "$top_srcdir" && git ls-files -co --exclude-standard) >"$tmp/files"
else
  (cd "$top_srcdir" && find . -name '.git' -prune -o -name '_build*' -prune \
    -o -name autom4te.cache -prune -o -type f -print | sed 's|^\./||') \
    >"$tmp/files"
fi
grep -v -x 'tests/doc_links.sh' "$tmp/files" >"$tmp/scan"

# grep -H PATTERN... over the files to scan (names as given, any bytes).
scan() {
  (cd "$top_srcdir" && tr '\n' '\0' <"$tmp/scan" |
    xargs -0 grep -I -H "$@" /dev/null 2>/dev/null)
}

# Every FILE:ANCHOR cited as methods.md#ANCHOR.
scan -o 'methods\.md#[A-Za-z0-9_-]*' | sed 's|:methods\.md#|:|' >"$tmp/cites"
n=$(wc -l <"$tmp/cites" | tr -d ' ')
[ "$n" -gt 0 ]
ok $? "the tree cites doc/methods.md sections ($n citations)"

bad=$(while IFS= read -r c; do
  grep -q -x -F -- "${c##*:}" "$tmp/slugs" || echo "$c"
done <"$tmp/cites")
is "$bad" "" "every cited section of doc/methods.md exists"

# Pointers out of the repository: the team's notes beside it, absolute
# paths of a work machine, the old notes' name.
out=$(scan -n -E -e '\.\./shared' -e '(^|[^[:alnum:]_.$/-])/work/' \
  -e '\<METHODS\>')
is "$out" "" "no file points outside the repository"
done_testing
