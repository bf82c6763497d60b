/*
** What every fuzz target shares: a scratch folder per input, an engine
** pinned to a fixed clock with its store inside that folder, and the one
** entry point libFuzzer (or the replay driver) calls.
*/
#ifndef MJ_FUZZ_H
#define MJ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "mejora.h"

/* libFuzzer's entry point, defined by each target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
** One input's scratch: a fresh folder under $TMPDIR, removed with all it
** holds by fuzz_end, so nothing an input makes the engine write outlives
** it or lands elsewhere.
*/
typedef struct fuzz_run {
  char dir[256];
  mj_engine *e;
} fuzz_run;

/*
** Make the folder and an engine whose store is DIR/store.db, then load
** playbook (NULL: none) as DIR/playbook.lua. 0 when that failed (the
** input is then not tried: a harness problem, not the input's).
*/
int fuzz_begin(fuzz_run *r, const char *playbook);

/* Write data to DIR/name; the path in path (of size n), or 0 on failure. */
int fuzz_file(fuzz_run *r, const char *name, const uint8_t *data, size_t size,
              char *path, size_t n);

/*
** What must hold whatever the input: a failure comes with a message a
** person can act on, and an import's counts add up to its rows, with a
** rejects file named exactly when a row was rejected; a call that hands
** back text (*out, freed and set to NULL here) does so. A broken one
** aborts, which libFuzzer and the replay driver report as a crash.
*/
void fuzz_expect(int cond, const char *what);
void fuzz_check_import(fuzz_run *r, int rc, const mj_import_stats *st);
void fuzz_check_text(fuzz_run *r, int rc, char **out);

/* Free the engine and remove the folder. */
void fuzz_end(fuzz_run *r);

#endif
