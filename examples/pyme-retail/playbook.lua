-- Tienda La Esquina: a small shop's improvement cycle.
-- Who the customers are, what they require, how we ask them, and what we do
-- when a requirement falls below its target. Run it with:
--   mejora run examples/pyme-retail/playbook.lua

-- Customer types (segments) and the list of customers with their data.
segment "mostrador" { name = { es = "Clientes de mostrador", en = "Walk-in customers" } }
segment "online"    { name = { es = "Pedidos online", en = "Online orders" } }
segment "empresas"  { name = { es = "Empresas y autónomos", en = "Businesses" } }

customers "data/customers.csv"

-- What customers require (the tertiary needs: how they judge the service),
-- each with the target on the 1-5 scale that measures it.
requirement "R1" {
  text = { es = "Atención inmediata", en = "Immediate attention" },
  need = "tertiary", dimension = "responsiveness", target = 4.0,
}
requirement "R2" {
  text = { es = "Cortesía y trato amable", en = "Courtesy" },
  need = "tertiary", dimension = "assurance", target = 4.0,
}
requirement "R3" {
  text = { es = "Respuestas y soluciones rápidas", en = "Prompt answers and solutions" },
  need = "tertiary", dimension = "responsiveness", target = 3.8,
}
requirement "R4" {
  text = { es = "Un local limpio y cómodo", en = "A clean, comfortable place" },
  need = "secondary", dimension = "tangibles", target = 4.0,
}

-- A brief questionnaire, as close to the visit as possible.
questionnaire "visita" {
  title = { es = "¿Cómo lo hicimos?", en = "How did we do?" },
  question "atencion" {
    type = "scale5", labels = "excellent-poor", measures = "R1", allow_na = true,
    text = { es = "¿Le atendimos de inmediato?", en = "Were you attended to immediately?" },
  },
  question "trato" {
    type = "scale5", labels = "excellent-poor", measures = "R2", allow_na = true,
    text = { es = "¿Cómo calificaría el trato de nuestro personal?",
             en = "How would you rate our staff's treatment?" },
  },
  question "solucion" {
    type = "scale5", labels = "excellent-poor", measures = "R3", allow_na = true,
    text = { es = "¿Resolvimos su consulta con rapidez?",
             en = "Did we answer your request promptly?" },
  },
  question "local" {
    type = "scale5", labels = "excellent-poor", measures = "R4", allow_na = true,
    text = { es = "¿Cómo encontró la tienda (limpieza, comodidad)?",
             en = "How did you find the shop (clean, comfortable)?" },
  },
  question "satisfaccion" {
    type = "scale5", labels = "satisfied-dissatisfied", allow_na = true,
    text = { es = "¿Cómo se siente con nuestro servicio?",
             en = "How do you feel about our service?" },
  },
  question "nps" {
    type = "nps", required = true,
    text = { es = "¿Con qué probabilidad nos recomendaría a un amigo o colega?",
             en = "How likely are you to recommend us to a friend or colleague?" },
  },
  question "comentario" {
    type = "text", max_len = 500,
    text = { es = "¿Algo que debamos mejorar?", en = "Anything we should improve?" },
  },
}

-- Who hears about it: one JSON line per event in notify.log.
use "notifier.log" { path = "notify.log" }

-- What we do when immediate attention falls below its target.
plan "P1-cola-caja" {
  owner = "jefa.tienda@laesquina.example",
  due = "30d",
  actions = {
    "Abrir una segunda caja de 12:00 a 15:00 / Open a second till at peak hours",
    "Saludar a cada cliente en menos de un minuto / Greet every customer within a minute",
    "Formar al personal nuevo en atención / Train new staff in customer care",
  },
  when = function(r) return r.below("R1") end,
  verify = { metric = "csat.mean:R1", test = "welch", alpha = 0.05 },
}

-- And if customers stop recommending us.
plan "P2-recomendacion" {
  owner = "gerencia@laesquina.example",
  due = "2w",
  actions = { "Llamar a cada detractor / Call back every detractor" },
  when = function(r) local v = r.nps() return v ~= nil and v < 0 end,
}

-- The cycle of November: import the answers, score them (and how many
-- customers we kept over the month), open plans, notify.
cycle "2026-11" {
  import = { { questionnaire = "visita", file = "data/responses.csv" } },
  scorers = { "nps", "csat", "retention" },
  period = { from = "2026-11-01", to = "2026-12-01" },
  min_n = 10,
}
