/*
** Answers checked against their questions: one answer's text (skipped,
** N/A, or a value of the question's type and range), the small condition
** language of ask_if and constraints, and the checks of a whole response.
*/
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define TEXT_MAX_DEFAULT 4096

static int is_blank(int c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive comparison of s[0..n) with a lowercase literal of
** that length. */
static int equals_ci(const char *s, const char *lit, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != lit[i])
      return 0;
  return 1;
}

/*
** The spellings of "no experience" people write in a survey file; the
** Spanish one is what the paper forms in use print beside the scale.
** Every answer of an import is checked against them: the lengths are
** known here so that most answers are turned away by length alone.
*/
static int is_na(const char *s, size_t n)
{
#define W(lit) {lit, sizeof lit - 1}
  static const struct {
    const char *text;
    size_t n;
  } words[] = {W("na"), W("n/a"), W("no experience"), W("sin experiencia")};
#undef W
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (n == words[i].n && equals_ci(s, words[i].text, n))
      return 1;
  return 0;
}

long mj__utf8_bad_at(const unsigned char *s, size_t n)
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


/*
** A decimal number in s[0..n): optional sign, digits, optional point and
** digits. No exponent: answers are typed by people, and "1e3" is more
** likely a slip than a thousand. Returns 1 with *v set, else 0.
*/
static int parse_decimal(const char *s, size_t n, double *v)
{
  char buf[64];
  size_t i = 0, digits = 0;
  if (n == 0 || n >= sizeof buf)
    return 0;
  if (s[i] == '+' || s[i] == '-')
    i++;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
    digits++;
  if (i < n && s[i] == '.')
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
      digits++;
  if (i != n || digits == 0)
    return 0;
  memcpy(buf, s, n);
  buf[n] = '\0';
  *v = strtod(buf, NULL) + 0.0;
  return 1;
}

/*
** An ISO 8601 calendar date YYYY-MM-DD in s[0..n): 1 with *days set, 0
** when not of that shape, -1 when the shape is right but the day does not
** exist (2023-02-29).
*/
static int parse_date(const char *s, size_t n, double *days)
{
  if (n != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for (size_t i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
           (s[3] - '0');
  unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
  unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
  static const unsigned mdays[] = {31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1)
    return -1;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] + (m == 2 && leap))
    return -1;
  *days = (double)mj__days_from_civil(y, m, d);
  return 1;
}

/* Case-insensitive (ASCII) equality of s[0..n) and z. */
static int same_ci(const char *s, size_t n, const char *z)
{
  size_t zn = strlen(z);
  if (zn != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != lower((unsigned char)z[i]))
      return 0;
  return 1;
}

/* The option s[0..n) names, by code or by any of its labels; -1 if none. */
static long choice_index(const mj_question *q, const char *s, size_t n)
{
  for (size_t i = 0; i < q->n_choices; i++)
    if (same_ci(s, n, q->choices[i].code))
      return (long)i;
  for (size_t i = 0; i < q->n_choices; i++)
    for (size_t k = 0; k < q->choices[i].label.n; k++)
      if (same_ci(s, n, q->choices[i].label.items[k].text))
        return (long)i;
  return -1;
}

/* "other:TEXT" with some TEXT: the offset of TEXT, else 0. */
static size_t other_text_at(const char *s, size_t n)
{
  if (n < 6 || !same_ci(s, 6, "other:"))
    return 0;
  size_t i = 6;
  while (i < n && is_blank((unsigned char)s[i]))
    i++;
  return i < n ? i : 0;
}

/* The codes of q as "a, b, c" for messages. */
static void list_codes(const mj_question *q, char *buf, size_t n)
{
  buf[0] = '\0';
  for (size_t i = 0; i < q->n_choices; i++) {
    size_t k = strlen(buf);
    if (k + 8 >= n) {
      snprintf(buf + k, n - k, "...");
      break;
    }
    snprintf(buf + k, n - k, "%s%s", i ? ", " : "", q->choices[i].code);
  }
  if (q->other) {
    size_t k = strlen(buf);
    snprintf(buf + k, n - k, "%sother:TEXT", q->n_choices ? ", " : "");
  }
}

/* A constraint's message in English when given, else a default reason. */
static void constraint_failed(const mj_question *q, char *why, size_t whylen,
                              const char *fallback)
{
  const char *msg = mj__i18n_get(&q->cons_message, "en");
  if (msg)
    snprintf(why, whylen, "%s", msg);
  else
    snprintf(why, whylen, "%s", fallback);
}

