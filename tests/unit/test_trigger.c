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

#include "engine.h"
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

int main(void)
{
  const char *top = getenv("top_srcdir");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/lua", top ? top : MJ_BUILD_LUADIR "/..");
  char *real = realpath(dir, NULL);
  snprintf(path, sizeof path, "%s/trigger.lua", real ? real : dir);
  free(real);

  plan(3 * 9 + 2 + 2 * 4);
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
  /* The engine keeps working after a runaway trigger. */
  fires(e, &fs, "below", 1, want);
  mj__figset_free(&fs);
  mj_engine_free(e);
  return tap_done();
}
