/*
** Fuzz target: the store's file, as a damaged disk or a hostile copy may
** leave it, opened and read by every command that only reads.
*/
#include "fuzz.h"

static const char playbook[] =
    "segment \"retail\" {}\n"
    "customer \"C1\" { segment = \"retail\" }\n"
    "questionnaire \"visit\" {\n"
    "  question \"nps\" { type = \"nps\" },\n"
    "  question \"why\" { type = \"text\" },\n"
    "}\n"
    "complaint_category \"late\" {}\n"
    "audit \"a\" { criteria = { { id = \"c\", kind = \"check\" } } }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_run r;
  if (!fuzz_begin(&r, playbook))
    return 0;
  char path[300];
  if (!fuzz_file(&r, "store.db", data, size, path, sizeof path)) {
    fuzz_end(&r);
    return 0;
  }
  if (mj_store_open(r.e, NULL) == MJ_OK) {
    char *out = NULL;
    fuzz_check_text(&r, mj_report(r.e, "json", 0, &out, NULL), &out);
    fuzz_check_text(&r, mj_plans(r.e, NULL, "json", &out, NULL), &out);
    fuzz_check_text(&r, mj_responses_export(r.e, "visit", "csv", 0, &out, NULL),
                    &out);
    fuzz_check_text(&r, mj_complaints_summary(r.e, NULL, "json", &out, NULL),
                    &out);
    fuzz_check_text(&r, mj_audits_summary(r.e, NULL, "json", &out, NULL), &out);
    fuzz_check_text(&r, mj_invitations_list(r.e, NULL, "csv", 0, &out, NULL),
                    &out);
  } else {
    fuzz_expect(mj_errmsg(r.e)[0] != '\0', "a refused store says why");
  }
  fuzz_end(&r);
  return 0;
}
