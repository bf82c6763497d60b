/*
** The plan API over time, with the clock pinned: a plan opens, is flagged
** overdue exactly once after its due date, closes without verification
** when its actions are done and it declares no verify, and every step is
** in its history. Two engines on one store stand for two days.
*/
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "customer \"c1\" {}\n"
    "requirement \"R1\" { target = 4 }\n"
    "questionnaire \"q\" { question \"a\" { type = \"scale5\", measures = "
    "\"R1\" } }\n"
    "plan \"P\" { owner = \"ana\", due = \"1w\", actions = { \"one\", \"two\" "
    "},\n"
    "  when = function(r) return r.below(\"R1\") end }\n"
    "cycle \"c1\" { min_n = 1,\n"
    "  period = { from = \"2026-11-01\", to = \"2026-12-01\" } }\n"
    "cycle \"c2\" { min_n = 1 }\n"
    "cycle \"c3\" { min_n = 1 }\n"
    "cycle \"c4\" { min_n = 1 }\n";

static char store[512], pb[512];

/* An engine on the store with playbook text loaded, its clock at now. */
static mj_engine *engine_with(const char *text, int64_t now)
{
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = now;
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, text, strlen(text)) != MJ_OK)
    bail("engine: %s", e ? mj_errmsg(e) : "");
  return e;
}

static mj_engine *engine_at(int64_t now)
{
  return engine_with(playbook, now);
}

/* The plan's history as "kind,kind,..." and its status. */
static void history_of(mj_engine *e, const char *id, char *kinds, size_t n,
                       char *status)
{
  char *text = NULL;
  kinds[0] = status[0] = 0;
  if (mj_plans(e, id, "json", &text, NULL) != MJ_OK)
    return;
  json_t *a = json_loads(text, 0, NULL);
  mj_free(text);
  json_t *p = json_array_get(a, 0), *ev;
  snprintf(status, 32, "%s", json_string_value(json_object_get(p, "status")));
  size_t i;
  json_array_foreach(json_object_get(p, "events"), i, ev)
  {
    size_t used = strlen(kinds);
    snprintf(kinds + used, n - used, "%s%s", used ? "," : "",
             json_string_value(json_object_get(ev, "kind")));
  }
  json_decref(a);
}

static void history(mj_engine *e, char *kinds, size_t n, char *status)
{
  history_of(e, "P", kinds, n, status);
}

/*
** A declarative trigger (when = "...") through whole cycles: it opens the
** plan with the figures it read as evidence, a plan closed in a cycle is
** not reopened on that cycle's evidence, and gaps 2 and 4 are figured.
*/
static const char rules_pb[] =
    "customer \"c1\" {}\n"
    "customer \"s1\" {}\n"
    "requirement \"R1\" { target = 4 }\n"
    "questionnaire \"q\" { question \"a\" { type = \"scale5\", measures = "
    "\"R1\" } }\n"
    "questionnaire \"staff\" { question \"b\" { type = \"scale5\",\n"
    "  tags = { believes_expects = \"R1\" } } }\n"
    "promise \"PR1\" { text = \"4.5 or better\", indicator = \"mean:R1\", "
    "promised = 4.5 }\n"
    "plan \"D\" { owner = \"ana\", actions = { \"one\" },\n"
    "  when = \"mean:R1 < target and csat.mean:q/a <= 2\" }\n"
    "cycle \"c1\" { min_n = 1,\n"
    "  period = { from = \"2026-11-01\", to = \"2026-12-01\" } }\n"
    "cycle \"c2\" { min_n = 1 }\n"
    "cycle \"c3\" { min_n = 1,\n"
    "  period = { from = \"2027-01-01\", to = \"2027-02-01\" } }\n";

/* An engine whose clock is now: responses it records belong to the cycle
** whose period holds it. */
static mj_engine *rules_engine(int64_t now)
{
  return engine_with(rules_pb, now);
}

/* Does some line of text hold a, then b, then c? */
static int has_line(const char *text, const char *a, const char *b,
                    const char *c)
{
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1
                                                          : NULL) {
    const char *end = strchr(l, '\n');
    const char *x = strstr(l, a), *y = x ? strstr(x, b) : NULL,
               *z = y ? strstr(y, c) : NULL;
    if (z && (!end || z < end))
      return 1;
  }
  return 0;
}

