/*
** The fuzz targets' scratch folders and engines (fuzz.h).
*/
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* A fixed clock: whatever an input makes the engine do, it does the same
** on every run (2026-11-18T11:06:40Z). */
enum { FUZZ_NOW = 1795000000 };

static int remove_one(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int fuzz_begin(fuzz_run *r, const char *playbook)
{
  memset(r, 0, sizeof *r);
  const char *tmp = getenv("TMPDIR");
  snprintf(r->dir, sizeof r->dir, "%s/mejora-fuzz-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(r->dir)) {
    r->dir[0] = '\0';
    return 0;
  }
  char store[300];
  snprintf(store, sizeof store, "sqlite:%s/store.db", r->dir);
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.now = FUZZ_NOW;
  /* Only the built-in store and collector: no plugin folder is searched,
  ** so a run depends on nothing installed. */
  o.flags = MJ_NO_DEFAULT_PLUGINS;
  /* A playbook that loops is stopped soon: every input gets its turn. */
  o.lua_time_limit_ms = 250;
  o.lua_mem_limit = 64u << 20;
  if (mj_engine_new(&r->e, &o) != MJ_OK) {
    fuzz_end(r);
    return 0;
  }
  if (!playbook)
    return 1;
  char name[300];
  snprintf(name, sizeof name, "%s/playbook.lua", r->dir);
  if (mj_playbook_load_buffer(r->e, name, playbook, strlen(playbook)) !=
      MJ_OK) {
    fprintf(stderr, "fuzz: the target's playbook: %s\n", mj_errmsg(r->e));
    fuzz_end(r);
    return 0;
  }
  return 1;
}

int fuzz_file(fuzz_run *r, const char *name, const uint8_t *data, size_t size,
              char *path, size_t n)
{
  snprintf(path, n, "%s/%s", r->dir, name);
  FILE *f = fopen(path, "wb");
  if (!f)
    return 0;
  int ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

void fuzz_expect(int cond, const char *what)
{
  if (cond)
    return;
  fprintf(stderr, "fuzz: broken: %s\n", what);
  abort();
}

void fuzz_check_import(fuzz_run *r, int rc, const mj_import_stats *st)
{
  if (rc != MJ_OK) {
    fuzz_expect(mj_errmsg(r->e)[0] != '\0', "a failed import says why");
    return;
  }
  fuzz_expect(st->rows == st->accepted + st->duplicates + st->rejected,
              "every row is stored, already stored or rejected");
  fuzz_expect((st->rejected > 0) == (st->rejects_path[0] != '\0'),
              "a rejects file is named when, and only when, rows were "
              "rejected");
}

void fuzz_check_text(fuzz_run *r, int rc, char **out)
{
  if (rc == MJ_OK)
    fuzz_expect(*out != NULL, "a successful call hands back its text");
  else
    fuzz_expect(mj_errmsg(r->e)[0] != '\0', "a failed call says why");
  mj_free(*out);
  *out = NULL;
}

void fuzz_end(fuzz_run *r)
{
  mj_engine_free(r->e);
  r->e = NULL;
  if (r->dir[0])
    nftw(r->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
  r->dir[0] = '\0';
}
