/*
** report: what goes out of a cycle: the report in text, Markdown and JSON,
** and exports of the stored responses. It uses cycle/ and below;
** core/README.md lists the layers.
*/
#ifndef MJ_REPORT_H
#define MJ_REPORT_H

#include "cycle.h"

/* ---- report.c ---------------------------------------------------------- */

int mj__report_json(mj_engine *e, int64_t cycle, char **out, size_t *len);
int mj__report_text(mj_engine *e, int64_t cycle, int markdown, char **out,
                    size_t *len);

#endif
