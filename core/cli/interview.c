/*
** mejora interview: the terminal side of an interview. The library asks
** and validates (mj_interview_*); this file prints and reads lines.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mejora.h"

int cli_interview(mj_engine *e, const char *questionnaire,
                  const char *customer);

/*
** Ctrl-C must interrupt the read in progress, so the handler is installed
** without SA_RESTART; it does nothing else, the failed read says it all.
*/
static void on_sigint(int sig)
{
  (void)sig;
}

/* A line without its newline: 1, or 0 at end of input or on Ctrl-C. */
static int read_line(char *buf, size_t n)
{
  fflush(stdout);
  if (!fgets(buf, (int)n, stdin))
    return 0;
  buf[strcspn(buf, "\r\n")] = '\0';
  return 1;
}

static void show(const mj_interview_item *it)
{
  printf("\n[%zu/%zu]%s%s %s\n", it->number, it->count, it->section ? " " : "",
         it->section ? it->section : "", it->text);
  for (size_t i = 0; i < it->n_labels; i++) {
    if (it->codes && it->codes[i])
      printf("   %zu) %s\n", i + 1, it->labels[i]);
    else
      printf("   %d = %s\n", it->min + (int)i, it->labels[i]);
  }
  printf("  (%s; < to go back, q to stop)\n", it->hint);
}

int cli_interview(mj_engine *e, const char *questionnaire, const char *customer)
{
  char line[4096];
  if (!customer) {
    printf("Customer id: ");
    if (!read_line(line, sizeof line))
      return 1;
    customer = line;
  }
  mj_interview *iv = NULL;
  int rc = mj_interview_open(e, questionnaire, customer, &iv);
  if (rc != MJ_OK) {
    fprintf(stderr, "mejora: %s\n", mj_errmsg(e));
    return 1;
  }
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);

  int n = mj_interview_resumed(iv);
  printf("Interview: questionnaire \"%s\", customer %s, language %s\n",
         questionnaire, customer, mj_interview_lang(iv));
  if (n)
    printf("Resuming: %d answer(s) already given.\n", n);
  int x = 0;
  for (;;) {
    const mj_interview_item *it;
    mj_interview_next(iv, &it);
    if (!it) {
      const char *id = NULL;
      rc = mj_interview_finish(iv, &id);
      if (rc == MJ_OK) {
        printf("\nThank you. Response %s stored.\n", id);
        break;
      }
      printf("  ! %s\n", mj_errmsg(e));
      if (rc != MJ_EVALIDATE) {
        x = 3;
        break;
      }
      continue;
    }
    show(it);
    printf("> ");
    if (!read_line(line, sizeof line)) {
      int intr = errno == EINTR;
      mj_interview_save(iv);
      printf("\n%s: the answers so far are saved in %s.\nRun the same "
             "command again to resume.\n",
             intr ? "Interrupted" : "Stopped", mj_interview_draft(iv));
      x = 1;
      break;
    }
    if (!strcmp(line, "q") || !strcmp(line, "Q")) {
      mj_interview_save(iv);
      printf("Stopped: the answers so far are saved in %s.\nRun the same "
             "command again to resume.\n",
             mj_interview_draft(iv));
      x = 1;
      break;
    }
    if (!strcmp(line, "<")) {
      mj_interview_back(iv);
      continue;
    }
    if (mj_interview_answer(iv, line) != MJ_OK)
      printf("  ! %s; please answer again.\n", mj_errmsg(e));
  }
  fflush(stdout);
  sigaction(SIGINT, &old, NULL);
  mj_interview_free(iv);
  return x;
}
