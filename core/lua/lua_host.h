/*
** The Lua host's internals shared by lua_host.c (state, limits, protected
** calls), lua_sandbox.c (envs, searcher, paths), lua_dsl.c (declarations)
** and lua_trigger.c (plan triggers).
*/
#ifndef MJ_LUA_HOST_H
#define MJ_LUA_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "playbook.h"

typedef struct mj_dsl_ctx mj_dsl_ctx;
typedef struct mj_trigger_ctx mj_trigger_ctx;

/*
** Per-engine Lua host state: the allocator's ud, so the state and its
** limits travel together without touching the engine struct.
*/
typedef struct mj_luahost {
  mj_engine *e;
  lua_State *L;
  size_t used, limit;      /* bytes allocated by Lua, the limit */
  int armed;               /* inside a call into playbook code */
  int64_t deadline_ns;     /* monotonic clock, while armed */
  int tripped;             /* 0, MJ_ELIMIT or MJ_ETIMEOUT: sticky per call */
  char where[300];         /* "file:line" where the limit tripped */
  int time_msg, mem_msg;   /* registry refs: the errors a limit raises */
  mj_dsl_ctx *dsl;         /* the load in progress, or NULL */
  mj_trigger_ctx *trigger; /* the trigger in progress, or NULL */
} mj_luahost;

/* The host of a state (the allocator's ud). */
mj_luahost *mj__lua_host(lua_State *L);

/*
** Call the function below nargs arguments on L's stack, protected, traced
** and under the time and memory limits. On success leaves nres results.
** On failure pops everything, sets e->err with code: MJ_ETIMEOUT,
** MJ_ELIMIT, or the given code for a Lua error, with the message's
** "file:line" as the error's location.
*/
int mj__lua_pcall(mj_engine *e, int nargs, int nres, int code);

/*
** Raise the limit error if a limit has tripped or the deadline has passed
** (no-op outside a call into the playbook). The count hook only sees Lua
** instructions, so C functions that can loop long without running Lua
** code (pattern matching, the table functions) call this as they go. The
** error needs no allocation and no message handler can keep it.
*/
void mj__lua_checklimits(lua_State *L);

/*
** The sandbox's xpcall: as Lua's, but once a limit has tripped the
** playbook's message handler is not called, so a handler that loops
** (Lua runs handlers of errors raised in a hook with hooks off) cannot
** outlive the limit.
*/
int mj__lua_xpcall(lua_State *L);

/*
** Replace string.find, match, gmatch and gsub in the string library
** table at idx by a matcher that checks the limits (lua_match.c).
*/
void mj__match_register(lua_State *L, int idx);

/*
** Replace string.rep in the string table at str and table.concat,
** insert, remove, move and sort in the table library at tab by versions
** that check the limits as they loop (lua_bounded.c).
*/
void mj__bounded_register(lua_State *L, int str, int tab);

/* Set e->err from a Lua error message (e.g. a load failure). */
int mj__lua_seterr(mj_engine *e, int code, const char *msg);

/* Undo Lua's "...tail" shortening of file at the start of e->err. */
void mj__lua_fixsrc(mj_engine *e, const char *file);

/* The file of a Lua source ("@pb.lua" -> "pb.lua"). */
const char *mj__lua_srcname(const char *source);

/*
** Open the libraries and build the sandbox's allowlist in the registry
** (a lua_CFunction, run protected once per state).
*/
int mj__sandbox_open(lua_State *L);

/*
** Push a fresh env for a playbook: allowlisted libraries (copies), the
** filtered base functions, require, load, print, the mejora table, and
** the DSL constructors (lua_dsl.c). Its metatable raises "unknown name"
** and "assignment to undeclared global". Raises on out of memory.
*/
void mj__sandbox_pushenv(lua_State *L);

/* Load module name ("mejora.labels") through the searcher into env at
** envidx and push what it returned. Raises on failure. */
void mj__sandbox_require(lua_State *L, int envidx, const char *name);

/* Add the DSL constructors to the table on top (lua_dsl.c). */
void mj__dsl_register(lua_State *L);

#endif
