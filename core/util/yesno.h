/*
** Yes and no as people write them, in every place that reads a flag.
*/
#ifndef MJ_YESNO_H
#define MJ_YESNO_H

#include <stddef.h>

/*
** s[0..n) as a yes or no, in any case: 1 for yes, y, true, 1, sí, si, s,
** sim (es, pt), да (ru), tak (pl); 0 for no, n, false, 0, não, nao (pt),
** нет (ru), nie (pl); -1 for anything else, blank included: the callers
** decide what a blank means. The text is taken as it is (no trimming).
*/
int mj__yesno(const char *s, size_t n);

#endif
