/*
** Matrix scorers through a whole cycle: the tally test plugin reports the
** table it was given, so this checks rows per response, cells per
** question, N/A kept apart from skipped, tags and requirement data per
** column, and one call for "all" plus one per segment.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "segment \"a\" {}\n"
    "segment \"b\" {}\n"
    "customer \"c1\" { segment = \"a\" }\n"
    "customer \"c2\" { segment = \"b\" }\n"
    "requirement \"R1\" { target = 4, weight = 0.5 }\n"
    "questionnaire \"q\" {\n"
    "  question \"att\" { type = \"scale5\", measures = \"R1\",\n"
    "                   allow_na = true, tags = { role = \"perception\" } },\n"
    "  question \"exp\" { type = \"scale5\", allow_na = true,\n"
    "                   tags = { role = \"expectation\", item = \"T1\" } },\n"
    "  question \"why\" { type = \"text\" },\n"
    "}\n"
    "use \"scorer.tally\" {}\n"
    "cycle \"w\" { scorers = { \"tally\" }, min_n = 1 }\n";

/* customer, att, exp, why */
static const char *const rows[][4] = {
    {"c1", "4", "5", "fine"}, {"c1", "NA", "4", ""}, {"c1", "2", "", ""},
    {"c2", "5", "NA", "ok"},  {"c2", "3", "3", ""},
};

static const json_t *fig(const json_t *r, const char *metric,
                         const char *subject, const char *segment)
{
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(r, "figures"), i, f)
  {
    const char *s = json_string_value(json_object_get(f, "subject"));
    if (strcmp(json_string_value(json_object_get(f, "metric")), metric) == 0 &&
        strcmp(json_string_value(json_object_get(f, "segment")), segment) ==
            0 &&
        (subject ? s && strcmp(s, subject) == 0 : !s))
      return f;
  }
  return NULL;
}

static double num(const json_t *f, const char *k)
{
  const json_t *v = f ? json_object_get(f, k) : NULL;
  return v && json_is_number(v) ? json_number_value(v) : NAN;
}

int main(void)
{
  plan(19);
  char *dir = tap_tmpdir("matrix");
  char store[512], pb[512];
  snprintf(store, sizeof store, "sqlite:%s/m.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_TEST_PLUGINS");
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  int rc = mj_playbook_load_buffer(e, pb, playbook, strlen(playbook));
  is_int(MJ_OK, rc, "playbook with tags and a weight loads: %s", mj_errmsg(e));
  const char *qs[] = {"att", "exp", "why"};
  int added = 0;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char id[8];
    snprintf(id, sizeof id, "r%zu", i);
    const char *vals[] = {rows[i][1], rows[i][2], rows[i][3]};
    added += mj_response_add(e, "q", id, rows[i][0], qs, vals, 3) == MJ_OK;
  }
  is_int(5, added, "five responses");
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "cycle ran: %s", mj_errmsg(e));
  char *text;
  size_t len;
  mj_report(e, "json", 0, &text, &len);
  json_t *r = json_loadb(text, len, 0, NULL);
  mj_free(text);
  ok(r != NULL, "report parsed");

  is_double(5, num(fig(r, "rows", NULL, "all"), "value"), 0,
            "one row per response in \"all\"");
  is_double(3, num(fig(r, "rows", NULL, "a"), "value"), 0,
            "segment a gets its 3 rows");
  is_double(2, num(fig(r, "rows", NULL, "b"), "value"), 0,
            "segment b gets its 2 rows");
  const json_t *att = fig(r, "values", "question:att", "all");
  is_double(4 + 2 + 5 + 3, num(att, "value"), 0, "att: the values' sum");
  is_double(4, num(att, "n"), 0, "att: 4 values (one N/A)");
  is_double(1, num(fig(r, "na", "question:att", "all"), "n"), 0,
            "att: the N/A is counted as N/A");
  is_string("perception",
            json_string_value(json_object_get(att, "label")),
            "the column carries its tags");
  is_double(4, num(att, "ci_low"), 0, "and its requirement's target");
  is_double(0.5, num(att, "ci_high"), 0, "and its requirement's weight");
  const json_t *exp = fig(r, "values", "question:exp", "all");
  is_double(3, num(exp, "n"), 0, "exp: 3 values");
  is_double(1, num(fig(r, "na", "question:exp", "all"), "n"), 0,
            "exp: the skipped answer is not N/A");
  ok(fig(r, "values", "question:why", "all") == NULL,
     "open text is not a column");
  is_string("q", json_string_value(json_object_get(att, "questionnaire")),
            "figures name the questionnaire");
  json_decref(r);
  mj_report(e, "text", 0, &text, &len);
  contains(text, "tally: questionnaire q, segment b",
           "the text report has a table per questionnaire and segment");
  contains(text, "question:exp ", "with a row per subject");
  mj_free(text);
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
