/*
** Yes and no as people write them, in every place that reads a flag.
*/
#include <stddef.h>
#include <string.h>

#include "yesno.h"

/*
** The next character of s[*i..n) in lower case, as a code point: the
** ASCII letters, the Latin-1 letters (Í, Ã) and the Russian alphabet
** (Д, Н) are folded; any other byte of a multi-byte sequence stands for
** itself, apart from every code point.
*/
static unsigned next_lower(const unsigned char *s, size_t n, size_t *i)
{
  unsigned c = s[*i];
  if (c >= 'A' && c <= 'Z') {
    (*i)++;
    return c + 32;
  }
  if (c >= 0xc2 && c <= 0xd1 && *i + 1 < n && (s[*i + 1] & 0xc0) == 0x80) {
    unsigned cp = (c & 0x1fu) << 6 | (s[*i + 1] & 0x3fu);
    *i += 2;
    if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
        (cp >= 0x410 && cp <= 0x42f))
      return cp + 32;
    if (cp >= 0x400 && cp <= 0x40f)
      return cp + 80;
    return cp;
  }
  (*i)++;
  return c < 0x80 ? c : 0x110000u + c;
}

static int same_word(const char *s, size_t n, const char *word)
{
  const unsigned char *a = (const unsigned char *)s;
  const unsigned char *b = (const unsigned char *)word;
  size_t wn = strlen(word), i = 0, j = 0;
  while (i < n && j < wn)
    if (next_lower(a, n, &i) != next_lower(b, wn, &j))
      return 0;
  return i == n && j == wn;
}

int mj__yesno(const char *s, size_t n)
{
  static const char *const yes[] = {"yes", "y",   "true", "1",   "sí", "si",
                                    "s",   "sim", "да",   "tak", NULL};
  static const char *const no[] = {"no",  "n",   "false", "0", "não",
                                   "nao", "нет", "nie",   NULL};
  if (!s)
    return -1;
  for (size_t i = 0; yes[i]; i++)
    if (same_word(s, n, yes[i]))
      return 1;
  for (size_t i = 0; no[i]; i++)
    if (same_word(s, n, no[i]))
      return 0;
  return -1;
}
