/*
** mejora: the command. Parses arguments, calls the library, maps status
** codes to exit codes. It uses only the public header, like any embedder.
**
** Exit status: 0 success, 1 user error (playbook, data, rejected rows),
** 2 usage, 3 environment (store, plugin, I/O, memory).
*/
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mejora.h"
#include "mejora/plugin.h"

enum { EXIT_USER = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };

static const char usage_text[] =
    "usage: mejora [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run PLAYBOOK [--cycle NAME] [--rerun]\n"
    "                                   one full cycle: measure, analyse,\n"
    "                                   improve, report, notify (default:\n"
    "                                   the current cycle; --rerun runs a\n"
    "                                   finished one again, in its place)\n"
    "  check PLAYBOOK [--cycle NAME]    find what run would refuse (plugins,\n"
    "                                   options, scorers, files); write\n"
    "                                   nothing\n"
    "  import PLAYBOOK QUESTIONNAIRE FILE.csv [--pilot] [--sep=C]\n"
    "         [--encoding=NAME] [--date-format=dd/mm/yyyy]\n"
    "                                   validate and store responses\n"
    "                                   (--pilot: as pilot responses)\n"
    "  report PLAYBOOK [--format text|json|md] [-o FILE] [--cycle ID]\n"
    "                                   the results of the last (or given) cycle\n"
    "  plans PLAYBOOK [list|show ID|update ID] [--format text|json]\n"
    "        update: [--action N] [--status S] [--owner WHO] [--note TEXT]\n"
    "                                   improvement plans and their history\n"
    "  sample PLAYBOOK NAME [--format text|json]\n"
    "                                   draw a sample: store its invitations\n"
    "  invitations PLAYBOOK [--sample NAME] [--format text|csv|json] [--pending]\n"
    "                                   the stored invitations and their tokens\n"
    "  export PLAYBOOK QUESTIONNAIRE [--format csv|json] [--labels] [--raw]\n"
    "         [-o FILE]\n"
    "                                   the stored responses, codes or labels\n"
    "  interview PLAYBOOK QUESTIONNAIRE [--customer ID]\n"
    "                                   ask a questionnaire in the terminal;\n"
    "                                   :q or Ctrl-C stops, the same command\n"
    "                                   resumes\n"
    "  complaints PLAYBOOK import FILE.csv | report [--wave W]\n"
    "                                   complaints: ISO 10002 steps, Pareto\n"
    "  audits PLAYBOOK import [--audit NAME] FILE.csv | report [--wave W]\n"
    "                                   mystery-shopper visits, scorecards\n"
    "  plugins                          the plugins found: kind, version, ABI\n"
    "  version                          versions of mejora and its plugin ABI\n"
    "\n"
    "options:\n"
    "  --db URI            store (sqlite:PATH); default: the playbook's, or\n"
    "                      mejora.db beside the playbook\n"
    "  --plugin-path DIRS  ':'-separated folders searched first for plugins\n"
    "                      (then $MEJORA_PLUGIN_PATH, then the installed ones)\n"
    "  --trust             let the playbook use io, os and C modules, and\n"
    "                      read and write files outside its folder\n"
    "  --env NAME          let the playbook read environment variable NAME\n"
    "                      with mejora.env (repeatable; also\n"
    "                      $MEJORA_ENV_ALLOW, names separated by ',')\n"
    "  --now TIME          take TIME (YYYY-MM-DD[THH:MM[:SS]Z] or seconds\n"
    "                      since the epoch) as the current time, for\n"
    "                      reproducible runs and tests (also $MEJORA_NOW)\n"
    "  --time-limit MS     the playbook's time limit per call (load, each\n"
    "                      trigger); default 5000\n"
    "  -q, --quiet         only errors on stderr\n"
    "  -v, --verbose       debug messages on stderr\n"
    "  -h, --help          this text\n";

typedef struct cli {
  const char *db;
  const char *plugin_path;
  const char *now;
  int trust, verbosity;
  unsigned time_limit_ms; /* 0: the library's default */
  char path_buf[8192];
  char env_allow[4096]; /* $MEJORA_ENV_ALLOW, then each --env NAME */
} cli;

