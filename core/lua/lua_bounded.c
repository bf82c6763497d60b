/*
** The library functions that can loop long in C on small input, for
** playbooks: table.concat, insert, remove, move and sort walk a length
** or a range the script chooses (table.move({}, 1, 2^62, 1, {}) moves
** nothing for ever), and string.rep repeats an empty string as long as
** asked. These check the limits as they loop; the count hook never sees
** C code.
**
** They follow ltablib.c and lstrlib.c of Lua 5.4 (Copyright (C) 1994-2022
** Lua.org, PUC-Rio; MIT license), so playbooks see the same results and
** the same error messages.
*/
#include "config.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "lua_host.h"

/* Loop turns between two looks at the limits. */
#define CHECK_EVERY 1024

static void tick(lua_State *L, unsigned *n)
{
  if (++*n % CHECK_EVERY == 0)
    mj__lua_checklimits(L);
}

/* ---- tables ------------------------------------------------------------ */

/* What an object must define to stand in for a table. */
#define TAB_R 1 /* read */
#define TAB_W 2 /* write */
#define TAB_L 4 /* length */
#define TAB_RW (TAB_R | TAB_W)

static int checkfield(lua_State *L, const char *key, int n)
{
  lua_pushstring(L, key);
  return (lua_rawget(L, -n) != LUA_TNIL);
}

/* arg is a table, or has a metatable with the metamethods what needs. */
static void checktab(lua_State *L, int arg, int what)
{
  if (lua_type(L, arg) != LUA_TTABLE) {
    int n = 1; /* number of elements to pop */
    if (lua_getmetatable(L, arg) &&
        (!(what & TAB_R) || checkfield(L, "__index", ++n)) &&
        (!(what & TAB_W) || checkfield(L, "__newindex", ++n)) &&
        (!(what & TAB_L) || checkfield(L, "__len", ++n))) {
      lua_pop(L, n); /* pop metatable and tested metamethods */
    } else
      luaL_checktype(L, arg, LUA_TTABLE); /* force an error */
  }
}

static lua_Integer aux_getn(lua_State *L, int n, int w)
{
  checktab(L, n, w | TAB_L);
  return luaL_len(L, n);
}

static int tinsert(lua_State *L)
{
  unsigned ticks = 0;
  lua_Integer pos; /* where to insert new element */
  lua_Integer e = aux_getn(L, 1, TAB_RW);
  e = (lua_Integer)((lua_Unsigned)e + 1u); /* first empty element */
  switch (lua_gettop(L)) {
  case 2:    /* called with only 2 arguments */
    pos = e; /* insert new element at the end */
    break;
  case 3:
    pos = luaL_checkinteger(L, 2); /* 2nd argument is the position */
    /* check whether 'pos' is in [1, e] */
    luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2,
                  "position out of bounds");
    for (lua_Integer i = e; i > pos; i--) { /* move up elements */
      tick(L, &ticks);
      lua_geti(L, 1, i - 1);
      lua_seti(L, 1, i); /* t[i] = t[i - 1] */
    }
    break;
  default:
    return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos); /* t[pos] = v */
  return 0;
}

static int tremove(lua_State *L)
{
  unsigned ticks = 0;
  lua_Integer size = aux_getn(L, 1, TAB_RW);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size) /* validate 'pos' if given */
    /* check whether 'pos' is in [1, size + 1] */
    luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1,
                  "position out of bounds"); /* #1, as Lua says */
  lua_geti(L, 1, pos);                       /* result = t[pos] */
  for (; pos < size; pos++) {
    tick(L, &ticks);
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos); /* t[pos] = t[pos + 1] */
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos); /* remove entry t[pos] */
  return 1;
}

/*
** Copy a1[f..e] into a2[t..] (a2 defaults to a1), in increasing order
** when possible: destination after the source range, before it, or in
** another table.
*/
static int tmove(lua_State *L)
{
  unsigned ticks = 0;
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1; /* destination table */
  checktab(L, 1, TAB_R);
  checktab(L, tt, TAB_W);
  if (e >= f) { /* otherwise, nothing to move */
    lua_Integer n, i;
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3,
                  "too many elements to move");
    n = e - f + 1; /* number of elements to move */
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
      for (i = 0; i < n; i++) {
        tick(L, &ticks);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    } else {
      for (i = n - 1; i >= 0; i--) {
        tick(L, &ticks);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    }
  }
  lua_pushvalue(L, tt); /* return destination table */
  return 1;
}

