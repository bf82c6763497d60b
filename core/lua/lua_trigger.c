/*
** Plan triggers: call a plan's `when(r)` with the cycle's figures, under
** the sandbox's limits, and record every figure it read as evidence; or
** judge a declarative `when = "mean:R1 < target"` (rules.c) the same way.
*/
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void note(lua_State *L, mj_trigger_ctx *t, const mj_result_rec *r)
{
  if (mj__evidence_add(&t->ev, r) != MJ_OK)
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

/* r.cases([alert [, metric]]): the cycle's count of close-the-loop cases
** of an alert (nil: every alert), metric "overdue" unless named; 0 when
** the cycle counted none. */
static int r_cases(lua_State *L)
{
  mj_trigger_ctx *t = ctx_of(L);
  const char *alert = luaL_optstring(L, 1, NULL);
  const char *metric = luaL_optstring(L, 2, "overdue");
  const mj_result_rec *r = NULL;
  for (size_t i = 0; i < t->fs->n && !r; i++) {
    const mj_result_rec *x = &t->fs->items[i];
    if (x->scorer && strcmp(x->scorer, "cases") == 0 &&
        strcmp(x->metric, metric) == 0 &&
        (alert ? x->question && strcmp(x->question, alert) == 0
               : !x->question))
      r = x;
  }
  if (!r) {
    lua_pushinteger(L, 0);
    return 1;
  }
  push_figure(L, t, r);
  return 1;
}

static const luaL_Reg rfuncs[] = {
    {"figure", r_figure}, {"mean", r_mean},   {"t2b", r_t2b}, {"nps", r_nps},
    {"target", r_target}, {"below", r_below}, {"complaints", r_complaints},
    {"audit", r_audit},   {"standard", r_standard}, {"cases", r_cases},
    {NULL, NULL}};

static int trig_run(lua_State *L)
{
  mj_trigger_ctx *t = mj__lua_host(L)->trigger;
  lua_rawgeti(L, LUA_REGISTRYINDEX, t->p->when_ref); /* when */
  luaL_newlib(L, rfuncs);                            /* when r */
  lua_call(L, 1, 1);                                 /* result */
  t->fired = lua_toboolean(L, -1);
  return 0;
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
      *evidence = mj__evidence_json(&t.ev);
      if (!*evidence)
        rc = mj__seterr(e, MJ_ENOMEM, "out of memory writing evidence");
    }
  }
  free(t.ev.read);
  return rc;
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
