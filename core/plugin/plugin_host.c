/*
** The plugin host: finds, loads and checks plugins, and makes instances.
*/
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_static.h"

#ifndef MJ_PLUGINDIR
#define MJ_PLUGINDIR "/usr/local/lib/mejora/plugins"
#endif
#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Longest options array we walk: a missing NULL row must not run away. */
enum { MAX_OPTIONS = 256 };
/* Room for a plugin name taken from a file name. */
enum { NAME_BUF = 72 };

struct mj_plugin {
  const mj_plugin_desc *desc;
  char *path;      /* the file, or "(built-in)" */
  void *handle;    /* dlopen handle; NULL for built-ins */
  mj_ffi_lib *ffi; /* prepared exports, or NULL */
  int initialised; /* desc->load succeeded: unload() is owed */
};

struct mj_registry {
  mj_plugin **v;
  size_t n;
  int builtins_done;
};

/* A log line an instance wrote while away on another thread. */
typedef struct held_line {
  struct held_line *next;
  int level;
  char text[];
} held_line;

/* What an instance hands back to host->log and host->path: the engine it
** belongs to, and the folder the files it opens must stay in (NULL: any;
** the operator named them, or trusts the playbook). While the instance
** is away on another thread its log lines are held, in order, for the
** engine's thread to pass on (the embedder's log function is called
** from that thread only). */
struct mj_ctx {
  mj_engine *e;
  char *jail;
  int away;
  held_line *held, **held_tail;
};

typedef struct cfg_value {
  const char *key;
  mj_opt_type type;
  int present;
  const char *str;
  double num;
  int boolean;
} cfg_value;

struct mj_config {
  mj_arena arena;
  const char *basedir;
  cfg_value *v;
  size_t n;
};

const char *mj__plugin_kind_name(mj_plugin_kind kind)
{
  switch (kind) {
  case MJ_KIND_STORAGE:
    return "storage";
  case MJ_KIND_SCORER:
    return "scorer";
  case MJ_KIND_NOTIFIER:
    return "notifier";
  case MJ_KIND_COLLECTOR:
    return "collector";
  }
  return "unknown";
}

static int kind_from_text(const char *s, size_t n, mj_plugin_kind *out)
{
  static const mj_plugin_kind kinds[] = {MJ_KIND_STORAGE, MJ_KIND_SCORER,
                                         MJ_KIND_NOTIFIER, MJ_KIND_COLLECTOR};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    const char *k = mj__plugin_kind_name(kinds[i]);
    if (strlen(k) == n && memcmp(k, s, n) == 0) {
      *out = kinds[i];
      return 1;
    }
  }
  return 0;
}

/* Plugin and option names: [a-z0-9_-]+, so they are safe in file names. */
static int valid_name(const char *s)
{
  if (!s || !*s || strlen(s) > 64)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
          *s == '-'))
      return 0;
  return 1;
}

/* ---- the host table ------------------------------------------------------ */

static void host_log(mj_ctx *ctx, int level, const char *fmt, ...)
{
  if (!ctx)
    return; /* load() gets no instance: nowhere to route the line */
  va_list ap;
  va_start(ap, fmt);
  if (!ctx->away) {
    mj__logv(ctx->e, level, fmt, ap);
  } else {
    /* Only this thread uses ctx while away; a line that finds no memory
    ** is lost, as the log is no channel for errors. */
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf) + 1;
    held_line *l = malloc(sizeof *l + n);
    if (l) {
      l->next = NULL;
      l->level = level;
      memcpy(l->text, buf, n);
      *ctx->held_tail = l;
      ctx->held_tail = &l->next;
    }
  }
  va_end(ap);
}

static char *host_strdup(const char *s)
{
  return s ? strdup(s) : NULL;
}

