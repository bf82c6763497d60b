/*
** The mejora command line: every option once, every command with its
** arguments and the options it takes, the help printed from them, and
** the parser (getopt_long) that reads a command line into a cli.
*/
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* How an option's value is kept. */
typedef enum opt_kind {
  K_TEXT,    /* a string field */
  K_FLAG,    /* an int field set to 1 */
  K_ENV,     /* --env: appended to env_allow */
  K_MS,      /* --time-limit: milliseconds */
  K_QUIET,   /* -q */
  K_VERBOSE, /* -v */
  K_HELP,    /* -h */
  K_VERSION  /* -V */
} opt_kind;

/* The options, global ones first. */
typedef enum opt_id {
  O_NONE,
  O_DB,
  O_PLUGIN_PATH,
  O_TRUST,
  O_ENV,
  O_NOW,
  O_TIME_LIMIT,
  O_QUIET,
  O_VERBOSE,
  O_HELP,
  O_VERSION,
  O_N_GLOBAL,
  O_FORMAT = O_N_GLOBAL,
  O_OUTPUT,
  O_CYCLE,
  O_RERUN,
  O_PILOT,
  O_SEP,
  O_ENCODING,
  O_DATE_FORMAT,
  O_ACTION,
  O_STATUS,
  O_OWNER,
  O_NOTE,
  O_SAMPLE,
  O_PENDING,
  O_LABELS,
  O_RAW,
  O_CUSTOMER,
  O_WAVE,
  O_AUDIT,
  O_FAILED,
  O_RETRY,
  O_UNDO,
  O_LISTEN,
  O_OUTCOME,
  O_BY,
  O_OPEN,
  O_OVERDUE,
  O_N
} opt_id;

typedef struct opt_def {
  const char *name; /* the long name, without "--" */
  char letter;      /* the short one, or 0 */
  const char *arg;  /* what its value is called; NULL: it takes none */
  opt_kind kind;
  size_t field; /* offsetof(cli, ...) for K_TEXT and K_FLAG */
  const char *help;
} opt_def;

#define TEXT(f) K_TEXT, offsetof(cli, f)
#define FLAG(f) K_FLAG, offsetof(cli, f)

