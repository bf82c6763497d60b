-- SERVQUAL: the 22 items of Parasuraman, Zeithaml & Berry (1991 wording,
-- all positive), each asked as an expectation and as a perception on the
-- seven-point agreement scale, mapped to the five RATER dimensions
-- (es, en). Optionally the 100 points of importance over the dimensions.
--
--   local servqual = require "mejora.templates.servqual"
--   questionnaire "servqual" {
--     servqual.questions { company = "Tienda Sol", weights = true },
--   }
--
-- Options: company (named in the perception items; default "the company" /
-- "la empresa"), sector ({ en =, es = }: "banks" / "bancos" in "excellent
-- banks will ..."; default "companies" / "empresas"), weights (add the
-- importance allocation), prefix (default "sq"), only ("expectation" or
-- "perception" to ask one side, e.g. SERVPERF).
--
-- Question ids: PREFIX_e01 .. PREFIX_e22 and PREFIX_p01 .. PREFIX_p22, and
-- PREFIX_w_tangibles ... PREFIX_w_empathy. Tags for the servqual scorer:
-- servqual = item code (T1..T4, RL1..RL5, RS1..RS4, A1..A4, E1..E5), role =
-- "expectation" | "perception" | "importance", dimension = one of
-- tangibles, reliability, responsiveness, assurance, empathy.
local M = {}

-- { code, dimension, en expectation, en perception, es expectation,
--   es perception }; %s is the company, the expectation follows
-- "Excellent <sector> will" / "Las <sector> excelentes".
local items = {
  { "T1", "tangibles", "have modern-looking equipment",
    "%s has modern-looking equipment",
    "tendrán equipos de apariencia moderna",
    "%s tiene equipos de apariencia moderna" },
  { "T2", "tangibles", "have visually appealing physical facilities",
    "%s's physical facilities are visually appealing",
    "tendrán instalaciones físicas visualmente atractivas",
    "Las instalaciones físicas de %s son visualmente atractivas" },
  { "T3", "tangibles", "have employees who are neat in appearance",
    "%s's employees are neat in appearance",
    "tendrán empleados de apariencia pulcra",
    "Los empleados de %s tienen una apariencia pulcra" },
  { "T4", "tangibles",
    "have materials associated with the service (such as pamphlets or " ..
    "statements) that are visually appealing",
    "Materials associated with the service (such as pamphlets or " ..
    "statements) are visually appealing at %s",
    "tendrán materiales relacionados con el servicio (folletos, " ..
    "extractos) visualmente atractivos",
    "Los materiales relacionados con el servicio (folletos, extractos) " ..
    "de %s son visualmente atractivos" },
  { "RL1", "reliability", "do something by a certain time when they promise to",
    "When %s promises to do something by a certain time, it does so",
    "harán algo en el plazo prometido cuando lo prometan",
    "Cuando %s promete hacer algo en cierto plazo, lo hace" },
  { "RL2", "reliability",
    "show a sincere interest in solving a customer's problem",
    "When you have a problem, %s shows a sincere interest in solving it",
    "mostrarán un interés sincero en resolver el problema del cliente",
    "Cuando usted tiene un problema, %s muestra un interés sincero en " ..
    "resolverlo" },
  { "RL3", "reliability", "perform the service right the first time",
    "%s performs the service right the first time",
    "prestarán bien el servicio a la primera",
    "%s presta bien el servicio a la primera" },
  { "RL4", "reliability", "provide their services at the time they promise",
    "%s provides its services at the time it promises to do so",
    "prestarán sus servicios en el momento prometido",
    "%s presta sus servicios en el momento en que promete hacerlo" },
  { "RL5", "reliability", "insist on error-free records",
    "%s insists on error-free records",
    "insistirán en registros libres de errores",
    "%s insiste en mantener registros libres de errores" },
  { "RS1", "responsiveness",
    "tell customers exactly when services will be performed",
    "%s keeps customers informed about when services will be performed",
    "informarán a los clientes de cuándo se prestarán los servicios",
    "%s informa a los clientes de cuándo se prestarán los servicios" },
  { "RS2", "responsiveness", "have employees who give prompt service",
    "Employees of %s give you prompt service",
    "tendrán empleados que atienden con rapidez",
    "Los empleados de %s le atienden con rapidez" },
  { "RS3", "responsiveness",
    "have employees who are always willing to help customers",
    "Employees of %s are always willing to help you",
    "tendrán empleados siempre dispuestos a ayudar a los clientes",
    "Los empleados de %s siempre están dispuestos a ayudarle" },
  { "RS4", "responsiveness",
    "have employees who are never too busy to respond to customers' requests",
    "Employees of %s are never too busy to respond to your requests",
    "tendrán empleados que nunca están demasiado ocupados para atender " ..
    "las peticiones de los clientes",
    "Los empleados de %s nunca están demasiado ocupados para atender sus " ..
    "peticiones" },
  { "A1", "assurance",
    "have employees whose behaviour instils confidence in customers",
    "The behaviour of employees of %s instils confidence in you",
    "tendrán empleados cuyo comportamiento transmite confianza",
    "El comportamiento de los empleados de %s le transmite confianza" },
  { "A2", "assurance", "make customers feel safe in their transactions",
    "You feel safe in your transactions with %s",
    "harán que los clientes se sientan seguros en sus transacciones",
    "Usted se siente seguro en sus transacciones con %s" },
  { "A3", "assurance",
    "have employees who are consistently courteous with customers",
    "Employees of %s are consistently courteous with you",
    "tendrán empleados siempre corteses con los clientes",
    "Los empleados de %s son siempre corteses con usted" },
  { "A4", "assurance",
    "have employees who have the knowledge to answer customers' questions",
    "Employees of %s have the knowledge to answer your questions",
    "tendrán empleados con conocimientos para responder a las preguntas " ..
    "de los clientes",
    "Los empleados de %s tienen conocimientos para responder a sus " ..
    "preguntas" },
  { "E1", "empathy", "give customers individual attention",
    "%s gives you individual attention",
    "darán a los clientes una atención individualizada",
    "%s le da una atención individualizada" },
  { "E2", "empathy",
    "have operating hours convenient to all their customers",
    "%s has operating hours convenient to all its customers",
    "tendrán horarios convenientes para todos sus clientes",
    "%s tiene horarios convenientes para todos sus clientes" },
  { "E3", "empathy",
    "have employees who give customers personal attention",
    "%s has employees who give you personal attention",
    "tendrán empleados que dan a los clientes una atención personal",
    "%s tiene empleados que le dan una atención personal" },
  { "E4", "empathy", "have the customers' best interests at heart",
    "%s has your best interests at heart",
    "velarán por los intereses de sus clientes",
    "%s vela por sus intereses" },
  { "E5", "empathy",
    "have employees who understand the specific needs of their customers",
    "Employees of %s understand your specific needs",
    "tendrán empleados que comprenden las necesidades específicas de sus " ..
    "clientes",
    "Los empleados de %s comprenden sus necesidades específicas" },
}

