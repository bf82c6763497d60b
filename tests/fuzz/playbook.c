/*
** Fuzz target: a playbook, loaded in the sandbox (untrusted, with a short
** time limit so a loop ends quickly).
*/
#include <stdio.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_run r;
  if (!fuzz_begin(&r, NULL))
    return 0;
  char name[300];
  snprintf(name, sizeof name, "%s/playbook.lua", r.dir);
  int rc = mj_playbook_load_buffer(r.e, name, (const char *)data, size);
  if (rc != MJ_OK)
    fuzz_expect(mj_errmsg(r.e)[0] != '\0', "a refused playbook says why");
  fuzz_end(&r);
  return 0;
}