static const opt_def opts[O_N] = {
    [O_DB] = {"db", 0, "URI", TEXT(db),
              "the store (sqlite:PATH); default: the playbook's,\n"
              "or mejora.db beside the playbook"},
    [O_PLUGIN_PATH] = {"plugin-path", 0, "DIRS", TEXT(plugin_path),
                       "':'-separated folders searched first for plugins\n"
                       "(then $MEJORA_PLUGIN_PATH, then the installed ones)"},
    [O_TRUST] = {"trust", 0, NULL, FLAG(trust),
                 "let the playbook use io, os and C modules, and read\n"
                 "and write files outside its folder"},
    [O_ENV] = {"env", 0, "NAME", K_ENV, 0,
               "let the playbook read environment variable NAME with\n"
               "mejora.env (repeatable; also $MEJORA_ENV_ALLOW, names\n"
               "separated by ',')"},
    [O_NOW] = {"now", 0, "TIME", TEXT(now),
               "take TIME (YYYY-MM-DD[THH:MM[:SS]Z] or seconds since\n"
               "the epoch) as the current time, for reproducible runs\n"
               "and tests (also $MEJORA_NOW)"},
    [O_TIME_LIMIT] = {"time-limit", 0, "MS", K_MS, 0,
                      "the playbook's time limit per call (load, each\n"
                      "trigger); default 5000"},
    [O_QUIET] = {"quiet", 'q', NULL, K_QUIET, 0, "only errors on stderr"},
    [O_VERBOSE] = {"verbose", 'v', NULL, K_VERBOSE, 0,
                   "debug messages on stderr"},
    [O_HELP] = {"help", 'h', NULL, K_HELP, 0,
                "this text (after a command: that command's)"},
    [O_VERSION] = {"version", 'V', NULL, K_VERSION, 0,
                   "versions of mejora and its plugin ABI"},
    [O_FORMAT] = {"format", 0, "FORMAT", TEXT(format), NULL},
    [O_OUTPUT] = {"output", 'o', "FILE", TEXT(output),
                  "write to FILE ('-': standard output, the default)"},
    [O_CYCLE] = {"cycle", 0, "NAME", TEXT(cycle), NULL},
    [O_RERUN] = {"rerun", 0, NULL, FLAG(rerun),
                 "run a finished cycle again, in its place"},
    [O_PILOT] = {"pilot", 0, NULL, FLAG(pilot),
                 "store the responses as pilot ones, left out of cycles"},
    [O_SEP] = {"sep", 0, "C", TEXT(sep),
               "cells separated by C (';', '\\t'...); default ','"},
    [O_ENCODING] = {"encoding", 0, "NAME", TEXT(encoding),
                    "the file's iconv encoding (windows-1252...);\n"
                    "default UTF-8"},
    [O_DATE_FORMAT] = {"date-format", 0, "F", TEXT(date_format),
                       "submitted_at written as F (dd/mm/yyyy,\n"
                       "mm/dd/yyyy, yyyy-mm-dd)"},
    [O_ACTION] = {"action", 0, "N", TEXT(action),
                  "update: the plan's action N (1, 2...), not the plan"},
    [O_STATUS] = {"status", 0, "S", TEXT(status),
                  "update: the new status (a plan's: open, closed,\n"
                  "cancelled; an action's: open, doing, done)"},
    [O_OWNER] = {"owner", 0, "WHO", TEXT(owner), "update: the new owner"},
    [O_NOTE] = {"note", 0, "TEXT", TEXT(note),
                "update: a note for the plan's history"},
    [O_SAMPLE] = {"sample", 0, "NAME", TEXT(sample),
                  "only the invitations of sample NAME"},
    [O_PENDING] = {"pending", 0, NULL, FLAG(pending),
                   "only the invitations not answered yet"},
    [O_LABELS] = {"labels", 0, NULL, FLAG(labels),
                  "answers as labels in the respondent's language"},
    [O_RAW] = {"raw", 0, NULL, FLAG(raw),
               "text as stored, without the apostrophe that keeps a\n"
               "spreadsheet from running it as a formula"},
    [O_CUSTOMER] = {"customer", 0, "ID", TEXT(customer),
                    "the customer answering (default: asked first)"},
    [O_WAVE] = {"wave", 0, "W", TEXT(wave),
                "report: only wave W (e.g. 2026-11)"},
    [O_AUDIT] = {"audit", 0, "NAME", TEXT(audit),
                 "import: the audit the visits are for (default: the\n"
                 "playbook's only one)"},
    [O_FAILED] = {"failed", 0, NULL, FLAG(failed),
                  "the messages parked as failed, not the waiting ones"},
    [O_RETRY] = {"retry", 0, "ID", TEXT(retry),
                 "put failed message ID back in the queue, due now"},
    [O_UNDO] = {"undo", 0, NULL, FLAG(undo),
                "take the customer back: messages go to them again"},
    [O_LISTEN] = {"listen", 0, "ADDR:PORT", TEXT(listen),
                  "where to listen (default 127.0.0.1:8080; [::1]:8080\n"
                  "for IPv6)"},
    [O_OUTCOME] = {"outcome", 0, "TEXT", TEXT(outcome),
                   "close: what was done (kept with the case)"},
    [O_BY] = {"by", 0, "WHO", TEXT(by),
              "close: who closed it (default: $USER)"},
    [O_OPEN] = {"open", 0, NULL, FLAG(open_only),
                "only the cases not closed yet"},
    [O_OVERDUE] = {"overdue", 0, NULL, FLAG(overdue),
                   "only the open cases past their due time"},
};

/* An option a command takes, with what it means there (NULL: as above). */
typedef struct opt_use {
  opt_id id;
  const char *help;
} opt_use;

typedef struct command {
  const char *name;
  const char *args;       /* its arguments, as the synopsis shows them */
  int min_args, max_args; /* how many it takes */
  const char *summary;    /* its lines in the overview */
  opt_use opts[8];        /* the options it takes, ended by O_NONE */
} command;

static const char cycle_help[] =
    "the cycle the playbook names NAME (default: the\n"
    "current one)";
static const char report_cycle_help[] =
    "the cycle the playbook names NAME (default: the\n"
    "newest run); a number no cycle is named is taken\n"
    "as a stored cycle's id";