static int check_text(const char *text, size_t len, int max_len, char *why,
                      size_t whylen)
{
  size_t max = max_len > 0 ? (size_t)max_len : TEXT_MAX_DEFAULT;
  if (len > max) {
    snprintf(why, whylen, "text is %zu bytes long, more than the %zu allowed",
             len, max);
    return MJ_EVALIDATE;
  }
  if (memchr(text, '\0', len)) {
    snprintf(why, whylen, "text contains a NUL byte");
    return MJ_EVALIDATE;
  }
  long bad = mj__utf8_bad_at((const unsigned char *)text, len);
  if (bad >= 0) {
    snprintf(why, whylen,
             "text is not valid UTF-8 (byte %ld); save the file as UTF-8",
             bad + 1);
    return MJ_EVALIDATE;
  }
  return MJ_OK;
}

/* One choice question's answer s[0..n) (trimmed) of text[0..len). */
static int parse_choice(const mj_question *q, const char *text, size_t len,
                        const char *s, size_t n, mj_answer_rec *out, char *why,
                        size_t whylen)
{
  char codes[200];
  int shown = n > 40 ? 40 : (int)n;
  long i = choice_index(q, s, n);
  if (i >= 0) {
    out->state = MJ_ANSWER_VALUE;
    out->text = q->choices[i].code; /* canonical, lives with the model */
    return MJ_OK;
  }
  if (q->other && other_text_at(s, n)) {
    if (check_text(text, len, q->max_len, why, whylen) != MJ_OK)
      return MJ_EVALIDATE;
    out->state = MJ_ANSWER_VALUE;
    out->text = text;
    return MJ_OK;
  }
  list_codes(q, codes, sizeof codes);
  snprintf(why, whylen, "'%.*s%s' is not one of the options (%s)", shown, s,
           n > 40 ? "..." : "", codes);
  return MJ_EVALIDATE;
}

/* A multi answer: codes separated by ';', each once, "other:TEXT" last. */
static int parse_multi(const mj_question *q, const char *text, size_t len,
                       const char *s, size_t n, mj_answer_rec *out, char *why,
                       size_t whylen)
{
  char codes[200];
  unsigned char seen[256];
  int others = 0;
  memset(seen, 0, sizeof seen);
  if (q->n_choices > sizeof seen) {
    snprintf(why, whylen, "question has more than %zu options", sizeof seen);
    return MJ_EVALIDATE;
  }
  size_t at = 0;
  while (at <= n) {
    const char *semi = memchr(s + at, ';', n - at);
    size_t end = semi ? (size_t)(semi - s) : n;
    const char *p = s + at;
    size_t k = end - at;
    while (k && is_blank((unsigned char)p[0]))
      p++, k--;
    while (k && is_blank((unsigned char)p[k - 1]))
      k--;
    int shown = k > 40 ? 40 : (int)k;
    if (k == 0) {
      snprintf(why, whylen,
               "an empty option between ';' (write the codes as a;b)");
      return MJ_EVALIDATE;
    }
    long i = choice_index(q, p, k);
    if (i >= 0) {
      if (seen[i]++) {
        snprintf(why, whylen, "option '%s' is given twice",
                 q->choices[i].code);
        return MJ_EVALIDATE;
      }
    } else if (q->other && other_text_at(p, k)) {
      if (others++) {
        snprintf(why, whylen, "'other:' is given twice");
        return MJ_EVALIDATE;
      }
    } else {
      list_codes(q, codes, sizeof codes);
      snprintf(why, whylen,
               "'%.*s%s' is not one of the options (%s; separate several "
               "with ';')",
               shown, p, k > 40 ? "..." : "", codes);
      return MJ_EVALIDATE;
    }
    if (!semi)
      break;
    at = end + 1;
  }
  if (check_text(text, len, q->max_len, why, whylen) != MJ_OK)
    return MJ_EVALIDATE;
  out->state = MJ_ANSWER_VALUE;
  out->text = text;
  return MJ_OK;
}

