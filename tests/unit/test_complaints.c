/*
** Complaints, mystery-shopper audits and the service standard through the
** public API: every ISO 10002 step's time, first-contact resolution with
** its Wilson interval, the Pareto, rejected rows with their reasons, the
** scorecards per criterion, site and agent, standards met / not met /
** without data, the trigger functions, and the playbook's mistakes.
** Expected values are worked by hand in the comments; the Wilson interval
** is statsmodels' proportion_confint(2, 3, method="wilson").
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

static const char playbook[] =
    "complaint_category \"late\" { text = \"Late delivery\" }\n"
    "complaint_category \"rude\" {}\n"
    "complaint_category \"billing\" {}\n"
    "audit \"a\" { role = \"buyer\", protocol = \"phone\",\n"
    "  criteria = {\n"
    "    { id = \"t\", kind = \"objective\", target = \"<= 20\", unit = \"s\" "
    "},\n"
    "    { id = \"g\", kind = \"subjective\", target = \">= 4\" } } }\n"
    "standard \"S1\" { indicator = \"audit.compliance:t\", target = 60 }\n"
    "standard \"S2\" { indicator = "
    "\"complaints.hours_median:step/responded\",\n"
    "  target = 8, compare = \"<=\" }\n"
    "standard \"S3\" { indicator = \"complaints.count:category/none\", "
    "target = 1 }\n"
    "plan \"PX\" { owner = \"o\", actions = { \"x\" },\n"
    "  when = function(r) return r.complaints(\"late\") == 3 and\n"
    "    r.complaints(\"nope\") == 0 and r.audit(\"t\") > 66 and\n"
    "    r.standard(\"S1\") == true and r.standard(\"S2\") == false and\n"
    "    r.standard(\"S3\") == nil end }\n"
    "cycle \"2026-11\" {}\n";

static char store[512], dir[256];

static mj_engine *engine(const char *text)
{
  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.now = 1795000000;
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  char pb[512];
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  if (text && mj_playbook_load_buffer(e, pb, text, strlen(text)) != MJ_OK)
    bail("playbook: %s", mj_errmsg(e));
  return e;
}

/* The figure with these keys in a JSON array (summary or report). */
static const json_t *fig(const json_t *a, const char *gk, const char *kk,
                         const char *metric, const char *group, const char *key,
                         const char *seg)
{
  size_t i;
  const json_t *o;
  json_array_foreach(a, i, o)
  {
    const char *m = json_string_value(json_object_get(o, "metric"));
    const char *g = json_string_value(json_object_get(o, gk));
    const char *k = json_string_value(json_object_get(o, kk));
    const char *s = json_string_value(json_object_get(o, "segment"));
    if (m && strcmp(m, metric) == 0 &&
        (group ? g && strcmp(g, group) == 0 : !g) &&
        (key ? k && strcmp(k, key) == 0 : !k) && s && strcmp(s, seg) == 0)
      return o;
  }
  return NULL;
}