static void log_stderr(void *ud, int level, const char *msg)
{
  (void)ud;
  static const char *const names[] = {"error", "warning", "info", "debug"};
  fprintf(stderr, "mejora: %s: %s\n",
          level >= 0 && level <= 3 ? names[level] : "log", msg);
}

static int exit_code(int rc)
{
  switch (rc) {
  case MJ_OK:
    return 0;
  case MJ_ESYNTAX:
  case MJ_EVALIDATE:
  case MJ_EREF:
  case MJ_EDATA:
  case MJ_ERUNTIME:
  case MJ_ENOTFOUND:
  case MJ_ECONFLICT:
  case MJ_EINVAL:
  case MJ_ELIMIT:
  case MJ_ETIMEOUT:
    return EXIT_USER;
  default:
    return EXIT_ENV;
  }
}

static int fail(mj_engine *e, int rc)
{
  fprintf(stderr, "mejora: %s\n", e ? mj_errmsg(e) : mj_strerror(rc));
  return exit_code(rc);
}

static int usage_error(const char *fmt, const char *arg)
{
  fprintf(stderr, "mejora: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n%s", usage_text);
  return EXIT_USAGE;
}

/*
** The plugin search path: --plugin-path, $MEJORA_PLUGIN_PATH, and when this
** program runs from its build tree, the plugins built beside it (the
** installed folder is the library's own default, searched last).
*/
static const char *plugin_path(cli *c)
{
  const char *env = getenv("MEJORA_PLUGIN_PATH");
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  int in_build = 0;
  if (n > 0) {
    self[n] = '\0';
    size_t bl = strlen(MJ_BUILD_BINDIR);
    in_build = strncmp(self, MJ_BUILD_BINDIR, bl) == 0 && self[bl] == '/';
  }
  snprintf(c->path_buf, sizeof c->path_buf, "%s%s%s%s%s",
           c->plugin_path ? c->plugin_path : "",
           c->plugin_path && (env || in_build) ? ":" : "", env ? env : "",
           env && in_build ? ":" : "", in_build ? MJ_BUILD_PLUGINDIR : "");
  return c->path_buf[0] ? c->path_buf : NULL;
}

/*
** The clock the engine reads: --now, else $MEJORA_NOW, else the real one
** (0). Only an operator who asks for it gets a pinned clock, in the spirit
** of SOURCE_DATE_EPOCH.
*/
static int clock_setting(const cli *c, int64_t *now)
{
  const char *s = c->now ? c->now : getenv("MEJORA_NOW");
  *now = 0;
  if (!s || !*s)
    return 0;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (*end == '\0' && errno == 0 && v > 0) {
    *now = (int64_t)v;
    return 0;
  }
  if (mj_time_parse(s, now) == MJ_OK && *now > 0)
    return 0;
  fprintf(stderr,
          "mejora: %s '%s' is not a time: use YYYY-MM-DD, "
          "YYYY-MM-DDTHH:MM:SSZ or seconds since the epoch\n",
          c->now ? "--now" : "MEJORA_NOW", s);
  return EXIT_USAGE;
}

static int engine_open(cli *c, mj_engine **e)
{
  mj_opts o;
  mj_opts_init(&o);
  int x = clock_setting(c, &o.now);
  if (x)
    return x;
  o.log = log_stderr;
  o.log_level = c->verbosity;
  o.plugin_path = plugin_path(c);
  o.store = c->db;
  o.env_allow = c->env_allow;
  o.lua_path = getenv("MEJORA_LUA_PATH");
  if (c->trust)
    o.flags |= MJ_TRUST_PLAYBOOK;
  o.lua_time_limit_ms = c->time_limit_ms;
  int rc = mj_engine_new(e, &o);
  if (rc != MJ_OK) {
    fprintf(stderr, "mejora: cannot create an engine: %s\n",
            mj_strerror(rc));
    return EXIT_ENV;
  }
  return 0;
}

static int with_playbook(cli *c, const char *playbook, mj_engine **e)
{
  int x = engine_open(c, e);
  if (x)
    return x;
  int rc = mj_playbook_load(*e, playbook);
  return rc == MJ_OK ? 0 : fail(*e, rc);
}

