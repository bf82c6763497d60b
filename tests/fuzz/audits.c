/*
** Fuzz target: a CSV file of mystery-shopper visits, imported, then the
** scorecards of what was stored.
*/
#include "fuzz.h"

/* One criterion of each kind. */
static const char playbook[] =
    "audit \"a\" { criteria = {\n"
    "  { id = \"t\", kind = \"objective\", target = \"<= 20\", unit = \"s\" "
    "},\n"
    "  { id = \"g\", kind = \"subjective\", target = \">= 4\" },\n"
    "  { id = \"c\", kind = \"check\" } } }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_run r;
  if (!fuzz_begin(&r, playbook))
    return 0;
  char path[300];
  mj_import_stats st;
  if (fuzz_file(&r, "visits.csv", data, size, path, sizeof path)) {
    fuzz_check_import(&r, mj_audits_import(r.e, NULL, path, &st), &st);
    char *out = NULL;
    fuzz_check_text(&r, mj_audits_summary(r.e, NULL, "text", &out, NULL), &out);
  }
  fuzz_end(&r);
  return 0;
}