static void addfield(lua_State *L, luaL_Buffer *b, lua_Integer i)
{
  lua_geti(L, 1, i);
  if (!lua_isstring(L, -1))
    luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
               luaL_typename(L, -1), i);
  luaL_addvalue(b);
}

static int tconcat(lua_State *L)
{
  unsigned ticks = 0;
  luaL_Buffer b;
  lua_Integer last = aux_getn(L, 1, TAB_R);
  size_t lsep;
  const char *sep = luaL_optlstring(L, 2, "", &lsep);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  last = luaL_optinteger(L, 4, last);
  luaL_buffinit(L, &b);
  for (; i < last; i++) {
    tick(L, &ticks);
    addfield(L, &b, i);
    luaL_addlstring(&b, sep, lsep);
  }
  if (i == last) /* add last value (if interval was not empty) */
    addfield(L, &b, i);
  luaL_pushresult(&b);
  return 1;
}

/* ---- sort (Sedgewick's quicksort, as ltablib.c) ------------------------- */

typedef unsigned int IdxT;

/* Arrays larger than this may use randomized pivots. */
#define RANLIMIT 100u

/* A "random" unsigned int from clock() and time(), to pick pivots when a
** partition comes out badly unbalanced. */
static unsigned int randomize_pivot(void)
{
  clock_t c = clock();
  time_t t = time(NULL);
  unsigned int buff[(sizeof c + sizeof t) / sizeof(unsigned int)];
  unsigned int rnd = 0;
  memcpy(buff, &c, sizeof c);
  memcpy((char *)buff + sizeof c, &t, sizeof t);
  for (size_t i = 0; i < sizeof buff / sizeof *buff; i++)
    rnd += buff[i];
  return rnd;
}

static void set2(lua_State *L, IdxT i, IdxT j)
{
  lua_seti(L, 1, i);
  lua_seti(L, 1, j);
}

/*
** Whether the value at stack index a sorts before the one at b. Every
** comparison counts: with a C comparator (or none, on values whose
** __index is a C function) the quicksort runs no Lua code at all.
*/
static int sort_comp(lua_State *L, int a, int b, unsigned *ticks)
{
  tick(L, ticks);
  if (lua_isnil(L, 2)) /* no function? */
    return lua_compare(L, a, b, LUA_OPLT);
  lua_pushvalue(L, 2);     /* push function */
  lua_pushvalue(L, a - 1); /* -1 to compensate function */
  lua_pushvalue(L, b - 2); /* -2 to compensate function and 'a' */
  lua_call(L, 2, 1);
  int res = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return res;
}

/*
** Partition with the pivot P on top of the stack; precondition
** a[lo] <= P == a[up-1] <= a[up], postcondition
** a[lo .. i - 1] <= a[i] == P <= a[i + 1 .. up]. Returns i.
*/
static IdxT partition(lua_State *L, IdxT lo, IdxT up, unsigned *ticks)
{
  IdxT i = lo;     /* will be incremented before first use */
  IdxT j = up - 1; /* will be decremented before first use */
  /* loop invariant: a[lo .. i] <= P <= a[j .. up] */
  for (;;) {
    /* repeat ++i while a[i] < P */
    while ((void)lua_geti(L, 1, ++i), sort_comp(L, -1, -2, ticks)) {
      if (i == up - 1) /* a[i] < P  but a[up - 1] == P  ?? */
        luaL_error(L, "invalid order function for sorting");
      lua_pop(L, 1); /* remove a[i] */
    }
    /* repeat --j while P < a[j] */
    while ((void)lua_geti(L, 1, --j), sort_comp(L, -3, -1, ticks)) {
      if (j < i) /* j < i  but  a[j] > P ?? */
        luaL_error(L, "invalid order function for sorting");
      lua_pop(L, 1); /* remove a[j] */
    }
    if (j < i) {     /* no elements out of place? */
      lua_pop(L, 1); /* pop a[j] */
      /* swap pivot (a[up - 1]) with a[i] to satisfy pos-condition */
      set2(L, up - 1, i);
      return i;
    }
    /* otherwise, swap a[i] - a[j] to restore invariant and repeat */
    set2(L, i, j);
  }
}

/* An element in the middle half of [lo, up], "randomized" by rnd. */
static IdxT choose_pivot(IdxT lo, IdxT up, unsigned int rnd)
{
  IdxT r4 = (up - lo) / 4; /* range/4 */
  return rnd % (r4 * 2) + (lo + r4);
}

