/*
** Writing CSV: one field as RFC 4180 wants it, for exports, rejects files
** and invitation lists alike, so every file we write reads back the same
** in a spreadsheet and in our own import, and no text in it runs there
** as a formula.
*/
#include <stdio.h>
#include <string.h>

#include "util.h"

/* s as one field after prefix (which needs no quoting of its own). */
static void field(FILE *f, const char *prefix, const char *s, int last)
{
  /* Quoted when it holds a separator, quote or line break, and when it
  ** starts or ends with a space (spreadsheets would trim it). */
  if (s[strcspn(s, ",\"\r\n")] == '\0' && (prefix[0] || s[0] != ' ') &&
      (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
    fputs(prefix, f);
    fputs(s, f);
  } else {
    fputc('"', f);
    fputs(prefix, f);
    for (; *s; s++) {
      if (*s == '"')
        fputc('"', f);
      fputc(*s, f);
    }
    fputc('"', f);
  }
  fputs(last ? "\r\n" : ",", f);
}

void mj__csv_field(FILE *f, const char *s, int last)
{
  field(f, "", s, last);
}

/* A character that makes a spreadsheet read the cell as a formula. */
static int formula_start(char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
         c == '\r';
}

/*
** A plain decimal number ("-1", "+2.5", "-3e-2"): a spreadsheet reads it
** as that number, never as a formula, so it is written as it is.
*/
static int plain_number(const char *s)
{
  const char *p = s + (*s == '+' || *s == '-');
  size_t digits = strspn(p, "0123456789");
  p += digits;
  if (*p == '.') {
    size_t frac = strspn(p + 1, "0123456789");
    digits += frac;
    p += 1 + frac;
  }
  if (digits && (*p == 'e' || *p == 'E')) {
    const char *x = p + 1 + (p[1] == '+' || p[1] == '-');
    size_t exp = strspn(x, "0123456789");
    if (exp)
      p = x + exp;
  }
  return digits && *p == '\0';
}

size_t mj__csv_mark_len(const char *s)
{
  /* Every cell of an import asks: most start otherwise, and strspn's
  ** set matching was a tenth of an import's reading thread. */
  if (*s != '\'')
    return 0;
  size_t quotes = strspn(s, "'");
  return quotes && formula_start(s[quotes]) ? 1 : 0;
}

void mj__csv_cell(FILE *f, const char *s, int last)
{
  /* Apostrophes already before a formula character get one more, so
  ** that taking one off on import (mj__csv_mark_len) is always right. */
  size_t quotes = strspn(s, "'");
  int mark = formula_start(s[quotes]) && (quotes > 0 || !plain_number(s));
  field(f, mark ? "'" : "", s, last);
}
