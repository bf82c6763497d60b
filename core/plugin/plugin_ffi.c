/*
** Plain C functions of plugins, called from Lua through libffi.
**
** Each export's signature is parsed and its call interface prepared once,
** when the plugin is loaded; a call only converts arguments and calls.
*/
#include "config.h"

#include <ffi.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_static.h"

/* More arguments than any sensible export; keeps records fixed-size. */
enum { MAX_ARGS = 16 };

typedef enum ctype { T_VOID, T_BOOL, T_INT32, T_INT64, T_DOUBLE, T_STR } ctype;

/* libffi has no bool type: _Bool is one unsigned byte on our targets. */
_Static_assert(sizeof(bool) == 1, "bool is passed to libffi as uint8");

typedef struct mj_ffi_fn {
  const mj_ffi_lib *lib;
  const char *name; /* borrowed from the plugin's export table */
  mj_cfunc fn;
  ctype ret;
  ctype args[MAX_ARGS];
  int nargs;
  ffi_type *atypes[MAX_ARGS];
  ffi_cif cif;
} mj_ffi_fn;

struct mj_ffi_lib {
  const char *plugin; /* the plugin's name, borrowed from its desc */
  mj_ffi_fn *fns;
  size_t n;
};

/* ---- the signature parser ------------------------------------------------ */

/* A token of a signature: an identifier or one punctuation character. */
typedef struct lexer {
  const char *p;
  const char *tok;
  size_t len;
} lexer;

static int is_ident(int c, int first)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

static void next(lexer *lx)
{
  while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n')
    lx->p++;
  lx->tok = lx->p;
  if (!*lx->p)
    lx->len = 0;
  else if (is_ident((unsigned char)*lx->p, 1)) {
    while (is_ident((unsigned char)*lx->p, 0))
      lx->p++;
    lx->len = (size_t)(lx->p - lx->tok);
  } else if (lx->p[0] == '.' && lx->p[1] == '.' && lx->p[2] == '.') {
    lx->p += 3;
    lx->len = 3;
  } else {
    lx->p++;
    lx->len = 1;
  }
}

static int is(const lexer *lx, const char *s)
{
  return lx->len == strlen(s) && memcmp(lx->tok, s, lx->len) == 0;
}

typedef struct parse_ctx {
  const char *where, *fn, *sig;
  mj_error *err;
} parse_ctx;

static int bad_token(const parse_ctx *c, const lexer *lx, const char *what)
{
  if (!lx->len)
    return mj__error(c->err, MJ_EPLUGIN,
                     "%s: export '%s' has signature '%s': %s at its end",
                     c->where, c->fn, c->sig, what);
  return mj__error(c->err, MJ_EPLUGIN,
                   "%s: export '%s' has signature '%s': %s '%.*s' (allowed "
                   "types: void, bool, int, int32_t, int64_t, double, const "
                   "char *)",
                   c->where, c->fn, c->sig, what, (int)lx->len, lx->tok);
}

/* type := void | bool | _Bool | int | int32_t | int64_t | double
**       | const char * */
static int parse_type(const parse_ctx *c, lexer *lx, ctype *t)
{
  if (is(lx, "void"))
    *t = T_VOID;
  else if (is(lx, "bool") || is(lx, "_Bool"))
    *t = T_BOOL;
  else if (is(lx, "int") || is(lx, "int32_t"))
    *t = T_INT32;
  else if (is(lx, "int64_t"))
    *t = T_INT64;
  else if (is(lx, "double"))
    *t = T_DOUBLE;
  else if (is(lx, "const")) {
    next(lx);
    if (!is(lx, "char"))
      return bad_token(c, lx, "unsupported type");
    next(lx);
    if (!is(lx, "*"))
      return bad_token(c, lx, "only 'const char *' is allowed, found");
    *t = T_STR;
  } else
    return bad_token(c, lx, "unsupported type");
  next(lx);
  return MJ_OK;
}

static int parse_sig(const parse_ctx *c, mj_ffi_fn *f)
{
  lexer lx = {c->sig, NULL, 0};
  next(&lx);
  int rc = parse_type(c, &lx, &f->ret);
  if (rc != MJ_OK)
    return rc;
  if (!is(&lx, "("))
    return bad_token(c, &lx, "expected '(' but found");
  next(&lx);
  if (is(&lx, "void")) {
    /* "(void)", or a void parameter, which is refused below. */
    lexer save = lx;
    next(&lx);
    if (!is(&lx, ")"))
      lx = save;
  }
  while (!is(&lx, ")")) {
    if (f->nargs > 0) {
      if (!is(&lx, ","))
        return bad_token(c, &lx, "expected ',' or ')' but found");
      next(&lx);
    }
    if (f->nargs == MAX_ARGS)
      return mj__error(c->err, MJ_EPLUGIN,
                       "%s: export '%s' has more than %d parameters", c->where,
                       c->fn, MAX_ARGS);
    lexer at = lx;
    ctype t;
    if ((rc = parse_type(c, &lx, &t)) != MJ_OK)
      return rc;
    if (t == T_VOID)
      return bad_token(c, &at, "a parameter cannot be");
    f->args[f->nargs++] = t;
    /* The parameter's name, if written, means nothing to the call. */
    if (lx.len && is_ident((unsigned char)lx.tok[0], 1))
      next(&lx);
  }
  next(&lx);
  if (lx.len)
    return bad_token(c, &lx, "unexpected");
  return MJ_OK;
}

