/*
** The time and memory limits hold where the count hook cannot see: in C
** library calls (pattern matching, string.rep, the table functions), in
** xpcall's message handlers, and in a pcall loop at the memory limit.
** Each case would run for minutes or for ever without the limit; each
** must end within the limit plus one second with the limit's error.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "tap.h"

#define LIMIT_MS 200

static mj_engine *engine(size_t mem, unsigned ms)
{
  mj_opts o;
  mj_opts_init(&o);
  o.lua_mem_limit = mem;
  o.lua_time_limit_ms = ms;
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  return e;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
** Load src as "sb.lua": it must fail with code, a message starting with
** want, within the engine's time limit plus one second.
*/
static void stops(mj_engine *e, const char *src, int code, const char *want,
                  const char *desc)
{
  double t0 = now_s();
  int rc = mj_playbook_load_buffer(e, "sb.lua", src, strlen(src));
  double took = now_s() - t0;
  is_int(code, rc, "%s: %s", desc, mj_err_name(code));
  if (!ok(strncmp(mj_errmsg(e), want, strlen(want)) == 0, "%s: message", desc))
    diag("got:  %s\nwant: %s", mj_errmsg(e), want);
  double bound = e->opts.lua_time_limit_ms / 1000.0 + 1.0;
  if (!ok(took < bound, "%s: stops within the limit plus 1 s", desc))
    diag("took %.2f s, bound %.2f s", took, bound);
}

/* src loads and runs without error. */
static void runs(mj_engine *e, const char *src, const char *desc)
{
  int rc = mj_playbook_load_buffer(e, "sb.lua", src, strlen(src));
  if (!is_int(MJ_OK, rc, "%s", desc))
    diag("%s", mj_errmsg(e));
}

static const char *const timeout_at2 =
    "sb.lua:2: playbook exceeded its time limit (200 ms)";

static void patterns(void)
{
  mj_engine *e = engine(0, LIMIT_MS);
  /* Backtracking: about n^4 steps for 1,500 characters. */
  stops(e,
        "local s, p = string.rep('a', 1500), string.rep('a-', 3) .. 'b'\n"
        "local r = s:find(p)\n",
        MJ_ETIMEOUT, timeout_at2, "string.find backtracking");
  stops(e,
        "local s, p = string.rep('a', 1500), string.rep('a-', 3) .. 'b'\n"
        "local r = string.match(s, p)\n",
        MJ_ETIMEOUT, timeout_at2, "string.match backtracking");
  stops(e,
        "local s, p = string.rep('a', 1500), string.rep('a-', 3) .. 'b'\n"
        "for m in s:gmatch(p) do end\n",
        MJ_ETIMEOUT, timeout_at2, "string.gmatch backtracking");
  stops(e,
        "local s, p = string.rep('a', 1500), string.rep('a-', 3) .. 'b'\n"
        "local r = s:gsub(p, 'x')\n",
        MJ_ETIMEOUT, timeout_at2, "string.gsub backtracking");
  /* A plain search of near misses: 9 * 10^10 bytes compared. */
  stops(e,
        "local s, p = string.rep('a', 1e6), string.rep('a', 1e5) .. 'b'\n"
        "local r = s:find(p, 1, true)\n",
        MJ_ETIMEOUT, timeout_at2, "plain string.find of near misses");
  /* A pcall around the matcher does not keep the error. */
  stops(e,
        "local s, p = string.rep('a', 1500), string.rep('a-', 3) .. 'b'\n"
        "for i = 1, 3 do pcall(string.find, s, p) end\n",
        MJ_ETIMEOUT, timeout_at2, "pcall around string.find");
  /* The matcher is Lua's: same results, same errors. */
  runs(e,
       "local s = 'key = value; other=2 (a(b)c)'\n"
       "assert(s:find('=') == 5 and select(2, s:find('%s*=%s*')) == 6)\n"
       "assert(s:match('(%w+)%s*=%s*(%w+)') == 'key')\n"
       "assert(select(2, s:match('(%w+)%s*=%s*(%w+)')) == 'value')\n"
       "assert(s:match('%b()') == '(a(b)c)')\n"
       "assert(s:match('()ther') == 15 and s:find('.', 1, true) == nil)\n"
       "assert(('THE (quick) fox'):find('%f[%a]%a+', 5) == 6)\n"
       "assert(('hello world'):gsub('o', {o = '0'}) == 'hell0 w0rld')\n"
       "assert(('abc'):gsub('%w', '%0%0') == 'aabbcc')\n"
       "assert(('abc'):gsub('', '-') == '-a-b-c-')\n"
       "assert(select(2, ('abc'):gsub('%w', 'x', 2)) == 2)\n"
       "assert(('x=1, y=2'):gsub('(%w+)=(%w+)', '%2=%1') == '1=x, 2=y')\n"
       "local n = 0\n"
       "for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do n = n + v end\n"
       "assert(n == 3)\n"
       "assert(('aaa'):match('^(a-)a$') == 'aa')\n"
       "assert(('[[x]]'):match('%[(%b[])%]') == '[x]')\n"
       "assert(('hello'):find('l', -2) == 4)\n"
       "assert(not pcall(string.find, 'a', '%'))\n"
       "assert(select(2, pcall(string.rep)):find('string expected, got no "
       "value'))\n"
       "assert(select(2, pcall(string.match, 'a', '(')):find('unfinished'))\n",
       "patterns match as in Lua");
  mj_engine_free(e);
}

