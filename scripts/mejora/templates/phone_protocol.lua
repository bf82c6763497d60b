-- The phone-protocol checklist: six yes/no points an auditor (or a mystery
-- shopper) ticks for one call: greet, company name, own name, offer help,
-- channel the solution at once, commit at the farewell (es, en).
--
--   local protocol = require "mejora.templates.phone_protocol"
--   questionnaire "protocolo" { protocol.questions() }
--
-- Options: prefix (default "pp"), required (default true). Each question is
-- yes/no (stored 1/0, so its mean is the share of calls that comply) with
-- tags checklist = "phone-protocol", step = 1..6.
local M = {}

local steps = {
  { "greet", "The agent greeted the caller", "El agente saludó" },
  { "company", "The agent gave the company name",
    "El agente dijo el nombre de la empresa" },
  { "own_name", "The agent gave their own name",
    "El agente dijo su propio nombre" },
  { "offer_help", "The agent offered help", "El agente ofreció ayuda" },
  { "channel", "Once the request was understood, the agent channelled the " ..
    "solution at once",
    "Una vez entendida la petición, el agente canalizó la solución de " ..
    "inmediato" },
  { "commit", "At the farewell the agent committed to when the request " ..
    "would be handled",
    "En la despedida el agente se comprometió a cuándo se atendería la " ..
    "petición" },
}
M.steps = steps

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "pp"
  local list = {}
  for i, s in ipairs(steps) do
    list[i] = question(p .. "_" .. s[1]) {
      type = "yesno", required = opts.required ~= false,
      section = p, text = { en = s[2], es = s[3] },
      tags = { checklist = "phone-protocol", step = tostring(i) },
    }
  end
  return list
end

return M
