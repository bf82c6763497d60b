/*
** Plan triggers: when(r) sees the cycle's figures, fires on a true
** result, records what it read as JSON evidence, and reports errors and
** runaway code with the playbook's file:line.
*/
#define _XOPEN_SOURCE 700 /* realpath */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "playbook.h"
#include "tap.h"

static char path[1200];

static void add(mj_figset *fs, const char *scorer, const char *metric,
                const char *qn, const char *q, const char *req, const char *seg,
                double v, uint64_t n)
{
  mj_result_rec r = {.cycle = 1, .scorer = scorer, .metric = metric,
                     .questionnaire = qn, .question = q, .requirement = req,
                     .segment = seg, .n = n, .value = v, .ci_low = NAN,
                     .ci_high = NAN, .delta = NAN, .p_change = NAN};
  if (mj__figset_add(fs, &r) != MJ_OK)
    bail("figset_add");
}

static const mj_plan *plan_named(const mj_engine *e, const char *id)
{
  for (size_t i = 0; i < e->model->n_plans; i++)
    if (strcmp(e->model->plans[i].id, id) == 0)
      return &e->model->plans[i];
  bail("no plan %s", id);
}

static const char *const MEAN_R1 =
    "{\"scorer\":\"csat\",\"metric\":\"mean\",\"questionnaire\":null,"
    "\"question\":null,\"requirement\":\"R1\",\"segment\":\"all\","
    "\"value\":3.5,\"n\":40}";

static void fires(mj_engine *e, const mj_figset *fs, const char *id, int want,
                  const char *evidence)
{
  int fired = -1;
  char *ev = NULL;
  int rc = mj__trigger_eval(e, plan_named(e, id), fs, &fired, &ev);
  is_int(MJ_OK, rc, "%s: evaluates (%s)", id, mj_errmsg(e));
  is_int(want, fired, "%s: %s", id, want ? "fires" : "does not fire");
  if (evidence)
    is_string(evidence, ev, "%s: evidence", id);
  free(ev);
}

static void fails(mj_engine *e, const mj_figset *fs, const char *id, int code,
                  int line, const char *text)
{
  int fired = -1;
  char *ev = NULL;
  int rc = mj__trigger_eval(e, plan_named(e, id), fs, &fired, &ev);
  char want[1500];
  snprintf(want, sizeof want, "%s:%d: %s", path, line, text);
  is_int(code, rc, "%s: %s", id, mj_err_name(code));
  if (!ok(strncmp(mj_errmsg(e), want, strlen(want)) == 0 && fired == 0,
          "%s: message", id))
    diag("got:  %s\nwant: %s", mj_errmsg(e), want);
  free(ev);
}

/* ---- declarative triggers: when = "MEASURE OP VALUE ..." ---------------- */

static const char rules[] =
    "segment \"retail\" {}\n"                                   /* 1 */
    "requirement \"R1\" { target = 4 }\n"                       /* 2 */
    "requirement \"R2\" {}\n"                                   /* 3 */
    "questionnaire \"q\" { question \"a\" { type = \"scale5\", "
    "measures = \"R1\" } }\n"                                   /* 4 */
    "complaint_category \"late-delivery\" {}\n"                 /* 5 */
    "plan \"lt\" { when = \"mean:R1 < target\" }\n"            /* 6 */
    "plan \"le\" { when = \"csat.mean:R1 <= 3.5\" }\n"         /* 7 */
    "plan \"gt\" { when = \"nps:retail > -20\" }\n"            /* 8 */
    "plan \"ge\" { when = \"nps.nps@retail>=-10\" }\n"         /* 9 */
    "plan \"eq\" { when = \"complaints.count:late-delivery == 12\" }\n"
    "plan \"ne\" { when = \"complaints:late-delivery != 12\" }\n"
    "plan \"and\" { when = \"mean:R1 < target and nps:retail < 0\" }\n"
    "plan \"andf\" { when = \"mean:R1 < target and nps:retail > 0\" }\n"
    "plan \"or\" { when = \"mean:R1 > 4 or complaints:late-delivery > 10\" }\n"
    "plan \"prec\" { when = \"mean:R1 > 4 and nps:retail < 0 or "
    "complaints.fcr >= 50\" }\n"                                 /* 15 */
    "plan \"rate\" { when = \"complaints:late-delivery > 10/month\" }\n"
    "plan \"missing\" { when = \"mean:R1@retail < 5\" }\n"
    "plan \"missor\" { when = \"mean:R1@retail < 5 or nps:retail < 0\" }\n"
    "cycle \"2026-11\" {}\n"
    "cycle \"q4\" { period = { from = \"2026-10-01\", to = \"2027-01-01\" } }\n"
    "cycle \"half\" { period = { from = \"2026-11-01\", to = \"2026-11-16\" } }\n"
    "cycle \"adhoc\" {}\n";

