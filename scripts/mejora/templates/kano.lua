-- Kano pairs: for each feature a functional question ("if it has ...") and a
-- dysfunctional one ("if it does not have ..."), both on Kano's five
-- answers (label set "kano": 1 like .. 5 dislike) (es, en).
--
--   local kano = require "mejora.templates.kano"
--   questionnaire "funciones" {
--     kano.questions { features = {
--       { id = "chat", en = "live chat on the web", es = "chat en la web" },
--       { id = "callback", en = "a call back within one hour",
--         es = "que le llamen en menos de una hora" },
--     } },
--   }
--
-- Options: features (required: id, en, es each), prefix (default "kano").
-- Question ids PREFIX_ID_f and PREFIX_ID_d; tags kano = ID, side =
-- "functional" | "dysfunctional" for the kano scorer.
local M = {}

function M.questions(opts)
  opts = opts or {}
  local p = opts.prefix or "kano"
  assert(type(opts.features) == "table" and #opts.features > 0,
         "kano.questions needs features = { { id =, en =, es = }, ... }")
  local list = {}
  for _, f in ipairs(opts.features) do
    assert(f.id and f.en and f.es,
           "each kano feature needs id, en and es")
    list[#list + 1] = question(p .. "_" .. f.id .. "_f") {
      type = "scale5", labels = "kano", required = true,
      text = {
        en = "If the service offers " .. f.en .. ", how do you feel?",
        es = "Si el servicio ofrece " .. f.es .. ", ¿cómo se siente?",
      },
      tags = { kano = f.id, side = "functional" },
    }
    list[#list + 1] = question(p .. "_" .. f.id .. "_d") {
      type = "scale5", labels = "kano", required = true,
      text = {
        en = "If the service does not offer " .. f.en .. ", how do you feel?",
        es = "Si el servicio no ofrece " .. f.es .. ", ¿cómo se siente?",
      },
      tags = { kano = f.id, side = "dysfunctional" },
    }
  end
  return list
end

return M
