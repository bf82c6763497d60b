/*
** mejora interview: the terminal side of an interview. The library asks
** and validates (mj_interview_*); this file prints and reads lines.
**
** Commands start with ':' (":q" stops, ":b" goes back) so that no answer
** is ever taken for one: a text answer "q" is an answer. An answer that
** itself starts with ':' is typed with two (":: )" gives ": )").
**
** On a terminal, answers are typed in libedit's line editor (emacs keys,
** or the user's ~/.editrc): the arrow keys, Home, End and Backspace edit
** the answer instead of becoming part of it. Anywhere else (a pipe or a
** file, as scripts drive it) lines are read as they come.
**
** Stopping is the operator's choice, not a mistake: :q and the end of
** input exit 0, the answers kept for the same command to resume; Ctrl-C
** keeps them too and exits 130, as the shell reports an interrupt.
*/
#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
** Ctrl-C must interrupt the read in progress, so the handler is installed
** without SA_RESTART; it does nothing else, the failed read says it all.
*/
static void on_sigint(int sig)
{
  (void)sig;
}

/* The line editor of one interview; el is NULL off a terminal. */
typedef struct {
  EditLine *el;
  const char *prompt; /* what the next read shows */
  char *ctype;        /* LC_CTYPE to restore at the end, or NULL */
} editor;

static char *editor_prompt(EditLine *el)
{
  editor *ed = NULL;
  el_get(el, EL_CLIENTDATA, &ed);
  return (char *)ed->prompt;
}

/*
** Editing needs a terminal on both sides: the editor redraws the line on
** standard output, which would fill a file with escape sequences. It
** decodes what is typed in the user's character set (LC_CTYPE), so an
** accented answer is one character to move over, not two bytes.
** Ctrl-C reaches on_sigint as before: libedit installs no handler of
** its own (no EL_SIGNAL), and its read ends with EINTR.
*/
static void editor_open(editor *ed)
{
  memset(ed, 0, sizeof *ed);
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
    return;
  const char *cur = setlocale(LC_CTYPE, NULL);
  ed->ctype = cur ? strdup(cur) : NULL;
  setlocale(LC_CTYPE, "");
  ed->el = el_init("mejora", stdin, stdout, stderr);
  if (!ed->el)
    return;
  el_set(ed->el, EL_CLIENTDATA, ed);
  el_set(ed->el, EL_PROMPT, editor_prompt);
  el_set(ed->el, EL_EDITOR, "emacs");
  el_source(ed->el, NULL);
}

static void editor_close(editor *ed)
{
  if (ed->el)
    el_end(ed->el);
  if (ed->ctype)
    setlocale(LC_CTYPE, ed->ctype);
  free(ed->ctype);
  memset(ed, 0, sizeof *ed);
}

/*
** Shows prompt and reads a line without its newline: 1, or 0 at end of
** input or on Ctrl-C (then errno is EINTR). A longer line is cut at n-1.
*/
static int read_line(editor *ed, const char *prompt, char *buf, size_t n)
{
  errno = 0;
  if (!ed->el) {
    fputs(prompt, stdout);
    fflush(stdout);
    if (!fgets(buf, (int)n, stdin))
      return 0;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 1;
  }
  fflush(stdout);
  ed->prompt = prompt;
  int len = 0;
  const char *s = el_gets(ed->el, &len);
  if (!s || len <= 0)
    return 0;
  size_t k = strcspn(s, "\r\n");
  if (k >= n)
    k = n - 1;
  memcpy(buf, s, k);
  buf[k] = '\0';
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
  printf("  (%s; :b to go back, :q to stop)\n", it->hint);
}

int cli_interview(mj_engine *e, const char *questionnaire, const char *customer)
{
  char line[4096];
  editor ed;
  editor_open(&ed);
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  mj_interview *iv = NULL;
  int x = 0;
  if (!customer && !read_line(&ed, "Customer id: ", line, sizeof line)) {
    /* Nothing asked yet, so nothing to keep. */
    x = errno == EINTR ? CLI_EXIT_INTERRUPT : 0;
    printf("\n%s before the first question.\n",
           x ? "Interrupted" : "Stopped");
    goto done;
  }
  if (!customer)
    customer = line;
  int rc = mj_interview_open(e, questionnaire, customer, &iv);
  if (rc != MJ_OK) {
    fprintf(stderr, "mejora: %s\n", mj_errmsg(e));
    x = cli_exit_code(rc);
    goto done;
  }

  int n = mj_interview_resumed(iv);
  printf("Interview: questionnaire \"%s\", customer %s, language %s\n",
         questionnaire, customer, mj_interview_lang(iv));
  if (n)
    printf("Resuming: %d answer(s) already given.\n", n);
  printf("Type :q to stop (the answers are kept; the same command resumes), "
         ":b to go back, :: to start an answer with ':'.\n");
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
        x = cli_exit_code(rc);
        break;
      }
      continue;
    }
    show(it);
    if (!read_line(&ed, "> ", line, sizeof line)) {
      int intr = errno == EINTR;
      mj_interview_save(iv);
      printf("\n%s: the answers so far are saved in %s.\nRun the same "
             "command again to resume.\n",
             intr ? "Interrupted" : "Stopped", mj_interview_draft(iv));
      x = intr ? CLI_EXIT_INTERRUPT : 0;
      break;
    }
    const char *answer = line;
    if (line[0] == ':' && line[1] == ':') {
      answer = line + 1;
    } else if (line[0] == ':') {
      const char *cmd = line + 1;
      if (!strcmp(cmd, "q") || !strcmp(cmd, "Q") || !strcmp(cmd, "quit")) {
        mj_interview_save(iv);
        printf("Stopped: the answers so far are saved in %s.\nRun the same "
               "command again to resume.\n",
               mj_interview_draft(iv));
        break;
      }
      if (!strcmp(cmd, "b") || !strcmp(cmd, "B") || !strcmp(cmd, "back") ||
          !strcmp(cmd, "<")) {
        mj_interview_back(iv);
        continue;
      }
      printf("  ! unknown command '%s': :q stops, :b goes back, :: starts "
             "an answer with ':'.\n",
             line);
      continue;
    }
    if (mj_interview_answer(iv, answer) != MJ_OK) {
      /* Old habits: a bare q or < that is not a valid answer. */
      int habit = !strcmp(line, "q") || !strcmp(line, "Q") ||
                  !strcmp(line, "<");
      printf("  ! %s; please answer again%s.\n", mj_errmsg(e),
             habit ? " (to stop type :q, to go back :b)" : "");
    }
  }
done:
  fflush(stdout);
  sigaction(SIGINT, &old, NULL);
  editor_close(&ed);
  mj_interview_free(iv);
  return x;
}
