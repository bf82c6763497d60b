/*
** Time zones read from the system's TZif files (RFC 8536).
**
** The C library converts local times only through the process's one time
** zone (setenv("TZ") then tzset()), global state a library must not touch
** while its host, or another thread, is using it. The zone files are small
** and their format is stable, so each zone is read here into its own
** object: the 64-bit data of version 2 and later (version 1 files, 32-bit
** only, are read too) and, for times after the last transition, the
** POSIX TZ string of the footer ("CET-1CEST,M3.5.0,M10.5.0/3"). Leap
** seconds ("right/" zones) are not applied: mejora's clock is POSIX time.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Larger than any real zone file (the largest is some 3 kB). */
#define TZIF_MAX (256 * 1024)

/* One rule date of a POSIX TZ string: Jn, n or Mm.w.d, and a time. */
typedef struct tz_rule_day {
  char form;      /* 'J' (1..365, no Feb 29), 'N' (0..365) or 'M' */
  int n, m, w, d;
  int32_t time;   /* seconds after local midnight, may be negative */
} tz_rule_day;

struct mj_tz {
  size_t n_trans, n_types;
  int64_t *trans;     /* transition times, ascending */
  unsigned char *idx; /* the type in force from each transition */
  int32_t *utoff;     /* each type's offset from UTC */
  /* The footer rule, when there is one. */
  int has_rule, has_dst;
  int32_t std_off, dst_off;  /* offsets from UTC (east positive) */
  tz_rule_day start, end;
};

static int64_t be(const unsigned char *p, int n)
{
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v = v << 8 | p[i];
  if (n == 4)
    return (int32_t)(uint32_t)v;
  return (int64_t)v;
}

/* ---- the POSIX TZ string ---------------------------------------------- */

