/*
** Question types and their logic: every type of the DSL parsed and
** refused with reasons, ask_if and constraint expressions compiled at load
** (errors with file:line) and checked per response, points groups, label
** sets in five languages, and the templates a playbook requires.
*/
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "tap.h"

static char why[512];

static mj_engine *engine(void)
{
  mj_opts o;
  mj_opts_init(&o);
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  return e;
}

static const mj_question *qn_q(const mj_questionnaire *qn, const char *id)
{
  const mj_question *q = qn ? mj__model_question(qn, id) : NULL;
  if (!q)
    bail("no question '%s'", id);
  return q;
}

static const char *tag(const mj_question *q, const char *key)
{
  for (size_t i = 0; i < q->n_tags; i++)
    if (strcmp(q->tags[i].key, key) == 0)
      return q->tags[i].value;
  return NULL;
}

static int parse(const mj_question *q, const char *s, mj_answer_rec *a)
{
  return mj__answer_parse(q, s, strlen(s), a, why, sizeof why);
}

static void num_is(const mj_question *q, const char *s, double want)
{
  mj_answer_rec a;
  int rc = parse(q, s, &a);
  ok(rc == MJ_OK && a.state == MJ_ANSWER_VALUE && a.num == want,
     "%s: '%s' is %g (%s)", q->id, s, want, why);
}

static void text_is(const mj_question *q, const char *s, const char *want)
{
  mj_answer_rec a;
  int rc = parse(q, s, &a);
  ok(rc == MJ_OK && a.state == MJ_ANSWER_VALUE && a.text &&
         strcmp(a.text, want) == 0,
     "%s: '%s' stored as '%s' (%s)", q->id, s, want, why);
}

static void refused(const mj_question *q, const char *s, const char *reason)
{
  mj_answer_rec a;
  int rc = parse(q, s, &a);
  ok(rc == MJ_EVALIDATE && strstr(why, reason) != NULL,
     "%s: '%s' refused with \"%s\" (got \"%s\")", q->id, s, reason, why);
}

/*
** One response: cells in question order, parsed then checked as a row.
** Returns the status; *bad is the question blamed.
*/
static int row(const mj_questionnaire *qn, const char *const *cells,
               size_t *bad)
{
  mj_answer_rec *a = calloc(qn->n_questions, sizeof *a);
  if (!a)
    bail("out of memory");
  int rc = MJ_OK;
  for (size_t i = 0; rc == MJ_OK && i < qn->n_questions; i++) {
    const char *c = cells[i] ? cells[i] : "";
    rc = mj__answer_parse(&qn->questions[i], c, strlen(c), &a[i], why,
                          sizeof why);
    *bad = i;
  }
  if (rc == MJ_OK)
    rc = mj__answer_check_row(qn, a, bad, why, sizeof why);
  free(a);
  return rc;
}

static void row_ok(const mj_questionnaire *qn, const char *const *cells,
                   const char *desc)
{
  size_t bad = 0;
  int rc = row(qn, cells, &bad);
  ok(rc == MJ_OK, "row passes: %s (%s)", desc, why);
}

static void row_bad(const mj_questionnaire *qn, const char *const *cells,
                    const char *blame, const char *reason, const char *desc)
{
  size_t bad = SIZE_MAX;
  int rc = row(qn, cells, &bad);
  ok(rc == MJ_EVALIDATE && bad < qn->n_questions &&
         strcmp(qn->questions[bad].id, blame) == 0 &&
         strstr(why, reason) != NULL,
     "row refused: %s: blames '%s' with \"%s\" (got '%s': \"%s\")", desc,
     blame, reason, bad < qn->n_questions ? qn->questions[bad].id : "?", why);
}

/* ---- the model ---------------------------------------------------------- */

