/*
** Pattern matching for playbooks: Lua 5.4's matcher with a step count
** that checks the limits, so a pattern that backtracks for hours in C
** (string.rep("a-", 3) .. "b" on a long string) stops at the time limit.
**
** The matcher, find, match, gmatch and gsub follow lstrlib.c of Lua 5.4
** (Copyright (C) 1994-2022 Lua.org, PUC-Rio; MIT license) line for line,
** so playbooks see the same results and the same error messages.
*/
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "lua_host.h"

/* Steps (a match call, a character scanned or compared) between two
** looks at the limits: a look costs about a clock read. */
#define CHECK_EVERY 4096

#define MAXCCALLS 200  /* recursion depth of match, as lstrlib.c */
#define MAXCAPTURES 32 /* captures in a pattern, as lstrlib.c */
#define L_ESC '%'
#define SPECIALS "^$*+?.([%-"
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define uchar(c) ((unsigned char)(c))

typedef struct MatchState {
  const char *src_init; /* init of source string */
  const char *src_end;  /* end ('\0') of source string */
  const char *p_end;    /* end ('\0') of pattern */
  lua_State *L;
  size_t steps;        /* work since the last look at the limits */
  int matchdepth;      /* control for recursive depth */
  unsigned char level; /* total number of captures */
  struct {
    const char *init;
    ptrdiff_t len;
  } capture[MAXCAPTURES];
} MatchState;

/*
** Count n steps of work; every CHECK_EVERY, raise the limit error if a
** limit has tripped. Raising here is as safe as lstrlib.c's own errors:
** the matcher holds no memory of its own.
*/
static void tick(MatchState *ms, size_t n)
{
  ms->steps += n;
  if (ms->steps >= CHECK_EVERY) {
    ms->steps = 0;
    mj__lua_checklimits(ms->L);
  }
}

static const char *match(MatchState *ms, const char *s, const char *p);

static int check_capture(MatchState *ms, int l)
{
  l -= '1';
  if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED)
    return luaL_error(ms->L, "invalid capture index %%%d", l + 1);
  return l;
}

static int capture_to_close(MatchState *ms)
{
  int level = ms->level;
  for (level--; level >= 0; level--)
    if (ms->capture[level].len == CAP_UNFINISHED)
      return level;
  return luaL_error(ms->L, "invalid pattern capture");
}

static const char *classend(MatchState *ms, const char *p)
{
  switch (*p++) {
  case L_ESC:
    if (p == ms->p_end)
      luaL_error(ms->L, "malformed pattern (ends with '%%')");
    return p + 1;
  case '[':
    if (*p == '^')
      p++;
    do { /* look for a ']' */
      if (p == ms->p_end)
        luaL_error(ms->L, "malformed pattern (missing ']')");
      if (*(p++) == L_ESC && p < ms->p_end)
        p++; /* skip escapes (e.g. '%]') */
    } while (*p != ']');
    return p + 1;
  default:
    return p;
  }
}

static int match_class(int c, int cl)
{
  int res;
  switch (tolower(cl)) {
  case 'a':
    res = isalpha(c);
    break;
  case 'c':
    res = iscntrl(c);
    break;
  case 'd':
    res = isdigit(c);
    break;
  case 'g':
    res = isgraph(c);
    break;
  case 'l':
    res = islower(c);
    break;
  case 'p':
    res = ispunct(c);
    break;
  case 's':
    res = isspace(c);
    break;
  case 'u':
    res = isupper(c);
    break;
  case 'w':
    res = isalnum(c);
    break;
  case 'x':
    res = isxdigit(c);
    break;
  case 'z':
    res = (c == 0);
    break; /* deprecated option */
  default:
    return (cl == c);
  }
  return (islower(cl) ? res : !res);
}

static int matchbracketclass(int c, const char *p, const char *ec)
{
  int sig = 1;
  if (*(p + 1) == '^') {
    sig = 0;
    p++; /* skip the '^' */
  }
  while (++p < ec) {
    if (*p == L_ESC) {
      p++;
      if (match_class(c, uchar(*p)))
        return sig;
    } else if (*(p + 1) == '-' && (p + 2 < ec)) {
      p += 2;
      if (uchar(*(p - 2)) <= c && c <= uchar(*p))
        return sig;
    } else if (uchar(*p) == c)
      return sig;
  }
  return !sig;
}

