/*
** The playbook sandbox: allowlisted libraries, per-playbook envs that
** refuse unknown names, our own module searcher, and the environment
** variables the operator lets a playbook read.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua_host.h"

#define ALLOW_KEY "mejora.allow"

/*
** Base functions playbooks get, unchanged. Left out on purpose:
**   dofile, loadfile   read any file: only our searcher reads modules;
**   load               re-added below: text only, the playbook's env;
**   require            re-added below: our searcher, Lua text only;
**   setmetatable       re-added below without __gc (finalizers would run
**                      outside any time limit, even in mj_engine_free);
**   collectgarbage     re-added below with "count" only;
**   xpcall             re-added below: its handler does not run once a
**                      limit has tripped (lua_host.c);
**   rawset             would write undeclared globals past __newindex;
**   print, warn        print goes to the engine's log; warn is dropped.
*/
static const char *const base_allowed[] = {
    "assert", "error",    "ipairs",   "next", "pairs",        "pcall",
    "select", "tonumber", "tostring", "type", "getmetatable", "rawequal",
    "rawget", "rawlen",   "_VERSION", NULL};

/*
** Libraries, opened privately (never as globals of any env). Left out:
** io, os (unless MJ_TRUST_PLAYBOOK), package (C modules; our searcher
** replaces it), debug (reaches every upvalue and the registry).
*/
static const luaL_Reg libs[] = {
    {LUA_STRLIBNAME, luaopen_string},   {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math},    {LUA_UTF8LIBNAME, luaopen_utf8},
    {LUA_COLIBNAME, luaopen_coroutine}, {NULL, NULL}};

static const luaL_Reg trusted_libs[] = {
    {LUA_IOLIBNAME, luaopen_io}, {LUA_OSLIBNAME, luaopen_os}, {NULL, NULL}};

/* ---- replacements of base functions -------------------------------------- */

static mj_engine *engine_of(lua_State *L)
{
  return mj__lua_host(L)->e;
}

/* print and mejora.log: tostring'd arguments, tab-separated, to the log. */
static int sb_print(lua_State *L)
{
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; i++) {
    luaL_tolstring(L, i, NULL);
    if (i > 1)
      luaL_addchar(&b, '\t');
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  mj__log(engine_of(L), MJ_LOG_INFO, "%s", lua_tostring(L, -1));
  return 0;
}

static int sb_setmetatable(lua_State *L)
{
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "__gc metamethods are not allowed in playbooks");
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
    return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

static int sb_collectgarbage(lua_State *L)
{
  const char *opt = luaL_optstring(L, 1, "count");
  if (strcmp(opt, "count") != 0)
    return luaL_error(L,
                      "collectgarbage(\"%s\") is not available in "
                      "playbooks (only \"count\")",
                      opt);
  int k = lua_gc(L, LUA_GCCOUNT, 0), b = lua_gc(L, LUA_GCCOUNTB, 0);
  lua_pushnumber(L, (lua_Number)k + ((lua_Number)b / 1024));
  return 1;
}

/* load(text [, name [, mode]]): text chunks only, in the playbook's env
** (upvalue 1); the manual warns that crafted bytecode can crash Lua. */
static int sb_load(lua_State *L)
{
  size_t n;
  const char *s = lua_tolstring(L, 1, &n);
  if (!s || lua_type(L, 1) != LUA_TSTRING)
    return luaL_argerror(L, 1, "playbooks may load text chunks only");
  const char *name = luaL_optstring(L, 2, "=(load)");
  const char *mode = luaL_optstring(L, 3, "t");
  if (strcmp(mode, "t") != 0)
    return luaL_argerror(L, 3,
                         "playbooks may load text chunks only "
                         "(mode \"t\")");
  if (!lua_isnoneornil(L, 4))
    return luaL_argerror(L, 4, "a playbook's chunks run in its own env");
  if (luaL_loadbufferx(L, s, n, name, "t") != LUA_OK) {
    luaL_pushfail(L);  /* msg nil */
    lua_insert(L, -2); /* nil msg */
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(1)); /* f env */
  lua_setupvalue(L, -2, 1);              /* f */
  return 1;
}

/* ---- our searcher -------------------------------------------------------- */

static int module_name_ok(const char *s)
{
  if (!*s || *s == '.' || strstr(s, ".."))
    return 0;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
      return 0;
  return s[strlen(s) - 1] != '.';
}

