/*
** The plugin host: every refusal is one exact line, the engine stays
** usable after each, and instances get validated options.
*/
#include <elf.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "plugin_static.h"
#include "tap.h"

typedef struct logbuf {
  char text[16384];
} logbuf;

static void log_to(void *ud, int level, const char *msg)
{
  logbuf *b = ud;
  size_t used = strlen(b->text);
  snprintf(b->text + used, sizeof b->text - used, "%d %s\n", level, msg);
}

static mj_engine *engine(const char *path, unsigned flags, logbuf *lb)
{
  mj_opts o;
  mj_opts_init(&o);
  o.plugin_path = path;
  o.flags = flags;
  o.log = log_to;
  o.log_ud = lb;
  o.log_level = MJ_LOG_DEBUG;
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  return e;
}

/* Find a scorer; return the code and copy the message. */
static int find_scorer(mj_engine *e, const char *name, const mj_plugin **p)
{
  mj__clearerr(e);
  return mj__plugin_find(e, MJ_KIND_SCORER, name, p);
}

typedef struct figs {
  char metric[2][128];
  double value[2];
  uint64_t n[2];
  int count;
} figs;

static int emit(void *ud, const mj_figure *f, mj_error *err)
{
  (void)err;
  figs *s = ud;
  if (s->count < 2) {
    snprintf(s->metric[s->count], sizeof s->metric[0], "%s", f->metric);
    s->value[s->count] = f->value;
    s->n[s->count] = f->n;
  }
  s->count++;
  return MJ_OK;
}

static void score(mj_instance *in, figs *out)
{
  memset(out, 0, sizeof *out);
  mj_figure_sink sink = {out, emit};
  mj_sample s = {.qtype = "scale5", .scale_min = 1, .scale_max = 5,
                 .values = NULL, .n = 0, .n_excluded = 0};
  mj_error err = {0};
  ((const mj_scorer_ops *)in->ops)->score(in->inst, &s, &sink, &err);
}

typedef struct got_rows {
  char text[256];
} got_rows;

static int on_header(void *ud, const char *const *names, size_t n,
                     mj_error *err)
{
  (void)err;
  got_rows *g = ud;
  size_t used = strlen(g->text);
  snprintf(g->text + used, sizeof g->text - used, "header %s (%zu);", names[0],
           n);
  return MJ_OK;
}

static int on_row(void *ud, uint64_t row, const char *const *cells,
                  const size_t *lens, size_t n, mj_error *err)
{
  (void)err, (void)n;
  got_rows *g = ud;
  size_t used = strlen(g->text);
  snprintf(g->text + used, sizeof g->text - used, "row %llu %s/%zu;",
           (unsigned long long)row, cells[0], lens[0]);
  return MJ_OK;
}

typedef struct seen {
  char list[2048];
  int calls;
} seen;

static int collect_info(void *ud, const mj_plugin_info *info)
{
  seen *s = ud;
  size_t used = strlen(s->list);
  snprintf(s->list + used, sizeof s->list - used, "%s/%s@%s ", info->kind,
           info->name, info->path);
  s->calls++;
  return MJ_OK;
}

/* Write the first n bytes of data to path, as a new file: a library
** still mapped (sanitizer builds never dlclose) must not shrink under
** its mapping. */
static void write_bytes(const char *path, const char *data, size_t n)
{
  remove(path);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
    bail("cannot write %s", path);
}

/* The ELF header of this host's libraries, patched in copies of one. */
#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Ehdr elf_ehdr;
#else
typedef Elf32_Ehdr elf_ehdr;
#endif

static void put_u16(char *at, unsigned v)
{
  uint16_t x = (uint16_t)v;
  memcpy(at, &x, sizeof x);
}

