/*
** The interview API without a terminal: questions in the customer's
** language with the label set's texts, validation as answers are given,
** ask_if, options by number, a points group checked at its last question,
** a draft that survives the interview object, and the stored response.
** Then: options shown in a per-interview random order that a resume keeps
** (numbers mean the options as shown, codes are stored), the language
** fallback (customer's, questionnaire's, English, first) for question
** texts, option labels and scale labels, and the invitation marked
** answered when the interview of an invited customer is stored.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "customer \"P\" { lang = \"pt\" }\n"
    "customer \"X\" { consent = false }\n"
    "questionnaire \"q\" {\n"
    "  question \"sat\" { type = \"scale5\", labels = \"excellent-poor\",\n"
    "    required = true, text = { en = \"How was it?\", pt = \"Como foi?\" } "
    "},\n"
    "  question \"why\" { type = \"text\", ask_if = \"sat <= 2\" },\n"
    "  question \"via\" { type = \"choice\", choices = { \"shop\", \"web\" } "
    "},\n"
    "  question \"a\" { type = \"points\", group = \"g\", total = 10 },\n"
    "  question \"b\" { type = \"points\", group = \"g\", total = 10 },\n"
    "}\n";

static char store[600], pb[600];

static mj_engine *engine_with(const char *text)
{
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  if (mj_playbook_load_buffer(e, pb, text, strlen(text)) != MJ_OK)
    bail("playbook: %s", mj_errmsg(e));
  return e;
}

static mj_engine *engine(void)
{
  return engine_with(playbook);
}

/* ---- randomized options, languages, invitations ---------------------- */

static const char playbook2[] =
    "customer \"F\" { lang = \"fr\" }\n"
    "customer \"N\" {}\n"
    "customer \"R1\" {}\n customer \"R2\" {}\n customer \"R3\" {}\n"
    "customer \"R4\" {}\n customer \"R5\" {}\n customer \"R6\" {}\n"
    "questionnaire \"es\" { lang = \"es\",\n"
    "  question \"sat\" { type = \"scale5\", labels = \"excellent-poor\",\n"
    "    text = { en = \"How was it?\", es = \"¿Qué tal?\" } },\n"
    "  question \"via\" { type = \"choice\", randomize = true, other = true,\n"
    "    text = { en = \"Which way?\", es = \"¿Por dónde?\" },\n"
    "    choices = { { code = \"shop\", label = { en = \"Shop\", es = "
    "\"Tienda\" } },\n"
    "                \"web\", \"phone\", \"mail\", \"app\", \"fax\",\n"
    "                { code = \"none\", anchor = true } } },\n"
    "  question \"also\" { type = \"multi\", randomize = true,\n"
    "    choices = { { code = \"a\", anchor = true }, \"b\", \"c\", \"d\",\n"
    "                \"e\", \"f\" } },\n"
    "  question \"fixed\" { type = \"choice\", choices = { \"x\", \"y\", "
    "\"z\" } },\n"
    "}\n"
    "questionnaire \"plain\" {\n"
    "  question \"t1\" { type = \"text\", text = { pt = \"Olá\", es = \"Hola\" "
    "} },\n"
    "  question \"t2\" { type = \"text\", text = { pt = \"Olá\", en = "
    "\"Hello\" } },\n"
    "}\n"
    "sample \"all\" { questionnaire = \"es\", size = 8, seed = 7 }\n";

/* The codes of the item as shown, joined by ','. */
static void shown(const mj_interview_item *it, char *buf, size_t n)
{
  buf[0] = 0;
  for (size_t i = 0; it && i < it->n_labels; i++)
    snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? "," : "",
             it->codes[i]);
}

/* Is the list a permutation of the codes given? */
static int permutation(const char *list, const char *const *codes, size_t n)
{
  size_t found = 0, commas = 0;
  for (const char *p = list; *p; p++)
    commas += *p == ',';
  char d[400];
  snprintf(d, sizeof d, ",%s,", list);
  for (size_t i = 0; i < n; i++) {
    char b[40];
    snprintf(b, sizeof b, ",%s,", codes[i]);
    found += strstr(d, b) != NULL;
  }
  return found == n && commas + 1 == n;
}