static void declarative(const char *dir)
{
  snprintf(store, sizeof store, "sqlite:%s/rules.db", dir);
  mj_engine *e = rules_engine(1795000000); /* 2026-11-18, in c1 */
  const char *q[] = {"a"}, *v[] = {"2"}, *qs[] = {"b"}, *vs[] = {"5"};
  mj_response_add(e, "q", "r1", "c1", q, v, 1);
  mj_response_add(e, "staff", "r2", "s1", qs, vs, 1);
  is_int(MJ_OK, mj_cycle_run(e, "c1", NULL), "rules: cycle 1 runs");
  char *text = NULL;
  json_t *a = NULL;
  if (mj_plans(e, "D", "json", &text, NULL) == MJ_OK)
    a = json_loads(text, 0, NULL);
  mj_free(text);
  json_t *p = json_array_get(a, 0);
  is_string("open", json_string_value(json_object_get(p, "status")),
            "rules: mean 2 < target 4 and q/a 2 <= 2 opened D");
  json_t *ev = json_object_get(p, "evidence");
  ok(json_array_size(ev) == 2 &&
         json_real_value(json_object_get(json_array_get(ev, 0), "value")) ==
             2.0 &&
         strcmp(json_string_value(json_object_get(json_array_get(ev, 1),
                                                  "question")),
                "a") == 0,
     "rules: the evidence is the two figures the rule read");
  json_decref(a);

  char kinds[256], status[32];
  mj_plan_change ch = {0};
  ch.struct_size = sizeof ch;
  ch.action = 1;
  ch.status = "done";
  mj_plan_update(e, "D", &ch);
  is_int(MJ_OK, mj_cycle_run(e, "c2", NULL), "rules: cycle 2 runs");
  history_of(e, "D", kinds, sizeof kinds, status);
  is_string("opened,action.updated,closed", kinds,
            "rules: closed in cycle 2 and not reopened on its evidence");
  /* January's answers, as November's. */
  mj_engine_free(e);
  e = rules_engine(1800000000); /* 2027-01-15, in c3 */
  mj_response_add(e, "q", "r3", "c1", q, v, 1);
  mj_response_add(e, "staff", "r4", "s1", qs, vs, 1);
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "rules: cycle 3 runs");
  history_of(e, "D", kinds, sizeof kinds, status);
  is_string("opened,action.updated,closed,opened", kinds,
            "rules: a later cycle's evidence reopens it");

  /* Gap 2: R1's target 4 - staff's belief 5 = -1; gap 4: mean 2 - 4.5. */
  ok(mj_report(e, "text", 0, &text, NULL) == MJ_OK && text &&
         has_line(text, "gap2  specification - believed expectation",
                  "R1 via b", "-1.00") &&
         has_line(text, "gap4  delivery - promise", " PR1 ", "-2.50"),
     "rules: the report shows gaps 2 and 4");
  if (!text || !strstr(text, "gap4"))
    diag("%s", text ? text : mj_errmsg(e));
  mj_free(text);
  mj_engine_free(e);
}

/* Gap 5 is SERVQUAL's overall P - E gap: two respondents, one dimension
** of two items; item gaps (-1, 0) and (-2, -1) give respondent means
** -0.5 and -1.5, so the overall gap is -1
** (doc/methods.md#servqual-and-servperf). */
static const char servqual_pb[] =
    "segment \"s\" {}\n"
    "customer \"c1\" { segment = \"s\" }\n"
    "customer \"c2\" { segment = \"s\" }\n"
    "questionnaire \"sq\" {\n"
    "  question \"e1\" { type = \"scale5\", tags = { servqual = \"T1\","
    " role = \"expectation\", dimension = \"reliability\" } },\n"
    "  question \"p1\" { type = \"scale5\", tags = { servqual = \"T1\","
    " role = \"perception\", dimension = \"reliability\" } },\n"
    "  question \"e2\" { type = \"scale5\", tags = { servqual = \"T2\","
    " role = \"expectation\", dimension = \"reliability\" } },\n"
    "  question \"p2\" { type = \"scale5\", tags = { servqual = \"T2\","
    " role = \"perception\", dimension = \"reliability\" } },\n"
    "}\n"
    "cycle \"w\" { scorers = { \"servqual\" }, min_n = 1 }\n";

static void gap5(const char *dir)
{
  snprintf(store, sizeof store, "sqlite:%s/gap5.db", dir);
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, servqual_pb, strlen(servqual_pb)) !=
          MJ_OK)
    bail("engine: %s", e ? mj_errmsg(e) : "");
  const char *q[] = {"e1", "p1", "e2", "p2"};
  const char *v1[] = {"5", "4", "4", "4"}, *v2[] = {"5", "3", "5", "4"};
  mj_response_add(e, "sq", "r1", "c1", q, v1, 4);
  mj_response_add(e, "sq", "r2", "c2", q, v2, 4);
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "gap 5: the cycle runs: %s",
         mj_errmsg(e));
  char *text = NULL;
  ok(mj_report(e, "text", 0, &text, NULL) == MJ_OK && text &&
         has_line(text, "gap5  perception - expectation", "overall",
                  "-1.00"),
     "gap 5: the report shows SERVQUAL's overall gap -1.00");
  if (!text || !strstr(text, "gap5"))
    diag("%s", text ? text : mj_errmsg(e));
  mj_free(text);
  mj_engine_free(e);
}