static int singlematch(MatchState *ms, const char *s, const char *p,
                       const char *ep)
{
  if (s >= ms->src_end)
    return 0;
  int c = uchar(*s);
  switch (*p) {
  case '.':
    return 1; /* matches any char */
  case L_ESC:
    return match_class(c, uchar(*(p + 1)));
  case '[':
    return matchbracketclass(c, p, ep - 1);
  default:
    return (uchar(*p) == c);
  }
}

static const char *matchbalance(MatchState *ms, const char *s, const char *p)
{
  if (p >= ms->p_end - 1)
    luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
  if (*s != *p)
    return NULL;
  const char *from = s;
  int b = *p, e = *(p + 1), cont = 1;
  while (++s < ms->src_end) {
    if (*s == e) {
      if (--cont == 0) {
        tick(ms, (size_t)(s - from));
        return s + 1;
      }
    } else if (*s == b)
      cont++;
  }
  tick(ms, (size_t)(s - from));
  return NULL; /* string ends out of balance */
}

static const char *max_expand(MatchState *ms, const char *s, const char *p,
                              const char *ep)
{
  ptrdiff_t i = 0; /* counts maximum expand for item */
  while (singlematch(ms, s + i, p, ep))
    i++;
  tick(ms, (size_t)i);
  /* keeps trying to match with the maximum repetitions */
  while (i >= 0) {
    const char *res = match(ms, (s + i), ep + 1);
    if (res)
      return res;
    i--; /* else didn't match; reduce 1 repetition to try again */
  }
  return NULL;
}

static const char *min_expand(MatchState *ms, const char *s, const char *p,
                              const char *ep)
{
  for (;;) {
    const char *res = match(ms, s, ep + 1);
    if (res != NULL)
      return res;
    else if (singlematch(ms, s, p, ep))
      s++; /* try with one more repetition */
    else
      return NULL;
  }
}

static const char *start_capture(MatchState *ms, const char *s, const char *p,
                                 int what)
{
  const char *res;
  int level = ms->level;
  if (level >= MAXCAPTURES)
    luaL_error(ms->L, "too many captures");
  ms->capture[level].init = s;
  ms->capture[level].len = what;
  ms->level = (unsigned char)(level + 1);
  if ((res = match(ms, s, p)) == NULL) /* match failed? */
    ms->level--;                       /* undo capture */
  return res;
}

static const char *end_capture(MatchState *ms, const char *s, const char *p)
{
  int l = capture_to_close(ms);
  const char *res;
  ms->capture[l].len = s - ms->capture[l].init; /* close capture */
  if ((res = match(ms, s, p)) == NULL)          /* match failed? */
    ms->capture[l].len = CAP_UNFINISHED;        /* undo capture */
  return res;
}

static const char *match_capture(MatchState *ms, const char *s, int l)
{
  size_t len;
  l = check_capture(ms, l);
  len = (size_t)ms->capture[l].len;
  tick(ms, len);
  if ((size_t)(ms->src_end - s) >= len &&
      memcmp(ms->capture[l].init, s, len) == 0)
    return s + len;
  return NULL;
}