static void auxsort(lua_State *L, IdxT lo, IdxT up, unsigned int rnd,
                    unsigned *ticks)
{
  while (lo < up) { /* loop for tail recursion */
    IdxT p;         /* Pivot index */
    IdxT n;         /* to be used later */
    /* sort elements 'lo', 'p', and 'up' */
    lua_geti(L, 1, lo);
    lua_geti(L, 1, up);
    if (sort_comp(L, -1, -2, ticks)) /* a[up] < a[lo]? */
      set2(L, lo, up);               /* swap a[lo] - a[up] */
    else
      lua_pop(L, 2);
    if (up - lo == 1) /* only 2 elements? */
      return;
    if (up - lo < RANLIMIT || rnd == 0) /* small interval or no randomize? */
      p = (lo + up) / 2;                /* middle element is a good pivot */
    else
      p = choose_pivot(lo, up, rnd);
    lua_geti(L, 1, p);
    lua_geti(L, 1, lo);
    if (sort_comp(L, -2, -1, ticks)) /* a[p] < a[lo]? */
      set2(L, p, lo);
    else {
      lua_pop(L, 1); /* remove a[lo] */
      lua_geti(L, 1, up);
      if (sort_comp(L, -1, -2, ticks)) /* a[up] < a[p]? */
        set2(L, p, up);
      else
        lua_pop(L, 2);
    }
    if (up - lo == 2) /* only 3 elements? */
      return;
    lua_geti(L, 1, p);      /* get middle element (Pivot) */
    lua_pushvalue(L, -1);   /* push Pivot */
    lua_geti(L, 1, up - 1); /* push a[up - 1] */
    set2(L, p, up - 1);     /* swap Pivot (a[p]) with a[up - 1] */
    p = partition(L, lo, up, ticks);
    /* a[lo .. p - 1] <= a[p] == P <= a[p + 1 .. up] */
    if (p - lo < up - p) { /* lower interval is smaller? */
      auxsort(L, lo, p - 1, rnd, ticks);
      n = p - lo; /* size of smaller interval */
      lo = p + 1; /* tail call for [p + 1 .. up] (upper interval) */
    } else {
      auxsort(L, p + 1, up, rnd, ticks);
      n = up - p; /* size of smaller interval */
      up = p - 1; /* tail call for [lo .. p - 1]  (lower interval) */
    }
    if ((up - lo) / 128 > n) /* partition too imbalanced? */
      rnd = randomize_pivot();
  }
}

static int sort(lua_State *L)
{
  unsigned ticks = 0;
  lua_Integer n = aux_getn(L, 1, TAB_RW);
  if (n > 1) { /* non-trivial interval? */
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2))            /* is there a 2nd argument? */
      luaL_checktype(L, 2, LUA_TFUNCTION); /* must be a function */
    lua_settop(L, 2); /* make sure there are two arguments */
    auxsort(L, 1, (IdxT)n, 0, &ticks);
  }
  return 0;
}

/* ---- string.rep ---------------------------------------------------------- */

/*
** string.rep(s, n [, sep]). lstrlib.c copies s and sep n times, one
** memcpy each: with both empty that is 2^62 turns producing "". Here the
** empty result comes at once, and the copy doubles what is already
** written, so the time follows the result's size, which the memory limit
** bounds.
*/
static int str_rep(lua_State *L)
{
  size_t l, lsep;
  const char *s = luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  /* lstrlib.c's MAXSIZE: results fit in an int. */
  if (l + lsep < l || l + lsep > (size_t)INT_MAX / (lua_Unsigned)n)
    return luaL_error(L, "resulting string too large");
  size_t unit = l + lsep;
  size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, total);
  memcpy(p, s, l);
  if (total > l) {
    memcpy(p + l, sep, lsep);
    /* p[0 .. done) holds whole units "s sep"; the last s has no sep. */
    size_t done = unit;
    while (done < total) {
      size_t k = done < total - done ? done : total - done;
      memcpy(p + done, p, k);
      done += k;
    }
  }
  luaL_pushresultsize(&b, total);
  return 1;
}

void mj__bounded_register(lua_State *L, int str, int tab)
{
  static const luaL_Reg tabfuncs[] = {{"concat", tconcat}, {"insert", tinsert},
                                      {"remove", tremove}, {"move", tmove},
                                      {"sort", sort},      {NULL, NULL}};
  str = lua_absindex(L, str);
  tab = lua_absindex(L, tab);
  for (const luaL_Reg *f = tabfuncs; f->name; f++) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, tab, f->name);
  }
  lua_pushcfunction(L, str_rep);
  lua_setfield(L, str, "rep");
}
