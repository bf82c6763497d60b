/*
** The playbook sandbox: escapes are refused, limits hold even against
** pcall, and a trusted playbook gets io and os.
*/
/* realpath() is XSI: not declared under _POSIX_C_SOURCE alone. */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "playbook.h"
#include "tap.h"

static char logbuf[4096];

static void on_log(void *ud, int level, const char *msg)
{
  (void)ud;
  (void)level;
  size_t n = strlen(logbuf);
  snprintf(logbuf + n, sizeof logbuf - n, "%s\n", msg);
}

static mj_engine *engine(unsigned flags, size_t mem, unsigned ms)
{
  mj_opts o;
  mj_opts_init(&o);
  o.log = on_log;
  o.log_level = MJ_LOG_INFO;
  o.flags = flags;
  o.lua_mem_limit = mem;
  o.lua_time_limit_ms = ms;
  mj_engine *e = NULL;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  return e;
}

static int run(mj_engine *e, const char *src)
{
  return mj_playbook_load_buffer(e, "sb.lua", src, strlen(src));
}

/* Refused with code, and the message starts with want. */
static void refused(mj_engine *e, const char *src, int code, const char *want,
                    const char *desc)
{
  int rc = run(e, src);
  is_int(code, rc, "%s: %s", desc, mj_err_name(code));
  if (!ok(strncmp(mj_errmsg(e), want, strlen(want)) == 0, "%s: message", desc))
    diag("got:  %s\nwant: %s", mj_errmsg(e), want);
}

