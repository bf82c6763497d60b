/*
** Sampling through the public API: sizes against the textbook formulas
** (doc/methods.md#sample-size-and-allocation: n0 = z^2 p(1-p)/e^2,
** Cochran's finite-population correction, proportional and Neyman
** allocation by largest remainder), reproducibility with a seed, consent
** and the fatigue rule, tokens.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static char *dir;

/* customers CSV: for each segment s, counts[s] customers; every one whose
** running number is a multiple of no_consent_every (if > 0) opted out. */
static void write_customers(const char *name, const char *const *segs,
                            const int *counts, size_t n, int no_consent_every)
{
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f)
    bail("cannot write %s", path);
  fprintf(f, "id,segment,name,lang,channel,email,consent\n");
  int k = 0;
  for (size_t s = 0; s < n; s++)
    for (int i = 0; i < counts[s]; i++, k++)
      fprintf(f, "c%05d,%s,N,%s,%s,c%d@example.com,%s\n", k, segs[s],
              k % 2 ? "es" : "en", k % 3 ? "email" : "phone", k,
              no_consent_every && k % no_consent_every == 0 ? "no" : "yes");
  fclose(f);
}

static mj_engine *engine(const char *pb, const char *store, int64_t now)
{
  mj_opts o;
  mj_opts_init(&o);
  char s[700], p[700];
  snprintf(s, sizeof s, "sqlite:%s/%s", dir, store);
  snprintf(p, sizeof p, "%s/playbook.lua", dir);
  o.store = s;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = now;
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  if (mj_playbook_load_buffer(e, p, pb, strlen(pb)) != MJ_OK)
    bail("playbook: %s", mj_errmsg(e));
  return e;
}

static json_t *draw(mj_engine *e, const char *name)
{
  char *text = NULL;
  int rc = mj_sample_draw(e, name, "json", &text, NULL);
  if (rc != MJ_OK) {
    diag("draw %s: %s", name, mj_errmsg(e));
    return NULL;
  }
  json_t *j = json_loads(text, 0, NULL);
  mj_free(text);
  return j;
}

static long long jint(json_t *o, const char *k)
{
  return (long long)json_integer_value(json_object_get(o, k));
}

/* The strata's n as "a,b,c" and their exact shares. */
static void strata(json_t *o, char *ns, size_t len, double *exact)
{
  json_t *s;
  size_t i;
  ns[0] = 0;
  json_array_foreach(json_object_get(o, "strata"), i, s)
  {
    snprintf(ns + strlen(ns), len - strlen(ns), "%s%lld", i ? "," : "",
             jint(s, "n"));
    exact[i] = json_real_value(json_object_get(s, "exact"));
  }
}

/* Invited customers as one sorted string "c00001 c00017 ...". */
static char *invited(json_t *o)
{
  json_t *a = json_object_get(o, "invited"), *x;
  size_t n = json_array_size(a), i;
  char *s = calloc(n * 8 + 1, 1);
  json_array_foreach(a, i, x)
  {
    strcat(s, json_string_value(json_object_get(x, "customer")));
    strcat(s, " ");
  }
  return s;
}

static void margin_case(int N, long long want, const char *tag)
{
  const char *segs[] = {"a"};
  int counts[] = {N};
  char csv[64], pb[600], store[64];
  snprintf(csv, sizeof csv, "m%d.csv", N);
  snprintf(store, sizeof store, "m%d.db", N);
  write_customers(csv, segs, counts, 1, 0);
  snprintf(pb, sizeof pb,
           "segment \"a\" {}\ncustomers \"%s\"\n"
           "questionnaire \"q\" { question \"x\" { type = \"nps\" } }\n"
           "sample \"s\" { questionnaire = \"q\", margin = 0.05,"
           " seed = 1 }\n",
           csv);
  mj_engine *e = engine(pb, store, 1795000000);
  json_t *o = draw(e, "s");
  is_double(384.1459, json_real_value(json_object_get(o, "n0")), 1e-4,
            "%s: n0 = 1.96^2 * 0.25 / 0.05^2 (exact z)", tag);
  is_int(want, jint(o, "n"), "%s: n after the FPC, rounded up", tag);
  is_int(want, (long long)json_array_size(json_object_get(o, "invited")),
         "%s: that many invitations", tag);
  json_decref(o);
  mj_engine_free(e);
}

static const char neyman_pb[] =
    "segment \"s1\" {}\nsegment \"s2\" {}\nsegment \"s3\" {}\n"
    "segment \"s4\" {}\ncustomers \"strata.csv\"\n"
    "questionnaire \"q\" { question \"x\" { type = \"nps\" } }\n"
    "sample \"ney\" { questionnaire = \"q\", method = \"stratified\",\n"
    "  allocation = \"neyman\", size = 500, seed = 7,\n"
    "  sd = { s1 = 251, s2 = 1165, s3 = 8035, s4 = 24725 } }\n"
    "sample \"prop\" { questionnaire = \"q\", method = \"stratified\",\n"
    "  size = 500, seed = 7 }\n";