static void model(const mj_model *m)
{
  const mj_questionnaire *qn = mj__model_questionnaire(m, "all");
  is_int(16, qn ? (long long)qn->n_questions : 0, "'all' has 16 questions");
  is_string("es", qn ? qn->lang : NULL, "questionnaire default lang");
  const mj_question *q = qn_q(qn, "visited");
  ok(q->kind == MJ_Q_YESNO && q->min == 0 && q->max == 1 && q->required,
     "yesno: kind, 0..1, required");
  is_string("intro", q->section, "section kept");
  is_string("Did you visit?", mj__i18n_get(&q->text, "pl"),
            "text falls back to en for a language not given");
  q = qn_q(qn, "effort");
  ok(q->kind == MJ_Q_SCALE && q->min == 1 && q->max == 7 &&
         strcmp(q->type, "ces") == 0,
     "ces: a 1..7 scale typed \"ces\"");
  q = qn_q(qn, "channel");
  ok(q->kind == MJ_Q_CHOICE && q->n_choices == 2 && q->randomize &&
         strcmp(q->choices[1].code, "web") == 0,
     "choice: codes in order, randomize");
  is_string("Website", mj__i18n_get(&q->choices[1].label, "en"),
            "choice label per language");
  ok(q->choices[0].label.n == 0, "a plain code has no label");
  q = qn_q(qn, "topics");
  ok(q->kind == MJ_Q_MULTI && q->other && q->n_choices == 3, "multi + other");
  q = qn_q(qn, "wait_min");
  ok(q->kind == MJ_Q_NUMBER && q->has_num_min && q->num_max == 240 &&
         q->integer && q->has_cons_max && q->cons_max == 120 &&
         q->ask_if_cond != NULL,
     "number: range, integer, constraint, compiled ask_if");
  q = qn_q(qn, "spent");
  ok(q->cons_cond != NULL && q->has_num_min && !q->has_num_max,
     "constraint expr compiled; open-ended max");
  q = qn_q(qn, "w_wait");
  ok(q->kind == MJ_Q_POINTS && q->total == 100 && q->num_max == 100 &&
         strcmp(q->group, "weights") == 0,
     "points: group and total");
  q = qn_q(qn, "kano_f");
  is_string("chat", tag(q, "kano"), "kano pair tagged");
}

/* ---- each type ----------------------------------------------------------- */

static void types(const mj_model *m)
{
  const mj_questionnaire *qn = mj__model_questionnaire(m, "all");
  const mj_question *yn = qn_q(qn, "visited");
  num_is(yn, "yes", 1);
  num_is(yn, "Sí", 1);
  num_is(yn, "tak", 1);
  num_is(yn, "да", 1);
  num_is(yn, "No", 0);
  num_is(yn, "não", 0);
  text_is(yn, "TRUE", "yes");
  refused(yn, "maybe", "'maybe' is not yes or no");
  refused(yn, "", "an answer is required");

  const mj_question *ces = qn_q(qn, "effort");
  num_is(ces, "7", 7);
  refused(ces, "8", "8 is outside 1..7");

  const mj_question *ch = qn_q(qn, "channel");
  text_is(ch, "phone", "phone");
  text_is(ch, " WEB ", "web");
  text_is(ch, "Página web", "web");
  refused(ch, "fax", "'fax' is not one of the options (phone, web)");
  refused(ch, "other:fax", "not one of the options");

  const mj_question *mu = qn_q(qn, "topics");
  text_is(mu, "price;wait", "price;wait");
  text_is(mu, "staff; other: parking", "staff; other: parking");
  refused(mu, "price;price", "option 'price' is given twice");
  refused(mu, "price;;wait", "an empty option between ';'");
  refused(mu, "price;food", "'food' is not one of the options (price, staff, "
                            "wait, other:TEXT");
  refused(mu, "other:", "not one of the options");

  const mj_question *nu = qn_q(qn, "wait_min");
  num_is(nu, "45", 45);
  num_is(nu, "0", 0);
  refused(nu, "2.5", "2.5 is not a whole number");
  refused(nu, "241", "241 is outside 0..240");
  refused(nu, "130", "more than two hours: check the value");
  refused(nu, "-1", "-1 is outside 0..240");
  refused(nu, "ten", "'ten' is not a number");
  const mj_question *sp = qn_q(qn, "spent");
  num_is(sp, "12.75", 12.75);
  refused(sp, "12,75", "write decimals with a point");
  refused(sp, "-3", "less than 0");

  const mj_question *dt = qn_q(qn, "when");
  num_is(dt, "1970-01-02", 1);
  num_is(dt, "2024-02-29", 19782);
  refused(dt, "2023-02-29", "2023-02-29 is not a day of the calendar");
  refused(dt, "31/05/2024", "is not a date (write it as YYYY-MM-DD");
  refused(dt, "2024-5-31", "is not a date");

  const mj_question *pt = qn_q(qn, "w_price");
  num_is(pt, "40", 40);
  refused(pt, "-5", "points cannot be negative");
  refused(pt, "101", "101 is outside 0..100");
}

