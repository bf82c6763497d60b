/*
** The embedding API end to end, as a host uses it: an engine on its own
** store, a playbook from a buffer, responses added one by one, a cycle,
** the results read back as JSON. The NPS expected below is computed by
** hand from the answers added here (promoters - detractors over n).
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "segment \"a\" { name = \"Segment A\" }\n"
    "segment \"b\" { name = { es = \"Segmento B\", en = \"Segment B\" } }\n"
    "customer \"c1\" { segment = \"a\" }\n"
    "customer \"c2\" { segment = \"a\" }\n"
    "customer \"c3\" { segment = \"b\" }\n"
    "requirement \"R1\" { text = \"Immediate attention\", target = 4.0 }\n"
    "questionnaire \"q\" {\n"
    "  question \"att\" { type = \"scale5\", labels = \"excellent-poor\",\n"
    "                   measures = \"R1\", allow_na = true },\n"
    "  question \"nps\" { type = \"nps\" },\n"
    "}\n"
    "plan \"P1\" { owner = \"ana@example.com\", due = \"2w\",\n"
    "  actions = { \"second till\" },\n"
    "  when = function(r) return r.below(\"R1\") end }\n"
    "cycle \"w1\" { scorers = { \"nps\", \"csat\" }, min_n = 1 }\n";

/* Customer, attention score, NPS: segment a has NPS 10,10,9,8,3,2. */
static const char *const answers[][3] = {
    {"c1", "4", "10"}, {"c1", "3", "10"}, {"c2", "2", "9"},
    {"c2", "NA", "8"}, {"c1", "3", "3"},  {"c2", "4", "2"},
    {"c3", "5", "9"},  {"c3", "4", "7"},
};

static json_t *report(mj_engine *e)
{
  char *text = NULL;
  size_t len = 0;
  int rc = mj_report(e, "json", 0, &text, &len);
  is_int(MJ_OK, rc, "mj_report json: %s", mj_errmsg(e));
  json_error_t jerr;
  json_t *j = text ? json_loadb(text, len, 0, &jerr) : NULL;
  ok(j != NULL, "the report is valid JSON");
  mj_free(text);
  return j;
}

static const json_t *figure(const json_t *r, const char *scorer,
                            const char *metric, const char *question,
                            const char *segment)
{
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(r, "figures"), i, f)
  {
    const char *q = json_string_value(json_object_get(f, "question"));
    if (strcmp(json_string_value(json_object_get(f, "scorer")), scorer) == 0 &&
        strcmp(json_string_value(json_object_get(f, "metric")), metric) == 0 &&
        q && strcmp(q, question) == 0 &&
        strcmp(json_string_value(json_object_get(f, "segment")), segment) == 0)
      return f;
  }
  return NULL;
}

