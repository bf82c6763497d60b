/*
** The files a playbook names: the folder they must stay in, and the check
** that one is there before a run counts on reading it.
*/
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"

const char *mj__playbook_jail(const mj_engine *e, const char *dir)
{
  if (e->opts.flags & MJ_TRUST_PLAYBOOK)
    return NULL;
  return dir && *dir ? dir : ".";
}

/*
** " (did you mean 'data/customers.csv'?)" when the folder of path holds a
** name near its last part; name is path as the playbook wrote it.
*/
static void near_file(const char *name, const char *path, char *hint,
                      size_t n)
{
  hint[0] = '\0';
  const char *base = strrchr(path, '/'), *nbase = strrchr(name, '/');
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", base ? (int)(base - path) : 1,
           base ? path : ".");
  base = base ? base + 1 : path;
  DIR *d = opendir(*dir ? dir : "/");
  if (!d)
    return;
  char best[256] = "";
  int bestd = 1000;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof best)
      continue;
    int dist = mj__edit_distance(base, de->d_name);
    if (dist < bestd || (dist == bestd && strcmp(de->d_name, best) < 0)) {
      bestd = dist;
      snprintf(best, sizeof best, "%s", de->d_name);
    }
  }
  closedir(d);
  const char *cand[1] = {best};
  if (best[0] && mj__suggest(base, cand, 1))
    snprintf(hint, n, " (did you mean '%.*s%s'?)",
             nbase ? (int)(nbase + 1 - name) : 0, name, best);
}

int mj__input_check(mj_engine *e, const char *dir, const char *name,
                    const mj_pos *pos, const char *what)
{
  char *path = mj__path_join(dir, name);
  if (!path)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  /* The sandbox's verdict first: outside the playbook's folder, or not a
  ** regular file, is refused as reading it would be. */
  char why[700], *real = NULL;
  const char *jail = mj__playbook_jail(e, dir);
  int rc = mj__path_resolve(path, MJ_PATH_READ, jail, &real, why, sizeof why);
  free(real);
  if (rc == MJ_OK || rc != MJ_EIO) {
    if (rc != MJ_OK)
      rc = mj__seterr_at(e, rc, pos->file, pos->line, 0, "%s: %s", what, why);
    free(path);
    return rc;
  }
  /* Not there: look for a near name, but only where the sandbox lets the
  ** playbook look. */
  int inside = !jail || (name[0] != '/' && strncmp(name, "../", 3) != 0 &&
                         !strstr(name, "/../") && strcmp(name, "..") != 0);
  struct stat st;
  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      rc = mj__seterr_at(e, MJ_EVALIDATE, pos->file, pos->line, 0,
                         "%s: '%s' is a folder; name a file", what, path);
    else
      rc = mj__seterr_at(e, MJ_EIO, pos->file, pos->line, 0, "%s: %s", what,
                         why);
  } else if (errno == ENOENT || errno == ENOTDIR) {
    char hint[600] = "";
    if (inside)
      near_file(name, path, hint, sizeof hint);
    rc = mj__seterr_at(e, MJ_ENOTFOUND, pos->file, pos->line, 0,
                       "%s: no file '%s'%s (paths are relative to the "
                       "playbook's folder)",
                       what, path, hint);
  } else {
    rc = mj__seterr_at(e, MJ_EIO, pos->file, pos->line, 0,
                       "%s: cannot read '%s': %s", what, path,
                       strerror(errno));
  }
  free(path);
  return rc;
}
