/*
** Sends one event through the e-mail or webhook notifier on a mock host,
** for the shell tests that need an event no cycle makes (an unsubscribe
** link, markup in the text):
**
**   notify_send email|webhook KEY=VALUE... -- KIND SUBJECT MESSAGE [K=V...]
**
** Options come before "--", the event after it (meta as K=V). The event's
** time is 2026-11-25T12:00:00Z. Prints "sent", "retry" or "failed: MSG"
** and exits 0, 3 or 1 as the cycle records them.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"

const mj_plugin_desc *mj_plugin_email_entry(void);
const mj_plugin_desc *mj_plugin_webhook_entry(void);

enum { MAXKV = 64 };

int main(int argc, char **argv)
{
  if (argc < 3)
    return fprintf(stderr, "usage: notify_send email|webhook K=V... -- "
                           "KIND SUBJECT MESSAGE [K=V...]\n"),
           2;
  const mj_plugin_desc *d = strcmp(argv[1], "email") == 0
                                ? mj_plugin_email_entry()
                                : mj_plugin_webhook_entry();
  const mj_notifier_ops *ops = mock_ops(d, MJ_KIND_NOTIFIER);
  static char copy[MAXKV][512];
  const char *kv[2 * MAXKV + 1];
  size_t nkv = 0;
  int i = 2;
  for (; i < argc && strcmp(argv[i], "--") != 0 && nkv < MAXKV; i++) {
    snprintf(copy[nkv], sizeof copy[nkv], "%s", argv[i]);
    char *eq = strchr(copy[nkv], '=');
    if (!eq)
      return fprintf(stderr, "notify_send: '%s' is not KEY=VALUE\n",
                     argv[i]),
             2;
    *eq = '\0';
    kv[2 * nkv] = copy[nkv];
    kv[2 * nkv + 1] = eq + 1;
    nkv++;
  }
  kv[2 * nkv] = NULL;
  /* "--" at i, then KIND SUBJECT MESSAGE. */
  if (i + 3 >= argc)
    return fprintf(stderr, "notify_send: no event after --\n"), 2;
  i++;
  mj_meta meta[MAXKV];
  size_t nm = 0;
  for (int k = i + 3; k < argc && nm < MAXKV; k++) {
    char *eq = strchr(argv[k], '=');
    if (!eq)
      return fprintf(stderr, "notify_send: meta '%s' is not K=V\n", argv[k]),
             2;
    *eq = '\0';
    meta[nm].key = argv[k];
    meta[nm].value = eq + 1;
    nm++;
  }
  mj_event ev = {argv[i], MJ_LOG_WARN, 1795608000, argv[i + 1],
                 argv[i + 2], meta, nm};
  mj_config *cfg = mock_config(".", kv);
  mj_error err = {0};
  void *inst = NULL;
  int rc = ops->create(mock_host(), NULL, cfg, &inst, &err);
  mock_config_free(cfg);
  if (rc == MJ_OK) {
    rc = ops->notify(inst, &ev, &err);
    ops->destroy(inst);
  }
  if (rc == MJ_OK)
    printf("sent\n");
  else if (rc == MJ_RETRY)
    printf("retry: %s\n", err.msg);
  else
    printf("failed: %s\n", err.msg);
  return rc == MJ_OK ? 0 : rc == MJ_RETRY ? 3 : 1;
}
