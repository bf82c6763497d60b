#!/bin/sh
# mejora serve in real headless Chromium (Debian's chromium, driven by
# playwright-core from tests/browser/package.json, installed by
# `./bootstrap check` with npm ci): serve.mjs answers two invitations at
# phone width, one with JavaScript and one without, and writes
# screenshots to the build tree (tests/browser/shots/); here the
# responses are then found in `mejora export`.
. "$top_srcdir/tests/cli/tap.sh"
N_BROWSER=15
plan $((N_BROWSER + 4))
here="$top_srcdir/tests/browser"
# playwright-core from `npm ci` in tests/browser; a copied tree (make
# distcheck) finds it through MEJORA_NODE_MODULES, which ./bootstrap sets.
modules=${MEJORA_NODE_MODULES:-$here/node_modules}
chromium=$(command -v chromium || command -v chromium-browser || true)
missing=
[ -n "$chromium" ] || missing="$missing chromium"
command -v node >/dev/null || missing="$missing node"
[ -d "$modules/playwright-core" ] || missing="$missing playwright-core"
if [ -n "$missing" ]; then
  # Missing tools are a failure, not a skip: ./bootstrap check installs
  # them, and a browser test that never runs proves nothing.
  i=0
  while [ $i -lt $((N_BROWSER + 4)) ]; do
    i=$((i + 1))
    echo "not ok $i - missing:$missing (./bootstrap check installs them)"
  done
  exit 0
fi
scratch
cd "$tmp"
shots="$top_builddir/tests/browser/shots"
mkdir -p "$shots"
rm -f "$shots"/serve-*.png
cat > p.lua <<'LUA'
customer "C1" { name = "Ana", lang = "es" }
customer "C2" { name = "Bob", lang = "en" }
questionnaire "visit" {
  title = { en = "How did we do, {customer.name}?",
            es = "¿Qué tal le atendimos, {customer.name}?" },
  intro = { en = "Your answers help us improve.",
            es = "Sus respuestas nos ayudan a mejorar." },
  minutes = 2,
  question "nps" { type = "nps", required = true,
                   text = { en = "Would you recommend us?",
                            es = "¿Nos recomendaría?" } },
  question "why" { type = "text", required = true, ask_if = "nps <= 6",
                   text = { en = "What went wrong?", es = "¿Qué falló?" } },
  question "how" { type = "choice", choices = { "phone", "web", "shop" },
                   text = { en = "How did you contact us?",
                            es = "¿Cómo nos contactó?" } },
  question "n" { type = "number", min = 0, max = 10,
                 text = { en = "How many times?", es = "¿Cuántas veces?" } },
}
sample "s" { questionnaire = "visit", size = 2, seed = 1, fatigue_days = 0 }
LUA
run "$MEJORA" sample p.lua s
tok_es=$(printf '%s\n' "$out" | awk 'length($1) == 32 && $2 == "C1" { print $1 }')
tok_en=$(printf '%s\n' "$out" | awk 'length($1) == 32 && $2 == "C2" { print $1 }')
serve_start p.lua
like "$port" '^[1-9][0-9]*$' "serve listens on a free loopback port"

mkdir profile
# The browser runs on the real clock even when the suite runs under
# faketime: it is not what the shifted clock tests, and libfaketime in
# every Chromium process makes this test take minutes instead of seconds.
env -u LD_PRELOAD -u FAKETIME \
  MEJORA_NODE_MODULES=$modules CHROMIUM=$chromium \
  node "$here/serve.mjs" "$base" "$tok_es" "$tok_en" \
  "$shots" "$tmp/profile" > results 2> node.err
n=0
while IFS='|' read -r status what; do
  n=$((n + 1))
  [ $n -le $N_BROWSER ] || break
  if [ "$status" = ok ]; then ok 0 "$what"; else ok 1 "$what"; fi
done < results
while [ $n -lt $N_BROWSER ]; do
  n=$((n + 1))
  ok 1 "browser check $n did not run"
done
[ -s node.err ] && sed 's/^/# /' node.err | head -20

serve_stop
is "$src" 0 "serve stops on SIGTERM"
run "$MEJORA" export p.lua visit
like "$out" "$tok_es,C1,.*,3,Too slow,,4,web," "the JavaScript answer is in export"
like "$out" "$tok_en,C2,.*,3,Nobody answered the phone,phone,,web," \
  "the answer without JavaScript too"
done_testing
