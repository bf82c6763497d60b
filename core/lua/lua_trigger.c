/*
** Plan triggers: call a plan's `when(r)` with the cycle's figures, under
** the sandbox's limits, and record every figure it read as evidence; or
** judge a declarative `when = "mean:R1 < target"` (below) the same way.
*/
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>

#include "lua_host.h"

struct mj_trigger_ctx {
  mj_engine *e;
  const mj_plan *p;
  const mj_figset *fs;
  const mj_model *m;
  mj_evidence ev; /* figures read */
  int fired;
};

static mj_trigger_ctx *ctx_of(lua_State *L)
{
  mj_trigger_ctx *t = mj__lua_host(L)->trigger;
  if (!t)
    luaL_error(L, "r can only be used while the plan's when function runs");
  return t;
}

static int evidence_add(mj_evidence *ev, const mj_result_rec *r)
{
  for (size_t i = 0; i < ev->n; i++)
    if (ev->read[i] == r)
      return MJ_OK;
  if (ev->n == ev->cap) {
    size_t cap = ev->cap ? ev->cap * 2 : 8;
    const mj_result_rec **v = realloc(ev->read, cap * sizeof *v);
    if (!v)
      return MJ_ENOMEM;
    ev->read = v;
    ev->cap = cap;
  }
  ev->read[ev->n++] = r;
  return MJ_OK;
}

static void note(lua_State *L, mj_trigger_ctx *t, const mj_result_rec *r)
{
  if (evidence_add(&t->ev, r) != MJ_OK)
    luaL_error(L, "out of memory recording evidence");
}

/* Push a figure's value (nil when absent or undefined), noting it. */
static double push_figure(lua_State *L, mj_trigger_ctx *t,
                          const mj_result_rec *r)
{
  if (!r) {
    lua_pushnil(L);
    return NAN;
  }
  note(L, t, r);
  if (isnan(r->value))
    lua_pushnil(L);
  else
    lua_pushnumber(L, r->value);
  return r->value;
}

static const mj_requirement *check_req(lua_State *L, mj_trigger_ctx *t, int arg)
{
  const char *id = luaL_checkstring(L, arg);
  const mj_requirement *r = t->m ? mj__model_requirement(t->m, id) : NULL;
  if (!r) {
    const char *ids[64];
    size_t n = 0;
    for (size_t i = 0; t->m && i < t->m->n_requirements && n < 64; i++)
      ids[n++] = t->m->requirements[i].id;
    const char *best = mj__suggest(id, ids, n);
    luaL_error(L, "unknown requirement '%s'%s%s%s", id,
               best ? " (did you mean '" : "", best ? best : "",
               best ? "'?)" : "");
  }
  return r;
}

static double req_figure(lua_State *L, const char *metric, int seg_arg)
{
  mj_trigger_ctx *t = ctx_of(L);
  const mj_requirement *req = check_req(L, t, 1);
  const char *seg = luaL_optstring(L, seg_arg, "all");
  return push_figure(
      L, t, mj__figset_find(t->fs, "csat", metric, NULL, NULL, req->id, seg));
}

/* r.mean(req [, segment]): CSAT mean of the questions measuring req. */
static int r_mean(lua_State *L)
{
  req_figure(L, "mean", 2);
  return 1;
}

/* r.t2b(req [, segment]): CSAT top-two-box share. */
static int r_t2b(lua_State *L)
{
  req_figure(L, "t2b", 2);
  return 1;
}

/* r.nps([segment]): the first NPS figure of the segment. */
static int r_nps(lua_State *L)
{
  mj_trigger_ctx *t = ctx_of(L);
  const char *seg = luaL_optstring(L, 1, "all");
  push_figure(L, t,
              mj__figset_find(t->fs, "nps", "nps", NULL, NULL, NULL, seg));
  return 1;
}

/* r.target(req): the requirement's target, or nil. */
static int r_target(lua_State *L)
{
  mj_trigger_ctx *t = ctx_of(L);
  const mj_requirement *req = check_req(L, t, 1);
  if (req->has_target)
    lua_pushnumber(L, req->target);
  else
    lua_pushnil(L);
  return 1;
}