static int host_error(mj_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__error_v(err, code, NULL, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

static int host_error_at(mj_error *err, int code, const char *file, int line,
                         int col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mj__error_v(err, code, file, line, col, fmt, ap);
  va_end(ap);
  return code;
}

static const cfg_value *cfg_get(const mj_config *cfg, const char *key)
{
  for (size_t i = 0; cfg && key && i < cfg->n; i++)
    if (strcmp(cfg->v[i].key, key) == 0)
      return cfg->v[i].present ? &cfg->v[i] : NULL;
  return NULL;
}

static const char *cfg_str(const mj_config *cfg, const char *key)
{
  const cfg_value *v = cfg_get(cfg, key);
  return v ? v->str : NULL;
}

static int64_t cfg_int(const mj_config *cfg, const char *key, int64_t def)
{
  const cfg_value *v = cfg_get(cfg, key);
  return v && v->type != MJ_OPT_STRING ? (int64_t)v->num : def;
}

static double cfg_num(const mj_config *cfg, const char *key, double def)
{
  const cfg_value *v = cfg_get(cfg, key);
  return v && v->type != MJ_OPT_STRING ? v->num : def;
}

static int cfg_bool(const mj_config *cfg, const char *key, int def)
{
  const cfg_value *v = cfg_get(cfg, key);
  return v && v->type == MJ_OPT_BOOL ? v->boolean : def;
}

static const char *cfg_basedir(const mj_config *cfg)
{
  return cfg && cfg->basedir ? cfg->basedir : ".";
}

static int host_path(mj_ctx *ctx, const char *name, unsigned mode,
                     char **out, mj_error *err)
{
  char why[sizeof err->msg];
  *out = NULL;
  if (mode != MJ_PATH_READ && mode != MJ_PATH_WRITE)
    return mj__error(err, MJ_EINVAL,
                     "host->path: mode must be MJ_PATH_READ or "
                     "MJ_PATH_WRITE");
  int rc = mj__path_resolve(name, mode, ctx ? ctx->jail : NULL, out, why,
                            sizeof why);
  return rc == MJ_OK ? MJ_OK : mj__error(err, rc, "%s", why);
}

static int host_env(mj_ctx *ctx, const char *name, char **out,
                    mj_error *err)
{
  *out = NULL;
  if (!ctx || !name || !*name)
    return mj__error(err, MJ_EINVAL, "host->env: no variable name");
  const mj_engine *e = ctx->e;
  if (!(e->opts.flags & MJ_TRUST_PLAYBOOK) &&
      !mj__env_listed(e->opts.env_allow, name))
    return mj__error(err, MJ_EVALIDATE,
                     "the operator has not allowed the environment "
                     "variable %s (--env %s or MEJORA_ENV_ALLOW=%s on the "
                     "command line, mj_opts.env_allow when embedding; or "
                     "trust the playbook: --trust, MJ_TRUST_PLAYBOOK)",
                     name, name, name);
  const char *v = getenv(name);
  if (v && !(*out = strdup(v)))
    return mj__error(err, MJ_ENOMEM, "out of memory");
  return MJ_OK;
}

static const mj_host_api host_api = {
    sizeof(mj_host_api),
    MJ_PLUGIN_ABI_MAJOR,
    MJ_PLUGIN_ABI_MINOR,
    host_log,
    malloc,
    realloc,
    free,
    host_strdup,
    host_error,
    host_error_at,
    cfg_str,
    cfg_int,
    cfg_num,
    cfg_bool,
    cfg_basedir,
    host_path,
    host_env,
};

const mj_host_api *mj__plugin_host_api(void)
{
  return &host_api;
}

/* ---- checking a descriptor ---------------------------------------------- */

/* Parse an option's default text as its type; 0 when it does not parse. */
static int parse_default(mj_opt_type type, const char *s, double *num,
                         int *boolean)
{
  char *end;
  switch (type) {
  case MJ_OPT_STRING:
    return 1;
  case MJ_OPT_INT: {
    long long v = strtoll(s, &end, 10);
    *num = (double)v;
    return *s && !*end;
  }
  case MJ_OPT_NUMBER:
    *num = strtod(s, &end);
    return *s && !*end && isfinite(*num);
  case MJ_OPT_BOOL:
    *boolean = strcmp(s, "true") == 0;
    return *boolean || strcmp(s, "false") == 0;
  }
  return 0;
}

static const char *opt_type_name(mj_opt_type t)
{
  switch (t) {
  case MJ_OPT_STRING:
    return "a string";
  case MJ_OPT_INT:
    return "an integer";
  case MJ_OPT_NUMBER:
    return "a number";
  case MJ_OPT_BOOL:
    return "a boolean";
  }
  return "?";
}

static int check_options(mj_engine *e, const char *where, const mj_option *opts)
{
  for (size_t i = 0; opts && opts[i].name; i++) {
    const mj_option *o = &opts[i];
    if (i == MAX_OPTIONS)
      return mj__seterr(e, MJ_EPLUGIN,
                        "%s: more than %d options (is the options array "
                        "missing its NULL row?)",
                        where, MAX_OPTIONS);
    if (!valid_name(o->name) || strcmp(o->name, "as") == 0)
      return mj__seterr(e, MJ_EPLUGIN,
                        "%s: option name '%s' is not allowed (use a-z, 0-9, "
                        "_ and -; 'as' is reserved)",
                        where, o->name);
    if (o->type < MJ_OPT_STRING || o->type > MJ_OPT_BOOL)
      return mj__seterr(e, MJ_EPLUGIN, "%s: option '%s' has unknown type %d",
                        where, o->name, (int)o->type);
    double num;
    int b;
    if (o->def && !parse_default(o->type, o->def, &num, &b))
      return mj__seterr(e, MJ_EPLUGIN,
                        "%s: option '%s': default '%s' is not %s", where,
                        o->name, o->def, opt_type_name(o->type));
    for (size_t j = 0; j < i; j++)
      if (strcmp(opts[j].name, o->name) == 0)
        return mj__seterr(e, MJ_EPLUGIN, "%s: option '%s' is listed twice",
                          where, o->name);
  }
  return MJ_OK;
}

/* The operations every plugin of a kind must provide, and its table size. */
static int check_ops(mj_engine *e, const char *where, const mj_plugin_desc *d)
{
  const char *kind = mj__plugin_kind_name(d->kind);
  size_t need = 0, have = d->ops ? *(const size_t *)d->ops : 0;
  const char *missing = NULL;
  if (!d->ops)
    return mj__seterr(e, MJ_EPLUGIN, "%s: %s plugin without an ops table",
                      where, kind);
  switch (d->kind) {
  case MJ_KIND_STORAGE: {
    const mj_storage_ops *o = d->ops;
    need = sizeof *o;
    if (have >= need)
      missing = !o->open           ? "open"
                : !o->close        ? "close"
                : !o->begin        ? "begin"
                : !o->commit       ? "commit"
                : !o->rollback     ? "rollback"
                : !o->put_response ? "put_response"
                : !o->scan_answers ? "scan_answers"
                                   : NULL;
    break;
  }
  case MJ_KIND_SCORER: {
    const mj_scorer_ops *o = d->ops;
    need = sizeof *o;
    if (have >= need)
      missing = !o->create                     ? "create"
                : !o->destroy                  ? "destroy"
                : !o->score && !o->score_matrix && !o->score_customers &&
                          !o->stream_open
                    ? "score, score_matrix, stream_open or score_customers"
                : o->score && !o->qtypes       ? "qtypes"
                : !o->stream_open && (o->stream_rows || o->stream_close)
                    ? "stream_open (the three stream ops come together)"
                : o->stream_open && !o->stream_rows
                    ? "stream_rows (the three stream ops come together)"
                : o->stream_open && !o->stream_close
                    ? "stream_close (the three stream ops come together)"
                    : NULL;
    break;
  }
  case MJ_KIND_NOTIFIER: {
    const mj_notifier_ops *o = d->ops;
    need = sizeof *o;
    if (have >= need)
      missing = !o->create    ? "create"
                : !o->destroy ? "destroy"
                : !o->notify  ? "notify"
                              : NULL;
    break;
  }
  case MJ_KIND_COLLECTOR: {
    const mj_collector_ops *o = d->ops;
    /* serve (ABI 1.4) is optional: a 1.0 collector's table suffices. */
    need = offsetof(mj_collector_ops, serve);
    if (have >= need)
      missing = !o->create    ? "create"
                : !o->destroy ? "destroy"
                : !o->collect ? "collect"
                              : NULL;
    break;
  }
  }
  if (have < need)
    return mj__seterr(e, MJ_EABI,
                      "%s: %s ops table is %zu bytes, this mejora needs at "
                      "least %zu: rebuild it against mejora/plugin.h %d.%d",
                      where, kind, have, need, MJ_PLUGIN_ABI_MAJOR,
                      MJ_PLUGIN_ABI_MINOR);
  if (missing)
    return mj__seterr(e, MJ_EPLUGIN, "%s: %s plugin has no %s operation", where,
                      kind, missing);
  return MJ_OK;
}

/*
** Check a descriptor before anything in the plugin is called (want_kind 0
** and want_name NULL: any). On success *out is a new plugin record that
** owns path and handle.
*/
static int plugin_check(mj_engine *e, const mj_plugin_desc *d, const char *path,
                        void *handle, mj_plugin_kind want_kind,
                        const char *want_name, mj_plugin **out)
{
  *out = NULL;
  if (!d)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: not a mejora plugin (mj_plugin_entry returned "
                      "no descriptor)",
                      path);
  /* The first five fields are fixed forever, so they are safe to read. */
  if (d->magic != MJ_PLUGIN_MAGIC)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: not a mejora plugin (magic 0x%08x, want 0x%08x)",
                      path, (unsigned)d->magic, MJ_PLUGIN_MAGIC);
  if (d->abi_major != MJ_PLUGIN_ABI_MAJOR || d->abi_minor > MJ_PLUGIN_ABI_MINOR)
    return mj__seterr(e, MJ_EABI,
                      "%s: plugin ABI %u.%u, this mejora speaks %d.%d: "
                      "rebuild it against mejora/plugin.h %d.%d",
                      path, (unsigned)d->abi_major, (unsigned)d->abi_minor,
                      MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR,
                      MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR);
  if (d->desc_size < sizeof(mj_plugin_desc))
    return mj__seterr(e, MJ_EABI,
                      "%s: descriptor is %u bytes, ABI %d.%d needs %zu: "
                      "rebuild it against mejora/plugin.h %d.%d",
                      path, (unsigned)d->desc_size, MJ_PLUGIN_ABI_MAJOR,
                      MJ_PLUGIN_ABI_MINOR, sizeof(mj_plugin_desc),
                      MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR);
  if (d->abi_fingerprint != MJ_ABI_FINGERPRINT)
    return mj__seterr(e, MJ_EABI,
                      "%s: built for another data model (fingerprint "
                      "0x%08x, this mejora 0x%08x): rebuild it with this "
                      "machine's compiler",
                      path, (unsigned)d->abi_fingerprint,
                      (unsigned)MJ_ABI_FINGERPRINT);
  if (strcmp(mj__plugin_kind_name(d->kind), "unknown") == 0)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: unknown plugin kind %d (this mejora knows "
                      "storage, scorer, notifier and collector)",
                      path, (int)d->kind);
  if (want_kind && d->kind != want_kind)
    return mj__seterr(e, MJ_EPLUGIN, "%s: is a %s plugin, wanted a %s", path,
                      mj__plugin_kind_name(d->kind),
                      mj__plugin_kind_name(want_kind));
  if (!valid_name(d->name))
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: plugin name '%s' is not allowed (use a-z, 0-9, _ "
                      "and -)",
                      path, d->name ? d->name : "(null)");
  if (want_name && strcmp(d->name, want_name) != 0)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: declares the name '%s', but the file is named "
                      "for '%s': rename it %s_%s.so",
                      path, d->name, want_name, mj__plugin_kind_name(d->kind),
                      d->name);
  int rc = check_ops(e, path, d);
  if (rc == MJ_OK)
    rc = check_options(e, path, d->options);
  if (rc != MJ_OK)
    return rc;

  mj_plugin *p = calloc(1, sizeof *p);
  if (!p || !(p->path = strdup(path))) {
    free(p);
    return mj__seterr(e, MJ_ENOMEM, "%s: out of memory", path);
  }
  p->desc = d;
  mj_error err = {0};
  rc = mj__ffi_prepare(d, path, &p->ffi, &err);
  if (rc != MJ_OK) {
    free(p->path);
    free(p);
    return mj__seterr_from(e, &err, MJ_EPLUGIN, NULL);
  }
  if (d->load) {
    rc = d->load(&host_api, &err);
    if (rc != MJ_OK) {
      mj__ffi_free(p->ffi);
      free(p->path);
      free(p);
      return mj__seterr(e, MJ_EPLUGIN, "%s: init failed: %s", path,
                        err.msg[0] ? err.msg : mj_strerror(rc));
    }
    p->initialised = 1;
  }
  p->handle = handle;
  *out = p;
  return MJ_OK;
}