local dimensions = {
  { "tangibles", "Tangibles: physical facilities, equipment, appearance of personnel",
    "Elementos tangibles: instalaciones, equipos, aspecto del personal" },
  { "reliability", "Reliability: performing the promised service dependably and accurately",
    "Fiabilidad: prestar el servicio prometido de forma fiable y precisa" },
  { "responsiveness", "Responsiveness: willingness to help and prompt service",
    "Capacidad de respuesta: disposición a ayudar y servicio rápido" },
  { "assurance", "Assurance: knowledge, courtesy and ability to inspire trust",
    "Seguridad: conocimiento, cortesía y capacidad de inspirar confianza" },
  { "empathy", "Empathy: caring, individual attention",
    "Empatía: atención cuidadosa e individualizada" },
}

M.items = items
M.dimensions = dimensions

-- "Excellent banks will have ..." / "Las empresas excelentes tendrán ...".
local function capital(s)
  return s:sub(1, 1):upper() .. s:sub(2)
end

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "sq"
  local co_en = opts.company or "the company"
  local co_es = opts.company or "la empresa"
  local sector = opts.sector or { en = "companies", es = "empresas" }
  local list = {}
  local sides = { "expectation", "perception" }
  if opts.only then sides = { opts.only } end
  for _, side in ipairs(sides) do
    for i, it in ipairs(items) do
      local en, es
      if side == "expectation" then
        en = "Excellent " .. sector.en .. " will " .. it[3] .. "."
        es = "Las " .. sector.es .. " excelentes " .. it[5] .. "."
      else
        en = capital(string.format(it[4], co_en)) .. "."
        es = capital(string.format(it[6], co_es)) .. "."
      end
      list[#list + 1] = question(string.format("%s_%s%02d", p, side:sub(1, 1), i)) {
        type = "scale7", labels = "agree-disagree-7", allow_na = true,
        section = p .. "_" .. side,
        text = { en = en, es = es },
        tags = { servqual = it[1], role = side, dimension = it[2] },
      }
    end
  end
  if opts.weights then
    for _, d in ipairs(dimensions) do
      list[#list + 1] = question(p .. "_w_" .. d[1]) {
        type = "points", group = p .. "_weights", total = 100,
        section = p .. "_weights",
        text = {
          en = "Points (of 100) for how important this is to you: " .. d[2],
          es = "Puntos (de 100) según lo importante que es para usted: " .. d[3],
        },
        tags = { role = "importance", dimension = d[1] },
      }
    end
  end
  return list
end

return M