static const char *const NPS_RETAIL =
    "{\"scorer\":\"nps\",\"metric\":\"nps\",\"questionnaire\":\"visit\","
    "\"question\":\"nps\",\"requirement\":null,\"segment\":\"retail\","
    "\"value\":-12.5,\"n\":80}";
static const char *const LATE =
    "{\"scorer\":\"complaints\",\"metric\":\"count\",\"questionnaire\":"
    "\"category\",\"question\":\"late-delivery\",\"requirement\":null,"
    "\"segment\":\"all\",\"value\":12.0,\"n\":30}";

/* Evaluate rule plan id in cycle decl cyc: fired, evidence, why. */
static void rule(mj_engine *e, const mj_figset *fs, const char *id,
                 const char *cyc, int want, const char *evidence,
                 const char *why)
{
  int fired = -1;
  char *ev = NULL, w[512];
  const mj_cycle_decl *d = cyc ? mj__model_cycle(e->model, cyc) : NULL;
  if (cyc && !d)
    bail("no cycle %s", cyc);
  int rc = mj__rule_eval(e, plan_named(e, id), fs, d, &fired, &ev, w,
                         sizeof w);
  is_int(MJ_OK, rc, "rule %s@%s: evaluates (%s)", id, cyc ? cyc : "-",
         mj_errmsg(e));
  is_int(want, fired, "rule %s@%s: %s", id, cyc ? cyc : "-",
         want ? "fires" : "does not fire");
  if (evidence)
    is_string(evidence, ev, "rule %s: evidence", id);
  if (why)
    is_string(why, w, "rule %s: says why", id);
  free(ev);
}

/* A playbook whose line `line` holds a bad when: the load fails there. */
static void bad(const char *when, int line, int code, const char *text)
{
  char pb[1024];
  snprintf(pb, sizeof pb,
           "segment \"retail\" {}\n"
           "requirement \"R1\" { target = 4 }\n"
           "requirement \"R2\" {}\n"
           "complaint_category \"late-delivery\" {}\n"
           "plan \"x\" { owner = \"ana\",\n"
           "  due = \"30d\",\n"
           "  when = %s }\n",
           when);
  mj_opts o;
  mj_opts_init(&o);
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  int rc = mj_playbook_load_buffer(e, "bad.lua", pb, strlen(pb));
  char want[1024];
  snprintf(want, sizeof want, "bad.lua:%d: %s", line, text);
  is_int(code, rc, "when = %s: %s", when, mj_err_name(code));
  if (!ok(strstr(mj_errmsg(e), want) == mj_errmsg(e), "when = %s: message",
          when))
    diag("got:  %s\nwant: %s", mj_errmsg(e), want);
  mj_engine_free(e);
}