/* ---- rows: ask_if, required when asked, constraints, points ------------- */

static void rows(const mj_model *m)
{
  const mj_questionnaire *qn = mj__model_questionnaire(m, "all");
  /* visited staff nps why effort channel topics wait_min spent when late
  ** w_price w_staff w_wait again kano_f */
  const char *base[16] = {"yes", "4",   "9",  NULL, "6",  "web", "price",
                          NULL,  "20",  NULL, NULL, "50", "30",  "20",
                          NULL,  "1"};
  const char *r[16];
#define RESET() memcpy(r, base, sizeof r)
  RESET();
  row_ok(qn, r, "a complete response");
  RESET();
  r[0] = "no";
  r[1] = NULL;
  r[8] = "5";
  row_ok(qn, r, "not visited: staff not asked and left blank");
  RESET();
  r[0] = "no";
  r[8] = "5";
  row_bad(qn, r, "staff", "is answered but was not to be asked",
          "staff answered although visited is no");
  contains(why, "visited == 'yes'", "the reason quotes the condition");
  RESET();
  r[2] = "3";
  row_bad(qn, r, "why", "required when its ask_if \"nps <= 6\" holds",
          "a detractor must say why");
  RESET();
  r[2] = "3";
  r[3] = "slow";
  row_ok(qn, r, "a detractor who says why");
  RESET();
  r[3] = "great";
  row_bad(qn, r, "why", "not to be asked", "a promoter's why is refused");
  RESET();
  r[2] = NULL;
  row_bad(qn, r, "nps", "an answer is required", "nps is required");
  RESET();
  r[6] = "price;wait";
  r[7] = "30";
  row_ok(qn, r, "topics has 'wait': wait_min asked");
  RESET();
  r[7] = "30";
  row_bad(qn, r, "wait_min", "not to be asked", "wait_min without 'wait'");
  RESET();
  r[6] = "other:parking";
  row_ok(qn, r, "other:TEXT in a multi");
  RESET();
  r[0] = "no";
  r[1] = NULL;
  r[8] = "15";
  row_bad(qn, r, "spent", "question 'spent': only visitors spend over 10",
          "constraint expr with its message");
  RESET();
  r[9] = "2023-12-31";
  row_bad(qn, r, "when", "breaks its constraint \". >= '2024-01-01'\"",
          "date constraint, default message");
  RESET();
  r[9] = "2024-03-01";
  r[5] = "phone";
  r[10] = "yes";
  row_ok(qn, r, "late asked: early date and not web");
  RESET();
  r[9] = "2024-03-01";
  r[10] = "yes";
  row_bad(qn, r, "late", "not to be asked", "late not asked via web");
  RESET();
  r[13] = "10";
  row_bad(qn, r, "w_price",
          "the points of group 'weights' (w_price, w_staff, w_wait) add up "
          "to 90; they must add up to 100",
          "points must sum to the total");
  RESET();
  r[11] = r[12] = r[13] = NULL;
  row_ok(qn, r, "a points group left blank is skipped");
  RESET();
  r[11] = "100";
  r[12] = r[13] = NULL;
  row_ok(qn, r, "blank points count as zero");
  RESET();
  r[1] = "N/A";
  r[14] = "yes";
  row_ok(qn, r, "answered(nps) and na(staff)");
  RESET();
  r[14] = "yes";
  row_bad(qn, r, "again", "not to be asked", "na(staff) is false");
}