/* check PLAYBOOK [--cycle NAME]: what run would refuse, writing nothing */
static int cmd_check(cli *c, int argc, char **argv)
{
  const char *playbook = NULL, *cycle = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--cycle") == 0 && i + 1 < argc)
      cycle = argv[++i];
    else if (argv[i][0] == '-' || playbook)
      return usage_error("check: unexpected argument '%s'", argv[i]);
    else
      playbook = argv[i];
  }
  if (!playbook)
    return usage_error("check takes one playbook%s", "");
  mj_engine *e = NULL;
  int x = with_playbook(c, playbook, &e);
  if (!x) {
    int rc = mj_playbook_check(e, cycle);
    x = rc == MJ_OK ? 0 : fail(e, rc);
  }
  if (!x)
    printf("%s: ok\n", playbook);
  mj_engine_free(e);
  return x;
}

static int cmd_import(cli *c, int argc, char **argv)
{
  /* --pilot anywhere after the command: the file's responses are pilot
  ** (pre-test) ones, stored but left out of cycles. */
  mj_import_opts opts = {.size = sizeof opts};
  char *pos[3];
  int npos = 0;
  /* --sep, --encoding and --date-format say how the file was saved. */
  static const char *const valued[] = {"--sep", "--encoding",
                                       "--date-format"};
  for (int i = 0; i < argc; i++) {
    const char **slot[] = {&opts.sep, &opts.encoding, &opts.date_format};
    int v = -1;
    size_t k = 0;
    for (int j = 0; j < 3 && v < 0; j++) {
      k = strlen(valued[j]);
      if (strncmp(argv[i], valued[j], k) == 0 &&
          (argv[i][k] == '=' || argv[i][k] == '\0'))
        v = j;
    }
    if (v >= 0 && argv[i][k] == '\0' && i + 1 == argc)
      return usage_error("%s needs a value", valued[v]);
    if (v >= 0) {
      *slot[v] = argv[i][k] == '=' ? argv[i] + k + 1 : argv[++i];
      if (strcmp(*slot[v], "\\t") == 0 && v == 0)
        *slot[v] = "\t";
    } else if (strcmp(argv[i], "--pilot") == 0)
      opts.pilot = 1;
    else if (argv[i][0] == '-' || npos == 3)
      return usage_error("unexpected argument '%s'", argv[i]);
    else
      pos[npos++] = argv[i];
  }
  if (npos != 3)
    return usage_error("import takes PLAYBOOK QUESTIONNAIRE FILE [--pilot] "
                       "[--sep=C] [--encoding=NAME] [--date-format=F]%s",
                       "");
  argv = pos;
  mj_engine *e = NULL;
  int x = with_playbook(c, argv[0], &e);
  if (!x) {
    mj_import_stats st;
    int rc = mj_import_ex(e, argv[1], argv[2], &opts, &st);
    if (rc != MJ_OK) {
      x = fail(e, rc);
    } else {
      printf("%s: %llu row(s): %llu stored, %llu already stored, "
             "%llu rejected\n",
             argv[2], (unsigned long long)st.rows,
             (unsigned long long)st.accepted,
             (unsigned long long)st.duplicates,
             (unsigned long long)st.rejected);
      if (st.rejected) {
        fflush(stdout); /* the counts first, then where the rejects are */
        fprintf(stderr, "mejora: rejected rows, with row:column and reason, "
                        "are in %s\n",
                st.rejects_path);
        x = EXIT_USER;
      }
    }
  }
  mj_engine_free(e);
  return x;
}

static int print_report(mj_engine *e, const char *format, int64_t cycle,
                        const char *outpath)
{
  char *text = NULL;
  size_t len = 0;
  int rc = mj_report(e, format, cycle, &text, &len);
  if (rc != MJ_OK)
    return fail(e, rc);
  FILE *f = outpath ? fopen(outpath, "w") : stdout;
  if (!f) {
    fprintf(stderr, "mejora: cannot write %s: %s\n", outpath,
            strerror(errno));
    mj_free(text);
    return EXIT_ENV;
  }
  int bad = fwrite(text, 1, len, f) != len;
  if (len && text[len - 1] != '\n')
    bad |= fputc('\n', f) == EOF;
  bad |= outpath ? fclose(f) != 0 : fflush(f) != 0;
  mj_free(text);
  if (bad) {
    fprintf(stderr, "mejora: write error on %s\n",
            outpath ? outpath : "standard output");
    return EXIT_ENV;
  }
  return 0;
}

