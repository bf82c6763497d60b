/*
** Invariants: MJ_ASSERT(cond) states what the code relies on, for bugs
** only, never for bad input (that is an error code and a message).
**
** Off by default, it costs nothing: cond is not evaluated, only checked
** by the compiler. configure --enable-assertions (and --enable-sanitizers,
** which implies it) defines MJ_ASSERTIONS in config.h; then a false cond
** prints FILE:LINE and the condition to stderr and aborts, so the
** sanitizer build and the test suite stop at the first broken invariant.
*/
#ifndef MJ_INVARIANT_H
#define MJ_INVARIANT_H

#include "config.h"

#ifdef MJ_ASSERTIONS
#include <stdio.h>
#include <stdlib.h>

static inline _Noreturn void mj__assert_fail(const char *file, int line,
                                             const char *cond)
{
  fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, cond);
  abort();
}
#define MJ_ASSERT(cond)                                                      \
  ((cond) ? (void)0 : mj__assert_fail(__FILE__, __LINE__, #cond))
#else
#define MJ_ASSERT(cond) ((void)sizeof((cond) ? 1 : 0))
#endif

#endif
