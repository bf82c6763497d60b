/*
** The playbook the response targets (CSV and JSON) import into: every
** answer type, two segments, a customer id too long to be kept inline.
*/
#ifndef MJ_FUZZ_RESPONSES_H
#define MJ_FUZZ_RESPONSES_H

static const char responses_playbook[] =
    "segment \"retail\" {}\n"
    "segment \"online\" {}\n"
    "customer \"C1\" { segment = \"retail\", channel = \"phone\" }\n"
    "customer \"C2\" { segment = \"online\" }\n"
    "customer \"a-customer-with-a-long-id\" { segment = \"retail\" }\n"
    "questionnaire \"visit\" {\n"
    "  question \"staff\" { type = \"scale5\", allow_na = true },\n"
    "  question \"nps\" { type = \"nps\", required = true },\n"
    "  question \"why\" { type = \"text\", max_len = 40 },\n"
    "  question \"back\" { type = \"yesno\" },\n"
    "  question \"how\" { type = \"choice\", choices = { \"web\", \"shop\" } "
    "},\n"
    "  question \"what\" { type = \"multi\", choices = { \"a\", \"b\", \"c\" "
    "} },\n"
    "  question \"when\" { type = \"date\" },\n"
    "  question \"cost\" { type = \"number\" },\n"
    "}\n";

#endif
