/*
** Which scorer scores which question, through whole cycles: by declared
** type and role (a "ces" question goes to ces only, a Kano pair, an
** expectation or an importance never to csat or reliability), SERVQUAL
** weighted by the template's importance questions, gap 1 on
** expectations, one min_n rule for every scorer, and a note for a scorer
** that finds nothing. Figures against the vectors of doc/methods.md.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static char store[512], pb[512];

static mj_engine *engine_for(const char *playbook)
{
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = 1795000000; /* 2026-11-18 */
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, playbook, strlen(playbook)) != MJ_OK)
    bail("engine: %s", e ? mj_errmsg(e) : "");
  return e;
}

static int add(mj_engine *e, const char *qn, const char *id,
               const char *const *q, const char *const *v, size_t n)
{
  int rc = mj_response_add(e, qn, id, "c1", q, v, n);
  if (rc != MJ_OK)
    bail("response %s: %s", id, mj_errmsg(e));
  return rc;
}

/* The last cycle's figures as JSON (owned by the caller). */
static json_t *figures(mj_engine *e)
{
  char *text = NULL;
  if (mj_report(e, "json", 0, &text, NULL) != MJ_OK || !text)
    bail("report: %s", mj_errmsg(e));
  json_t *doc = json_loads(text, 0, NULL);
  mj_free(text);
  if (!doc)
    bail("report is not JSON");
  return doc;
}

static int same(json_t *o, const char *key, const char *want)
{
  json_t *v = json_object_get(o, key);
  if (!want)
    return !v || json_is_null(v);
  return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* The figure of scorer.metric about question (or requirement, or subject;
** NULL: any) in segment "all", or NULL. */
static json_t *fig(json_t *doc, const char *scorer, const char *metric,
                   const char *question, const char *subject)
{
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(doc, "figures"), i, f)
  {
    if (!same(f, "scorer", scorer) || !same(f, "segment", "all") ||
        (metric && !same(f, "metric", metric)))
      continue;
    if (question && !same(f, "question", question) &&
        !same(f, "requirement", question))
      continue;
    if (subject && !same(f, "subject", subject))
      continue;
    return f;
  }
  return NULL;
}

static double value(json_t *f)
{
  json_t *v = f ? json_object_get(f, "value") : NULL;
  return v && json_is_number(v) ? json_number_value(v) : NAN;
}

static long long n_of(json_t *f)
{
  return f ? (long long)json_integer_value(json_object_get(f, "n")) : -1;
}

/* ---- types and roles --------------------------------------------------- */

static const char roles_pb[] =
    "local servqual = require 'mejora.templates.servqual'\n"
    "local ces = require 'mejora.templates.ces'\n"
    "local kano = require 'mejora.templates.kano'\n"
    "customer 'c1' {}\n"
    "questionnaire 'sq' { servqual.questions { weights = true } }\n"
    "questionnaire 'soporte' {\n"
    "  ces.questions { reason = false },\n"
    "  question 's7' { type = 'scale7' },\n"
    "  question 'r2' { type = 'scale7' },\n"
    "  kano.questions { features = { { id = 'chat', en = 'chat',\n"
    "                                  es = 'chat' } } },\n"
    "  question 'imp' { type = 'scale5', tags = { role = 'importance' } },\n"
    "}\n"
    "cycle 'c' { scorers = { 'csat', 'ces', 'reliability', 'servqual' },\n"
    "            min_n = 1 }\n";

