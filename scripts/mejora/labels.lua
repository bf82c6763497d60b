-- Verbal label sets for scale questions (require "mejora.labels").
--
-- A question names a set with labels = "NAME"; its scale must have as many
-- points as the set. Labels are listed in value order: the first is value 1
-- (the worst), the last is the highest value (the best), so "top two box"
-- means the last two labels. Each set has the same labels in every language.
-- "No experience" is not a label: it is N/A (allow_na = true), not a score.

return {
  ["excellent-poor"] = {
    points = 5,
    en = { "Poor", "Fair", "Good", "Very good", "Excellent" },
    es = { "Pobre", "Regular", "Buena", "Muy buena", "Excelente" },
    ru = { "Плохо", "Удовлетворительно", "Хорошо", "Очень хорошо",
           "Отлично" },
  },
  ["satisfied-dissatisfied"] = {
    points = 5,
    en = { "Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
           "Satisfied", "Very satisfied" },
    es = { "Muy insatisfecho", "Insatisfecho", "Ni satisfecho ni insatisfecho",
           "Satisfecho", "Muy satisfecho" },
    ru = { "Совсем не удовлетворён", "Не удовлетворён", "Ни то ни другое",
           "Удовлетворён", "Полностью удовлетворён" },
  },
  ["agree-disagree"] = {
    points = 5,
    en = { "Strongly disagree", "Disagree", "Neither agree nor disagree",
           "Agree", "Strongly agree" },
    es = { "Muy en desacuerdo", "En desacuerdo", "Ni de acuerdo ni en desacuerdo",
           "De acuerdo", "Muy de acuerdo" },
    ru = { "Совершенно не согласен", "Не согласен", "Ни да ни нет",
           "Согласен", "Полностью согласен" },
  },
  -- SERVQUAL's seven-point agreement scale (only the ends are named).
  ["agree-disagree-7"] = {
    points = 7,
    en = { "Strongly disagree", "2", "3", "4", "5", "6", "Strongly agree" },
    es = { "Totalmente en desacuerdo", "2", "3", "4", "5", "6",
           "Totalmente de acuerdo" },
    ru = { "Совершенно не согласен", "2", "3", "4", "5", "6",
           "Полностью согласен" },
  },
  -- Customer Effort Score (CES 2.0): "The company made it easy for me".
  ["effort-7"] = {
    points = 7,
    en = { "Strongly disagree", "Disagree", "Somewhat disagree",
           "Neither agree nor disagree", "Somewhat agree", "Agree",
           "Strongly agree" },
    es = { "Muy en desacuerdo", "En desacuerdo", "Algo en desacuerdo",
           "Ni de acuerdo ni en desacuerdo", "Algo de acuerdo", "De acuerdo",
           "Muy de acuerdo" },
    ru = { "Совершенно не согласен", "Не согласен", "Скорее не согласен",
           "Ни да ни нет", "Скорее согласен", "Согласен",
           "Полностью согласен" },
  },
  ["important-unimportant"] = {
    points = 5,
    en = { "Not at all important", "Slightly important", "Moderately important",
           "Very important", "Extremely important" },
    es = { "Nada importante", "Poco importante", "Moderadamente importante",
           "Muy importante", "Extremadamente importante" },
    ru = { "Совсем не важно", "Немного важно", "Умеренно важно",
           "Очень важно", "Крайне важно" },
  },
  ["no-yes"] = {
    points = 2,
    en = { "No", "Yes" },
    es = { "No", "Sí" },
    ru = { "Нет", "Да" },
  },
}