static const char *match(MatchState *ms, const char *s, const char *p)
{
  if (ms->matchdepth-- == 0)
    luaL_error(ms->L, "pattern too complex");
init: /* using goto's to optimize tail recursion */
  tick(ms, 1);
  if (p != ms->p_end) { /* end of pattern? */
    switch (*p) {
    case '(':              /* start capture */
      if (*(p + 1) == ')') /* position capture? */
        s = start_capture(ms, s, p + 2, CAP_POSITION);
      else
        s = start_capture(ms, s, p + 1, CAP_UNFINISHED);
      break;
    case ')': /* end capture */
      s = end_capture(ms, s, p + 1);
      break;
    case '$':
      if ((p + 1) != ms->p_end) /* is the '$' the last char in pattern? */
        goto dflt;              /* no; go to default */
      s = (s == ms->src_end) ? s : NULL; /* check end of string */
      break;
    case L_ESC: /* escaped sequences not in the format class[*+?-]? */
      switch (*(p + 1)) {
      case 'b': /* balanced string? */
        s = matchbalance(ms, s, p + 2);
        if (s != NULL) {
          p += 4;
          goto init; /* return match(ms, s, p + 4); */
        }            /* else fail (s == NULL) */
        break;
      case 'f': { /* frontier? */
        const char *ep;
        char previous;
        p += 2;
        if (*p != '[')
          luaL_error(ms->L, "missing '[' after '%%f' in pattern");
        ep = classend(ms, p); /* points to what is next */
        previous = (s == ms->src_init) ? '\0' : *(s - 1);
        if (!matchbracketclass(uchar(previous), p, ep - 1) &&
            matchbracketclass(uchar(*s), p, ep - 1)) {
          p = ep;
          goto init; /* return match(ms, s, ep); */
        }
        s = NULL; /* match failed */
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9': /* capture results (%0-%9)? */
        s = match_capture(ms, s, uchar(*(p + 1)));
        if (s != NULL) {
          p += 2;
          goto init; /* return match(ms, s, p + 2) */
        }
        break;
      default:
        goto dflt;
      }
      break;
    default:
    dflt : {                            /* pattern class plus optional suffix */
      const char *ep = classend(ms, p); /* points to optional suffix */
      /* does not match at least once? */
      if (!singlematch(ms, s, p, ep)) {
        if (*ep == '*' || *ep == '?' || *ep == '-') { /* accept empty? */
          p = ep + 1;
          goto init;   /* return match(ms, s, ep + 1); */
        } else         /* '+' or no suffix */
          s = NULL;    /* fail */
      } else {         /* matched once */
        switch (*ep) { /* handle optional suffix */
        case '?': {    /* optional */
          const char *res;
          if ((res = match(ms, s + 1, ep + 1)) != NULL)
            s = res;
          else {
            p = ep + 1;
            goto init; /* else return match(ms, s, ep + 1); */
          }
          break;
        }
        case '+': /* 1 or more repetitions */
          s++;    /* 1 match already done */
          /* FALLTHROUGH */
        case '*': /* 0 or more repetitions */
          s = max_expand(ms, s, p, ep);
          break;
        case '-': /* 0 or more repetitions (minimum) */
          s = min_expand(ms, s, p, ep);
          break;
        default: /* no suffix */
          s++;
          p = ep;
          goto init; /* return match(ms, s + 1, ep); */
        }
      }
      break;
    }
    }
  }
  ms->matchdepth++;
  return s;
}

/* Plain search (lstrlib.c's lmemfind), counting what it compares: a
** long run of near misses costs as much as a pattern. */
static const char *lmemfind(MatchState *ms, const char *s1, size_t l1,
                            const char *s2, size_t l2)
{
  if (l2 == 0)
    return s1; /* empty strings are everywhere */
  if (l2 > l1)
    return NULL;    /* avoids a negative 'l1' */
  const char *init; /* to search for a '*s2' inside 's1' */
  l2--;             /* 1st char will be checked by 'memchr' */
  l1 = l1 - l2;     /* 's2' cannot be found after that */
  while (l1 > 0 && (init = memchr(s1, *s2, l1)) != NULL) {
    init++; /* 1st char is already checked */
    tick(ms, (size_t)(init - s1) + l2);
    if (memcmp(init, s2 + 1, l2) == 0)
      return init - 1;
    l1 -= (size_t)(init - s1); /* correct 'l1' and 's1' to try again */
    s1 = init;
  }
  return NULL; /* not found */
}

/*
** Information about the i-th capture. If there are no captures and i is
** 0, the whole match s..e. A string capture: its length, and its address
** in *cap. A position capture: pushed, and CAP_POSITION returned.
*/
static ptrdiff_t get_onecapture(MatchState *ms, int i, const char *s,
                                const char *e, const char **cap)
{
  if (i >= ms->level) {
    if (i != 0)
      luaL_error(ms->L, "invalid capture index %%%d", i + 1);
    *cap = s;
    return e - s;
  }
  ptrdiff_t capl = ms->capture[i].len;
  *cap = ms->capture[i].init;
  if (capl == CAP_UNFINISHED)
    luaL_error(ms->L, "unfinished capture");
  else if (capl == CAP_POSITION)
    lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1);
  return capl;
}

static void push_onecapture(MatchState *ms, int i, const char *s, const char *e)
{
  const char *cap;
  ptrdiff_t l = get_onecapture(ms, i, s, e, &cap);
  if (l != CAP_POSITION)
    lua_pushlstring(ms->L, cap, (size_t)l);
  /* else position was already pushed */
}

