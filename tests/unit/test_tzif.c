/*
** TZif reader: every transition zdump prints for a few zones, 1970 to
** 2060 (past the files' last transition, so the footer rule is read too),
** agrees with mj__tz_offset; local times in a gap and in an overlap.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"

static int64_t utc(int y, unsigned mo, unsigned d, int h, int mi, int s)
{
  return mj__days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/*
** "Europe/Madrid  Sun Mar 29 00:59:59 2026 UT = ... gmtoff=3600": the
** instant and the offset, or 0 for zdump's other lines.
*/
static int zdump_line(const char *line, int64_t *t, long *off)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char mon[4];
  int d, h, mi, s, y;
  const char *p = strchr(line, ' ');
  const char *g = strstr(line, "gmtoff=");
  if (!p || !g || sscanf(p, " %*3s %3s %d %d:%d:%d %d UT", mon, &d, &h, &mi,
                         &s, &y) != 6)
    return 0;
  const char *m = strstr(months, mon);
  if (!m)
    return 0;
  *t = utc(y, (unsigned)((m - months) / 3 + 1), (unsigned)d, h, mi, s);
  *off = strtol(g + 7, NULL, 10);
  return 1;
}

static void against_zdump(const char *zone)
{
  mj_tz *z = NULL;
  char why[256];
  if (mj__tz_open(NULL, zone, &z, why, sizeof why) != MJ_OK) {
    ok(0, "%s: %s", zone, why);
    return;
  }
  char cmd[128];
  snprintf(cmd, sizeof cmd, "zdump -v -c 1970,2060 %s 2>/dev/null", zone);
  FILE *f = popen(cmd, "r");
  char line[512];
  int lines = 0, bad = 0;
  while (f && fgets(line, sizeof line, f)) {
    int64_t t;
    long off;
    if (!zdump_line(line, &t, &off))
      continue;
    lines++;
    if (mj__tz_offset(z, t) != off && bad++ < 3)
      diag("%s at %lld: zdump %ld, mj__tz_offset %ld", zone, (long long)t,
           off, (long)mj__tz_offset(z, t));
  }
  int status = f ? pclose(f) : -1;
  if (status != 0 || lines == 0)
    ok(1, "%s agrees with zdump # SKIP no zdump", zone);
  else
    ok(bad == 0, "%s: %d instants either side of each change agree with "
       "zdump", zone, lines);
  mj__tz_free(z);
}

int main(void)
{
  plan(13);
  against_zdump("Europe/Madrid");
  against_zdump("America/New_York");
  against_zdump("Australia/Sydney"); /* summer time across the new year */
  against_zdump("Europe/Dublin");    /* winter time is the "daylight" one */
  against_zdump("America/Sao_Paulo"); /* summer time abolished in 2019 */

  mj_tz *z = NULL;
  char why[256];
  is_int(MJ_OK, mj__tz_open(NULL, "Europe/Madrid", &z, why, sizeof why),
         "Europe/Madrid opens");
  /* 2026-03-29: at 02:00 the clocks went to 03:00. */
  is_int(utc(2026, 3, 29, 6, 0, 0),
         mj__tz_utc(z, utc(2026, 3, 29, 8, 0, 0)),
         "08:00 on the spring-forward day is 06:00 UTC");
  is_int(utc(2026, 3, 28, 7, 0, 0),
         mj__tz_utc(z, utc(2026, 3, 28, 8, 0, 0)),
         "08:00 the day before is 07:00 UTC");
  is_int(utc(2026, 3, 29, 1, 0, 0),
         mj__tz_utc(z, utc(2026, 3, 29, 2, 30, 0)),
         "02:30, skipped that night, is when the clocks jumped");
  /* 2026-10-25: at 03:00 the clocks went back to 02:00. */
  is_int(utc(2026, 10, 25, 0, 30, 0),
         mj__tz_utc(z, utc(2026, 10, 25, 2, 30, 0)),
         "02:30, twice that night, is the first one");
  mj__tz_free(z);

  is_int(MJ_EINVAL, mj__tz_open(NULL, "../../etc/passwd", &z, why,
                                sizeof why),
         "a name that climbs out of the zone folder is refused");
  is_int(MJ_ENOTFOUND, mj__tz_open(NULL, "Europe/Atlantis", &z, why,
                                   sizeof why),
         "an unknown zone is not found");
  contains(why, "Europe/Atlantis", "the message names it");
  return tap_done();
}
