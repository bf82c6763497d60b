-- Fixture for tests/unit/test_import.c: two segments, three customers and
-- one questionnaire with an N/A-able scale, a plain scale, a required NPS
-- and a short open text.
segment "retail" { name = "Walk-in" }
segment "online" { name = { en = "Online", es = "Pedidos online" } }

customer "C1" { segment = "retail", name = "Ana" }
customer "C2" { segment = "online", name = "Piotr" }
customer "C3" { segment = "retail", name = "Olga" }

requirement "R1" { text = "Immediate attention", target = 4.0 }

questionnaire "visit" {
  title = "How did we do?",
  question "staff" { type = "scale5", measures = "R1", allow_na = true },
  question "speed" { type = "scale5" },
  question "nps"   { type = "nps", required = true },
  question "why"   { type = "text", max_len = 40 },
}