/* Push the folders modules are looked up in, as one ';'-separated
** string: mj_opts.lua_path, the source tree (uninstalled builds), the
** installed folder. */
static void push_search_dirs(lua_State *L)
{
  const char *user = engine_of(L)->opts.lua_path;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (user && *user) {
    for (const char *p = user; *p; p++)
      luaL_addchar(&b, *p == ':' ? ';' : *p);
    luaL_addchar(&b, ';');
  }
#ifdef MJ_BUILD_LUADIR
  luaL_addstring(&b, MJ_BUILD_LUADIR ";");
#endif
#ifdef MJ_LUADIR
  luaL_addstring(&b, MJ_LUADIR ";");
#endif
  luaL_pushresult(&b);
}

/* require(name): upvalue 1 the env modules run in, 2 the loaded table. */
static int sb_require(lua_State *L)
{
  const char *name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  lua_pushvalue(L, 1);
  if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) /* name mod */
    return 1;
  lua_pop(L, 1);
  if (!module_name_ok(name))
    return luaL_error(L,
                      "module '%s': not a valid module name (letters, "
                      "digits, '_', '-' and '.')",
                      name);
  const char *sub = luaL_gsub(L, name, ".", "/"); /* name sub */
  push_search_dirs(L);                            /* name sub dirs */
  const char *dirs = lua_tostring(L, -1);
  lua_pushliteral(L, ""); /* name sub dirs tried */
  for (const char *d = dirs; *d;) {
    const char *semi = strchr(d, ';');
    size_t dn = semi ? (size_t)(semi - d) : strlen(d);
    if (dn) {
      lua_pushlstring(L, d, dn); /* ... tried dir */
      const char *path =
          lua_pushfstring(L, "%s/%s.lua", lua_tostring(L, -1), sub);
      lua_remove(L, -2); /* ... tried path */
      FILE *f = fopen(path, "r");
      if (f) {
        fclose(f);
        if (luaL_loadfilex(L, path, "t") != LUA_OK) /* ... path err */
          return lua_error(L);
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_setupvalue(L, -2, 1); /* ... path chunk */
        lua_pushstring(L, name);
        lua_call(L, 1, 1); /* ... path mod */
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          lua_pushboolean(L, 1);
        }
        lua_pushvalue(L, 1);
        lua_pushvalue(L, -2);
        lua_rawset(L, lua_upvalueindex(2));
        return 1;
      }
      lua_pushfstring(L, "\n\tno file '%s'", path); /* ... tried path msg */
      lua_remove(L, -2);
      lua_concat(L, 2); /* ... tried */
    }
    d += dn + (semi ? 1 : 0);
  }
  return luaL_error(L,
                    "module '%s' not found (playbooks can require Lua "
                    "modules from mejora's script folders only, never C "
                    "modules):%s",
                    name, lua_tostring(L, -1));
}

void mj__sandbox_require(lua_State *L, int envidx, const char *name)
{
  envidx = lua_absindex(L, envidx);
  lua_pushliteral(L, "require");
  lua_rawget(L, envidx); /* require */
  lua_pushstring(L, name);
  lua_call(L, 1, 1); /* module */
}

/* ---- the mejora table ---------------------------------------------------- */

/*
** mejora.env(NAME): a variable of the process's environment. HOME, PATH
** and a CI job's secrets are not the playbook's to read: only the names
** the operator lists (mj_opts.env_allow), or any when it trusts the
** playbook.
*/
static int lmj_env(lua_State *L)
{
  const char *name = luaL_checkstring(L, 1);
  mj_engine *e = engine_of(L);
  if (!(e->opts.flags & MJ_TRUST_PLAYBOOK) &&
      !mj__env_listed(e->opts.env_allow, name))
    return luaL_error(L,
                      "mejora.env(\"%s\"): the operator has not allowed "
                      "this variable (--env %s or MEJORA_ENV_ALLOW=%s on the "
                      "command line, mj_opts.env_allow when embedding; or "
                      "trust the playbook: --trust, MJ_TRUST_PLAYBOOK)",
                      name, name, name);
  const char *v = getenv(name);
  if (v)
    lua_pushstring(L, v);
  else
    lua_pushnil(L);
  return 1;
}

static int lmj_plugin(lua_State *L)
{
  const char *name = luaL_checkstring(L, 1);
  mj_engine *e = engine_of(L);
  int top = lua_gettop(L);
  int rc = mj__ffi_push_plugin(L, e, name);
  if (rc < 0) {
    lua_settop(L, top);
    return luaL_error(L, "mejora.plugin(\"%s\"): %s", name, mj_errmsg(e));
  }
  return lua_gettop(L) > top ? 1 : 0;
}

static const luaL_Reg mejora_funcs[] = {
    {"env", lmj_env}, {"log", sb_print}, {"plugin", lmj_plugin}, {NULL, NULL}};

/* ---- envs ---------------------------------------------------------------- */

