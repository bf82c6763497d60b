/*
** One answer's text checked against its question: skipped, N/A, or a
** value of the question's type and range, with a reason when it is none.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"

#define TEXT_MAX_DEFAULT 4096

static int is_blank(int c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive comparison of s[0..n) with a lowercase literal. */
static int equals_ci(const char *s, size_t n, const char *lit)
{
  if (strlen(lit) != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != lit[i])
      return 0;
  return 1;
}

/*
** The spellings of "no experience" people write in a survey file; the
** Spanish one is what the paper forms in use print beside the scale.
*/
static int is_na(const char *s, size_t n)
{
  static const char *const words[] = {"na", "n/a", "no experience",
                                      "sin experiencia", NULL};
  for (size_t i = 0; words[i]; i++)
    if (equals_ci(s, n, words[i]))
      return 1;
  return 0;
}

/*
** Offset of the first byte that breaks UTF-8 (overlong forms, surrogates
** and code points past U+10FFFF included), or -1 when all is valid.
*/
static long utf8_bad_at(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    unsigned cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      k = 1, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      k = 2, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      k = 3, cp = c & 0x07;
    } else {
      return (long)i;
    }
    if (i + k >= n) /* truncated sequence */
      return (long)i;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80)
        return (long)i;
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return (long)i;
    i += k + 1;
  }
  return -1;
}

/* The numeric range of q: NPS is 0..10 even when the model left it 0..0. */
static void range_of(const mj_question *q, int *min, int *max)
{
  *min = q->min;
  *max = q->max;
  if (q->kind == MJ_Q_NPS && *min == 0 && *max == 0)
    *max = 10;
}

/*
** A whole number in s[0..n): an optional sign, digits, and optionally a
** decimal point followed by zeros only (spreadsheets export 3 as "3.0").
** Returns 1 with *v set, 0 when not a number, -1 when it has a fraction.
*/
static int parse_whole(const char *s, size_t n, double *v)
{
  size_t i = 0;
  double x = 0;
  int neg = 0, digits = 0, fraction = 0;
  if (i < n && (s[i] == '+' || s[i] == '-'))
    neg = s[i++] == '-';
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
    x = x * 10 + (s[i] - '0');
  if (i < n && s[i] == '.') {
    i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
      if (s[i] != '0')
        fraction = 1;
  }
  if (i != n || digits == 0)
    return 0;
  if (fraction)
    return -1;
  *v = neg ? -x : x;
  return 1;
}

int mj__answer_parse(const mj_question *q, const char *text, size_t len,
                     mj_answer_rec *out, char *why, size_t whylen)
{
  out->question = q->id;
  out->state = MJ_ANSWER_SKIPPED;
  out->num = NAN;
  out->text = NULL;
  if (why && whylen)
    why[0] = '\0';
  if (!text)
    len = 0;

  /* Blanks around a value are spreadsheet noise, not part of it. */
  const char *s = text;
  size_t n = len;
  while (n && is_blank((unsigned char)s[0]))
    s++, n--;
  while (n && is_blank((unsigned char)s[n - 1]))
    n--;

  if (n == 0) {
    if (q->required) {
      snprintf(why, whylen, "an answer is required");
      return MJ_EVALIDATE;
    }
    return MJ_OK;
  }
  if (is_na(s, n)) {
    if (q->allow_na) {
      out->state = MJ_ANSWER_NA;
      return MJ_OK;
    }
    /* Open text may legitimately say "N/A"; scales may not. */
    if (q->kind != MJ_Q_TEXT) {
      snprintf(why, whylen,
               "N/A not allowed: question '%s' has no \"no experience\" "
               "answer (add allow_na = true to accept it)",
               q->id);
      return MJ_EVALIDATE;
    }
  }

  if (q->kind == MJ_Q_TEXT) {
    size_t max = q->max_len > 0 ? (size_t)q->max_len : TEXT_MAX_DEFAULT;
    if (len > max) {
      snprintf(why, whylen, "text is %zu bytes long, more than the %zu allowed",
               len, max);
      return MJ_EVALIDATE;
    }
    if (memchr(text, '\0', len)) {
      snprintf(why, whylen, "text contains a NUL byte");
      return MJ_EVALIDATE;
    }
    long bad = utf8_bad_at((const unsigned char *)text, len);
    if (bad >= 0) {
      snprintf(why, whylen,
               "text is not valid UTF-8 (byte %ld); save the file as UTF-8",
               bad + 1);
      return MJ_EVALIDATE;
    }
    /* Kept as written: the caller's text is NUL-terminated at len. */
    out->state = MJ_ANSWER_VALUE;
    out->text = text;
    return MJ_OK;
  }

  int min, max;
  range_of(q, &min, &max);
  double v;
  int shown = n > 40 ? 40 : (int)n;
  int got = parse_whole(s, n, &v);
  if (got == 0) {
    snprintf(why, whylen,
             "'%.*s%s' is not a number (expected a whole number "
             "in %d..%d)",
             shown, s, n > 40 ? "..." : "", min, max);
    return MJ_EVALIDATE;
  }
  if (got < 0) {
    snprintf(why, whylen, "%.*s is not a whole number (expected %d..%d)", shown,
             s, min, max);
    return MJ_EVALIDATE;
  }
  if (v < min || v > max) {
    snprintf(why, whylen, "%.*s is outside %d..%d", shown, s, min, max);
    return MJ_EVALIDATE;
  }
  out->state = MJ_ANSWER_VALUE;
  out->num = v + 0.0; /* -0 reads as 0 */
  return MJ_OK;
}
