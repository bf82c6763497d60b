/*
** Queues one message in a playbook's outbox, as a cycle or a sample
** would, for the shell tests of delivery that need messages to customers
** before anything makes them:
**
**   queue_message PLAYBOOK NOTIFIER KIND SUBJECT [KEY=VALUE...]
**
** The event's time, and the time it is due, is $MEJORA_NOW (else now);
** KEY=VALUE pairs are its meta (customer=C1 email=... unsubscribe=...).
** Exits 0 when the message is stored, 1 with the error otherwise.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_host.h"

enum { MAXMETA = 16 };

int main(int argc, char **argv)
{
  if (argc < 5)
    return fprintf(stderr, "usage: queue_message PLAYBOOK NOTIFIER KIND "
                           "SUBJECT [KEY=VALUE...]\n"),
           2;
  mj_opts o;
  mj_opts_init(&o);
  const char *now = getenv("MEJORA_NOW");
  if (now && mj_time_parse(now, &o.now) != MJ_OK)
    return fprintf(stderr, "queue_message: MEJORA_NOW '%s'?\n", now), 2;
  mj_meta meta[MAXMETA];
  size_t n = 0;
  for (int i = 5; i < argc && n < MAXMETA; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq)
      return fprintf(stderr, "queue_message: '%s' is not KEY=VALUE\n",
                     argv[i]),
             2;
    *eq = '\0';
    meta[n].key = argv[i];
    meta[n++].value = eq + 1;
  }
  mj_engine *e = NULL;
  int rc = mj_engine_new(&e, &o);
  if (rc == MJ_OK)
    rc = mj_playbook_load(e, argv[1]);
  if (rc == MJ_OK)
    rc = mj__store_ensure(e);
  mj_error err = {0};
  if (rc == MJ_OK) {
    const mj_storage_ops *S = MJ_STORE_OPS(e);
    mj_event ev = {argv[3], MJ_LOG_INFO, mj__now(e), argv[4], argv[4],
                   meta, n};
    rc = S->begin(e->store->inst, &err);
    if (rc == MJ_OK)
      rc = mj__outbox_put(e, 0, 0, argv[2], &ev, &err);
    if (rc == MJ_OK)
      rc = S->commit(e->store->inst, &err);
    if (rc != MJ_OK)
      fprintf(stderr, "queue_message: %s\n", err.msg);
  } else {
    fprintf(stderr, "queue_message: %s\n", e ? mj_errmsg(e) : "no engine");
  }
  mj_engine_free(e);
  return rc == MJ_OK ? 0 : 1;
}
