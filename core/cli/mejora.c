/*
** mejora: what each command does, with the command line options.c has
** read: it calls the library and maps status codes to exit statuses
** (cli.h). It uses only the public header, like any embedder.
*/
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mejora/plugin.h"

static void log_stderr(void *ud, int level, const char *msg)
{
  (void)ud;
  static const char *const names[] = {"error", "warning", "info", "debug"};
  fprintf(stderr, "mejora: %s: %s\n",
          level >= 0 && level <= 3 ? names[level] : "log", msg);
}

int cli_exit_code(int rc)
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
    return CLI_EXIT_USER;
  default:
    return CLI_EXIT_ENV;
  }
}

static int fail(mj_engine *e, int rc)
{
  fprintf(stderr, "mejora: %s\n", e ? mj_errmsg(e) : mj_strerror(rc));
  return cli_exit_code(rc);
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
  return cli_usage(c,
                   "%s '%s' is not a time: use YYYY-MM-DD, "
                   "YYYY-MM-DDTHH:MM:SSZ or seconds since the epoch",
                   c->now ? "--now" : "MEJORA_NOW", s);
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
  const char *threads = getenv("MEJORA_THREADS");
  if (threads && strcmp(threads, "1") == 0)
    o.flags |= MJ_ONE_THREAD;
  o.lua_time_limit_ms = c->time_limit_ms;
  int rc = mj_engine_new(e, &o);
  if (rc != MJ_OK) {
    fprintf(stderr, "mejora: cannot create an engine: %s\n",
            mj_strerror(rc));
    return CLI_EXIT_ENV;
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

/* check: what run would refuse, writing nothing */
static int cmd_check(cli *c)
{
  const char *playbook = c->args[0];
  mj_engine *e = NULL;
  int x = with_playbook(c, playbook, &e);
  if (!x) {
    int rc = mj_playbook_check(e, c->cycle);
    x = rc == MJ_OK ? 0 : fail(e, rc);
  }
  if (!x)
    printf("%s: ok\n", playbook);
  mj_engine_free(e);
  return x;
}

/* Say where the rejected rows are; the counts on stdout come first. */
static int rejected(const mj_import_stats *st)
{
  if (!st->rejected)
    return 0;
  fflush(stdout);
  fprintf(stderr, "mejora: rejected rows, with row:column and reason, "
                  "are in %s\n",
          st->rejects_path);
  return CLI_EXIT_USER;
}

/*
** import: --pilot stores the file's responses as pilot (pre-test) ones,
** left out of cycles; --sep, --encoding and --date-format say how the
** file was saved.
*/
static int cmd_import(cli *c)
{
  mj_import_opts opts = {.size = sizeof opts};
  opts.pilot = c->pilot;
  opts.sep = c->sep && strcmp(c->sep, "\\t") == 0 ? "\t" : c->sep;
  opts.encoding = c->encoding;
  opts.date_format = c->date_format;
  char **argv = c->args;
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
      x = rejected(&st);
    }
  }
  mj_engine_free(e);
  return x;
}

/* -o FILE or standard output: "-" and no -o mean the same. */
static const char *output_path(const cli *c)
{
  return c->output && strcmp(c->output, "-") != 0 ? c->output : NULL;
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
    return CLI_EXIT_ENV;
  }
  int bad = fwrite(text, 1, len, f) != len;
  if (len && text[len - 1] != '\n')
    bad |= fputc('\n', f) == EOF;
  bad |= outpath ? fclose(f) != 0 : fflush(f) != 0;
  mj_free(text);
  if (bad) {
    fprintf(stderr, "mejora: write error on %s\n",
            outpath ? outpath : "standard output");
    return CLI_EXIT_ENV;
  }
  return 0;
}

static int cmd_run(cli *c)
{
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  int64_t id = 0;
  if (!x) {
    int rc = mj_cycle_run_ex(e, c->cycle, c->rerun ? MJ_CYCLE_RERUN : 0, &id);
    x = rc == MJ_OK ? print_report(e, "text", id, NULL) : fail(e, rc);
  }
  mj_engine_free(e);
  return x;
}

static int cmd_report(cli *c)
{
  const char *format = c->format ? c->format : "text";
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  int64_t cycle = 0;
  if (!x && c->cycle) {
    int rc = mj_cycle_find(e, c->cycle, &cycle);
    x = rc == MJ_OK ? 0 : fail(e, rc);
  }
  if (!x)
    x = print_report(e, format, cycle, output_path(c));
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
  return fflush(stdout) == 0 ? 0 : CLI_EXIT_ENV;
}

