/*
** The playbook DSL: a complete playbook becomes the expected model, and
** each kind of mistake is refused with "file:line:" and a useful message.
*/
#define _XOPEN_SOURCE 700 /* realpath, symlink */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "model.h"
#include "tap.h"

static char fixdir[1024];
static char logbuf[4096];

static void on_log(void *ud, int level, const char *msg)
{
  (void)ud;
  (void)level;
  size_t n = strlen(logbuf);
  snprintf(logbuf + n, sizeof logbuf - n, "%s\n", msg);
}

static mj_engine *engine(unsigned flags)
{
  mj_opts o;
  mj_opts_init(&o);
  o.log = on_log;
  o.log_level = MJ_LOG_DEBUG;
  o.flags = flags;
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  return e;
}

static const char *fix(const char *name)
{
  static char path[1200];
  snprintf(path, sizeof path, "%s/%s", fixdir, name);
  return path;
}

static const mj_kv *opt(const mj_use *u, const char *key)
{
  for (size_t i = 0; i < u->n_opts; i++)
    if (strcmp(u->opts[i].key, key) == 0)
      return &u->opts[i];
  return NULL;
}

static void good_model(void)
{
  mj_engine *e = engine(0);
  logbuf[0] = '\0';
  int rc = mj_playbook_load(e, fix("good.lua"));
  is_int(MJ_OK, rc, "good.lua loads (%s)", mj_errmsg(e));
  const mj_model *m = e->model;
  if (!m)
    bail("no model");
  contains(m->file, "tests/lua/good.lua", "model file");
  is_string(fixdir, m->dir, "model dir is the playbook's folder");
  is_string("sqlite:shop.db", m->store, "store");

  is_int(2, (long long)m->n_segments, "two segments");
  is_int(2, (long long)m->segments[0].name.n, "walk-in named in 2 languages");
  is_string("en", m->segments[0].name.items[0].lang, "languages sorted");
  is_string("Walk-in", mj__i18n_get(&m->segments[0].name, "en"), "en name");
  is_string("Clientes de paso", mj__i18n_get(&m->segments[0].name, "es"),
            "es name");
  ok(m->segments[1].name.items[0].lang == NULL, "plain name has no lang");

  is_int(3, (long long)m->n_customers, "one declared + two from CSV");
  mj_customer v1, v3;
  static mj_customer_buf b1, b3;
  const mj_customer *c1 = mj__model_customer(m, "C001", &v1, &b1);
  const mj_customer *c3 = mj__model_customer(m, "C003", &v3, &b3);
  ok(c1 && c1->consent == 1 && strcmp(c1->email, "ana@example.com") == 0,
     "C001 fields");
  is_int(7, c1 ? c1->pos.line : 0, "C001 at its line");
  ok(c3 && c3->consent == 0 && c3->email == NULL &&
         strcmp(c3->segment, "online") == 0,
     "C003 from CSV: no consent, empty email is NULL");
  is_int(3, c3 ? c3->pos.line : 0, "CSV customer at its data row");
  contains(c3 ? c3->pos.file : "", "data/customers.csv", "CSV customer file");

  const mj_requirement *r1 = mj__model_requirement(m, "R1");
  const mj_requirement *r2 = mj__model_requirement(m, "R2");
  ok(r1 && r1->has_target && r1->target == 4.0, "R1 target");
  ok(r1 && strcmp(r1->need, "primary") == 0 &&
         strcmp(r1->dimension, "responsiveness") == 0,
     "R1 need and dimension");
  ok(r2 && !r2->has_target && r2->text.n == 1, "R2 without target");

  const mj_questionnaire *qn = mj__model_questionnaire(m, "visit");
  is_int(3, qn ? (long long)qn->n_questions : 0, "visit has 3 questions");
  const mj_question *q1 = qn ? mj__model_question(qn, "q1") : NULL;
  ok(q1 && q1->kind == MJ_Q_SCALE && q1->min == 1 && q1->max == 5,
     "q1 is a 1..5 scale");
  ok(q1 && q1->requirement == r1 && q1->allow_na && !q1->required,
     "q1 linked to R1, N/A allowed");
  is_string("excellent-poor", q1 ? q1->labels : NULL, "q1 labels");
  is_int(17, q1 ? q1->pos.line : 0, "q1 at its line");
  const mj_question *nps = qn ? mj__model_question(qn, "nps") : NULL;
  ok(nps && nps->kind == MJ_Q_NPS && nps->min == 0 && nps->max == 10,
     "nps is 0..10");
  const mj_question *cm = qn ? mj__model_question(qn, "comment") : NULL;
  ok(cm && cm->kind == MJ_Q_TEXT && cm->max_len == 500 &&
         strcmp(cm->ask_if, "nps <= 6") == 0,
     "comment: text, max_len, ask_if");

  is_int(3, (long long)m->n_plans, "three plans");
  const mj_plan *p1 = &m->plans[0], *p2 = &m->plans[1], *p3 = &m->plans[2];
  ok(p1->when_ref >= 0 && p2->when_ref >= 0, "when functions kept");
  is_int(LUA_NOREF, p3->when_ref, "no when: LUA_NOREF");
  is_int(30, p1->due_days, "30d");
  is_int(14, p2->due_days, "2w is 14 days");
  is_int(2, (long long)p1->n_actions, "two actions");
  ok(p1->verify_alpha == 0.01 && strcmp(p1->verify_metric, "mean:R1") == 0 &&
         strcmp(p1->verify_test, "welch") == 0,
     "verify");

  is_int(1, (long long)m->n_cycles, "one cycle");
  const mj_cycle_decl *y = &m->cycles[0];
  ok(y->n_imports == 1 && strcmp(y->imports[0].questionnaire, "visit") == 0 &&
         strcmp(y->imports[0].file, "data/responses.csv") == 0,
     "cycle import");
  ok(y->n_scorers == 2 && y->n_notify == 1 && y->min_n == 10,
     "cycle scorers, notify, min_n");

  is_int(2, (long long)m->n_uses, "two uses");
  const mj_use *u = &m->uses[0];
  ok(strcmp(u->kind, "notifier") == 0 && strcmp(u->name, "log") == 0 &&
         strcmp(u->as, "log") == 0 && u->n_opts == 3,
     "use notifier.log with 3 options (as is not one)");
  const mj_kv *ap = opt(u, "append"), *lv = opt(u, "level");
  ok(ap && ap->type == MJ_VAL_BOOL && ap->boolean &&
         strcmp(ap->str, "true") == 0,
     "bool option");
  ok(lv && lv->type == MJ_VAL_NUMBER && lv->num == 2 &&
         strcmp(lv->str, "2") == 0,
     "number option");
  is_string("nps", m->uses[1].as, "instance name defaults to the plugin");
  contains(logbuf, "loaded\t5\tlabels", "mejora.log reaches the log");
  mj_engine_free(e);
}

