-- Centro de llamadas: a call centre's improvement cycle with complaints,
-- mystery-shopper calls and a service standard. Two cycles of data:
--   mejora run playbook.lua --cycle 2026-11   (opens P1 and P2)
--   mejora plans playbook.lua update ...      (their actions are done)
--   mejora run playbook.lua --cycle 2026-12   (P1 closed, P2 escalated)
-- See ./demo for the whole story.

segment "hogar"    { name = { es = "Hogares", en = "Households" } }
segment "empresas" { name = { es = "Empresas", en = "Businesses" } }
segment "personal" { name = { es = "Personal del centro", en = "Our staff" } }
customers "data/customers.csv"

requirement "R1" {
  text = { es = "Información correcta", en = "Accurate information" },
  need = "tertiary", dimension = "reliability", target = 4.0,
}
requirement "R2" {
  text = { es = "Trato amable", en = "Courtesy" },
  need = "tertiary", dimension = "assurance", target = 4.0,
}

-- The brief survey after each call.
questionnaire "llamada" {
  title = { es = "Su llamada", en = "Your call" },
  question "informacion" {
    type = "scale5", labels = "excellent-poor", measures = "R1", allow_na = true,
    text = { es = "¿La información que le dimos fue correcta?",
             en = "Was the information we gave you accurate?" },
  },
  question "trato" {
    type = "scale5", labels = "excellent-poor", measures = "R2", allow_na = true,
    text = { es = "¿Cómo le trató el agente?", en = "How did the agent treat you?" },
  },
  question "nps" { type = "nps", required = true },
}

-- What customers expect of R1 (an expectation, not a rating: csat leaves
-- it alone and the servqual scorer gives its mean for gap 1).
questionnaire "expectativas" {
  title = { es = "Lo que espera", en = "What you expect" },
  question "espera_informacion" {
    type = "scale5", labels = "excellent-poor", measures = "R1",
    tags = { role = "expectation" },
    text = { es = "¿Qué exactitud espera de nuestra información?",
             en = "How accurate do you expect our information to be?" },
  },
}

-- What the staff believe customers think of R1 (csat's mean of the
-- question, beside csat.mean:R1) and what they believe customers expect
-- of it: gap 1 of the 5-gap model sets that belief against what customers
-- expect, gap 2 R1's target (the specification) against it.
questionnaire "plantilla" {
  title = { es = "Lo que creemos", en = "What we believe" },
  question "cree_informacion" {
    type = "scale5", labels = "excellent-poor", tags = { perceives = "R1" },
    text = { es = "¿Cómo valoran los clientes la exactitud de nuestra información?",
             en = "How do customers rate the accuracy of our information?" },
  },
  question "cree_esperan_informacion" {
    type = "scale5", labels = "excellent-poor", tags = { believes_expects = "R1" },
    text = { es = "¿Qué exactitud esperan los clientes de nuestra información?",
             en = "How accurate do customers expect our information to be?" },
  },
}

-- Complaints, by category (ISO 10002: received, acknowledged, assessed,
-- investigated, responded, closed).
complaint_category "wrong-info"    { text = { es = "Información errónea", en = "Wrong information" } }
complaint_category "late-callback" { text = { es = "Devolución de llamada tardía", en = "Late call-back" } }
complaint_category "long-wait"     { text = { es = "Espera larga", en = "Long wait" } }
complaint_category "billing-error" { text = { es = "Error de facturación", en = "Billing error" } }
complaint_category "rude-agent"    { text = { es = "Agente descortés", en = "Rude agent" } }

-- The mystery shopper's script: who to be, what to ask, what to observe.
audit "phone-shopper" {
  scenario = { es = "Cliente que pregunta por un cambio de tarifa",
               en = "A customer asking to change their tariff" },
  role = "Particular, cliente desde hace dos años",
  fake_data = { name = "Lucía Prieto", customer_id = "CL9999", phone = "600 000 000" },
  verify = { "customer_id", "date of birth" },
  stimulus = { "¿Qué tarifa me conviene?", "¿Cuándo se aplica el cambio?" },
  protocol = "phone",   -- the phone-protocol checklist (greet, company name...)
  criteria = {
    { id = "answer_time", kind = "objective", target = "<= 20", unit = "s",
      text = "Time until the call is answered" },
    { id = "queue_time", kind = "objective", target = "<= 60", unit = "s",
      text = "Time queued before an agent" },
    { id = "holds", kind = "objective", target = "<= 1", text = "Times put on hold" },
    { id = "transfers", kind = "objective", target = "<= 1", text = "Transfers" },
    { id = "greeting", kind = "subjective", scale = 5, target = ">= 4",
      text = "Warmth of the greeting" },
    { id = "phone_smile", kind = "subjective", scale = 5, target = ">= 4",
      text = "Attitude (phone smile)" },
  },
}

-- The service standard, checked every cycle.
standard "S1" {
  text = "90% of calls answered within 20 s",
  indicator = "audit.compliance:answer_time", target = 90,
}
standard "S2" {
  text = "Complaints answered within 48 h (median)",
  indicator = "complaints.hours_median:step/responded", target = 48, compare = "<=",
}
standard "S3" {
  text = "70% of complaints resolved at first contact",
  indicator = "complaints.fcr", target = 70,
}

-- What the advertising tells customers (gap 4: delivered against promised).
promise "PR1" {
  text = { es = "Le atendemos en menos de 20 segundos", en = "We answer within 20 seconds" },
  indicator = "audit.compliance:answer_time", promised = 95,
}

use "notifier.log" { path = "notify.log" }

-- Calls answered too slowly: more agents at peak hours. It works.
plan "P1-espera" {
  owner = "jefe.turno@callcenter.example", due = "30d",
  actions = { "Two more agents from 10:00 to 13:00", "Call-back option after 20 s" },
  when = function(r) return r.standard("S1") == false end,
  verify = { metric = "audit.compliance:phone-shopper/answer_time",
             test = "two-proportion", alpha = 0.05 },
}

-- Wrong information is the top complaint: a briefing. It does not work.
-- A declarative trigger: five or more wrong-info complaints a month (the
-- cycle "2026-11" is a month; see README, "Plan triggers").
plan "P2-informacion" {
  owner = "formacion@callcenter.example", due = "30d",
  escalate_to = "direccion@callcenter.example",
  actions = { "Briefing on the new tariffs" },
  when = "complaints.count:wrong-info >= 5/month",
  verify = { metric = "csat.mean:R1", test = "welch", alpha = 0.05 },
}

cycle "2026-11" {
  import = { { questionnaire = "llamada", file = "data/survey-2026-11.csv" },
             { questionnaire = "expectativas",
               file = "data/expectations-2026-11.csv" },
             { questionnaire = "plantilla", file = "data/staff-2026-11.csv" } },
  scorers = { "nps", "csat", "servqual" }, min_n = 10,
}
cycle "2026-12" {
  import = { { questionnaire = "llamada", file = "data/survey-2026-12.csv" } },
  scorers = { "nps", "csat" }, min_n = 10,
}