/* servqual_example.csv: E and P rows of 3 respondents, 22 items and the
** 100 points over the five dimensions. */
static void servqual_example(mj_engine *e)
{
  const char *dir = getenv("VECTORS");
  char path[1024];
  snprintf(path, sizeof path, "%s/servqual_example.csv", dir ? dir : ".");
  char *text = tap_slurp(path, NULL);
  if (!text)
    bail("cannot read %s (VECTORS)", path);
  static const char *const dims[] = {"tangibles", "reliability",
                                     "responsiveness", "assurance",
                                     "empathy"};
  char ids[49][32], vals[49][16];
  const char *q[49], *v[49];
  size_t n = 0;
  char resp[16] = "";
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#' || strncmp(line, "resp,", 5) == 0)
      continue;
    char *cell[29];
    size_t k = 0;
    for (char *p = line; k < 29; k++) {
      cell[k] = p;
      char *end = strchr(p, ',');
      if (end)
        *end = '\0';
      p = end ? end + 1 : p + strlen(p);
    }
    int is_p = cell[1][0] == 'P';
    if (!is_p) {
      n = 0;
      snprintf(resp, sizeof resp, "%s", cell[0]);
    }
    for (int i = 1; i <= 22; i++, n++) {
      snprintf(ids[n], sizeof ids[n], "sq_%c%02d", is_p ? 'p' : 'e', i);
      snprintf(vals[n], sizeof vals[n], "%s",
               *cell[1 + i] ? cell[1 + i] : "na");
    }
    if (!is_p)
      continue;
    for (int d = 0; d < 5; d++, n++) {
      snprintf(ids[n], sizeof ids[n], "sq_w_%s", dims[d]);
      snprintf(vals[n], sizeof vals[n], "%s", cell[24 + d]);
    }
    for (size_t i = 0; i < n; i++) {
      q[i] = ids[i];
      v[i] = vals[i];
    }
    add(e, "sq", resp, q, v, n);
  }
  free(text);
}

static void types_and_roles(void)
{
  mj_engine *e = engine_for(roles_pb);
  /* doc/methods.md#ces example: 1:2 2:3 3:5 4:10 5:20 6:35 7:25. */
  static const int counts[7] = {2, 3, 5, 10, 20, 35, 25};
  int k = 0;
  for (int v = 1; v <= 7; v++)
    for (int j = 0; j < counts[v - 1]; j++, k++) {
      char id[16], a[4], b[4];
      snprintf(id, sizeof id, "s%03d", k);
      snprintf(a, sizeof a, "%d", v);
      snprintf(b, sizeof b, "%d", 1 + (k * 5 + v) % 7);
      const char *q[] = {"ces", "s7", "r2", "kano_chat_f", "kano_chat_d",
                         "imp"};
      const char *val[] = {a, a, b, k % 2 ? "1" : "2", "5", "3"};
      add(e, "soporte", id, q, val, 6);
    }
  servqual_example(e);
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "types and roles: cycle runs: %s",
         mj_errmsg(e));
  json_t *doc = figures(e);

  is_double(5.48, value(fig(doc, "ces", "mean", "ces", NULL)), 1e-12,
            "type = \"ces\" is scored by ces: mean 5.48");
  is_double(80, value(fig(doc, "ces", "easy", "ces", NULL)), 1e-12,
            "ces easy (5-7) 80%%");
  ok(!fig(doc, "ces", NULL, "s7", NULL),
     "ces leaves a scale7 rating alone (no \"effort\" for it)");
  ok(!fig(doc, "ces", NULL, "sq_e01", NULL),
     "ces leaves SERVQUAL expectations alone");
  ok(!fig(doc, "csat", NULL, "ces", NULL),
     "csat leaves the ces question alone");
  is_double(60, value(fig(doc, "csat", "t2b", "s7", NULL)), 1e-12,
            "csat scores the scale7 rating: top-2-box 60%%");
  ok(!fig(doc, "csat", NULL, "kano_chat_f", NULL) &&
         !fig(doc, "csat", NULL, "kano_chat_d", NULL),
     "csat leaves the Kano pair alone");
  ok(!fig(doc, "csat", NULL, "imp", NULL),
     "csat leaves an importance question alone");
  ok(!fig(doc, "csat", NULL, "sq_e01", NULL) &&
         !fig(doc, "csat", NULL, "sq_w_tangibles", NULL),
     "csat leaves expectations and the 100 points alone");
  ok(fig(doc, "csat", "mean", "sq_p01", NULL) != NULL,
     "csat scores a SERVQUAL perception (a rating of the service)");
  ok(!fig(doc, "reliability", NULL, NULL, "question:kano_chat_f") &&
         !fig(doc, "reliability", NULL, NULL, "question:imp"),
     "reliability leaves the Kano pair and the importance out");
  ok(fig(doc, "reliability", "item_total", NULL, "question:s7") != NULL,
     "reliability takes the scale7 ratings");
  ok(!fig(doc, "reliability", NULL, NULL, "question:sq_e01") &&
         fig(doc, "reliability", NULL, NULL, "question:sq_p01"),
     "reliability: perceptions, not expectations");

  /* The template's importance questions have no servqual id. */
  json_t *w = fig(doc, "servqual", "gap_weighted", NULL, NULL);
  while (w && !json_is_null(json_object_get(w, "subject")))
    w = NULL; /* fig() took a dimension: look for the overall below */
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(doc, "figures"), i, f)
  {
    if (same(f, "scorer", "servqual") && same(f, "subject", NULL) &&
        same(f, "segment", "all") && same(f, "metric", "gap_weighted"))
      w = f;
  }
  is_double(-0.918333, value(w), 5e-7,
            "SERVQUAL template: weighted gap -0.918333");
  is_int(3, n_of(w), "weighted gap over the 3 respondents");
  json_t *g = NULL;
  json_array_foreach(json_object_get(doc, "figures"), i, f)
  {
    if (same(f, "scorer", "servqual") && same(f, "subject", NULL) &&
        same(f, "segment", "all") && same(f, "metric", "gap"))
      g = f;
  }
  is_double(-0.706667, value(g), 5e-7, "unweighted gap -0.706667");
  json_decref(doc);

  char *text = NULL;
  mj_report(e, "text", 0, &text, NULL);
  const char *ov = text ? strstr(text, "(overall)") : NULL;
  ok(ov && strncmp(ov + strspn(ov + 9, " ") + 9, "3 ", 2) == 0,
     "the SERVQUAL (overall) row shows n 3");
  mj_free(text);
  mj_engine_free(e);
}

