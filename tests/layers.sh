#!/bin/sh
# The core's layers hold: a file in core/FOLDER uses mj__ functions and
# includes headers only of its own folder and of the folders below it in
# LAYERS; plugins use none of the core's (they know only the plugin ABI).
# With one order for every folder, no two folders can call each other.
#
#   tests/layers.sh [ROOT]    TAP over the tree at ROOT ($top_srcdir)
#   tests/layers.sh --list    the violations alone, one per line
#
# The order, bottom up; core/README.md says what each folder holds.
LAYERS="shared util base model plugin lua intake service cycle report api cli"

set -u
list=0
[ "${1:-}" = "--list" ] && { list=1; shift; }
root=${1:-${top_srcdir:-.}}

# violations ROOT: "file:line: what" for every use that looks up.
violations() (
  cd "$1" || exit 2
  files=$(find core plugins -name '*.[ch]' ! -path 'core/include/*' | sort)
  # shellcheck disable=SC2086
  awk -v layers="$LAYERS" '
    function folder(f,   p) {
      n = split(f, p, "/")
      if (p[1] == "plugins") return "plugins"
      return n > 2 ? p[2] : ""
    }
    BEGIN { n = split(layers, l, " "); for (i = 1; i <= n; i++) rank[l[i]] = i
            rank["plugins"] = 0 }
    # Pass 1: where each mj__ function is defined and each header lives.
    FNR == 1 { f = FILENAME; d = folder(f); pass = (seen[f]++ ? 2 : 1)
               incomment = 0
               if (pass == 1 && f ~ /\.h$/) { h = f; sub(/.*\//, "", h)
                 if (!(h in home)) home[h] = d } }
    # A definition starts a line; in a header only a static inline one.
    pass == 1 && /^[A-Za-z]/ && !/;[ \t]*$/ && !/^(typedef|extern)/ &&
        match($0, /^[A-Za-z_][A-Za-z0-9_ \t*]*mj__[a-z0-9_]+\(/) {
      name = substr($0, RSTART, RLENGTH - 1); sub(/.*[ \t*]/, "", name)
      if (f ~ /\.h$/) { if ($0 ~ /^static/) def[name] = d }
      else if ($0 ~ /^static/) local[f, name] = 1
      else def[name] = d
    }
    pass == 1 { next }
    # Pass 2: every use of a name defined elsewhere, every include.
    {
      line = $0
      if (match(line, /^#[ \t]*include[ \t]*"[^"]+"/)) {
        h = substr(line, RSTART, RLENGTH - 1); sub(/^[^"]*"/, "", h)
        sub(/.*\//, "", h)
        hd = home[h]
        if (hd != "" && hd != d && (d == "plugins" ? hd != "shared" \
            : rank[hd] > rank[d]))
          printf "%s:%d: includes %s of %s, above %s\n", f, FNR, h, hd, d
        next
      }
      # Comments may name any function: only code counts.
      code = ""
      while (line != "") {
        if (incomment) {
          if (!match(line, /\*\//)) { line = ""; break }
          line = substr(line, RSTART + 2); incomment = 0
        } else if (match(line, /\/\*|\/\//)) {
          code = code substr(line, 1, RSTART - 1)
          if (substr(line, RSTART, 2) == "//") line = ""
          else { line = substr(line, RSTART + 2); incomment = 1 }
        } else { code = code line; line = "" }
      }
      line = code
      while (match(line, /mj__[a-z0-9_]+/)) {
        name = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)
        if (!(name in def) || local[f, name]) continue
        dd = def[name]
        if (dd == d) continue
        if (d == "plugins" ? dd != "shared" : rank[dd] > rank[d])
          printf "%s:%d: uses %s of %s, above %s\n", f, FNR, name, dd, d
      }
    }
  ' $files $files
)

if [ "$list" = 1 ]; then violations "$root"; exit 0; fi

. "$top_srcdir/tests/cli/tap.sh"
plan 5

# The check itself must see a use that looks up, or it proves nothing.
scratch
mkdir -p "$tmp/core/util" "$tmp/core/cycle" "$tmp/plugins/x"
printf 'int mj__up(void)\n{\n  return 0;\n}\n' > "$tmp/core/cycle/up.c"
printf '#include "up.h"\nint mj__down(void)\n{\n  return mj__up();\n}\n' \
  > "$tmp/core/util/down.c"
printf 'int mj__up(void);\n' > "$tmp/core/cycle/up.h"
printf 'int f(void) { return mj__down(); }\n' > "$tmp/plugins/x/x.c"
got=$(violations "$tmp")
like "$got" 'core/util/down.c:4: uses mj__up of cycle, above util' \
  'a call up from util to cycle is found, with file and line'
like "$got" 'core/util/down.c:1: includes up.h of cycle' \
  'an include of a header above is found'
like "$got" 'plugins/x/x.c:1: uses mj__down of util' \
  'a plugin using the core is found'

got=$(violations "$root")
is "$got" "" "no file of the core uses a layer above its own"
[ -n "$got" ] && printf '%s\n' "$got" | sed 's/^/# /' | head -60

# The README a newcomer reads lists the same folders in the same order.
listed=$(sed -n 's/^| `\([a-z]*\)\/` |.*/\1/p' "$root/core/README.md" |
  grep -v '^include$' | tr '\n' ' ')
is "$listed" "$LAYERS " "core/README.md lists the layers in this order"
done_testing
