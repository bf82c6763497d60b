/*
** Answers: skipped, N/A, scale and NPS ranges, whole numbers, text length
** and UTF-8, each refusal with a reason a person can act on.
*/
#include <math.h>
#include <string.h>

#include "model.h"
#include "tap.h"

static mj_question question(const char *id, mj_qkind kind, int min, int max,
                            int allow_na)
{
  mj_question q;
  memset(&q, 0, sizeof q);
  q.id = id;
  q.kind = kind;
  q.type = kind == MJ_Q_NPS ? "nps" : kind == MJ_Q_TEXT ? "text" : "scale5";
  q.min = min;
  q.max = max;
  q.allow_na = allow_na;
  return q;
}

static char why[256];

/* Parse s; return the status and leave the reason in why. */
static int parse(const mj_question *q, const char *s, mj_answer_rec *a)
{
  return mj__answer_parse(q, s, strlen(s), a, why, sizeof why);
}

static void value_is(const mj_question *q, const char *s, double want)
{
  mj_answer_rec a;
  int rc = parse(q, s, &a);
  ok(rc == MJ_OK && a.state == MJ_ANSWER_VALUE && a.num == want &&
         strcmp(a.question, q->id) == 0,
     "%s: '%s' is %g", q->id, s, want);
}

static void refused(const mj_question *q, const char *s, const char *reason)
{
  mj_answer_rec a;
  int rc = parse(q, s, &a);
  ok(rc == MJ_EVALIDATE && strstr(why, reason) != NULL,
     "%s: '%s' refused with \"%s\" (got \"%s\")", q->id, s, reason, why);
}

static void state_is(const mj_question *q, const char *s, mj_answer_state st)
{
  mj_answer_rec a;
  int rc = parse(q, s, &a);
  ok(rc == MJ_OK && a.state == st && isnan(a.num) && a.text == NULL,
     "%s: '%s' has state %d", q->id, s, (int)st);
}

/*
** Conditions without Lua: a hand-built questionnaire, its ask_if compiled
** with mj__cond_compile and checked with mj__answer_asked and
** mj__answer_check_row; a required question with ask_if is left to the row.
*/
static void conditions(void)
{
  mj_question qs[3];
  qs[0] = question("nps", MJ_Q_NPS, 0, 10, 0);
  qs[1] = question("why", MJ_Q_TEXT, 0, 0, 0);
  qs[2] = question("score", MJ_Q_SCALE, 1, 5, 1);
  qs[1].required = 1;
  qs[1].ask_if = "nps <= 6 or na(score)";
  mj_questionnaire qn;
  memset(&qn, 0, sizeof qn);
  qn.id = "q";
  qn.questions = qs;
  qn.n_questions = 3;
  mj_arena arena = {0};
  const mj_cond *cond = NULL;
  char w[300];
  int rc = mj__cond_compile(&arena, &qn, 1, 0, qs[1].ask_if, &cond, w,
                            sizeof w);
  ok(rc == MJ_EVALIDATE && strstr(w, "question 'score' is asked after "
                                     "this one") != NULL,
     "a condition cannot look ahead (%s)", w);
  rc = mj__cond_compile(&arena, &qn, 1, 0, "nps <= 6", &cond, w, sizeof w);
  ok(rc == MJ_OK && cond != NULL, "nps <= 6 compiles (%s)", w);
  qs[1].ask_if = "nps <= 6";
  qs[1].ask_if_cond = cond;
  rc = mj__cond_compile(&arena, &qn, 1, 0, "(nps > 3", &cond, w, sizeof w);
  ok(rc == MJ_EVALIDATE && strstr(w, "at column 9: expected ')'"), "%s", w);
  rc = mj__cond_compile(&arena, &qn, 1, 0, "", &cond, w, sizeof w);
  ok(rc == MJ_EVALIDATE && strstr(w, "expected a question id"), "%s", w);

  mj_answer_rec a[3];
  rc = parse(&qs[1], "", &a[1]);
  ok(rc == MJ_OK && a[1].state == MJ_ANSWER_SKIPPED,
     "required with ask_if: a blank cell is left to the row check");
  parse(&qs[0], "9", &a[0]);
  parse(&qs[2], "", &a[2]);
  ok(!mj__answer_asked(&qn, a, 1), "nps 9: why is not asked");
  size_t bad = 9;
  ok(mj__answer_check_row(&qn, a, &bad, w, sizeof w) == MJ_OK,
     "nps 9, why blank: the row passes (%s)", w);
  parse(&qs[0], "2", &a[0]);
  ok(mj__answer_asked(&qn, a, 1), "nps 2: why is asked");
  rc = mj__answer_check_row(&qn, a, &bad, w, sizeof w);
  ok(rc == MJ_EVALIDATE && bad == 1 && strstr(w, "question 'why' is required"),
     "nps 2, why blank: refused, blaming why (%s)", w);
  parse(&qs[0], "", &a[0]);
  ok(!mj__answer_asked(&qn, a, 1), "a skipped nps makes nps <= 6 false");
  mj__arena_free(&arena);
}

