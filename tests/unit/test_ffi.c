/*
** Plugin functions from Lua through libffi: every allowed type both ways,
** argument errors that name the function, and the signature whitelist.
*/
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "plugin_static.h"
#include "tap.h"

/* plugin(name): the bridge, with the engine as upvalue 1 (no globals). */
static int l_plugin(lua_State *L)
{
  mj_engine *e = lua_touserdata(L, lua_upvalueindex(1));
  const char *name = luaL_checkstring(L, 1);
  if (mj__ffi_push_plugin(L, e, name) != MJ_OK)
    return luaL_error(L, "%s", mj_errmsg(e));
  return 1;
}

/* Run a chunk; its first result as text, or "error: MSG" where MSG has
** the chunk's "[string ...]:1: " location taken off (it is checked once
** below). */
static const char *run(lua_State *L, const char *code, char *buf, size_t n)
{
  lua_settop(L, 0);
  if (luaL_loadstring(L, code) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    const char *loc =
        strncmp(msg, "[string ", 8) == 0 ? strstr(msg, "]:1: ") : NULL;
    snprintf(buf, n, "error: %s", loc ? loc + 5 : msg);
  } else
    snprintf(buf, n, "%s", luaL_tolstring(L, 1, NULL));
  lua_settop(L, 0);
  return buf;
}

#define RUN(code) run(L, "local p = plugin('ffitest') " code, buf, sizeof buf)

/* Prepare one export with the given signature; the error text or "ok". */
static const char *prep(const char *sig, char *buf, size_t n)
{
  mj_export x[] = {{"f", sig, (mj_cfunc)abort, 0}, {NULL, NULL, NULL, 0}};
  mj_plugin_desc d = {MJ_PLUGIN_HEADER,
                      "t",
                      "1",
                      "",
                      "",
                      MJ_KIND_SCORER,
                      NULL,
                      NULL,
                      NULL,
                      NULL,
                      x};
  mj_ffi_lib *lib = NULL;
  mj_error err = {0};
  int rc = mj__ffi_prepare(&d, "t.so", &lib, &err);
  snprintf(buf, n, "%s", rc == MJ_OK ? "ok" : err.msg);
  mj__ffi_free(lib);
  return buf;
}

