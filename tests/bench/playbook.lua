-- Benchmark playbook: the questionnaire of the generated files
-- (tests/bench/gen.c). The driver copies it beside the generated
-- customers.csv and responses-*.csv in the build tree and points --db at
-- a store per size.

-- About 20 segments, as the generator writes them: seg01 .. seg20.
for i = 1, 20 do
  local id = string.format("seg%02d", i)
  segment(id) { name = "Segment " .. i }
end

-- 100k customers (W3 times loading exactly this).
customers "customers.csv"

-- nps 0..10, ten 1..5 items where an empty cell means "no experience"
-- (mejora stores an empty cell as skipped; both are left out of every
-- figure, so the results are the same), and an open comment.
questionnaire "bench" {
  title = "Benchmark survey",
  question "nps" { type = "nps", required = true },
  question "q1"  { type = "scale5", allow_na = true },
  question "q2"  { type = "scale5", allow_na = true },
  question "q3"  { type = "scale5", allow_na = true },
  question "q4"  { type = "scale5", allow_na = true },
  question "q5"  { type = "scale5", allow_na = true },
  question "q6"  { type = "scale5", allow_na = true },
  question "q7"  { type = "scale5", allow_na = true },
  question "q8"  { type = "scale5", allow_na = true },
  question "q9"  { type = "scale5", allow_na = true },
  question "q10" { type = "scale5", allow_na = true },
  question "comment" { type = "text", max_len = 500 },
}

-- W2: analysis from the store only (no import in the cycle). The driver
-- adds "reliability" to the scorers when that plugin is installed.
cycle "2026-11" {
  scorers = { "nps", "csat" },
  min_n = 10,
}
