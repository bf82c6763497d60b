/*
** The plan API over time, with the clock pinned: a plan opens, is flagged
** overdue exactly once after its due date, closes without verification
** when its actions are done and it declares no verify, and every step is
** in its history. Two engines on one store stand for two days.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "customer \"c1\" {}\n"
    "requirement \"R1\" { target = 4 }\n"
    "questionnaire \"q\" { question \"a\" { type = \"scale5\", measures = \"R1\" } }\n"
    "plan \"P\" { owner = \"ana\", due = \"1w\", actions = { \"one\", \"two\" },\n"
    "  when = function(r) return r.below(\"R1\") end }\n"
    "cycle \"c\" { min_n = 1 }\n";

static char store[512], pb[512];

static mj_engine *engine_at(int64_t now)
{
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = now;
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, playbook, strlen(playbook)) != MJ_OK)
    bail("engine");
  return e;
}

/* The plan's history as "kind,kind,..." and its status. */
static void history(mj_engine *e, char *kinds, size_t n, char *status)
{
  char *text = NULL;
  kinds[0] = status[0] = 0;
  if (mj_plans(e, "P", "json", &text, NULL) != MJ_OK)
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

int main(void)
{
  plan(16);
  char *dir = tap_tmpdir("plans");
  snprintf(store, sizeof store, "sqlite:%s/p.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  const int64_t day = 86400, t0 = 1795000000;
  char kinds[256], status[32];

  mj_engine *e = engine_at(t0);
  const char *q[] = {"a"}, *v[] = {"2"};
  mj_response_add(e, "q", "r1", "c1", q, v, 1);
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "day 0: cycle runs");
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
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "day 8: cycle runs");
  history(e, kinds, sizeof kinds, status);
  is_string("opened,action.updated,overdue", kinds,
            "past its due date the plan is flagged overdue");
  is_string("open", status, "and stays open");
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "day 8 again");
  history(e, kinds, sizeof kinds, status);
  is_string("opened,action.updated,overdue", kinds, "flagged only once");

  ch.action = 2;
  ch.note = "done at last";
  is_int(MJ_OK, mj_plan_update(e, "P", &ch), "action 2 done, with a note");
  is_int(MJ_OK, mj_cycle_run(e, NULL, NULL), "the next cycle reviews it");
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
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
