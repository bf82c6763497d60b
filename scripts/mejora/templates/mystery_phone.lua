-- The phone mystery-shopper audit form: the objective criteria (times,
-- counts and facts of the call) and the subjective ones (rated on the
-- excellent..poor scale), as the shopper fills it in after the call
-- (es, en). Prepared beforehand, outside this form: the role to play, the
-- data to give and to verify, the stimulus questions.
--
--   local mystery = require "mejora.templates.mystery_phone"
--   questionnaire "cliente_oculto" {
--     mystery.questions(),
--     require("mejora.templates.phone_protocol").questions(),
--   }
--
-- Options: prefix (default "ms"). Tags: mystery = "objective" |
-- "subjective", criterion = the criterion's id.
local M = {}

local function q(id, spec, crit, kind)
  spec.tags = { mystery = kind, criterion = crit }
  return question(id)(spec)
end

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "ms"
  local list = {
    q(p .. "_date", { type = "date", required = true, section = p .. "_call",
      text = { en = "Date of the call", es = "Fecha de la llamada" } },
      "date", "objective"),
    q(p .. "_answer_s", { type = "number", min = 0, max = 3600, integer = true,
      required = true, section = p .. "_call",
      text = { en = "Seconds until the call was answered",
               es = "Segundos hasta que se atendió la llamada" } },
      "time_to_answer", "objective"),
    q(p .. "_queue_s", { type = "number", min = 0, max = 7200, integer = true,
      section = p .. "_call",
      text = { en = "Seconds queued before reaching an agent",
               es = "Segundos en cola antes de hablar con un agente" } },
      "time_queued", "objective"),
    q(p .. "_introduced", { type = "yesno", required = true,
      section = p .. "_call",
      text = { en = "The agent introduced the company",
               es = "El agente presentó a la empresa" } },
      "introduction", "objective"),
    q(p .. "_identified", { type = "yesno", required = true,
      section = p .. "_call",
      text = { en = "The agent identified themself",
               es = "El agente se identificó" } },
      "identified", "objective"),
    q(p .. "_data_asked", { type = "multi", other = true,
      section = p .. "_call",
      choices = {
        { code = "name", label = { en = "Name", es = "Nombre" } },
        { code = "id", label = { en = "ID number", es = "Documento de identidad" } },
        { code = "phone", label = { en = "Phone", es = "Teléfono" } },
        { code = "email", label = { en = "E-mail", es = "Correo electrónico" } },
        { code = "account", label = { en = "Customer or account number",
                                      es = "Número de cliente o de cuenta" } },
        { code = "none", label = { en = "None", es = "Ninguno" } },
      },
      text = { en = "Data the agent asked for",
               es = "Datos que pidió el agente" } },
      "data_requested", "objective"),
    q(p .. "_offered", { type = "yesno", section = p .. "_call",
      text = { en = "The agent offered other services",
               es = "El agente ofreció otros servicios" } },
      "services_offered", "objective"),
    q(p .. "_holds", { type = "number", min = 0, max = 50, integer = true,
      section = p .. "_call",
      text = { en = "Times put on hold", es = "Veces puesto en espera" } },
      "holds", "objective"),
    q(p .. "_hold_s", { type = "number", min = 0, max = 7200, integer = true,
      section = p .. "_call", ask_if = p .. "_holds > 0",
      text = { en = "Total seconds on hold",
               es = "Segundos en espera en total" } },
      "time_held", "objective"),
    q(p .. "_transfers", { type = "number", min = 0, max = 20, integer = true,
      section = p .. "_call",
      text = { en = "Number of transfers", es = "Número de transferencias" } },
      "transfers", "objective"),
    q(p .. "_transfer_to", { type = "text", max_len = 300,
      section = p .. "_call", ask_if = p .. "_transfers > 0",
      text = { en = "Transferred to whom, and for how long",
               es = "A quién se transfirió y durante cuánto tiempo" } },
      "transfer_detail", "objective"),
  }
  local subjective = {
    { "information", "Information given", "Información brindada" },
    { "greeting", "Greeting", "Saludo" },
    { "listening", "Listening quality (active listening)",
      "Calidad de escucha (escucha activa)" },
    { "handling", "Conversation handling", "Manejo de la conversación" },
    { "knowledge", "Product knowledge", "Conocimiento del producto" },
    { "selling", "Selling skill", "Habilidad de venta" },
    { "attitude", "General attitude (\"phone smile\")",
      "Actitud general (\"sonrisa telefónica\")" },
    { "efficiency", "Overall efficiency", "Eficiencia general" },
  }
  for _, s in ipairs(subjective) do
    list[#list + 1] = q(p .. "_" .. s[1], { type = "scale5",
      labels = "excellent-poor", required = true, section = p .. "_rating",
      text = { en = s[2], es = s[3] } }, s[1], "subjective")
  end
  list[#list + 1] = q(p .. "_notes", { type = "text", max_len = 2000,
    section = p .. "_rating",
    text = { en = "Notes", es = "Observaciones" } }, "notes", "subjective")
  return list
end

return M