static int push_captures(MatchState *ms, const char *s, const char *e)
{
  int nlevels = (ms->level == 0 && s) ? 1 : ms->level;
  luaL_checkstack(ms->L, nlevels, "too many captures");
  for (int i = 0; i < nlevels; i++)
    push_onecapture(ms, i, s, e);
  return nlevels; /* number of strings pushed */
}

/* Whether the pattern has no special characters. */
static int nospecials(const char *p, size_t l)
{
  size_t upto = 0;
  do {
    if (strpbrk(p + upto, SPECIALS))
      return 0;                   /* pattern has a special character */
    upto += strlen(p + upto) + 1; /* may have more after \0 */
  } while (upto <= l);
  return 1; /* no special chars found */
}

static void prepstate(MatchState *ms, lua_State *L, const char *s, size_t ls,
                      const char *p, size_t lp)
{
  ms->L = L;
  ms->steps = 0;
  ms->matchdepth = MAXCCALLS;
  ms->src_init = s;
  ms->src_end = s + ls;
  ms->p_end = p + lp;
}

static void reprepstate(MatchState *ms)
{
  ms->level = 0;
}

/* A relative initial position (negative counts from the end) as an
** absolute one in [1, inf), lstrlib.c's posrelatI. */
static size_t posrelat(lua_Integer pos, size_t len)
{
  if (pos > 0)
    return (size_t)pos;
  else if (pos == 0)
    return 1;
  else if (pos < -(lua_Integer)len) /* inverted comparison */
    return 1;                       /* clip to 1 */
  return len + (size_t)pos + 1;
}

static int str_find_aux(lua_State *L, int find)
{
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  MatchState ms;
  if (init > ls) {    /* start after string's end? */
    luaL_pushfail(L); /* cannot find anything */
    return 1;
  }
  /* explicit request or no special characters? */
  if (find && (lua_toboolean(L, 4) || nospecials(p, lp))) {
    /* do a plain search */
    prepstate(&ms, L, s, ls, p, lp);
    const char *s2 = lmemfind(&ms, s + init, ls - init, p, lp);
    if (s2) {
      lua_pushinteger(L, (s2 - s) + 1);
      lua_pushinteger(L, (lua_Integer)((size_t)(s2 - s) + lp));
      return 2;
    }
  } else {
    const char *s1 = s + init;
    int anchor = (*p == '^');
    if (anchor) {
      p++;
      lp--; /* skip anchor character */
    }
    prepstate(&ms, L, s, ls, p, lp);
    do {
      const char *res;
      reprepstate(&ms);
      if ((res = match(&ms, s1, p)) != NULL) {
        if (find) {
          lua_pushinteger(L, (s1 - s) + 1); /* start */
          lua_pushinteger(L, res - s);      /* end */
          return push_captures(&ms, NULL, 0) + 2;
        } else
          return push_captures(&ms, s1, res);
      }
    } while (s1++ < ms.src_end && !anchor);
  }
  luaL_pushfail(L); /* not found */
  return 1;
}

static int str_find(lua_State *L)
{
  return str_find_aux(L, 1);
}

static int str_match(lua_State *L)
{
  return str_find_aux(L, 0);
}

/* State of a gmatch iterator, kept in a userdata (upvalue 3). */
typedef struct GMatchState {
  const char *src;       /* current position */
  const char *p;         /* pattern */
  const char *lastmatch; /* end of last match */
  MatchState ms;         /* match state */
} GMatchState;

static int gmatch_aux(lua_State *L)
{
  GMatchState *gm = lua_touserdata(L, lua_upvalueindex(3));
  gm->ms.L = L;
  for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
    const char *e;
    reprepstate(&gm->ms);
    if ((e = match(&gm->ms, src, gm->p)) != NULL && e != gm->lastmatch) {
      gm->src = gm->lastmatch = e;
      return push_captures(&gm->ms, src, e);
    }
  }
  return 0; /* not found */
}

static int gmatch(lua_State *L)
{
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  lua_settop(L, 2); /* keep strings on closure to avoid being collected */
  GMatchState *gm = lua_newuserdatauv(L, sizeof *gm, 0);
  if (init > ls)   /* start after string's end? */
    init = ls + 1; /* avoid overflows in 's + init' */
  prepstate(&gm->ms, L, s, ls, p, lp);
  gm->src = s + init;
  gm->p = p;
  gm->lastmatch = NULL;
  lua_pushcclosure(L, gmatch_aux, 3);
  return 1;
}

