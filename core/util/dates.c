/*
** Dates and times as people write them in data files and playbooks.
*/
#include <stdint.h>
#include <time.h>

#include "util.h"

int64_t mj__days_from_civil(int64_t y, unsigned m, unsigned d)
{
  /* Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar. */
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n, int *v)
{
  *v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (**p < '0' || **p > '9')
      return 0;
    *v = *v * 10 + (**p - '0');
  }
  return 1;
}

/* A time without an offset is taken as UTC, the store's clock. */
int mj__parse_time(const char *s, int64_t *out)
{
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, mo, d, h = 0, mi = 0, sec = 0;
  while (*s == ' ')
    s++;
  if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' ||
      !digits(&s, 2, &d))
    return 0;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
    return 0;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap)
    return 0;
  int64_t offset = 0;
  if (*s == 'T' || (*s == ' ' && s[1] >= '0' && s[1] <= '9')) {
    s++;
    if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
      return 0;
    if (*s == ':') {
      s++;
      if (!digits(&s, 2, &sec))
        return 0;
      if (*s == '.' || *s == ',') /* fractions of a second: dropped */
        for (s++; *s >= '0' && *s <= '9'; s++)
          ;
    }
    if (h > 23 || mi > 59 || sec > 60)
      return 0;
    if (*s == 'Z') {
      s++;
    } else if (*s == '+' || *s == '-') {
      int sign = *s++ == '-' ? -1 : 1, oh, om = 0;
      if (!digits(&s, 2, &oh))
        return 0;
      if (*s == ':')
        s++;
      if (*s >= '0' && *s <= '9' && !digits(&s, 2, &om))
        return 0;
      if (oh > 23 || om > 59)
        return 0;
      offset = sign * (oh * 3600 + om * 60);
    }
  }
  while (*s == ' ')
    s++;
  if (*s)
    return 0;
  *out = mj__days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
         mi * 60 + sec - offset;
  return 1;
}

void mj__utc_month(int64_t t, char *buf, size_t n)
{
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, n, "%Y-%m", &tm);
}

int mj_time_parse(const char *text, int64_t *out)
{
  return text && out && mj__parse_time(text, out) ? MJ_OK : MJ_EINVAL;
}