/* Numbers, points and dates: the value, then its range and constraint. */
static int parse_numeric(const mj_question *q, const char *s, size_t n,
                         mj_answer_rec *out, char *why, size_t whylen)
{
  int shown = n > 40 ? 40 : (int)n;
  const char *more = n > 40 ? "..." : "";
  double v;
  if (q->kind == MJ_Q_DATE) {
    int got = parse_date(s, n, &v);
    if (got == 0) {
      snprintf(why, whylen,
               "'%.*s%s' is not a date (write it as YYYY-MM-DD, e.g. "
               "2024-05-31)",
               shown, s, more);
      return MJ_EVALIDATE;
    }
    if (got < 0) {
      snprintf(why, whylen, "%.*s is not a day of the calendar", shown, s);
      return MJ_EVALIDATE;
    }
  } else if (!parse_decimal(s, n, &v)) {
    snprintf(why, whylen, "'%.*s%s' is not a number%s", shown, s, more,
             memchr(s, ',', n) ? " (write decimals with a point: 2.5)" : "");
    return MJ_EVALIDATE;
  } else if (q->integer && v != floor(v)) {
    snprintf(why, whylen, "%.*s is not a whole number", shown, s);
    return MJ_EVALIDATE;
  } else if (q->kind == MJ_Q_POINTS && v < 0) {
    snprintf(why, whylen, "%.*s points: points cannot be negative", shown, s);
    return MJ_EVALIDATE;
  }
  if ((q->has_num_min && v < q->num_min) ||
      (q->has_num_max && v > q->num_max)) {
    if (q->has_num_min && q->has_num_max)
      snprintf(why, whylen, "%.*s is outside %g..%g", shown, s, q->num_min,
               q->num_max);
    else if (q->has_num_min)
      snprintf(why, whylen, "%.*s is less than %g, the least allowed", shown,
               s, q->num_min);
    else
      snprintf(why, whylen, "%.*s is more than %g, the most allowed", shown, s,
               q->num_max);
    return MJ_EVALIDATE;
  }
  out->state = MJ_ANSWER_VALUE;
  out->num = v + 0.0;
  return MJ_OK;
}

/* Why v breaks q's constraint range. */
static int constraint_range_failed(const mj_question *q, double v, char *why,
                                   size_t whylen)
{
  char dflt[120];
  if (q->has_cons_min && q->has_cons_max)
    snprintf(dflt, sizeof dflt, "%g is outside %g..%g (the constraint)", v,
             q->cons_min, q->cons_max);
  else if (q->has_cons_min)
    snprintf(dflt, sizeof dflt, "%g is less than %g (the constraint)", v,
             q->cons_min);
  else
    snprintf(dflt, sizeof dflt, "%g is more than %g (the constraint)", v,
             q->cons_max);
  constraint_failed(q, why, whylen, dflt);
  return MJ_EVALIDATE;
}