/* ---- gap 1, min_n, notes ------------------------------------------------ */

static const char rules_pb[] =
    "customer 'c1' { since = '2026-01-01' }\n"
    "customer 'c2' { since = '2026-01-01', [\"until\"] = '2026-11-10' }\n"
    "customer 'c3' { since = '2026-01-01' }\n"
    "requirement 'R1' { target = 4 }\n"
    "questionnaire 'q' {\n"
    "  question 'p1' { type = 'scale5', measures = 'R1' },\n"
    "  question 'e1' { type = 'scale5', measures = 'R1',\n"
    "                  tags = { role = 'expectation' } },\n"
    "  question 'kf' { type = 'scale5', tags = { kano = 'chat',\n"
    "                  side = 'functional' } },\n"
    "  question 'kd' { type = 'scale5', tags = { kano = 'chat',\n"
    "                  side = 'dysfunctional' } },\n"
    "}\n"
    "questionnaire 'staff' { question 'b' { type = 'scale5',\n"
    "  tags = { believes_expects = 'R1' } } }\n"
    "cycle 'c' {\n"
    "  scorers = { 'csat', 'servqual', 'kano', 'retention', 'ces' },\n"
    "  period = { from = '2026-11-01', to = '2026-12-01' }, min_n = 4 }\n";

