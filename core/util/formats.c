/*
** The output formats of each command that writes one, checked in one
** place by the library's functions and by the command line.
*/
#include <stdio.h>
#include <string.h>

#include "mejora.h"

static const struct {
  const char *command;
  const char *formats[6]; /* ends with NULL */
} commands[] = {
    {"report", {"text", "json", "md", "html", NULL}},
    {"plans", {"text", "json", NULL}},
    {"complaints", {"text", "json", NULL}},
    {"audits", {"text", "json", NULL}},
    {"sample", {"text", "json", NULL}},
    {"invitations", {"text", "csv", "json", NULL}},
    {"export", {"csv", "json", "xlsx", "sav", NULL}},
    {"outbox", {"text", "json", NULL}},
    {"cases", {"text", "json", NULL}},
};

int mj_format_check(const char *command, const char *format, char *why,
                    size_t whylen)
{
  size_t c = 0, n = sizeof commands / sizeof *commands;
  while (c < n && (!command || strcmp(commands[c].command, command) != 0))
    c++;
  if (c == n) {
    if (why && whylen)
      snprintf(why, whylen, "no command '%s' writes output",
               command ? command : "");
    return MJ_EINVAL;
  }
  const char *const *f = commands[c].formats;
  size_t k = 0;
  while (f[k] && (!format || strcmp(f[k], format) != 0))
    k++;
  if (f[k])
    return MJ_OK;
  if (why && whylen) {
    /* "unknown format 'xml' (use text, csv or json)" */
    int at = snprintf(why, whylen, "unknown format '%s' (use %s",
                      format ? format : "", f[0]);
    for (size_t i = 1; f[i] && at >= 0 && (size_t)at < whylen; i++)
      at += snprintf(why + at, whylen - (size_t)at, "%s%s",
                     f[i + 1] ? ", " : " or ", f[i]);
    if (at >= 0 && (size_t)at < whylen)
      snprintf(why + at, whylen - (size_t)at, ")");
  }
  return MJ_EINVAL;
}
