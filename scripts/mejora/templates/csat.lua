-- Customer satisfaction (CSAT), five points from very dissatisfied to very
-- satisfied, with an optional reason (es, en).
--
--   local csat = require "mejora.templates.csat"
--   questionnaire "visita" { csat.questions { about = { en = "your visit",
--                                                    es = "su visita" } } }
--
-- Options: prefix (default "csat"), about ({ en =, es = }: what is rated,
-- default the service), measures (a requirement id), allow_na (default
-- true), reason (default true: PREFIX_reason, asked when the score is 1..3).
local M = {}

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "csat"
  local about = opts.about or { en = "our service", es = "nuestro servicio" }
  local list = {
    question(p) {
      type = "scale5", labels = "satisfied-dissatisfied",
      allow_na = opts.allow_na ~= false, measures = opts.measures,
      text = {
        en = "Overall, how satisfied are you with " .. about.en .. "?",
        es = "En general, ¿qué tan satisfecho está con " .. about.es .. "?",
      },
      tags = { template = "csat" },
    },
  }
  if opts.reason ~= false then
    list[2] = question(p .. "_reason") {
      type = "text", max_len = 1000, ask_if = p .. " <= 3",
      text = {
        en = "What should we have done better?",
        es = "¿Qué deberíamos haber hecho mejor?",
      },
      tags = { template = "csat", role = "reason" },
    }
  end
  return list
end

return M