static double val(const json_t *o, const char *field)
{
  const json_t *v = o ? json_object_get(o, field) : NULL;
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *summary(mj_engine *e, int audits, const char *wave)
{
  char *text = NULL;
  int rc = audits ? mj_audits_summary(e, wave, "json", &text, NULL)
                  : mj_complaints_summary(e, wave, "json", &text, NULL);
  if (rc != MJ_OK)
    bail("summary: %s", mj_errmsg(e));
  json_t *a = json_loads(text, 0, NULL);
  mj_free(text);
  return a;
}

#define C(metric, group, key) fig(s, "group", "key", metric, group, key, "all")

static void test_complaints(void)
{
  mj_engine *e = engine(playbook);
  char csv[512];
  snprintf(csv, sizeof csv, "%s/complaints.csv", dir);
  tap_write(csv,
            "id,received_at,category,acknowledged_at,assessed_at,"
            "investigated_at,root_cause,responded_at,closed_at,"
            "first_contact_resolution\n"
            "c1,2026-11-01T00:00Z,late,2026-11-01T02:00Z,2026-11-01T04:00Z,"
            "2026-11-01T10:00Z,stock,2026-11-01T12:00Z,2026-11-02T00:00Z,yes\n"
            "c2,2026-11-02T00:00Z,late,2026-11-02T04:00Z,,,stock,"
            "2026-11-02T20:00Z,2026-11-03T06:00Z,no\n"
            "c3,2026-11-03T00:00Z,rude,2026-11-03T06:00Z,,,,,,\n"
            "b1,2026-11-31,late,,,,,,,\n"
            "b2,2026-11-05T10:00Z,late,2026-11-05T09:00Z,,,,,,\n"
            "b3,2026-11-05T10:00Z,lat,,,,,,,\n"
            "b4,2026-11-05T10:00Z,late,,,,,,,maybe\n");
  mj_import_stats st;
  is_int(MJ_OK, mj_complaints_import(e, csv, &st), "complaints import");
  is_int(7, (long long)st.rows, "7 rows read");
  is_int(3, (long long)st.accepted, "3 stored");
  is_int(4, (long long)st.rejected, "4 rejected");
  char *rej = tap_slurp(st.rejects_path, NULL);
  contains(rej ? rej : "", "received_at '2026-11-31' is not a date",
           "rejects: an impossible date");
  contains(rej ? rej : "",
           "acknowledged_at '2026-11-05T09:00Z' is before "
           "received_at",
           "rejects: a step before the one it follows");
  contains(rej ? rej : "",
           "category 'lat' is not declared (did you mean "
           "'late'?)",
           "rejects: an undeclared category, with a suggestion");
  contains(rej ? rej : "", "'maybe' is not yes or no",
           "rejects: first-contact resolution must be yes or no");
  free(rej);

  /* The API: one more, received the 4th, resolved at first contact. */
  const char *cols[] = {"id", "received_at", "category",
                        "first_contact_resolution"};
  const char *vals[] = {"c4", "2026-11-04T08:00Z", "late", "yes"};
  is_int(MJ_OK, mj_complaint_add(e, cols, vals, 4), "a complaint via the API");
  const char *bad[] = {"c5", "2026-11-04T08:00Z", "late", "perhaps"};
  is_int(MJ_EVALIDATE, mj_complaint_add(e, cols, bad, 4),
         "a bad value via the API is refused");
  contains(mj_errmsg(e), "column 'first_contact_resolution'",
           "and the message names the column");
  const char *typo[] = {"id", "recieved_at"};
  is_int(MJ_EDATA, mj_complaint_add(e, typo, vals, 2),
         "an unknown column is refused");
  contains(mj_errmsg(e), "did you mean 'received_at'", "with a suggestion");

  json_t *s = summary(e, 0, "2026-11");
  is_double(4, val(C("count", NULL, NULL), "value"), 0, "4 complaints");
  is_double(2, val(C("open", NULL, NULL), "value"), 0, "2 still open");
  /* fcr: c1 yes, c2 no, c4 yes; c3 unknown. */
  const json_t *fcr = C("fcr", NULL, NULL);
  is_double(200.0 / 3, val(fcr, "value"), 1e-9, "first-contact resolution");
  is_double(3, val(fcr, "n"), 0, "of the 3 with it recorded");
  is_double(20.76596008020477, val(fcr, "ci_low"), 1e-6, "Wilson low");
  is_double(93.85080552796037, val(fcr, "ci_high"), 1e-6, "Wilson high");
  /* Hours in each step, from the latest step before it. */
  is_double(4, val(C("hours_median", "step", "acknowledged"), "value"), 0,
            "acknowledged: median of 2, 4, 6 h");
  is_double(3, val(C("hours_median", "step", "acknowledged"), "n"), 0,
            "acknowledged: 3 complaints reached it");
  is_double(2, val(C("hours_mean", "step", "assessed"), "value"), 0,
            "assessed: 2 h (c1 only)");
  is_double(6, val(C("hours_median", "step", "investigated"), "value"), 0,
            "investigated: 6 h after assessed (c1 only)");
  is_double(9, val(C("hours_median", "step", "responded"), "value"), 0,
            "responded: c1 2 h, c2 16 h (from acknowledged, skipped steps)");
  is_double(11, val(C("hours_mean", "step", "closed"), "value"), 0,
            "closed: 12 and 10 h");
  const json_t *total = C("hours_mean", "step", "total");
  is_double(27, val(total, "value"), 0, "received to closed: 24 and 30 h");
  /* t(0.975, 1) = 12.7062047361747 (scipy.stats.t.ppf); s = 4.2426. */
  is_double(27 - 12.7062047361747 * 3, val(total, "ci_low"), 1e-6,
            "its t interval (n = 2)");
  /* Pareto: late 3, rude 1, billing 0. */
  is_double(3, val(C("count", "category", "late"), "value"), 0, "late: 3");
  is_double(75, val(C("share", "category", "late"), "value"), 1e-12,
            "late: 75%%");
  is_string("vital",
            json_string_value(
                json_object_get(C("share", "category", "rude"), "label")),
            "rude brings the cumulative share past 80%%: vital few");
  ok(json_is_null(json_object_get(C("share", "category", "billing"), "label")),
     "billing (0) is not");
  is_double(100, val(C("cumulative", "category", "rude"), "value"), 1e-12,
            "cumulative 100%% at the last with any");
  is_double(100, val(C("share", "root_cause", "stock"), "value"), 0,
            "root causes: stock is all of them");
  json_decref(s);

  /* A later import with c3 closed updates it in place. */
  const char *c3c[] = {"id", "received_at", "category", "acknowledged_at",
                       "closed_at"};
  const char *c3v[] = {"c3", "2026-11-03T00:00Z", "rude", "2026-11-03T06:00Z",
                       "2026-11-03T18:00Z"};
  is_int(MJ_OK, mj_complaint_add(e, c3c, c3v, 5), "c3 closed later");
  s = summary(e, 0, "2026-11");
  is_double(4, val(C("count", NULL, NULL), "value"), 0, "still 4 complaints");
  is_double(1, val(C("open", NULL, NULL), "value"), 0, "1 still open");
  json_decref(s);
  s = summary(e, 0, "2026-12");
  is_double(0, val(C("count", NULL, NULL), "value"), 0,
            "another wave has none");
  json_decref(s);
  mj_engine_free(e);
}

#define A(metric, key, seg) fig(s, "group", "key", metric, "a", key, seg)

static void test_audits(void)
{
  mj_engine *e = engine(playbook);
  char csv[512];
  snprintf(csv, sizeof csv, "%s/visits.csv", dir);
  tap_write(csv, "visit_id,site,agent,date,t,g,greeted\n"
                 "v1,N,x,2026-11-02,10,5,yes\n"
                 "v2,N,y,2026-11-03,30,3,no\n"
                 "v3,S,z,2026-11-04,20,4,NA\n"
                 "v4,S,z,2026-11-04,20,6,yes\n"
                 "v5,S,z,2026-11-04,-1,4,yes\n"
                 "v6,S,z,2026-11-04,5,4,maybe\n");
  mj_import_stats st;
  is_int(MJ_OK, mj_audits_import(e, NULL, csv, &st), "visits import");
  is_int(3, (long long)st.accepted, "3 visits stored");
  char *rej = tap_slurp(st.rejects_path, NULL);
  contains(rej ? rej : "", "'g' is a rating from 1 to 5, not '6'",
           "rejects: a rating off the scale");
  contains(rej ? rej : "", "'t' needs a number (in its unit), not '-1'",
           "rejects: a negative time");
  contains(rej ? rej : "", "'greeted' is a check: write yes or no",
           "rejects: a check that is not yes or no");
  free(rej);
  is_int(MJ_ENOTFOUND, mj_audits_import(e, "ab", csv, &st),
         "an unknown audit is refused");
  contains(mj_errmsg(e), "did you mean 'a'", "with a suggestion");

  json_t *s = summary(e, 1, NULL);
  is_double(3, val(A("visits", NULL, "all"), "value"), 0, "3 visits");
  is_double(200.0 / 3, val(A("compliance", "t", "all"), "value"), 1e-9,
            "t <= 20: 10 and 20 yes, 30 no");
  is_double(50, val(A("compliance", "t", "site:N"), "value"), 0,
            "site N: 1 of 2");
  is_double(100, val(A("compliance", "t", "agent:x"), "value"), 0,
            "agent x: 1 of 1");
  is_double(4, val(A("mean", "g", "all"), "value"), 1e-12, "g mean 4");
  is_double(2, val(A("compliance", "greeted", "all"), "n"), 0,
            "greeted: NA is left out of n");
  is_double(50, val(A("compliance", "greeted", "all"), "value"), 0,
            "greeted: 1 of 2 (the phone checklist)");
  ok(A("compliance", "gave_own_name", "all") != NULL,
     "every checklist item has a scorecard row");
  /* Pooled: v1 3 of 3, v2 0 of 3, v3 2 of 2 -> 5 of 8. */
  is_double(62.5, val(A("compliance", NULL, "all"), "value"), 1e-12,
            "overall compliance pools every observation");
  json_decref(s);

  /* The cycle: standards, triggers and the report section. */
  is_int(MJ_OK, mj_cycle_run(e, "2026-11", NULL), "the cycle runs");
  char *text = NULL;
  mj_report(e, "json", 0, &text, NULL);
  json_t *r = json_loads(text ? text : "{}", 0, NULL);
  mj_free(text);
  const json_t *figs = json_object_get(r, "figures");
  const json_t *s1 =
      fig(figs, "questionnaire", "question", "met", NULL, "S1", "all");
  is_string("met", json_string_value(json_object_get(s1, "label")),
            "S1 met: 66.7%% >= 60");
  is_string(
      "not met",
      json_string_value(json_object_get(
          fig(figs, "questionnaire", "question", "met", NULL, "S2", "all"),
          "label")),
      "S2 not met: median 9 h > 8 h");
  is_string(
      "no data",
      json_string_value(json_object_get(
          fig(figs, "questionnaire", "question", "met", NULL, "S3", "all"),
          "label")),
      "S3 without its figure: no data");
  is_double(
      200.0 / 3 - 60,
      val(fig(figs, "questionnaire", "question", "gap3", NULL, "S1", "all"),
          "value"),
      1e-9, "gap 3 of S1: delivery above the standard");
  is_double(
      -1,
      val(fig(figs, "questionnaire", "question", "gap3", NULL, "S2", "all"),
          "value"),
      1e-12, "gap 3 of S2: 1 h over a ceiling is -1");
  json_decref(r);
  mj_report(e, "text", 0, &text, NULL);
  contains(text ? text : "",
           "S2       not met  complaints.hours_median:"
           "step/responded = 9.0 (target <= 8",
           "the report's service standard section");
  mj_free(text);
  char *plans = NULL;
  mj_plans(e, NULL, "text", &plans, NULL);
  contains(plans ? plans : "", "PX",
           "the trigger read complaints, audit "
           "and standard figures");
  mj_free(plans);
  mj_engine_free(e);
}

static void refused(const char *text, const char *what, const char *why)
{
  mj_engine *e = engine(NULL);
  int rc = mj_playbook_load_buffer(e, "pb.lua", text, strlen(text));
  ok(rc == MJ_EVALIDATE && strstr(mj_errmsg(e), why), "refused: %s", what);
  if (!strstr(mj_errmsg(e), why))
    diag("got: %s", mj_errmsg(e));
  mj_engine_free(e);
}

int main(void)
{
  plan(70);
  char *d = tap_tmpdir("complaints");
  snprintf(dir, sizeof dir, "%s", d);
  snprintf(store, sizeof store, "sqlite:%s/c.db", dir);
  test_complaints();
  test_audits();
  refused("audit \"a\" { criteria = { { id = \"t\", kind = \"objective\","
          " target = \"20\" } } }",
          "a target without a comparison", "write a comparison such as");
  refused("audit \"a\" { criteria = { { id = \"t\", kind = \"check\","
          " target = \">= 1\" } } }",
          "a check with a target", "it takes no target");
  refused(
      "audit \"a\" { criteria = { { id = \"t\", kind = \"subjective\" } } }",
      "a rating without a target", "needs a target");
  refused("audit \"a\" { criteria = { { id = \"t\", kind = \"check\" },\n"
          " { id = \"t\", kind = \"check\" } } }",
          "a criterion twice", "criterion 't' is declared twice");
  refused("audit \"a\" { criteria = { { id = \"t\", kind = \"guess\" } } }",
          "an unknown kind", "use one of objective, subjective, check");
  refused("audit \"a\" { role = \"x\" }", "an audit with nothing to observe",
          "needs criteria");
  refused("standard \"S\" { indicator = \"compliance\", target = 1 }",
          "an indicator without a scorer", "is not SCORER.METRIC");
  refused("standard \"S\" { indicator = \"a.b\", target = 1, compare = \"~\" }",
          "an unknown comparison", "'compare' is \"~\"");
  refused("complaint_category \"x\" {}\ncomplaint_category \"x\" {}\n",
          "a category twice", "duplicate");
  tap_rmtree(d);
  free(d);
  return tap_done();
}