static const char small_pb[] =
    "segment \"a\" {}\nsegment \"b\" {}\ncustomers \"small.csv\"\n"
    "questionnaire \"q\" { question \"x\" { type = \"nps\" } }\n"
    "sample \"s\" { questionnaire = \"q\", size = 20, seed = 42,"
    " fatigue_days = 30 }\n"
    "sample \"t\" { questionnaire = \"q\", size = 20, seed = 43 }\n"
    "sample \"all\" { questionnaire = \"q\", size = 1000, seed = 1,"
    " fatigue_days = 0 }\n"
    "sample \"strat\" { questionnaire = \"q\", method = \"stratified\","
    " margin = 0.1, response_rate = 0.5, seed = 5, fatigue_days = 0 }\n";

/*
** Customers who have left (until before the engine's clock) are never
** invited; one who leaves later still is, and so is one without until.
*/
static void left_case(void)
{
  char path[600];
  snprintf(path, sizeof path, "%s/left.csv", dir);
  FILE *f = fopen(path, "w");
  if (!f)
    bail("cannot write %s", path);
  fprintf(f, "id,segment,consent,since,until\n");
  for (int i = 0; i < 10; i++)
    fprintf(f, "L%d,a,yes,2020-01-01,%s\n", i,
            i < 3    ? "2026-10-31"   /* left before the clock */
            : i == 3 ? "2026-11-18T11:06:39Z" /* one second before */
            : i == 4 ? "2026-11-18T11:06:40Z" /* at the clock: still here */
            : i == 5 ? "2027-01-31"   /* leaves later */
                     : "");
  fclose(f);
  static const char pb[] =
      "segment \"a\" {}\ncustomers \"left.csv\"\n"
      "questionnaire \"q\" { question \"x\" { type = \"nps\" } }\n"
      "sample \"s\" { questionnaire = \"q\", size = 100, seed = 3,"
      " fatigue_days = 0 }\n";
  /* 1795000000 is 2026-11-18T11:06:40Z. */
  mj_engine *e = engine(pb, "left.db", 1795000000);
  json_t *o = draw(e, "s");
  is_int(4, jint(o, "left"), "4 customers have left by the engine's clock");
  is_int(6, jint(o, "eligible"), "the other 6 are eligible");
  char *l = o ? invited(o) : NULL;
  ok(l && !strstr(l, "L0 ") && !strstr(l, "L1 ") && !strstr(l, "L2 ") &&
         !strstr(l, "L3 "),
     "nobody who has left is invited (%s)", l ? l : "no draw");
  ok(l && strstr(l, "L4 ") && strstr(l, "L5 ") && strstr(l, "L9 "),
     "one leaving at or after the clock, or never, is");
  free(l);
  json_decref(o);
  char *text = NULL;
  is_int(MJ_OK, mj_sample_draw(e, "s", "text", &text, NULL),
         "a second draw, as text");
  contains(text ? text : "", "4 who have left", "the text says who has left");
  mj_free(text);
  mj_engine_free(e);
}

static void bad_playbook(const char *body, int code, const char *needle,
                         const char *what)
{
  char pb[1200];
  snprintf(pb, sizeof pb,
           "segment \"a\" {}\n"
           "questionnaire \"q\" { question \"x\" { type = \"nps\" } }\n%s",
           body);
  mj_opts o;
  mj_opts_init(&o);
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  is_int(code, mj_playbook_load_buffer(e, "pb.lua", pb, strlen(pb)),
         "%s: refused", what);
  contains(mj_errmsg(e), needle, "%s: the message says so", what);
  mj_engine_free(e);
}