/* A zone abbreviation: letters, or <...> with signs and digits. */
static const char *tz_name(const char *s)
{
  if (*s == '<') {
    const char *e = strchr(s, '>');
    return e && e - s >= 4 ? e + 1 : NULL;
  }
  const char *p = s;
  while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
    p++;
  return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 extends POSIX's 24). */
static const char *tz_hms(const char *s, int32_t *out)
{
  int sign = 1;
  if (*s == '+' || *s == '-')
    sign = *s++ == '-' ? -1 : 1;
  int32_t part[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) {
    if (i && *s != ':')
      break;
    if (i)
      s++;
    if (*s < '0' || *s > '9')
      return NULL;
    int32_t v = 0;
    while (*s >= '0' && *s <= '9' && v < 1000)
      v = v * 10 + (*s++ - '0');
    part[i] = v;
  }
  if (part[0] > 167 || part[1] > 59 || part[2] > 59)
    return NULL;
  *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
  return s;
}

static const char *tz_int(const char *s, int *out, int lo, int hi)
{
  if (*s < '0' || *s > '9')
    return NULL;
  int v = 0;
  while (*s >= '0' && *s <= '9' && v <= hi)
    v = v * 10 + (*s++ - '0');
  if (v < lo || v > hi)
    return NULL;
  *out = v;
  return s;
}

static const char *tz_day(const char *s, tz_rule_day *r)
{
  if (*s == 'J') {
    r->form = 'J';
    s = tz_int(s + 1, &r->n, 1, 365);
  } else if (*s == 'M') {
    r->form = 'M';
    s = tz_int(s + 1, &r->m, 1, 12);
    s = s && *s == '.' ? tz_int(s + 1, &r->w, 1, 5) : NULL;
    s = s && *s == '.' ? tz_int(s + 1, &r->d, 0, 6) : NULL;
  } else {
    r->form = 'N';
    s = tz_int(s, &r->n, 0, 365);
  }
  r->time = 2 * 3600;
  if (s && *s == '/')
    s = tz_hms(s + 1, &r->time);
  return s;
}

/* "STDoff[DST[off][,start[/time],end[/time]]]"; 1 when understood. */
static int tz_rule(mj_tz *z, const char *s)
{
  int32_t off;
  if (!(s = tz_name(s)) || !(s = tz_hms(s, &off)))
    return 0;
  z->std_off = -off; /* POSIX counts west of Greenwich positive */
  z->has_rule = 1;
  if (!*s)
    return 1;
  if (!(s = tz_name(s)))
    return 0;
  z->dst_off = z->std_off + 3600;
  if (*s && *s != ',') {
    if (!(s = tz_hms(s, &off)))
      return 0;
    z->dst_off = -off;
  }
  /* A zone with DST and no rule: POSIX leaves the dates to the system;
  ** the United States' rules, as glibc assumes. */
  if (!*s)
    s = ",M3.2.0,M11.1.0";
  if (*s != ',' || !(s = tz_day(s + 1, &z->start)) || *s != ',' ||
      !(s = tz_day(s + 1, &z->end)) || *s)
    return 0;
  z->has_dst = 1;
  return 1;
}

static int is_leap(int64_t y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The local midnight (days since the epoch) of rule day r in year y. */
static int64_t rule_days(int64_t y, const tz_rule_day *r)
{
  int64_t jan1 = mj__days_from_civil(y, 1, 1);
  if (r->form == 'J')
    return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
  if (r->form == 'N')
    return jan1 + r->n;
  int64_t first = mj__days_from_civil(y, (unsigned)r->m, 1);
  int64_t next = r->m == 12 ? mj__days_from_civil(y + 1, 1, 1)
                            : mj__days_from_civil(y, (unsigned)r->m + 1, 1);
  int64_t wd = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
  int64_t day = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
  while (day >= next)
    day -= 7;
  return day;
}

static int64_t floor_div(int64_t a, int64_t b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int32_t rule_offset(const mj_tz *z, int64_t t)
{
  if (!z->has_dst)
    return z->std_off;
  /* The year by standard time; a year's two changes are computed in it. */
  int64_t days = floor_div(t + z->std_off, 86400);
  int64_t y = 1970 + floor_div(days * 400, 146097);
  while (mj__days_from_civil(y + 1, 1, 1) <= days)
    y++;
  while (mj__days_from_civil(y, 1, 1) > days)
    y--;
  /* Start is written in standard time, end in daylight time. */
  int64_t on = rule_days(y, &z->start) * 86400 + z->start.time - z->std_off;
  int64_t off = rule_days(y, &z->end) * 86400 + z->end.time - z->dst_off;
  int dst = on < off ? t >= on && t < off : !(t >= off && t < on);
  return dst ? z->dst_off : z->std_off;
}

/* ---- the file ------------------------------------------------------------ */

static int parse(mj_tz *z, const unsigned char *p, size_t n, char *why,
                 size_t wn)
{
  if (n < 44 || memcmp(p, "TZif", 4) != 0) {
    snprintf(why, wn, "not a TZif file");
    return MJ_EINVAL;
  }
  int version = p[4] ? p[4] - '0' : 1;
  size_t pos = 0;
  int tsize = 4;
  for (int pass = 0; pass < 2; pass++) {
    if (pos + 44 > n)
      break;
    const unsigned char *h = p + pos + 20;
    size_t isut = (size_t)be(h, 4), isstd = (size_t)be(h + 4, 4),
           leap = (size_t)be(h + 8, 4), timecnt = (size_t)be(h + 12, 4),
           typecnt = (size_t)be(h + 16, 4), charcnt = (size_t)be(h + 20, 4);
    if (timecnt > 100000 || typecnt == 0 || typecnt > 256 ||
        charcnt > 100000 || leap > 100000 || isut > 256 || isstd > 256)
      break;
    size_t body = timecnt * (size_t)tsize + timecnt + typecnt * 6 + charcnt +
                  leap * (size_t)(tsize + 4) + isstd + isut;
    const unsigned char *d = p + pos + 44;
    if (pos + 44 + body > n)
      break;
    if (pass == 1 || version < 2) {
      z->trans = malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
      z->idx = malloc(timecnt ? timecnt : 1);
      z->utoff = malloc(typecnt * sizeof *z->utoff);
      if (!z->trans || !z->idx || !z->utoff) {
        snprintf(why, wn, "out of memory");
        return MJ_ENOMEM;
      }
      for (size_t i = 0; i < timecnt; i++)
        z->trans[i] = be(d + i * (size_t)tsize, tsize);
      const unsigned char *ix = d + timecnt * (size_t)tsize;
      for (size_t i = 0; i < timecnt; i++) {
        if (ix[i] >= typecnt)
          goto bad;
        z->idx[i] = ix[i];
      }
      const unsigned char *ty = ix + timecnt;
      for (size_t i = 0; i < typecnt; i++)
        z->utoff[i] = (int32_t)be(ty + i * 6, 4);
      z->n_trans = timecnt;
      z->n_types = typecnt;
      const unsigned char *foot = d + body;
      const unsigned char *end = p + n;
      if (pass == 1 && foot < end && *foot == '\n') {
        const unsigned char *nl =
            memchr(foot + 1, '\n', (size_t)(end - foot - 1));
        char rule[128];
        size_t len = nl ? (size_t)(nl - foot - 1) : 0;
        if (nl && len > 0 && len < sizeof rule) {
          memcpy(rule, foot + 1, len);
          rule[len] = '\0';
          if (!tz_rule(z, rule)) {
            snprintf(why, wn, "a TZ rule it does not understand, \"%s\"",
                     rule);
            return MJ_EINVAL;
          }
        }
      }
      return MJ_OK;
    }
    pos += 44 + body;
    tsize = 8;
  }
bad:
  snprintf(why, wn, "a damaged TZif file");
  return MJ_EINVAL;
}

/* An IANA name: letters, digits, '_', '-', '+', '/' between parts, and
** nothing that climbs out of the folder. */
static int zone_name_ok(const char *name)
{
  if (!name || !*name || *name == '/' || strlen(name) > 200)
    return 0;
  for (const char *p = name; *p; p++) {
    char ch = *p;
    int okch = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
               ch == '+' || ch == '/' || ch == '.';
    if (!okch || (ch == '.' && (p == name || p[-1] == '/')) ||
        (ch == '/' && p[1] == '/'))
      return 0;
  }
  return name[strlen(name) - 1] != '/';
}

int mj__tz_open(const char *dir, const char *name, mj_tz **out, char *why,
                size_t wn)
{
  *out = NULL;
  why[0] = '\0';
  if (!zone_name_ok(name)) {
    snprintf(why, wn, "\"%s\" is not a time zone name (write an IANA name "
             "such as \"Europe/Madrid\")", name ? name : "");
    return MJ_EINVAL;
  }
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir ? dir : MJ_ZONEINFO_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    int missing = errno == ENOENT || errno == ENOTDIR || errno == EISDIR;
    snprintf(why, wn, "no time zone \"%s\" in %s%s", name,
             dir ? dir : MJ_ZONEINFO_DIR,
             missing ? " (an IANA name such as \"Europe/Madrid\"; is the "
                       "tzdata package installed?)"
                     : "");
    return missing ? MJ_ENOTFOUND : MJ_EIO;
  }
  unsigned char *buf = malloc(TZIF_MAX);
  size_t n = buf ? fread(buf, 1, TZIF_MAX, f) : 0;
  int rerr = ferror(f);
  fclose(f);
  if (!buf) {
    snprintf(why, wn, "out of memory");
    return MJ_ENOMEM;
  }
  mj_tz *z = calloc(1, sizeof *z);
  int rc = !z ? MJ_ENOMEM : MJ_OK;
  if (rc == MJ_OK && rerr) {
    snprintf(why, wn, "cannot read time zone \"%s\"", name);
    rc = MJ_EIO;
  }
  if (rc == MJ_OK)
    rc = parse(z, buf, n, why, wn);
  free(buf);
  if (rc == MJ_EINVAL && why[0])
    snprintf(why + strlen(why), wn - strlen(why), " for time zone \"%s\"",
             name);
  if (rc == MJ_EINVAL && !why[0])
    snprintf(why, wn, "time zone \"%s\" is not a TZif file", name);
  if (rc != MJ_OK) {
    mj__tz_free(z);
    return rc;
  }
  *out = z;
  return MJ_OK;
}

void mj__tz_free(mj_tz *z)
{
  if (!z)
    return;
  free(z->trans);
  free(z->idx);
  free(z->utoff);
  free(z);
}

int32_t mj__tz_offset(const mj_tz *z, int64_t t)
{
  if (z->n_trans == 0)
    return z->has_rule ? rule_offset(z, t) : z->utoff[0];
  if (t < z->trans[0])
    return z->utoff[0]; /* RFC 8536: type 0 before the first transition */
  if (t >= z->trans[z->n_trans - 1] && z->has_rule)
    return rule_offset(z, t);
  size_t lo = 0, hi = z->n_trans; /* the last transition at or before t */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (z->trans[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return z->utoff[z->idx[lo]];
}

int64_t mj__tz_utc(const mj_tz *z, int64_t local)
{
  /* The offsets a day either side cover any one change near `local`. */
  int64_t a = local - mj__tz_offset(z, local - 86400);
  int64_t b = local - mj__tz_offset(z, local + 86400);
  int a_ok = a + mj__tz_offset(z, a) == local;
  int b_ok = b + mj__tz_offset(z, b) == local;
  if (a_ok && b_ok)
    return a < b ? a : b; /* clocks went back: the first of the two */
  if (a_ok || b_ok)
    return a_ok ? a : b;
  /* Clocks went forward over `local`: the instant they jumped, the first
  ** whose local time is past it. */
  int64_t lo = a < b ? a : b, hi = a < b ? b : a;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (mid + mj__tz_offset(z, mid) >= local)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}