static void handlers(void)
{
  mj_engine *e = engine(0, LIMIT_MS);
  stops(e,
        "local f = function() while true do end end\n"
        "xpcall(f, function() while true do end end)\n",
        MJ_ETIMEOUT, "sb.lua:1: playbook exceeded its time limit (200 ms)",
        "xpcall handler that loops after a timeout");
  stops(e,
        "local f = function() error('boom') end\n"
        "xpcall(f, function() while true do end end)\n",
        MJ_ETIMEOUT, "sb.lua:2: playbook exceeded its time limit (200 ms)",
        "xpcall handler that loops after an error");
  stops(e,
        "local co = coroutine.wrap(function()\n"
        "  xpcall(function() while true do end end,\n"
        "         function() while true do end end) end)\n"
        "co()\n",
        MJ_ETIMEOUT, "sb.lua:", "xpcall handler in a coroutine");
  runs(e,
       "local ok, m = xpcall(error, function(m) return 'got ' .. m end, 'x')\n"
       "assert(not ok and m == 'got x')\n"
       "assert(select('#', xpcall(function() return 1, 2, 3 end, print))"
       " == 4)\n"
       "assert(select(2, xpcall(function(a) return a end, print, 7)) == 7)\n"
       "assert(not pcall(xpcall, print))\n",
       "xpcall keeps Lua's behaviour below the limit");
  mj_engine_free(e);
}

static void memory(void)
{
  /*
  ** Without a cheap way out, every refused allocation is a full
  ** collection of the live heap, for every turn of the loop until the
  ** count hook next looks (about a minute here). The time limit is long
  ** so that filling 64 MiB under a sanitizer trips the memory limit.
  */
  mj_engine *e = engine((size_t)64 << 20, 10000);
  stops(e,
        "local t = {}\n"
        "local function grow() t[#t + 1] = {} end\n"
        "while true do pcall(grow) end\n",
        MJ_ELIMIT, "sb.lua:2: playbook exceeded its memory limit",
        "pcall loop at the memory limit");
  stops(e,
        "local t = {}\n"
        "xpcall(function() while true do t[#t + 1] = {} end end,\n"
        "       function() while true do end end)\n",
        MJ_ELIMIT, "sb.lua:2: playbook exceeded its memory limit",
        "xpcall handler that loops at the memory limit");
  runs(e, "local t = {} for i = 1, 1000 do t[i] = {i} end",
       "the engine works after the memory limit");
  mj_engine_free(e);
}