/*
** A plan verified with Welch's t keeps the figures as computed: before,
** after and the p-value read back as the very doubles of the cycles'
** figures, and the p-value is scipy's ttest_ind(after, before,
** equal_var=False) to rounding error. Times in the JSON are ISO 8601.
*/
static const char verify_pb[] =
    "customer \"c1\" {}\n"
    "requirement \"R1\" { target = 4 }\n"
    "questionnaire \"q\" { question \"a\" { type = \"scale5\", measures = \"R1\" } }\n"
    "plan \"V\" { owner = \"ana\", due = \"1w\", actions = { \"one\" },\n"
    "  verify = { metric = \"csat.mean:R1\", test = \"welch\" },\n"
    "  when = function(r) return r.below(\"R1\") end }\n"
    "cycle \"w1\" { min_n = 1 }\n"
    "cycle \"w2\" { min_n = 1 }\n";

/* The csat mean of R1 over all segments in cycle id (0: the last). */
static double r1_mean(mj_engine *e, int64_t cycle)
{
  char *text = NULL;
  double v = -1;
  if (mj_report(e, "json", cycle, &text, NULL) != MJ_OK)
    return v;
  json_t *r = json_loads(text, 0, NULL), *f;
  mj_free(text);
  size_t i;
  json_array_foreach(json_object_get(r, "figures"), i, f)
  {
    const char *req = json_string_value(json_object_get(f, "requirement"));
    if (req && strcmp(req, "R1") == 0 &&
        strcmp(json_string_value(json_object_get(f, "scorer")), "csat") == 0 &&
        strcmp(json_string_value(json_object_get(f, "metric")), "mean") == 0 &&
        strcmp(json_string_value(json_object_get(f, "segment")), "all") == 0)
      v = json_real_value(json_object_get(f, "value"));
  }
  json_decref(r);
  return v;
}

/* "YYYY-MM-DDThh:mm:ssZ"? */
static int is_iso(const json_t *v)
{
  const char *s = json_string_value(v);
  int64_t y, mo, d, h, mi, sec;
  char z = 0;
  return s && strlen(s) == 20 &&
         sscanf(s, "%4" SCNd64 "-%2" SCNd64 "-%2" SCNd64 "T%2" SCNd64
                   ":%2" SCNd64 ":%2" SCNd64 "%c",
                &y, &mo, &d, &h, &mi, &sec, &z) == 7 &&
         z == 'Z';
}

static void verified(const char *dir)
{
  snprintf(store, sizeof store, "sqlite:%s/verify.db", dir);
  char csv[600];
  snprintf(csv, sizeof csv, "%s/answers.csv", dir);
  tap_write(csv, "response_id,customer_id,wave,a\n"
                 "b1,c1,w1,2\nb2,c1,w1,2\nb3,c1,w1,3\nb4,c1,w1,1\n"
                 "b5,c1,w1,2\nb6,c1,w1,3\nb7,c1,w1,2\n"
                 "a1,c1,w2,5\na2,c1,w2,4\na3,c1,w2,5\na4,c1,w2,4\n"
                 "a5,c1,w2,5\na6,c1,w2,4\na7,c1,w2,3\n");
  mj_engine *e = engine_with(verify_pb, 1795000000);
  is_int(MJ_OK, mj_import(e, "q", csv, NULL), "verify: answers imported: %s",
         mj_errmsg(e));
  int64_t c1 = 0, c2 = 0;
  is_int(MJ_OK, mj_cycle_run(e, "w1", &c1), "verify: w1 runs: %s",
         mj_errmsg(e));
  mj_plan_change ch = {0};
  ch.struct_size = sizeof ch;
  ch.action = 1;
  ch.status = "done";
  mj_plan_update(e, "V", &ch);
  is_int(MJ_OK, mj_cycle_run(e, "w2", &c2), "verify: w2 runs: %s",
         mj_errmsg(e));
  char *text = NULL;
  json_t *a = NULL;
  if (mj_plans(e, "V", "json", &text, NULL) == MJ_OK)
    a = json_loads(text, 0, NULL);
  mj_free(text);
  json_t *p = json_array_get(a, 0), *events = json_object_get(p, "events");
  json_t *v = json_object_get(json_array_get(events, json_array_size(events) - 1),
                              "note");
  double before = r1_mean(e, c1), after = r1_mean(e, c2);
  ok(fabs(before - 15.0 / 7) < 1e-12 && fabs(after - 30.0 / 7) < 1e-12,
     "verify: the cycles' means are 15/7 and 30/7 (%.17g, %.17g)", before,
     after);
  ok(json_real_value(json_object_get(v, "before")) == before &&
         json_real_value(json_object_get(v, "after")) == after &&
         json_real_value(json_object_get(v, "delta")) == after - before,
     "verify: before, after and delta are stored as computed");
  is_rel(0.0001318746855567911, json_real_value(json_object_get(v, "p_value")),
         1e-12, "verify: Welch's p is scipy's to rounding error");
  ok(json_real_value(json_object_get(v, "alpha")) == 0.05 &&
         json_is_true(json_object_get(v, "effective")),
     "verify: alpha 0.05 as given; effective");
  json_t *act = json_array_get(json_object_get(p, "actions"), 0);
  ok(is_iso(json_object_get(act, "due_at")) &&
         is_iso(json_object_get(act, "done_at")) &&
         is_iso(json_object_get(p, "due_at")),
     "verify: the plan's and its action's due_at and done_at are ISO 8601");
  json_decref(a);
  mj_engine_free(e);
}