static void random_order(void)
{
  mj_engine *e = engine_with(playbook2);
  static const char *const via[] = {"shop", "web", "phone", "mail",
                                    "app",  "fax", "none"};
  static const char *const also[] = {"a", "b", "c", "d", "e", "f"};

  /* The invitations first, so that the interviews below answer them. */
  char *text = NULL;
  is_int(MJ_OK, mj_sample_draw(e, "all", "json", &text, NULL),
         "a sample of every customer is drawn");
  mj_free(text);

  mj_interview *iv = NULL;
  const mj_interview_item *it = NULL;
  is_int(MJ_OK, mj_interview_open(e, "es", "F", &iv), "interview of F (fr)");
  is_string("fr", mj_interview_lang(iv), "its language is the customer's");
  mj_interview_next(iv, &it);
  is_string("¿Qué tal?", it ? it->text : "",
            "a text without fr falls back to the questionnaire's es");
  is_string("Excelente", it && it->n_labels == 5 ? it->labels[4] : "",
            "the scale's labels too (es, not en)");
  is_string("Pobre", it && it->n_labels == 5 ? it->labels[0] : "",
            "from the first point");
  is_int(MJ_OK, mj_interview_answer(iv, "5"), "sat answered");
  mj_interview_next(iv, &it);
  char first[200], again[200];
  shown(it, first, sizeof first);
  ok(permutation(first, via, 7), "the options shown are the seven codes (%s)",
     first);
  is_string("none", it && it->n_labels == 7 ? it->codes[6] : "",
            "an anchored option stays where declared (last)");
  const char *shop_label = NULL, *web_label = NULL;
  for (size_t i = 0; it && i < it->n_labels; i++) {
    if (!strcmp(it->codes[i], "shop"))
      shop_label = it->labels[i];
    if (!strcmp(it->codes[i], "web"))
      web_label = it->labels[i];
  }
  is_string("Tienda", shop_label, "an option's label falls back to es");
  is_string("web", web_label, "an option without a label shows its code");
  contains(it ? it->hint : "", "other:TEXT",
           "other:TEXT is offered after the options");
  mj_interview_save(iv); /* stopped before answering */
  mj_interview_free(iv);

  iv = NULL;
  is_int(MJ_OK, mj_interview_open(e, "es", "F", &iv), "F resumed");
  mj_interview_next(iv, &it);
  shown(it, again, sizeof again);
  is_string(first, again, "a resumed interview shows the same order");
  char want[40];
  snprintf(want, sizeof want, "%s", it && it->n_labels ? it->codes[2] : "?");
  is_int(MJ_OK, mj_interview_answer(iv, "3"), "option 3 as shown");
  mj_interview_next(iv, &it);
  shown(it, again, sizeof again);
  ok(permutation(again, also, 6), "a multi question is shuffled too (%s)",
     again);
  is_string("a", it && it->n_labels == 6 ? it->codes[0] : "",
            "an anchored first option stays first");
  char multi[40];
  snprintf(multi, sizeof multi, "%s;%s",
           it && it->n_labels == 6 ? it->codes[4] : "?",
           it && it->n_labels == 6 ? it->codes[0] : "?");
  is_int(MJ_OK, mj_interview_answer(iv, "5;1"), "multi: options 5 and 1");
  mj_interview_next(iv, &it);
  shown(it, again, sizeof again);
  is_string("x,y,z", again, "without randomize the declared order is kept");
  is_int(MJ_OK, mj_interview_answer(iv, "2"), "fixed: option 2");
  mj_interview_next(iv, &it);
  ok(it == NULL, "F: every question asked");
  const char *rid = NULL;
  is_int(MJ_OK, mj_interview_finish(iv, &rid), "F's response is stored");
  mj_interview_free(iv);

  char *csv = NULL;
  mj_responses_export(e, "es", "csv", 0, &csv, NULL);
  char row[200];
  snprintf(row, sizeof row, ",5,%s,%s,y", want, multi);
  contains(csv ? csv : "", row,
           "the codes of the options shown are stored, never positions");
  mj_free(csv);

  char *js = NULL;
  is_int(MJ_OK, mj_invitations_list(e, "all", "json", 0, &js, NULL),
         "the sample's invitations are listed");
  json_t *a = js ? json_loads(js, 0, NULL) : NULL;
  mj_free(js);
  size_t i, answered = 0, f_answered = 0;
  json_t *o;
  json_array_foreach(a, i, o)
  {
    int yes = json_is_true(json_object_get(o, "answered"));
    answered += yes;
    if (!strcmp(json_string_value(json_object_get(o, "customer")), "F"))
      f_answered = yes;
  }
  is_int(8, (long long)json_array_size(a), "eight invitations");
  ok(f_answered && answered == 1,
     "F's invitation is answered, and only F's (%zu answered)", answered);
  json_decref(a);
  js = NULL;
  mj_invitations_list(e, NULL, "json", MJ_INVITATIONS_PENDING, &js, NULL);
  a = js ? json_loads(js, 0, NULL) : NULL;
  mj_free(js);
  is_int(7, (long long)json_array_size(a), "seven are still pending");
  json_decref(a);

  /* Six fresh interviews: random orders differ between interviews (all
  ** six alike has probability 720^-5), and an anchored option never
  ** moves. */
  static const char *const rs[] = {"R1", "R2", "R3", "R4", "R5", "R6"};
  int differ = 0;
  for (size_t k = 0; k < 6; k++) {
    iv = NULL;
    if (mj_interview_open(e, "es", rs[k], &iv) != MJ_OK)
      break;
    mj_interview_next(iv, &it);
    mj_interview_answer(iv, "");
    mj_interview_next(iv, &it);
    shown(it, again, sizeof again);
    differ |= strcmp(again, first) != 0;
    if (strcmp(it && it->n_labels == 7 ? it->codes[6] : "", "none"))
      differ = -100;
    mj_interview_free(iv);
  }
  ok(differ > 0, "the order is drawn per interview, anchors kept");

  iv = NULL;
  is_int(MJ_OK, mj_interview_open(e, "es", "N", &iv),
         "a customer without a language");
  is_string("es", mj_interview_lang(iv), "is asked in the questionnaire's");
  mj_interview_free(iv);

  iv = NULL;
  is_int(MJ_OK, mj_interview_open(e, "plain", "F", &iv),
         "no language anywhere but the texts'");
  mj_interview_next(iv, &it);
  is_string("Hola", it ? it->text : "", "neither fr nor en: the first (es)");
  mj_interview_answer(iv, "q");
  mj_interview_next(iv, &it);
  is_string("Hello", it ? it->text : "", "en before the first");
  mj_interview_back(iv);
  mj_interview_next(iv, &it);
  is_string("t1", it ? it->id : "", "back to t1");
  mj_interview_free(iv);
  mj_engine_free(e);

  mj_opts op;
  mj_opts_init(&op);
  op.store = store;
  if (mj_engine_new(&e, &op) != MJ_OK)
    bail("engine");
  static const char bad[] =
      "questionnaire \"b\" { question \"c\" { type = \"choice\",\n"
      "  choices = { \"x\", { code = \"y\", anchor = \"yes\" } } } }\n";
  is_int(MJ_EVALIDATE, mj_playbook_load_buffer(e, pb, bad, strlen(bad)),
         "anchor must be true or false");
  contains(mj_errmsg(e), "anchor = true", "the error shows how to write it");
  mj_engine_free(e);
}