static void module_close(void *handle)
{
#ifdef MJ_NO_DLCLOSE
  /* Sanitizer builds: leak reports need the module's symbols. */
  (void)handle;
#else
  if (handle)
    dlclose(handle);
#endif
}

static void plugin_release(mj_plugin *p)
{
  if (!p)
    return;
  if (p->initialised && p->desc->unload)
    p->desc->unload();
  mj__ffi_free(p->ffi);
  module_close(p->handle);
  free(p->path);
  free(p);
}

/* ---- the ELF file, before dlopen ------------------------------------------
**
** dlopen maps a library's segments without comparing them with the file's
** size, and the first touch of a page past the end of a truncated file (an
** interrupted copy, a full disk) kills the process with SIGBUS. So the
** file is read first: an ELF shared object of this host's class, byte
** order and machine, whose header tables and segments lie within the file.
*/
#if UINTPTR_MAX > 0xffffffffu
#define ELF_CLASS ELFCLASS64
#define ELF_BITS 64
typedef Elf64_Ehdr elf_ehdr;
typedef Elf64_Phdr elf_phdr;
typedef Elf64_Shdr elf_shdr;
#else
#define ELF_CLASS ELFCLASS32
#define ELF_BITS 32
typedef Elf32_Ehdr elf_ehdr;
typedef Elf32_Phdr elf_phdr;
typedef Elf32_Shdr elf_shdr;
#endif

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ELF_DATA ELFDATA2MSB
#else
#define ELF_DATA ELFDATA2LSB
#endif

/* The machine this host runs; 0 where not listed (dlopen then checks). */
#if defined(__x86_64__)
#define ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define ELF_MACHINE EM_AARCH64
#elif defined(__i386__)
#define ELF_MACHINE EM_386
#elif defined(__arm__)
#define ELF_MACHINE EM_ARM
#elif defined(__riscv)
#define ELF_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define ELF_MACHINE EM_PPC64
#elif defined(__powerpc__)
#define ELF_MACHINE EM_PPC
#elif defined(__s390x__)
#define ELF_MACHINE EM_S390
#else
#define ELF_MACHINE 0
#endif

/* off + n bytes lie within a file of size bytes (no overflow). */
static int within(uint64_t off, uint64_t n, uint64_t size)
{
  return off <= size && n <= size - off;
}

static int read_at(int fd, void *buf, size_t n, uint64_t off)
{
  return pread(fd, buf, n, (off_t)off) == (ssize_t)n;
}