static const command commands[CLI_N_COMMANDS] = {
    [CLI_RUN] = {"run", "PLAYBOOK", 1, 1,
                 "one full cycle: measure, analyse, improve, report,\n"
                 "notify",
                 {{O_CYCLE, cycle_help}, {O_RERUN, NULL}}},
    [CLI_CHECK] = {"check", "PLAYBOOK", 1, 1,
                   "find what run would refuse (plugins, options,\n"
                   "scorers, files); write nothing",
                   {{O_CYCLE, "check only the cycle the playbook names\n"
                              "NAME (default: every cycle)"}}},
    [CLI_IMPORT] = {"import", "PLAYBOOK QUESTIONNAIRE FILE", 3, 3,
                    "validate and store the responses of a CSV or JSON\n"
                    "file",
                    {{O_PILOT, NULL},
                     {O_SEP, NULL},
                     {O_ENCODING, NULL},
                     {O_DATE_FORMAT, NULL}}},
    [CLI_REPORT] = {"report", "PLAYBOOK", 1, 1,
                    "the results of the newest (or given) cycle",
                    {{O_FORMAT, "text, json, md or html (default: text)"},
                     {O_OUTPUT, NULL},
                     {O_CYCLE, report_cycle_help}}},
    [CLI_PLANS] = {"plans", "PLAYBOOK [list | show ID | update ID]", 1, 3,
                   "improvement plans and their history; update\n"
                   "records progress",
                   {{O_FORMAT, "text or json (default: text)"},
                    {O_ACTION, NULL},
                    {O_STATUS, NULL},
                    {O_OWNER, NULL},
                    {O_NOTE, NULL}}},
    [CLI_DELIVER] = {"deliver", "PLAYBOOK", 1, 1,
                     "send the queued notifications that are due; exit 3\n"
                     "when one is parked as failed",
                     {{O_NONE, NULL}}},
    [CLI_OUTBOX] = {"outbox", "PLAYBOOK", 1, 1,
                    "the notifications waiting to be sent, or failed",
                    {{O_FAILED, NULL},
                     {O_RETRY, NULL},
                     {O_FORMAT, "text or json (default: text)"}}},
    [CLI_UNSUBSCRIBE] = {"unsubscribe", "PLAYBOOK [TOKEN]", 1, 2,
                         "stop every message to the customer of invitation\n"
                         "TOKEN (or --customer ID), at once",
                         {{O_CUSTOMER, "the customer's id, instead of a token"},
                          {O_UNDO, NULL}}},
    [CLI_CASES] = {"cases", "PLAYBOOK [list | show ID | close ID]", 1, 3,
                   "close-the-loop cases opened by alerts; close\n"
                   "records who, when and the outcome",
                   {{O_FORMAT, "text or json (default: text)"},
                    {O_OPEN, NULL},
                    {O_OVERDUE, NULL},
                    {O_OUTCOME, NULL},
                    {O_BY, NULL}}},
    [CLI_SAMPLE] = {"sample", "PLAYBOOK NAME", 2, 2,
                    "draw a sample: store its invitations",
                    {{O_FORMAT, "text or json (default: text)"}}},
    [CLI_INVITATIONS] = {"invitations", "PLAYBOOK", 1, 1,
                         "the stored invitations and their tokens",
                         {{O_SAMPLE, NULL},
                          {O_FORMAT, "text, csv or json (default: text)"},
                          {O_PENDING, NULL}}},
    [CLI_EXPORT] = {"export", "PLAYBOOK QUESTIONNAIRE", 2, 2,
                    "the stored responses, with codes or labels",
                    {{O_FORMAT, "csv, json, xlsx or sav (default: csv)"},
                     {O_LABELS, NULL},
                     {O_RAW, NULL},
                     {O_OUTPUT, NULL}}},
    [CLI_INTERVIEW] = {"interview", "PLAYBOOK QUESTIONNAIRE", 2, 2,
                       "ask a questionnaire in the terminal; :q or Ctrl-C\n"
                       "stops, the same command resumes",
                       {{O_CUSTOMER, NULL}}},
    [CLI_SERVE] = {"serve", "PLAYBOOK", 1, 1,
                   "answer the questionnaires' links as web forms until\n"
                   "SIGTERM or Ctrl-C",
                   {{O_LISTEN, NULL}}},
    [CLI_COMPLAINTS] = {"complaints", "PLAYBOOK [import FILE | report]", 1,
                        3, "complaints: ISO 10002 steps, Pareto",
                        {{O_WAVE, NULL},
                         {O_FORMAT, "report: text or json (default: "
                                    "text)"}}},
    [CLI_AUDITS] = {"audits", "PLAYBOOK [import FILE | report]", 1, 3,
                    "mystery-shopper visits, scorecards",
                    {{O_AUDIT, NULL},
                     {O_WAVE, NULL},
                     {O_FORMAT, "report: text or json (default: text)"}}},
    [CLI_PLUGINS] = {"plugins", "[PLUGIN.so]", 0, 1,
                     "the plugins found (kind, version, ABI), or why one\n"
                     "file is refused",
                     {{O_NONE, NULL}}},
    [CLI_VERSION] = {"version", "", 0, 0,
                     "versions of mejora and its plugin ABI",
                     {{O_NONE, NULL}}},
    [CLI_HELP] = {"help", "[COMMAND]", 0, 1,
                  "this text, or a command's options", {{O_NONE, NULL}}},
};

