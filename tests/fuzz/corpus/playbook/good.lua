-- A complete playbook using every declaration kind (test_dsl.c).
store "sqlite:shop.db"

segment "walk-in" { name = { es = "Clientes de paso", en = "Walk-in" } }
segment "online" { name = "Online" }

customer "C001" { segment = "walk-in", name = "Ana", lang = "es",
                  channel = "email", email = "ana@example.com", consent = true }
customers "data/customers.csv"

requirement "R1" { text = { es = "Atención inmediata", en = "Immediate attention" },
                   need = "primary", dimension = "responsiveness", target = 4.0 }
requirement "R2" { text = "Friendly staff", need = "secondary" }

questionnaire "visit" {
  title = { es = "¿Cómo lo hicimos?", en = "How did we do?" },
  question "q1" { type = "scale5", labels = "excellent-poor",
                  text = { es = "Atención", en = "Attention" },
                  measures = "R1", allow_na = true, required = false },
  question "nps" { type = "nps" },
  question "comment" { type = "text", max_len = 500, ask_if = "nps <= 6" },
}

local threshold = 4.0 -- locals are fine; globals are not
plan "P1" {
  owner = "ana@shop", due = "30d",
  actions = { "Train staff on the phone protocol", "Second line at peak hours" },
  when = function(r) return r.mean("R1") ~= nil and r.mean("R1") < threshold end,
  verify = { metric = "mean:R1", test = "welch", alpha = 0.01 },
}
plan "P2" { owner = "ops", due = "2w", when = function(r) return r.below("R1") end }
plan "P3" { owner = "ops" }

cycle "2026-11" {
  import = { { questionnaire = "visit", file = "data/responses.csv" } },
  scorers = { "nps", "csat" }, notify = { "log" }, min_n = 10,
}

use "notifier.log" { path = "notify.log", as = "log", append = true, level = 2 }
use "scorer.nps"

local labels = require "mejora.labels"
assert(labels["excellent-poor"].points == 5)
mejora.log("loaded", #labels["excellent-poor"].en, "labels")