/* "PATH: damaged or truncated: WHAT": the usual fix is a fresh copy. */
static int truncated(mj_engine *e, const char *path, const char *what,
                     uint64_t end, uint64_t size)
{
  return mj__seterr(e, MJ_EPLUGIN,
                    "%s: damaged or truncated: %s ends at byte %llu, the "
                    "file has %llu: copy or build it again",
                    path, what, (unsigned long long)end,
                    (unsigned long long)size);
}

static int elf_check_fd(mj_engine *e, const char *path, int fd, uint64_t size)
{
  elf_ehdr h;
  if (size < EI_NIDENT || !read_at(fd, h.e_ident, EI_NIDENT, 0) ||
      memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: not a shared library (no ELF header): build it "
                      "with -shared -fPIC",
                      path);
  int cls = h.e_ident[EI_CLASS], data = h.e_ident[EI_DATA];
  if ((cls != ELFCLASS32 && cls != ELFCLASS64) ||
      (data != ELFDATA2LSB && data != ELFDATA2MSB))
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: damaged: its ELF header names no class or byte "
                      "order: copy or build it again",
                      path);
  if (cls != ELF_CLASS)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: a %d-bit library, this mejora is %d-bit: build "
                      "it for this machine",
                      path, cls == ELFCLASS32 ? 32 : 64, ELF_BITS);
  if (data != ELF_DATA)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: built for the other byte order: build it for "
                      "this machine",
                      path);
  if (size < sizeof h || !read_at(fd, &h, sizeof h, 0))
    return truncated(e, path, "the ELF header", sizeof h, size);
  if (h.e_type != ET_DYN)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: not a shared library (ELF type %u): link it "
                      "with -shared",
                      path, (unsigned)h.e_type);
  if (ELF_MACHINE && h.e_machine != ELF_MACHINE)
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: built for another processor (ELF machine %u, "
                      "this one is %u): build it for this machine",
                      path, (unsigned)h.e_machine, (unsigned)ELF_MACHINE);
  /* Section 0 holds the real counts when they overflow the header's. */
  uint64_t phnum = h.e_phnum, shnum = h.e_shnum;
  if (h.e_shoff != 0) {
    elf_shdr s0;
    if (h.e_shentsize != sizeof s0)
      return mj__seterr(e, MJ_EPLUGIN,
                        "%s: damaged: section headers of %u bytes, not "
                        "%zu: copy or build it again",
                        path, (unsigned)h.e_shentsize, sizeof s0);
    if (!within(h.e_shoff, sizeof s0, size) ||
        !read_at(fd, &s0, sizeof s0, h.e_shoff))
      return truncated(e, path, "the section header table",
                       (uint64_t)h.e_shoff + sizeof s0, size);
    if (shnum == 0)
      shnum = s0.sh_size;
    if (phnum == PN_XNUM)
      phnum = s0.sh_info;
    if (shnum > size / sizeof s0 ||
        !within(h.e_shoff, shnum * sizeof s0, size))
      return truncated(e, path, "the section header table",
                       (uint64_t)h.e_shoff + shnum * sizeof s0, size);
  }
  if (phnum == 0 || h.e_phentsize != sizeof(elf_phdr))
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: damaged: %llu program headers of %u bytes: copy "
                      "or build it again",
                      path, (unsigned long long)phnum,
                      (unsigned)h.e_phentsize);
  if (phnum > size / sizeof(elf_phdr) ||
      !within(h.e_phoff, phnum * sizeof(elf_phdr), size))
    return truncated(e, path, "the program header table",
                     (uint64_t)h.e_phoff + phnum * sizeof(elf_phdr), size);
  for (uint64_t i = 0; i < phnum; i++) {
    elf_phdr ph;
    if (!read_at(fd, &ph, sizeof ph, h.e_phoff + i * sizeof ph))
      return mj__seterr(e, MJ_EPLUGIN, "%s: cannot read its program headers",
                        path);
    if (ph.p_type == PT_NULL || within(ph.p_offset, ph.p_filesz, size))
      continue;
    char what[48];
    snprintf(what, sizeof what, "segment %llu", (unsigned long long)i);
    return truncated(e, path, what, (uint64_t)ph.p_offset + ph.p_filesz,
                     size);
  }
  return MJ_OK;
}

/* Check the ELF file at path before dlopen maps it (see above). */
static int elf_check(mj_engine *e, const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    int rc = mj__seterr(e, MJ_EPLUGIN, "%s: cannot read: %s", path,
                        strerror(errno));
    if (fd >= 0)
      close(fd);
    return rc;
  }
  int rc = elf_check_fd(e, path, fd, (uint64_t)st.st_size);
  close(fd);
  return rc;
}

/* Open a file, find its entry and check it. */
static int plugin_open(mj_engine *e, const char *path, mj_plugin_kind want_kind,
                       const char *want_name, mj_plugin **out)
{
  *out = NULL;
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return mj__seterr(e, MJ_ENOTFOUND, "%s: no such plugin file", path);
  int rc = elf_check(e, path);
  if (rc != MJ_OK)
    return rc;
  /* dlopen searches the system folders for a name without '/'. */
  char buf[PATH_MAX];
  const char *open_path = path;
  if (!strchr(path, '/')) {
    snprintf(buf, sizeof buf, "./%s", path);
    open_path = buf;
  }
  dlerror();
  void *h = dlopen(open_path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *why = dlerror();
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: cannot load: %s (check its libraries with ldd)",
                      path, why ? why : "unknown dlopen error");
  }
  /* POSIX: a data pointer converts to a function pointer through memcpy. */
  void *sym = dlsym(h, "mj_plugin_entry");
  if (!sym) {
    module_close(h);
    return mj__seterr(e, MJ_EPLUGIN,
                      "%s: not a mejora plugin (no mj_plugin_entry)", path);
  }
  mj_plugin_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry);
  rc = plugin_check(e, entry(), path, h, want_kind, want_name, out);
  if (rc != MJ_OK)
    module_close(h);
  return rc;
}

/* ---- the registry -------------------------------------------------------- */

int mj__plugin_registry_new(mj_engine *e)
{
  e->plugins = calloc(1, sizeof *e->plugins);
  return e->plugins ? MJ_OK : MJ_ENOMEM;
}

void mj__plugin_registry_free(mj_engine *e)
{
  mj_registry *r = e ? e->plugins : NULL;
  if (!r)
    return;
  for (size_t i = r->n; i-- > 0;)
    plugin_release(r->v[i]);
  free(r->v);
  free(r);
  e->plugins = NULL;
}

