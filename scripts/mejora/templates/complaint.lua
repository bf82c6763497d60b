-- A complaint form: when and where it happened, what about, what happened,
-- what would put it right, and whether and how to contact the customer
-- (es, en). "A complaint is an opportunity": keep it short and ask for
-- the facts that let the cause be found.
--
--   local complaint = require "mejora.templates.complaint"
--   questionnaire "reclamos" { complaint.questions() }
--
-- Options: prefix (default "cmp"). Channel and contact are choices; the
-- contact channel is asked only when contact is accepted.
local M = {}

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "cmp"
  return {
    question(p .. "_date") { type = "date", required = true,
      text = { en = "When did it happen?", es = "¿Cuándo ocurrió?" } },
    question(p .. "_channel") { type = "choice", required = true,
      choices = {
        { code = "store", label = { en = "In person", es = "En persona" } },
        { code = "phone", label = { en = "Phone", es = "Teléfono" } },
        { code = "email", label = { en = "E-mail", es = "Correo electrónico" } },
        { code = "web", label = { en = "Web or app", es = "Web o aplicación" } },
      },
      other = true,
      text = { en = "Where did it happen?", es = "¿Dónde ocurrió?" } },
    question(p .. "_about") { type = "multi", required = true, other = true,
      choices = {
        { code = "staff", label = { en = "Staff treatment",
                                    es = "Trato del personal" } },
        { code = "wait", label = { en = "Waiting time", es = "Tiempo de espera" } },
        { code = "product", label = { en = "Product or service quality",
                                      es = "Calidad del producto o servicio" } },
        { code = "billing", label = { en = "Billing", es = "Facturación" } },
        { code = "delivery", label = { en = "Delivery", es = "Entrega" } },
        { code = "info", label = { en = "Information given",
                                   es = "Información recibida" } },
      },
      text = { en = "What is the complaint about?",
               es = "¿Sobre qué es el reclamo?" } },
    question(p .. "_what") { type = "text", required = true, max_len = 4000,
      text = { en = "What happened?", es = "¿Qué ocurrió?" } },
    question(p .. "_wish") { type = "text", max_len = 2000,
      text = { en = "What would put it right for you?",
               es = "¿Qué lo solucionaría para usted?" } },
    question(p .. "_contact") { type = "yesno", required = true,
      text = { en = "May we contact you about it?",
               es = "¿Podemos contactarle al respecto?" } },
    question(p .. "_contact_by") { type = "choice", required = true,
      ask_if = p .. "_contact == 'yes'",
      choices = {
        { code = "phone", label = { en = "Phone", es = "Teléfono" } },
        { code = "email", label = { en = "E-mail", es = "Correo electrónico" } },
        { code = "letter", label = { en = "Letter", es = "Carta" } },
      },
      text = { en = "How do you prefer to be contacted?",
               es = "¿Cómo prefiere que le contactemos?" } },
  }
end

return M
