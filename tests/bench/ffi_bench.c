/*
** W4 of the benchmarks: the cost of calling a plugin function
** from Lua through the libffi bridge, against the same C function
** registered as a plain lua_CFunction.
**
** The function is csat's export wilson_high(x, n, z): the bridge calls the
** loaded scorer_csat module (found on MEJORA_PLUGIN_PATH), the plain one
** is the same source compiled into this program. Both run the same Lua
** loop in one state. Prints one JSON object: nanoseconds per call of
** each, the median of RUNS timed loops, and their checksums (which must
** agree, or the two did not compute the same thing).
**
** usage: ffi_bench [CALLS [RUNS]]
*/
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugin_host.h"

/* The plugin's source, for its static wilson_high. */
#include "../../plugins/scorer-csat/csat.c"

static int l_wilson_high(lua_State *L)
{
  double x = luaL_checknumber(L, 1), n = luaL_checknumber(L, 2),
         z = luaL_checknumber(L, 3);
  lua_pushnumber(L, wilson_high(x, n, z));
  return 1;
}

static const char loop[] =
    "local f, calls = ...\n"
    "local s = 0.0\n"
    "for i = 1, calls do s = s + f(i % 97, 100, 1.959963984540054) end\n"
    "return s\n";

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Run the loop with the function at stack index fn; seconds and the sum. */
static int time_loop(lua_State *L, int fn, long calls, double *secs,
                     double *sum)
{
  if (luaL_loadbufferx(L, loop, sizeof loop - 1, "=loop", "t") != LUA_OK)
    return -1;              /* chunk */
  lua_pushvalue(L, fn);     /* chunk f */
  lua_pushinteger(L, calls);/* chunk f calls */
  double t = now();
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) /* s */
    return -1;
  *secs = now() - t;
  *sum = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return 0;
}

int main(int argc, char **argv)
{
  long calls = argc > 1 ? atol(argv[1]) : 2000000;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  if (calls < 1 || runs < 1 || runs > 99) {
    fputs("usage: ffi_bench [CALLS [RUNS]]\n", stderr);
    return 2;
  }
  mj_opts o;
  mj_opts_init(&o);
  o.plugin_path = getenv("MEJORA_PLUGIN_PATH");
  o.flags = MJ_NO_DEFAULT_PLUGINS;
  mj_engine *e = NULL;
  lua_State *L = luaL_newstate();
  if (mj_engine_new(&e, &o) != MJ_OK || !L) {
    fputs("ffi_bench: out of memory\n", stderr);
    return 1;
  }
  luaL_openlibs(L);
  if (mj__ffi_push_plugin(L, e, "csat") != MJ_OK) { /* p */
    fprintf(stderr, "ffi_bench: %s\n", mj_errmsg(e));
    return 1;
  }
  lua_getfield(L, -1, "wilson_high");     /* p bridged */
  lua_pushcfunction(L, l_wilson_high);    /* p bridged plain */
  double ffi[99], plain[99], sum_ffi = 0, sum_plain = 0;
  for (int r = 0; r < runs; r++)
    if (time_loop(L, 2, calls, &ffi[r], &sum_ffi) != 0 ||
        time_loop(L, 3, calls, &plain[r], &sum_plain) != 0) {
      fprintf(stderr, "ffi_bench: %s\n", lua_tostring(L, -1));
      return 1;
    }
  qsort(ffi, (size_t)runs, sizeof *ffi, cmp_double);
  qsort(plain, (size_t)runs, sizeof *plain, cmp_double);
  double f = ffi[runs / 2] / (double)calls * 1e9,
         p = plain[runs / 2] / (double)calls * 1e9;
  printf("{\"calls\": %ld, \"runs\": %d, \"ffi_ns\": %.3f, \"plain_ns\": "
         "%.3f, \"ffi_sum\": %.17g, \"plain_sum\": %.17g, \"ratio\": %.4f}\n",
         calls, runs, f, p, sum_ffi, sum_plain, f / p);
  lua_close(L);
  mj_engine_free(e);
  return sum_ffi == sum_plain ? 0 : 1;
}
