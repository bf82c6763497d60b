/*
** Lookups in a linked model.
*/
#include <string.h>

#include "mejora/plugin.h"
#include "model.h"

#define FIND(arr, n, key)                                                    \
  do {                                                                       \
    for (size_t i_ = 0; i_ < (n); i_++)                                      \
      if (strcmp((arr)[i_].id, (key)) == 0)                                  \
        return &(arr)[i_];                                                   \
    return NULL;                                                             \
  } while (0)

const mj_segment *mj__model_segment(const mj_model *m, const char *id)
{
  FIND(m->segments, m->n_segments, id);
}

const mj_requirement *mj__model_requirement(const mj_model *m,
                                            const char *id)
{
  FIND(m->requirements, m->n_requirements, id);
}

const mj_questionnaire *mj__model_questionnaire(const mj_model *m,
                                                const char *id)
{
  FIND(m->questionnaires, m->n_questionnaires, id);
}

const mj_question *mj__model_question(const mj_questionnaire *q,
                                      const char *id)
{
  FIND(q->questions, q->n_questions, id);
}

const mj_cycle_decl *mj__model_cycle(const mj_model *m, const char *id)
{
  FIND(m->cycles, m->n_cycles, id);
}

const char *mj__i18n_get(const mj_i18n *t, const char *lang)
{
  if (!t || t->n == 0)
    return NULL;
  for (size_t i = 0; lang && i < t->n; i++)
    if (t->items[i].lang && strcmp(t->items[i].lang, lang) == 0)
      return t->items[i].text;
  for (size_t i = 0; i < t->n; i++)
    if (!t->items[i].lang || strcmp(t->items[i].lang, "en") == 0)
      return t->items[i].text;
  return t->items[0].text;
}

const char *mj__i18n_pick(const mj_i18n *t, const char *lang,
                          const char *fallback)
{
  for (size_t i = 0; t && lang && i < t->n; i++)
    if (t->items[i].lang && !strcmp(t->items[i].lang, lang))
      return t->items[i].text;
  for (size_t i = 0; t && fallback && i < t->n; i++)
    if (t->items[i].lang && !strcmp(t->items[i].lang, fallback))
      return t->items[i].text;
  return mj__i18n_get(t, NULL);
}

const char *mj__question_role(const mj_question *q)
{
  /* mj_tag and mj_meta are both { key, value } string pairs. */
  return mj_question_role((const mj_meta *)(const void *)q->tags, q->n_tags);
}

int mj__question_rates(const mj_question *q)
{
  return mj_role_is_rating(mj__question_role(q));
}

int mj__question_scored(const mj_question *q)
{
  switch (q->kind) {
  case MJ_Q_SCALE:
  case MJ_Q_NPS:
  case MJ_Q_YESNO:
  case MJ_Q_NUMBER:
  case MJ_Q_POINTS:
    return 1;
  default:
    return 0;
  }
}
