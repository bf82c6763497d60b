/*
** The Lua host: one state per engine, its accounting allocator, the time
** and memory limits, and the one protected, traced way to call playbooks.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "lua_host.h"

/* Instructions between two looks at the clock (Redis uses 100 000). */
#define HOOK_EVERY 10000

/*
** Growth at least this large also looks at the clock: a loop of C calls
** that build big strings runs few instructions per second of work, so
** the count hook alone would see the deadline late.
*/
#define BIG_ALLOC ((size_t)64 << 10)

mj_luahost *mj__lua_host(lua_State *L)
{
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return ud;
}

const char *mj__lua_srcname(const char *source)
{
  if (!source)
    return "?";
  return (*source == '@' || *source == '=') ? source + 1 : source;
}

static int64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Where the running Lua code is, as "file:line" (level 0 is the hooked
** function; error handlers look further up for the first Lua frame). */
static void where(lua_State *L, int level, char *buf, size_t n)
{
  lua_Debug ar;
  snprintf(buf, n, "?");
  for (; lua_getstack(L, level, &ar); level++) {
    if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
      snprintf(buf, n, "%s:%d", mj__lua_srcname(ar.source), ar.currentline);
      return;
    }
  }
}

static void hook(lua_State *L, lua_Debug *ar);

/*
** Note a limit and where it tripped, and make the hook run after every
** instruction, in the running thread and the main one, so a script's
** pcall cannot swallow the error and go on. lua_sethook is safe anywhere,
** even in the allocator; lua_getstack/lua_getinfo("Sl") only read the
** call stack and never allocate.
*/
static void trip(mj_luahost *h, lua_State *L, int what)
{
  h->tripped = what;
  where(L, 0, h->where, sizeof h->where);
  lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  if (L != h->L)
    lua_sethook(h->L, hook, LUA_MASKCOUNT, 1);
}

/*
** Lua's allocator contract (ptr NULL means osize is the type, not a
** size), plus a byte budget. A refused growth inside a call trips the
** memory limit; Lua raises it without calling any message handler. A
** big growth past the deadline trips the time limit, which the next
** instruction raises.
*/
static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  mj_luahost *h = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    h->used -= old;
    return NULL;
  }
  if (nsize > old && h->used - old + nsize > h->limit) {
    /* The main thread's stack: the allocator does not know the running
    ** thread, and a coroutine's caller is a fair place to name. */
    if (h->armed && !h->tripped)
      trip(h, h->L, MJ_ELIMIT);
    return NULL;
  }
  if (nsize > old && nsize - old >= BIG_ALLOC && h->armed && !h->tripped &&
      now_ns() > h->deadline_ns)
    trip(h, h->L, MJ_ETIMEOUT);
  void *p = realloc(ptr, nsize);
  if (p)
    h->used = h->used - old + nsize;
  return p;
}

void mj__lua_checklimits(lua_State *L)
{
  mj_luahost *h = mj__lua_host(L);
  if (!h->armed)
    return;
  if (!h->tripped && now_ns() > h->deadline_ns)
    trip(h, L, MJ_ETIMEOUT);
  if (!h->tripped)
    return;
  /* A coroutine made before the limit tripped has its own count. */
  lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  /* Made when the state opened: raising allocates nothing, and the
  ** message handlers return it untouched (msghandler, mj__lua_xpcall). */
  lua_rawgeti(L, LUA_REGISTRYINDEX,
              h->tripped == MJ_ETIMEOUT ? h->time_msg : h->mem_msg);
  lua_error(L);
}

/* The count hook: the clock and the limits, every HOOK_EVERY
** instructions, and after every one once a limit has tripped. */
static void hook(lua_State *L, lua_Debug *ar)
{
  (void)ar;
  mj__lua_checklimits(L);
}

/* Message handler: location for limit errors, traceback for the log. */
static int msghandler(lua_State *L)
{
  mj_luahost *h = mj__lua_host(L);
  const char *msg = lua_tostring(L, 1);
  if (h->tripped)
    return 1; /* mj__lua_pcall words limit errors itself */
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg =
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* xpcall's handler: the playbook's (upvalue 1) until a limit trips. */
static int xpcall_handler(lua_State *L)
{
  if (mj__lua_host(L)->tripped)
    return 1;
  lua_pushvalue(L, lua_upvalueindex(1)); /* err msgh */
  lua_insert(L, 1);                      /* msgh err */
  lua_call(L, lua_gettop(L) - 1, 1);     /* result */
  return 1;
}

/* What xpcall returns (lbaselib.c's finishpcall). */
static int xpcall_done(lua_State *L, int status, lua_KContext extra)
{
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0); /* .. err false */
    lua_pushvalue(L, -2);  /* .. err false err */
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

int mj__lua_xpcall(lua_State *L)
{
  int n = lua_gettop(L); /* f msgh args.. */
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, xpcall_handler, 1);
  lua_replace(L, 2);     /* f handler args.. */
  lua_pushboolean(L, 1); /* f handler args.. true */
  lua_pushvalue(L, 1);   /* f handler args.. true f */
  lua_rotate(L, 3, 2);   /* f handler true f args.. */
  int st = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, xpcall_done);
  return xpcall_done(L, st, 2);
}