static void gap1_min_n_notes(void)
{
  mj_engine *e = engine_for(rules_pb);
  /* Customers rate R1 2, 3, 3, 4, 4 (mean 3.2) and expect 5, 5, 4, 5, 4
  ** (mean 4.6); the staff believe they expect 4, 5, 3, 4 (mean 4). */
  static const char *const p[] = {"2", "3", "3", "4", "4"};
  static const char *const x[] = {"5", "5", "4", "5", "4"};
  for (int i = 0; i < 5; i++) {
    char id[8];
    snprintf(id, sizeof id, "r%d", i);
    const char *q[] = {"p1", "e1", "kf", "kd"};
    const char *v[] = {p[i], x[i], "1", i < 3 ? "5" : "na"};
    add(e, "q", id, q, v, i < 3 ? 4 : 3);
  }
  static const char *const b[] = {"4", "5", "3", "4"};
  for (int i = 0; i < 4; i++) {
    char id[8];
    snprintf(id, sizeof id, "s%d", i);
    const char *q[] = {"b"};
    const char *v[] = {b[i]};
    add(e, "staff", id, q, v, 1);
  }
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "gaps: cycle runs: %s",
         mj_errmsg(e));
  json_t *doc = figures(e);
  is_double(3.2, value(fig(doc, "csat", "mean", "R1", NULL)), 1e-12,
            "csat.mean:R1 pools the ratings only (3.2), not expectations");
  is_double(4.6,
            value(fig(doc, "servqual", "expectation", NULL, "requirement:R1")),
            1e-12, "customers expect 4.6 of R1");
  json_t *g1 = fig(doc, "gaps", "gap1", "R1", NULL);
  is_double(4.0 - 4.6, value(g1), 1e-12,
            "gap 1 = believed expectation 4 - customers' expectation 4.6");
  is_int(5, n_of(g1), "gap 1's n: the 5 customers");
  is_double(4.0 - 4.0, value(fig(doc, "gaps", "gap2", "R1", NULL)), 1e-12,
            "gap 2 = target 4 - believed expectation 4");

  /* min_n = 4: one rule for every scorer. */
  json_t *cat = fig(doc, "kano", "category", NULL, "feature:chat");
  ok(cat && isnan(value(cat)) && n_of(cat) == 3 &&
         same(cat, "label", NULL),
     "kano on 3 usable pairs (< min_n 4): kept with n 3, no value or label");
  json_t *ret = fig(doc, "retention", "retention", NULL, NULL);
  ok(ret && isnan(value(ret)) && n_of(ret) == 3,
     "retention of 3 customers (< min_n 4): kept with n 3, no value");
  json_t *t2b = fig(doc, "csat", "t2b", "b", NULL);
  is_double(75, value(t2b), 1e-12, "4 staff answers reach min_n 4: 75%%");

  /* A scorer that finds nothing says so. */
  size_t i;
  json_t *f;
  int noted = 0;
  json_array_foreach(json_object_get(doc, "figures"), i, f)
  {
    const char *l = json_string_value(json_object_get(f, "label"));
    noted |= same(f, "scorer", "cycle") && same(f, "metric", "note") && l &&
             strstr(l, "scorer ces found nothing to score") &&
             strstr(l, "type ces");
  }
  ok(noted, "the ces scorer with no ces question leaves a note");
  json_decref(doc);
  char *text = NULL;
  mj_report(e, "text", 0, &text, NULL);
  ok(text && strstr(text, "Notes:") &&
         strstr(text, "scorer ces found nothing to score"),
     "and the report lists it under Notes");
  const char *k = text ? strstr(text, "feature:chat") : NULL;
  const char *eol = k ? strchr(k, '\n') : NULL;
  const char *few = k ? strstr(k, "too few answers") : NULL;
  ok(few && eol && few < eol,
     "the report's Kano row below min_n reads \"too few answers\"");
  mj_free(text);
  mj_engine_free(e);
}

int main(void)
{
  plan(30);
  char *dir = tap_tmpdir("scoring");
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  snprintf(store, sizeof store, "sqlite:%s/roles.db", dir);
  types_and_roles();
  snprintf(store, sizeof store, "sqlite:%s/gaps.db", dir);
  gap1_min_n_notes();
  tap_rmtree(dir);
  free(dir);
  return 0;
}