/* r.below(req [, segment]): mean below target (false without data). */
static int r_below(lua_State *L)
{
  mj_trigger_ctx *t = ctx_of(L);
  const mj_requirement *req = check_req(L, t, 1);
  double mean = req_figure(L, "mean", 2);
  lua_pushboolean(L, req->has_target && !isnan(mean) && mean < req->target);
  return 1;
}

/* r.figure{ scorer=, metric=, questionnaire=, question=, requirement=,
** segment= }: any figure; segment defaults to "all". */
static int r_figure(lua_State *L)
{
  static const char *const keys[] = {"scorer",   "metric",      "questionnaire",
                                     "question", "requirement", "segment"};
  mj_trigger_ctx *t = ctx_of(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  const char *v[6] = {NULL};
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    size_t k = 0;
    const char *key =
        lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    while (k < 6 && strcmp(keys[k], key) != 0)
      k++;
    if (k == 6) {
      const char *best = mj__suggest(key, keys, 6);
      return luaL_error(L, "r.figure: unknown key '%s'%s%s%s", key,
                        best ? " (did you mean '" : "", best ? best : "",
                        best ? "'?)" : "");
    }
    if (lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "r.figure: '%s' must be a string", key);
    v[k] = lua_tostring(L, -1); /* kept alive by the argument table */
    lua_pop(L, 1);
  }
  if (!v[1])
    return luaL_error(L, "r.figure needs a metric, e.g. r.figure{ scorer = "
                         "\"nps\", metric = \"nps\" }");
  push_figure(L, t,
              mj__figset_find(t->fs, v[0], v[1], v[2], v[3], v[4],
                              v[5] ? v[5] : "all"));
  return 1;
}

/* r.complaints([category [, metric]]): this cycle's count of complaints
** (of a category), 0 when none were received; metric "share" etc. */
static int r_complaints(lua_State *L)
{
  mj_trigger_ctx *t = ctx_of(L);
  const char *cat = luaL_optstring(L, 1, NULL);
  const char *metric = luaL_optstring(L, 2, "count");
  const mj_result_rec *r = mj__figset_find(
      t->fs, "complaints", metric, cat ? "category" : NULL, cat, NULL, "all");
  if (!r && strcmp(metric, "count") == 0) {
    lua_pushinteger(L, 0);
    return 1;
  }
  push_figure(L, t, r);
  return 1;
}

/* r.audit(criterion [, segment]): compliance % of an audit criterion
** (nil: every criterion pooled); segment "all", "site:X", "agent:Y". */
static int r_audit(lua_State *L)
{
  mj_trigger_ctx *t = ctx_of(L);
  const char *crit = luaL_optstring(L, 1, NULL);
  const char *seg = luaL_optstring(L, 2, "all");
  const mj_result_rec *r = NULL;
  for (size_t i = 0; i < t->fs->n && !r; i++) {
    const mj_result_rec *x = &t->fs->items[i];
    if (x->scorer && strcmp(x->scorer, "audit") == 0 &&
        strcmp(x->metric, "compliance") == 0 && x->segment &&
        strcmp(x->segment, seg) == 0 &&
        (crit ? x->question && strcmp(x->question, crit) == 0 : !x->question))
      r = x;
  }
  push_figure(L, t, r);
  return 1;
}

/* r.standard(id): true met, false not met, nil without data. */
static int r_standard(lua_State *L)
{
  mj_trigger_ctx *t = ctx_of(L);
  const char *id = luaL_checkstring(L, 1);
  double v = push_figure(
      L, t, mj__figset_find(t->fs, "standard", "met", NULL, id, NULL, "all"));
  lua_pop(L, 1);
  if (isnan(v))
    lua_pushnil(L);
  else
    lua_pushboolean(L, v != 0);
  return 1;
}

static const luaL_Reg rfuncs[] = {
    {"figure", r_figure}, {"mean", r_mean},   {"t2b", r_t2b}, {"nps", r_nps},
    {"target", r_target}, {"below", r_below}, {"complaints", r_complaints},
    {"audit", r_audit},   {"standard", r_standard}, {NULL, NULL}};

static int trig_run(lua_State *L)
{
  mj_trigger_ctx *t = mj__lua_host(L)->trigger;
  lua_rawgeti(L, LUA_REGISTRYINDEX, t->p->when_ref); /* when */
  luaL_newlib(L, rfuncs);                            /* when r */
  lua_call(L, 1, 1);                                 /* result */
  t->fired = lua_toboolean(L, -1);
  return 0;
}