int main(void)
{
  plan(16 + 1 + 8 + 2 + 8);
  char *dir = tap_tmpdir("plans");
  snprintf(store, sizeof store, "sqlite:%s/p.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  const int64_t day = 86400, t0 = 1795000000;
  char kinds[256], status[32];

  mj_engine *e = engine_at(t0);
  const char *q[] = {"a"}, *v[] = {"2"};
  mj_response_add(e, "q", "r1", "c1", q, v, 1);
  is_int(MJ_OK, mj_cycle_run(e, "c1", NULL), "day 0: cycle runs");
  history(e, kinds, sizeof kinds, status);
  is_string("open", status, "the plan opened");

  char *text = NULL;
  is_int(MJ_ENOTFOUND, mj_plans(e, "nope", "json", &text, NULL),
         "an unknown plan is not found");
  is_int(MJ_EINVAL, mj_plans(e, NULL, "xml", &text, NULL),
         "an unknown format is refused");
  mj_plan_change ch = {0};
  ch.struct_size = 3;
  is_int(MJ_EINVAL, mj_plan_update(e, "P", &ch),
         "a change of a bad struct_size is refused");
  memset(&ch, 0, sizeof ch);
  ch.struct_size = sizeof ch;
  ch.action = 1;
  ch.status = "done";
  is_int(MJ_OK, mj_plan_update(e, "P", &ch), "action 1 done");
  mj_engine_free(e);

  e = engine_at(t0 + 8 * day); /* a week and a day later */
  is_int(MJ_OK, mj_cycle_run(e, "c2", NULL), "day 8: cycle runs");
  history(e, kinds, sizeof kinds, status);
  is_string("opened,action.updated,overdue", kinds,
            "past its due date the plan is flagged overdue");
  json_t *pl = NULL;
  if (mj_plans(e, "P", "json", &text, NULL) == MJ_OK)
    pl = json_loads(text, 0, NULL);
  mj_free(text);
  json_t *od = json_object_get(
      json_array_get(json_object_get(json_array_get(pl, 0), "events"), 2),
      "note");
  ok(is_iso(json_object_get(od, "due_at")) && is_iso(json_object_get(od, "now")),
     "the overdue note's due_at and now are ISO 8601");
  json_decref(pl);
  is_string("open", status, "and stays open");
  is_int(MJ_OK, mj_cycle_run(e, "c3", NULL), "day 8 again");
  history(e, kinds, sizeof kinds, status);
  is_string("opened,action.updated,overdue", kinds, "flagged only once");

  ch.action = 2;
  ch.note = "done at last";
  is_int(MJ_OK, mj_plan_update(e, "P", &ch), "action 2 done, with a note");
  is_int(MJ_OK, mj_cycle_run(e, "c4", NULL), "the next cycle reviews it");
  history(e, kinds, sizeof kinds, status);
  is_string("closed", status,
            "every action done and nothing to verify: closed");
  is_string("opened,action.updated,overdue,action.updated,closed", kinds,
            "the whole history reads back in order");
  ok(mj_plans(e, NULL, "text", &text, NULL) == MJ_OK &&
         strstr(text, "P ") && strstr(text, "closed"),
     "the text list shows it closed");
  mj_free(text);
  mj_engine_free(e);
  declarative(dir);
  gap5(dir);
  verified(dir);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
