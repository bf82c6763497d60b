/*
** Text encodings a data file may be saved in by mistake: the readers
** (the csv collector, the JSON import) expect UTF-8 and name the one
** they met instead of failing on its first byte.
*/
#ifndef MJ_ENCODING_H
#define MJ_ENCODING_H

#include <stddef.h>
#include <string.h>

/*
** The name of the wide Unicode encoding that s[0..n), a file's first
** bytes, is written in ("UTF-16 (little-endian)", ...), or NULL for
** anything else. A byte order mark says so; without one, UTF-16 shows as
** a NUL in every other byte, since headers and ids are mostly ASCII: at
** least half of the first pairs have a NUL on one side and none on the
** other. Every NUL in a UTF-8 file is still refused, cell by cell.
*/
static inline const char *mj_wide_encoding(const unsigned char *s, size_t n)
{
  if (n >= 4 && memcmp(s, "\xFF\xFE\0\0", 4) == 0)
    return "UTF-32 (little-endian)";
  if (n >= 4 && memcmp(s, "\0\0\xFE\xFF", 4) == 0)
    return "UTF-32 (big-endian)";
  if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
    return "UTF-16 (little-endian)";
  if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
    return "UTF-16 (big-endian)";
  size_t pairs = (n < 512 ? n : 512) / 2, lo = 0, hi = 0;
  for (size_t i = 0; i < pairs; i++) {
    lo += s[2 * i] == 0;
    hi += s[2 * i + 1] == 0;
  }
  if (pairs >= 2 && lo == 0 && 2 * hi >= pairs)
    return "UTF-16 (little-endian)";
  if (pairs >= 2 && hi == 0 && 2 * lo >= pairs)
    return "UTF-16 (big-endian)";
  return NULL;
}

#endif