static int registry_add(mj_engine *e, mj_plugin *p)
{
  mj_registry *r = e->plugins;
  mj_plugin **v = realloc(r->v, (r->n + 1) * sizeof *v);
  if (!v) {
    plugin_release(p);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  r->v = v;
  r->v[r->n++] = p;
  return MJ_OK;
}

static mj_plugin *registry_get(mj_engine *e, mj_plugin_kind kind,
                               const char *name)
{
  mj_registry *r = e->plugins;
  for (size_t i = 0; i < r->n; i++)
    if ((!kind || r->v[i]->desc->kind == kind) &&
        strcmp(r->v[i]->desc->name, name) == 0)
      return r->v[i];
  return NULL;
}

static int builtins_ensure(mj_engine *e)
{
  mj_registry *r = e->plugins;
  if (r->builtins_done)
    return MJ_OK;
  const mj_plugin_entry_fn *b = mj__builtin_plugins();
  for (size_t i = 0; b && b[i]; i++) {
    mj_plugin *p;
    int rc = plugin_check(e, b[i](), "(built-in)", NULL, 0, NULL, &p);
    if (rc == MJ_OK)
      rc = registry_add(e, p);
    if (rc != MJ_OK)
      return rc;
  }
  r->builtins_done = 1;
  return MJ_OK;
}

/*
** The folders searched, in order: the engine's plugin path, then the
** installed folder. Returned ':'-joined without empty parts; caller frees.
*/
static char *search_path(mj_engine *e)
{
  const char *user = e->opt_plugin_path ? e->opt_plugin_path : "";
  int def = !(e->opts.flags & MJ_NO_DEFAULT_PLUGINS);
  size_t n = strlen(user) + (def ? strlen(MJ_PLUGINDIR) : 0) + 2;
  char *s = malloc(n), *w = s;
  if (!s)
    return NULL;
  for (const char *p = user; *p; p++)
    if (*p != ':' || (w > s && w[-1] != ':'))
      *w++ = *p;
  if (def) {
    if (w > s && w[-1] != ':')
      *w++ = ':';
    memcpy(w, MJ_PLUGINDIR, strlen(MJ_PLUGINDIR));
    w += strlen(MJ_PLUGINDIR);
  }
  if (w > s && w[-1] == ':')
    w--;
  *w = '\0';
  return s;
}

/* The next folder of a ':'-joined path into buf; 0 at the end. */
static int next_dir(const char **it, char *buf, size_t n)
{
  const char *s = *it;
  if (!*s)
    return 0;
  const char *colon = strchr(s, ':');
  size_t len = colon ? (size_t)(colon - s) : strlen(s);
  snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), s);
  *it = colon ? colon + 1 : s + len;
  return 1;
}

/* Split "KIND_NAME.so" (a base name); 0 if it is not named like a plugin. */
static int parse_file_name(const char *base, mj_plugin_kind *kind, char *name,
                           size_t n)
{
  const char *us = strchr(base, '_');
  size_t len = strlen(base);
  if (!us || len < 4 || strcmp(base + len - 3, ".so") != 0 ||
      !kind_from_text(base, (size_t)(us - base), kind))
    return 0;
  size_t nl = (size_t)(base + len - 3 - (us + 1));
  if (nl == 0 || nl >= n)
    return 0;
  memcpy(name, us + 1, nl);
  name[nl] = '\0';
  return valid_name(name);
}

/* Is nm already a whole entry of the ", "-separated list? */
static int name_listed(const char *list, const char *nm)
{
  size_t k = strlen(nm);
  for (const char *p = list; (p = strstr(p, nm)) != NULL; p += k)
    if ((p == list || p[-1] == ' ') && (p[k] == ',' || p[k] == '\0'))
      return 1;
  return 0;
}

static void add_name(char *out, size_t n, size_t *used, const char *nm)
{
  if (name_listed(out, nm))
    return;
  int k = snprintf(out + *used, n - *used, "%s%s", *used ? ", " : "", nm);
  if (k > 0 && (size_t)k < n - *used)
    *used += (size_t)k;
}

static int cmp_name(const void *a, const void *b)
{
  return strcmp(a, b);
}

/* Keep in best the name nearest to want so far (ties: the first in name
** order, so the hint is the same everywhere). */
static void nearer(const char *want, const char *nm, char *best, int *bestd)
{
  int d = mj__edit_distance(want, nm);
  if (d < *bestd || (d == *bestd && strcmp(nm, best) < 0)) {
    *bestd = d;
    snprintf(best, NAME_BUF, "%s", nm);
  }
}

/* "nps, csat" for the plugins of kind (0: any) in the registry and on the
** search path, without loading anything, and in near the one closest to
** want ("" when none is close). */
static void list_found(mj_engine *e, mj_plugin_kind kind, const char *path,
                       const char *want, char *out, size_t n,
                       char near[NAME_BUF])
{
  int bestd = 1000;
  near[0] = '\0';
  size_t used = 0;
  out[0] = '\0';
  mj_registry *r = e->plugins;
  for (size_t i = 0; i < r->n; i++)
    if (!kind || r->v[i]->desc->kind == kind) {
      add_name(out, n, &used, r->v[i]->desc->name);
      nearer(want, r->v[i]->desc->name, near, &bestd);
    }
  /* File names in name order, so the message is the same everywhere. */
  char names[64][NAME_BUF];
  size_t nn = 0;
  char dir[PATH_MAX];
  const char *it = path;
  while (next_dir(&it, dir, sizeof dir)) {
    DIR *d = opendir(dir);
    if (!d)
      continue;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && nn < 64) {
      mj_plugin_kind k;
      if (parse_file_name(de->d_name, &k, names[nn], sizeof names[nn]) &&
          (!kind || k == kind))
        nn++;
    }
    closedir(d);
  }
  qsort(names, nn, sizeof names[0], cmp_name);
  for (size_t i = 0; i < nn; i++) {
    add_name(out, n, &used, names[i]);
    nearer(want, names[i], near, &bestd);
  }
  if (!used)
    snprintf(out, n, "none");
  const char *cand[1] = {near};
  if (near[0] && !mj__suggest(want, cand, 1))
    near[0] = '\0';
}