static void declarative(void)
{
  mj_opts o;
  mj_opts_init(&o);
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, "rules.lua", rules, strlen(rules)) != MJ_OK)
    bail("cannot load rules: %s", e ? mj_errmsg(e) : "no engine");
  ok(plan_named(e, "lt")->when_rule && plan_named(e, "lt")->when_ref < 0,
     "a string when is compiled at load, no Lua function kept");

  mj_figset fs = {{0}, NULL, 0, 0};
  add(&fs, "csat", "mean", NULL, NULL, "R1", "all", 3.5, 40);
  add(&fs, "nps", "nps", "visit", "nps", NULL, "retail", -12.5, 80);
  add(&fs, "complaints", "count", "category", "late-delivery", NULL, "all",
      12, 30);
  add(&fs, "complaints", "fcr", NULL, NULL, NULL, "all", 60, 30);

  char want[2000];
  snprintf(want, sizeof want, "[%s]", MEAN_R1);
  rule(e, &fs, "lt", NULL, 1, want, "");        /* 3.5 < 4 (R1's target) */
  rule(e, &fs, "le", NULL, 1, want, NULL);      /* 3.5 <= 3.5 */
  snprintf(want, sizeof want, "[%s]", NPS_RETAIL);
  rule(e, &fs, "gt", NULL, 1, want, NULL);      /* -12.5 > -20 */
  rule(e, &fs, "ge", NULL, 0, want, NULL);      /* -12.5 >= -10: no */
  snprintf(want, sizeof want, "[%s]", LATE);
  rule(e, &fs, "eq", NULL, 1, want, NULL);
  rule(e, &fs, "ne", NULL, 0, want, NULL);
  snprintf(want, sizeof want, "[%s,%s]", MEAN_R1, NPS_RETAIL);
  rule(e, &fs, "and", NULL, 1, want, NULL);
  rule(e, &fs, "andf", NULL, 0, want, NULL);
  snprintf(want, sizeof want, "[%s,%s]", MEAN_R1, LATE);
  rule(e, &fs, "or", NULL, 1, want, NULL);      /* 3.5 > 4 no, 12 > 10 */
  /* (false and true) or 60 >= 50: `and` binds tighter than `or`. */
  rule(e, &fs, "prec", NULL, 1, NULL, NULL);
  /* Rates: 12 in one month; in three months 4 a month; in 15 days
  ** 12 / (15 / 30.436875) = 24.3 a month. */
  rule(e, &fs, "rate", "2026-11", 1, NULL, "");
  rule(e, &fs, "rate", "q4", 0, NULL, "");
  rule(e, &fs, "rate", "half", 1, NULL, NULL);
  rule(e, &fs, "rate", "adhoc", 0, NULL,
       "cycle 'adhoc' has no period = { from, to } and its name is not a "
       "month (YYYY-MM): complaints.count:late-delivery per period is not "
       "judged");
  rule(e, &fs, "missing", NULL, 0, "[]",
       "no figure csat.mean:R1@retail this cycle (the clause is false)");
  snprintf(want, sizeof want, "[%s]", NPS_RETAIL);
  rule(e, &fs, "missor", NULL, 1, want, NULL);
  /* mj__trigger_eval takes the same path (no store: no period known). */
  fires(e, &fs, "and", 1, NULL);
  mj__figset_free(&fs);
  mj_engine_free(e);

  bad("\"mean:R3 < 4\"", 7, MJ_EREF,
      "plan \"x\": when \"mean:R3 < 4\": 'mean:R3': unknown requirement "
      "'R3' (did you mean 'R1'?)");
  bad("\"cast.mean:R1 < 4\"", 7, MJ_EREF,
      "plan \"x\": when \"cast.mean:R1 < 4\": 'cast.mean:R1': unknown "
      "scorer 'cast' (did you mean 'csat'?)");
  bad("\"nps:retial < 0\"", 7, MJ_EREF,
      "plan \"x\": when \"nps:retial < 0\": 'nps:retial': unknown segment "
      "'retial' (did you mean 'retail'?)");
  bad("\"complaints:late-delivry > 3\"", 7, MJ_EREF,
      "plan \"x\": when \"complaints:late-delivry > 3\": "
      "'complaints:late-delivry': unknown complaint category 'late-delivry' "
      "(did you mean 'late-delivery'?)");
  bad("\"mean:R1 =< 4\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"mean:R1 =< 4\": after 'mean:R1' comes '=<'; "
      "expected a comparison: < <= > >= == !=");
  bad("\"mean:R1 < lots\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"mean:R1 < lots\": 'lots' is not a value");
  bad("\"complaints:late-delivery > 10/fortnight\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"complaints:late-delivery > 10/fortnight\": "
      "'10/fortnight' is not a value");
  bad("\"mean:R2 < target\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"mean:R2 < target\": 'target' is the target of "
      "the measure's requirement, and requirement 'R2' declares no target");
  bad("\"mean:R1 < 4 and\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"mean:R1 < 4 and\": 'and' at the end needs a "
      "comparison after it");
  bad("\"mean:R1 < 4 nps < 0\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"mean:R1 < 4 nps < 0\": 'nps' where 'and' or "
      "'or' was expected (after '4')");
  bad("\"R1 < 4\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"R1 < 4\": 'R1' is not a measure; write");
  bad("\"maen:R1 < 4\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"maen:R1 < 4\": 'maen:R1' is not a measure (did "
      "you mean 'mean:...'?)");
  bad("\"mean:R1 < tagret\"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"mean:R1 < tagret\": 'tagret' is not a value (did "
      "you mean 'target'?)");
  bad("\"  \"", 7, MJ_EVALIDATE,
      "plan \"x\": when \"  \": nothing to test");
  /* A promise (gap 4) reads its indicator with the same parser. */
  static const char promise[] =
      "promise \"PR1\" { text = \"We answer within 20 s\",\n"
      "  indicator = \"answer time\", promised = 95 }\n";
  mj_opts_init(&o);
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  is_int(MJ_EVALIDATE,
         mj_playbook_load_buffer(e, "p.lua", promise, strlen(promise)),
         "promise: a bad indicator is refused");
  ok(strncmp(mj_errmsg(e), "p.lua:2: promise \"PR1\": indicator \"answer "
                           "time\" is not SCORER.METRIC",
             strlen("p.lua:2: promise \"PR1\": indicator \"answer time\" "
                    "is not SCORER.METRIC")) == 0,
     "promise: the message names the line and the indicator (%s)",
     mj_errmsg(e));
  mj_engine_free(e);
  bad("4", 7, MJ_EVALIDATE, "plan \"x\": 'when' must be a function or a "
                            "rule string");
}

