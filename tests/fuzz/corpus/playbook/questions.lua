-- Every question type and rule of the DSL (test_questions.c).
local labels = require "mejora.labels"
-- Each label set has its points in every language users write.
for name, set in pairs(labels) do
  for _, lang in ipairs({ "en", "es", "pt", "ru", "pl" }) do
    if type(set[lang]) ~= "table" or #set[lang] ~= set.points then
      error("label set " .. name .. " lacks its " .. set.points ..
            " labels in " .. lang)
    end
  end
end

questionnaire "all" {
  title = { es = "Todo", en = "Everything" }, lang = "es",
  question "visited" { type = "yesno", required = true, section = "intro",
                       text = { es = "¿Nos visitó?", en = "Did you visit?" } },
  question "staff" { type = "scale5", labels = "excellent-poor", allow_na = true,
                     ask_if = "visited == 'yes'" },
  question "nps" { type = "nps", required = true },
  question "why" { type = "text", max_len = 20, ask_if = "nps <= 6",
                   required = true },
  question "effort" { type = "ces", labels = "effort-7" },
  question "channel" { type = "choice", randomize = true,
    choices = { "phone", { code = "web", label = { es = "Página web",
                                                   en = "Website" } } } },
  question "topics" { type = "multi", other = true,
                      choices = { "price", "staff", "wait" } },
  question "wait_min" { type = "number", min = 0, max = 240, integer = true,
                        ask_if = "topics has 'wait'",
                        constraint = { max = 120,
                          message = "more than two hours: check the value" } },
  question "spent" { type = "number", min = 0,
                     constraint = { expr = ". <= 10 or visited == 'yes'",
                                    message = "only visitors spend over 10" } },
  question "when" { type = "date",
                    constraint = { expr = ". >= '2024-01-01'" } },
  question "late" { type = "yesno", ask_if = "when < '2024-06-01' and " ..
                                              "not (channel == 'web')" },
  question "w_price" { type = "points", group = "weights", total = 100 },
  question "w_staff" { type = "points", group = "weights", total = 100 },
  question "w_wait"  { type = "points", group = "weights", total = 100 },
  question "again" { type = "yesno", ask_if = "answered(nps) and na(staff)" },
  question "kano_f" { type = "scale5", labels = "kano",
                      tags = { kano = "chat", side = "functional" } },
}

local servqual = require "mejora.templates.servqual"
local nps = require "mejora.templates.nps"
local csat = require "mejora.templates.csat"
local ces = require "mejora.templates.ces"
local kano = require "mejora.templates.kano"
local mystery = require "mejora.templates.mystery_phone"
local protocol = require "mejora.templates.phone_protocol"
local complaint = require "mejora.templates.complaint"

questionnaire "servqual" { servqual.questions { company = "Sol", weights = true } }
questionnaire "relation" {
  question "first" { type = "text" },
  nps.questions { company = "Sol" },
  csat.questions(),
  ces.questions(),
}
questionnaire "features" { kano.questions { features = {
  { id = "chat", en = "live chat", es = "chat en vivo" },
  { id = "callback", en = "a call back", es = "una llamada de vuelta" },
} } }
questionnaire "mystery" { mystery.questions(), protocol.questions() }
questionnaire "complaint" { complaint.questions() }