/* ---- load-time errors ---------------------------------------------------- */

typedef struct bad {
  const char *src;
  int line;
  const char *text;
} bad;

static void bad_playbooks(void)
{
  static const bad cases[] = {
      {"questionnaire 'q' {\n question 'a' { type = 'nps' },\n"
       " question 'b' { type = 'text', ask_if = 'c > 3' },\n"
       " question 'c' { type = 'nps' } }",
       3, "question \"b\": ask_if \"c > 3\": at column 1: question 'c' is "
          "asked after this one"},
      {"questionnaire 'q' {\n question 'a' { type = 'nps' },\n"
       " question 'b' { type = 'text', ask_if = 'x > 3' } }",
       3, "ask_if \"x > 3\": at column 1: no question 'x' in questionnaire "
          "'q'"},
      {"questionnaire 'q' {\n question 'a' { type = 'nps' },\n"
       " question 'b' { type = 'text',\n ask_if = 'a = 3' } }",
       4, "at column 3: '=' assigns; write '==' to compare"},
      {"questionnaire 'q' {\n question 'a' { type = 'nps' },\n"
       " question 'b' { type = 'text', ask_if = \"a == 'x'\" } }",
       3, "'a' is answered with a number; compare it with a number"},
      {"questionnaire 'q' {\n question 'a' { type = 'choice', choices = "
       "{ 'x', 'y' } },\n question 'b' { type = 'text', ask_if = \"a == 'z'\" "
       "} }",
       3, "'z' is not an option of 'a' (options: x, y)"},
      {"questionnaire 'q' {\n question 'a' { type = 'multi', choices = "
       "{ 'x' } },\n question 'b' { type = 'text', ask_if = \"a == 'x'\" } }",
       3, "test one with a has 'CODE'"},
      {"questionnaire 'q' {\n question 'a' { type = 'yesno' },\n"
       " question 'b' { type = 'text', ask_if = \"a == 'x' and\" } }",
       3, "'a' is yes or no, never 'x'"},
      {"questionnaire 'q' {\n question 'a' { type = 'date' },\n"
       " question 'b' { type = 'text', ask_if = \"a > '2024-13-01'\" } }",
       3, "'a' is a date; compare it with 'YYYY-MM-DD'"},
      {"questionnaire 'q' {\n question 'a' { type = 'nps' },\n"
       " question 'b' { type = 'text', ask_if = 'a <= 6 b' } }",
       3, "at column 8: unexpected 'b'"},
      {"questionnaire 'q' {\n question 'a' { type = 'nps',\n"
       " ask_if = '. > 3' } }",
       3, "'.' (this question's answer) is for constraints"},
      {"questionnaire 'q' {\n question 'a' { type = 'choice' } }", 2,
       "question \"a\": a \"choice\" question needs choices"},
      {"questionnaire 'q' {\n question 'a' { type = 'choice',\n"
       " choices = { 'x', 'X' } } }",
       3, "option \"X\" is listed twice (options 1 and 2)"},
      {"questionnaire 'q' {\n question 'a' { type = 'multi',\n"
       " choices = { 'a;b' } } }",
       3, "option 1, \"a;b\", is not a usable code"},
      {"questionnaire 'q' {\n question 'a' { type = 'multi',\n"
       " choices = { 'other' } } }",
       3, "write other = true"},
      {"questionnaire 'q' {\n question 'a' { type = 'choice',\n"
       " choices = { { label = 'X' } } } }",
       3, "'choices' must be a list of option codes"},
      {"questionnaire 'q' {\n question 'a' { type = 'scale5',\n"
       " min = 0 } }",
       3, "'min' is for number questions only, and this is \"scale5\""},
      {"questionnaire 'q' {\n question 'a' { type = 'number',\n"
       " min = 5, max = 1 } }",
       3, "min 5 is more than max 1"},
      {"questionnaire 'q' {\n question 'a' { type = 'points', total = 100 }"
       " }",
       2, "a \"points\" question needs group = \"NAME\" and total = N"},
      {"questionnaire 'q' {\n question 'a' { type = 'points', group = 'g',"
       " total = 100 },\n question 'b' { type = 'points', group = 'g',\n"
       " total = 10 } }",
       4, "group 'g' sums to 10 here but to 100 at question \"a\""},
      {"questionnaire 'q' {\n question 'a' { type = 'text',\n"
       " constraint = { max = 3 } } }",
       3, "constraint min/max bound numbers; for \"text\" write expr"},
      {"questionnaire 'q' {\n question 'a' { type = 'number',\n"
       " constraint = { message = 'x' } } }",
       3, "a constraint needs min, max or expr"},
      {"questionnaire 'q' {\n question 'a' { type = 'yesno',\n"
       " labels = 'no-yes' } }",
       3, "'labels' is for scale questions only"},
      {"questionnaire 'q' {\n question 'a' { type = 'rating' } }", 2,
       "type \"rating\" is not a question type; use \"scale2\" .. "
       "\"scale11\", \"nps\", \"ces\""},
      {"questionnaire 'q' {\n { question 'a' { type = 'nps' }, 'x' } }", 1,
       "item 1 of a list is string, not a question"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const bad *b = &cases[i];
    mj_engine *e = engine();
    int rc = mj_playbook_load_buffer(e, "t.lua", b->src, strlen(b->src));
    char want[600];
    snprintf(want, sizeof want, "t.lua:%d: ", b->line);
    ok(rc == MJ_EVALIDATE && strncmp(mj_errmsg(e), want, strlen(want)) == 0 &&
           strstr(mj_errmsg(e), b->text) != NULL,
       "bad playbook %zu refused at line %d with \"%s\" (got %d: %s)", i + 1,
       b->line, b->text, rc, mj_errmsg(e));
    mj_engine_free(e);
  }
}

/* ---- templates ----------------------------------------------------------- */

static void templates(const mj_model *m)
{
  const mj_questionnaire *sq = mj__model_questionnaire(m, "servqual");
  is_int(49, sq ? (long long)sq->n_questions : 0,
         "servqual: 22 expectations + 22 perceptions + 5 weights");
  size_t per_dim[5] = {0};
  static const char *const dims[5] = {"tangibles", "reliability",
                                      "responsiveness", "assurance",
                                      "empathy"};
  size_t exp = 0, per = 0, imp = 0, bad_scale = 0;
  for (size_t i = 0; sq && i < sq->n_questions; i++) {
    const mj_question *q = &sq->questions[i];
    const char *role = tag(q, "role"), *dim = tag(q, "dimension");
    exp += role && strcmp(role, "expectation") == 0;
    per += role && strcmp(role, "perception") == 0;
    imp += role && strcmp(role, "importance") == 0;
    if (role && strcmp(role, "perception") == 0)
      for (size_t d = 0; d < 5; d++)
        per_dim[d] += dim && strcmp(dim, dims[d]) == 0;
    if (role && strcmp(role, "importance") != 0 &&
        (q->kind != MJ_Q_SCALE || q->max != 7 || !q->allow_na ||
         !mj__i18n_get(&q->text, "es") || q->text.n != 2))
      bad_scale++;
  }
  ok(exp == 22 && per == 22 && imp == 5, "servqual roles: 22/22/5");
  ok(per_dim[0] == 4 && per_dim[1] == 5 && per_dim[2] == 4 &&
         per_dim[3] == 4 && per_dim[4] == 5,
     "servqual items per dimension 4/5/4/4/5");
  is_int(0, (long long)bad_scale, "every item: 1..7, N/A allowed, es + en");
  const mj_question *p1 = qn_q(sq, "sq_p01");
  is_string("Sol has modern-looking equipment.", mj__i18n_get(&p1->text, "en"),
            "perception names the company");
  is_string("T1", tag(p1, "servqual"), "item code tag");
  const mj_question *e22 = qn_q(sq, "sq_e22");
  is_string("E5", tag(e22, "servqual"), "item 22 is E5");
  contains(mj__i18n_get(&e22->text, "es"), "Las empresas excelentes",
           "Spanish expectation wording");

  const mj_questionnaire *rel = mj__model_questionnaire(m, "relation");
  is_int(1 + 3 + 2 + 2, rel ? (long long)rel->n_questions : 0,
         "relation: own question + nps(3) + csat(2) + ces(2) spliced");
  const mj_question *npsq = qn_q(rel, "nps");
  ok(npsq->kind == MJ_Q_NPS && npsq->required, "nps template: required nps");
  contains(mj__i18n_get(&npsq->text, "es"), "recomiende a Sol",
           "nps names the company");
  const char *r1[8] = {"x", "9", "fast", NULL, "5", NULL, "7", NULL};
  row_ok(rel, r1, "promoter: no improve question");
  const char *r2[8] = {"x", "7", "fast", "more staff", "5", NULL, "7", NULL};
  row_ok(rel, r2, "a passive is asked what would raise the score");
  r1[3] = "more staff";
  row_bad(rel, r1, "nps_improve", "\"nps <= 8\" is false",
          "a promoter is not asked to improve");
  const char *r3[8] = {"x", "9", NULL, NULL, "2", NULL, "1", "hard"};
  row_ok(rel, r3, "csat/ces reasons asked on low scores");
  const char *r4[8] = {"x", "9", NULL, NULL, "5", "why", "7", NULL};
  row_bad(rel, r4, "csat_reason", "not to be asked",
          "csat reason on a high score");
  ok(strcmp(qn_q(rel, "ces")->labels, "effort-7") == 0,
     "ces template uses effort-7");

  const mj_questionnaire *ft = mj__model_questionnaire(m, "features");
  is_int(4, ft ? (long long)ft->n_questions : 0, "kano: 2 features x 2");
  const mj_question *kd = qn_q(ft, "kano_callback_d");
  ok(strcmp(tag(kd, "kano"), "callback") == 0 &&
         strcmp(tag(kd, "side"), "dysfunctional") == 0 &&
         strcmp(kd->labels, "kano") == 0,
     "kano dysfunctional question tagged");

  const mj_questionnaire *ms = mj__model_questionnaire(m, "mystery");
  is_int(11 + 9 + 6, ms ? (long long)ms->n_questions : 0,
         "mystery: 11 objective + 8 ratings + notes + 6 protocol points");
  ok(qn_q(ms, "ms_hold_s")->ask_if_cond != NULL &&
         qn_q(ms, "pp_commit")->kind == MJ_Q_YESNO,
     "hold time asked only after a hold; protocol points are yes/no");
  is_string("phone-protocol", tag(qn_q(ms, "pp_greet"), "checklist"),
            "protocol tagged");

  const mj_questionnaire *cp = mj__model_questionnaire(m, "complaint");
  is_int(7, cp ? (long long)cp->n_questions : 0, "complaint: 7 questions");
  const char *c1[7] = {"2024-05-02", "Teléfono", "wait;other:rude", "long",
                       NULL, "no", NULL};
  row_ok(cp, c1, "complaint without contact");
  const char *c2[7] = {"2024-05-02", "phone", "wait", "long", NULL, "sí",
                       NULL};
  row_bad(cp, c2, "cmp_contact_by", "required when its ask_if",
          "contact channel required once contact is accepted");
}

int main(void)
{
  plan(124);
  char path[1200];
  const char *src = getenv("top_srcdir");
  snprintf(path, sizeof path, "%s/tests/lua/questions.lua",
           src ? src : MJ_BUILD_LUADIR "/..");
  mj_engine *e = engine();
  int rc = mj_playbook_load(e, path);
  if (!is_int(MJ_OK, rc, "questions.lua loads (%s)", mj_errmsg(e)))
    bail("cannot go on without the model");
  const mj_model *m = e->model;
  model(m);
  types(m);
  rows(m);
  bad_playbooks();
  templates(m);
  mj_engine_free(e);
  return tap_done();
}
