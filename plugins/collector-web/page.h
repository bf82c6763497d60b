/*
** The web collector's pages: HTML built from an mj_form, each text
** escaped for where it goes, in the respondent's language.
*/
#ifndef MJ_WEB_PAGE_H
#define MJ_WEB_PAGE_H

#include <stddef.h>

#include "mejora/plugin.h"

/* A growing text; ok turns 0 at the first allocation that fails. */
typedef struct buf {
  char *s;
  size_t len, cap;
  int ok;
} buf;

void web_put(buf *b, const char *s, size_t n);
void web_puts(buf *b, const char *s);
void web_printf(buf *b, const char *fmt, ...) MJ__PRINTF(2, 3);
/* s escaped for HTML text and quoted attribute values alike. */
void web_html(buf *b, const char *s);
/* s as a JSON string, quotes included; <, > and & as \u escapes. */
void web_json(buf *b, const char *s);

/* The interface's own words, by language (English when it has none). */
typedef enum web_word {
  W_VOLUNTARY,
  W_MINUTES,
  W_REQUIRED,
  W_SEND,
  W_PROBLEM,
  W_NA,
  W_OTHER,
  W_YES,
  W_NO,
  W_COND,
  W_THANKS,
  W_USED,
  W_EXPIRED,
  W_NOTFOUND,
  W_FORBIDDEN,
  W_TOOLARGE,
  W_TOOMANY,
  W_ERROR,
  W_SURVEY,
  W_CHOOSE,
  W_UNSUB,       /* an unsubscribe link's heading and button */
  W_UNSUB_ASK,
  W_UNSUB_DONE,
  N_WORDS
} web_word;
const char *web_word_in(const char *lang, web_word w);

/* The whole form page: action is where it posts (and action + "/check"
** where the script checks), csrf the session's token, rid the response
** id to post back (an anonymous link's) or NULL, errors whether to show
** the summary of the questions' errors. */
void web_form_page(buf *b, const mj_form *f, const char *action,
                   const char *csrf, const char *rid, int errors);
/* A short page in lang: a heading and a sentence (a refusal, thanks). */
void web_note_page(buf *b, const char *lang, web_word title, web_word text,
                   const char *draft);
/* The unsubscribe link's page: a question and a button that posts csrf
** to action. */
void web_unsub_page(buf *b, const char *lang, const char *action,
                    const char *csrf);
/* What the script gets from a check: {"asked":{..},"errors":{..}}. */
void web_check_json(buf *b, const mj_form *f);

/* The static files, by name ("form.css", "form.js"), or NULL. */
const char *web_static(const char *name, const char **type);

#endif
