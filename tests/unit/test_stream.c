/*
** Streaming matrix scorers through a whole cycle: 10,000 responses reach
** the streamtally test plugin in chunks of MJ_QMATRIX_CHUNK rows, each
** row once and in its own segment, and a segment under the cycle's min_n
** keeps its figures' n but not their values. The sums are computed here
** as the data is written.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora.h"
#include "tap.h"

enum { N = 10000, CHUNK = 4096 };

/* The responses belong to cycle "w"; the same store is read with three
** settings of it, each a re-run in its place. */
#define PLAYBOOK(cycle)                                                        \
  "segment \"a\" {}\n"                                                         \
  "segment \"b\" {}\n"                                                         \
  "customer \"c1\" { segment = \"a\" }\n"                                      \
  "customer \"c2\" { segment = \"b\" }\n"                                      \
  "questionnaire \"q\" {\n"                                                    \
  "  question \"x\" { type = \"scale5\", allow_na = true },\n"                 \
  "  question \"y\" { type = \"nps\" },\n"                                     \
  "}\n"                                                                        \
  "use \"scorer.streamtally\" {}\n"                                            \
  "cycle \"w\" { scorers = { \"streamtally\" }, " cycle " }\n"

static const char playbook[] = PLAYBOOK("min_n = 1");
static const char big[] = PLAYBOOK("min_n = 5000");
static const char by_channel[] =
    PLAYBOOK("min_n = 1, by = { \"segment\", \"channel\" }");

static const json_t *fig(const json_t *r, const char *metric,
                         const char *subject, const char *segment)
{
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(r, "figures"), i, f)
  {
    const char *s = json_string_value(json_object_get(f, "subject"));
    if (strcmp(json_string_value(json_object_get(f, "metric")), metric) == 0 &&
        strcmp(json_string_value(json_object_get(f, "segment")), segment) ==
            0 &&
        (subject ? s && strcmp(s, subject) == 0 : !s))
      return f;
  }
  return NULL;
}

