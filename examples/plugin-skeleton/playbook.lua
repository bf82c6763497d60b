-- The smallest playbook that uses the skeleton's scorer: one question on a
-- 1-5 scale, a dozen answers, and topbox next to the built-in csat.
--   make && mejora --plugin-path . run playbook.lua
-- Who answered (a real playbook reads them from a file: customers "x.csv").
for i = 1, 4 do customer(("K%02d"):format(i)) { name = "Customer " .. i } end

requirement "R1" { text = "Friendly staff", target = 4.0 }

questionnaire "visit" {
  question "staff" { type = "scale5", labels = "excellent-poor",
                     measures = "R1", text = "How was our staff?" },
}

-- The plugin, found as ./scorer_topbox.so through --plugin-path.
use "scorer.topbox" { level = 0.90 }

-- Its C function, called through libffi: 3 top-box answers of 4 is 75%.
assert(mejora.plugin("topbox").topbox_share(3, 4) == 75)

cycle "2026-11" {
  import = { { questionnaire = "visit", file = "responses.csv" } },
  scorers = { "topbox", "csat" },
}