static void add_s(MatchState *ms, luaL_Buffer *b, const char *s, const char *e)
{
  size_t l;
  lua_State *L = ms->L;
  const char *news = lua_tolstring(L, 3, &l);
  const char *p;
  while ((p = memchr(news, L_ESC, l)) != NULL) {
    luaL_addlstring(b, news, (size_t)(p - news));
    p++;             /* skip ESC */
    if (*p == L_ESC) /* '%%' */
      luaL_addchar(b, *p);
    else if (*p == '0') /* '%0' */
      luaL_addlstring(b, s, (size_t)(e - s));
    else if (isdigit(uchar(*p))) { /* '%n' */
      const char *cap;
      ptrdiff_t resl = get_onecapture(ms, *p - '1', s, e, &cap);
      if (resl == CAP_POSITION)
        luaL_addvalue(b); /* add position to accumulated result */
      else
        luaL_addlstring(b, cap, (size_t)resl);
    } else
      luaL_error(L, "invalid use of '%c' in replacement string", L_ESC);
    l -= (size_t)(p + 1 - news);
    news = p + 1;
  }
  luaL_addlstring(b, news, l);
}

/*
** Add the replacement value to the string buffer b. Return true if the
** original string was changed (function calls and table indexing that
** give nil or false do not change the subject).
*/
static int add_value(MatchState *ms, luaL_Buffer *b, const char *s,
                     const char *e, int tr)
{
  lua_State *L = ms->L;
  switch (tr) {
  case LUA_TFUNCTION: { /* call the function */
    lua_pushvalue(L, 3);
    int n = push_captures(ms, s, e); /* all captures as arguments */
    lua_call(L, n, 1);
    break;
  }
  case LUA_TTABLE:                /* index the table */
    push_onecapture(ms, 0, s, e); /* first capture is the index */
    lua_gettable(L, 3);
    break;
  default: /* LUA_TNUMBER or LUA_TSTRING */
    add_s(ms, b, s, e);
    return 1;
  }
  if (!lua_toboolean(L, -1)) { /* nil or false? */
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s)); /* keep original text */
    return 0;
  } else if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)",
                      luaL_typename(L, -1));
  luaL_addvalue(b); /* add result to accumulator */
  return 1;
}

static int str_gsub(lua_State *L)
{
  size_t srcl, lp;
  const char *src = luaL_checklstring(L, 1, &srcl); /* subject */
  const char *p = luaL_checklstring(L, 2, &lp);     /* pattern */
  const char *lastmatch = NULL;                     /* end of last match */
  int tr = lua_type(L, 3);                          /* replacement type */
  lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
  int anchor = (*p == '^');
  lua_Integer n = 0; /* replacement count */
  int changed = 0;
  MatchState ms;
  luaL_Buffer b;
  luaL_argexpected(L,
                   tr == LUA_TNUMBER || tr == LUA_TSTRING ||
                       tr == LUA_TFUNCTION || tr == LUA_TTABLE,
                   3, "string/function/table");
  luaL_buffinit(L, &b);
  if (anchor) {
    p++;
    lp--; /* skip anchor character */
  }
  prepstate(&ms, L, src, srcl, p, lp);
  while (n < max_s) {
    const char *e;
    reprepstate(&ms);
    if ((e = match(&ms, src, p)) != NULL && e != lastmatch) { /* match? */
      n++;
      changed = add_value(&ms, &b, src, e, tr) | changed;
      src = lastmatch = e;
    } else if (src < ms.src_end) /* otherwise, skip one character */
      luaL_addchar(&b, *src++);
    else
      break; /* end of subject */
    if (anchor)
      break;
  }
  if (!changed)
    lua_pushvalue(L, 1); /* return original string */
  else {
    luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n); /* number of substitutions */
  return 2;
}

void mj__match_register(lua_State *L, int idx)
{
  static const luaL_Reg funcs[] = {{"find", str_find},
                                   {"match", str_match},
                                   {"gmatch", gmatch},
                                   {"gsub", str_gsub},
                                   {NULL, NULL}};
  idx = lua_absindex(L, idx);
  for (const luaL_Reg *f = funcs; f->name; f++) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, idx, f->name);
  }
}