int main(void)
{
  const char *top = getenv("top_srcdir");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/lua", top ? top : MJ_BUILD_LUADIR "/..");
  char *real = realpath(dir, NULL);
  snprintf(path, sizeof path, "%s/trigger.lua", real ? real : dir);
  free(real);

  plan(3 * 9 + 2 + 2 * 4 + 83 + 3);
  mj_opts o;
  mj_opts_init(&o);
  o.lua_time_limit_ms = 300;
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK || mj_playbook_load(e, path) != MJ_OK)
    bail("cannot load %s: %s", path, e ? mj_errmsg(e) : "no engine");

  mj_figset fs = {{0}, NULL, 0, 0};
  add(&fs, "csat", "mean", NULL, NULL, "R1", "all", 3.5, 40);
  add(&fs, "csat", "t2b", NULL, NULL, "R1", "all", 0.375, 40);
  add(&fs, "csat", "mean", NULL, NULL, "R1", "vip", 4.5, 10);
  add(&fs, "csat", "sd", NULL, NULL, "R1", "all", NAN, 1);
  add(&fs, "nps", "nps", "visit", "nps", NULL, "all", -12.5, 80);
  add(&fs, "nps", "promoters", "visit", "nps", NULL, "all", 0.5, 80);

  char want[2000];
  snprintf(want, sizeof want, "[%s]", MEAN_R1);
  fires(e, &fs, "below", 1, want);
  fires(e, &fs, "mean", 1, want);
  fires(e, &fs, "nps", 1,
        "[{\"scorer\":\"nps\",\"metric\":\"nps\",\"questionnaire\":\"visit\","
        "\"question\":\"nps\",\"requirement\":null,\"segment\":\"all\","
        "\"value\":-12.5,\"n\":80}]");
  fires(e, &fs, "figure", 1,
        "[{\"scorer\":\"nps\",\"metric\":\"promoters\",\"questionnaire\":"
        "\"visit\",\"question\":\"nps\",\"requirement\":null,\"segment\":"
        "\"all\",\"value\":0.5,\"n\":80},{\"scorer\":\"csat\",\"metric\":"
        "\"t2b\",\"questionnaire\":null,\"question\":null,\"requirement\":"
        "\"R1\",\"segment\":\"all\",\"value\":0.375,\"n\":40}]");
  fires(e, &fs, "none", 0, "[]");
  fires(e, &fs, "nan", 1,
        "[{\"scorer\":\"csat\",\"metric\":\"sd\",\"questionnaire\":null,"
        "\"question\":null,\"requirement\":\"R1\",\"segment\":\"all\","
        "\"value\":null,\"n\":1}]");
  fires(e, &fs, "segment", 1,
        "[{\"scorer\":\"csat\",\"metric\":\"mean\",\"questionnaire\":null,"
        "\"question\":null,\"requirement\":\"R1\",\"segment\":\"vip\","
        "\"value\":4.5,\"n\":10}]");

  int fired = -1;
  char *ev = (char *)"unset";
  is_int(MJ_OK, mj__trigger_eval(e, plan_named(e, "manual"), &fs, &fired, &ev),
         "manual: a plan without when evaluates");
  ok(fired == 0 && ev == NULL, "manual: never fires, no evidence");
  /* Evidence starts afresh at every evaluation. */
  fires(e, &fs, "below", 1, want);

  fails(e, &fs, "error", MJ_ERUNTIME, 11, "attempt to compare number with nil");
  fails(e, &fs, "unknown", MJ_ERUNTIME, 12,
        "unknown requirement 'R3' (did you mean 'R1'?)");
  fails(e, &fs, "badkey", MJ_ERUNTIME, 14,
        "r.figure: unknown key 'metirc' (did you mean 'metric'?)");
  fails(e, &fs, "loop", MJ_ETIMEOUT, 13,
        "playbook exceeded its time limit (300 ms)");
  /* A message handler that loops stops at the limit too (Lua runs the
  ** handler of an error raised in the count hook with hooks off). */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  fails(e, &fs, "handler", MJ_ETIMEOUT, 18,
        "playbook exceeded its time limit (300 ms)");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double took = (double)(t1.tv_sec - t0.tv_sec) +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  if (!ok(took < 1.3, "handler: stops within the limit plus 1 s"))
    diag("took %.2f s", took);
  /* The engine keeps working after a runaway trigger. */
  fires(e, &fs, "below", 1, want);
  mj__figset_free(&fs);
  mj_engine_free(e);
  declarative();
  return tap_done();
}
