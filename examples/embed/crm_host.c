/*
** A CRM embedding libmejora: open an engine on its own store, load the
** shop's playbook, record one survey answer that came in through the CRM,
** run the cycle and read the results as JSON.
**
** Build (after `make install`, or with PKG_CONFIG_PATH pointing at a build):
**   cc -std=c11 -o crm_host crm_host.c $(pkg-config --cflags --libs mejora)
** Run:
**   ./crm_host ../pyme-retail/playbook.lua /tmp/crm.db
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mejora.h>

static void log_line(void *ud, int level, const char *msg)
{
  (void)ud;
  if (level <= MJ_LOG_WARN)
    fprintf(stderr, "mejora: %s\n", msg);
}

static int fail(mj_engine *e, const char *what)
{
  fprintf(stderr, "crm_host: %s: %s\n", what, mj_errmsg(e));
  mj_engine_free(e);
  return 1;
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: crm_host PLAYBOOK STORE.db\n");
    return 2;
  }
  char store[1024];
  snprintf(store, sizeof store, "sqlite:%s", argv[2]);

  mj_opts o;
  mj_opts_init(&o);
  o.log = log_line;
  o.store = store;
  /* The library reads no environment; this host chooses to honour the
  ** same variable as the mejora command. */
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");

  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK) {
    fprintf(stderr, "crm_host: out of memory\n");
    return 1;
  }
  if (mj_playbook_load(e, argv[1]) != MJ_OK)
    return fail(e, "playbook");

  /* An answer the CRM collected on its own form. */
  const char *questions[] = {"atencion", "trato", "nps", "comentario"};
  const char *values[] = {"4", "5", "9", "Me atendieron enseguida"};
  int rc = mj_response_add(e, "visita", "crm-000123", "C001", questions,
                           values, 4);
  if (rc != MJ_OK && rc != MJ_ECONFLICT) /* already recorded: fine */
    return fail(e, "response");

  int64_t cycle;
  if (mj_cycle_run(e, NULL, &cycle) != MJ_OK)
    return fail(e, "cycle");

  char *json;
  size_t len;
  if (mj_report(e, "json", cycle, &json, &len) != MJ_OK)
    return fail(e, "report");
  fwrite(json, 1, len, stdout);
  mj_free(json);
  mj_engine_free(e);
  return 0;
}
