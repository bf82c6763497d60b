/*
** cli: the mejora command. What its command line looks like (options.c:
** the options, the commands, their help and the parser), what each
** command does (mejora.c) and the terminal interview (interview.c). It
** uses the public header alone, like any embedder.
*/
#ifndef MJ_CLI_H
#define MJ_CLI_H

#include "mejora.h"

/*
** Exit status, the same in every command: 0 success, 1 a mistake in the
** playbook or the data, 2 usage, 3 the environment (store, plugin, I/O,
** memory); 130 an interview stopped by Ctrl-C, as the shell reports
** SIGINT.
*/
enum {
  CLI_EXIT_USER = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_ENV = 3,
  CLI_EXIT_INTERRUPT = 130
};

/* The commands, in the order --help lists them. */
typedef enum cli_cmd {
  CLI_RUN,
  CLI_CHECK,
  CLI_IMPORT,
  CLI_REPORT,
  CLI_PLANS,
  CLI_DELIVER,
  CLI_OUTBOX,
  CLI_UNSUBSCRIBE,
  CLI_CASES,
  CLI_SAMPLE,
  CLI_INVITATIONS,
  CLI_EXPORT,
  CLI_INTERVIEW,
  CLI_SERVE,
  CLI_COMPLAINTS,
  CLI_AUDITS,
  CLI_PLUGINS,
  CLI_VERSION,
  CLI_HELP,
  CLI_N_COMMANDS
} cli_cmd;

/*
** One command line, parsed: the global options, the command, its
** options (NULL or 0 when not given) and its arguments.
*/
typedef struct cli {
  /* global options */
  const char *db;
  const char *plugin_path;
  const char *now;
  int trust, verbosity;
  unsigned time_limit_ms; /* 0: the library's default */
  char env_allow[4096];   /* $MEJORA_ENV_ALLOW, then each --env NAME */
  /* the command and its options */
  cli_cmd cmd;
  const char *format, *output, *cycle, *sample, *customer, *wave, *audit;
  const char *status, *owner, *note, *action, *retry;
  const char *sep, *encoding, *date_format;
  const char *listen;
  int rerun, pilot, labels, raw, pending, failed;
  int undo;
  const char *outcome, *by; /* cases close */
  int open_only, overdue;   /* cases list */
  /* its arguments */
  char **args;
  int n_args;
  char path_buf[8192]; /* the plugin search path, built once */
} cli;

/*
** Parse argv into c: global options before or after the command, the
** command's own among its arguments in any order, "--" ending options.
** Returns -1 when the command should run; else the exit status, having
** printed what --help, --version or a usage error asked for.
*/
int cli_parse(cli *c, int argc, char **argv);

/* Free what cli_parse keeps (c->args); c is then unusable. */
void cli_free(cli *c);

/*
** Print a usage error in one line, "mejora: COMMAND: what", and the hint
** to the command's --help, on stderr. Returns CLI_EXIT_USAGE.
*/
int cli_usage(const cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The exit status that status code rc means. */
int cli_exit_code(int rc);

/* The name of command cmd, as typed. */
const char *cli_command_name(cli_cmd cmd);

/* Print the versions, as -V and `mejora version` do. Returns 0. */
int cli_version(void);

/* interview.c: ask questionnaire of customer (NULL: ask who) in the
** terminal. Returns the exit status. */
int cli_interview(mj_engine *e, const char *questionnaire,
                  const char *customer);

#endif