/* Look for KIND_NAME.so along the path; kind 0 tries every kind. */
static int find_file(mj_engine *e, mj_plugin_kind kind, const char *name,
                     const char *path, const mj_plugin **out)
{
  static const mj_plugin_kind kinds[] = {MJ_KIND_STORAGE, MJ_KIND_SCORER,
                                         MJ_KIND_NOTIFIER, MJ_KIND_COLLECTOR};
  char dir[PATH_MAX], file[PATH_MAX + 80];
  const char *it = path;
  while (next_dir(&it, dir, sizeof dir)) {
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
      if (kind && kinds[i] != kind)
        continue;
      snprintf(file, sizeof file, "%s/%s_%s.so", dir,
               mj__plugin_kind_name(kinds[i]), name);
      struct stat st;
      if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
        continue;
      mj_plugin *p;
      int rc = plugin_open(e, file, kinds[i], name, &p);
      if (rc == MJ_OK)
        rc = registry_add(e, p);
      if (rc == MJ_OK)
        *out = p;
      return rc;
    }
  }
  return MJ_ENOTFOUND;
}

static int find(mj_engine *e, mj_plugin_kind kind, const char *name,
                const mj_plugin **out)
{
  *out = NULL;
  const char *what = kind ? mj__plugin_kind_name(kind) : "";
  if (!valid_name(name))
    return mj__seterr(e, MJ_EINVAL,
                      "'%s' is not a %s%splugin name (use a-z, 0-9, _ and -)",
                      name ? name : "(null)", what, kind ? " " : "");
  int rc = builtins_ensure(e);
  if (rc != MJ_OK)
    return rc;
  if ((*out = registry_get(e, kind, name)) != NULL)
    return MJ_OK;
  char *path = search_path(e);
  if (!path)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  rc = find_file(e, kind, name, path, out);
  if (rc == MJ_ENOTFOUND) {
    char found[1024], near[NAME_BUF];
    list_found(e, kind, path, name, found, sizeof found, near);
    rc = mj__seterr(e, MJ_ENOTFOUND,
                    "no %s%splugin '%s'%s%s%s (searched: %s; found: %s)", what,
                    kind ? " " : "", name, near[0] ? " (did you mean '" : "",
                    near, near[0] ? "'?)" : "", *path ? path : "no folders",
                    found);
  }
  free(path);
  return rc;
}

int mj__plugin_find(mj_engine *e, mj_plugin_kind kind, const char *name,
                    const mj_plugin **out)
{
  return find(e, kind, name, out);
}

int mj__plugin_scorer_known(void *engine, const char *name)
{
  mj_engine *e = engine;
  const mj_plugin *p = NULL;
  if (mj__plugin_find(e, MJ_KIND_SCORER, name, &p) == MJ_OK)
    return 1;
  mj__clearerr(e);
  return 0;
}

int mj__plugin_find_any(mj_engine *e, const char *name, const mj_plugin **out)
{
  return find(e, 0, name, out);
}

const mj_plugin_desc *mj__plugin_desc(const mj_plugin *p)
{
  return p ? p->desc : NULL;
}

const char *mj__plugin_path(const mj_plugin *p)
{
  return p ? p->path : NULL;
}

const mj_ffi_lib *mj__plugin_ffi(const mj_plugin *p)
{
  return p ? p->ffi : NULL;
}

/* ---- listing and checking (mejora.h) ---------------------------------- */

static void fill_info(const mj_plugin *p, mj_plugin_info *info)
{
  info->name = p->desc->name;
  info->kind = mj__plugin_kind_name(p->desc->kind);
  info->version = p->desc->version ? p->desc->version : "";
  info->description = p->desc->description ? p->desc->description : "";
  info->path = p->path;
  info->abi_major = p->desc->abi_major;
  info->abi_minor = p->desc->abi_minor;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load every plugin file of one folder, in name order; refusals are logged. */
static int scan_dir(mj_engine *e, const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) {
    mj__log(e, MJ_LOG_DEBUG, "%s: not searched: cannot open the folder", dir);
    return MJ_OK;
  }
  char **names = NULL;
  size_t n = 0;
  int rc = MJ_OK;
  struct dirent *de;
  while (rc == MJ_OK && (de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 4 || strcmp(de->d_name + len - 3, ".so") != 0)
      continue;
    char **v = realloc(names, (n + 1) * sizeof *v);
    if (!v || !(v[n] = strdup(de->d_name))) {
      names = v ? v : names;
      rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
      break;
    }
    names = v;
    n++;
  }
  closedir(d);
  if (names)
    qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; rc == MJ_OK && i < n; i++) {
    char file[PATH_MAX + 256];
    snprintf(file, sizeof file, "%s/%s", dir, names[i]);
    mj_plugin_kind kind;
    char name[72];
    if (!parse_file_name(names[i], &kind, name, sizeof name)) {
      mj__log(e, MJ_LOG_WARN,
              "%s: skipped: plugin files are named KIND_NAME.so (KIND: "
              "storage, scorer, notifier or collector)",
              file);
      continue;
    }
    if (registry_get(e, kind, name))
      continue; /* an earlier folder (or a built-in) has it */
    mj_plugin *p;
    int lrc = plugin_open(e, file, kind, name, &p);
    if (lrc == MJ_OK)
      rc = registry_add(e, p);
    else if (lrc == MJ_ENOMEM)
      rc = lrc;
    else {
      mj__log(e, MJ_LOG_WARN, "%s", e->err.msg);
      mj__clearerr(e);
    }
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return rc;
}

int mj_plugins_foreach(mj_engine *e, mj_plugin_info_cb cb, void *ud)
{
  if (!e || !cb)
    return e ? mj__seterr(e, MJ_EINVAL, "no callback given") : MJ_EINVAL;
  mj__clearerr(e);
  int rc = builtins_ensure(e);
  if (rc != MJ_OK)
    return rc;
  char *path = search_path(e);
  if (!path)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  char dir[PATH_MAX];
  const char *it = path;
  while (rc == MJ_OK && next_dir(&it, dir, sizeof dir))
    rc = scan_dir(e, dir);
  free(path);
  mj_registry *r = e->plugins;
  for (size_t i = 0; rc == MJ_OK && i < r->n; i++) {
    mj_plugin_info info;
    fill_info(r->v[i], &info);
    rc = cb(ud, &info);
  }
  return rc;
}

