#!/bin/sh
# mejora serve in real headless Chromium (Debian's chromium, driven by
# playwright-core from tests/browser/package.json, installed by
# `./bootstrap check` with npm ci): serve.mjs answers two invitations at
# phone width, one with JavaScript and one without, and writes
# screenshots to the build tree (tests/browser/shots/); here the
# responses are then found in `mejora export`.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/browser/browser.sh"
N_BROWSER=15
plan $((N_BROWSER + 4))
browser_ready $((N_BROWSER + 4))
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
browser_run serve.mjs "$base" "$tok_es" "$tok_en" "$shots" "$tmp/profile"
browser_results $N_BROWSER

serve_stop
is "$src" 0 "serve stops on SIGTERM"
run "$MEJORA" export p.lua visit
like "$out" "$tok_es,C1,.*,3,Too slow,,4,web," "the JavaScript answer is in export"
like "$out" "$tok_en,C2,.*,3,Nobody answered the phone,phone,,web," \
  "the answer without JavaScript too"
done_testing