static json_t *str_or_null(const char *s)
{
  return s ? json_string(s) : json_null();
}

static char *evidence_json(const mj_evidence *ev)
{
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < ev->n; i++) {
    const mj_result_rec *r = ev->read[i];
    json_t *o = json_object();
    if (!o || json_array_append_new(arr, o) != 0) {
      json_decref(arr);
      return NULL;
    }
    json_object_set_new(o, "scorer", str_or_null(r->scorer));
    json_object_set_new(o, "metric", str_or_null(r->metric));
    json_object_set_new(o, "questionnaire", str_or_null(r->questionnaire));
    json_object_set_new(o, "question", str_or_null(r->question));
    json_object_set_new(o, "requirement", str_or_null(r->requirement));
    json_object_set_new(o, "segment", str_or_null(r->segment));
    json_object_set_new(o, "value",
                        isfinite(r->value) ? json_real(r->value) : json_null());
    json_object_set_new(o, "n", json_integer((json_int_t)r->n));
  }
  char *s = arr ? json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(arr);
  return s;
}

static int rule_dispatch(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                         int *fired, char **evidence);

int mj__trigger_eval(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                     int *fired, char **evidence)
{
  *fired = 0;
  if (evidence)
    *evidence = NULL;
  if (!e || !p || !fs)
    return e ? mj__seterr(e, MJ_EINVAL, "no plan or figures given") : MJ_EINVAL;
  if (p->when_rule)
    return rule_dispatch(e, p, fs, fired, evidence);
  if (p->when_ref < 0)
    return MJ_OK; /* no `when`: the plan is opened by hand only */
  mj_luahost *h = mj__lua_host(e->L);
  if (h->trigger || h->dsl)
    return mj__seterr(e, MJ_EINVAL, "plan '%s': a trigger is already running",
                      p->id);
  mj_trigger_ctx t = {.e = e, .p = p, .fs = fs, .m = e->model};
  h->trigger = &t;
  lua_pushcfunction(e->L, trig_run);
  int rc = mj__lua_pcall(e, 0, 0, MJ_ERUNTIME);
  h->trigger = NULL;
  if (rc != MJ_OK)
    mj__lua_fixsrc(e, p->pos.file);
  if (rc == MJ_OK) {
    *fired = t.fired;
    if (evidence) {
      *evidence = evidence_json(&t.ev);
      if (!*evidence)
        rc = mj__seterr(e, MJ_ENOMEM, "out of memory writing evidence");
    }
  }
  free(t.ev.read);
  return rc;
}

/* ---- declarative triggers --------------------------------------------- */

/*
** when = "MEASURE OP VALUE [and|or MEASURE OP VALUE ...]"
**   MEASURE  a metric reference (metric_ref.c): csat.mean:R1, mean:R1,
**            nps:retail, complaints.count:late-delivery, complaints.fcr,
**            audit.compliance:answer_time, complaints.hours_median:step/
**            responded ...
**   OP       < <= > >= == !=
**   VALUE    a number; `target`, the target of the measure's requirement;
**            or a rate N/day, N/week, N/month, N/year: the figure divided
**            by the cycle's period in those units.
** `and` binds tighter than `or` (a and b or c = (a and b) or c); there are
** no parentheses: write a Lua function for anything more.
** The period is the cycle's `period = { from, to }`; whole calendar
** months when both fall on the 1st (so 2026-11-01..2026-12-01 is exactly
** one month), else days / 30.436875. A cycle without a period whose name
** is a month ("2026-11", the default wave of complaints and visits) is one
** month long. Without either, a rate is not judged (the clause is false).
*/
typedef enum vkind { V_NUM = 1, V_TARGET, V_RATE } vkind;

typedef struct clause {
  mj_metric_ref ref;
  mj_cmp cmp;
  int ne;           /* != (mj_cmp has no "not equal") */
  vkind kind;
  double value;     /* the number; a target's value after compiling */
  double unit_days; /* V_RATE: days in one unit (month: 30.436875) */
  const char *unit; /* V_RATE: "month" */
  int or_before;    /* starts a new `or` group */
  const char *text; /* the measure as written, for messages */
} clause;

struct mj_rule {
  clause *c;
  size_t n;
};

static const struct {
  const char *name;
  double days;
} units[] = {{"day", 1}, {"week", 7}, {"month", 365.2425 / 12},
             {"year", 365.2425}};