static void escapes(void)
{
  mj_engine *e = engine(0, 0, 0);
  refused(e, "os.execute('touch /tmp/mejora-pwned')", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'os'", "os.execute");
  refused(e, "local f = io.open('/etc/passwd')", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'io'", "io.open");
  refused(e, "\nlocal lpeg = require 'lpeg'", MJ_ERUNTIME,
          "sb.lua:2: module 'lpeg' not found", "require of a C module");
  ok(strstr(mj_errmsg(e), "never C modules") != NULL, "require says why");
  refused(e, "require 'os'", MJ_ERUNTIME, "sb.lua:1: module 'os' not found",
          "require of a standard library");
  refused(e, "require '../../etc/passwd'", MJ_ERUNTIME,
          "sb.lua:1: module '../../etc/passwd': not a valid module name",
          "require with a path");
  refused(e, "local f, err = load('\\27Lua\\84\\0\\25\\147')\nassert(f, err)",
          MJ_ERUNTIME, "sb.lua:2: ", "load of a binary chunk");
  contains(mj_errmsg(e), "binary chunk", "binary chunk named");
  refused(e, "load('return 1', 'x', 'b')", MJ_ERUNTIME,
          "sb.lua:1: ", "load in binary mode");
  refused(e, "local s = string.dump(function() end)", MJ_ERUNTIME,
          "sb.lua:1: attempt to call a nil value (field 'dump')",
          "string.dump");
  refused(e, "local s = ('').dump", MJ_OK, "", "string methods lose dump too");
  refused(e, "assert(('').dump == nil and getmetatable('') == false)", MJ_OK,
          "", "string metatable hidden");
  refused(e, "dofile('/etc/passwd')", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'dofile'", "dofile");
  refused(e, "loadfile('/etc/passwd')", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'loadfile'", "loadfile");
  refused(e, "local d = debug.getregistry()", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'debug'", "debug");
  refused(e, "local p = package.loadlib", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'package'", "package");
  refused(e, "rawset(_ENV, 'x', 1)", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'rawset'", "rawset");
  refused(e, "setmetatable({}, { __gc = function() end })", MJ_ERUNTIME,
          "sb.lua:1: __gc metamethods are not allowed", "__gc finalizers");
  refused(e, "setmetatable(_ENV, {})", MJ_ERUNTIME,
          "sb.lua:1: cannot change a protected metatable", "env metatable");
  refused(e, "collectgarbage('stop')", MJ_ERUNTIME,
          "sb.lua:1: ", "collectgarbage beyond count");
  refused(e, "assert(collectgarbage('count') > 0)", MJ_OK, "",
          "collectgarbage count");
  refused(e, "x = 1", MJ_ERUNTIME,
          "sb.lua:1: assignment to undeclared global 'x'", "global write");
  refused(e, "local t = tabel.concat({})", MJ_ERUNTIME,
          "sb.lua:1: unknown name 'tabel' (did you mean 'table'?)",
          "unknown name with a suggestion");
  /* What a playbook may use. */
  refused(e,
          "local f = load('return 40 + 2')\n"
          "assert(f() == 42)\n"
          "assert(type(load('return requirement')()) == 'function')\n"
          "assert(math.floor(2.5) == 2 and string.rep('a', 3) == 'aaa')\n"
          "assert(utf8.len('ñ') == 1 and table.concat({1, 2}, ',') == '1,2')\n"
          "local co = coroutine.wrap(function() coroutine.yield(1) end)\n"
          "assert(co() == 1)\n"
          "assert(pcall(error, 'x') == false)\n"
          "assert(require('mejora.labels')['excellent-poor'].points == 5)\n"
          "string.format = nil\n",
          MJ_OK, "", "the allowed libraries work");
  refused(e, "assert(string.format('%d', 7) == '7')", MJ_OK, "",
          "a playbook's library changes do not leak into the next");
  logbuf[0] = '\0';
  refused(e, "print('hello', 42, nil)", MJ_OK, "", "print");
  is_string("hello\t42\tnil\n", logbuf, "print goes to the engine's log");
  mj_engine_free(e);
}

static void limits(void)
{
  mj_engine *e = engine(0, 0, 200);
  refused(e, "local n = 0\nwhile true do n = n + 1 end", MJ_ETIMEOUT,
          "sb.lua:2: playbook exceeded its time limit (200 ms)",
          "infinite loop");
  refused(e,
          "for i = 1, 100 do\n"
          "  pcall(function() while true do end end)\n"
          "end",
          MJ_ETIMEOUT, "sb.lua:", "pcall cannot swallow the time limit");
  refused(e,
          "local co = coroutine.wrap(function() while true do end end)\n"
          "pcall(co)\nwhile true do end",
          MJ_ETIMEOUT, "sb.lua:", "nor can a coroutine");
  is_int(MJ_OK, run(e, "requirement 'R1' {}"),
         "the engine works after a timeout");
  mj_engine_free(e);

  e = engine(0, (size_t)8 << 20, 5000);
  refused(e,
          "local t = {}\n"
          "for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end",
          MJ_ELIMIT, "sb.lua:2: playbook exceeded its memory limit",
          "memory bomb");
  refused(e,
          "local ok = pcall(function()\n"
          "  local t = {}\n"
          "  for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end\n"
          "end)\n"
          "requirement 'R1' {}\n",
          MJ_ELIMIT, "sb.lua:", "pcall cannot swallow the memory limit");
  refused(e, "local s = string.rep('x', 64 * 1024 * 1024)", MJ_ELIMIT,
          "sb.lua:1: playbook exceeded its memory limit",
          "one huge allocation");
  is_int(MJ_OK, run(e, "requirement 'R1' {}"),
         "the engine works after the memory limit");
  mj_engine_free(e);
}

static void trusted(void)
{
  mj_engine *e = engine(MJ_TRUST_PLAYBOOK, 0, 0);
  refused(e,
          "local f = assert(io.open('/dev/null', 'r'))\n"
          "f:close()\n"
          "assert(type(os.time()) == 'number')\n"
          "assert(os.exit == nil)\n",
          MJ_OK, "", "a trusted playbook has io and os, but not os.exit");
  mj_engine_free(e);
}

/* mejora.env reads only what the operator allows, unless it trusts. */
static void environment(void)
{
  if (setenv("MEJORA_TEST_ALLOWED", "yes", 1) != 0 ||
      setenv("MEJORA_TEST_SECRET", "s3cret", 1) != 0)
    bail("setenv failed");
  mj_engine *e = engine(0, 0, 0);
  refused(e, "local home = mejora.env('HOME')", MJ_ERUNTIME,
          "sb.lua:1: mejora.env(\"HOME\"): the operator has not allowed",
          "HOME without an allowlist");
  contains(mj_errmsg(e), "--env HOME", "the refusal says how to allow it");
  contains(mj_errmsg(e), "--trust", "and names --trust");
  mj_engine_free(e);

  mj_opts o;
  mj_opts_init(&o);
  o.env_allow = "OTHER, MEJORA_TEST_ALLOWED:MEJORA_SURELY_UNSET_VAR";
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  refused(e,
          "assert(mejora.env('MEJORA_TEST_ALLOWED') == 'yes')\n"
          "assert(mejora.env('MEJORA_SURELY_UNSET_VAR') == nil)\n",
          MJ_OK, "", "listed variables are read, unset ones are nil");
  refused(e, "local s = mejora.env('MEJORA_TEST_SECRET')", MJ_ERUNTIME,
          "sb.lua:1: mejora.env(\"MEJORA_TEST_SECRET\"): the operator has "
          "not allowed",
          "a variable not listed is refused");
  refused(e, "local s = mejora.env('MEJORA_TEST')", MJ_ERUNTIME,
          "sb.lua:1: mejora.env(\"MEJORA_TEST\")",
          "a name is matched whole, not as a prefix");
  mj_engine_free(e);

  e = engine(MJ_TRUST_PLAYBOOK, 0, 0);
  refused(e, "assert(mejora.env('MEJORA_TEST_SECRET') == 's3cret')", MJ_OK,
          "", "a trusted playbook reads any variable");
  mj_engine_free(e);
}

/* resolve NAME (under dir) for mode within jail: the code, and *real. */
static int resolve(const char *dir, const char *name, unsigned mode,
                   const char *jail, char *real, size_t n)
{
  char full[2048], why[700], *out = NULL;
  snprintf(full, sizeof full, "%s/%s", dir, name);
  int rc = mj__path_resolve(name[0] == '/' ? name : full, mode, jail, &out,
                            why, sizeof why);
  snprintf(real, n, "%s", rc == MJ_OK ? out : why);
  free(out);
  return rc;
}

/*
** Where a name leads, not how it is spelt: ".." and links are followed
** to the real file before it is judged inside or outside the folder.
*/
static void paths(void)
{
  char *top = tap_tmpdir("paths");
  char in[1200], out[1200], p[2400], got[2400], want[2400];
  snprintf(in, sizeof in, "%s/in", top);
  snprintf(out, sizeof out, "%s/out", top);
  if (mkdir(in, 0700) != 0 || mkdir(out, 0700) != 0)
    bail("mkdir failed");
  snprintf(p, sizeof p, "%s/a.csv", in);
  tap_write(p, "x\n");
  snprintf(p, sizeof p, "%s/b.csv", out);
  tap_write(p, "x\n");
  /* top/in/link.csv -> ../out/b.csv, top/in/new.csv -> ../out/new.csv
  ** (nothing there yet), top/in/up -> .. */
  snprintf(p, sizeof p, "%s/link.csv", in);
  if (symlink("../out/b.csv", p) != 0)
    bail("symlink failed");
  snprintf(p, sizeof p, "%s/new.csv", in);
  if (symlink("../out/new.csv", p) != 0)
    bail("symlink failed");
  snprintf(p, sizeof p, "%s/up", in);
  if (symlink("..", p) != 0)
    bail("symlink failed");
  snprintf(p, sizeof p, "%s/fifo", in);
  if (mkfifo(p, 0600) != 0)
    bail("mkfifo failed");

  is_int(MJ_OK, resolve(in, "a.csv", MJ_PATH_READ, in, got, sizeof got),
         "a file inside is read");
  snprintf(want, sizeof want, "%s/a.csv", in);
  char *rw = realpath(want, NULL);
  is_string(rw ? rw : want, got, "as its real path");
  free(rw);
  is_int(MJ_OK, resolve(in, "up/in/a.csv", MJ_PATH_READ, in, got, sizeof got),
         "a link that leads back inside is followed");
  is_int(MJ_EVALIDATE,
         resolve(in, "../out/b.csv", MJ_PATH_READ, in, got, sizeof got),
         "'..' out of the folder is refused");
  contains(got, "outside the playbook's folder", "saying where it leads");
  is_int(MJ_EVALIDATE,
         resolve(in, "link.csv", MJ_PATH_READ, in, got, sizeof got),
         "a link inside pointing out is refused");
  is_int(MJ_EVALIDATE,
         resolve(in, "up/out/b.csv", MJ_PATH_READ, in, got, sizeof got),
         "a linked folder pointing out is refused");
  is_int(MJ_EVALIDATE,
         resolve(in, "link.csv", MJ_PATH_WRITE, in, got, sizeof got),
         "writing through a link pointing out is refused");
  is_int(MJ_EVALIDATE,
         resolve(in, "new.csv", MJ_PATH_WRITE, in, got, sizeof got),
         "so is a link to a file outside not there yet");
  snprintf(p, sizeof p, "%s/new.csv", out);
  ok(access(p, F_OK) != 0, "which is not created");
  is_int(MJ_EVALIDATE,
         resolve(in, "up/out/c.csv", MJ_PATH_WRITE, in, got, sizeof got),
         "a new file in a linked folder outside is refused");
  is_int(MJ_EVALIDATE, resolve(in, "/etc/passwd", MJ_PATH_READ, in, got,
                               sizeof got),
         "an absolute path outside is refused");
  is_int(MJ_OK, resolve(in, "c.csv", MJ_PATH_WRITE, in, got, sizeof got),
         "a new file inside may be written");
  is_int(MJ_OK, resolve(in, "new.csv", MJ_PATH_WRITE, NULL, got, sizeof got),
         "without a jail (trusted) the link outside may be written");
  rw = realpath(out, NULL);
  snprintf(want, sizeof want, "%s/new.csv", rw ? rw : out);
  free(rw);
  is_string(want, got, "at the place it points to");
  is_int(MJ_EINVAL, resolve(in, "fifo", MJ_PATH_READ, NULL, got, sizeof got),
         "a FIFO is refused, even trusted");
  contains(got, "FIFO", "saying it is a FIFO");
  is_int(MJ_EINVAL, resolve(in, "fifo", MJ_PATH_WRITE, in, got, sizeof got),
         "also for writing");
  is_int(MJ_EINVAL,
         resolve(in, "/dev/null", MJ_PATH_READ, NULL, got, sizeof got),
         "a device is refused");
  is_int(MJ_EINVAL, resolve(in, ".", MJ_PATH_READ, NULL, got, sizeof got),
         "a folder is refused");
  is_int(MJ_EIO, resolve(in, "none.csv", MJ_PATH_READ, in, got, sizeof got),
         "a missing file cannot be read");
  is_int(MJ_EIO, resolve(in, "no/dir.csv", MJ_PATH_WRITE, in, got, sizeof got),
         "nor written in a missing folder");
  is_int(MJ_OK, resolve(in, "/etc/passwd", MJ_PATH_READ, "/", got, sizeof got),
         "the root folder as the jail holds everything");
  tap_rmtree(top);
  free(top);
}

/*
** Where require finds a host's own modules: the folders in
** mj_opts.lua_path. MEJORA_LUA_PATH is the mejora command's setting, so
** an embedding host that sets only the variable changes nothing.
*/
static void lua_path(void)
{
  char *dir = tap_tmpdir("luapath");
  char mod[1200], path[1300];
  snprintf(mod, sizeof mod, "%s/shop_rules.lua", dir);
  tap_write(mod, "return { target = 4.5 }\n");
  const char *src = "assert(require('shop_rules').target == 4.5)";

  if (setenv("MEJORA_LUA_PATH", dir, 1) != 0)
    bail("setenv failed");
  mj_engine *e = engine(0, 0, 0);
  refused(e, src, MJ_ERUNTIME, "sb.lua:1: module 'shop_rules' not found",
          "the library does not read MEJORA_LUA_PATH");
  mj_engine_free(e);
  unsetenv("MEJORA_LUA_PATH");

  mj_opts o;
  mj_opts_init(&o);
  snprintf(path, sizeof path, "%s/no-such-folder:%s", dir, dir);
  o.lua_path = path;
  if (mj_engine_new(&e, &o) != MJ_OK)
    bail("cannot create an engine");
  memset(path, 0, sizeof path); /* the engine keeps its own copy */
  refused(e, src, MJ_OK, "", "require searches every folder of lua_path");
  mj_engine_free(e);
  tap_rmtree(dir);
  free(dir);
}

static void after_load(void)
{
  /* Constructors cannot be called once the playbook has loaded. */
  mj_engine *e = engine(0, 0, 0);
  is_int(MJ_OK,
         run(e, "plan 'P' { when = function(r) requirement 'late' {} "
                "return true end }"),
         "playbook with a misbehaving trigger loads");
  mj_figset fs = {{0}, NULL, 0, 0};
  int fired = 1;
  char *ev = NULL;
  int rc = mj__trigger_eval(e, &e->model->plans[0], &fs, &fired, &ev);
  is_int(MJ_ERUNTIME, rc, "declaring from a trigger is an error");
  contains(mj_errmsg(e), "only allowed while the playbook loads", "says why");
  free(ev);
  mj_engine_free(e);
}

int main(void)
{
  plan(109);
  escapes();
  limits();
  trusted();
  environment();
  paths();
  lua_path();
  after_load();
  return tap_done();
}
