/*
** Figures that could mislead on their face: an NPS whose point lies
** outside its own interval (one detractor: -100 with the adjusted-Wald
** interval [-98.5, 48.5], centred on the adjusted NPS of -25) is flagged
** in JSON, text and Markdown; a change no test judged (a Kano "better")
** says test "none" instead of leaving the reader to guess.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "customer \"c1\" {}\n"
    "questionnaire \"q\" {\n"
    "  question \"rec\" { type = \"nps\" },\n"
    "  question \"f\" { type = \"scale5\",\n"
    "    tags = { kano = \"wifi\", side = \"functional\" } },\n"
    "  question \"d\" { type = \"scale5\",\n"
    "    tags = { kano = \"wifi\", side = \"dysfunctional\" } },\n"
    "}\n"
    "cycle \"w1\" { scorers = { \"nps\", \"kano\" }, min_n = 1 }\n"
    "cycle \"w2\" { scorers = { \"nps\", \"kano\" }, min_n = 1 }\n";

/* Wave w1: one detractor, one pair O (like having, dislike lacking).
** Wave w2: two promoters and a detractor; pairs A, M and I. */
static const char answers[] = "response_id,customer_id,wave,rec,f,d\n"
                              "r1,c1,w1,0,1,5\n"
                              "r2,c1,w2,9,1,3\n"
                              "r3,c1,w2,10,3,5\n"
                              "r4,c1,w2,0,3,3\n";

/* The figure of scorer and metric (and subject, when given) in a JSON
** report. */
static json_t *figure(json_t *report, const char *scorer, const char *metric,
                      const char *subject)
{
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(report, "figures"), i, f)
  {
    const char *sub = json_string_value(json_object_get(f, "subject"));
    if (strcmp(json_string_value(json_object_get(f, "scorer")), scorer) ==
            0 &&
        strcmp(json_string_value(json_object_get(f, "metric")), metric) ==
            0 &&
        (!subject || (sub && strcmp(sub, subject) == 0)))
      return f;
  }
  return NULL;
}

static json_t *json_report(mj_engine *e, int64_t cycle)
{
  char *text = NULL;
  json_t *r = NULL;
  if (mj_report(e, "json", cycle, &text, NULL) == MJ_OK)
    r = json_loads(text, 0, NULL);
  mj_free(text);
  return r;
}

static double num(const json_t *f, const char *key)
{
  return json_is_number(json_object_get(f, key))
             ? json_number_value(json_object_get(f, key))
             : NAN;
}

int main(void)
{
  plan(12);
  char *dir = tap_tmpdir("report");
  char store[512], pb[512], csv[512];
  snprintf(store, sizeof store, "sqlite:%s/r.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  snprintf(csv, sizeof csv, "%s/answers.csv", dir);
  tap_write(csv, answers);
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = 1795000000;
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, playbook, strlen(playbook)) != MJ_OK)
    bail("engine: %s", e ? mj_errmsg(e) : "");
  is_int(MJ_OK, mj_import(e, "q", csv, NULL), "answers imported: %s",
         mj_errmsg(e));
  int64_t c1 = 0, c2 = 0;
  is_int(MJ_OK, mj_cycle_run(e, "w1", &c1), "w1 runs: %s", mj_errmsg(e));
  is_int(MJ_OK, mj_cycle_run(e, "w2", &c2), "w2 runs: %s", mj_errmsg(e));

  /* [PUB] brendan-r/NPS: one detractor is NPS -1 (-100 points); the
  ** adjusted Wald adds 0.75/1.5/0.75, so NPS_adj = -0.25 and SE_adj =
  ** sqrt((0.625 - 0.0625)/4) = 0.375 (doc/methods.md#nps). */
  const double z = 1.959963984540054;
  json_t *r1 = json_report(e, c1);
  json_t *nps = figure(r1, "nps", "nps", NULL);
  ok(num(nps, "value") == -100.0 &&
         fabs(num(nps, "ci_low") - 100 * (-0.25 - z * 0.375)) < 1e-9 &&
         fabs(num(nps, "ci_high") - 100 * (-0.25 + z * 0.375)) < 1e-9,
     "n = 1: NPS -100 with the adjusted-Wald interval [-98.5, 48.5]");
  ok(json_is_true(json_object_get(nps, "value_outside_ci")),
     "JSON: the NPS says its point lies outside its interval");
  ok(json_is_false(json_object_get(figure(r1, "nps", "promoters", NULL),
                                   "value_outside_ci")),
     "JSON: a Wilson share holds its point: value_outside_ci false");
  ok(json_is_null(json_object_get(figure(r1, "nps", "nps_se", NULL),
                                  "value_outside_ci")),
     "JSON: a figure without an interval: value_outside_ci null");
  ok(json_is_null(json_object_get(nps, "delta")) &&
         json_is_null(json_object_get(nps, "test")),
     "JSON: no previous cycle, no delta and no test");
  json_decref(r1);

  char *text = NULL;
  ok(mj_report(e, "text", c1, &text, NULL) == MJ_OK &&
         strstr(text, "-100.0 [-98.5, 48.5]*") &&
         strstr(text, "* 1 figure(s) lie outside their own interval") &&
         strstr(text, "adjusted Wald"),
     "text: the NPS is starred and a note says why");
  mj_free(text);
  text = NULL;
  ok(mj_report(e, "md", c1, &text, NULL) == MJ_OK &&
         strstr(text, "-100.0 [-98.5, 48.5]*") &&
         strstr(text, "1 figure(s) lie outside their own interval"),
     "Markdown: the same star and note");
  mj_free(text);

  /* Kano "better" (A + O)/(A + O + M + I): 1 in w1, 1/3 in w2. */
  json_t *r2 = json_report(e, c2);
  json_t *better = figure(r2, "kano", "better", "feature:wifi");
  ok(fabs(num(better, "delta") - (1.0 / 3 - 1.0)) < 1e-12 &&
         json_is_string(json_object_get(better, "test")) &&
         strcmp(json_string_value(json_object_get(better, "test")), "none") ==
             0 &&
         json_is_null(json_object_get(better, "p_change")),
     "a Kano better's delta of -2/3 says test \"none\", p_change null");
  nps = figure(r2, "nps", "nps", NULL);
  ok(json_is_string(json_object_get(nps, "test")) &&
         strcmp(json_string_value(json_object_get(nps, "test")),
                "nps-wald-z") == 0 &&
         json_is_number(json_object_get(nps, "p_change")),
     "a tested change keeps its test's name and p-value");
  json_decref(r2);
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