static int cmd_export(cli *c)
{
  const char *format = c->format ? c->format : "csv";
  const char *path = output_path(c);
  unsigned flags = (c->labels ? MJ_EXPORT_LABELS : 0u) |
                   (c->raw ? MJ_EXPORT_RAW : 0u);
  const char *questionnaire = c->args[1];
  /* A workbook or .sav file is binary: to a file, or with -o - into a
  ** pipe, never onto a terminal. */
  int binary = !strcmp(format, "xlsx") || !strcmp(format, "sav");
  if (binary && !c->output)
    return cli_usage(c, "--format %s writes a binary file: give -o "
                        "FILE.%s (or -o - into a pipe)", format, format);
  if (binary && !path && isatty(STDOUT_FILENO))
    return cli_usage(c, "--format %s writes a binary file, not one for a "
                        "terminal: give -o FILE.%s", format, format);
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x && !path) {
    int rc = mj_responses_export_file(e, questionnaire, format, flags,
                                      stdout);
    x = rc != MJ_OK ? fail(e, rc) : fflush(stdout) == 0 ? 0 : CLI_EXIT_ENV;
  } else if (!x) {
    /* Into PATH.part, renamed when whole: a failed export leaves no file
    ** that looks complete. */
    char part[4096];
    snprintf(part, sizeof part, "%s.part", path);
    FILE *f = fopen(part, "wb");
    int rc = f ? mj_responses_export_file(e, questionnaire, format, flags, f)
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
      x = CLI_EXIT_ENV;
    }
  }
  mj_engine_free(e);
  return x;
}

static int cmd_interview(cli *c)
{
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x)
    x = cli_interview(e, c->args[1], c->customer);
  mj_engine_free(e);
  return x;
}

/* Set by SIGTERM and SIGINT: serve finishes the requests under way. */
static volatile int serve_stop;

static void on_stop_signal(int sig)
{
  (void)sig;
  serve_stop = 1;
}

/* What mejora serve shows at /report: the newest cycle's HTML report. */
static int serve_report(void *ud, char **html, size_t *len)
{
  return mj_report(ud, "html", 0, html, len);
}

static int cmd_serve(cli *c)
{
  /* A server's log is what it does: where it listens, each response
  ** stored. -q keeps it to errors. */
  if (c->verbosity == MJ_LOG_WARN)
    c->verbosity = MJ_LOG_INFO;
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    mj_serve_opts o = {.size = sizeof o, .listen = c->listen,
                       .stop = &serve_stop, .report = serve_report,
                       .report_ud = e};
    int rc = mj_serve(e, &o);
    if (rc != MJ_OK)
      x = fail(e, rc);
  }
  mj_engine_free(e);
  return x;
}

