-- Customer Effort Score (CES 2.0): "The company made it easy for me to
-- handle my issue", 1 (strongly disagree) .. 7 (strongly agree) (es, en).
--
--   local ces = require "mejora.templates.ces"
--   questionnaire "soporte" { ces.questions { company = "Tienda Sol" } }
--
-- Options: prefix (default "ces"), company, required (default false),
-- reason (default true: PREFIX_reason, asked when the score is 1..3).
local M = {}

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "ces"
  local list = {
    question(p) {
      type = "ces", labels = "effort-7", required = opts.required == true,
      text = {
        en = (opts.company or "The company") ..
             " made it easy for me to handle my issue.",
        es = (opts.company or "La empresa") ..
             " me facilitó resolver mi gestión.",
      },
      tags = { template = "ces" },
    },
  }
  if opts.reason ~= false then
    list[2] = question(p .. "_reason") {
      type = "text", max_len = 1000, ask_if = p .. " <= 3",
      text = {
        en = "What made it difficult?",
        es = "¿Qué se lo hizo difícil?",
      },
      tags = { template = "ces", role = "reason" },
    }
  end
  return list
end

return M