typedef struct bad {
  const char *file;
  int code;
  int line;
  const char *text; /* after "PATH:LINE: " */
} bad;

static void bad_playbooks(void)
{
  static const bad cases[] = {
      {"bad_key.lua", MJ_EVALIDATE, 2,
       "unknown key 'tagret' in requirement \"R2\" (did you mean 'target'?)"},
      {"bad_keyline.lua", MJ_EVALIDATE, 4,
       "unknown key 'tagret' in requirement \"R1\" (did you mean 'target'?)"},
      {"bad_nested.lua", MJ_EVALIDATE, 4,
       "plan \"P1\", verify: 'alpha' must be a number, not string"},
      {"bad_type.lua", MJ_EVALIDATE, 3,
       "requirement \"R2\": 'target' must be a number, not string"},
      {"bad_enum.lua", MJ_EVALIDATE, 1,
       "requirement \"R1\": 'need' is \"urgent\"; use one of primary, "
       "secondary, tertiary"},
      {"bad_due.lua", MJ_EVALIDATE, 1,
       "plan \"P1\": due \"a month\" is not a duration"},
      {"bad_due_unit.lua", MJ_EVALIDATE, 1,
       "plan \"P1\": due \"30\" is not a duration"},
      {"bad_qtype.lua", MJ_EVALIDATE, 2,
       "question \"q\": type \"scale12\" is not a question type"},
      {"bad_syntax.lua", MJ_ESYNTAX, 3, "unexpected symbol near ','"},
      {"bad_runtime.lua", MJ_ERUNTIME, 3,
       "attempt to index a nil value (local 'x')"},
      {"bad_name.lua", MJ_ERUNTIME, 1,
       "unknown name 'requirment' (did you mean 'requirement'?)"},
      {"bad_global.lua", MJ_ERUNTIME, 2,
       "assignment to undeclared global 'count'"},
      {"bad_labels.lua", MJ_EVALIDATE, 2,
       "question \"q\": unknown label set 'excelent-poor' (did you mean "
       "'excellent-poor'?) (valid: agree-disagree, agree-disagree-7"},
      {"bad_pcall.lua", MJ_EVALIDATE, 2,
       "unknown key 'tagret' in requirement \"R1\""},
      {"bad_escape.lua", MJ_EVALIDATE, 2,
       "customers \"../data/good.csv\": '"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const bad *b = &cases[i];
    mj_engine *e = engine(0);
    int rc = mj_playbook_load(e, fix(b->file));
    char want[1500];
    snprintf(want, sizeof want, "%s:%d: %s", fix(b->file), b->line, b->text);
    is_int(b->code, rc, "%s: %s", b->file, mj_err_name(b->code));
    if (!ok(strncmp(mj_errmsg(e), want, strlen(want)) == 0, "%s: message",
            b->file))
      diag("got:  %s\nwant: %s", mj_errmsg(e), want);
    ok(e->model == NULL, "%s: no model kept", b->file);
    mj_engine_free(e);
  }
}

static void references(void)
{
  mj_engine *e = engine(0);
  char want[4096];
  int rc = mj_playbook_load(e, fix("bad_ref.lua"));
  is_int(MJ_EREF, rc, "dangling measures: EREF");
  snprintf(want, sizeof want,
           "%s:3: question 'q1' of questionnaire 'visit' (%s:2) measures "
           "requirement 'R9', which is not declared (did you mean 'R1'?)",
           fix("bad_ref.lua"), fix("bad_ref.lua"));
  is_string(want, mj_errmsg(e), "both positions and a suggestion");
  is_int(3, mj_last_error(e)->line, "error line");

  rc = mj_playbook_load(e, fix("bad_dup.lua"));
  is_int(MJ_EVALIDATE, rc, "duplicate id refused");
  snprintf(want, sizeof want,
           "%s:4: duplicate requirement 'R1' (first declared at %s:1)",
           fix("bad_dup.lua"), fix("bad_dup.lua"));
  is_string(want, mj_errmsg(e), "duplicate names both lines");

  rc = mj_playbook_load(e, fix("bad_csv.lua"));
  is_int(MJ_EDATA, rc, "bad CSV row refused");
  snprintf(want, sizeof want,
           "%s/data/bad_customers.csv:3:3: consent 'maybe?' is not yes/no, "
           "true/false, 1/0 or a list of channels such as \"email,sms\" "
           "(customers declared at %s:2)",
           fixdir, fix("bad_csv.lua"));
  is_string(want, mj_errmsg(e), "file.csv:ROW:COL and the declaration");

  rc = mj_playbook_load(e, fix("bad_csvdup.lua"));
  is_int(MJ_EVALIDATE, rc, "customer declared twice (Lua and CSV)");
  snprintf(want, sizeof want,
           "%s/data/dup_customers.csv:3: duplicate customer 'C001' (first "
           "declared at %s:2)",
           fixdir, fix("bad_csvdup.lua"));
  is_string(want, mj_errmsg(e), "CSV row and playbook line");
  mj_engine_free(e);
}

static void keeps_previous_model(void)
{
  static const char inline_pb[] = "requirement \"X\" { target = 1 }";
  mj_engine *e = engine(0);
  is_int(MJ_OK, mj_playbook_load(e, fix("good.lua")), "good loads");
  const mj_model *before = e->model;
  ok(mj_playbook_load(e, fix("bad_key.lua")) == MJ_EVALIDATE &&
         e->model == before && e->model->n_requirements == 2,
     "a failed load leaves the previous model untouched");
  is_int(MJ_OK,
         mj_playbook_load_buffer(e, "inline.lua", inline_pb, strlen(inline_pb)),
         "a later good load replaces it");
  ok(e->model && e->model->n_requirements == 1 &&
         strcmp(e->model->file, "inline.lua") == 0,
     "new model in place");
  mj_engine_free(e);
}

static void paths(void)
{
  char *dir = tap_tmpdir("dsl");
  char pb[1200], link[1200], target[1200];
  snprintf(pb, sizeof pb, "%s/pb.lua", dir);
  snprintf(link, sizeof link, "%s/link.csv", dir);
  snprintf(target, sizeof target, "%s/data/customers.csv", fixdir);
  if (symlink(target, link) != 0)
    bail("symlink failed");
  tap_write(pb, "segment \"walk-in\" {}\nsegment \"online\" {}\n"
                "customers \"link.csv\"\n");
  mj_engine *e = engine(0);
  int rc = mj_playbook_load(e, pb);
  is_int(MJ_EVALIDATE, rc, "symlink escaping the folder refused");
  contains(mj_errmsg(e), "outside the playbook's folder", "says why");
  contains(mj_errmsg(e), "--trust", "names --trust");
  mj_engine_free(e);

  e = engine(MJ_TRUST_PLAYBOOK);
  rc = mj_playbook_load(e, pb);
  is_int(MJ_OK, rc, "trusted playbook may read it (%s)", mj_errmsg(e));
  is_int(2, e->model ? (long long)e->model->n_customers : 0,
         "customers read through the link");
  mj_engine_free(e);

  tap_write(pb, "segment \"online\" {}\ncustomers \"/etc/passwd\"\n");
  e = engine(0);
  is_int(MJ_EVALIDATE, mj_playbook_load(e, pb),
         "absolute path outside refused");
  mj_engine_free(e);

  /* A file really inside the folder, named through a subfolder. */
  char sub[1200], csv[1300];
  snprintf(sub, sizeof sub, "%s/in", dir);
  snprintf(csv, sizeof csv, "%s/c.csv", sub);
  if (mkdir(sub, 0700) != 0)
    bail("mkdir failed");
  tap_write(csv, "id,segment\nZ1,online\n");
  tap_write(pb, "segment \"online\" {}\ncustomers \"in/c.csv\"\n");
  e = engine(0);
  is_int(MJ_OK, mj_playbook_load(e, pb), "file inside the folder read (%s)",
         mj_errmsg(e));
  mj_engine_free(e);
  /* ".." is judged by where it leads, not by how it is spelt. */
  tap_write(pb, "segment \"online\" {}\ncustomers \"in/../in/c.csv\"\n");
  e = engine(0);
  is_int(MJ_OK, mj_playbook_load(e, pb), "'..' that stays inside is read (%s)",
         mj_errmsg(e));
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
}

/* Many customers from two files after one declared in Lua: order, rows,
** fields and lookups survive the array's growth; the first duplicate in
** file order is the one named. */
static void many_customers(void)
{
  char *dir = tap_tmpdir("dslmany");
  char pb[1200], big[1200], small[1200], dups[1200], want[4096];
  snprintf(pb, sizeof pb, "%s/pb.lua", dir);
  snprintf(big, sizeof big, "%s/big.csv", dir);
  snprintf(small, sizeof small, "%s/small.csv", dir);
  snprintf(dups, sizeof dups, "%s/dups.csv", dir);
  enum { N = 5000 };
  char *text = malloc(N * 64 + 64);
  if (!text)
    bail("out of memory");
  size_t k = (size_t)sprintf(text, "id,segment,name,lang,channel\n");
  for (int i = 0; i < N; i++)
    k += (size_t)sprintf(text + k, "C%04d,%s,Name %d,%s,shop\n", i,
                         i % 2 ? "b" : "a", i, i % 3 ? "en" : "es");
  tap_write(big, text);
  free(text);
  tap_write(small, "id,segment,lang\nS1,b,ca\n");
  tap_write(pb, "segment \"a\" {}\nsegment \"b\" {}\n"
                "customer \"L1\" { segment = \"a\" }\n"
                "customers \"big.csv\"\ncustomers \"small.csv\"\n");
  mj_engine *e = engine(0);
  is_int(MJ_OK, mj_playbook_load(e, pb), "5000 customers load (%s)",
         mj_errmsg(e));
  const mj_model *m = e->model;
  if (!m)
    bail("no model");
  is_int(N + 2, (long long)m->n_customers, "declared + both files");
  ok(!strcmp(mj__customer_id(m, 0), "L1") &&
         !strcmp(mj__customer_id(m, 1), "C0000") &&
         !strcmp(mj__customer_id(m, N), "C4999") &&
         !strcmp(mj__customer_id(m, N + 1), "S1"),
     "declaration order kept");
  mj_customer v;
  static mj_customer_buf b;
  mj__customer_at(m, N, &v, &b);
  is_int(N + 1, v.pos.line, "last big row at its line");
  mj__customer_buf_init(&b);
  const mj_customer *u = mj__model_customer(m, "C2501", &v, &b);
  ok(u && !strcmp(u->name, "Name 2501") && !strcmp(u->segment, "b") &&
         !strcmp(u->lang, "en") && !strcmp(u->channel, "shop") && !u->email,
     "a row's fields");
  u = mj__model_customer(m, "S1", &v, &b);
  ok(u && !strcmp(u->segment, "b") && !strcmp(u->lang, "ca") && !u->name,
     "the second file's row");
  mj_engine_free(e);

  tap_write(dups, "id,segment\nA,a\nB,a\nB,a\nA,a\n");
  tap_write(pb, "segment \"a\" {}\ncustomers \"dups.csv\"\n");
  e = engine(0);
  is_int(MJ_EVALIDATE, mj_playbook_load(e, pb), "duplicates refused");
  snprintf(want, sizeof want,
           "%s:4: duplicate customer 'B' (first declared at %s:3)", dups, dups);
  is_string(want, mj_errmsg(e), "the first repeated id, both rows");
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
}

int main(void)
{
  const char *top = getenv("top_srcdir");
  if (top)
    snprintf(fixdir, sizeof fixdir, "%s/tests/lua", top);
  else
    snprintf(fixdir, sizeof fixdir, "%s", MJ_BUILD_LUADIR "/../tests/lua");
  char *real = realpath(fixdir, NULL);
  if (real) {
    snprintf(fixdir, sizeof fixdir, "%s", real);
    free(real);
  }
  plan(116);
  good_model();
  bad_playbooks();
  references();
  keeps_previous_model();
  paths();
  many_customers();
  return tap_done();
}