static const char exit_text[] =
    "exit status:\n"
    "  0    success\n"
    "  1    a mistake in the playbook or the data (rejected rows...)\n"
    "  2    wrong usage\n"
    "  3    the environment: store, plugin, file, memory; a\n"
    "       notification deliver parked as failed\n"
    "  130  an interview stopped with Ctrl-C\n";

const char *cli_command_name(cli_cmd cmd)
{
  return commands[cmd].name;
}

/* Print text from column col, its later lines indented to col too. */
static void put_indented(const char *text, int col)
{
  for (const char *s = text; *s;) {
    size_t n = strcspn(s, "\n");
    printf("%.*s\n", (int)n, s);
    s += n;
    if (*s == '\n' && *++s)
      printf("%*s", col, "");
  }
}

/* "  label" padded to column col, then text. */
static void put_row(const char *label, const char *text, int col)
{
  int n = printf("  %s", label);
  if (n + 1 >= col) {
    printf("\n%*s", col, "");
  } else {
    printf("%*s", col - n, "");
  }
  put_indented(text, col);
}

/* "-o, --output FILE", or "    --db URI" lined up with it. */
static void put_option(const opt_def *o, const char *help)
{
  char label[64];
  snprintf(label, sizeof label, "%s%c%s--%s%s%s", o->letter ? "-" : "",
           o->letter ? o->letter : ' ', o->letter ? ", " : "   ", o->name,
           o->arg ? " " : "", o->arg ? o->arg : "");
  put_row(o->letter ? label : label + 2, help ? help : o->help, 24);
}

static void overview(void)
{
  printf("usage: mejora [OPTIONS] COMMAND [ARGS] [OPTIONS]\n\ncommands:\n");
  for (int i = 0; i < CLI_N_COMMANDS; i++) {
    char label[64];
    snprintf(label, sizeof label, "%s%s%s", commands[i].name,
             commands[i].args[0] ? " " : "", commands[i].args);
    put_row(label, commands[i].summary, 24);
  }
  printf("\noptions (before or after the command):\n");
  for (int i = O_NONE + 1; i < O_N_GLOBAL; i++)
    put_option(&opts[i], NULL);
  printf("\n'mejora COMMAND --help' (or 'mejora help COMMAND') lists a "
         "command's own\noptions.\n\n%s",
         exit_text);
}

static void command_help(cli_cmd cmd)
{
  const command *k = &commands[cmd];
  printf("usage: mejora %s%s%s [OPTIONS]\n", k->name, k->args[0] ? " " : "",
         k->args);
  put_indented(k->summary, 0);
  if (k->opts[0].id != O_NONE) {
    printf("\noptions:\n");
    for (const opt_use *u = k->opts; u->id != O_NONE; u++)
      put_option(&opts[u->id], u->help);
  }
  printf("\nglobal options (see 'mejora --help'):\n  ");
  for (int i = O_NONE + 1; i < O_N_GLOBAL; i++)
    printf("%s--%s", i == O_NONE + 1 ? "" : i == O_QUIET ? ",\n  " : ", ",
           opts[i].name);
  printf("\n\n%s", exit_text);
}

