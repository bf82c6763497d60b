/*
** The TAP library of mejora's tests (API shape of c-tap-harness basic.h).
**
** Declare the plan first: plan(n). Each check prints "ok N - desc" or
** "not ok N - desc" with a diagnostic; exit status is 0 only when every
** planned test ran and passed (return tap_done() from main).
*/
#ifndef MJ_TAP_H
#define MJ_TAP_H

#include <stddef.h>

#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

void plan(int n);
int ok(int cond, const char *fmt, ...) TAP_PRINTF(2, 3);
int is_int(long long want, long long got, const char *fmt, ...)
    TAP_PRINTF(3, 4);
/* Passes when |got - want| <= tol (both NaN also passes). */
int is_double(double want, double got, double tol, const char *fmt, ...)
    TAP_PRINTF(4, 5);
/* Relative tolerance: |got - want| <= rel * max(1, |want|). */
int is_rel(double want, double got, double rel, const char *fmt, ...)
    TAP_PRINTF(4, 5);
int is_string(const char *want, const char *got, const char *fmt, ...)
    TAP_PRINTF(3, 4);
/* Passes when needle occurs in haystack. */
int contains(const char *haystack, const char *needle, const char *fmt, ...)
    TAP_PRINTF(3, 4);
void diag(const char *fmt, ...) TAP_PRINTF(1, 2);
__attribute__((noreturn)) void bail(const char *fmt, ...) TAP_PRINTF(1, 2);
/* Exit status for main: 0 when all planned tests ran and passed. */
int tap_done(void);

/* Read a whole file (NUL-terminated, caller frees); NULL on failure. */
char *tap_slurp(const char *path, size_t *len);
/* A fresh empty directory under $TMPDIR (caller removes it with
** tap_rmtree); bails on failure. */
char *tap_tmpdir(const char *tag);
void tap_rmtree(const char *path);
/* Write text to a file; bails on failure. */
void tap_write(const char *path, const char *text);

#endif
