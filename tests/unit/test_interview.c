/*
** The interview API without a terminal: questions in the customer's
** language with the label set's texts, validation as answers are given,
** ask_if, options by number, a points group checked at its last question,
** a draft that survives the interview object, and the stored response.
*/
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

static mj_engine *engine(void)
{
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK ||
      mj_playbook_load_buffer(e, pb, playbook, strlen(playbook)) != MJ_OK)
    bail("engine");
  return e;
}

int main(void)
{
  plan(24);
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
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