int cli_usage(const cli *c, const char *fmt, ...)
{
  va_list ap;
  fputs("mejora: ", stderr);
  if (c && c->cmd != CLI_N_COMMANDS)
    fprintf(stderr, "%s: ", commands[c->cmd].name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (c && c->cmd != CLI_N_COMMANDS && c->cmd != CLI_HELP)
    fprintf(stderr, "\nTry 'mejora %s --help'.\n", commands[c->cmd].name);
  else
    fprintf(stderr, "\nTry 'mejora --help'.\n");
  return CLI_EXIT_USAGE;
}

/* Store the value of option o; -1 to go on, else the exit status. */
static int take(cli *c, const opt_def *o, const char *v)
{
  char *base = (char *)c;
  switch (o->kind) {
  case K_TEXT:
    *(const char **)(void *)(base + o->field) = v;
    return -1;
  case K_FLAG:
    *(int *)(void *)(base + o->field) = 1;
    return -1;
  case K_ENV: {
    size_t n = strlen(c->env_allow);
    int k = snprintf(c->env_allow + n, sizeof c->env_allow - n, "%s%s",
                     n ? "," : "", v);
    if (k < 0 || (size_t)k >= sizeof c->env_allow - n)
      return cli_usage(c, "too many --env names (at most %zu bytes)",
                       sizeof c->env_allow - 1);
    return -1;
  }
  case K_MS: {
    /* Milliseconds, 1 to a day: a typo must not mean "no limit". */
    char *end;
    unsigned long ms = strtoul(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || ms < 1 || ms > 86400000)
      return cli_usage(c,
                       "--time-limit takes milliseconds, 1 to 86400000 "
                       "(got '%s')",
                       v);
    c->time_limit_ms = (unsigned)ms;
    return -1;
  }
  case K_QUIET:
    c->verbosity = MJ_LOG_ERROR;
    return -1;
  case K_VERBOSE:
    c->verbosity = MJ_LOG_DEBUG;
    return -1;
  case K_HELP:
    if (c->cmd == CLI_N_COMMANDS)
      overview();
    else
      command_help(c->cmd);
    return 0;
  case K_VERSION:
    return cli_version();
  }
  return -1;
}

/*
** The getopt tables for the global options and, with a command, its own:
** val is the short letter, or 256 + the option's id.
*/
typedef struct table {
  struct option longs[O_N + 1];
  char shorts[2 * O_N + 3];
} table;

static void table_add(table *t, size_t *nl, size_t *ns, opt_id id)
{
  const opt_def *o = &opts[id];
  int has = o->arg ? required_argument : no_argument;
  int val = o->letter ? (int)o->letter : 256 + (int)id;
  t->longs[(*nl)++] = (struct option){o->name, has, NULL, val};
  if (o->letter) {
    t->shorts[(*ns)++] = o->letter;
    if (o->arg)
      t->shorts[(*ns)++] = ':';
  }
}

/* first: stop at the first argument (the command); else permute. */
static void table_make(table *t, const command *k, int first)
{
  size_t nl = 0, ns = 0;
  memset(t, 0, sizeof *t);
  t->shorts[ns++] = first ? '+' : '-';
  t->shorts[ns++] = ':';
  for (int i = O_NONE + 1; i < O_N_GLOBAL; i++)
    table_add(t, &nl, &ns, (opt_id)i);
  for (const opt_use *u = k ? k->opts : NULL; u && u->id != O_NONE; u++)
    table_add(t, &nl, &ns, u->id);
}

static const opt_def *opt_of(int val)
{
  if (val >= 256 && val < 256 + O_N)
    return &opts[val - 256];
  for (int i = O_NONE + 1; i < O_N && val > 0; i++)
    if (opts[i].letter == val)
      return &opts[i];
  return NULL;
}

/*
** An unknown command (t NULL) or option (of table t): what was typed, its
** first len bytes, and the nearest name there is.
*/
static int unknown(const cli *c, const char *what, const char *typed,
                   int len, const table *t)
{
  const char *names[(int)O_N + (int)CLI_N_COMMANDS];
  size_t n = 0;
  for (; t && t->longs[n].name; n++)
    names[n] = t->longs[n].name;
  for (; !t && n < CLI_N_COMMANDS; n++)
    names[n] = commands[n].name;
  char word[64];
  const char *dashes = t && typed[0] == '-' && typed[1] == '-' ? "--" : "";
  snprintf(word, sizeof word, "%.*s", len - (int)strlen(dashes),
           typed + strlen(dashes));
  const char *near = *dashes || !t ? mj_suggest(word, names, n) : NULL;
  if (near)
    return cli_usage(c, "unknown %s '%.*s' (did you mean '%s%s'?)", what, len,
                     typed, dashes, near);
  return cli_usage(c, "unknown %s '%.*s'", what, len, typed);
}

/*
** Read argv's options into c. first: the global ones, up to the command
** word (optind is left there). Else the command's and the global ones to
** the end, its arguments going to c->args in order. -1 to go on, else
** the exit status.
*/
static int read_options(cli *c, int argc, char **argv, int first)
{
  table t;
  table_make(&t, first ? NULL : &commands[c->cmd], first);
  opterr = 0;
  optind = 0; /* glibc: start afresh, argv is another vector */
  for (;;) {
    int ch = getopt_long(argc, argv, t.shorts, t.longs, NULL);
    if (ch == -1)
      break;
    if (ch == 1) { /* an argument, in its place ('-' in shorts) */
      c->args[c->n_args++] = optarg;
      continue;
    }
    const opt_def *o = opt_of(ch == ':' || ch == '?' ? optopt : ch);
    /* What was typed: the option's text up to '='. */
    const char *typed = argv[optind > 1 ? optind - 1 : 1];
    int tl = (int)strcspn(typed, "=");
    if (ch == ':' && o)
      return cli_usage(c, "option '%.*s' needs a value (%s)", tl, typed,
                       o->arg);
    if (ch == '?' && o && typed[0] == '-' && typed[1] == '-')
      return cli_usage(c, "option '--%s' takes no value", o->name);
    if (ch == '?' && optopt)
      return cli_usage(c, "unknown option '-%c'", optopt);
    if (ch == '?')
      return unknown(c, "option", typed, tl, &t);
    int x = take(c, o, optarg);
    if (x >= 0)
      return x;
  }
  /* After "--", the rest are arguments. */
  for (; !first && optind < argc; optind++)
    c->args[c->n_args++] = argv[optind];
  return -1;
}

int cli_parse(cli *c, int argc, char **argv)
{
  memset(c, 0, sizeof *c);
  c->cmd = CLI_N_COMMANDS;
  c->verbosity = MJ_LOG_WARN;
  const char *allow = getenv("MEJORA_ENV_ALLOW");
  snprintf(c->env_allow, sizeof c->env_allow, "%s", allow ? allow : "");
  int x = read_options(c, argc, argv, 1);
  if (x >= 0)
    return x;
  if (optind >= argc)
    return cli_usage(c, "no command given");
  /* The command's own line starts at its name, as getopt wants argv[0]. */
  char **rest = argv + optind;
  int n = argc - optind;
  int cmd = 0;
  while (cmd < CLI_N_COMMANDS && strcmp(commands[cmd].name, rest[0]) != 0)
    cmd++;
  if (cmd == CLI_N_COMMANDS)
    return unknown(c, "command", rest[0], (int)strlen(rest[0]), NULL);
  c->cmd = (cli_cmd)cmd;
  c->args = calloc((size_t)n, sizeof *c->args);
  if (!c->args) {
    fprintf(stderr, "mejora: out of memory\n");
    return CLI_EXIT_ENV;
  }
  x = read_options(c, n, rest, 0);
  if (x >= 0)
    return x;
  const command *k = &commands[c->cmd];
  const char *sp = k->args[0] ? " " : "";
  if (c->n_args < k->min_args)
    return cli_usage(c, "missing arguments (usage: mejora %s%s%s)", k->name,
                     sp, k->args);
  if (c->n_args > k->max_args)
    return cli_usage(c, "unexpected argument '%s' (usage: mejora %s%s%s)",
                     c->args[k->max_args], k->name, sp, k->args);
  /* A format the command cannot write is refused before any work. */
  char why[128];
  if (c->format &&
      mj_format_check(k->name, c->format, why, sizeof why) != MJ_OK)
    return cli_usage(c, "%s", why);
  if (c->cmd == CLI_HELP && c->n_args == 0) {
    overview();
    return 0;
  }
  if (c->cmd == CLI_HELP) {
    for (int i = 0; i < CLI_N_COMMANDS; i++)
      if (strcmp(commands[i].name, c->args[0]) == 0) {
        command_help((cli_cmd)i);
        return 0;
      }
    return unknown(c, "command", c->args[0], (int)strlen(c->args[0]), NULL);
  }
  return -1;
}

void cli_free(cli *c)
{
  free(c->args);
  c->args = NULL;
}