static int cmd_run(cli *c, int argc, char **argv)
{
  const char *playbook = NULL, *cycle = NULL;
  unsigned flags = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--cycle") == 0 && i + 1 < argc)
      cycle = argv[++i];
    else if (strcmp(argv[i], "--rerun") == 0)
      flags |= MJ_CYCLE_RERUN;
    else if (argv[i][0] == '-' || playbook)
      return usage_error("run: unexpected argument '%s'", argv[i]);
    else
      playbook = argv[i];
  }
  if (!playbook)
    return usage_error("run takes a playbook%s", "");
  mj_engine *e = NULL;
  int x = with_playbook(c, playbook, &e);
  int64_t id = 0;
  if (!x) {
    int rc = mj_cycle_run_ex(e, cycle, flags, &id);
    x = rc == MJ_OK ? print_report(e, "text", id, NULL) : fail(e, rc);
  }
  mj_engine_free(e);
  return x;
}

static int cmd_report(cli *c, int argc, char **argv)
{
  const char *playbook = NULL, *format = "text", *out = NULL;
  long long cycle = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
      format = argv[++i];
    else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
      out = argv[++i];
    else if (strcmp(argv[i], "--cycle") == 0 && i + 1 < argc) {
      char *end;
      cycle = strtoll(argv[++i], &end, 10);
      if (*end || cycle <= 0)
        return usage_error("--cycle takes a cycle number, not '%s'", argv[i]);
    } else if (argv[i][0] == '-' || playbook)
      return usage_error("report: unexpected argument '%s'", argv[i]);
    else
      playbook = argv[i];
  }
  if (!playbook)
    return usage_error("report takes a playbook%s", "");
  char why[128];
  if (mj_format_check("report", format, why, sizeof why) != MJ_OK)
    return usage_error("%s", why);
  mj_engine *e = NULL;
  int x = with_playbook(c, playbook, &e);
  if (!x)
    x = print_report(e, format, cycle, out);
  mj_engine_free(e);
  return x;
}

static int print_text(mj_engine *e, int rc, char *text, size_t len)
{
  if (rc != MJ_OK)
    return fail(e, rc);
  fwrite(text, 1, len, stdout);
  if (len && text[len - 1] != '\n')
    putchar('\n');
  mj_free(text);
  return fflush(stdout) == 0 ? 0 : EXIT_ENV;
}

/* export PLAYBOOK QUESTIONNAIRE [--format csv|json] [--labels] [--raw]
** [-o FILE] */
static int cmd_export(cli *c, int argc, char **argv)
{
  const char *pos[2] = {NULL, NULL}, *format = "csv", *path = NULL;
  unsigned flags = 0;
  int npos = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
      format = argv[++i];
    else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
      path = argv[++i];
    else if (strcmp(argv[i], "--labels") == 0)
      flags |= MJ_EXPORT_LABELS;
    else if (strcmp(argv[i], "--raw") == 0)
      flags |= MJ_EXPORT_RAW;
    else if (argv[i][0] == '-')
      return usage_error("unknown export option '%s'", argv[i]);
    else if (npos < 2)
      pos[npos++] = argv[i];
    else
      return usage_error("export takes PLAYBOOK QUESTIONNAIRE, not '%s'",
                         argv[i]);
  }
  if (npos != 2)
    return usage_error("export takes PLAYBOOK QUESTIONNAIRE%s", "");
  mj_engine *e = NULL;
  int x = with_playbook(c, pos[0], &e);
  if (!x && !path) {
    int rc = mj_responses_export_file(e, pos[1], format, flags, stdout);
    x = rc != MJ_OK ? fail(e, rc) : fflush(stdout) == 0 ? 0 : EXIT_ENV;
  } else if (!x) {
    /* Into PATH.part, renamed when whole: a failed export leaves no file
    ** that looks complete. */
    char part[4096];
    snprintf(part, sizeof part, "%s.part", path);
    FILE *f = fopen(part, "wb");
    int rc = f ? mj_responses_export_file(e, pos[1], format, flags, f)
               : MJ_OK;
    int written = f != NULL;
    if (f && fclose(f) != 0)
      written = 0;
    if (rc != MJ_OK) {
      x = fail(e, rc);
      remove(part);
    } else if (!written || rename(part, path) != 0) {
      fprintf(stderr, "mejora: cannot write %s: %s\n", path,
              strerror(errno));
      remove(part);
      x = EXIT_ENV;
    }
  }
  mj_engine_free(e);
  return x;
}