int mj__lua_seterr(mj_engine *e, int code, const char *msg)
{
  if (!msg)
    msg = "unknown Lua error";
  /* Split the traceback off: the message is for people, the trace for
  ** the debug log. */
  const char *tb = strstr(msg, "\nstack traceback:");
  size_t n = tb ? (size_t)(tb - msg) : strlen(msg);
  if (tb)
    mj__log(e, MJ_LOG_DEBUG, "%s", msg);
  mj__seterr(e, code, "%.*s", (int)(n < 511 ? n : 511), msg);
  /* "file:line: ..." -> the error's location. */
  for (const char *p = msg; p < msg + n; p++) {
    if (*p != ':' || p[1] < '0' || p[1] > '9')
      continue;
    char *end;
    long line = strtol(p + 1, &end, 10);
    if (*end == ':' && p > msg) {
      size_t fn = (size_t)(p - msg);
      if (fn >= sizeof e->err.file)
        fn = sizeof e->err.file - 1;
      memcpy(e->err.file, msg, fn);
      e->err.file[fn] = '\0';
      e->err.line = (int)line;
    }
    break;
  }
  return code;
}

void mj__lua_fixsrc(mj_engine *e, const char *file)
{
  /* Lua shortens long chunk names to "...tail"; put the whole name back
  ** so the message starts with a path the user can open. */
  mj_error *er = &e->err;
  if (!file || strncmp(er->msg, "...", 3) != 0)
    return;
  const char *colon = strchr(er->msg + 3, ':');
  size_t tail = colon ? (size_t)(colon - (er->msg + 3)) : 0;
  size_t fn = strlen(file);
  if (!colon || tail > fn || strncmp(file + fn - tail, er->msg + 3, tail))
    return;
  char msg[sizeof er->msg];
  snprintf(msg, sizeof msg, "%s%s", file, colon);
  memcpy(er->msg, msg, sizeof msg);
  snprintf(er->file, sizeof er->file, "%s", file);
}

int mj__lua_pcall(mj_engine *e, int nargs, int nres, int code)
{
  lua_State *L = e->L;
  mj_luahost *h = mj__lua_host(L);
  int base = lua_gettop(L) - nargs; /* the function's index */
  lua_pushcfunction(L, msghandler); /* f args.. mh */
  lua_insert(L, base);              /* mh f args.. */
  int outer = !h->armed;
  if (outer) {
    h->armed = 1;
    h->tripped = 0;
    h->deadline_ns = now_ns() + (int64_t)e->opts.lua_time_limit_ms * 1000000;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
  }
  int st = lua_pcall(L, nargs, nres, base); /* mh res.. | mh err */
  lua_remove(L, base);                      /* res.. | err */
  int tripped = h->tripped;
  if (outer) {
    h->armed = 0;
    h->tripped = 0;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
  }
  if (st == LUA_OK && !tripped)
    return MJ_OK;
  /* No Lua allocation from here on: we are outside any protected call,
  ** perhaps at the memory limit. A script that caught the limit's error
  ** and returned has not escaped it either. */
  char msg[512];
  int rc;
  if (tripped == MJ_ELIMIT) {
    /* Lua's own "not enough memory" says neither where nor why. */
    snprintf(msg, sizeof msg,
             "%s: playbook exceeded its memory limit "
             "(%zu KiB)",
             h->where, h->limit / 1024);
    rc = mj__lua_seterr(e, MJ_ELIMIT, msg);
  } else if (tripped == MJ_ETIMEOUT) {
    snprintf(msg, sizeof msg, "%s: playbook exceeded its time limit (%u ms)",
             h->where, e->opts.lua_time_limit_ms);
    rc = mj__lua_seterr(e, MJ_ETIMEOUT, msg);
  } else {
    if (st == LUA_ERRMEM)
      code = MJ_ENOMEM;
    rc = mj__lua_seterr(e, code,
                        lua_type(L, -1) == LUA_TSTRING
                            ? lua_tostring(L, -1)
                            : "error object is not a string");
  }
  lua_pop(L, st == LUA_OK ? nres : 1);
  if (tripped == MJ_ELIMIT)
    lua_gc(L, LUA_GCCOLLECT);
  return rc;
}

/* Protected part of opening: the limits' errors, libraries and the
** sandbox's tables. */
static int open_protected(lua_State *L)
{
  mj_luahost *h = mj__lua_host(L);
  lua_pushfstring(L, "playbook exceeded its time limit (%I ms)",
                  (lua_Integer)h->e->opts.lua_time_limit_ms);
  h->time_msg = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushfstring(L, "playbook exceeded its memory limit (%I KiB)",
                  (lua_Integer)(h->limit / 1024));
  h->mem_msg = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushcfunction(L, mj__sandbox_open);
  lua_call(L, 0, 0);
  return 0;
}

int mj__lua_open(mj_engine *e)
{
  mj_luahost *h = calloc(1, sizeof *h);
  if (!h)
    return mj__seterr(e, MJ_ENOMEM, "out of memory creating the Lua state");
  h->e = e;
  h->limit = e->opts.lua_mem_limit ? e->opts.lua_mem_limit : (size_t)256 << 20;
  lua_State *L = lua_newstate(lua_alloc, h);
  if (!L) {
    free(h);
    return mj__seterr(e, MJ_ENOMEM, "out of memory creating the Lua state");
  }
  h->L = L;
  e->L = L;
  lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
  lua_pushcfunction(L, open_protected);
  int rc = mj__lua_pcall(e, 0, 0, MJ_ENOMEM);
  if (rc != MJ_OK) {
    mj__lua_close(e);
    return rc;
  }
  return MJ_OK;
}

void mj__lua_close(mj_engine *e)
{
  if (!e || !e->L)
    return;
  mj_luahost *h = mj__lua_host(e->L);
  lua_close(e->L);
  free(h);
  e->L = NULL;
}