int mj_plugin_check(mj_engine *e, const char *path, mj_plugin_info_cb cb,
                    void *ud)
{
  if (!e || !path)
    return e ? mj__seterr(e, MJ_EINVAL, "no plugin file given") : MJ_EINVAL;
  mj__clearerr(e);
  /* A file named like a plugin must also be the plugin its name says. */
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  mj_plugin_kind kind = 0;
  char name[72];
  int named = parse_file_name(base, &kind, name, sizeof name);
  mj_plugin *p;
  int rc = plugin_open(e, path, named ? kind : 0, named ? name : NULL, &p);
  if (rc != MJ_OK)
    return rc;
  if (cb) {
    mj_plugin_info info;
    fill_info(p, &info);
    rc = cb(ud, &info);
  }
  plugin_release(p);
  return rc;
}

/* ---- instances ----------------------------------------------------------- */

static void known_options(const mj_option *o, char *out, size_t n)
{
  size_t used = 0;
  out[0] = '\0';
  for (; o && o->name; o++) {
    int k = snprintf(out + used, n - used, "%s%s", used ? ", " : "", o->name);
    if (k < 0 || (size_t)k >= n - used)
      break;
    used += (size_t)k;
  }
  if (!used)
    snprintf(out, n, "none");
}

static const char *val_type_name(const mj_kv *kv)
{
  switch (kv->type) {
  case MJ_VAL_STRING:
    return "a string";
  case MJ_VAL_NUMBER:
    return "a number";
  case MJ_VAL_BOOL:
    return "a boolean";
  }
  return "?";
}

/* Check one given option against its schema row and store it. */
static int take_option(mj_engine *e, const mj_plugin_desc *d, const mj_use *use,
                       const mj_option *o, const mj_kv *kv, cfg_value *v,
                       mj_arena *a)
{
  int fits = 0;
  switch (o->type) {
  case MJ_OPT_STRING:
    fits = kv->type == MJ_VAL_STRING;
    break;
  case MJ_OPT_INT:
    fits = kv->type == MJ_VAL_NUMBER && isfinite(kv->num) &&
           kv->num == floor(kv->num) && fabs(kv->num) < 9.2e18;
    break;
  case MJ_OPT_NUMBER:
    fits = kv->type == MJ_VAL_NUMBER;
    break;
  case MJ_OPT_BOOL:
    fits = kv->type == MJ_VAL_BOOL;
    break;
  }
  if (!fits) {
    char got[80];
    if (kv->type == MJ_VAL_NUMBER && o->type == MJ_OPT_INT)
      snprintf(got, sizeof got, "%.17g", kv->num);
    else
      snprintf(got, sizeof got, "%s", val_type_name(kv));
    return mj__seterr_at(
        e, MJ_EVALIDATE, use->pos.file, kv->line ? kv->line : use->pos.line, 0,
        "option '%s' for %s %s must be %s, got %s", o->name,
        mj__plugin_kind_name(d->kind), d->name, opt_type_name(o->type), got);
  }
  v->present = 1;
  v->num = kv->num;
  v->boolean = kv->boolean;
  if (kv->str)
    v->str = mj__arena_strdup(a, kv->str);
  else {
    char buf[40];
    if (kv->type == MJ_VAL_BOOL)
      snprintf(buf, sizeof buf, "%s", kv->boolean ? "true" : "false");
    else
      snprintf(buf, sizeof buf, "%.17g", kv->num);
    v->str = mj__arena_strdup(a, buf);
  }
  return v->str ? MJ_OK : mj__seterr(e, MJ_ENOMEM, "out of memory");
}

/* Validate use's options against the plugin's schema into a config. */
static int config_build(mj_engine *e, const mj_plugin_desc *d,
                        const mj_use *use, mj_config **out)
{
  *out = NULL;
  mj_config *cfg = calloc(1, sizeof *cfg);
  if (!cfg)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  size_t n = 0;
  while (d->options && d->options[n].name)
    n++;
  int rc = MJ_OK;
  const char *dir = e->model && e->model->dir ? e->model->dir : ".";
  cfg->basedir = mj__arena_strdup(&cfg->arena, dir);
  cfg->v = mj__arena_alloc(&cfg->arena, (n ? n : 1) * sizeof *cfg->v);
  if (!cfg->v || !cfg->basedir)
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
  cfg->n = rc == MJ_OK ? n : 0;
  const char *file = use ? use->pos.file : NULL;
  int line = use ? use->pos.line : 0;
  /* Unknown keys first: a typo is the likeliest mistake. */
  for (size_t i = 0; rc == MJ_OK && use && i < use->n_opts; i++) {
    const mj_kv *kv = &use->opts[i];
    if (strcmp(kv->key, "as") == 0)
      continue; /* the instance name, not a plugin option */
    size_t j = 0;
    while (j < n && strcmp(d->options[j].name, kv->key) != 0)
      j++;
    if (j == n) {
      char known[400];
      const char *cand[64];
      size_t nc = 0;
      while (nc < n && nc < 64) {
        cand[nc] = d->options[nc].name;
        nc++;
      }
      const char *best = mj__suggest(kv->key, cand, nc);
      known_options(d->options, known, sizeof known);
      rc = mj__seterr_at(e, MJ_EVALIDATE, file, kv->line ? kv->line : line, 0,
                         "unknown option '%s' for %s %s%s%s%s (known: %s)",
                         kv->key, mj__plugin_kind_name(d->kind), d->name,
                         best ? " (did you mean '" : "", best ? best : "",
                         best ? "'?)" : "", known);
      break;
    }
    for (size_t k = 0; k < i; k++)
      if (strcmp(use->opts[k].key, kv->key) == 0) {
        rc = mj__seterr_at(e, MJ_EVALIDATE, file, kv->line ? kv->line : line, 0,
                           "option '%s' for %s %s is given twice", kv->key,
                           mj__plugin_kind_name(d->kind), d->name);
        break;
      }
    if (rc == MJ_OK)
      rc = take_option(e, d, use, &d->options[j], kv, &cfg->v[j], &cfg->arena);
  }
  for (size_t j = 0; rc == MJ_OK && j < n; j++) {
    const mj_option *o = &d->options[j];
    cfg_value *v = &cfg->v[j];
    v->key = o->name;
    v->type = o->type;
    if (v->present)
      continue;
    if (o->required) {
      rc = mj__seterr_at(
          e, MJ_EVALIDATE, file, line, 0, "%s %s needs option '%s'%s%s%s",
          mj__plugin_kind_name(d->kind), d->name, o->name,
          o->description ? " (" : "", o->description ? o->description : "",
          o->description ? ")" : "");
      break;
    }
    if (o->def) {
      /* Checked when the plugin was loaded, so it parses. */
      v->present = 1;
      v->str = o->def;
      parse_default(o->type, o->def, &v->num, &v->boolean);
    }
  }
  if (rc != MJ_OK) {
    mj__arena_free(&cfg->arena);
    free(cfg);
    return rc;
  }
  *out = cfg;
  return MJ_OK;
}