int main(void)
{
  plan(44);
  const char *dir = getenv("MEJORA_TEST_PLUGINS");
  if (!dir || !*dir)
    dir = MJ_TEST_PLUGINDIR;
  mj_opts o;
  mj_opts_init(&o);
  /* The test plugins, then the in-tree ones (for the real nps scorer). */
  char path[2048];
  snprintf(path, sizeof path, "%s:%s", dir, MJ_BUILD_PLUGINDIR);
  o.plugin_path = path;
  o.flags = MJ_NO_DEFAULT_PLUGINS;
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  lua_State *L = luaL_newstate();
  if (!L)
    bail("cannot create a Lua state");
  luaL_openlibs(L);
  lua_pushlightuserdata(L, e);
  lua_pushcclosure(L, l_plugin, 1);
  lua_setglobal(L, "plugin");
  char buf[1024];

  /* ---- every type ---- */
  is_string("0", RUN("return select('#', p.ft_nothing())"), "void(void)");
  is_string("false", RUN("return p.ft_not(true)"), "bool -> bool (true)");
  is_string("true", RUN("return p.ft_not(false)"), "bool -> bool (false)");
  is_string("5", RUN("return p.ft_add(2, 3)"), "int(int, int)");
  is_string("integer", RUN("return math.type(p.ft_add(2, 3))"),
            "int comes back as a Lua integer");
  is_string("-1", RUN("return p.ft_add(2147483647, -2147483648)"),
            "int at both ends of its range");
  is_string("7", RUN("return p.ft_neg(-7)"), "int32_t(int32_t)");
  is_string("-2147483647", RUN("return p.ft_neg(2147483647)"),
            "int32_t sign kept on return");
  is_string("9000000000", RUN("return p.ft_mul(3000000000, 3)"),
            "int64_t(int64_t, int64_t) beyond 32 bits");
  is_string("-9223372036854775807",
            RUN("return p.ft_mul(9223372036854775807, -1)"),
            "int64_t at its limit");
  is_string("6", RUN("return p.ft_mul(2.0, 3)"),
            "an integral float is accepted for an integer");
  is_string("3.75", RUN("return p.ft_scale(1.5, 2.5)"),
            "double(double, double)");
  is_string("float", RUN("return math.type(p.ft_scale(1, 2))"),
            "double comes back as a Lua float");
  is_string("zero", RUN("return p.ft_pick(0)"), "const char * returned");
  is_string("nil", RUN("return p.ft_pick(7)"), "NULL string is nil");
  is_string("6", RUN("return p.ft_len('h\\xc3\\xa9llo')"),
            "const char * argument (UTF-8 bytes)");
  is_string("1010203.504", RUN("return p.ft_mix(true, 1, 2, 3, 0.5, 'abcd')"),
            "six arguments of six types");

  /* ---- wrong arguments name the function ---- */
  is_string("error: bad argument #2 to 'ft_add' (number has no integer "
            "representation)",
            RUN("return p.ft_add(1, 2.5)"), "non-integral for an int");
  is_string("error: bad argument #1 to 'ft_add' (number out of range for a "
            "32-bit int)",
            RUN("return p.ft_add(2147483648, 0)"), "int32 range checked");
  is_string("error: bad argument #2 to 'ft_add' (number expected, got "
            "table)",
            RUN("return p.ft_add(1, {})"), "table for an int");
  is_string("error: bad argument #1 to 'ft_mul' (number has no integer "
            "representation)",
            RUN("return p.ft_mul(2^63, 1)"), "int64 range checked");
  is_string("error: bad argument #1 to 'ft_not' (boolean expected, got "
            "number)",
            RUN("return p.ft_not(1)"), "number for a bool");
  is_string("error: bad argument #2 to 'ft_scale' (number expected, got "
            "no value)",
            RUN("return p.ft_scale(1)"), "missing argument");
  is_string("error: bad argument #1 to 'ft_len' (string expected, got nil)",
            RUN("return p.ft_len(nil)"), "nil for a string");
  is_string("error: bad argument #1 to 'ft_len' (string contains a zero "
            "byte)",
            RUN("return p.ft_len('a\\0b')"), "embedded zero refused");
  is_string("error: bad argument #3 to 'ft_add' (it takes 2 arguments)",
            RUN("return p.ft_add(1, 2, 3)"), "too many arguments");
  is_string("false bad argument #2 to 'ft_add' (number has no integer "
            "representation)",
            RUN("local f = p.ft_add local ok, m = pcall(f, 1, 0.5) "
                "return tostring(ok) .. ' ' .. m"),
            "named even when called through pcall");

  /* ---- the plugin table ---- */
  is_string("error: plugin 'ffitest' has no function 'nope' (has: "
            "ft_nothing, ft_not, ft_add, ft_neg, ft_mul, ft_scale, ft_pick, "
            "ft_len, ft_mix)",
            RUN("return p.nope"), "unknown function lists the exports");
  is_string("true", RUN("return rawequal(p, plugin('ffitest'))"),
            "one table per plugin and state");
  contains(RUN("p.ft_add = nil return 1"), "read-only",
           "an export cannot be replaced");
  contains(RUN("p.x = 1 return 1"), "read-only", "nor a field added");
  is_string("error: plugin 'sqlite' has no function 'x' (has: none)",
            run(L, "return plugin('sqlite').x", buf, sizeof buf),
            "a plugin without exports");
  contains(run(L, "local p = plugin('ffitest')\n\nreturn p.ft_add(1, 0.5)", buf,
               sizeof buf),
           "]:3: bad argument #2 to 'ft_add'",
           "the error points at the calling line");
  char want[4096];
  snprintf(want, sizeof want,
           "error: no plugin 'nope' (did you mean 'nps'?) (searched: %s; "
           "found: ",
           path);
  const char *got = run(L, "return plugin('nope')", buf, sizeof buf);
  ok(strncmp(got, want, strlen(want)) == 0,
     "plugin not found: the loader's message (%s)", got);
  got = run(L, "return plugin('badsig')", buf, sizeof buf);
  contains(got, "export 'flip' has signature 'struct pt(struct pt a)'",
           "a refused plugin: the loader's message");

  /* ---- a real plugin: NPS from category counts ---- */
  is_string(
      "30.0",
      run(L, "return plugin('nps').nps_score(50, 30, 20)", buf, sizeof buf),
      "nps_score(50, 30, 20) = (50 - 20) / 100 * 100");
  is_string(
      "error: bad argument #2 to 'nps_score' (number expected, got "
      "string)",
      run(L, "return plugin('nps').nps_score(1, 'x', 2)", buf, sizeof buf),
      "nps_score: a wrong argument names the function");

  /* ---- the signature whitelist ---- */
  is_string("ok",
            prep("double(double p, int64_t n, double z)", buf, sizeof buf),
            "names of parameters are skipped");
  is_string("ok",
            prep("const char *(const char*s, bool, _Bool b)", buf, sizeof buf),
            "spacing and unnamed parameters");
  is_string("t.so: export 'f' has signature 'int(int *p)': expected ',' or "
            "')' but found '*' (allowed types: void, bool, int, int32_t, "
            "int64_t, double, const char *)",
            prep("int(int *p)", buf, sizeof buf), "raw pointer refused");
  contains(prep("long(int)", buf, sizeof buf), "unsupported type 'long'",
           "long refused");
  contains(prep("int(int a, ...)", buf, sizeof buf), "unsupported type '...'",
           "variadics refused");
  contains(prep("void(void x)", buf, sizeof buf),
           "a parameter cannot be 'void'", "void parameter refused");
  contains(prep("const char **(void)", buf, sizeof buf),
           "expected '(' but found '*'", "pointer to pointer refused");

  lua_close(L);
  mj_engine_free(e);
  return tap_done();
}