static void library(void)
{
  mj_engine *e = engine(0, LIMIT_MS);
  runs(e,
       "assert(string.rep('', 2^62) == '' and ('').rep('', 2^62, '') == '')\n"
       "assert(string.rep('ab', 3, ',') == 'ab,ab,ab')\n"
       "assert(string.rep('ab', 3) == 'ababab' and ('x'):rep(0) == '')\n"
       "assert(string.rep('', 3, '-') == '--' and ('x'):rep(1, '-') == 'x')\n"
       "assert(#string.rep('abc', 100001, '--') == 500003)\n"
       "assert(not pcall(string.rep, 'x', 2^40))\n",
       "string.rep of empty strings ends at once");
  /* Few instructions, each a big copy: the count hook alone would look
  ** at the clock after some 2,500 copies of 4 MB. */
  stops(e,
        "local s = string.rep('x', 4e6)\n"
        "while true do local u = s:upper() end\n",
        MJ_ETIMEOUT, timeout_at2, "a loop of big copies in C");
  stops(e, "\nlocal t = table.move({}, 1, 2^53, 1, {})\n", MJ_ETIMEOUT,
        timeout_at2, "table.move over 2^53 empty slots");
  stops(e,
        "local t = setmetatable({}, {__index = setmetatable({}, "
        "{__index = table.concat})})\n"
        "local s = table.concat(t, '', 1, 2^53)\n",
        MJ_ETIMEOUT, timeout_at2, "table.concat through a C __index");
  stops(e,
        "local t = setmetatable({}, {__len = function() return 2^53 end})\n"
        "table.insert(t, 1, 'x')\n",
        MJ_ETIMEOUT, timeout_at2, "table.insert shifting 2^53 slots");
  stops(e,
        "local t = setmetatable({}, {__len = function() return 2^53 end})\n"
        "table.remove(t, 1)\n",
        MJ_ETIMEOUT, timeout_at2, "table.remove shifting 2^53 slots");
  stops(e,
        "local t = setmetatable({}, {__len = function() return 2^31 - 2 end,"
        " __index = rawlen, __newindex = rawequal})\n"
        "table.sort(t)\n",
        MJ_ETIMEOUT, timeout_at2, "table.sort of 2^31 values in C");
  runs(e,
       "local t = {5, 3, 1, 4, 2}\n"
       "table.sort(t) assert(table.concat(t, ',') == '1,2,3,4,5')\n"
       "table.sort(t, function(a, b) return a > b end)\n"
       "assert(table.concat(t, ',', 2, 4) == '4,3,2')\n"
       "table.insert(t, 'x') table.insert(t, 1, 'y')\n"
       "assert(table.concat(t, '') == 'y54321x')\n"
       "assert(table.remove(t) == 'x' and table.remove(t, 1) == 'y')\n"
       "assert(table.concat(table.move(t, 2, 3, 1, {}), '') == '43')\n"
       "table.move(t, 1, 3, 2) assert(table.concat(t, '') == '55431')\n"
       "local ok, m = pcall(table.sort, {1, 2, 3, 4}, function() return true "
       "end)\n"
       "assert(not ok and m:find('invalid order function'))\n"
       "assert(select(2, pcall(table.concat, {1, {}, 3})):find("
       "'invalid value %(table%) at index 2'))\n"
       "assert(select(2, pcall(table.insert, {}, 5, 1)):find("
       "'position out of bounds'))\n",
       "the table functions keep Lua's behaviour");
  mj_engine_free(e);
}

int main(void)
{
  plan(6 * 3 + 1 + 3 * 3 + 1 + 2 * 3 + 1 + 1 + 6 * 3 + 1);
  patterns();
  handlers();
  memory();
  library();
  return tap_done();
}