/* A token of s at *pos: a word of anything but blanks and operators, or an
** operator. Returns its length (0 at the end). */
static size_t token(const char *s, size_t *pos, int op)
{
  while (s[*pos] == ' ' || s[*pos] == '\t' || s[*pos] == '\n')
    (*pos)++;
  const char *p = s + *pos;
  if (op)
    return strspn(p, "<>=!");
  return strcspn(p, " \t\n<>=!");
}

static int rule_error(mj_engine *e, const mj_plan *p, int code,
                      const char *what)
{
  return mj__seterr_at(e, code, p->pos.file,
                       p->when_line > 0 ? p->when_line : p->pos.line, 0,
                       "plan \"%s\": when \"%s\": %s", p->id, p->when_text,
                       what);
}

static int parse_value(const char *w, clause *k)
{
  char *end;
  double v = strtod(w, &end);
  if (strcmp(w, "target") == 0) {
    k->kind = V_TARGET;
    return 1;
  }
  if (end == w || !isfinite(v))
    return 0;
  k->value = v;
  if (*end == '\0') {
    k->kind = V_NUM;
    return 1;
  }
  if (*end != '/')
    return 0;
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcmp(end + 1, units[i].name) == 0) {
      k->kind = V_RATE;
      k->unit = units[i].name;
      k->unit_days = units[i].days;
      return 1;
    }
  return 0;
}

