/*
** Fuzz target: a CSV file of responses, imported (mj_import).
*/
#include "fuzz.h"
#include "responses.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_run r;
  if (!fuzz_begin(&r, responses_playbook))
    return 0;
  char path[300];
  mj_import_stats st;
  if (fuzz_file(&r, "responses.csv", data, size, path, sizeof path))
    fuzz_check_import(&r, mj_import(r.e, "visit", path, &st), &st);
  fuzz_end(&r);
  return 0;
}
