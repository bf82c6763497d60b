/*
** Files a playbook names: where they really are, and whether the sandbox
** lets mejora open them.
*/
/* realpath() is XSI: not declared under _POSIX_C_SOURCE alone. */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* What a refusal tells the operator to do about it. */
#define TRUST_HINT                                                           \
  "keep the files a playbook names in its folder, or trust the playbook "   \
  "(--trust on the command line, MJ_TRUST_PLAYBOOK when embedding)"

static const char *kind_of_file(mode_t m)
{
  if (S_ISDIR(m))
    return "a folder";
  if (S_ISFIFO(m))
    return "a FIFO (named pipe)";
  if (S_ISCHR(m) || S_ISBLK(m))
    return "a device";
  if (S_ISSOCK(m))
    return "a socket";
  return "not a regular file";
}

/*
** real must be a regular file, or with may_miss not exist at all. A FIFO
** or a device would block or never end; stat() does not open it.
*/
static int check_regular(const char *name, const char *real, int may_miss,
                         char *why, size_t whylen)
{
  struct stat st;
  if (stat(real, &st) != 0) {
    if (may_miss && errno == ENOENT)
      return MJ_OK;
    snprintf(why, whylen, "cannot open '%s': %s", name, strerror(errno));
    return MJ_EIO;
  }
  if (S_ISREG(st.st_mode))
    return MJ_OK;
  snprintf(why, whylen,
           "'%s' is %s, not a regular file: mejora reads and writes data in "
           "regular files only (copy the data into one)",
           name, kind_of_file(st.st_mode));
  return MJ_EINVAL;
}

/* Links followed to a file not there yet, at most (as the kernel's
** ELOOP). */
enum { MAX_LINKS = 40 };

/*
** Where a file to be written really goes: its folder resolved, and the
** file itself when it exists. A symbolic link is followed to its target;
** one to a file not there yet is followed to where writing it would
** create that file.
*/
static int resolve_for_write(const char *name, int links, char **out,
                             char *why, size_t whylen)
{
  *out = NULL;
  const char *slash = strrchr(name, '/');
  const char *base = slash ? slash + 1 : name;
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
    snprintf(why, whylen, "'%s' names a folder, not a file", name);
    return MJ_EINVAL;
  }
  char *dir = slash ? strndup(name, slash == name ? 1 : (size_t)(slash - name))
                    : strdup(".");
  if (!dir) {
    snprintf(why, whylen, "out of memory");
    return MJ_ENOMEM;
  }
  char *rdir = realpath(dir, NULL);
  if (!rdir) {
    snprintf(why, whylen,
             "cannot write '%s': its folder '%s': %s; check that the folder "
             "exists",
             name, dir, strerror(errno));
    free(dir);
    return MJ_EIO;
  }
  free(dir);
  size_t n = strlen(rdir) + strlen(base) + 2;
  char *joined = malloc(n);
  if (!joined) {
    free(rdir);
    snprintf(why, whylen, "out of memory");
    return MJ_ENOMEM;
  }
  snprintf(joined, n, "%s%s%s", rdir, strcmp(rdir, "/") == 0 ? "" : "/",
           base);
  free(rdir);
  struct stat st;
  if (lstat(joined, &st) != 0 || !S_ISLNK(st.st_mode)) {
    *out = joined;
    return MJ_OK;
  }
  char *target = realpath(joined, NULL);
  if (target || errno != ENOENT || links >= MAX_LINKS) {
    if (!target)
      snprintf(why, whylen, "cannot write '%s': %s", name,
               strerror(links >= MAX_LINKS ? ELOOP : errno));
    free(joined);
    *out = target;
    return target ? MJ_OK : MJ_EIO;
  }
  /* A link to a file not there yet: where it points, from its folder. */
  char link[4096];
  ssize_t k = readlink(joined, link, sizeof link - 1);
  if (k <= 0 || (size_t)k >= sizeof link - 1) {
    snprintf(why, whylen, "cannot read the link '%s'", name);
    free(joined);
    return MJ_EIO;
  }
  link[k] = '\0';
  char *slash2 = strrchr(joined, '/');
  slash2[slash2 == joined ? 1 : 0] = '\0';
  size_t m = strlen(joined) + (size_t)k + 2;
  char *next = link[0] == '/' ? strdup(link) : malloc(m);
  if (next && link[0] != '/')
    snprintf(next, m, "%s/%s", joined, link);
  free(joined);
  if (!next) {
    snprintf(why, whylen, "out of memory");
    return MJ_ENOMEM;
  }
  int rc = resolve_for_write(next, links + 1, out, why, whylen);
  free(next);
  return rc;
}

/* Is real (resolved) inside the folder jail (resolved here)? */
static int inside(const char *jail, const char *real)
{
  char *rj = realpath(jail, NULL);
  if (!rj)
    return 0;
  size_t n = strlen(rj);
  int in = strncmp(real, rj, n) == 0 &&
           (n == 1 ? real[1] != '\0' : real[n] == '/');
  free(rj);
  return in;
}

int mj__path_resolve(const char *name, unsigned mode, const char *jail,
                     char **out, char *why, size_t whylen)
{
  *out = NULL;
  if (!name || !*name) {
    snprintf(why, whylen, "no file name given");
    return MJ_EINVAL;
  }
  char *real = NULL;
  int rc;
  if (mode & MJ_PATH_WRITE) {
    rc = resolve_for_write(name, 0, &real, why, whylen);
  } else {
    real = realpath(name, NULL);
    rc = real ? MJ_OK : MJ_EIO;
    if (!real)
      snprintf(why, whylen, "cannot open '%s': %s", name, strerror(errno));
  }
  /* Where it is first: a refused file is not looked at any further. */
  if (rc == MJ_OK && jail && !inside(jail, real)) {
    snprintf(why, whylen,
             "'%s' is '%s', outside the playbook's folder '%s'; " TRUST_HINT,
             name, real, jail);
    rc = MJ_EVALIDATE;
  }
  if (rc == MJ_OK)
    rc = check_regular(name, real, (mode & MJ_PATH_WRITE) != 0, why, whylen);
  if (rc != MJ_OK) {
    free(real);
    return rc;
  }
  *out = real;
  return MJ_OK;
}

FILE *mj__file_create(const char *name, const char *jail, int *code,
                      char *why, size_t whylen)
{
  char *real = NULL;
  *code = mj__path_resolve(name, MJ_PATH_WRITE, jail, &real, why, whylen);
  if (*code != MJ_OK)
    return NULL;
  /* Never through a link, and never waiting for a FIFO's reader, should
  ** either have taken the file's place since it was checked. */
  int fd = open(real, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW |
                          O_NONBLOCK,
                0644);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (!f) {
    snprintf(why, whylen, "cannot write '%s': %s", name, strerror(errno));
    *code = errno == ENOMEM ? MJ_ENOMEM : MJ_EIO;
    if (fd >= 0)
      close(fd);
  }
  free(real);
  return f;
}

char *mj__path_join(const char *dir, const char *path)
{
  if (!path)
    return NULL;
  if (path[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
    return strdup(path);
  size_t n = strlen(dir) + strlen(path) + 2;
  char *p = malloc(n);
  if (p)
    snprintf(p, n, "%s/%s", dir, path);
  return p;
}