int main(void)
{
  plan(55 + 7 + 6);
  dir = tap_tmpdir("sample");

  /* doc/methods.md#sample-size-and-allocation, z = 1.959964: (a)
  ** 277.74 -> 278, 222.61 -> 223, 79.51 -> 80; a frame of 10000 is large
  ** enough that the FPC still applies (n0/N = 3.8% < 5%: not applied) ->
  ** 385. */
  margin_case(1000, 278, "N=1000");
  margin_case(528, 223, "N=528");
  margin_case(100, 80, "N=100");
  margin_case(10000, 385, "N=10000 (no FPC under 5%)");

  /* samplingbook's stratasamp inputs: Nh = (5234, 2586, 649, 157),
  ** Sh = (251, 1165, 8035, 24725), n = 500. */
  const char *segs[] = {"s1", "s2", "s3", "s4"};
  int counts[] = {5234, 2586, 649, 157};
  write_customers("strata.csv", segs, counts, 4, 0);
  mj_engine *e = engine(neyman_pb, "ney.db", 1795000000);
  json_t *o = draw(e, "ney");
  char ns[128];
  double exact[4] = {0};
  strata(o, ns, sizeof ns, exact);
  is_string("49,112,194,145", ns, "Neyman: largest remainder");
  is_double(48.9361, exact[0], 1e-4, "Neyman exact n_1");
  is_double(112.2215, exact[1], 1e-4, "Neyman exact n_2");
  is_double(194.2460, exact[2], 1e-4, "Neyman exact n_3");
  is_double(144.5964, exact[3], 1e-4, "Neyman exact n_4");
  is_int(500, (long long)json_array_size(json_object_get(o, "invited")),
         "Neyman: 500 invitations");
  json_decref(o);
  mj_engine_free(e);
  /* A fresh store, so the fatigue rule does not shrink the frame. */
  e = engine(neyman_pb, "prop.db", 1795000000);
  o = draw(e, "prop");
  strata(o, ns, sizeof ns, exact);
  is_string("303,150,38,9", ns, "proportional: largest remainder");
  is_double(303.3851, exact[0], 1e-4, "proportional exact n_1");
  is_double(9.1004, exact[3], 1e-4, "proportional exact n_4");
  /* Each segment's invitations are its own customers. */
  json_t *x;
  size_t i;
  int s4 = 0;
  json_array_foreach(json_object_get(o, "invited"), i, x) s4 +=
      !strcmp(json_string_value(json_object_get(x, "segment")), "s4");
  is_int(9, s4, "proportional: 9 invitations in segment s4");
  json_decref(o);
  mj_engine_free(e);

  /* 100 customers, 50 per segment, every 10th opted out. */
  const char *ab[] = {"a", "b"};
  int c50[] = {50, 50};
  write_customers("small.csv", ab, c50, 2, 10);
  const int64_t t0 = 1795000000, day = 86400;
  mj_engine *e1 = engine(small_pb, "r1.db", t0);
  mj_engine *e2 = engine(small_pb, "r2.db", t0);
  json_t *o1 = draw(e1, "s"), *o2 = draw(e2, "s");
  char *l1 = invited(o1), *l2 = invited(o2);
  is_string(l1, l2, "the same seed draws the same customers");
  is_int(20, (long long)json_array_size(json_object_get(o1, "invited")),
         "size = 20 invites 20");
  is_int(10, jint(o1, "without_consent"), "10 customers opted out");
  is_int(90, jint(o1, "eligible"), "90 are eligible");
  ok(!strstr(l1, "c00000 ") && !strstr(l1, "c00010 ") && !strstr(l1, "c00090 "),
     "nobody who opted out is invited");
  const char *t1 = json_string_value(json_object_get(
      json_array_get(json_object_get(o1, "invited"), 0), "token"));
  const char *t2 = json_string_value(json_object_get(
      json_array_get(json_object_get(o2, "invited"), 0), "token"));
  ok(t1 && strlen(t1) == 32 && strspn(t1, "0123456789abcdef") == 32,
     "a token is 32 hex digits");
  ok(t1 && t2 && strcmp(t1, t2) != 0,
     "tokens are random, not derived from the seed");
  json_t *o3 = draw(e2, "t");
  char *l3 = invited(o3);
  ok(strcmp(l1, l3) != 0, "another seed draws other customers");
  is_int(20, jint(o3, "fatigued"), "the 20 invited a moment ago rest");
  int overlap = 0;
  for (char *p = strtok(l3, " "); p; p = strtok(NULL, " ")) {
    char key[16];
    snprintf(key, sizeof key, "%s ", p);
    overlap += strstr(l2, key) != NULL;
  }
  is_int(0, overlap, "nobody is invited twice within the fatigue window");
  json_decref(o3);
  free(l3);
  mj_engine_free(e2);

  /* 31 days later, sample "s" (fatigue 30 days) sees everyone again. */
  mj_engine *e1b = engine(small_pb, "r1.db", t0 + 31 * day);
  json_t *o4 = draw(e1b, "s");
  is_int(0, jint(o4, "fatigued"), "after 31 days nobody is fatigued");
  is_int(90, jint(o4, "eligible"), "all 90 with consent are eligible");
  /* Those invited at day 0 or day 31: both draws' customers. */
  char *l4 = invited(o4);
  int both = 20;
  for (char *p = strtok(l4, " "); p; p = strtok(NULL, " ")) {
    char key[16];
    snprintf(key, sizeof key, "%s ", p);
    both += strstr(l1, key) == NULL;
  }
  free(l4);
  json_decref(o4);
  mj_engine_free(e1b);
  /* At day 40, "t" (90 days) rests everyone of both draws. */
  mj_engine *e1c = engine(small_pb, "r1.db", t0 + 40 * day);
  json_t *o5 = draw(e1c, "t");
  is_int(both, jint(o5, "fatigued"),
         "within 90 days both earlier draws' customers rest");
  json_decref(o5);
  json_t *o6 = draw(e1c, "all");
  is_int(90, jint(o6, "invitations"), "a size above the frame is capped");
  ok(json_is_true(json_object_get(o6, "capped")), "and says so");
  json_decref(o6);
  /* margin 0.1 on 90: n0 = 96.04 > 5% -> 96.04/(1 + 95.04/90) = 46.72 ->
  ** 47; response rate 0.5 -> 94 -> capped at 90; proportional 45/45. */
  json_t *o7 = draw(e1c, "strat");
  is_int(47, jint(o7, "n"), "margin 0.1 on 90 customers: n = 47");
  is_int(90, jint(o7, "invitations"), "n / response rate, capped");
  strata(o7, ns, sizeof ns, exact);
  is_string("45,45", ns, "stratified by the two segments");
  json_decref(o7);

  char *text = NULL;
  is_int(MJ_ENOTFOUND, mj_sample_draw(e1c, "nope", "json", &text, NULL),
         "an unknown sample is not found");
  contains(mj_errmsg(e1c), "'s', 't'", "the message lists the samples");
  is_int(MJ_EINVAL, mj_sample_draw(e1c, "s", "xml", &text, NULL),
         "an unknown format is refused");
  is_int(MJ_OK, mj_sample_draw(e1c, "all", "text", &text, NULL), "text format");
  contains(text, "without consent", "the text says who was left out");
  mj_free(text);

  /* The stored invitations, as a collector or a mail merge reads them. */
  text = NULL;
  is_int(MJ_OK, mj_invitations_list(e1c, "all", "json", 0, &text, NULL),
         "invitations: the draw of 'all' is listed");
  json_t *inv = text ? json_loads(text, 0, NULL) : NULL;
  mj_free(text);
  size_t k, same = 0;
  json_t *iv;
  json_array_foreach(inv, k, iv)
  {
    const char *tok = json_string_value(json_object_get(iv, "token"));
    same += !strcmp(json_string_value(json_object_get(iv, "sample")), "all") &&
            json_is_false(json_object_get(iv, "answered")) && tok &&
            strlen(tok) == 32 &&
            json_is_string(json_object_get(iv, "email"));
  }
  ok(json_array_size(inv) > 0 && same == json_array_size(inv),
     "each of sample 'all', with its token and e-mail, none answered (%zu)",
     same);
  text = NULL;
  is_int(MJ_OK, mj_invitations_list(e1c, "all", "csv", MJ_INVITATIONS_PENDING,
                                    &text, NULL),
         "invitations as CSV");
  contains(text ? text : "",
           "token,customer,questionnaire,sample,channel,lang,name,email,"
           "created_at,answered\r\n",
           "with a header row");
  size_t rows = 0;
  for (const char *p = text ? text : ""; (p = strchr(p, '\n')); p++)
    rows++;
  is_int((long long)json_array_size(inv) + 1, (long long)rows,
         "and a row per pending invitation");
  mj_free(text);
  json_decref(inv);
  text = NULL;
  is_int(MJ_ENOTFOUND, mj_invitations_list(e1c, "nope", "text", 0, &text, NULL),
         "invitations of an unknown sample: not found");
  is_int(MJ_EINVAL, mj_invitations_list(e1c, NULL, "xml", 0, &text, NULL),
         "invitations in an unknown format: refused");
  mj_engine_free(e1c);
  json_decref(o1);
  json_decref(o2);
  free(l1);
  free(l2);
  mj_engine_free(e1);

  left_case();

  bad_playbook("sample \"s\" { questionnaire = \"q\", size = 5, "
               "margin = 0.05 }\n",
               MJ_EVALIDATE, "either size", "size and margin");
  bad_playbook("sample \"s\" { questionnaire = \"q\", method = \"stratified\","
               " allocation = \"neyman\", size = 5 }\n",
               MJ_EVALIDATE, "needs sd", "Neyman without sd");
  bad_playbook("sample \"s\" { questionnaire = \"q\", method = \"stratified\","
               " allocation = \"neyman\", size = 5, sd = { b = 1 } }\n",
               MJ_EREF, "segment 'b'", "sd of an undeclared segment");
  bad_playbook("sample \"s\" { questionnaire = \"nope\", size = 5 }\n", MJ_EREF,
               "questionnaire 'nope'", "an undeclared questionnaire");
  bad_playbook("sample \"s\" { questionnaire = \"q\", margin = 1.5 }\n",
               MJ_EVALIDATE, "pb.lua:3", "a margin above 1 (with its line)");
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
