-- Verbal label sets for scale questions (require "mejora.labels").
--
-- A question names a set with labels = "NAME"; its scale must have as many
-- points as the set. Labels are listed in value order: the first is value 1
-- (the worst), the last is the highest value (the best), so "top two box"
-- means the last two labels. Each set has the same labels in every language
-- (en, es, pt, ru, pl). "No experience" is not a label: it is N/A
-- (allow_na = true), not a score. "kano" is the exception to the order:
-- its five answers are categories, numbered as Kano's evaluation table.

return {
  ["excellent-poor"] = {
    points = 5,
    en = { "Poor", "Fair", "Good", "Very good", "Excellent" },
    es = { "Pobre", "Regular", "Buena", "Muy buena", "Excelente" },
    pt = { "Fraco", "Razoável", "Bom", "Muito bom", "Excelente" },
    ru = { "Плохо", "Удовлетворительно", "Хорошо", "Очень хорошо",
           "Отлично" },
    pl = { "Słabo", "Przeciętnie", "Dobrze", "Bardzo dobrze", "Doskonale" },
  },
  ["satisfied-dissatisfied"] = {
    points = 5,
    en = { "Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
           "Satisfied", "Very satisfied" },
    es = { "Muy insatisfecho", "Insatisfecho", "Ni satisfecho ni insatisfecho",
           "Satisfecho", "Muy satisfecho" },
    pt = { "Muito insatisfeito", "Insatisfeito",
           "Nem satisfeito nem insatisfeito", "Satisfeito", "Muito satisfeito" },
    ru = { "Совсем не удовлетворён", "Не удовлетворён", "Ни то ни другое",
           "Удовлетворён", "Полностью удовлетворён" },
    pl = { "Bardzo niezadowolony", "Niezadowolony",
           "Ani zadowolony, ani niezadowolony", "Zadowolony",
           "Bardzo zadowolony" },
  },
  ["agree-disagree"] = {
    points = 5,
    en = { "Strongly disagree", "Disagree", "Neither agree nor disagree",
           "Agree", "Strongly agree" },
    es = { "Muy en desacuerdo", "En desacuerdo", "Ni de acuerdo ni en desacuerdo",
           "De acuerdo", "Muy de acuerdo" },
    pt = { "Discordo totalmente", "Discordo", "Não concordo nem discordo",
           "Concordo", "Concordo totalmente" },
    ru = { "Совершенно не согласен", "Не согласен", "Ни да ни нет",
           "Согласен", "Полностью согласен" },
    pl = { "Zdecydowanie się nie zgadzam", "Nie zgadzam się",
           "Ani się zgadzam, ani nie zgadzam", "Zgadzam się",
           "Zdecydowanie się zgadzam" },
  },
  -- SERVQUAL's seven-point agreement scale (only the ends are named).
  ["agree-disagree-7"] = {
    points = 7,
    en = { "Strongly disagree", "2", "3", "4", "5", "6", "Strongly agree" },
    es = { "Totalmente en desacuerdo", "2", "3", "4", "5", "6",
           "Totalmente de acuerdo" },
    pt = { "Discordo totalmente", "2", "3", "4", "5", "6",
           "Concordo totalmente" },
    ru = { "Совершенно не согласен", "2", "3", "4", "5", "6",
           "Полностью согласен" },
    pl = { "Zdecydowanie się nie zgadzam", "2", "3", "4", "5", "6",
           "Zdecydowanie się zgadzam" },
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
    pt = { "Discordo totalmente", "Discordo", "Discordo parcialmente",
           "Não concordo nem discordo", "Concordo parcialmente", "Concordo",
           "Concordo totalmente" },
    ru = { "Совершенно не согласен", "Не согласен", "Скорее не согласен",
           "Ни да ни нет", "Скорее согласен", "Согласен",
           "Полностью согласен" },
    pl = { "Zdecydowanie się nie zgadzam", "Nie zgadzam się",
           "Raczej się nie zgadzam", "Ani się zgadzam, ani nie zgadzam",
           "Raczej się zgadzam", "Zgadzam się", "Zdecydowanie się zgadzam" },
  },
  ["important-unimportant"] = {
    points = 5,
    en = { "Not at all important", "Slightly important", "Moderately important",
           "Very important", "Extremely important" },
    es = { "Nada importante", "Poco importante", "Moderadamente importante",
           "Muy importante", "Extremadamente importante" },
    pt = { "Nada importante", "Pouco importante", "Moderadamente importante",
           "Muito importante", "Extremamente importante" },
    ru = { "Совсем не важно", "Немного важно", "Умеренно важно",
           "Очень важно", "Крайне важно" },
    pl = { "Zupełnie nieważne", "Mało ważne", "Umiarkowanie ważne",
           "Bardzo ważne", "Niezwykle ważne" },
  },
  ["no-yes"] = {
    points = 2,
    en = { "No", "Yes" },
    es = { "No", "Sí" },
    pt = { "Não", "Sim" },
    ru = { "Нет", "Да" },
    pl = { "Nie", "Tak" },
  },
  -- Kano's five answers (Berger et al. 1993): 1 like, 2 must-be, 3 neutral,
  -- 4 live with, 5 dislike; the kano scorer reads these numbers.
  ["kano"] = {
    points = 5,
    en = { "I like it", "I expect it", "I am neutral", "I can live with it",
           "I dislike it" },
    es = { "Me gusta", "Lo doy por hecho", "Me es indiferente",
           "Puedo tolerarlo", "Me disgusta" },
    pt = { "Gosto", "É o mínimo esperado", "Sou indiferente", "Posso tolerar",
           "Não gosto" },
    ru = { "Мне нравится", "Так и должно быть", "Мне всё равно",
           "Могу смириться", "Мне не нравится" },
    pl = { "Podoba mi się", "Tak powinno być", "Jest mi to obojętne",
           "Mogę to zaakceptować", "Nie podoba mi się" },
  },
}