static void push_key_suggestion(lua_State *L, int t, const char *word)
{
  const char *best = NULL;
  int bestd = 1000;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -1);
      int d = mj__edit_distance(word, k);
      if (d < bestd) {
        bestd = d;
        best = k; /* a key of t: stays alive while t does */
      }
    }
  }
  const char *cand[1] = {best};
  if (best && mj__suggest(word, cand, 1))
    lua_pushfstring(L, " (did you mean '%s'?)", best);
  else
    lua_pushliteral(L, "");
}

static int env_index(lua_State *L)
{
  const char *k = luaL_tolstring(L, 2, NULL);
  push_key_suggestion(L, 1, k);
  return luaL_error(L, "unknown name '%s'%s", k, lua_tostring(L, -1));
}

static int env_newindex(lua_State *L)
{
  const char *k = luaL_tolstring(L, 2, NULL);
  return luaL_error(L,
                    "assignment to undeclared global '%s' (playbooks "
                    "declare their variables: local %s = ...)",
                    k, k);
}

void mj__sandbox_pushenv(lua_State *L)
{
  lua_newtable(L); /* env */
  int env = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, ALLOW_KEY); /* env allow */
  lua_pushnil(L);
  while (lua_next(L, -2)) { /* env allow k v */
    if (lua_type(L, -1) == LUA_TTABLE) {
      /* A copy per playbook: one cannot change string.format for the
      ** next playbook this engine loads. */
      lua_newtable(L); /* env allow k lib copy */
      lua_pushnil(L);
      while (lua_next(L, -3)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
      }
      lua_remove(L, -2); /* env allow k copy */
    }
    lua_pushvalue(L, -2); /* env allow k v k */
    lua_insert(L, -2);    /* env allow k k v */
    lua_rawset(L, env);   /* env allow k */
  }
  lua_pop(L, 1); /* env */

  lua_pushvalue(L, env);
  lua_pushcclosure(L, sb_load, 1);
  lua_setfield(L, env, "load");
  lua_pushvalue(L, env);
  lua_newtable(L);
  lua_pushcclosure(L, sb_require, 2);
  lua_setfield(L, env, "require");
  luaL_newlib(L, mejora_funcs);   /* env mejora */
  lua_setfield(L, env, "mejora"); /* env */
  mj__dsl_register(L);

  lua_createtable(L, 0, 3); /* env mt */
  lua_pushcfunction(L, env_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, env_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, env); /* env */
}

/* ---- opening ------------------------------------------------------------- */

static void open_libs(lua_State *L, const luaL_Reg *l, int allow)
{
  for (; l->name; l++) {
    luaL_requiref(L, l->name, l->func, 0); /* lib */
    lua_setfield(L, allow, l->name);
  }
}

int mj__sandbox_open(lua_State *L)
{
  mj_engine *e = engine_of(L);
  lua_newtable(L); /* allow */
  int allow = lua_gettop(L);
  luaL_requiref(L, LUA_GNAME, luaopen_base, 0); /* allow G */
  for (const char *const *n = base_allowed; *n; n++) {
    lua_getfield(L, -1, *n);
    lua_setfield(L, allow, *n);
  }
  lua_pop(L, 1); /* allow */
  lua_pushcfunction(L, sb_print);
  lua_setfield(L, allow, "print");
  lua_pushcfunction(L, sb_setmetatable);
  lua_setfield(L, allow, "setmetatable");
  lua_pushcfunction(L, sb_collectgarbage);
  lua_setfield(L, allow, "collectgarbage");
  lua_pushcfunction(L, mj__lua_xpcall);
  lua_setfield(L, allow, "xpcall");

  open_libs(L, libs, allow);
  /* The functions that can loop long in C, out of the count hook's
  ** sight, are replaced by ones that check the limits as they go. */
  lua_getfield(L, allow, LUA_STRLIBNAME); /* allow string */
  lua_getfield(L, allow, LUA_TABLIBNAME); /* allow string table */
  mj__match_register(L, -2);
  mj__bounded_register(L, -2, -1);
  lua_pop(L, 2); /* allow */
  /* string.dump turns functions into bytecode; the string table is also
  ** the strings' __index, so remove it there and hide that metatable. */
  lua_getfield(L, allow, LUA_STRLIBNAME);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) { /* allow "" mt */
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1); /* allow */

  if (e->opts.flags & MJ_TRUST_PLAYBOOK) {
    open_libs(L, trusted_libs, allow);
    /* Even a trusted playbook must not end the host process. */
    lua_getfield(L, allow, LUA_OSLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "exit");
    lua_pop(L, 1);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, ALLOW_KEY);
  return 0;
}
