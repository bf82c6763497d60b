/*
** Writing CSV: one field as RFC 4180 wants it, for exports, rejects files
** and invitation lists alike, so every file we write reads back the same
** in a spreadsheet and in our own import.
*/
#include <stdio.h>
#include <string.h>

#include "engine.h"

void mj__csv_field(FILE *f, const char *s, int last)
{
  /* Quoted when it holds a separator, quote or line break, and when it
  ** starts or ends with a space (spreadsheets would trim it). */
  if (s[strcspn(s, ",\"\r\n")] == '\0' && s[0] != ' ' &&
      (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
    fputs(s, f);
  } else {
    fputc('"', f);
    for (; *s; s++) {
      if (*s == '"')
        fputc('"', f);
      fputc(*s, f);
    }
    fputc('"', f);
  }
  fputs(last ? "\r\n" : ",", f);
}
