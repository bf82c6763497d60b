/*
** Names a host is given: the stored run a cycle's name stands for
** (mj_cycle_find), and the near name a mistyped one meant (mj_suggest).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "customer \"c1\" {}\n"
    "questionnaire \"q\" { question \"s\" { type = \"scale5\" } }\n"
    "cycle \"w1\" { scorers = { \"csat\" }, min_n = 1 }\n"
    "cycle \"w2\" { scorers = { \"csat\" }, min_n = 1 }\n"
    "cycle \"7\" { scorers = { \"csat\" }, min_n = 1 }\n";

static const char answers[] = "response_id,customer_id,wave,s\n"
                              "r1,c1,w1,4\n"
                              "r2,c1,w2,5\n";

static void cycles(void)
{
  char *dir = tap_tmpdir("names");
  char store[512], pb[512], csv[512];
  snprintf(store, sizeof store, "sqlite:%s/n.db", dir);
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
  int64_t id = -1, w1 = 0, w2 = 0, again = 0;
  is_int(MJ_ENOTFOUND, mj_cycle_find(e, "w1", &id),
         "a declared cycle that has not run is not found");
  contains(mj_errmsg(e), "has not finished a run yet", "and says so");
  is_int(0, id, "*cycle_id is 0 on failure");
  if (mj_import(e, "q", csv, NULL) != MJ_OK ||
      mj_cycle_run(e, "w1", &w1) != MJ_OK ||
      mj_cycle_run(e, "w2", &w2) != MJ_OK ||
      mj_cycle_run_ex(e, "w1", MJ_CYCLE_RERUN, &again) != MJ_OK)
    bail("runs: %s", mj_errmsg(e));
  is_int(MJ_OK, mj_cycle_find(e, "w1", &id), "w1 is found");
  is_int(w1, id, "as its stored run, kept by a re-run");
  is_int(MJ_OK, mj_cycle_find(e, "w2", &id), "w2 is found");
  is_int(w2, id, "as its own run");
  is_int(MJ_OK, mj_cycle_find(e, "1", &id),
         "a number no cycle is called is taken as an id");
  is_int(1, id, "as it is");
  is_int(MJ_ENOTFOUND, mj_cycle_find(e, "7", &id),
         "a number a cycle is called is that cycle's name");
  is_int(MJ_ENOTFOUND, mj_cycle_find(e, "w3", &id), "an unknown name");
  contains(mj_errmsg(e), "no cycle \"w3\" (declared: w1, w2, 7)",
           "lists the declared cycles");
  is_int(MJ_EINVAL, mj_cycle_find(e, NULL, &id), "no name is no cycle");
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
}

static void suggestions(void)
{
  const char *names[] = {"format", NULL, "output", "cycle"};
  is_string("format", mj_suggest("fromat", names, 4),
            "a swap of neighbours is one edit");
  is_string("cycle", mj_suggest("cycel", names, 4), "NULL names are skipped");
  ok(mj_suggest("zzz", names, 4) == NULL, "nothing near: NULL");
  ok(mj_suggest("fo", names, 4) == NULL, "a short word needs a near name");
  ok(mj_suggest(NULL, names, 4) == NULL, "no word: NULL");
}

int main(void)
{
  plan(18);
  cycles();
  suggestions();
  return tap_done();
}