int main(void)
{
  plan(35 + 15);
  char *dir = tap_tmpdir("engine");
  char store[256], pb[300];
  snprintf(store, sizeof store, "sqlite:%s/store.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);

  mj_opts o;
  mj_opts_init(&o);
  o.struct_size = 3;
  mj_engine *e = NULL;
  is_int(MJ_EINVAL, mj_engine_new(&e, &o), "an mj_opts of a bad size is refused");
  ok(e == NULL, "and no engine is returned");

  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = 1795000000; /* 2026-11-18: pinned, so due dates are known */
  is_int(MJ_OK, mj_engine_new(&e, &o), "engine created");
  is_string("", mj_errmsg(e), "no error yet");

  int rc = mj_playbook_load_buffer(e, pb, playbook, strlen(playbook));
  is_int(MJ_OK, rc, "playbook loaded: %s", mj_errmsg(e));

  char *text = NULL;
  size_t len;
  is_int(MJ_ENOTFOUND, mj_report(e, "json", 0, &text, &len),
         "no report before the first cycle");

  const char *qs[] = {"att", "nps"};
  int added = 0;
  for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
    char id[16];
    snprintf(id, sizeof id, "r%zu", i + 1);
    const char *vals[] = {answers[i][1], answers[i][2]};
    added += mj_response_add(e, "q", id, answers[i][0], qs, vals, 2) == MJ_OK;
  }
  is_int(8, added, "eight responses added");

  const char *vals[] = {"4", "10"};
  is_int(MJ_ECONFLICT, mj_response_add(e, "q", "r1", "c1", qs, vals, 2),
         "a known response id is a conflict");
  const char *bad[] = {"6", "10"};
  is_int(MJ_EVALIDATE, mj_response_add(e, "q", "r99", "c1", qs, bad, 2),
         "a value outside the scale is refused");
  ok(strstr(mj_errmsg(e), "att") != NULL, "the message names the question: %s",
     mj_errmsg(e));

  int64_t id = 0;
  rc = mj_cycle_run(e, NULL, &id);
  is_int(MJ_OK, rc, "cycle ran: %s", mj_errmsg(e));
  ok(id > 0, "and has an id");

  json_t *r = report(e);
  const json_t *f = figure(r, "nps", "nps", "nps", "a");
  ok(f != NULL, "an NPS figure for segment a");
  is_double(100.0 * (3 - 2) / 6, json_real_value(json_object_get(f, "value")),
            1e-9, "NPS of segment a = (3 promoters - 2 detractors) / 6");
  is_int(6, (int)json_integer_value(json_object_get(f, "n")), "over 6 answers");
  f = figure(r, "csat", "mean", "att", "all");
  is_double(25.0 / 7, json_real_value(json_object_get(f, "value")), 1e-9,
            "mean attention over the 7 answers that are not N/A");
  is_int(1, (int)json_integer_value(json_object_get(f, "n_excluded")),
         "the N/A answer is excluded and counted");
  /* Per segment too: the scan tallies each segment's answers apart. */
  f = figure(r, "csat", "mean", "att", "a");
  is_double(16.0 / 5, json_real_value(json_object_get(f, "value")), 1e-9,
            "segment a: mean attention over its 5 answers that are not N/A");
  is_int(1, (int)json_integer_value(json_object_get(f, "n_excluded")),
         "segment a: its N/A answer is excluded and counted");
  f = figure(r, "csat", "mean", "att", "b");
  is_int(2, (int)json_integer_value(json_object_get(f, "n")),
         "segment b: 2 answers");
  is_int(0, (int)json_integer_value(json_object_get(f, "n_excluded")),
         "segment b: none excluded");
  const json_t *p = json_array_get(json_object_get(r, "plans"), 0);
  is_string("open", json_string_value(json_object_get(p, "status")),
            "R1 is below target: plan P1 opened");
  is_string("2026-12-02T11:06:40Z",
            json_string_value(json_object_get(p, "due_at")),
            "due two weeks after the (pinned) clock");
  json_decref(r);

  /* w1 is the playbook's only cycle: it has run, and runs again only
  ** when asked to, in its place. */
  int64_t first = id;
  is_int(MJ_ECONFLICT, mj_cycle_run(e, NULL, &id),
         "a finished cycle does not run again unasked");
  ok(strstr(mj_errmsg(e), "cycle \"w1\" already ran") != NULL,
     "the message says it already ran: %s", mj_errmsg(e));
  rc = mj_cycle_run_ex(e, NULL, MJ_CYCLE_RERUN, &id);
  is_int(MJ_OK, rc, "MJ_CYCLE_RERUN runs it again: %s", mj_errmsg(e));
  is_int((int)first, (int)id, "in its place: the same cycle id");
  is_int(MJ_EINVAL, mj_cycle_run_ex(e, NULL, 0x80, &id),
         "an unknown flag is refused");
  r = report(e);
  is_int(1, (int)json_array_size(json_object_get(r, "plans")),
         "the plan is not opened twice");
  json_decref(r);

  static const char broken[] = "segment \"z\" {}\nrequirement \"R2\" { tagret = 3 }\n";
  rc = mj_playbook_load_buffer(e, pb, broken, strlen(broken));
  ok(rc != MJ_OK && strstr(mj_errmsg(e), "playbook.lua:2:") != NULL,
     "a broken playbook names its line: %s", mj_errmsg(e));
  /* The failed load left the good playbook in place. */
  is_int(MJ_OK, mj_cycle_run_ex(e, NULL, MJ_CYCLE_RERUN, &id),
         "the previous playbook still runs");

  mj_engine_free(e);

  /* mj_playbook_check: what a run refuses, found before any store is
  ** opened; the run on the same engine then makes only its own cycle's
  ** instances. */
  char store2[320], path2[300];
  snprintf(path2, sizeof path2, "%s/check.db", dir);
  snprintf(store2, sizeof store2, "sqlite:%s", path2);
  o.store = store2;
  is_int(MJ_OK, mj_engine_new(&e, &o), "a second engine");
  static const char typo[] =
      "questionnaire \"q\" { question \"nps\" { type = \"nps\" } }\n"
      "cycle \"w1\" {\n"
      "  scorers = { \"nsp\" },\n"
      "}\n"
      "cycle \"w2\" { min_n = 1 }\n";
  is_int(MJ_OK, mj_playbook_load_buffer(e, pb, typo, strlen(typo)),
         "a playbook with a misspelt scorer loads: %s", mj_errmsg(e));
  is_int(MJ_ENOTFOUND, mj_playbook_check(e, NULL),
         "mj_playbook_check finds the misspelt scorer");
  contains(mj_errmsg(e), "playbook.lua:3: cycle \"w1\": scorer 'nsp': ",
           "at the line of scorers =");
  contains(mj_errmsg(e), "(did you mean 'nps'?)", "with the near name");
  is_int(MJ_OK, mj_playbook_check(e, "w2"), "cycle w2 alone passes");
  is_int(MJ_ENOTFOUND, mj_cycle_run(e, "w1", &id),
         "mj_cycle_run refuses w1 the same way");
  FILE *probe = fopen(path2, "rb");
  ok(probe == NULL, "neither opened the store");
  if (probe)
    fclose(probe);
  static const char two[] =
      "customer \"c1\" {}\n"
      "questionnaire \"q\" { question \"nps\" { type = \"nps\" },\n"
      "  question \"sat\" { type = \"scale5\" } }\n"
      "use \"scorer.csat\" {}\n"
      "cycle \"w1\" { scorers = { \"nps\" }, min_n = 1 }\n"
      "cycle \"w2\" { min_n = 1 }\n";
  is_int(MJ_OK, mj_playbook_load_buffer(e, pb, two, strlen(two)),
         "a playbook of two cycles: %s", mj_errmsg(e));
  is_int(MJ_OK, mj_playbook_check(e, NULL), "passes the check");
  const char *both[] = {"nps", "sat"}, *given[] = {"10", "4"};
  is_int(MJ_OK, mj_response_add(e, "q", "x1", "c1", both, given, 2),
         "a response: %s", mj_errmsg(e));
  is_int(MJ_OK, mj_cycle_run(e, "w2", &id), "w2 runs: %s", mj_errmsg(e));
  r = report(e);
  size_t k, nps = 0, csat = 0;
  json_array_foreach(json_object_get(r, "figures"), k, f)
  {
    const char *sc = json_string_value(json_object_get(f, "scorer"));
    csat += sc && strcmp(sc, "csat") == 0;
    nps += sc && strcmp(sc, "nps") == 0;
  }
  ok(csat > 0 && nps == 0,
     "w2 runs the declared scorer, not w1's nps that the check made (%zu "
     "nps figures)",
     nps);
  json_decref(r);
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
