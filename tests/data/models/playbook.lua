-- Every chart of the HTML report from real data: the call centre's
-- complaints, mystery-shopper calls, service standard and 5-gap model,
-- with a SERVQUAL survey, a Kano survey and importance-performance
-- ratings, over two cycles. make_data.py writes the answers.
local servqual = require "mejora.templates.servqual"
local kano = require "mejora.templates.kano"

segment "hogar"    { name = { es = "Hogares", en = "Households" } }
segment "empresas" { name = { es = "Empresas", en = "Businesses" } }
segment "personal" { name = { es = "Personal del centro", en = "Our staff" } }
customers "data/customers.csv"

requirement "R1" {
  text = "Accurate information", need = "tertiary",
  dimension = "reliability", target = 4.0,
}
requirement "R2" {
  text = "Courtesy", need = "tertiary", dimension = "assurance",
  target = 4.0,
}

questionnaire "llamada" {
  title = "Your call", lang = "en",
  question "informacion" {
    type = "scale5", labels = "excellent-poor", measures = "R1",
    allow_na = true, text = "Was the information we gave you accurate?",
  },
  question "trato" {
    type = "scale5", labels = "excellent-poor", measures = "R2",
    allow_na = true, text = "How did the agent treat you?",
  },
  question "nps" { type = "nps", required = true },
  question "comentario" { type = "text", text = "Anything else?" },
}
questionnaire "expectativas" {
  title = "What you expect", lang = "en",
  question "espera_informacion" {
    type = "scale5", labels = "excellent-poor", measures = "R1",
    tags = { role = "expectation" },
    text = "How accurate do you expect our information to be?",
  },
}
questionnaire "plantilla" {
  title = "What we believe", lang = "en",
  question "cree_informacion" {
    type = "scale5", labels = "excellent-poor", tags = { perceives = "R1" },
    text = "How do customers rate the accuracy of our information?",
  },
  question "cree_esperan_informacion" {
    type = "scale5", labels = "excellent-poor",
    tags = { believes_expects = "R1" },
    text = "How accurate do customers expect our information to be?",
  },
}
questionnaire "servqual" {
  title = "Service quality", lang = "en",
  servqual.questions { company = "the call centre", weights = true },
}
questionnaire "funciones" {
  title = "Features", lang = "en",
  kano.questions { features = {
    { id = "chat", en = "live chat", es = "chat en vivo" },
    { id = "callback", en = "a call back", es = "una llamada de vuelta" },
    { id = "sms", en = "an SMS when solved", es = "un SMS al resolverlo" },
    { id = "human", en = "a person, not a menu", es = "una persona" },
  } },
}
questionnaire "atributos" {
  title = "What matters", lang = "en",
  question "p_wait" { type = "scale5", tags = { ipa = "wait" } },
  question "i_wait" { type = "scale5", tags = { ipa = "wait", role = "importance" } },
  question "p_staff" { type = "scale5", tags = { ipa = "staff" } },
  question "i_staff" { type = "scale5", tags = { ipa = "staff", role = "importance" } },
  question "p_price" { type = "scale5", tags = { ipa = "price" } },
  question "i_price" { type = "scale5", tags = { ipa = "price", role = "importance" } },
  question "p_menu" { type = "scale5", tags = { ipa = "menu" } },
  question "i_menu" { type = "scale5", tags = { ipa = "menu", role = "importance" } },
}

complaint_category "wrong-info"    { text = "Wrong information" }
complaint_category "late-callback" { text = "Late call-back" }
complaint_category "long-wait"     { text = "Long wait" }
complaint_category "billing-error" { text = "Billing error" }
complaint_category "rude-agent"    { text = "Rude agent" }

audit "phone-shopper" {
  scenario = "A customer asking to change their tariff",
  role = "A household customer for two years",
  stimulus = { "Which tariff suits me?" },
  protocol = "phone",
  criteria = {
    { id = "answer_time", kind = "objective", target = "<= 20", unit = "s",
      text = "Time until the call is answered" },
    { id = "queue_time", kind = "objective", target = "<= 60", unit = "s",
      text = "Time queued before an agent" },
    { id = "holds", kind = "objective", target = "<= 1",
      text = "Times put on hold" },
    { id = "transfers", kind = "objective", target = "<= 1",
      text = "Transfers" },
    { id = "greeting", kind = "subjective", scale = 5, target = ">= 4",
      text = "Warmth of the greeting" },
    { id = "phone_smile", kind = "subjective", scale = 5, target = ">= 4",
      text = "Attitude (phone smile)" },
  },
}

standard "S1" {
  text = "90% of calls answered within 20 s",
  indicator = "audit.compliance:answer_time", target = 90,
}
standard "S2" {
  text = "Complaints answered within 48 h (median)",
  indicator = "complaints.hours_median:step/responded", target = 48,
  compare = "<=",
}
standard "S3" {
  text = "70% of complaints resolved at first contact",
  indicator = "complaints.fcr", target = 70,
}
promise "PR1" {
  text = "We answer within 20 seconds",
  indicator = "audit.compliance:answer_time", promised = 95,
}

local function imports(m)
  local list = {}
  for _, q in ipairs({ "llamada", "expectativas", "plantilla", "servqual",
                       "funciones", "atributos" }) do
    list[#list + 1] = { questionnaire = q,
                        file = "data/" .. q .. "-" .. m .. ".csv" }
  end
  return list
end
local scorers = { "nps", "csat", "servqual", "kano", "ipa" }
cycle "2026-11" { import = imports("2026-11"), scorers = scorers, min_n = 10 }
cycle "2026-12" { import = imports("2026-12"), scorers = scorers, min_n = 10 }
