/*
** Fuzz target: a CSV file of complaints, imported, then the summary of
** what was stored.
*/
#include "fuzz.h"

static const char playbook[] = "complaint_category \"late\" {}\n"
                               "complaint_category \"rude\" {}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_run r;
  if (!fuzz_begin(&r, playbook))
    return 0;
  char path[300];
  mj_import_stats st;
  if (fuzz_file(&r, "complaints.csv", data, size, path, sizeof path)) {
    fuzz_check_import(&r, mj_complaints_import(r.e, path, &st), &st);
    char *out = NULL;
    fuzz_check_text(&r, mj_complaints_summary(r.e, NULL, "text", &out, NULL),
                    &out);
  }
  fuzz_end(&r);
  return 0;
}
