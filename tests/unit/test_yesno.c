/*
** Yes and no: the words of each language in any case, blanks, rejects.
*/
#include <string.h>

#include "yesno.h"
#include "tap.h"

static int yn(const char *s)
{
  return mj__yesno(s, strlen(s));
}

int main(void)
{
  static const char *const yes[] = {"yes",  "YES", "Yes", "y",   "Y",  "true",
                                    "TRUE", "1",   "sí",  "SÍ",  "Sí", "si",
                                    "SI",   "s",   "sim", "Sim", "да", "Да",
                                    "ДА",   "tak", "Tak"};
  static const char *const no[] = {"no",    "NO",  "No",  "n",   "N",   "false",
                                   "False", "0",   "não", "NÃO", "Não", "nao",
                                   "NAO",   "нет", "Нет", "НЕТ", "nie", "NIE"};
  static const char *const bad[] = {
      "",   " ",   "maybe", "yes ", " no",   "ye",       "yess", "2",
      "-1", "oui", "nein",  "sí!",  "s\xc3", "\xc3\xad", "НЕ",   "ja"};
  size_t ny = sizeof yes / sizeof *yes, nn = sizeof no / sizeof *no,
         nb = sizeof bad / sizeof *bad;
  plan((int)(ny + nn + nb + 3));
  for (size_t i = 0; i < ny; i++)
    is_int(1, yn(yes[i]), "'%s' is yes", yes[i]);
  for (size_t i = 0; i < nn; i++)
    is_int(0, yn(no[i]), "'%s' is no", no[i]);
  for (size_t i = 0; i < nb; i++)
    is_int(-1, yn(bad[i]), "'%s' is neither", bad[i]);
  is_int(-1, mj__yesno(NULL, 0), "no text is neither");
  is_int(1, mj__yesno("yes, please", 3), "only the n bytes given count");
  is_int(-1, mj__yesno("no\0", 3), "a NUL byte is part of the text");
  return tap_done();
}