/* constraint = { min =, max = } on any numeric value. The test is kept
** apart from the message so that it is inlined in every answer's parse. */
static inline int check_constraint_range(const mj_question *q, double v,
                                         char *why, size_t whylen)
{
  if ((q->has_cons_min && v < q->cons_min) ||
      (q->has_cons_max && v > q->cons_max))
    return constraint_range_failed(q, v, why, whylen);
  return MJ_OK;
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
  /* Most answers of an import are one digit of a scale or an NPS: what
  ** the steps below make of one in range, without them. Anything else
  ** takes them. */
  if (len == 1 && (q->kind == MJ_Q_SCALE || q->kind == MJ_Q_NPS) &&
      text[0] >= '0' && text[0] <= '9') {
    int min, max;
    range_of(q, &min, &max);
    double v = text[0] - '0';
    if (v >= min && v <= max &&
        !(q->has_cons_min && v < q->cons_min) &&
        !(q->has_cons_max && v > q->cons_max)) {
      out->state = MJ_ANSWER_VALUE;
      out->num = v;
      return MJ_OK;
    }
  }

  /* Blanks around a value are spreadsheet noise, not part of it. */
  const char *s = text;
  size_t n = len;
  while (n && is_blank((unsigned char)s[0]))
    s++, n--;
  while (n && is_blank((unsigned char)s[n - 1]))
    n--;

  if (n == 0) {
    /* With ask_if, whether an answer is required depends on the row. */
    if (q->required && !q->ask_if) {
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

  switch (q->kind) {
  case MJ_Q_TEXT:
    if (check_text(text, len, q->max_len, why, whylen) != MJ_OK)
      return MJ_EVALIDATE;
    /* Kept as written: the caller's text is NUL-terminated at len. */
    out->state = MJ_ANSWER_VALUE;
    out->text = text;
    return MJ_OK;
  case MJ_Q_CHOICE:
    return parse_choice(q, text, len, s, n, out, why, whylen);
  case MJ_Q_MULTI:
    return parse_multi(q, text, len, s, n, out, why, whylen);
  case MJ_Q_YESNO: {
    int yes = mj__yesno(s, n);
    if (yes < 0) {
      int shown = n > 40 ? 40 : (int)n;
      snprintf(why, whylen, "'%.*s%s' is not yes or no", shown, s,
               n > 40 ? "..." : "");
      return MJ_EVALIDATE;
    }
    out->state = MJ_ANSWER_VALUE;
    out->text = yes ? "yes" : "no";
    out->num = yes;
    return MJ_OK;
  }
  case MJ_Q_NUMBER:
  case MJ_Q_POINTS:
  case MJ_Q_DATE:
    if (parse_numeric(q, s, n, out, why, whylen) != MJ_OK)
      return MJ_EVALIDATE;
    if (check_constraint_range(q, out->num, why, whylen) != MJ_OK) {
      out->state = MJ_ANSWER_SKIPPED;
      out->num = NAN;
      return MJ_EVALIDATE;
    }
    return MJ_OK;
  default:
    break;
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
  if (check_constraint_range(q, v, why, whylen) != MJ_OK)
    return MJ_EVALIDATE;
  out->state = MJ_ANSWER_VALUE;
  out->num = v + 0.0; /* -0 reads as 0 */
  return MJ_OK;
}

/* ---- conditions: ask_if and constraint expressions ----------------------- */

enum { C_OR = 1, C_AND, C_NOT, C_CMP, C_HAS, C_ANSWERED, C_NA };
enum { OP_EQ = 1, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };
enum { O_REF = 1, O_NUM, O_STR };

typedef struct operand {
  int kind;
  size_t q;        /* O_REF: the question's index */
  double num;      /* O_NUM, and O_STR dates compared as days */
  int has_num;
  const char *str; /* O_STR */
} operand;

struct mj_cond {
  int op;
  int cmp;
  const mj_cond *l, *r; /* C_OR, C_AND: l r; C_NOT: l */
  operand a, b;         /* C_CMP, C_HAS: a op b; C_ANSWERED, C_NA: a */
};

typedef struct cparse {
  mj_arena *arena;
  const mj_questionnaire *qn;
  size_t self;
  int allow_self;
  const char *src, *p;
  int depth;
  int code;
  char *why;
  size_t whylen;
} cparse;

static int cfail(cparse *c, const char *at, const char *fmt, ...)
    MJ__PRINTF(3, 4);

static int cfail(cparse *c, const char *at, const char *fmt, ...)
{
  if (c->code)
    return c->code;
  c->code = MJ_EVALIDATE;
  int k = snprintf(c->why, c->whylen, "at column %d: ", (int)(at - c->src) + 1);
  if (k < 0 || (size_t)k >= c->whylen)
    k = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->why + k, c->whylen - (size_t)k, fmt, ap);
  va_end(ap);
  return c->code;
}

static int is_word(int ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '_';
}

static void skip_blanks(cparse *c)
{
  while (is_blank((unsigned char)*c->p))
    c->p++;
}

/* The keyword kw next, as a whole word: consume it. */
static int accept_word(cparse *c, const char *kw)
{
  skip_blanks(c);
  size_t n = strlen(kw);
  if (strncmp(c->p, kw, n) == 0 && !is_word((unsigned char)c->p[n])) {
    c->p += n;
    return 1;
  }
  return 0;
}

static int accept_char(cparse *c, char ch)
{
  skip_blanks(c);
  if (*c->p == ch) {
    c->p++;
    return 1;
  }
  return 0;
}

static mj_cond *new_node(cparse *c, int op)
{
  mj_cond *n = mj__arena_alloc(c->arena, sizeof *n);
  if (!n && !c->code) {
    c->code = MJ_ENOMEM;
    snprintf(c->why, c->whylen, "out of memory");
  }
  if (n)
    n->op = op;
  return n;
}

/* Answers of these kinds compare as numbers; dates as days. */
static int numeric_kind(mj_qkind k)
{
  return k == MJ_Q_SCALE || k == MJ_Q_NPS || k == MJ_Q_NUMBER ||
         k == MJ_Q_POINTS;
}

/* A question id or '.', resolved against the earlier questions. */
static int parse_ref(cparse *c, operand *o)
{
  skip_blanks(c);
  const char *at = c->p;
  if (*c->p == '.' && !(c->p[1] >= '0' && c->p[1] <= '9')) {
    c->p++;
    if (!c->allow_self)
      return cfail(c, at,
                   "'.' (this question's answer) is for constraints; "
                   "ask_if names earlier questions by id");
    o->kind = O_REF;
    o->q = c->self;
    return MJ_OK;
  }
  size_t n = 0;
  while (is_word((unsigned char)c->p[n]))
    n++;
  if (n == 0)
    return cfail(c, at,
                 *at ? "expected a question id, a number or a 'string' "
                       "near '%.10s'"
                     : "expected a question id, a number or a 'string' at "
                       "the end%s",
                 at);
  c->p += n;
  for (size_t i = 0; i < c->qn->n_questions; i++) {
    const char *id = c->qn->questions[i].id;
    if (strlen(id) != n || strncmp(id, at, n) != 0)
      continue;
    if (i >= c->self)
      return cfail(c, at,
                   "question '%s' is %s; a condition can only use the "
                   "answers of earlier questions%s",
                   id, i == c->self ? "this question" : "asked after this one",
                   i == c->self && c->allow_self ? " (write '.' for this "
                                                   "one's answer)"
                                                 : "");
    o->kind = O_REF;
    o->q = i;
    return MJ_OK;
  }
  return cfail(c, at, "no question '%.*s' in questionnaire '%s'", (int)n, at,
               c->qn->id);
}

static int parse_operand(cparse *c, operand *o)
{
  memset(o, 0, sizeof *o);
  skip_blanks(c);
  const char *at = c->p;
  if (*c->p == '\'' || *c->p == '"') {
    char quote = *c->p++;
    const char *end = strchr(c->p, quote);
    if (!end)
      return cfail(c, at, "a string without its closing %c", quote);
    char *s = mj__arena_strndup(c->arena, c->p, (size_t)(end - c->p));
    if (!s)
      return cfail(c, at, "out of memory");
    c->p = end + 1;
    o->kind = O_STR;
    o->str = s;
    return MJ_OK;
  }
  if ((*c->p >= '0' && *c->p <= '9') ||
      ((*c->p == '-' || *c->p == '.') && c->p[1] >= '0' && c->p[1] <= '9')) {
    size_t n = 0;
    if (c->p[n] == '-')
      n++;
    while ((c->p[n] >= '0' && c->p[n] <= '9') || c->p[n] == '.')
      n++;
    if (!parse_decimal(c->p, n, &o->num))
      return cfail(c, at, "'%.*s' is not a number", (int)n, at);
    c->p += n;
    o->kind = O_NUM;
    o->has_num = 1;
    return MJ_OK;
  }
  return parse_ref(c, o);
}

/* The canonical code a literal names among q's options, or NULL. */
static const char *code_named(const mj_question *q, const char *s)
{
  long i = choice_index(q, s, strlen(s));
  if (i >= 0)
    return q->choices[i].code;
  if (q->other && same_ci(s, strlen(s), "other"))
    return "other";
  return NULL;
}

/*
** Check a comparison's operands against the questions they name, so a
** mistake shows when the playbook loads, not on the thousandth row.
** Literals are normalised: option codes to their declared spelling,
** yes/no words to "yes"/"no", dates to days.
*/
static int check_cmp(cparse *c, const char *at, int op, operand *a, operand *b)
{
  char codes[200];
  if (a->kind != O_REF && b->kind != O_REF)
    return cfail(c, at, "compare an answer with a value, not two values");
  if (a->kind != O_REF) {
    operand t = *a;
    *a = *b;
    *b = t;
    op = op == OP_LT ? OP_GT : op == OP_GT ? OP_LT
       : op == OP_LE ? OP_GE : op == OP_GE ? OP_LE : op;
  }
  const mj_question *q = &c->qn->questions[a->q];
  const mj_question *r =
      b->kind == O_REF ? &c->qn->questions[b->q] : NULL;
  int ordered = op != OP_EQ && op != OP_NE;
  switch (q->kind) {
  case MJ_Q_SCALE:
  case MJ_Q_NPS:
  case MJ_Q_NUMBER:
  case MJ_Q_POINTS:
    if (b->kind == O_STR || (r && !numeric_kind(r->kind)))
      return cfail(c, at,
                   "'%s' is answered with a number; compare it with a "
                   "number (e.g. %s <= 6)",
                   q->id, q->id);
    break;
  case MJ_Q_DATE:
    if (b->kind == O_STR) {
      if (parse_date(b->str, strlen(b->str), &b->num) != 1)
        return cfail(c, at,
                     "'%s' is a date; compare it with 'YYYY-MM-DD', not "
                     "'%s'",
                     q->id, b->str);
      b->has_num = 1;
    } else if (b->kind == O_NUM || r->kind != MJ_Q_DATE)
      return cfail(c, at, "'%s' is a date; compare it with 'YYYY-MM-DD'",
                   q->id);
    break;
  case MJ_Q_YESNO:
    if (ordered)
      return cfail(c, at, "'%s' is yes or no; compare it with == or ~=",
                   q->id);
    if (b->kind == O_STR) {
      int yes = mj__yesno(b->str, strlen(b->str));
      if (yes < 0)
        return cfail(c, at, "'%s' is yes or no, never '%s'", q->id, b->str);
      b->str = yes ? "yes" : "no";
    } else if (r && r->kind != MJ_Q_YESNO)
      return cfail(c, at, "'%s' is yes or no; compare it with 'yes' or 'no'",
                   q->id);
    break;
  case MJ_Q_MULTI:
    return cfail(c, at,
                 "'%s' can hold several options; test one with %s has "
                 "'CODE'",
                 q->id, q->id);
  case MJ_Q_CHOICE:
  case MJ_Q_TEXT:
    if (ordered)
      return cfail(c, at, "'%s' is answered with text; compare it with == or "
                   "~= only", q->id);
    if (b->kind == O_NUM || (r && r->kind != MJ_Q_TEXT &&
                             r->kind != MJ_Q_CHOICE))
      return cfail(c, at, "'%s' is answered with text; compare it with a "
                   "'string'", q->id);
    if (q->kind == MJ_Q_CHOICE && b->kind == O_STR) {
      const char *code = code_named(q, b->str);
      if (!code) {
        list_codes(q, codes, sizeof codes);
        return cfail(c, at, "'%s' is not an option of '%s' (options: %s)",
                     b->str, q->id, codes);
      }
      b->str = code;
    }
    break;
  }
  return op;
}

static const mj_cond *parse_or(cparse *c);

static const mj_cond *parse_primary(cparse *c)
{
  skip_blanks(c);
  const char *at = c->p;
  if (++c->depth > 40) {
    cfail(c, at, "nested too deeply");
    return NULL;
  }
  const mj_cond *res = NULL;
  if (accept_word(c, "not")) {
    mj_cond *n = new_node(c, C_NOT);
    if (n && (n->l = parse_primary(c)) != NULL)
      res = n;
  } else if (accept_char(c, '(')) {
    res = parse_or(c);
    if (res && !accept_char(c, ')')) {
      cfail(c, c->p, "expected ')'");
      res = NULL;
    }
  } else {
    const char *save = c->p;
    int fn = accept_word(c, "answered") ? C_ANSWERED
           : accept_word(c, "na")       ? C_NA
                                        : 0;
    if (fn && !accept_char(c, '(')) {
      fn = 0;
      c->p = save; /* a question called "answered" or "na" */
    }
    if (fn) {
      mj_cond *n = new_node(c, fn);
      if (n && parse_ref(c, &n->a) == MJ_OK) {
        if (accept_char(c, ')'))
          res = n;
        else
          cfail(c, c->p, "expected ')' after the question id");
      }
    } else {
      operand a;
      if (parse_operand(c, &a) != MJ_OK)
        goto out;
      skip_blanks(c);
      const char *opat = c->p;
      int op = 0;
      static const struct {
        const char *s;
        int op;
      } ops[] = {{"==", OP_EQ}, {"~=", OP_NE}, {"!=", OP_NE}, {"<=", OP_LE},
                 {">=", OP_GE}, {"<", OP_LT},  {">", OP_GT}};
      for (size_t i = 0; i < sizeof ops / sizeof *ops && !op; i++)
        if (strncmp(c->p, ops[i].s, strlen(ops[i].s)) == 0) {
          op = ops[i].op;
          c->p += strlen(ops[i].s);
        }
      if (!op && accept_word(c, "has")) {
        mj_cond *n = new_node(c, C_HAS);
        if (!n)
          goto out;
        n->a = a;
        if (a.kind != O_REF ||
            c->qn->questions[a.q].kind != MJ_Q_MULTI) {
          cfail(c, opat, "'has' tests a multiple-choice question's options");
          goto out;
        }
        if (parse_operand(c, &n->b) != MJ_OK)
          goto out;
        const mj_question *q = &c->qn->questions[a.q];
        const char *code = n->b.kind == O_STR ? code_named(q, n->b.str) : NULL;
        if (!code) {
          char codes[200];
          list_codes(q, codes, sizeof codes);
          cfail(c, opat, "%s has ...: name one of its options (%s)", q->id,
                codes);
          goto out;
        }
        n->b.str = code;
        res = n;
        goto out;
      }
      if (!op) {
        if (*c->p == '=')
          cfail(c, opat, "'=' assigns; write '==' to compare");
        else
          cfail(c, opat,
                "expected a comparison (==, ~=, <, <=, >, >=) or 'has' "
                "after the operand");
        goto out;
      }
      mj_cond *n = new_node(c, C_CMP);
      if (!n)
        goto out;
      n->a = a;
      if (parse_operand(c, &n->b) != MJ_OK)
        goto out;
      int cmp = check_cmp(c, opat, op, &n->a, &n->b);
      if (c->code)
        goto out;
      n->cmp = cmp;
      res = n;
    }
  }
out:
  c->depth--;
  return c->code ? NULL : res;
}

static const mj_cond *parse_and(cparse *c)
{
  const mj_cond *l = parse_primary(c);
  while (l && accept_word(c, "and")) {
    mj_cond *n = new_node(c, C_AND);
    if (!n)
      return NULL;
    n->l = l;
    if (!(n->r = parse_primary(c)))
      return NULL;
    l = n;
  }
  return l;
}

static const mj_cond *parse_or(cparse *c)
{
  const mj_cond *l = parse_and(c);
  while (l && accept_word(c, "or")) {
    mj_cond *n = new_node(c, C_OR);
    if (!n)
      return NULL;
    n->l = l;
    if (!(n->r = parse_and(c)))
      return NULL;
    l = n;
  }
  return l;
}

int mj__cond_compile(mj_arena *a, const mj_questionnaire *qn, size_t self,
                     int allow_self, const char *src, const mj_cond **out,
                     char *why, size_t whylen)
{
  cparse c = {.arena = a,
              .qn = qn,
              .self = self,
              .allow_self = allow_self,
              .src = src,
              .p = src,
              .why = why,
              .whylen = whylen};
  *out = NULL;
  if (whylen)
    why[0] = '\0';
  if (strlen(src) > 1000)
    return cfail(&c, src, "the expression is longer than 1000 characters");
  const mj_cond *r = parse_or(&c);
  skip_blanks(&c);
  if (r && *c.p)
    return cfail(&c, c.p, "unexpected '%.10s' (join conditions with and, or)",
                 c.p);
  if (!r)
    return c.code ? c.code : cfail(&c, c.p, "an empty condition");
  *out = r;
  return MJ_OK;
}

/* A value for comparing: missing, a number, a text, or both (yes/no). */
typedef struct cval {
  int present;
  int has_num;
  double num;
  const char *text;
} cval;

static cval value_of(const operand *o, const mj_answer_rec *answers)
{
  cval v = {0, 0, NAN, NULL};
  if (o->kind == O_NUM || (o->kind == O_STR && o->has_num)) {
    v.present = v.has_num = 1;
    v.num = o->num;
  } else if (o->kind == O_STR) {
    v.present = 1;
    v.text = o->str;
  } else {
    const mj_answer_rec *r = &answers[o->q];
    if (r->state != MJ_ANSWER_VALUE)
      return v;
    v.present = 1;
    v.has_num = !isnan(r->num);
    v.num = r->num;
    v.text = r->text;
  }
  return v;
}

/* A text answer of "other:TEXT" equals the literal "other". */
static int text_equal(const char *answer, const char *lit)
{
  if (strcmp(answer, lit) == 0)
    return 1;
  return strcmp(lit, "other") == 0 && same_ci(answer, 6, "other:");
}

static int multi_has(const char *text, const char *code)
{
  const char *p = text;
  for (;;) {
    const char *semi = strchr(p, ';');
    size_t k = semi ? (size_t)(semi - p) : strlen(p);
    const char *s = p;
    while (k && is_blank((unsigned char)s[0]))
      s++, k--;
    while (k && is_blank((unsigned char)s[k - 1]))
      k--;
    if (same_ci(s, k, code) ||
        (strcmp(code, "other") == 0 && k >= 6 && same_ci(s, 6, "other:")))
      return 1;
    if (!semi)
      return 0;
    p = semi + 1;
  }
}

static int cond_eval(const mj_cond *n, const mj_questionnaire *qn,
                     const mj_answer_rec *answers)
{
  switch (n->op) {
  case C_OR:
    return cond_eval(n->l, qn, answers) || cond_eval(n->r, qn, answers);
  case C_AND:
    return cond_eval(n->l, qn, answers) && cond_eval(n->r, qn, answers);
  case C_NOT:
    return !cond_eval(n->l, qn, answers);
  case C_ANSWERED:
    return answers[n->a.q].state == MJ_ANSWER_VALUE;
  case C_NA:
    return answers[n->a.q].state == MJ_ANSWER_NA;
  case C_HAS: {
    const mj_answer_rec *r = &answers[n->a.q];
    return r->state == MJ_ANSWER_VALUE && r->text &&
           multi_has(r->text, n->b.str);
  }
  case C_CMP: {
    cval a = value_of(&n->a, answers), b = value_of(&n->b, answers);
    if (!a.present || !b.present)
      return 0;
    int d;
    if (a.text && b.text) {
      int eq = text_equal(a.text, b.text) || text_equal(b.text, a.text);
      d = eq ? 0 : strcmp(a.text, b.text) < 0 ? -1 : 1;
    } else if (a.has_num && b.has_num) {
      d = (a.num > b.num) - (a.num < b.num);
    } else {
      return 0;
    }
    switch (n->cmp) {
    case OP_EQ:
      return d == 0;
    case OP_NE:
      return d != 0;
    case OP_LT:
      return d < 0;
    case OP_LE:
      return d <= 0;
    case OP_GT:
      return d > 0;
    default:
      return d >= 0;
    }
  }
  }
  return 0;
}

int mj__answer_asked(const mj_questionnaire *qn, const mj_answer_rec *answers,
                     size_t k)
{
  const mj_question *q = &qn->questions[k];
  return !q->ask_if_cond || cond_eval(q->ask_if_cond, qn, answers);
}

int mj__cond_holds(const mj_cond *c, const mj_questionnaire *qn,
                   const mj_answer_rec *answers)
{
  return cond_eval(c, qn, answers);
}

/* ---- whole responses ----------------------------------------------------- */

static int check_points(const mj_questionnaire *qn,
                        const mj_answer_rec *answers, size_t *bad, char *why,
                        size_t whylen)
{
  for (size_t i = 0; i < qn->n_questions; i++) {
    const mj_question *q = &qn->questions[i];
    if (q->kind != MJ_Q_POINTS || !q->group)
      continue;
    /* Only the group's first question checks it. */
    size_t first = 0;
    while (first < i && !(qn->questions[first].kind == MJ_Q_POINTS &&
                          qn->questions[first].group &&
                          strcmp(qn->questions[first].group, q->group) == 0))
      first++;
    if (first != i)
      continue;
    double sum = 0;
    size_t answered = 0;
    char names[200] = "";
    for (size_t k = i; k < qn->n_questions; k++) {
      const mj_question *p = &qn->questions[k];
      if (p->kind != MJ_Q_POINTS || !p->group || strcmp(p->group, q->group))
        continue;
      size_t len = strlen(names);
      if (len + 8 < sizeof names)
        snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
                 p->id);
      if (answers[k].state == MJ_ANSWER_VALUE) {
        sum += answers[k].num;
        answered++;
      }
    }
    /* Blank points are zero, but a group left wholly blank is skipped. */
    if (answered && fabs(sum - q->total) > 1e-9 * fmax(1.0, fabs(q->total))) {
      *bad = i;
      snprintf(why, whylen,
               "the points of group '%s' (%s) add up to %g; they must add up "
               "to %g",
               q->group, names, sum, q->total);
      return MJ_EVALIDATE;
    }
  }
  return MJ_OK;
}

int mj__answer_check_row(const mj_questionnaire *qn,
                         const mj_answer_rec *answers, size_t *bad, char *why,
                         size_t whylen)
{
  if (why && whylen)
    why[0] = '\0';
  for (size_t i = 0; i < qn->n_questions; i++) {
    const mj_question *q = &qn->questions[i];
    const mj_answer_rec *a = &answers[i];
    int asked = mj__answer_asked(qn, answers, i);
    *bad = i;
    if (!asked && a->state != MJ_ANSWER_SKIPPED) {
      snprintf(why, whylen,
               "question '%s' is answered but was not to be asked: its "
               "ask_if \"%s\" is false for this response (leave it blank, "
               "or check the earlier answers)",
               q->id, q->ask_if);
      return MJ_EVALIDATE;
    }
    if (asked && q->required && a->state == MJ_ANSWER_SKIPPED) {
      if (q->ask_if)
        snprintf(why, whylen,
                 "question '%s' is required when its ask_if \"%s\" holds, "
                 "as it does here; an answer is required",
                 q->id, q->ask_if);
      else
        snprintf(why, whylen, "question '%s': an answer is required", q->id);
      return MJ_EVALIDATE;
    }
    if (q->cons_cond && a->state == MJ_ANSWER_VALUE &&
        !cond_eval(q->cons_cond, qn, answers)) {
      const char *msg = mj__i18n_get(&q->cons_message, "en");
      if (msg)
        snprintf(why, whylen, "question '%s': %s", q->id, msg);
      else
        snprintf(why, whylen,
                 "question '%s': the answer breaks its constraint \"%s\"",
                 q->id, q->cons_expr);
      return MJ_EVALIDATE;
    }
  }
  return check_points(qn, answers, bad, why, whylen);
}
