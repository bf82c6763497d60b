/*
** The columns of a response file: the fixed ones every file may carry,
** the questionnaire's questions, and the renames that map a file's own
** names onto them (a cycle's `import { columns = ... }`, mj_import_ex).
*/
#include <stdio.h>
#include <string.h>

#include "model.h"

const char *const mj__import_fixed[MJ__N_FIXED] = {
    "response_id", "customer_id", "segment", "submitted_at",
    "wave",        "token",       "channel", "pilot"};

void mj__questionnaire_ids(const mj_questionnaire *qn, char *buf, size_t n)
{
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < qn->n_questions && used < n; i++) {
    int k = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                     qn->questions[i].id);
    if (k < 0)
      break;
    used += (size_t)k;
  }
}

int mj__import_check_columns(const mj_questionnaire *qn,
                             const mj_import_column *cols, size_t n,
                             char *why, size_t whylen)
{
  for (size_t i = 0; i < n; i++) {
    const char *name = cols[i].name, *col = cols[i].column;
    if (!name || !*name || !col || !*col) {
      snprintf(why, whylen, "a column mapping needs a name and a column");
      return MJ_EINVAL;
    }
    int known = mj__model_question(qn, name) != NULL;
    for (int f = 0; f < MJ__N_FIXED && !known; f++)
      known = strcmp(name, mj__import_fixed[f]) == 0;
    if (!known) {
      char ids[300];
      mj__questionnaire_ids(qn, ids, sizeof ids);
      snprintf(why, whylen,
               "columns maps '%s', which is neither a question of '%s' "
               "(%s) nor one of response_id, customer_id, token, segment, "
               "submitted_at, wave, channel, pilot",
               name, qn->id, ids);
      return MJ_EINVAL;
    }
    for (size_t j = 0; j < i; j++)
      if (strcmp(cols[j].name, name) == 0) {
        snprintf(why, whylen, "columns maps '%s' twice", name);
        return MJ_EINVAL;
      }
  }
  return MJ_OK;
}