int main(void)
{
  plan(51);
  mj_question s5 = question("staff", MJ_Q_SCALE, 1, 5, 1);
  mj_question s5x = question("speed", MJ_Q_SCALE, 1, 5, 0);
  mj_question nps = question("nps", MJ_Q_NPS, 0, 10, 0);
  mj_question nps0 = question("nps0", MJ_Q_NPS, 0, 0, 0); /* range unset */
  mj_question txt = question("why", MJ_Q_TEXT, 0, 0, 0);
  mj_question shorttxt = question("short", MJ_Q_TEXT, 0, 0, 0);
  shorttxt.max_len = 5;
  mj_question req = question("must", MJ_Q_SCALE, 1, 5, 0);
  req.required = 1;

  /* skipped and N/A */
  state_is(&s5, "", MJ_ANSWER_SKIPPED);
  state_is(&s5, "   ", MJ_ANSWER_SKIPPED);
  state_is(&s5, "NA", MJ_ANSWER_NA);
  state_is(&s5, "n/a", MJ_ANSWER_NA);
  state_is(&s5, " N/A ", MJ_ANSWER_NA);
  state_is(&s5, "No Experience", MJ_ANSWER_NA);
  state_is(&s5, "sin experiencia", MJ_ANSWER_NA);
  refused(&s5x, "NA", "N/A not allowed");
  refused(&s5x, "no experience", "N/A not allowed");
  refused(&nps, "n/a", "N/A not allowed");
  refused(&req, "", "an answer is required");
  refused(&req, "NA", "N/A not allowed");

  /* scales */
  value_is(&s5, "1", 1);
  value_is(&s5, "5", 5);
  value_is(&s5, " 3 ", 3);
  value_is(&s5, "4.0", 4);
  value_is(&s5, "+2", 2);
  refused(&s5, "0", "0 is outside 1..5");
  refused(&s5, "6", "6 is outside 1..5");
  refused(&s5, "-1", "-1 is outside 1..5");
  refused(&s5, "3.5", "3.5 is not a whole number");
  refused(&s5, "abc", "'abc' is not a number");
  refused(&s5, "3a", "'3a' is not a number");
  refused(&s5, "0x3", "is not a number");
  refused(&s5, "1e0", "is not a number");
  refused(&s5, ".", "is not a number");

  /* NPS */
  value_is(&nps, "0", 0);
  value_is(&nps, "10", 10);
  refused(&nps, "11", "11 is outside 0..10");
  value_is(&nps0, "10", 10);
  refused(&nps0, "11", "11 is outside 0..10");
  refused(&nps, "99999999999999999999", "is outside 0..10");

  /* text */
  mj_answer_rec a;
  const char *t = "  Tardaron mucho en atender  ";
  int rc = parse(&txt, t, &a);
  ok(rc == MJ_OK && a.state == MJ_ANSWER_VALUE && a.text == t,
     "text is kept as written");
  rc = parse(&txt, "N/A", &a);
  ok(rc == MJ_OK && a.state == MJ_ANSWER_VALUE && strcmp(a.text, "N/A") == 0,
     "text without allow_na keeps \"N/A\" as text");
  rc = parse(&txt, "Obsługa była świetna, спасибо", &a);
  ok(rc == MJ_OK && a.state == MJ_ANSWER_VALUE, "UTF-8 text accepted");
  refused(&txt, "caf\xe9", "not valid UTF-8 (byte 4)");
  refused(&txt, "\xc0\xaf", "not valid UTF-8 (byte 1)");     /* overlong */
  refused(&txt, "\xed\xa0\x80", "not valid UTF-8 (byte 1)"); /* surrogate */
  refused(&txt, "ok\xe2\x82", "not valid UTF-8 (byte 3)");   /* truncated */
  static char big[4098];
  memset(big, 'x', 4097);
  refused(&txt, big, "4097 bytes long, more than the 4096 allowed");
  refused(&shorttxt, "123456", "6 bytes long, more than the 5 allowed");

  conditions();
  return tap_done();
}