/* interview.c */
int cli_interview(mj_engine *e, const char *questionnaire,
                  const char *customer);

/* interview PLAYBOOK QUESTIONNAIRE [--customer ID] */
static int cmd_interview(cli *c, int argc, char **argv)
{
  const char *pos[2] = {NULL, NULL}, *customer = NULL;
  int npos = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--customer") == 0 && i + 1 < argc)
      customer = argv[++i];
    else if (argv[i][0] == '-')
      return usage_error("unknown interview option '%s'", argv[i]);
    else if (npos < 2)
      pos[npos++] = argv[i];
    else
      return usage_error("interview takes PLAYBOOK QUESTIONNAIRE, not '%s'",
                         argv[i]);
  }
  if (npos != 2)
    return usage_error("interview takes PLAYBOOK QUESTIONNAIRE%s", "");
  mj_engine *e = NULL;
  int x = with_playbook(c, pos[0], &e);
  if (!x)
    x = cli_interview(e, pos[1], customer);
  mj_engine_free(e);
  return x;
}

/* sample PLAYBOOK NAME [--format text|json] */
static int cmd_sample(cli *c, int argc, char **argv)
{
  const char *pos[2] = {NULL, NULL}, *format = "text";
  int npos = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
      format = argv[++i];
    else if (argv[i][0] == '-')
      return usage_error("unknown sample option '%s'", argv[i]);
    else if (npos < 2)
      pos[npos++] = argv[i];
    else
      return usage_error("sample takes PLAYBOOK NAME, not '%s'", argv[i]);
  }
  if (npos != 2)
    return usage_error("sample takes PLAYBOOK NAME%s", "");
  mj_engine *e = NULL;
  int x = with_playbook(c, pos[0], &e);
  if (!x) {
    char *text = NULL;
    size_t len = 0;
    int rc = mj_sample_draw(e, pos[1], format, &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

/* invitations PLAYBOOK [--sample NAME] [--format text|csv|json]
** [--pending] */
static int cmd_invitations(cli *c, int argc, char **argv)
{
  const char *playbook = NULL, *format = "text", *sample = NULL;
  unsigned flags = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
      format = argv[++i];
    else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
      sample = argv[++i];
    else if (strcmp(argv[i], "--pending") == 0)
      flags |= MJ_INVITATIONS_PENDING;
    else if (argv[i][0] == '-')
      return usage_error("unknown invitations option '%s'", argv[i]);
    else if (!playbook)
      playbook = argv[i];
    else
      return usage_error("invitations takes PLAYBOOK, not '%s'", argv[i]);
  }
  if (!playbook)
    return usage_error("invitations takes PLAYBOOK%s", "");
  mj_engine *e = NULL;
  int x = with_playbook(c, playbook, &e);
  if (!x) {
    char *text = NULL;
    size_t len = 0;
    int rc = mj_invitations_list(e, sample, format, flags, &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

/* plans PLAYBOOK [list | show ID | update ID [--action N] [--status S]
** [--owner WHO] [--note TEXT]] [--format text|json] */
static int cmd_plans(cli *c, int argc, char **argv)
{
  const char *pos[3] = {NULL, NULL, NULL}, *format = "text";
  int npos = 0;
  mj_plan_change ch;
  memset(&ch, 0, sizeof ch);
  ch.struct_size = sizeof ch;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--format") == 0 && v)
      format = argv[++i];
    else if (strcmp(a, "--status") == 0 && v)
      ch.status = argv[++i];
    else if (strcmp(a, "--owner") == 0 && v)
      ch.owner = argv[++i];
    else if (strcmp(a, "--note") == 0 && v)
      ch.note = argv[++i];
    else if (strcmp(a, "--action") == 0 && v) {
      char *end;
      long n = strtol(argv[++i], &end, 10);
      if (*end || n < 1 || n > 1000)
        return usage_error("--action takes an action number (1, 2...), not "
                           "'%s'",
                           argv[i]);
      ch.action = (int)n;
    } else if (a[0] == '-' || npos == 3)
      return usage_error("plans: unexpected argument '%s'", a);
    else
      pos[npos++] = a;
  }
  const char *verb = npos > 1 ? pos[1] : "list";
  if (npos == 0)
    return usage_error("plans takes a playbook%s", "");
  int want_id = strcmp(verb, "show") == 0 || strcmp(verb, "update") == 0;
  if (strcmp(verb, "list") != 0 && !want_id)
    return usage_error("plans: unknown action '%s' (use list, show or update)",
                       verb);
  if (want_id != (npos == 3))
    return usage_error(want_id ? "plans %s takes a plan id"
                               : "plans %s takes no plan id",
                       verb);
  if (strcmp(verb, "update") == 0 && !ch.status && !ch.owner && !ch.note)
    return usage_error("plans update: say what changes (--status, --owner "
                       "or --note)%s",
                       "");
  mj_engine *e = NULL;
  int x = with_playbook(c, pos[0], &e);
  if (!x) {
    char *text = NULL;
    size_t len = 0;
    if (strcmp(verb, "update") == 0) {
      int rc = mj_plan_update(e, pos[2], &ch);
      if (rc == MJ_OK)
        rc = mj_plans(e, pos[2], format, &text, &len);
      x = print_text(e, rc, text, len);
    } else {
      int rc = mj_plans(e, want_id ? pos[2] : NULL, format, &text, &len);
      x = print_text(e, rc, text, len);
    }
  }
  mj_engine_free(e);
  return x;
}

/* complaints|audits PLAYBOOK import [--audit NAME] FILE.csv
**                  | report [--wave W] [--format text|json] */
static int cmd_service(cli *c, int audits, int argc, char **argv)
{
  const char *name = audits ? "audits" : "complaints";
  const char *pos[3] = {NULL, NULL, NULL}, *format = "text", *wave = NULL,
             *audit = NULL;
  int npos = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--format") == 0 && v)
      format = argv[++i];
    else if (strcmp(a, "--wave") == 0 && v)
      wave = argv[++i];
    else if (audits && strcmp(a, "--audit") == 0 && v)
      audit = argv[++i];
    else if (a[0] == '-' || npos == 3)
      return usage_error("unexpected argument '%s'", a);
    else
      pos[npos++] = a;
  }
  const char *verb = npos > 1 ? pos[1] : "report";
  int import = strcmp(verb, "import") == 0;
  if (npos == 0 || (!import && strcmp(verb, "report") != 0))
    return usage_error(audits ? "audits takes PLAYBOOK import FILE.csv or "
                                "PLAYBOOK report%s"
                              : "complaints takes PLAYBOOK import FILE.csv "
                                "or PLAYBOOK report%s",
                       "");
  if (import != (npos == 3))
    return usage_error(import ? "%s import takes a CSV file"
                              : "%s report takes no file",
                       name);
  mj_engine *e = NULL;
  int x = with_playbook(c, pos[0], &e);
  if (!x && import) {
    mj_import_stats st;
    int rc = audits ? mj_audits_import(e, audit, pos[2], &st)
                    : mj_complaints_import(e, pos[2], &st);
    if (rc != MJ_OK) {
      x = fail(e, rc);
    } else {
      printf("%s: %llu row(s): %llu stored, %llu updated, %llu rejected\n",
             pos[2], (unsigned long long)st.rows,
             (unsigned long long)st.accepted,
             (unsigned long long)st.duplicates,
             (unsigned long long)st.rejected);
      if (st.rejected) {
        fflush(stdout);
        fprintf(stderr, "mejora: rejected rows, with row:column and reason, "
                        "are in %s\n",
                st.rejects_path);
        x = EXIT_USER;
      }
    }
  } else if (!x) {
    char *text = NULL;
    size_t len = 0;
    int rc = audits ? mj_audits_summary(e, wave, format, &text, &len)
                    : mj_complaints_summary(e, wave, format, &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

static int print_plugin(void *ud, const mj_plugin_info *p)
{
  (void)ud;
  printf("%-10s %-10s %-8s %d.%d  %s\n", p->kind, p->name, p->version,
         p->abi_major, p->abi_minor, p->path);
  return MJ_OK;
}

static int cmd_plugins(cli *c, int argc, char **argv)
{
  mj_engine *e = NULL;
  int x = engine_open(c, &e);
  if (x)
    return x;
  if (argc == 1) {
    /* One file: check it and say why it is refused, if it is. */
    int rc = mj_plugin_check(e, argv[0], print_plugin, NULL);
    x = rc == MJ_OK ? 0 : fail(e, rc);
  } else if (argc == 0) {
    printf("%-10s %-10s %-8s %s  %s\n", "KIND", "NAME", "VERSION", "ABI",
           "PATH");
    int rc = mj_plugins_foreach(e, print_plugin, NULL);
    x = rc == MJ_OK ? 0 : fail(e, rc);
  } else {
    x = usage_error("plugins takes at most one plugin file%s", "");
  }
  mj_engine_free(e);
  return x;
}

static int cmd_version(void)
{
  printf("mejora %s (library %s), plugin ABI %d.%d\n", MJ_VERSION_STRING,
         mj_version_string(), MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR);
  return 0;
}

int main(int argc, char **argv)
{
  cli c;
  memset(&c, 0, sizeof c);
  c.verbosity = MJ_LOG_WARN;
  const char *allow = getenv("MEJORA_ENV_ALLOW");
  snprintf(c.env_allow, sizeof c.env_allow, "%s", allow ? allow : "");
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--db") == 0 && i + 1 < argc)
      c.db = argv[++i];
    else if (strcmp(a, "--env") == 0 && i + 1 < argc) {
      size_t n = strlen(c.env_allow);
      int k = snprintf(c.env_allow + n, sizeof c.env_allow - n, "%s%s",
                       n ? "," : "", argv[++i]);
      if (k < 0 || (size_t)k >= sizeof c.env_allow - n)
        return usage_error("too many --env names (at most %s bytes)",
                           "4095");
    }
    else if (strcmp(a, "--plugin-path") == 0 && i + 1 < argc)
      c.plugin_path = argv[++i];
    else if (strcmp(a, "--trust") == 0)
      c.trust = 1;
    else if (strcmp(a, "--now") == 0 && i + 1 < argc)
      c.now = argv[++i];
    else if (strcmp(a, "--time-limit") == 0 && i + 1 < argc) {
      /* Milliseconds, 1 to a day: a typo must not mean "no limit". */
      char *end;
      const char *v = argv[++i];
      unsigned long ms = strtoul(v, &end, 10);
      if (*v < '0' || *v > '9' || *end || ms < 1 || ms > 86400000)
        return usage_error("--time-limit takes milliseconds, 1 to 86400000 "
                           "(got '%s')",
                           v);
      c.time_limit_ms = (unsigned)ms;
    }
    else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
      c.verbosity = MJ_LOG_ERROR;
    else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
      c.verbosity = MJ_LOG_DEBUG;
    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage_text, stdout);
      return 0;
    } else if (strcmp(a, "--version") == 0)
      return cmd_version();
    else
      return usage_error("unknown option '%s'", a);
  }
  if (i == argc)
    return usage_error("no command given%s", "");
  const char *cmd = argv[i++];
  int rest = argc - i;
  char **args = argv + i;
  if (strcmp(cmd, "run") == 0)
    return cmd_run(&c, rest, args);
  if (strcmp(cmd, "check") == 0)
    return cmd_check(&c, rest, args);
  if (strcmp(cmd, "import") == 0)
    return cmd_import(&c, rest, args);
  if (strcmp(cmd, "report") == 0)
    return cmd_report(&c, rest, args);
  if (strcmp(cmd, "plans") == 0)
    return cmd_plans(&c, rest, args);
  if (strcmp(cmd, "plugins") == 0)
    return cmd_plugins(&c, rest, args);
  if (strcmp(cmd, "complaints") == 0)
    return cmd_service(&c, 0, rest, args);
  if (strcmp(cmd, "audits") == 0)
    return cmd_service(&c, 1, rest, args);
  if (strcmp(cmd, "sample") == 0)
    return cmd_sample(&c, rest, args);
  if (strcmp(cmd, "invitations") == 0)
    return cmd_invitations(&c, rest, args);
  if (strcmp(cmd, "interview") == 0)
    return cmd_interview(&c, rest, args);
  if (strcmp(cmd, "export") == 0)
    return cmd_export(&c, rest, args);
  if (strcmp(cmd, "version") == 0)
    return cmd_version();
  if (strcmp(cmd, "help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  return usage_error("unknown command '%s'", cmd);
}