int main(void)
{
  plan(74);
  const char *dir = getenv("MEJORA_TEST_PLUGINS");
  if (!dir || !*dir)
    dir = MJ_TEST_PLUGINDIR;
  char want[2048], path[1024];
  logbuf lb = {{0}};
  mj_engine *e = engine(dir, MJ_NO_DEFAULT_PLUGINS, &lb);
  const mj_plugin *p = NULL;

  /* ---- each refusal, one exact line ---- */
  int rc = find_scorer(e, "noentry", &p);
  is_int(MJ_EPLUGIN, rc, "no entry: EPLUGIN");
  snprintf(want, sizeof want,
           "%s/scorer_noentry.so: not a mejora plugin (no mj_plugin_entry)",
           dir);
  is_string(want, mj_errmsg(e), "no entry: message");
  ok(p == NULL, "no entry: no plugin handed out");

  rc = find_scorer(e, "abi2", &p);
  is_int(MJ_EABI, rc, "ABI 2: EABI");
  snprintf(want, sizeof want,
           "%s/scorer_abi2.so: plugin ABI 2.0, this mejora speaks %d.%d: "
           "rebuild it against mejora/plugin.h %d.%d",
           dir, MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR, MJ_PLUGIN_ABI_MAJOR,
           MJ_PLUGIN_ABI_MINOR);
  is_string(want, mj_errmsg(e), "ABI 2: message names both versions");

  rc = find_scorer(e, "badmagic", &p);
  snprintf(want, sizeof want,
           "%s/scorer_badmagic.so: not a mejora plugin (magic 0xdeadbeef, "
           "want 0x4d4a504c)",
           dir);
  is_string(want, mj_errmsg(e), "bad magic: message");
  is_int(MJ_EPLUGIN, rc, "bad magic: EPLUGIN");

  rc = find_scorer(e, "wrongkind", &p);
  snprintf(want, sizeof want,
           "%s/scorer_wrongkind.so: is a notifier plugin, wanted a scorer",
           dir);
  is_string(want, mj_errmsg(e), "wrong kind: message");

  rc = find_scorer(e, "initfail", &p);
  snprintf(want, sizeof want,
           "%s/scorer_initfail.so: init failed: licence server unreachable",
           dir);
  is_string(want, mj_errmsg(e), "init failure: the plugin's message");
  is_int(MJ_EPLUGIN, rc, "init failure: EPLUGIN");

  rc = find_scorer(e, "halfstream", &p);
  snprintf(want, sizeof want,
           "%s/scorer_halfstream.so: scorer plugin has no stream_close "
           "(the three stream ops come together) operation",
           dir);
  is_string(want, mj_errmsg(e), "half a stream: message");
  is_int(MJ_EPLUGIN, rc, "half a stream: EPLUGIN");

  rc = find_scorer(e, "badsig", &p);
  snprintf(want, sizeof want,
           "%s/scorer_badsig.so: export 'flip' has signature 'struct "
           "pt(struct pt a)': unsupported type 'struct' (allowed types: "
           "void, bool, int, int32_t, int64_t, double, const char *)",
           dir);
  is_string(want, mj_errmsg(e), "struct by value: plugin, function, token");

  rc = find_scorer(e, "misnamed", &p);
  snprintf(want, sizeof want,
           "%s/scorer_misnamed.so: declares the name 'other', but the file "
           "is named for 'misnamed': rename it scorer_other.so",
           dir);
  is_string(want, mj_errmsg(e), "misnamed: message");

  rc = find_scorer(e, "badopts", &p);
  snprintf(want, sizeof want,
           "%s/scorer_badopts.so: option 'count': default 'many' is not an "
           "integer",
           dir);
  is_string(want, mj_errmsg(e), "bad option default: message");

  rc = find_scorer(e, "foo", &p);
  is_int(MJ_ENOTFOUND, rc, "missing: ENOTFOUND");
  snprintf(want, sizeof want,
           "no scorer plugin 'foo' (searched: %s; found: ", dir);
  ok(strncmp(mj_errmsg(e), want, strlen(want)) == 0,
     "missing: says what was searched (%s)", mj_errmsg(e));
  contains(mj_errmsg(e),
           "found: abi2, badmagic, badopts, badsig, ffitest, halfstream, "
           "initfail, misnamed, noentry, streamtally, streamtally1, tally, "
           "wrongkind)",
           "missing: lists the scorers there, in name order");

  mj__clearerr(e);
  rc = mj__plugin_find(e, MJ_KIND_STORAGE, "nope", &p);
  snprintf(want, sizeof want,
           "no storage plugin 'nope' (searched: %s; found: sqlite)", dir);
  is_string(want, mj_errmsg(e), "missing storage: built-ins are listed");

  rc = find_scorer(e, "../scorer_ffitest", &p);
  is_int(MJ_EINVAL, rc, "a path is not a plugin name");
  is_string("'../scorer_ffitest' is not a scorer plugin name (use a-z, 0-9, "
            "_ and -)",
            mj_errmsg(e), "bad name: message");

  /* ---- the engine is still usable ---- */
  rc = find_scorer(e, "ffitest", &p);
  is_int(MJ_OK, rc, "good plugin found after every refusal");
  snprintf(want, sizeof want, "%s/scorer_ffitest.so", dir);
  is_string(want, mj__plugin_path(p), "its path");
  is_string("ffitest", mj__plugin_desc(p)->name, "its descriptor");
  ok(mj__plugin_ffi(p) != NULL, "its exports are prepared");
  const mj_plugin *again = NULL, *any = NULL;
  find_scorer(e, "ffitest", &again);
  mj__plugin_find_any(e, "ffitest", &any);
  ok(again == p && any == p, "found once, registered once");
  const mj_plugin *sq = NULL;
  rc = mj__plugin_find(e, MJ_KIND_STORAGE, "sqlite", &sq);
  is_int(MJ_OK, rc, "built-in sqlite found");
  is_string("(built-in)", mj__plugin_path(sq), "built-in path");

  char *tmp = tap_tmpdir("plughost");
  snprintf(path, sizeof path, "%s/t.db", tmp);
  mj_instance *st = NULL;
  rc = mj__instance_new(e, sq, NULL, path, NULL, &st);
  is_int(MJ_OK, rc, "storage instance opened with its URI (%s)", mj_errmsg(e));
  mj__instance_free(e, st);

  /* ---- instances and options ---- */
  mj_instance *in = NULL;
  figs f;
  rc = mj__instance_new(e, p, NULL, NULL, NULL, &in);
  is_int(MJ_OK, rc, "instance with default options");
  score(in, &f);
  is_string("fig", f.metric[0], "string default");
  is_double(1.5, f.value[0], 1e-12, "int and number defaults (3 * 0.5)");
  is_int(1, (long long)f.n[0], "bool default false");
  is_string(".", f.metric[1], "basedir without a playbook is '.'");
  is_string("ffitest", in->name, "instance named after the plugin");
  mj__instance_free(e, in);

  mj_kv kv[] = {
      {"label", MJ_VAL_STRING, "sat", 0, 0, 0},
      {"count", MJ_VAL_NUMBER, "4", 4, 0, 0},
      {"ratio", MJ_VAL_NUMBER, "0.25", 0.25, 0, 0},
      {"loud", MJ_VAL_BOOL, "true", 0, 1, 0},
      {"unit", MJ_VAL_STRING, "kg", 0, 0, 0},
  };
  mj_use use = {"scorer", "ffitest", "mine", kv, 5, {"pb.lua", 7}};
  lb.text[0] = '\0';
  rc = mj__instance_new(e, p, &use, NULL, NULL, &in);
  is_int(MJ_OK, rc, "instance with given options");
  score(in, &f);
  is_string("sat", f.metric[0], "string option");
  is_double(1.0, f.value[0], 1e-12, "int and number options (4 * 0.25)");
  is_int(2, (long long)f.n[0], "bool option true");
  is_string("mine", in->name, "instance named by `as`");
  contains(lb.text, "2 ffitest: unit kg", "host->log reaches the engine log");
  mj__instance_free(e, in);

  /* Line 9: the key's own line, when the playbook's text gave it. */
  mj_kv typo[] = {{"lable", MJ_VAL_STRING, "x", 0, 0, 9}};
  mj_use bad = {"scorer", "ffitest", NULL, typo, 1, {"pb.lua", 7}};
  rc = mj__instance_new(e, p, &bad, NULL, NULL, &in);
  is_int(MJ_EVALIDATE, rc, "unknown option: EVALIDATE");
  is_string("pb.lua:9: unknown option 'lable' for scorer ffitest (did you "
            "mean 'label'?) (known: label, count, ratio, loud, unit)",
            mj_errmsg(e),
            "unknown option: its line, the near one and the known ones");
  ok(in == NULL, "unknown option: no instance");

  mj_kv frac[] = {{"count", MJ_VAL_NUMBER, "2.5", 2.5, 0, 0}};
  bad.opts = frac;
  rc = mj__instance_new(e, p, &bad, NULL, NULL, &in);
  is_string("pb.lua:7: option 'count' for scorer ffitest must be an "
            "integer, got 2.5",
            mj_errmsg(e), "non-integral int option");
  mj_kv num[] = {{"label", MJ_VAL_NUMBER, "3", 3, 0, 0}};
  bad.opts = num;
  rc = mj__instance_new(e, p, &bad, NULL, NULL, &in);
  is_string("pb.lua:7: option 'label' for scorer ffitest must be a string, "
            "got a number",
            mj_errmsg(e), "number for a string option");

  /* ---- checking one file, listing all ---- */
  seen s = {{0}, 0};
  snprintf(path, sizeof path, "%s/scorer_ffitest.so", dir);
  rc = mj_plugin_check(e, path, collect_info, &s);
  is_int(MJ_OK, rc, "check: good file passes");
  snprintf(want, sizeof want, "scorer/ffitest@%s ", path);
  is_string(want, s.list, "check: its info");
  snprintf(path, sizeof path, "%s/scorer_abi2.so", dir);
  rc = mj_plugin_check(e, path, collect_info, &s);
  snprintf(want, sizeof want,
           "%s: plugin ABI 2.0, this mejora speaks %d.%d: rebuild it against "
           "mejora/plugin.h %d.%d",
           path, MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR, MJ_PLUGIN_ABI_MAJOR,
           MJ_PLUGIN_ABI_MINOR);
  is_string(want, mj_errmsg(e), "check: ABI 2 refused with the same line");
  snprintf(path, sizeof path, "%s/scorer_none.so", dir);
  rc = mj_plugin_check(e, path, collect_info, &s);
  is_int(MJ_ENOTFOUND, rc, "check: missing file is ENOTFOUND");

  memset(&s, 0, sizeof s);
  lb.text[0] = '\0';
  rc = mj_plugins_foreach(e, collect_info, &s);
  is_int(MJ_OK, rc, "foreach succeeds despite broken files");
  contains(s.list, "storage/sqlite@(built-in)", "foreach: built-ins");
  snprintf(want, sizeof want, "scorer/ffitest@%s/scorer_ffitest.so", dir);
  contains(s.list, want, "foreach: the good plugin");
  ok(!strstr(s.list, "abi2") && !strstr(s.list, "wrongkind"),
     "foreach: broken plugins are not listed");
  snprintf(want, sizeof want,
           "1 %s/scorer_wrongkind.so: is a notifier plugin, wanted a scorer",
           dir);
  contains(lb.text, want, "foreach: refusals logged as warnings");

  /* ---- collecting through a collector plugin ---- */
  got_rows g = {{0}};
  mj_sink sink = {&g, on_header, on_row};
  rc = mj__plugin_collect(e, "lines", "in.csv", NULL, NULL, &sink);
  is_int(MJ_OK, rc, "collect: OK");
  is_string("header source (1);row 2 in.csv/6;", g.text,
            "collect: header then rows reach the sink");
  rc = mj__plugin_collect(e, "lines", "bad", NULL, NULL, &sink);
  is_int(MJ_EDATA, rc, "collect: a bad file is EDATA");
  is_string("bad:2:1: unterminated quote", mj_errmsg(e),
            "collect: the collector's row:column message");
  is_int(2, mj_last_error(e)->line, "collect: row kept in the record");
  rc = mj__plugin_collect(e, "nope", "x", NULL, NULL, &sink);
  contains(mj_errmsg(e), "no collector plugin 'nope' (searched: ",
           "collect: unknown collector");

  /* ---- a damaged file is refused before dlopen maps it ---- */
  /* dlopen maps segments past the end of a truncated file, and the first
  ** touch of one of their pages is SIGBUS. */
  size_t so_len = 0;
  snprintf(path, sizeof path, "%s/scorer_tally.so", dir);
  char *so = tap_slurp(path, &so_len);
  if (!so || so_len < 16384)
    bail("cannot read %s", path);
  char cut_dir[1024], cut[1100];
  snprintf(cut_dir, sizeof cut_dir, "%s/cut", tmp);
  snprintf(cut, sizeof cut, "%s/scorer_tally.so", cut_dir);
  if (mkdir(cut_dir, 0755) != 0)
    bail("cannot make %s", cut_dir);
  static const size_t cuts[] = {8192, 4096, 1000, 30};
  for (size_t i = 0; i < 4; i++) {
    write_bytes(cut, so, cuts[i]);
    rc = mj_plugin_check(e, cut, collect_info, &s);
    snprintf(want, sizeof want, "%s: damaged or truncated: ", cut);
    ok(rc == MJ_EPLUGIN && strncmp(mj_errmsg(e), want, strlen(want)) == 0,
       "check: the first %zu bytes of a plugin are refused: %s", cuts[i],
       mj_errmsg(e));
  }
  write_bytes(cut, so, so_len - 1);
  rc = mj_plugin_check(e, cut, collect_info, &s);
  contains(mj_errmsg(e), "the section header table ends at byte",
           "check: one byte short of its section headers is refused");
  write_bytes(cut, so, 0);
  rc = mj_plugin_check(e, cut, collect_info, &s);
  snprintf(want, sizeof want,
           "%s: not a shared library (no ELF header): build it with "
           "-shared -fPIC",
           cut);
  is_string(want, mj_errmsg(e), "check: an empty file is refused");

  /* Without section headers (as sstrip leaves a file) only the segments
  ** show a truncation. */
  elf_ehdr eh;
  memcpy(&eh, so, sizeof eh);
  char *bare = malloc(so_len);
  if (!bare)
    bail("out of memory");
  memcpy(bare, so, so_len);
  memset(bare + offsetof(elf_ehdr, e_shoff), 0, sizeof eh.e_shoff);
  put_u16(bare + offsetof(elf_ehdr, e_shnum), 0);
  put_u16(bare + offsetof(elf_ehdr, e_shstrndx), 0);
  write_bytes(cut, bare, so_len);
  memset(&s, 0, sizeof s);
  rc = mj_plugin_check(e, cut, collect_info, &s);
  is_int(MJ_OK, rc, "check: a whole plugin without section headers loads "
                    "(%s)", mj_errmsg(e));
  write_bytes(cut, bare, 8192);
  rc = mj_plugin_check(e, cut, collect_info, &s);
  snprintf(want, sizeof want, "%s: damaged or truncated: segment ", cut);
  ok(rc == MJ_EPLUGIN && strncmp(mj_errmsg(e), want, strlen(want)) == 0 &&
         strstr(mj_errmsg(e), "the file has 8192: copy or build it again"),
     "check: then a segment past the end is refused: %s", mj_errmsg(e));
  memcpy(bare, so, so_len);
  put_u16(bare + offsetof(elf_ehdr, e_type), ET_EXEC);
  write_bytes(cut, bare, so_len);
  mj_plugin_check(e, cut, collect_info, &s);
  snprintf(want, sizeof want,
           "%s: not a shared library (ELF type 2): link it with -shared",
           cut);
  is_string(want, mj_errmsg(e), "check: an executable is refused");
  memcpy(bare, so, so_len);
  put_u16(bare + offsetof(elf_ehdr, e_machine),
          eh.e_machine == EM_AARCH64 ? EM_X86_64 : EM_AARCH64);
  write_bytes(cut, bare, so_len);
  mj_plugin_check(e, cut, collect_info, &s);
  contains(mj_errmsg(e), "built for another processor (ELF machine ",
           "check: a library for another processor is refused");
  free(bare);

  /* Through `use`: the search finds the truncated file, refuses it. */
  write_bytes(cut, so, 8192);
  free(so);
  logbuf cut_log = {{0}};
  mj_engine *ce = engine(cut_dir, MJ_NO_DEFAULT_PLUGINS, &cut_log);
  rc = find_scorer(ce, "tally", &p);
  snprintf(want, sizeof want, "%s: damaged or truncated: ", cut);
  ok(rc == MJ_EPLUGIN && strncmp(mj_errmsg(ce), want, strlen(want)) == 0,
     "use: a truncated plugin is refused: %s", mj_errmsg(ce));
  memset(&s, 0, sizeof s);
  rc = mj_plugins_foreach(ce, collect_info, &s);
  ok(rc == MJ_OK && strstr(cut_log.text, "damaged or truncated") &&
         !strstr(s.list, "tally"),
     "foreach: a truncated plugin is logged and skipped");
  mj_engine_free(ce);

  /* ---- the search path ---- */
  mj_engine_free(e);
  snprintf(path, sizeof path, "::%s:", dir);
  e = engine(path, 0, &lb);
  find_scorer(e, "foo", &p);
  snprintf(want, sizeof want, "(searched: %s:%s;", dir, MJ_PLUGINDIR);
  contains(mj_errmsg(e), want,
           "empty parts dropped, installed folder searched last");

  mj_engine_free(e);
  tap_rmtree(tmp);
  free(tmp);
  return tap_done();
}
