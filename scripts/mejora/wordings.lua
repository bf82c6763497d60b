-- Standard wordings of the question types that have one
-- (require "mejora.wordings").
--
-- A question of one of these types declared without `text` is asked in
-- this wording, in the languages below (the label sets' languages: en,
-- es, pt, ru, pl). The keys are question types.
--   nps: Reichheld's recommendation question (Reichheld 2003), with "us"
--        for the company;
--   ces: the Customer Effort Score 2.0 statement (Dixon, Toman and
--        DeLisi 2013), answered on the effort-7 agreement scale.

return {
  nps = {
    en = "How likely is it that you would recommend us to a friend or " ..
         "colleague?",
    es = "¿Qué probabilidad hay de que nos recomiende a un amigo o colega?",
    pt = "Qual a probabilidade de você nos recomendar a um amigo ou colega?",
    ru = "Насколько вероятно, что вы порекомендуете нас другу или коллеге?",
    pl = "Jak prawdopodobne jest, że polecisz nas znajomemu lub " ..
         "współpracownikowi?",
  },
  ces = {
    en = "The company made it easy for me to handle my issue.",
    es = "La empresa me facilitó resolver mi gestión.",
    pt = "A empresa facilitou a resolução da minha questão.",
    ru = "Компания помогла мне легко решить мой вопрос.",
    pl = "Firma ułatwiła mi załatwienie mojej sprawy.",
  },
}