static ffi_type *ffi_of(ctype t)
{
  switch (t) {
  case T_VOID:
    return &ffi_type_void;
  case T_BOOL:
    return &ffi_type_uint8;
  case T_INT32:
    return &ffi_type_sint32;
  case T_INT64:
    return &ffi_type_sint64;
  case T_DOUBLE:
    return &ffi_type_double;
  case T_STR:
    return &ffi_type_pointer;
  }
  return &ffi_type_void;
}

int mj__ffi_prepare(const mj_plugin_desc *d, const char *where,
                    mj_ffi_lib **out, mj_error *err)
{
  *out = NULL;
  size_t n = 0;
  while (d->exports && d->exports[n].name)
    n++;
  if (n == 0)
    return MJ_OK;
  mj_ffi_lib *lib = calloc(1, sizeof *lib);
  if (!lib || !(lib->fns = calloc(n, sizeof *lib->fns))) {
    free(lib);
    return mj__error(err, MJ_ENOMEM, "%s: out of memory", where);
  }
  lib->plugin = d->name;
  lib->n = n;
  for (size_t i = 0; i < n; i++) {
    const mj_export *x = &d->exports[i];
    mj_ffi_fn *f = &lib->fns[i];
    f->lib = lib;
    f->name = x->name;
    f->fn = x->fn;
    parse_ctx c = {where, x->name, x->sig ? x->sig : "", err};
    int rc = MJ_OK;
    if (!x->fn || !x->sig)
      rc = mj__error(err, MJ_EPLUGIN, "%s: export '%s' has no %s", where,
                     x->name, x->fn ? "signature" : "function");
    for (size_t j = 0; rc == MJ_OK && j < i; j++)
      if (strcmp(lib->fns[j].name, x->name) == 0)
        rc = mj__error(err, MJ_EPLUGIN, "%s: export '%s' is listed twice",
                       where, x->name);
    if (rc == MJ_OK)
      rc = parse_sig(&c, f);
    if (rc == MJ_OK) {
      for (int a = 0; a < f->nargs; a++)
        f->atypes[a] = ffi_of(f->args[a]);
      if (ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, (unsigned)f->nargs,
                       ffi_of(f->ret), f->atypes) != FFI_OK)
        rc = mj__error(err, MJ_EPLUGIN,
                       "%s: export '%s': libffi cannot prepare '%s'", where,
                       x->name, x->sig);
    }
    if (rc != MJ_OK) {
      mj__ffi_free(lib);
      return rc;
    }
  }
  *out = lib;
  return MJ_OK;
}

void mj__ffi_free(mj_ffi_lib *lib)
{
  if (!lib)
    return;
  free(lib->fns);
  free(lib);
}

/* ---- the Lua side -------------------------------------------------------- */

/* A bad argument, always naming the export (luaL_argerror would say '?'
** when the function is called through a local or pcall). */
static int arg_error(lua_State *L, const mj_ffi_fn *f, int i, const char *msg)
{
  return luaL_error(L, "bad argument #%d to '%s' (%s)", i, f->name, msg);
}

static int type_error(lua_State *L, const mj_ffi_fn *f, int i, const char *want)
{
  const char *got = lua_isnone(L, i) ? "no value" : luaL_typename(L, i);
  lua_pushfstring(L, "%s expected, got %s", want, got); /* ... msg */
  return arg_error(L, f, i, lua_tostring(L, -1));
}

typedef union slot {
  uint8_t b;
  int32_t i32;
  int64_t i64;
  double d;
  const char *s;
} slot;

