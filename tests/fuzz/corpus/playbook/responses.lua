segment "retail" {}
segment "online" {}
customer "C1" { segment = "retail", channel = "phone" }
customer "C2" { segment = "online" }
customer "a-customer-with-a-long-id" { segment = "retail" }
questionnaire "visit" {
  question "staff" { type = "scale5", allow_na = true },
  question "nps" { type = "nps", required = true },
  question "why" { type = "text", max_len = 40 },
  question "back" { type = "yesno" },
  question "how" { type = "choice", choices = { "web", "shop" } },
  question "what" { type = "multi", choices = { "a", "b", "c" } },
  question "when" { type = "date" },
  question "cost" { type = "number" },
}