int main(void)
{
  plan(24 + 36);
  char *dir = tap_tmpdir("interview");
  snprintf(store, sizeof store, "sqlite:%s/i.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  mj_engine *e = engine();
  mj_interview *iv = NULL;

  is_int(MJ_ENOTFOUND, mj_interview_open(e, "q", "nobody", &iv),
         "an unknown customer is not found");
  is_int(MJ_EINVAL, mj_interview_open(e, "q", "X", &iv),
         "a customer who opted out is refused");
  is_int(MJ_OK, mj_interview_open(e, "q", "P", &iv), "an interview opens");
  is_string("pt", mj_interview_lang(iv), "in the customer's language");
  is_int(0, mj_interview_resumed(iv), "fresh: nothing to resume");

  const mj_interview_item *it = NULL;
  mj_interview_next(iv, &it);
  is_string("Como foi?", it ? it->text : "", "the question in Portuguese");
  is_int(5, it ? (long long)it->n_labels : 0, "five labels");
  is_string("Excelente", it && it->n_labels == 5 ? it->labels[4] : "",
            "the best label in Portuguese");
  is_int(MJ_EVALIDATE, mj_interview_answer(iv, ""),
         "a required question cannot be skipped");
  is_int(MJ_EVALIDATE, mj_interview_answer(iv, "6"), "6 is off the scale");
  contains(mj_errmsg(e), "outside 1..5", "and the reason says so");
  is_int(MJ_OK, mj_interview_answer(iv, "4"), "4 is taken");
  mj_interview_next(iv, &it);
  is_string("via", it ? it->id : "", "ask_if skips 'why' when sat > 2");
  is_int(MJ_OK, mj_interview_answer(iv, "2"), "option 2 by its number");
  mj_interview_free(iv); /* interrupted here */

  iv = NULL;
  is_int(MJ_OK, mj_interview_open(e, "q", "P", &iv), "reopened");
  is_int(2, mj_interview_resumed(iv), "two answers come back from the draft");
  mj_interview_next(iv, &it);
  is_string("a", it ? it->id : "", "and it goes on at the next question");
  is_int(MJ_OK, mj_interview_answer(iv, "3"), "points: 3");
  is_int(MJ_EVALIDATE, mj_interview_answer(iv, "3"),
         "the group's last answer must make the total");
  is_int(MJ_OK, mj_interview_answer(iv, "7"), "3 + 7 = 10");
  mj_interview_next(iv, &it);
  ok(it == NULL, "every question asked");
  const char *rid = NULL;
  is_int(MJ_OK, mj_interview_finish(iv, &rid), "the response is stored");
  char *csv = NULL;
  mj_responses_export(e, "q", "csv", 0, &csv, NULL);
  char want[200];
  snprintf(want, sizeof want, "%s,P,,,", rid ? rid : "?");
  contains(csv ? csv : "", want, "export shows it");
  contains(csv ? csv : "", ",4,,web,3,7", "with the codes given");
  mj_free(csv);
  mj_interview_free(iv);
  mj_engine_free(e);

  snprintf(store, sizeof store, "sqlite:%s/j.db", dir);
  random_order();
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