static int cmd_sample(cli *c)
{
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x) {
    char *text = NULL;
    size_t len = 0;
    int rc = mj_sample_draw(e, c->args[1], c->format ? c->format : "text",
                            &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

static int cmd_invitations(cli *c)
{
  unsigned flags = c->pending ? MJ_INVITATIONS_PENDING : 0;
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x) {
    char *text = NULL;
    size_t len = 0;
    int rc = mj_invitations_list(e, c->sample, c->format ? c->format : "text",
                                 flags, &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

/* plans PLAYBOOK [list | show ID | update ID] */
static int cmd_plans(cli *c)
{
  const char *format = c->format ? c->format : "text";
  const char *verb = c->n_args > 1 ? c->args[1] : "list";
  const char *id = c->n_args > 2 ? c->args[2] : NULL;
  mj_plan_change ch;
  memset(&ch, 0, sizeof ch);
  ch.struct_size = sizeof ch;
  ch.status = c->status;
  ch.owner = c->owner;
  ch.note = c->note;
  if (c->action) {
    char *end;
    long n = strtol(c->action, &end, 10);
    if (*end || n < 1 || n > 1000)
      return cli_usage(c, "--action takes an action number (1, 2...), not "
                          "'%s'",
                       c->action);
    ch.action = (int)n;
  }
  int update = strcmp(verb, "update") == 0;
  int want_id = update || strcmp(verb, "show") == 0;
  if (strcmp(verb, "list") != 0 && !want_id)
    return cli_usage(c, "unknown action '%s' (use list, show or update)",
                     verb);
  if (want_id != (id != NULL))
    return cli_usage(c, want_id ? "%s takes a plan id" : "%s takes no plan id",
                     verb);
  if (!update && (c->action || ch.status || ch.owner || ch.note))
    return cli_usage(c, "--action, --status, --owner and --note go with "
                        "update");
  if (update && !ch.status && !ch.owner && !ch.note)
    return cli_usage(c, "update: say what changes (--status, --owner or "
                        "--note)");
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x) {
    char *text = NULL;
    size_t len = 0;
    int rc = update ? mj_plan_update(e, id, &ch) : MJ_OK;
    if (rc == MJ_OK)
      rc = mj_plans(e, id, format, &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

/* deliver PLAYBOOK: one line of counts; a message parked is exit 3 */
static int cmd_deliver(cli *c)
{
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x) {
    mj_outbox_counts n;
    int rc = mj_deliver(e, &n);
    if (rc != MJ_OK) {
      x = fail(e, rc);
    } else {
      printf("delivered: %zu sent, %zu to try again, %zu failed", n.sent,
             n.retry, n.failed);
      if (n.kept)
        printf(", %zu kept (no such notifier in the playbook)", n.kept);
      if (n.deferred)
        printf(", %zu deferred (quiet hours, cap)", n.deferred);
      if (n.cancelled)
        printf(", %zu cancelled (unsubscribed)", n.cancelled);
      printf("\n");
      x = fflush(stdout) != 0 || n.failed ? CLI_EXIT_ENV : 0;
    }
  }
  mj_engine_free(e);
  return x;
}

/* outbox PLAYBOOK [--failed] [--retry ID] */
static int cmd_outbox(cli *c)
{
  long long id = 0;
  if (c->retry) {
    char *end;
    errno = 0;
    id = strtoll(c->retry, &end, 10);
    if (*end || errno || id < 1)
      return cli_usage(c, "--retry takes a message's id (a number 'outbox "
                          "--failed' shows), not '%s'",
                       c->retry);
    if (c->failed || c->format)
      return cli_usage(c, "--retry goes alone (without --failed or "
                          "--format)");
  }
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x && c->retry) {
    int rc = mj_outbox_retry(e, (int64_t)id);
    if (rc == MJ_OK)
      printf("message %lld is back in the queue\n", id);
    x = rc != MJ_OK ? fail(e, rc) : fflush(stdout) == 0 ? 0 : CLI_EXIT_ENV;
  } else if (!x) {
    char *text = NULL;
    size_t len = 0;
    int rc = mj_outbox_list(e, c->failed ? MJ_OUTBOX_FAILED : 0,
                            c->format ? c->format : "text", &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

/* unsubscribe PLAYBOOK TOKEN | --customer ID [--undo] */
static int cmd_unsubscribe(cli *c)
{
  const char *token = c->n_args > 1 ? c->args[1] : NULL;
  if (!token == !c->customer)
    return cli_usage(c, "name the customer once: an invitation's TOKEN or "
                        "--customer ID");
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x) {
    unsigned flags = (c->customer ? MJ_UNSUBSCRIBE_CUSTOMER : 0) |
                     (c->undo ? MJ_UNSUBSCRIBE_UNDO : 0);
    int rc = mj_unsubscribe(e, token ? token : c->customer, flags);
    if (rc == MJ_OK)
      printf(c->undo ? "subscribed again: messages go to %s%s\n"
                     : "unsubscribed: no message goes to %s%s from now on\n",
             token ? "the customer of invitation " : "customer ",
             token ? token : c->customer);
    x = rc != MJ_OK ? fail(e, rc) : fflush(stdout) == 0 ? 0 : CLI_EXIT_ENV;
  }
  mj_engine_free(e);
  return x;
}

/* cases PLAYBOOK [list | show ID | close ID --outcome TEXT [--by WHO]] */
static int cmd_cases(cli *c)
{
  const char *verb = c->n_args > 1 ? c->args[1] : "list";
  const char *arg = c->n_args > 2 ? c->args[2] : NULL;
  int close = strcmp(verb, "close") == 0;
  int want_id = close || strcmp(verb, "show") == 0;
  if (strcmp(verb, "list") != 0 && !want_id)
    return cli_usage(c, "unknown action '%s' (use list, show or close)",
                     verb);
  if (want_id != (arg != NULL))
    return cli_usage(c, want_id ? "%s takes a case id" : "%s takes no case id",
                     verb);
  long long id = 0;
  if (arg) {
    char *end;
    errno = 0;
    id = strtoll(arg, &end, 10);
    if (*end || errno || id < 1)
      return cli_usage(c, "%s takes a case's id (a number 'cases list' "
                          "shows), not '%s'",
                       verb, arg);
  }
  if (!close && (c->outcome || c->by))
    return cli_usage(c, "--outcome and --by go with close");
  if (close && !c->outcome)
    return cli_usage(c, "close: say what was done with --outcome TEXT");
  if (strcmp(verb, "list") != 0 && (c->open_only || c->overdue))
    return cli_usage(c, "--open and --overdue go with list");
  const char *by = c->by ? c->by : getenv("USER");
  if (close && (!by || !*by))
    return cli_usage(c, "close: say who closes it with --by WHO");
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x && close) {
    int in_time = 0;
    int rc = mj_case_close(e, (int64_t)id, by, c->outcome, &in_time);
    if (rc == MJ_OK)
      printf("case %lld closed %s\n", id, in_time ? "in time" : "late");
    x = rc != MJ_OK ? fail(e, rc) : fflush(stdout) == 0 ? 0 : CLI_EXIT_ENV;
  } else if (!x) {
    char *text = NULL;
    size_t len = 0;
    unsigned flags = (c->open_only ? MJ_CASES_OPEN : 0u) |
                     (c->overdue ? MJ_CASES_OVERDUE : 0u);
    int rc = mj_cases(e, flags, (int64_t)id, c->format ? c->format : "text",
                      &text, &len);
    x = print_text(e, rc, text, len);
  }
  mj_engine_free(e);
  return x;
}

/* complaints|audits PLAYBOOK [import FILE | report] */
static int cmd_service(cli *c)
{
  int audits = c->cmd == CLI_AUDITS;
  const char *verb = c->n_args > 1 ? c->args[1] : "report";
  const char *file = c->n_args > 2 ? c->args[2] : NULL;
  int import = strcmp(verb, "import") == 0;
  if (!import && strcmp(verb, "report") != 0)
    return cli_usage(c, "unknown action '%s' (use import FILE or report)",
                     verb);
  if (import != (file != NULL))
    return cli_usage(c, import ? "import takes a CSV file"
                               : "report takes no file");
  mj_engine *e = NULL;
  int x = with_playbook(c, c->args[0], &e);
  if (!x && import) {
    mj_import_stats st;
    int rc = audits ? mj_audits_import(e, c->audit, file, &st)
                    : mj_complaints_import(e, file, &st);
    if (rc != MJ_OK) {
      x = fail(e, rc);
    } else {
      printf("%s: %llu row(s): %llu stored, %llu updated, %llu rejected\n",
             file, (unsigned long long)st.rows,
             (unsigned long long)st.accepted,
             (unsigned long long)st.duplicates,
             (unsigned long long)st.rejected);
      x = rejected(&st);
    }
  } else if (!x) {
    const char *format = c->format ? c->format : "text";
    char *text = NULL;
    size_t len = 0;
    int rc = audits ? mj_audits_summary(e, c->wave, format, &text, &len)
                    : mj_complaints_summary(e, c->wave, format, &text, &len);
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

static int cmd_plugins(cli *c)
{
  mj_engine *e = NULL;
  int x = engine_open(c, &e);
  if (x)
    return x;
  if (c->n_args == 1) {
    /* One file: check it and say why it is refused, if it is. */
    int rc = mj_plugin_check(e, c->args[0], print_plugin, NULL);
    x = rc == MJ_OK ? 0 : fail(e, rc);
  } else {
    printf("%-10s %-10s %-8s %s  %s\n", "KIND", "NAME", "VERSION", "ABI",
           "PATH");
    int rc = mj_plugins_foreach(e, print_plugin, NULL);
    x = rc == MJ_OK ? 0 : fail(e, rc);
  }
  mj_engine_free(e);
  return x;
}

int cli_version(void)
{
  printf("mejora %s (library %s), plugin ABI %d.%d\n", MJ_VERSION_STRING,
         mj_version_string(), MJ_PLUGIN_ABI_MAJOR, MJ_PLUGIN_ABI_MINOR);
  return 0;
}

static int cmd_version(cli *c)
{
  (void)c;
  return cli_version();
}

int main(int argc, char **argv)
{
  static int (*const run[CLI_N_COMMANDS])(cli *) = {
      [CLI_RUN] = cmd_run,
      [CLI_CHECK] = cmd_check,
      [CLI_IMPORT] = cmd_import,
      [CLI_REPORT] = cmd_report,
      [CLI_PLANS] = cmd_plans,
      [CLI_DELIVER] = cmd_deliver,
      [CLI_OUTBOX] = cmd_outbox,
      [CLI_UNSUBSCRIBE] = cmd_unsubscribe,
      [CLI_CASES] = cmd_cases,
      [CLI_SAMPLE] = cmd_sample,
      [CLI_INVITATIONS] = cmd_invitations,
      [CLI_EXPORT] = cmd_export,
      [CLI_INTERVIEW] = cmd_interview,
      [CLI_SERVE] = cmd_serve,
      [CLI_COMPLAINTS] = cmd_service,
      [CLI_AUDITS] = cmd_service,
      [CLI_PLUGINS] = cmd_plugins,
      [CLI_VERSION] = cmd_version,
  };
  cli c;
  int x = cli_parse(&c, argc, argv);
  if (x < 0)
    x = run[c.cmd](&c); /* help is done by cli_parse */
  cli_free(&c);
  return x;
}