static void config_free(mj_config *cfg)
{
  if (!cfg)
    return;
  mj__arena_free(&cfg->arena);
  free(cfg);
}

/* Pass the lines held while away to the engine's log, and free them. */
static void ctx_release(mj_ctx *ctx)
{
  while (ctx->held) {
    held_line *l = ctx->held;
    ctx->held = l->next;
    mj__log(ctx->e, l->level, "%s", l->text);
    free(l);
  }
  ctx->held_tail = &ctx->held;
}

static void ctx_free(mj_ctx *ctx)
{
  if (ctx) {
    ctx_release(ctx);
    free(ctx->jail);
  }
  free(ctx);
}

int mj__instance_new(mj_engine *e, const mj_plugin *p, const mj_use *use,
                     const char *uri, const char *jail, mj_instance **out)
{
  *out = NULL;
  const mj_plugin_desc *d = p->desc;
  mj_instance *in = calloc(1, sizeof *in);
  if (!in || !(in->ctx = calloc(1, sizeof *in->ctx)) ||
      (jail && !(in->ctx->jail = strdup(jail))) ||
      !(in->name = strdup(use && use->as ? use->as : d->name))) {
    if (in)
      ctx_free(in->ctx);
    free(in);
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  }
  in->plugin = p;
  in->desc = d;
  in->ops = d->ops;
  in->ctx->e = e;
  in->ctx->held_tail = &in->ctx->held;
  int rc = config_build(e, d, use, &in->cfg);
  mj_error err = {0};
  if (rc == MJ_OK) {
    switch (d->kind) {
    case MJ_KIND_STORAGE: {
      const mj_storage_ops *S = d->ops;
      rc = S->open(&host_api, in->ctx, uri ? uri : "", &in->inst, &err);
      if (rc == MJ_OK && MJ__HAS_OP(S, threads))
        S->threads(in->inst, e->opts.flags & MJ_ONE_THREAD ? 1 : 0);
      break;
    }
    case MJ_KIND_SCORER:
      rc = ((const mj_scorer_ops *)d->ops)
               ->create(&host_api, in->ctx, in->cfg, &in->inst, &err);
      break;
    case MJ_KIND_NOTIFIER:
      rc = ((const mj_notifier_ops *)d->ops)
               ->create(&host_api, in->ctx, in->cfg, &in->inst, &err);
      break;
    case MJ_KIND_COLLECTOR:
      rc = ((const mj_collector_ops *)d->ops)
               ->create(&host_api, in->ctx, in->cfg, &in->inst, &err);
      break;
    }
    if (rc != MJ_OK) {
      char ctx[160] = "";
      if (!err.msg[0])
        snprintf(ctx, sizeof ctx,
                 "%s %s: cannot %s: ", mj__plugin_kind_name(d->kind), d->name,
                 d->kind == MJ_KIND_STORAGE ? "open" : "create an instance");
      rc = mj__seterr_from(
          e, &err, d->kind == MJ_KIND_STORAGE ? MJ_ESTORE : MJ_EPLUGIN, ctx);
      in->inst = NULL;
    }
  }
  if (rc != MJ_OK) {
    config_free(in->cfg);
    ctx_free(in->ctx);
    free((char *)in->name);
    free(in);
    return rc;
  }
  *out = in;
  return MJ_OK;
}

int mj__instance_again(mj_engine *e, const mj_instance *in, const char *uri,
                       mj_instance **out)
{
  return mj__instance_new(e, in->plugin, NULL, uri, in->ctx->jail, out);
}

void mj__instance_away(mj_instance *in, int away)
{
  in->ctx->away = away;
  if (!away)
    ctx_release(in->ctx);
}

void mj__instance_free(mj_engine *e, mj_instance *in)
{
  (void)e;
  if (!in)
    return;
  if (in->inst) {
    switch (in->desc->kind) {
    case MJ_KIND_STORAGE:
      ((const mj_storage_ops *)in->ops)->close(in->inst);
      break;
    case MJ_KIND_SCORER:
      ((const mj_scorer_ops *)in->ops)->destroy(in->inst);
      break;
    case MJ_KIND_NOTIFIER:
      ((const mj_notifier_ops *)in->ops)->destroy(in->inst);
      break;
    case MJ_KIND_COLLECTOR:
      ((const mj_collector_ops *)in->ops)->destroy(in->inst);
      break;
    }
  }
  config_free(in->cfg);
  ctx_free(in->ctx);
  free((char *)in->name);
  free(in);
}

/* ---- collecting ---------------------------------------------------------- */

int mj__plugin_collect(mj_engine *e, const char *collector, const char *source,
                       const char *jail, const char *delimiter,
                       const mj_sink *sink)
{
  const mj_plugin *p;
  int rc = mj__plugin_find(e, MJ_KIND_COLLECTOR, collector, &p);
  if (rc != MJ_OK)
    return rc;
  /* Options come from the playbook's `use "collector.NAME"`, if any. */
  const mj_use *use = NULL;
  for (size_t i = 0; e->model && i < e->model->n_uses; i++) {
    const mj_use *u = &e->model->uses[i];
    if (strcmp(u->kind, "collector") == 0 && strcmp(u->name, collector) == 0)
      use = u;
  }
  /* The caller's delimiter (an import's `sep`) overrides the use's. */
  mj_kv opts[32];
  mj_use with = {.kind = "collector", .name = collector};
  if (delimiter && use)
    with = *use;
  if (delimiter) {
    with.opts = opts;
    with.n_opts = 0;
    for (size_t i = 0; use && i < use->n_opts && i < 31; i++)
      if (strcmp(use->opts[i].key, "delimiter") != 0)
        opts[with.n_opts++] = use->opts[i];
    opts[with.n_opts++] = (mj_kv){.key = "delimiter", .type = MJ_VAL_STRING,
                                  .str = delimiter};
    use = &with;
  }
  mj_instance *in;
  if ((rc = mj__instance_new(e, p, use, NULL, jail, &in)) != MJ_OK)
    return rc;
  mj_error err = {0};
  rc = ((const mj_collector_ops *)in->ops)
           ->collect(in->inst, source, sink, &err);
  if (rc != MJ_OK)
    rc = mj__seterr_from(e, &err, MJ_EDATA, err.msg[0] ? NULL : "collector: ");
  mj__instance_free(e, in);
  return rc;
}
