-- Net Promoter Score with the reason for the score (es, en).
--
--   local nps = require "mejora.templates.nps"
--   questionnaire "relacion" { nps.questions { company = "Tienda Sol" } }
--
-- Options: prefix (question ids, default "nps"), company (named in the
-- question), required (the score, default true), followup (default true:
-- detractors and passives are asked what would raise their score).
-- Questions: PREFIX (nps 0..10), PREFIX_reason (text), and with followup
-- PREFIX_improve (text, ask_if PREFIX <= 8).
local M = {}

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "nps"
  local co_en = opts.company or "us"
  local co_es = opts.company or "nosotros"
  local list = {
    question(p) {
      type = "nps", required = opts.required ~= false,
      text = {
        en = "How likely is it that you would recommend " .. co_en ..
             " to a friend or colleague? (0 = not at all likely, " ..
             "10 = extremely likely)",
        es = "¿Qué probabilidad hay de que recomiende a " .. co_es ..
             " a un amigo o colega? (0 = nada probable, 10 = muy probable)",
      },
      tags = { template = "nps" },
    },
    question(p .. "_reason") {
      type = "text", max_len = 1000,
      text = {
        en = "What is the main reason for your score?",
        es = "¿Cuál es el motivo principal de su puntuación?",
      },
      tags = { template = "nps", role = "reason" },
    },
  }
  if opts.followup ~= false then
    list[#list + 1] = question(p .. "_improve") {
      type = "text", max_len = 1000, ask_if = p .. " <= 8",
      text = {
        en = "What could we do to raise your score?",
        es = "¿Qué podríamos hacer para que nos diera una puntuación más alta?",
      },
      tags = { template = "nps", role = "improve" },
    }
  end
  return list
end

return M