static int compile_one(mj_engine *e, mj_model *m, mj_plan *p)
{
  const char *s = p->when_text;
  size_t len = strlen(s), pos = 0, n = 0, cap = 1;
  for (size_t i = 0; i < len; i++)
    cap += s[i] == ' ' || s[i] == '\t' || s[i] == '\n'; /* and/or need
                                                         ** blanks */
  clause *c = mj__arena_alloc(&m->arena, cap * sizeof *c);
  char *buf = mj__arena_alloc(&m->arena, len + 1);
  if (!c || !buf)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  char msg[600], why[400];
  int or_next = 0;
  for (;;) {
    /* MEASURE */
    size_t k = token(s, &pos, 0);
    if (k == 0) {
      snprintf(msg, sizeof msg,
               n == 0 ? "nothing to test; write e.g. \"mean:R1 < target\" or "
                        "\"complaints:late-delivery > 10/month\""
                      : "'%s' at the end needs a comparison after it",
               or_next ? "or" : "and");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    clause *x = &c[n];
    memset(x, 0, sizeof *x);
    memcpy(buf, s + pos, k);
    buf[k] = '\0';
    x->text = mj__arena_strdup(&m->arena, buf);
    pos += k;
    if (!x->text)
      return mj__seterr(e, MJ_ENOMEM, "out of memory");
    if (!mj__metric_parse(x->text, &x->ref)) {
      const char *best = mj__metric_suggest(x->text);
      snprintf(msg, sizeof msg,
               "'%s' is not a measure%s%s%s; write SCORER.METRIC[:SUBJECT]"
               "[@SEGMENT] (e.g. csat.mean:R1) or a short form (mean:R1, "
               "nps:SEGMENT, complaints:CATEGORY)",
               x->text, best ? " (did you mean '" : "", best ? best : "",
               best ? ":...'?)" : "");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    int rc = mj__metric_check(e, m, &x->ref, why, sizeof why);
    if (rc != MJ_OK) {
      snprintf(msg, sizeof msg, "'%s': %s", x->text, why);
      return rule_error(e, p, rc, msg);
    }
    /* OP */
    k = token(s, &pos, 1);
    static const struct {
      const char *op;
      mj_cmp cmp;
      int ne;
    } ops[] = {{"<", MJ_CMP_LT, 0},  {"<=", MJ_CMP_LE, 0},
               {">", MJ_CMP_GT, 0},  {">=", MJ_CMP_GE, 0},
               {"==", MJ_CMP_EQ, 0}, {"!=", MJ_CMP_EQ, 1}};
    size_t o = 0;
    while (o < 6 && (strlen(ops[o].op) != k || strncmp(s + pos, ops[o].op, k)))
      o++;
    if (o == 6) {
      size_t w = k ? k : token(s, &pos, 0);
      snprintf(msg, sizeof msg,
               "after '%s' comes %s%.*s%s; expected a comparison: < <= > >= "
               "== !=",
               x->text, w ? "'" : "", (int)(w ? w : 7), w ? s + pos : "nothing",
               w ? "'" : "");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    x->cmp = ops[o].cmp;
    x->ne = ops[o].ne;
    pos += k;
    /* VALUE */
    k = token(s, &pos, 0);
    memcpy(buf, s + pos, k);
    buf[k] = '\0';
    pos += k;
    if (!parse_value(buf, x)) {
      static const char *const words[] = {"target"};
      const char *best = k ? mj__suggest(buf, words, 1) : NULL;
      snprintf(msg, sizeof msg,
               "%s%s%s%s; write a number, target, or a rate like 10/month "
               "(/day, /week, /month, /year)",
               k ? "'" : "", k ? buf : "no value after the comparison",
               k ? "' is not a value" : "",
               best ? " (did you mean 'target'?)" : "");
      return rule_error(e, p, MJ_EVALIDATE, msg);
    }
    if (x->kind == V_TARGET) {
      const mj_requirement *r =
          x->ref.subject[0] ? mj__model_requirement(m, x->ref.subject) : NULL;
      if (!r || !r->has_target) {
        snprintf(msg, sizeof msg,
                 "'target' is the target of the measure's requirement, and "
                 "%s%s%s; compare with a number instead",
                 r ? "requirement '" : "'", r ? r->id : x->text,
                 r ? "' declares no target" : "' names no requirement");
        return rule_error(e, p, MJ_EVALIDATE, msg);
      }
      x->value = r->target;
    }
    x->or_before = or_next;
    n++;
    /* and | or | end */
    k = token(s, &pos, 0);
    if (k == 0 && token(s, &pos, 1) == 0)
      break;
    if (k == 0)
      k = token(s, &pos, 1);
    if ((k == 3 && strncmp(s + pos, "and", 3) == 0) ||
        (k == 2 && strncmp(s + pos, "or", 2) == 0)) {
      or_next = k == 2;
      pos += k;
      continue;
    }
    snprintf(msg, sizeof msg, "'%.*s' where 'and' or 'or' was expected "
                              "(after '%s')",
             (int)k, s + pos, buf);
    return rule_error(e, p, MJ_EVALIDATE, msg);
  }
  struct mj_rule *r = mj__arena_alloc(&m->arena, sizeof *r);
  if (!r)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  r->c = c;
  r->n = n;
  p->when_rule = r;
  return MJ_OK;
}

int mj__rules_compile(mj_engine *e, mj_model *m)
{
  for (size_t i = 0; i < m->n_plans; i++) {
    if (!m->plans[i].when_text)
      continue;
    int rc = compile_one(e, m, &m->plans[i]);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

/* The cycle's length in days and whole months (0 when not whole). */
static int period_of(const mj_cycle_decl *d, double *days, int *months)
{
  *months = 0;
  if (!d)
    return 0;
  if (d->period_from > 0 && d->period_to > d->period_from) {
    *days = (double)(d->period_to - d->period_from) / 86400.0;
    int64_t df = d->period_from / 86400, dt = d->period_to / 86400;
    /* Both on the 1st at midnight: count the calendar months. */
    if (d->period_from % 86400 == 0 && d->period_to % 86400 == 0) {
      int y1, m1, y2, m2;
      char a[16], b[16];
      mj__svc_month(d->period_from, a, sizeof a);
      mj__svc_month(d->period_to, b, sizeof b);
      if (sscanf(a, "%d-%d", &y1, &m1) == 2 &&
          sscanf(b, "%d-%d", &y2, &m2) == 2 &&
          mj__days_from_civil(y1, (unsigned)m1, 1) == df &&
          mj__days_from_civil(y2, (unsigned)m2, 1) == dt)
        *months = (y2 - y1) * 12 + (m2 - m1);
    }
    return 1;
  }
  int y, mo;
  char tail;
  if (sscanf(d->id, "%4d-%2d%c", &y, &mo, &tail) == 2 && mo >= 1 && mo <= 12 &&
      strlen(d->id) == 7) {
    int ny = mo == 12 ? y + 1 : y;
    unsigned nm = mo == 12 ? 1 : (unsigned)mo + 1;
    *days = (double)(mj__days_from_civil(ny, nm, 1) -
                     mj__days_from_civil(y, (unsigned)mo, 1));
    *months = 1;
    return 1;
  }
  return 0;
}

static int holds(const clause *k, double x, double t)
{
  switch (k->cmp) {
  case MJ_CMP_LT:
    return x < t;
  case MJ_CMP_LE:
    return x <= t;
  case MJ_CMP_GT:
    return x > t;
  case MJ_CMP_GE:
    return x >= t;
  default:
    return k->ne ? x != t : x == t;
  }
}

static void add_why(char *why, size_t n, const char *fmt, const char *a,
                    const char *b)
{
  size_t used = strlen(why);
  if (used + 2 < n)
    snprintf(why + used, n - used, "%s", used ? "; " : "");
  used = strlen(why);
  if (used < n)
    snprintf(why + used, n - used, fmt, a, b);
}

int mj__rule_eval(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                  const mj_cycle_decl *cycle, int *fired, char **evidence,
                  char *why, size_t whylen)
{
  *fired = 0;
  if (evidence)
    *evidence = NULL;
  if (why && whylen)
    why[0] = '\0';
  if (!e || !p || !fs || !p->when_rule)
    return e ? mj__seterr(e, MJ_EINVAL, "no plan, figures or rule given")
             : MJ_EINVAL;
  char scratch[512] = "";
  if (!why || !whylen) {
    why = scratch;
    whylen = sizeof scratch;
  }
  const struct mj_rule *r = p->when_rule;
  mj_evidence ev = {0};
  double days = 0;
  int months = 0, has_period = period_of(cycle, &days, &months);
  int any = 0, group = 1, rc = MJ_OK;
  for (size_t i = 0; i < r->n && rc == MJ_OK; i++) {
    const clause *k = &r->c[i];
    if (k->or_before) {
      any |= group;
      group = 1;
    }
    const mj_result_rec *f = mj__metric_find(fs, e->model, &k->ref);
    char name[400];
    mj__metric_format(&k->ref, name, sizeof name);
    if (f)
      rc = evidence_add(&ev, f);
    if (!f || isnan(f->value)) {
      add_why(why, whylen,
              f ? "%s has no value this cycle%s"
                : "no figure %s this cycle%s (the clause is false)",
              name, "");
      group = 0;
      continue;
    }
    double x = f->value;
    if (k->kind == V_RATE) {
      double per = 0;
      if (has_period && strcmp(k->unit, "month") == 0 && months > 0)
        per = months;
      else if (has_period)
        per = days / k->unit_days;
      if (!(per > 0)) {
        add_why(why, whylen,
                "cycle '%s' has no period = { from, to } and its name is "
                "not a month (YYYY-MM): %s per period is not judged",
                cycle ? cycle->id : "?", name);
        group = 0;
        continue;
      }
      x /= per;
    }
    group &= holds(k, x, k->value);
  }
  any |= group;
  if (rc == MJ_OK) {
    *fired = any;
    if (evidence) {
      *evidence = evidence_json(&ev);
      if (!*evidence)
        rc = MJ_ENOMEM;
    }
  }
  free(ev.read);
  return rc == MJ_OK ? MJ_OK : mj__seterr(e, rc, "out of memory");
}

static int on_cycle_name(void *ud, const mj_cycle_rec *c)
{
  snprintf(ud, 128, "%s", c->name ? c->name : "");
  return MJ_OK;
}

/* The cycle's declaration from the figures' cycle id, through the store. */
static const mj_cycle_decl *cycle_of(mj_engine *e, const mj_figset *fs)
{
  if (!e->store || !e->model || fs->n == 0)
    return NULL;
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  char name[128] = "";
  int found = 0;
  mj_error err = {0};
  if (!S->get_cycle ||
      S->get_cycle(e->store->inst, fs->items[0].cycle, on_cycle_name, name,
                   &found, &err) != MJ_OK ||
      !found)
    return NULL;
  return mj__model_cycle(e->model, name);
}

static int rule_dispatch(mj_engine *e, const mj_plan *p, const mj_figset *fs,
                         int *fired, char **evidence)
{
  char why[512];
  int rc = mj__rule_eval(e, p, fs, cycle_of(e, fs), fired, evidence, why,
                         sizeof why);
  if (rc == MJ_OK && !*fired && why[0])
    mj__log(e, MJ_LOG_WARN, "plan '%s' did not fire: %s", p->id, why);
  return rc;
}