static double num(const json_t *f, const char *k)
{
  const json_t *v = f ? json_object_get(f, k) : NULL;
  return v && json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *report(mj_engine *e)
{
  char *text;
  size_t len;
  if (mj_report(e, "json", 0, &text, &len) != MJ_OK)
    return NULL;
  json_t *r = json_loadb(text, len, 0, NULL);
  mj_free(text);
  return r;
}

int main(void)
{
  plan(22);
  char *dir = tap_tmpdir("stream");
  char store[512], pb[512], csv[512];
  snprintf(store, sizeof store, "sqlite:%s/s.db", dir);
  snprintf(pb, sizeof pb, "%s/playbook.lua", dir);
  snprintf(csv, sizeof csv, "%s/answers.csv", dir);

  /* Segment a: every third row; x is N/A every eleventh row; odd rows
  ** came by web, even ones by phone. */
  double sum_x[2] = {0, 0}, n_x[2] = {0, 0}, sum_y[2] = {0, 0};
  double web_x = 0;
  FILE *f = fopen(csv, "w");
  if (!f)
    bail("cannot write %s", csv);
  fprintf(f, "response_id,customer_id,x,y,channel\n");
  for (int i = 0; i < N; i++) {
    int seg = i % 3 == 0 ? 0 : 1, x = 1 + i % 5, y = i % 11;
    const char *ch = i % 2 ? "web" : "phone";
    if (i % 11 == 0) {
      fprintf(f, "r%d,c%d,NA,%d,%s\n", i, seg + 1, y, ch);
    } else {
      fprintf(f, "r%d,c%d,%d,%d,%s\n", i, seg + 1, x, y, ch);
      sum_x[seg] += x;
      n_x[seg]++;
      web_x += i % 2 ? x : 0;
    }
    sum_y[seg] += y;
  }
  fclose(f);
  double rows_a = (N + 2) / 3, rows_b = N - rows_a;

  mj_opts o;
  mj_opts_init(&o);
  o.store = store;
  o.plugin_path = getenv("MEJORA_TEST_PLUGINS");
  mj_engine *e;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("engine");
  is_int(MJ_OK, mj_playbook_load_buffer(e, pb, playbook, strlen(playbook)),
         "playbook loads: %s", mj_errmsg(e));
  mj_import_stats st;
  is_int(MJ_OK, mj_import(e, "q", csv, &st), "import: %s", mj_errmsg(e));
  is_int(N, (int)st.accepted, "10,000 responses stored");
  is_int(MJ_OK, mj_cycle_run(e, "w", NULL), "cycle ran: %s", mj_errmsg(e));
  json_t *r = report(e);
  ok(r != NULL, "report parsed");

  is_double(N, num(fig(r, "rows", NULL, "all"), "value"), 0,
            "\"all\": every row streamed once");
  is_double(3, num(fig(r, "chunks", NULL, "all"), "value"), 0,
            "\"all\": in three chunks (4096 + 4096 + 1808)");
  is_double(CHUNK, num(fig(r, "biggest", NULL, "all"), "value"), 0,
            "no chunk is bigger than MJ_QMATRIX_CHUNK");
  is_double(rows_a, num(fig(r, "rows", NULL, "a"), "value"), 0,
            "segment a: its own rows");
  is_double(1, num(fig(r, "chunks", NULL, "a"), "value"), 0,
            "segment a: one chunk");
  is_double(rows_b, num(fig(r, "rows", NULL, "b"), "value"), 0,
            "segment b: its own rows");
  is_double(2, num(fig(r, "chunks", NULL, "b"), "value"), 0,
            "segment b: two chunks");
  const json_t *xa = fig(r, "values", "question:x", "a");
  is_double(sum_x[0], num(xa, "value"), 0, "segment a: the sum of x");
  is_double(n_x[0], num(xa, "n"), 0, "segment a: N/A left out of x");
  is_double(sum_y[0] + sum_y[1],
            num(fig(r, "values", "question:y", "all"), "value"), 0,
            "\"all\": the sum of y over both segments");
  json_decref(r);

  /* min_n 5000: segment a's figures (3334 rows) are kept with their n
  ** but no value, as every scorer's are below min_n; b is scored. */
  if (mj_playbook_load_buffer(e, pb, big, strlen(big)) != MJ_OK)
    bail("playbook: %s", mj_errmsg(e));
  is_int(MJ_OK, mj_cycle_run_ex(e, "w", MJ_CYCLE_RERUN, NULL),
         "second cycle ran: %s", mj_errmsg(e));
  r = report(e);
  ok(isnan(num(fig(r, "rows", NULL, "a"), "value")) &&
         num(fig(r, "rows", NULL, "a"), "n") == rows_a &&
         num(fig(r, "rows", NULL, "b"), "value") == rows_b,
     "under min_n a segment's figures have their n and no value");
  json_decref(r);

  /* By segment and channel: the channels' rows stream too, on their own. */
  if (mj_playbook_load_buffer(e, pb, by_channel, strlen(by_channel)) != MJ_OK)
    bail("playbook: %s", mj_errmsg(e));
  is_int(MJ_OK, mj_cycle_run_ex(e, "w", MJ_CYCLE_RERUN, NULL),
         "cycle by channel ran: %s", mj_errmsg(e));
  r = report(e);
  is_double(N / 2, num(fig(r, "rows", NULL, "channel:web"), "value"), 0,
            "channel:web streams its 5000 rows");
  is_double(2, num(fig(r, "chunks", NULL, "channel:phone"), "value"), 0,
            "channel:phone in two chunks");
  is_double(web_x, num(fig(r, "values", "question:x", "channel:web"), "value"),
            0, "channel:web: the sum of its x");
  is_double(rows_a, num(fig(r, "rows", NULL, "a"), "value"), 0,
            "and segment a is still there");
  json_decref(r);

  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