/* The closure behind mejora.plugin("p").fn: upvalue 1 is its mj_ffi_fn. */
static int call_export(lua_State *L)
{
  const mj_ffi_fn *f = lua_touserdata(L, lua_upvalueindex(1));
  int top = lua_gettop(L);
  if (top > f->nargs)
    return luaL_error(L, "bad argument #%d to '%s' (it takes %d argument%s)",
                      f->nargs + 1, f->name, f->nargs,
                      f->nargs == 1 ? "" : "s");
  slot v[MAX_ARGS];
  void *pv[MAX_ARGS];
  for (int a = 0; a < f->nargs; a++) {
    int i = a + 1, isnum;
    pv[a] = &v[a];
    switch (f->args[a]) {
    case T_BOOL:
      if (lua_type(L, i) != LUA_TBOOLEAN)
        return type_error(L, f, i, "boolean");
      v[a].b = (uint8_t)lua_toboolean(L, i);
      break;
    case T_INT32:
    case T_INT64: {
      lua_Integer n = lua_tointegerx(L, i, &isnum);
      if (!isnum)
        return lua_isnumber(L, i)
                   ? arg_error(L, f, i, "number has no integer representation")
                   : type_error(L, f, i, "number");
      if (f->args[a] == T_INT32) {
        if (n < INT32_MIN || n > INT32_MAX)
          return arg_error(L, f, i, "number out of range for a 32-bit int");
        v[a].i32 = (int32_t)n;
      } else
        v[a].i64 = (int64_t)n;
      break;
    }
    case T_DOUBLE:
      v[a].d = (double)lua_tonumberx(L, i, &isnum);
      if (!isnum)
        return type_error(L, f, i, "number");
      break;
    case T_STR: {
      size_t len;
      if (!lua_isstring(L, i))
        return type_error(L, f, i, "string");
      v[a].s = lua_tolstring(L, i, &len); /* stays on the stack: borrowed */
      if (strlen(v[a].s) != len)
        return arg_error(L, f, i, "string contains a zero byte");
      break;
    }
    case T_VOID:
      break;
    }
  }
  /* Narrow integer results come back widened to ffi_arg (ffi_call(3)). */
  union {
    ffi_arg a;
    ffi_sarg sa;
    int64_t i64;
    double d;
    const char *s;
  } r;
  memset(&r, 0, sizeof r);
  ffi_call((ffi_cif *)&f->cif, f->fn, &r, f->nargs ? pv : NULL);
  switch (f->ret) {
  case T_VOID:
    return 0;
  case T_BOOL:
    lua_pushboolean(L, (uint8_t)r.a != 0);
    return 1;
  case T_INT32:
    lua_pushinteger(L, (int32_t)r.sa);
    return 1;
  case T_INT64:
    lua_pushinteger(L, (lua_Integer)r.i64);
    return 1;
  case T_DOUBLE:
    lua_pushnumber(L, r.d);
    return 1;
  case T_STR:
    /* Borrowed from the plugin: copied at once. */
    if (r.s)
      lua_pushstring(L, r.s);
    else
      lua_pushnil(L);
    return 1;
  }
  return 0;
}

/* __index of a plugin table: its exports (upvalue 1) or an error naming
** the plugin (upvalue 3) and what it has (upvalue 2). */
static int plugin_index(lua_State *L)
{
  lua_pushvalue(L, 2);                                /* t k k */
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) /* t k fn */
    return 1;
  const mj_ffi_lib *lib = lua_touserdata(L, lua_upvalueindex(2));
  const char *plugin = lua_tostring(L, lua_upvalueindex(3));
  const char *key = luaL_tolstring(L, 2, NULL); /* t k nil key */
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; lib && i < lib->n; i++) {
    if (i)
      luaL_addstring(&b, ", ");
    luaL_addstring(&b, lib->fns[i].name);
  }
  if (!lib || !lib->n)
    luaL_addstring(&b, "none");
  luaL_pushresult(&b); /* t k nil key names */
  return luaL_error(L, "plugin '%s' has no function '%s' (has: %s)", plugin,
                    key, lua_tostring(L, -1));
}

static int read_only(lua_State *L)
{
  const char *plugin = lua_tostring(L, lua_upvalueindex(1));
  return luaL_error(L, "plugin '%s': its function table is read-only", plugin);
}

int mj__ffi_push_plugin(lua_State *L, mj_engine *e, const char *name)
{
  const mj_plugin *p;
  /* Not found or refused: the caller raises with e->err, after adding
  ** its own context (it may hold memory a longjmp would leak). */
  int rc = mj__plugin_find_any(e, name, &p);
  if (rc != MJ_OK)
    return rc;
  const mj_ffi_lib *lib = mj__plugin_ffi(p);
  const mj_plugin_desc *d = mj__plugin_desc(p);
  /* One table per plugin and state, kept in the registry under p. */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, p) == LUA_TTABLE) /* t */
    return MJ_OK;
  lua_pop(L, 1);
  /* An empty proxy, so that no field can be replaced. */
  lua_newtable(L);                              /* t */
  lua_createtable(L, 0, 3);                     /* t mt */
  lua_createtable(L, 0, lib ? (int)lib->n : 0); /* t mt fns */
  for (size_t i = 0; lib && i < lib->n; i++) {
    lua_pushlightuserdata(L, (void *)&lib->fns[i]); /* t mt fns fn */
    lua_pushcclosure(L, call_export, 1);            /* t mt fns closure */
    lua_setfield(L, -2, lib->fns[i].name);          /* t mt fns */
  }
  lua_pushlightuserdata(L, (void *)lib); /* t mt fns lib */
  lua_pushstring(L, d->name);            /* t mt fns lib name */
  lua_pushcclosure(L, plugin_index, 3);  /* t mt f */
  lua_setfield(L, -2, "__index");        /* t mt */
  lua_pushstring(L, d->name);            /* t mt name */
  lua_pushcclosure(L, read_only, 1);     /* t mt f */
  lua_setfield(L, -2, "__newindex");     /* t mt */
  lua_pushboolean(L, 0);                 /* t mt false */
  lua_setfield(L, -2, "__metatable");    /* t mt */
  lua_setmetatable(L, -2);               /* t */
  lua_pushvalue(L, -1);                  /* t t */
  lua_rawsetp(L, LUA_REGISTRYINDEX, p);  /* t */
  return MJ_OK;
}
