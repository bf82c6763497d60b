/*
** The playbook DSL: curried constructors that record declarations with
** their call site, schemas in C, and the collect -> build -> link passes
** that turn a playbook into a model.
*/
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <lua.h>

#include "lua_host.h"

#define DECL_MT "mejora.decl"

enum {
  K_STORE = 1,
  K_SEGMENT,
  K_CUSTOMER,
  K_CUSTOMERS,
  K_REQUIREMENT,
  K_QUESTIONNAIRE,
  K_QUESTION,
  K_PLAN,
  K_CYCLE,
  K_USE,
  K_SAMPLE,
  K_COMPLAINT_CATEGORY,
  K_AUDIT,
  K_STANDARD,
  K_PROMISE, /* what the service promises: SERVQUAL gap 4 */
  K_CONTACT, /* when and how often customers may be written to */
  K_THANKS,  /* the daily list of customers to thank */
  K_MESSAGE, /* what customers are sent: invitations, reminders */
  K_ALERT,   /* a close-the-loop case per matching response */
  K__N
};

static const char *const kind_names[K__N] = {
    NULL,          "store",         "segment",  "customer", "customers",
    "requirement", "questionnaire", "question", "plan",     "cycle",
    "use",         "sample",        "complaint_category", "audit",
    "standard",    "promise",       "contact",  "thanks",
    "message",     "alert"};

/* A declaration: `kind "id"` then, for most kinds, `{ fields }`. User
** values: 1 the fields table, 2 the id, 3 the file it was written in. */
typedef struct decl {
  int kind;
  int line;
  int filled;
  int used; /* questions: claimed by a questionnaire */
} decl;

struct mj_dsl_ctx {
  mj_engine *e;
  mj_model *m;
  const char *buf;
  size_t len;
  const char *chunkname;
  int env_ref, list_ref, labels_ref, wordings_ref;
  int code; /* the first DSL error (sticky: pcall cannot hide it) */
  char msg[512];
};

/* ---- errors -------------------------------------------------------------- */

static int fail(lua_State *L, mj_dsl_ctx *c, int code, const char *file,
                int line, const char *fmt, ...) MJ__PRINTF(6, 7);

static int fail(lua_State *L, mj_dsl_ctx *c, int code, const char *file,
                int line, const char *fmt, ...)
{
  char msg[512];
  int k = snprintf(msg, sizeof msg, "%s:%d: ", file, line);
  if (k < 0 || (size_t)k >= sizeof msg)
    k = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
  va_end(ap);
  if (c && !c->code) {
    c->code = code;
    memcpy(c->msg, msg, sizeof msg);
  }
  lua_pushstring(L, msg);
  return lua_error(L);
}

static int oom(lua_State *L, mj_dsl_ctx *c)
{
  if (!c->code) {
    c->code = MJ_ENOMEM;
    snprintf(c->msg, sizeof c->msg, "out of memory building the model");
  }
  return luaL_error(L, "out of memory building the model");
}

static void *aalloc(lua_State *L, mj_dsl_ctx *c, size_t n)
{
  void *p = mj__arena_alloc(&c->m->arena, n ? n : 1);
  if (!p)
    oom(L, c);
  return p;
}

static const char *astr(lua_State *L, mj_dsl_ctx *c, const char *s)
{
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *p = aalloc(L, c, n);
  memcpy(p, s, n);
  return p;
}

/*
** The line of `key =` at or after line `from` of the playbook's text, so a
** message points at the offending key rather than at the first line of a
** long declaration. Lua keeps no lines for table fields, hence the scan;
** when the key is not found (or the declaration came from another chunk)
** the declaration's line stands.
*/
static int is_ident(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '_';
}

/*
** With value, only a key whose value is that string literal counts: the
** second `file = "b.csv"` of a list of imports on one line is found too.
*/
static int value_at(const char *q, const char *end, const char *value)
{
  size_t vn = strlen(value);
  while (q < end && (*q == ' ' || *q == '\t'))
    q++;
  return q < end && (*q == '"' || *q == '\'') && (size_t)(end - q) > vn + 1 &&
         memcmp(q + 1, value, vn) == 0 && q[vn + 1] == *q;
}

static int key_value_line(const mj_dsl_ctx *c, const char *file, int from,
                          const char *key, const char *value)
{
  if (!c || !c->buf || !key || !file || !c->m->file ||
      strcmp(file, c->m->file) != 0)
    return from;
  const char *p = c->buf, *end = c->buf + c->len;
  size_t kn = strlen(key);
  int line = 1;
  for (; p < end && line < from; p++)
    if (*p == '\n')
      line++;
  for (; p < end && line <= from + 500; p++) {
    if (*p == '\n') {
      line++;
      continue;
    }
    if ((size_t)(end - p) <= kn || memcmp(p, key, kn) != 0 ||
        (p > c->buf && is_ident(p[-1])) || is_ident(p[kn]))
      continue;
    const char *q = p + kn;
    while (q < end && (*q == ' ' || *q == '\t'))
      q++;
    if (q < end && *q == '=' && (q + 1 == end || q[1] != '=') &&
        (!value || value_at(q + 1, end, value)))
      return line;
  }
  return from;
}

#define KLINE(file, line, key) key_value_line(c, file, line, key, NULL)

/* ---- schemas ------------------------------------------------------------- */

typedef enum ftype {
  T_STR = 1,
  T_NUM,
  T_INT,
  T_BOOL,
  T_I18N,
  T_FUNC,
  T_STRLIST,
  T_RECORD,
  T_RECORDS,
  T_MAP,
  T_CHOICES,
  T_NUMMAP, /* { key = number } */
  T_BOOLSTR /* true, false or a string */
} ftype;

/* One key a declaration accepts (flb_config_map rows). */
typedef struct mj_field {
  const char *name;
  ftype type;
  int required;
  const char *const *enums;   /* allowed values of a string, or NULL */
  const char *ref;            /* kind it names, resolved when linking */
  const struct mj_field *sub; /* T_RECORD(S): the record's fields */
  const char *description;
} mj_field;

static const char *const needs[] = {"primary", "secondary", "tertiary", NULL};

static const mj_field f_segment[] = {
    {"name", T_I18N, 0, NULL, NULL, NULL, "the segment's name"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_customer[] = {
    {"segment", T_STR, 0, NULL, "segment", NULL, "its segment's id"},
    {"name", T_STR, 0, NULL, NULL, NULL, "the customer's name"},
    {"lang", T_STR, 0, NULL, NULL, NULL, "language code, e.g. \"es\""},
    {"channel", T_STR, 0, NULL, NULL, NULL, "how to reach them"},
    {"email", T_STR, 0, NULL, NULL, NULL, "e-mail address"},
    {"consent", T_BOOLSTR, 0, NULL, NULL, NULL,
     "may be surveyed: true, false or the channels, \"email,sms\""},
    {"since", T_STR, 0, NULL, NULL, NULL, "customer since, \"2024-03-01\""},
    {"until", T_STR, 0, NULL, NULL, NULL, "customer until (left), a date"},
    {"tz", T_STR, 0, NULL, NULL, NULL, "time zone, e.g. \"Europe/Madrid\""},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_requirement[] = {
    {"text", T_I18N, 0, NULL, NULL, NULL, "what the customer requires"},
    {"need", T_STR, 0, needs, NULL, NULL, "primary, secondary or tertiary"},
    {"dimension", T_STR, 0, NULL, NULL, NULL, "e.g. \"responsiveness\""},
    {"target", T_NUM, 0, NULL, NULL, NULL, "goal on the questions' scale"},
    {"weight", T_NUM, 0, NULL, NULL, NULL, "importance weight, e.g. 0.25"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_questionnaire[] = {
    {"title", T_I18N, 0, NULL, NULL, NULL, "the questionnaire's title"},
    {"lang", T_STR, 0, NULL, NULL, NULL, "default language, e.g. \"es\""},
    {"intro", T_I18N, 0, NULL, NULL, NULL, "what it is for, shown online"},
    {"minutes", T_INT, 0, NULL, NULL, NULL, "how long it takes, shown online"},
    {"anonymous", T_BOOL, 0, NULL, NULL, NULL, "answerable without a token"},
    {"expire_days", T_INT, 0, NULL, NULL, NULL,
     "days an invitation's link lasts"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_constraint[] = {
    {"min", T_NUM, 0, NULL, NULL, NULL, "least value allowed"},
    {"max", T_NUM, 0, NULL, NULL, NULL, "greatest value allowed"},
    {"expr", T_STR, 0, NULL, NULL, NULL, "condition, '.' is the answer"},
    {"message", T_I18N, 0, NULL, NULL, NULL, "the reason shown on failure"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

#define QTYPES                                                                 \
  "\"scale2\" .. \"scale11\", \"nps\", \"ces\", \"text\", \"choice\", "        \
  "\"multi\", \"yesno\", \"number\", \"date\" or \"points\""

static const mj_field f_question[] = {
    {"type", T_STR, 1, NULL, NULL, NULL, QTYPES},
    {"labels", T_STR, 0, NULL, NULL, NULL, "a label set of mejora.labels"},
    {"text", T_I18N, 0, NULL, NULL, NULL, "the question as asked"},
    {"measures", T_STR, 0, NULL, "requirement", NULL, "a requirement id"},
    {"allow_na", T_BOOL, 0, NULL, NULL, NULL, "\"no experience\" allowed"},
    {"required", T_BOOL, 0, NULL, NULL, NULL, "a blank answer is refused"},
    {"max_len", T_INT, 0, NULL, NULL, NULL, "longest text answer, bytes"},
    {"ask_if", T_STR, 0, NULL, NULL, NULL, "condition on earlier answers"},
    {"tags", T_MAP, 0, NULL, NULL, NULL,
     "{ key = \"value\" } for scorers, e.g. { servqual = \"T1\" }"},
    {"choices", T_CHOICES, 0, NULL, NULL, NULL,
     "choice, multi: { \"a\", \"b\" } or "
     "{ { code = \"a\", label = ... } }"},
    {"other", T_BOOL, 0, NULL, NULL, NULL, "choice, multi: \"other:TEXT\" ok"},
    {"randomize", T_BOOL, 0, NULL, NULL, NULL, "choice, multi: shuffle"},
    {"min", T_NUM, 0, NULL, NULL, NULL, "number: least value"},
    {"max", T_NUM, 0, NULL, NULL, NULL, "number: greatest value"},
    {"integer", T_BOOL, 0, NULL, NULL, NULL, "number: whole numbers only"},
    {"group", T_STR, 0, NULL, NULL, NULL, "points: the allocation group"},
    {"total", T_NUM, 0, NULL, NULL, NULL, "points: the group's sum, e.g. 100"},
    {"constraint", T_RECORD, 0, NULL, NULL, f_constraint,
     "{ min =, max =, expr =, message = }"},
    {"section", T_STR, 0, NULL, NULL, NULL, "the section it belongs to"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_verify[] = {
    {"metric", T_STR, 1, NULL, NULL, NULL, "e.g. \"mean:R1\""},
    {"test", T_STR, 0, NULL, NULL, NULL, "e.g. \"welch\""},
    {"alpha", T_NUM, 0, NULL, NULL, NULL, "significance level, 0..1"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_plan[] = {
    {"owner", T_STR, 0, NULL, NULL, NULL, "who answers for it"},
    {"escalate_to", T_STR, 0, NULL, NULL, NULL,
     "new owner when verification finds it did not work"},
    {"due", T_STR, 0, NULL, NULL, NULL, "\"30d\" or \"4w\""},
    {"actions", T_STRLIST, 0, NULL, NULL, NULL, "what to do"},
    {"when", T_FUNC, 0, NULL, NULL, NULL,
     "function(r) ... end, or a rule such as \"mean:R1 < target\""},
    {"verify", T_RECORD, 0, NULL, NULL, f_verify, "{ metric, test, alpha }"},
    {"due_soon", T_STR, 0, NULL, NULL, NULL,
     "\"3d\": tell an action's owner this long before it is due"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_import[] = {
    {"questionnaire", T_STR, 1, NULL, "questionnaire", NULL,
     "a questionnaire id"},
    {"file", T_STR, 1, NULL, NULL, NULL, "responses CSV"},
    {"columns", T_MAP, 0, NULL, NULL, NULL,
     "{ nps = \"Q1_NPS\", customer_id = \"cliente\" }: ours = the file's"},
    {"pilot", T_BOOL, 0, NULL, NULL, NULL, "every response is a pilot one"},
    {"sep", T_STR, 0, NULL, NULL, NULL,
     "field separator, one character: \";\" (default \",\")"},
    {"encoding", T_STR, 0, NULL, NULL, NULL,
     "\"windows-1252\", \"windows-1250\", \"windows-1251\" (default "
     "UTF-8)"},
    {"date_format", T_STR, 0, NULL, NULL, NULL,
     "submitted_at as \"dd/mm/yyyy\", \"mm/dd/yyyy\" (default ISO 8601)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_customers[] = {
    {"sep", T_STR, 0, NULL, NULL, NULL,
     "field separator, one character: \";\" (default \",\")"},
    {"encoding", T_STR, 0, NULL, NULL, NULL,
     "\"windows-1252\", \"windows-1250\", \"windows-1251\" (default "
     "UTF-8)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_period[] = {
    {"from", T_STR, 1, NULL, NULL, NULL, "first day, \"2026-11-01\""},
    {"to", T_STR, 1, NULL, NULL, NULL, "day after the last, \"2026-12-01\""},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_cycle[] = {
    {"import", T_RECORDS, 0, NULL, NULL, f_import,
     "{ { questionnaire = ..., file = ... }, ... }"},
    {"scorers", T_STRLIST, 0, NULL, NULL, NULL, "scorer names"},
    {"notify", T_STRLIST, 0, NULL, NULL, NULL, "notifier names"},
    {"min_n", T_INT, 0, NULL, NULL, NULL, "fewest answers for a figure"},
    {"period", T_RECORD, 0, NULL, NULL, f_period,
     "{ from = \"2026-11-01\", to = \"2026-12-01\" } (retention)"},
    {"include_pilot", T_BOOL, 0, NULL, NULL, NULL,
     "pilot responses count in the figures"},
    {"by", T_STRLIST, 0, NULL, NULL, NULL,
     "{ \"segment\", \"channel\" }: figure breakdowns"},
    {"comments", T_INT, 0, NULL, NULL, NULL,
     "open-text answers the report shows per question (5)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const char *const sample_methods[] = {"srs", "stratified", NULL};
static const char *const sample_allocs[] = {"proportional", "neyman", NULL};

static const mj_field f_sample[] = {
    {"questionnaire", T_STR, 1, NULL, NULL, NULL, "the questionnaire's id"},
    {"method", T_STR, 0, sample_methods, NULL, NULL, "srs or stratified"},
    {"allocation", T_STR, 0, sample_allocs, NULL, NULL,
     "stratified: proportional or neyman"},
    {"size", T_INT, 0, NULL, NULL, NULL, "how many to ask (or margin)"},
    {"margin", T_NUM, 0, NULL, NULL, NULL, "margin of error, e.g. 0.05"},
    {"confidence", T_NUM, 0, NULL, NULL, NULL, "confidence, default 0.95"},
    {"p", T_NUM, 0, NULL, NULL, NULL, "expected proportion, default 0.5"},
    {"sd", T_NUMMAP, 0, NULL, NULL, NULL,
     "neyman: { segment = S_h, ... }"},
    {"response_rate", T_NUM, 0, NULL, NULL, NULL,
     "expected share answering: invitations = n / rate"},
    {"seed", T_INT, 0, NULL, NULL, NULL, "makes the draw reproducible"},
    {"fatigue_days", T_INT, 0, NULL, NULL, NULL,
     "nobody invited twice within this many days (default 90)"},
    {"link", T_STR, 0, NULL, NULL, NULL,
     "the answer link, with {token}: \"https://survey.example/a/{token}\""},
    {"unsubscribe", T_STR, 0, NULL, NULL, NULL,
     "the unsubscribe link, with {token}"},
    {"send", T_MAP, 0, NULL, NULL, NULL,
     "{ CHANNEL = \"NOTIFIER\" }: send invitations, e.g. { email = \"mail\" }"},
    {"remind_after", T_STR, 0, NULL, NULL, NULL,
     "one reminder to those who have not answered, e.g. \"7d\""},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* `message "invitation" { ... }`: the texts customers are sent. */
static const mj_field f_message[] = {
    {"subject", T_I18N, 1, NULL, NULL, NULL, "the subject line"},
    {"text", T_I18N, 1, NULL, NULL, NULL, "the message, plain text"},
    {"html", T_I18N, 0, NULL, NULL, NULL, "the message as HTML"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* ---- complaints, audits, the service standard ---- */

static const mj_field f_complaint_category[] = {
    {"text", T_I18N, 0, NULL, NULL, NULL, "what the category covers"},
    {"owner", T_STR, 0, NULL, NULL, NULL,
     "who is told of its complaints (an address)"},
    {"limit", T_STR, 0, NULL, NULL, NULL,
     "\"5d\": time to respond before the owner is told it is overdue"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* ---- the daily thanks ---- */

static const mj_field f_thanks[] = {
    {"owner", T_STR, 1, NULL, NULL, NULL, "who receives the list (an address)"},
    {"count", T_INT, 0, NULL, NULL, NULL, "customers a day (default 3)"},
    {"promoters_within", T_STR, 0, NULL, NULL, NULL,
     "\"30d\": answers this recent count (default 30 days)"},
    {"not_within", T_STR, 0, NULL, NULL, NULL,
     "\"90d\": nobody thanked twice within this (default 90 days)"},
    {"questions", T_STRLIST, 0, NULL, NULL, NULL,
     "\"QUESTIONNAIRE/QUESTION\" whose top box counts (default: NPS 9-10)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const char *const crit_kinds[] = {"objective", "subjective", "check",
                                         NULL};
static const char *const protocols[] = {"phone", NULL};
static const char *const compares[] = {">=", ">", "<=", "<", "==", NULL};

static const mj_field f_criterion[] = {
    {"id", T_STR, 1, NULL, NULL, NULL, "the criterion's id (a CSV column)"},
    {"kind", T_STR, 1, crit_kinds, NULL, NULL,
     "objective, subjective or check"},
    {"text", T_I18N, 0, NULL, NULL, NULL, "what the shopper observes"},
    {"target", T_STR, 0, NULL, NULL, NULL, "e.g. \"<= 20\" or \">= 4\""},
    {"unit", T_STR, 0, NULL, NULL, NULL, "e.g. \"s\""},
    {"scale", T_INT, 0, NULL, NULL, NULL, "subjective: top of the scale"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_audit[] = {
    {"scenario", T_I18N, 0, NULL, NULL, NULL, "the situation to play"},
    {"role", T_STR, 0, NULL, NULL, NULL, "who the shopper pretends to be"},
    {"fake_data", T_MAP, 0, NULL, NULL, NULL, "{ name = \"...\", ... }"},
    {"verify", T_STRLIST, 0, NULL, NULL, NULL, "data the agent must check"},
    {"stimulus", T_STRLIST, 0, NULL, NULL, NULL, "questions to ask"},
    {"criteria", T_RECORDS, 0, NULL, NULL, f_criterion,
     "{ { id = ..., kind = ..., target = ... }, ... }"},
    {"protocol", T_STR, 0, protocols, NULL, NULL,
     "\"phone\": add the phone-protocol checklist"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

static const mj_field f_standard[] = {
    {"text", T_I18N, 0, NULL, NULL, NULL, "the promise, in words"},
    {"indicator", T_STR, 1, NULL, NULL, NULL,
     "SCORER.METRIC[:SUBJECT][@SEGMENT], e.g. "
     "\"audit.compliance:answer_time\""},
    {"target", T_NUM, 1, NULL, NULL, NULL, "e.g. 90"},
    {"compare", T_STR, 0, compares, NULL, NULL,
     "how the indicator meets the target (default \">=\")"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* `promise "PR1" { text, indicator, promised = 95 }` (gap 4). */
static const mj_field f_promise[] = {
    {"text", T_I18N, 0, NULL, NULL, NULL, "what customers are told"},
    {"indicator", T_STR, 1, NULL, NULL, NULL,
     "the delivered measure, e.g. \"audit.compliance:answer_time\""},
    {"promised", T_NUM, 1, NULL, NULL, NULL, "the figure promised, e.g. 95"},
    {"compare", T_STR, 0, compares, NULL, NULL,
     "how delivery keeps the promise (default \">=\")"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* `contact { ... }`: the playbook's rules for messages to customers. */
static const mj_field f_contact[] = {
    {"quiet_hours", T_STR, 0, NULL, NULL, NULL,
     "\"21:00-08:00\": no message then, in the customer's time zone"},
    {"max", T_STR, 0, NULL, NULL, NULL,
     "\"2/7d\": at most 2 messages to a customer in any 7 days"},
    {"tz", T_STR, 0, NULL, NULL, NULL,
     "time zone of customers without one (default UTC)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* `alert "detractor" { questionnaire, when, owner, due, ... }`: a
** close-the-loop case opened for each matching response. */
static const mj_field f_alert[] = {
    {"questionnaire", T_STR, 1, NULL, "questionnaire", NULL,
     "the questionnaire whose responses it reads"},
    {"when", T_STR, 1, NULL, NULL, NULL,
     "a condition on the answers, as ask_if: \"nps <= 6\""},
    {"owner", T_STR, 1, NULL, NULL, NULL, "who is told and answers for it"},
    {"due", T_STR, 1, NULL, NULL, NULL,
     "time to close it: \"90m\", \"24h\", \"2d\" or \"1w\""},
    {"escalate_to", T_STR, 0, NULL, NULL, NULL,
     "who is told when it is overdue (default: the owner again)"},
    {"text", T_I18N, 0, NULL, NULL, NULL, "what the owner is asked to do"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL}};

/* The phone-protocol checklist (DOMAIN.md), added by protocol = "phone". */
static const char *const phone_protocol[][2] = {
    {"greeted", "Greeted the caller"},
    {"gave_company_name", "Gave the company name"},
    {"gave_own_name", "Gave their own name"},
    {"offered_help", "Offered help"},
    {"channelled_at_once", "Channelled the solution at once"},
    {"committed_when", "At the farewell, committed to when it is handled"}};

/* "<= 20", ">= 4", "== 1": 1 and the parts, or 0. */
static int parse_cmp(const char *s, mj_cmp *cmp, double *v)
{
  while (*s == ' ')
    s++;
  static const struct {
    const char *op;
    mj_cmp cmp;
  } ops[] = {{"<=", MJ_CMP_LE}, {">=", MJ_CMP_GE}, {"==", MJ_CMP_EQ},
             {"<", MJ_CMP_LT},  {">", MJ_CMP_GT},  {"=", MJ_CMP_EQ}};
  size_t i = 0;
  while (i < 6 && strncmp(s, ops[i].op, strlen(ops[i].op)) != 0)
    i++;
  if (i == 6)
    return 0;
  s += strlen(ops[i].op);
  char *end;
  double x = strtod(s, &end);
  if (end == s || !isfinite(x))
    return 0;
  while (*end == ' ')
    end++;
  if (*end)
    return 0;
  *cmp = ops[i].cmp;
  *v = x;
  return 1;
}

/* An audit's criteria beyond the schema: targets that parse, scales that
** make sense, ids that are unique. t is the audit's fields table. */
static void validate_audit(lua_State *L, mj_dsl_ctx *c, int t,
                           const char *what, const char *file, int line)
{
  if (lua_getfield(L, t, "criteria") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_getfield(L, t, "protocol");
    int has_protocol = lua_isstring(L, -1);
    lua_pop(L, 1);
    if (!has_protocol)
      fail(L, c, MJ_EVALIDATE, file, line,
           "%s needs criteria = { { id = ..., kind = ... } } or protocol = "
           "\"phone\"",
           what);
    return;
  }
  int ct = lua_gettop(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, ct);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, ct, i);
    int it = lua_gettop(L);
    lua_getfield(L, it, "id");
    const char *id = lua_tostring(L, -1);
    lua_getfield(L, it, "kind");
    const char *kind = lua_tostring(L, -1);
    int kl = KLINE(file, line, id);
    for (lua_Integer j = 1; j < i; j++) {
      lua_rawgeti(L, ct, j);
      lua_getfield(L, -1, "id");
      if (strcmp(lua_tostring(L, -1), id) == 0)
        fail(L, c, MJ_EVALIDATE, file, kl,
             "%s: criterion '%s' is declared twice (items %lld and %lld)",
             what, id, (long long)j, (long long)i);
      lua_pop(L, 2);
    }
    if (lua_getfield(L, it, "target") == LUA_TSTRING) {
      mj_cmp cmp;
      double v;
      if (strcmp(kind, "check") == 0)
        fail(L, c, MJ_EVALIDATE, file, kl,
             "%s: criterion '%s' is a check (yes/no): it takes no target",
             what, id);
      if (!parse_cmp(lua_tostring(L, -1), &cmp, &v))
        fail(L, c, MJ_EVALIDATE, file, kl,
             "%s: criterion '%s' has target \"%s\"; write a comparison "
             "such as \"<= 20\" or \">= 4\"",
             what, id, lua_tostring(L, -1));
    } else if (strcmp(kind, "check") != 0) {
      fail(L, c, MJ_EVALIDATE, file, kl,
           "%s: criterion '%s' (%s) needs a target, e.g. target = \"%s\"",
           what, id, kind, strcmp(kind, "objective") == 0 ? "<= 20" : ">= 4");
    }
    if (lua_getfield(L, it, "scale") == LUA_TNUMBER &&
        (lua_tonumber(L, -1) < 2 || lua_tonumber(L, -1) > 11))
      fail(L, c, MJ_EVALIDATE, file, kl,
           "%s: criterion '%s' has scale %g; use 2 to 11 (e.g. 5)", what, id,
           (double)lua_tonumber(L, -1));
    lua_settop(L, ct);
  }
  lua_pop(L, 1);
}

static const mj_field *schema_of(int kind)
{
  switch (kind) {
  case K_SEGMENT:
    return f_segment;
  case K_CUSTOMER:
    return f_customer;
  case K_CUSTOMERS:
    return f_customers;
  case K_REQUIREMENT:
    return f_requirement;
  case K_QUESTIONNAIRE:
    return f_questionnaire;
  case K_QUESTION:
    return f_question;
  case K_PLAN:
    return f_plan;
  case K_CYCLE:
    return f_cycle;
  case K_SAMPLE:
    return f_sample;
  case K_COMPLAINT_CATEGORY:
    return f_complaint_category;
  case K_AUDIT:
    return f_audit;
  case K_STANDARD:
    return f_standard;
  case K_PROMISE:
    return f_promise;
  case K_CONTACT:
    return f_contact;
  case K_THANKS:
    return f_thanks;
  case K_MESSAGE:
    return f_message;
  case K_ALERT:
    return f_alert;
  default:
    return NULL;
  }
}

static const char *type_text(ftype t)
{
  switch (t) {
  case T_STR:
    return "a string";
  case T_NUM:
    return "a number";
  case T_INT:
    return "an integer";
  case T_BOOL:
    return "true or false";
  case T_I18N:
    return "a string or a table of translations ({ es = ..., "
           "en = ... })";
  case T_FUNC:
    return "a function or a rule string (\"mean:R1 < target\")";
  case T_STRLIST:
    return "a list of strings ({ \"...\", \"...\" })";
  case T_RECORD:
    return "a table";
  case T_RECORDS:
    return "a list of tables";
  case T_MAP:
    return "a table of names to strings ({ key = \"value\" })";
  case T_CHOICES:
    return "a list of option codes ({ \"a\", \"b\" }) or of { code = "
           "\"a\", label = ..., anchor = true } tables";
  case T_NUMMAP:
    return "a table of names to numbers ({ key = 1.5 })";
  case T_BOOLSTR:
    return "true, false or a string";
  }
  return "?";
}

/* What is being validated, for messages: requirement "R1". */
typedef struct where_ {
  const char *what;
  const char *file;
  int line;
} where_;

static void validate_table(lua_State *L, mj_dsl_ctx *c, int t,
                           const mj_field *schema, const where_ *w,
                           int positional);

/* An i18n value: a string, or a non-empty table of strings by string. */
static int i18n_ok(lua_State *L, int v)
{
  if (lua_type(L, v) == LUA_TSTRING)
    return 1;
  if (lua_type(L, v) != LUA_TTABLE)
    return 0;
  int good = 1, any = 0;
  lua_pushnil(L);
  while (lua_next(L, v)) {
    any = 1;
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
      good = 0;
    lua_pop(L, 1);
  }
  return good && any;
}

/* choices: a non-empty list; items are codes or { code =, label = }. */
static int choices_ok(lua_State *L, int v)
{
  lua_Integer n = (lua_Integer)lua_rawlen(L, v), k = 0;
  int good = n > 0, top = lua_gettop(L);
  lua_pushnil(L);
  while (good && lua_next(L, v)) { /* k item */
    k++;
    if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
        lua_tointeger(L, -2) > n)
      good = 0;
    else if (lua_type(L, -1) == LUA_TTABLE) {
      int it = lua_gettop(L);
      lua_pushnil(L);
      while (good && lua_next(L, it)) { /* k item key val */
        const char *key =
            lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        if (strcmp(key, "code") == 0)
          good = lua_type(L, -1) == LUA_TSTRING;
        else if (strcmp(key, "label") == 0)
          good = i18n_ok(L, lua_gettop(L));
        else if (strcmp(key, "anchor") == 0)
          good = lua_type(L, -1) == LUA_TBOOLEAN;
        else
          good = 0;
        lua_pop(L, 1);
      }
      if (good) {
        lua_getfield(L, it, "code");
        good = lua_type(L, -1) == LUA_TSTRING;
        lua_pop(L, 1);
      }
    } else if (lua_type(L, -1) != LUA_TSTRING)
      good = 0;
    lua_pop(L, 1);
  }
  lua_settop(L, top); /* a loop left early keeps its key on the stack */
  return good && k == n;
}

static void check_value(lua_State *L, mj_dsl_ctx *c, int v, const mj_field *f,
                        const where_ *w)
{
  int lt = lua_type(L, v);
  int good = 0;
  switch (f->type) {
  case T_STR:
    good = lt == LUA_TSTRING;
    break;
  case T_NUM:
    good = lt == LUA_TNUMBER && isfinite(lua_tonumber(L, v));
    break;
  case T_INT: {
    lua_Number n = lua_tonumber(L, v);
    good = lt == LUA_TNUMBER && isfinite(n) && n == floor(n) &&
           fabs(n) < 2147483647.0;
    break;
  }
  case T_BOOL:
    good = lt == LUA_TBOOLEAN;
    break;
  case T_BOOLSTR:
    good = lt == LUA_TBOOLEAN || lt == LUA_TSTRING;
    break;
  case T_FUNC: /* `when`: a function, or a declarative rule */
    good = lt == LUA_TFUNCTION || lt == LUA_TSTRING;
    break;
  case T_I18N:
  case T_MAP:
    if (lt == LUA_TSTRING)
      good = f->type == T_I18N;
    else if (lt == LUA_TTABLE) {
      good = 1;
      int any = 0;
      lua_pushnil(L);
      while (lua_next(L, v)) {
        any = 1;
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
          good = 0;
        lua_pop(L, 1);
      }
      good = good && any;
    }
    break;
  case T_STRLIST:
    if (lt == LUA_TTABLE) {
      good = 1;
      lua_Integer n = (lua_Integer)lua_rawlen(L, v), k = 0;
      lua_pushnil(L);
      while (lua_next(L, v)) {
        k++;
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
            lua_tointeger(L, -2) > n || lua_type(L, -1) != LUA_TSTRING)
          good = 0;
        lua_pop(L, 1);
      }
      good = good && k == n;
    }
    break;
  case T_RECORD:
  case T_RECORDS:
    good = lt == LUA_TTABLE;
    break;
  case T_CHOICES:
    good = lt == LUA_TTABLE && choices_ok(L, v);
    break;
  case T_NUMMAP:
    if (lt == LUA_TTABLE) {
      good = 1;
      lua_pushnil(L);
      while (lua_next(L, v)) {
        if (lua_type(L, -2) != LUA_TSTRING ||
            lua_type(L, -1) != LUA_TNUMBER || !isfinite(lua_tonumber(L, -1)))
          good = 0;
        lua_pop(L, 1);
      }
    }
    break;
  }
  int kl = KLINE(w->file, w->line, f->name);
  if (!good)
    fail(L, c, MJ_EVALIDATE, w->file, kl, "%s: '%s' must be %s, not %s",
         w->what, f->name, type_text(f->type),
         lt == LUA_TTABLE ? "a table of that shape" : lua_typename(L, lt));
  if (f->enums) {
    const char *s = lua_tostring(L, v);
    size_t i = 0;
    while (f->enums[i] && strcmp(f->enums[i], s) != 0)
      i++;
    if (!f->enums[i]) {
      char list[200] = "";
      for (size_t j = 0; f->enums[j]; j++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 j ? ", " : "", f->enums[j]);
      fail(L, c, MJ_EVALIDATE, w->file, kl, "%s: '%s' is \"%s\"; use one of %s",
           w->what, f->name, s, list);
    }
  }
  if (f->type == T_RECORD) {
    char what[300];
    snprintf(what, sizeof what, "%s, %s", w->what, f->name);
    where_ sw = {what, w->file, w->line};
    validate_table(L, c, v, f->sub, &sw, 0);
  } else if (f->type == T_RECORDS) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, v);
    for (lua_Integer i = 1; i <= n; i++) {
      char what[300];
      snprintf(what, sizeof what, "%s, %s item %lld", w->what, f->name,
               (long long)i);
      where_ sw = {what, w->file, w->line};
      if (lua_rawgeti(L, v, i) != LUA_TTABLE)
        fail(L, c, MJ_EVALIDATE, w->file, kl, "%s must be a table", what);
      validate_table(L, c, lua_gettop(L), f->sub, &sw, 0);
      lua_pop(L, 1);
    }
  }
}

static void validate_table(lua_State *L, mj_dsl_ctx *c, int t,
                           const mj_field *schema, const where_ *w,
                           int positional)
{
  t = lua_absindex(L, t);
  lua_pushnil(L);
  while (lua_next(L, t)) { /* key value */
    if (lua_type(L, -2) != LUA_TSTRING) {
      if (positional && lua_isinteger(L, -2)) {
        lua_pop(L, 1);
        continue;
      }
      fail(L, c, MJ_EVALIDATE, w->file, w->line,
           "%s: a value without a key (write key = value)", w->what);
    }
    const char *k = lua_tostring(L, -2);
    const mj_field *f = schema;
    while (f->name && strcmp(f->name, k) != 0)
      f++;
    if (!f->name) {
      const char *names[32];
      size_t n = 0;
      char list[300] = "";
      for (const mj_field *g = schema; g->name && n < 32; g++, n++) {
        names[n] = g->name;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 n ? ", " : "", g->name);
      }
      const char *best = mj__suggest(k, names, n);
      int kl = KLINE(w->file, w->line, k);
      if (best)
        fail(L, c, MJ_EVALIDATE, w->file, kl,
             "unknown key '%s' in %s (did you mean '%s'?)", k, w->what, best);
      fail(L, c, MJ_EVALIDATE, w->file, kl,
           "unknown key '%s' in %s (known keys: %s)", k, w->what, list);
    }
    check_value(L, c, lua_gettop(L), f, w);
    lua_pop(L, 1); /* key */
  }
  for (const mj_field *f = schema; f->name; f++) {
    if (!f->required)
      continue;
    lua_pushstring(L, f->name);
    int missing = lua_rawget(L, t) == LUA_TNIL;
    lua_pop(L, 1);
    if (missing)
      fail(L, c, MJ_EVALIDATE, w->file, w->line, "%s needs '%s' (%s)", w->what,
           f->name, f->description);
  }
}

/* ---- reading a declaration ----------------------------------------------- */

typedef struct dview {
  decl *d;
  const char *id;
  const char *file;
  int fields;     /* stack index of the fields table (empty if none) */
  char what[200]; /* requirement "R1" */
} dview;

/* Push id, file and fields of the decl at idx; pop with lua_pop(L, 3). */
static void view(lua_State *L, int idx, dview *v)
{
  idx = lua_absindex(L, idx);
  v->d = lua_touserdata(L, idx);
  lua_getiuservalue(L, idx, 2);
  v->id = lua_tostring(L, -1);
  lua_getiuservalue(L, idx, 3);
  v->file = lua_tostring(L, -1);
  if (lua_getiuservalue(L, idx, 1) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
  }
  v->fields = lua_gettop(L);
  if (v->d->kind == K_CONTACT && strcmp(v->id, "contact") == 0)
    snprintf(v->what, sizeof v->what, "contact"); /* written unnamed */
  else
    snprintf(v->what, sizeof v->what, "%s \"%s\"", kind_names[v->d->kind],
             v->id);
}

static int parse_qtype(const char *t, mj_qkind *kind, int *min, int *max)
{
  if (strcmp(t, "nps") == 0) {
    *kind = MJ_Q_NPS;
    *min = 0;
    *max = 10;
    return 1;
  }
  if (strcmp(t, "text") == 0) {
    *kind = MJ_Q_TEXT;
    *min = *max = 0;
    return 1;
  }
  /* CES 2.0: "made it easy for me", 1..7, a scale in all but name. */
  if (strcmp(t, "ces") == 0) {
    *kind = MJ_Q_SCALE;
    *min = 1;
    *max = 7;
    return 1;
  }
  static const struct {
    const char *name;
    mj_qkind kind;
    int min, max;
  } others[] = {{"choice", MJ_Q_CHOICE, 0, 0}, {"multi", MJ_Q_MULTI, 0, 0},
                {"yesno", MJ_Q_YESNO, 0, 1},   {"number", MJ_Q_NUMBER, 0, 0},
                {"date", MJ_Q_DATE, 0, 0},     {"points", MJ_Q_POINTS, 0, 0}};
  for (size_t i = 0; i < sizeof others / sizeof *others; i++)
    if (strcmp(t, others[i].name) == 0) {
      *kind = others[i].kind;
      *min = others[i].min;
      *max = others[i].max;
      return 1;
    }
  if (strncmp(t, "scale", 5) == 0 && t[5] >= '1' && t[5] <= '9') {
    char *end;
    long n = strtol(t + 5, &end, 10);
    if (*end || n < 2 || n > 11)
      return 0;
    *kind = MJ_Q_SCALE;
    *min = 1;
    *max = (int)n;
    return 1;
  }
  return 0;
}

static int parse_due(const char *s, int *days)
{
  char *end;
  long n = strtol(s, &end, 10);
  /* One unit letter after the number, then the end ("30" has none: end[1]
  ** would be past the string). */
  if (end == s || n < 0 || n > 36500 || *end == '\0' || end[1] != '\0')
    return 0;
  if (*end == 'd')
    *days = (int)n;
  else if (*end == 'w')
    *days = (int)n * 7;
  else
    return 0;
  return 1;
}

/* "hh:mm" at s into minutes after midnight; the end of it, or NULL. */
static const char *parse_hhmm(const char *s, int *minutes)
{
  if (!(s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
        s[2] == ':' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' &&
        s[4] <= '9'))
    return NULL;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  *minutes = h * 60 + (s[3] - '0') * 10 + (s[4] - '0');
  return h < 24 ? s + 5 : NULL;
}

/* "21:00-08:00": the window's two ends, which must differ. */
static int parse_quiet(const char *s, int *from, int *to)
{
  s = parse_hhmm(s, from);
  s = s && *s == '-' ? parse_hhmm(s + 1, to) : NULL;
  return s && !*s && *from != *to;
}

/* "2/7d": n messages in a window of hours (h), days (d) or weeks (w). */
static int parse_cap(const char *s, int *n, int64_t *window)
{
  char *end;
  long k = strtol(s, &end, 10);
  if (end == s || *end != '/' || k < 1 || k > 1000)
    return 0;
  s = end + 1;
  long w = strtol(s, &end, 10);
  if (end == s || w < 1 || w > 3660 || !*end || end[1])
    return 0;
  int64_t unit = *end == 'h' ? 3600 : *end == 'd' ? 86400
                 : *end == 'w' ? 7 * 86400 : 0;
  *n = (int)k;
  *window = unit * w;
  return unit != 0;
}

/* The zone a customer or the contact rules name exists on this system. */
static void check_tz(lua_State *L, mj_dsl_ctx *c, const dview *v)
{
  if (lua_getfield(L, v->fields, "tz") == LUA_TSTRING) {
    mj_tz *z = NULL;
    char why[300];
    if (mj__tz_open(NULL, lua_tostring(L, -1), &z, why, sizeof why) != MJ_OK)
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "tz"),
           "%s: %s", v->what, why);
    mj__tz_free(z);
  }
  lua_pop(L, 1);
}

/* An alert's due: N minutes, hours, days or weeks, in seconds (at most
** ten years). */
static int parse_due_secs(const char *s, int64_t *secs)
{
  char *end;
  long n = strtol(s, &end, 10);
  if (end == s || n <= 0 || n > 5256000 || end[0] == '\0' || end[1] != '\0')
    return 0;
  int64_t unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400
                 : *end == 'w' ? 604800 : 0;
  if (!unit || n * unit > (int64_t)3650 * 86400)
    return 0;
  *secs = n * unit;
  return 1;
}

static const char *const use_kinds[] = {"storage", "scorer", "notifier",
                                        "collector"};

/* Whether the question's fields have key (not nil). */
static int has_key(lua_State *L, int t, const char *key)
{
  int have = lua_getfield(L, t, key) != LUA_TNIL;
  lua_pop(L, 1);
  return have;
}

/*
** The keys each question type takes beyond the common ones, so that a
** `min` on a scale or `choices` on a number is an error, not silence.
*/
static void validate_question(lua_State *L, mj_dsl_ctx *c, const dview *v,
                              mj_qkind k, const char *ty)
{
  int t = v->fields;
  static const struct {
    const char *key;
    unsigned kinds; /* bit (1 << kind) */
    const char *which;
  } only[] = {
      {"labels", 1u << MJ_Q_SCALE, "scale questions"},
      {"choices", 1u << MJ_Q_CHOICE | 1u << MJ_Q_MULTI, "choice and multi"},
      {"other", 1u << MJ_Q_CHOICE | 1u << MJ_Q_MULTI, "choice and multi"},
      {"randomize", 1u << MJ_Q_CHOICE | 1u << MJ_Q_MULTI, "choice and multi"},
      {"min", 1u << MJ_Q_NUMBER, "number questions"},
      {"max", 1u << MJ_Q_NUMBER, "number questions"},
      {"integer", 1u << MJ_Q_NUMBER, "number questions"},
      {"group", 1u << MJ_Q_POINTS, "points questions"},
      {"total", 1u << MJ_Q_POINTS, "points questions"},
      {"max_len", 1u << MJ_Q_TEXT | 1u << MJ_Q_CHOICE | 1u << MJ_Q_MULTI,
       "text, choice and multi"},
  };
  for (size_t i = 0; i < sizeof only / sizeof *only; i++)
    if (!(only[i].kinds & (1u << k)) && has_key(L, t, only[i].key))
      fail(L, c, MJ_EVALIDATE, v->file,
           KLINE(v->file, v->d->line, only[i].key),
           "%s: '%s' is for %s only, and this is \"%s\"", v->what,
           only[i].key, only[i].which, ty);
  if ((k == MJ_Q_CHOICE || k == MJ_Q_MULTI) && !has_key(L, t, "choices"))
    fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
         "%s: a \"%s\" question needs choices = { \"code\", ... }", v->what,
         ty);
  if (k == MJ_Q_POINTS && (!has_key(L, t, "group") || !has_key(L, t, "total")))
    fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
         "%s: a \"points\" question needs group = \"NAME\" and total = N "
         "(e.g. total = 100): the group's answers must add up to it",
         v->what);
  double lo = 0, hi = 0;
  if (lua_getfield(L, t, "total") == LUA_TNUMBER && !(lua_tonumber(L, -1) > 0))
    fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "total"),
         "%s: total must be more than 0", v->what);
  lua_pop(L, 1);
  int hlo = lua_getfield(L, t, "min") == LUA_TNUMBER;
  lo = lua_tonumber(L, -1);
  int hhi = lua_getfield(L, t, "max") == LUA_TNUMBER;
  hi = lua_tonumber(L, -1);
  lua_pop(L, 2);
  if (hlo && hhi && lo > hi)
    fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "min"),
         "%s: min %g is more than max %g", v->what, lo, hi);
  if (lua_getfield(L, t, "max_len") != LUA_TNIL && lua_tonumber(L, -1) < 1)
    fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "max_len"),
         "%s: max_len must be at least 1", v->what);
  lua_pop(L, 1);

  if (lua_getfield(L, t, "choices") == LUA_TTABLE) { /* choices */
    int ch = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, ch);
    int kl = KLINE(v->file, v->d->line, "choices");
    for (lua_Integer i = 1; i <= n; i++) {
      if (lua_rawgeti(L, ch, i) == LUA_TTABLE) /* choices item */
        lua_getfield(L, -1, "code");
      else
        lua_pushvalue(L, -1); /* choices item code */
      const char *code = lua_tostring(L, -1);
      size_t len = strlen(code);
      if (len == 0 || strchr(code, ';') || strchr(code, ':') ||
          isspace((unsigned char)code[0]) ||
          isspace((unsigned char)code[len - 1]))
        fail(L, c, MJ_EVALIDATE, v->file, kl,
             "%s: option %lld, \"%s\", is not a usable code (no ';' or ':', "
             "no blanks at the ends, not empty)",
             v->what, (long long)i, code);
      if (strcasecmp(code, "other") == 0)
        fail(L, c, MJ_EVALIDATE, v->file, kl,
             "%s: \"other\" is not an option code; write other = true to "
             "accept \"other:TEXT\"",
             v->what);
      for (lua_Integer j = 1; j < i; j++) {
        if (lua_rawgeti(L, ch, j) == LUA_TTABLE) /* ... code prev */
          lua_getfield(L, -1, "code");
        else
          lua_pushvalue(L, -1);
        if (strcasecmp(lua_tostring(L, -1), code) == 0)
          fail(L, c, MJ_EVALIDATE, v->file, kl,
               "%s: option \"%s\" is listed twice (options %lld and %lld)",
               v->what, code, (long long)j, (long long)i);
        lua_pop(L, 2);
      }
      lua_pop(L, 2); /* choices */
    }
  }
  lua_pop(L, 1);

  if (lua_getfield(L, t, "constraint") == LUA_TTABLE) {
    int ct = lua_gettop(L);
    int kl = KLINE(v->file, v->d->line, "constraint");
    int range = has_key(L, ct, "min") || has_key(L, ct, "max");
    if (!range && !has_key(L, ct, "expr"))
      fail(L, c, MJ_EVALIDATE, v->file, kl,
           "%s: a constraint needs min, max or expr (e.g. constraint = { "
           "max = 120, message = \"...\" })",
           v->what);
    if (range && (k == MJ_Q_TEXT || k == MJ_Q_CHOICE || k == MJ_Q_MULTI ||
                  k == MJ_Q_DATE))
      fail(L, c, MJ_EVALIDATE, v->file, kl,
           "%s: constraint min/max bound numbers; for \"%s\" write expr "
           "(e.g. expr = \". >= '2024-01-01'\")%s",
           v->what, ty, k == MJ_Q_TEXT ? " or use max_len" : "");
  }
  lua_pop(L, 1);
}

/* A message's text (a string or translations, at index v) uses only
** known placeholders: an unknown one is an error here, at load, not a
** blank in a customer's mail. */
static void check_placeholders(lua_State *L, mj_dsl_ctx *c, const dview *v,
                               const char *key, int val)
{
  char bad[64];
  int line = KLINE(v->file, v->d->line, key);
  if (lua_type(L, val) == LUA_TSTRING) {
    if (mj__message_unknown(lua_tostring(L, val), bad, sizeof bad))
      fail(L, c, MJ_EVALIDATE, v->file, line,
           "%s: %s has the unknown placeholder {%s}; use {customer.name}, "
           "{customer.id}, {customer.email}, {customer.segment}, "
           "{customer.lang}, {customer.channel}, {link}, {unsubscribe}, "
           "{questionnaire} or {token}",
           v->what, key, bad);
    return;
  }
  lua_pushnil(L);
  while (lua_next(L, val)) { /* lang text */
    check_placeholders(L, c, v, key, lua_gettop(L));
    lua_pop(L, 1);
  }
}

/* A sample's link: "...{token}...", and no other placeholder. */
static void check_link(lua_State *L, mj_dsl_ctx *c, const dview *v,
                       const char *key)
{
  if (lua_getfield(L, v->fields, key) == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1), *tok = strstr(s, "{token}");
    const char *other = strchr(s, '{');
    if (!tok || (other && other != tok) ||
        strchr(tok + 1, '{'))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, key),
           "%s: %s \"%s\" needs the invitation's token once, as {token} "
           "(e.g. \"https://survey.example/a/{token}\")",
           v->what, key, s);
  }
  lua_pop(L, 1);
}

/* Checks beyond the schema, one kind at a time. */
static void validate_decl(lua_State *L, mj_dsl_ctx *c, const dview *v)
{
  int t = v->fields;
  where_ w = {v->what, v->file, v->d->line};
  const mj_field *schema = schema_of(v->d->kind);
  if (schema)
    validate_table(L, c, t, schema, &w, v->d->kind == K_QUESTIONNAIRE);
  switch (v->d->kind) {
  case K_QUESTION: {
    lua_getfield(L, t, "type");
    const char *ty = lua_tostring(L, -1);
    mj_qkind k;
    int lo, hi;
    if (!parse_qtype(ty, &k, &lo, &hi))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "type"),
           "%s: type \"%s\" is not a question type; use " QTYPES, v->what,
           ty);
    lua_pop(L, 1);
    validate_question(L, c, v, k, ty);
    break;
  }
  case K_QUESTIONNAIRE: {
    static const char *const positive[] = {"minutes", "expire_days"};
    for (size_t i = 0; i < 2; i++) {
      if (lua_getfield(L, t, positive[i]) != LUA_TNIL &&
          lua_tointeger(L, -1) < 1)
        fail(L, c, MJ_EVALIDATE, v->file,
             KLINE(v->file, v->d->line, positive[i]),
             "%s: %s must be at least 1", v->what, positive[i]);
      lua_pop(L, 1);
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, t), k = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
      if (lua_isinteger(L, -2))
        k++;
      lua_pop(L, 1);
    }
    if (k != n)
      fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
           "%s: questions must form a list without gaps", v->what);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, t, i);
      /* A template's list of questions is spliced in where it stands. */
      lua_Integer m = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
      if (lua_istable(L, -1) && m == 0) {
        lua_pushnil(L);
        if (lua_next(L, -2)) /* a table that is not a list */
          fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
               "%s: item %lld is a table with keys, not a list of questions",
               v->what, (long long)i);
      }
      for (lua_Integer j = lua_istable(L, -1) ? 1 : 0; j <= m; j++) {
        if (j)
          lua_rawgeti(L, -1, j);
        decl *q = luaL_testudata(L, -1, DECL_MT);
        if (!q || q->kind != K_QUESTION || (j == 0 && lua_istable(L, -1)))
          fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
               "%s: item %lld%s is %s, not a question; write question "
               "\"ID\" { type = ... } (or a template's list of questions)",
               v->what, (long long)i, j ? " of a list" : "",
               q ? kind_names[q->kind] : luaL_typename(L, -1));
        if (j)
          lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    break;
  }
  case K_PLAN: {
    if (lua_getfield(L, t, "due") == LUA_TSTRING) {
      int days;
      if (!parse_due(lua_tostring(L, -1), &days))
        fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "due"),
             "%s: due \"%s\" is not a duration; write \"30d\" (days) or "
             "\"4w\" (weeks)",
             v->what, lua_tostring(L, -1));
    }
    lua_pop(L, 1);
    if (lua_getfield(L, t, "due_soon") == LUA_TSTRING) {
      int days;
      if (!parse_due(lua_tostring(L, -1), &days))
        fail(L, c, MJ_EVALIDATE, v->file,
             KLINE(v->file, v->d->line, "due_soon"),
             "%s: due_soon \"%s\" is not a duration; write \"3d\" (days) "
             "or \"1w\" (weeks)",
             v->what, lua_tostring(L, -1));
    }
    lua_pop(L, 1);
    if (lua_getfield(L, t, "verify") == LUA_TTABLE) {
      if (lua_getfield(L, -1, "alpha") == LUA_TNUMBER) {
        lua_Number a = lua_tonumber(L, -1);
        if (!(a > 0 && a < 1))
          fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "alpha"),
               "%s: verify alpha must be between 0 and 1 (e.g. 0.05)", v->what);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    break;
  }
  case K_AUDIT:
    validate_audit(L, c, t, v->what, v->file, v->d->line);
    break;
  case K_THANKS:
  case K_COMPLAINT_CATEGORY: {
    static const char *const spans[] = {"limit", "promoters_within",
                                        "not_within", NULL};
    for (size_t k = 0; spans[k]; k++) {
      int days;
      if (lua_getfield(L, t, spans[k]) == LUA_TSTRING &&
          !parse_due(lua_tostring(L, -1), &days))
        fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, spans[k]),
             "%s: %s \"%s\" is not a duration; write \"5d\" (days) or "
             "\"2w\" (weeks)",
             v->what, spans[k], lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    if (lua_getfield(L, t, "count") == LUA_TNUMBER &&
        (lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 100))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "count"),
           "%s: count %lld is out of range; use 1 to 100 (e.g. 3)", v->what,
           (long long)lua_tointeger(L, -1));
    lua_pop(L, 1);
    break;
  }
  case K_ALERT: {
    int64_t secs;
    if (lua_getfield(L, t, "due") == LUA_TSTRING &&
        !parse_due_secs(lua_tostring(L, -1), &secs))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "due"),
           "%s: due \"%s\" is not a duration; write \"90m\", \"24h\", "
           "\"2d\" or \"1w\"",
           v->what, lua_tostring(L, -1));
    lua_pop(L, 1);
    break;
  }
  case K_STANDARD:
  case K_PROMISE: {
    lua_getfield(L, t, "indicator");
    const char *ind = lua_tostring(L, -1);
    mj_metric_ref ref; /* the parser plans and triggers use (metric_ref.c) */
    if (!mj__metric_parse(ind, &ref))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "indicator"),
           "%s: indicator \"%s\" is not SCORER.METRIC[:SUBJECT][@SEGMENT] "
           "(e.g. \"audit.compliance:answer_time\")",
           v->what, ind);
    lua_pop(L, 1);
    break;
  }
  case K_SAMPLE: {
    int has_size = has_key(L, t, "size"), has_margin = has_key(L, t, "margin");
    if (has_size == has_margin)
      fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
           "%s: give either size = N or margin = E (e.g. margin = 0.05), "
           "not %s",
           v->what, has_size ? "both" : "neither");
    static const struct {
      const char *key;
      double lo, hi;
      int lo_open, hi_open;
      const char *hint;
    } ranges[] = {
        {"size", 1, 1e9, 0, 0, "at least 1"},
        {"margin", 0, 1, 1, 1, "between 0 and 1, e.g. 0.05"},
        {"confidence", 0, 1, 1, 1, "between 0 and 1, e.g. 0.95"},
        {"p", 0, 1, 0, 0, "between 0 and 1 (0.5 when unknown)"},
        {"response_rate", 0, 1, 1, 0, "above 0 and at most 1, e.g. 0.3"},
        {"fatigue_days", 0, 36500, 0, 0, "0 or more days"},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++) {
      if (lua_getfield(L, t, ranges[i].key) == LUA_TNUMBER) {
        lua_Number x = lua_tonumber(L, -1);
        if (x < ranges[i].lo || x > ranges[i].hi ||
            (ranges[i].lo_open && x == ranges[i].lo) ||
            (ranges[i].hi_open && x == ranges[i].hi))
          fail(L, c, MJ_EVALIDATE, v->file,
               KLINE(v->file, v->d->line, ranges[i].key),
               "%s: %s must be %s, not %g", v->what, ranges[i].key,
               ranges[i].hint, (double)x);
      }
      lua_pop(L, 1);
    }
    lua_getfield(L, t, "method");
    int strat = lua_isstring(L, -1) && !strcmp(lua_tostring(L, -1),
                                               "stratified");
    lua_getfield(L, t, "allocation");
    int neyman = lua_isstring(L, -1) && !strcmp(lua_tostring(L, -1), "neyman");
    lua_pop(L, 2);
    if (has_key(L, t, "allocation") && !strat)
      fail(L, c, MJ_EVALIDATE, v->file,
           KLINE(v->file, v->d->line, "allocation"),
           "%s: allocation applies to method = \"stratified\" only", v->what);
    if (neyman != has_key(L, t, "sd"))
      fail(L, c, MJ_EVALIDATE, v->file,
           KLINE(v->file, v->d->line, neyman ? "allocation" : "sd"),
           "%s: %s", v->what,
           neyman ? "Neyman allocation needs sd = { SEGMENT = S_h, ... }, "
                    "the expected standard deviation in each segment"
                  : "sd is only used by allocation = \"neyman\"");
    if (lua_getfield(L, t, "sd") == LUA_TTABLE) {
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        if (lua_type(L, -1) == LUA_TNUMBER && !(lua_tonumber(L, -1) >= 0))
          fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "sd"),
               "%s: sd of segment '%s' cannot be negative", v->what,
               lua_tostring(L, -2));
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    check_link(L, c, v, "link");
    check_link(L, c, v, "unsubscribe");
    int sends = has_key(L, t, "send");
    if (sends && (!has_key(L, t, "link") || !has_key(L, t, "unsubscribe")))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "send"),
           "%s: sending invitations needs link = \"...{token}\" (where to "
           "answer) and unsubscribe = \"...{token}\" (every customer "
           "message carries one)",
           v->what);
    if (lua_getfield(L, t, "remind_after") == LUA_TSTRING) {
      int days;
      if (!parse_due(lua_tostring(L, -1), &days) || days < 1)
        fail(L, c, MJ_EVALIDATE, v->file,
             KLINE(v->file, v->d->line, "remind_after"),
             "%s: remind_after \"%s\" is not a duration; write \"7d\" "
             "(days) or \"1w\" (weeks)",
             v->what, lua_tostring(L, -1));
      if (!sends)
        fail(L, c, MJ_EVALIDATE, v->file,
             KLINE(v->file, v->d->line, "remind_after"),
             "%s: a reminder needs send = { email = \"NOTIFIER\" }, the "
             "notifier that sends the invitations",
             v->what);
    }
    lua_pop(L, 1);
    break;
  }
  case K_MESSAGE: {
    size_t i = 0;
    while (mj__message_ids[i] && strcmp(mj__message_ids[i], v->id))
      i++;
    if (!mj__message_ids[i])
      fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
           "%s: mejora sends no message of that name; declare "
           "message \"invitation\" or message \"reminder\"",
           v->what);
    static const char *const keys[] = {"subject", "text", "html"};
    for (size_t k = 0; k < 3; k++) {
      if (lua_getfield(L, t, keys[k]) != LUA_TNIL)
        check_placeholders(L, c, v, keys[k], lua_gettop(L));
      lua_pop(L, 1);
    }
    break;
  }
  case K_CYCLE:
    if (lua_getfield(L, t, "min_n") != LUA_TNIL && lua_tonumber(L, -1) < 0)
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "min_n"),
           "%s: min_n cannot be negative", v->what);
    lua_pop(L, 1);
    if (lua_getfield(L, t, "comments") != LUA_TNIL &&
        lua_tonumber(L, -1) < 0)
      fail(L, c, MJ_EVALIDATE, v->file,
           KLINE(v->file, v->d->line, "comments"),
           "%s: comments cannot be negative", v->what);
    lua_pop(L, 1);
    if (lua_getfield(L, t, "period") == LUA_TTABLE) {
      int64_t from = 0, to = 0;
      lua_getfield(L, -1, "from");
      lua_getfield(L, -2, "to");
      if (!mj__parse_time(lua_tostring(L, -2), &from) ||
          !mj__parse_time(lua_tostring(L, -1), &to) || from >= to)
        fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "period"),
             "%s: period needs dates from < to, like { from = \"2026-11-01\", "
             "to = \"2026-12-01\" }",
             v->what);
      lua_pop(L, 2);
    }
    lua_pop(L, 1);
    break;
  case K_CUSTOMER: {
    if (lua_getfield(L, t, "consent") == LUA_TSTRING &&
        !mj__channel_list_ok(lua_tostring(L, -1)))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "consent"),
           "%s: consent \"%s\" is not a list of channels; write true, "
           "false or the channels, e.g. \"email,sms\"",
           v->what, lua_tostring(L, -1));
    lua_pop(L, 1);
    static const char *const keys[] = {"since", "until"};
    for (int i = 0; i < 2; i++) {
      int64_t when;
      if (lua_getfield(L, t, keys[i]) == LUA_TSTRING &&
          !mj__parse_time(lua_tostring(L, -1), &when))
        fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, keys[i]),
             "%s: %s '%s' is not a date like \"2024-03-01\"", v->what,
             keys[i], lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    check_tz(L, c, v);
    break;
  }
  case K_CONTACT: {
    int from, to, n;
    int64_t window;
    if (lua_getfield(L, t, "quiet_hours") == LUA_TSTRING &&
        !parse_quiet(lua_tostring(L, -1), &from, &to))
      fail(L, c, MJ_EVALIDATE, v->file,
           KLINE(v->file, v->d->line, "quiet_hours"),
           "%s: quiet_hours \"%s\" is not a window like \"21:00-08:00\" "
           "(from-to, 24-hour clock, local to each customer)",
           v->what, lua_tostring(L, -1));
    if (lua_getfield(L, t, "max") == LUA_TSTRING &&
        !parse_cap(lua_tostring(L, -1), &n, &window))
      fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, "max"),
           "%s: max \"%s\" is not a cap like \"2/7d\" (messages per "
           "hours h, days d or weeks w)",
           v->what, lua_tostring(L, -1));
    lua_pop(L, 2);
    check_tz(L, c, v);
    break;
  }
  case K_USE: {
    const char *dot = strchr(v->id, '.');
    size_t kn = dot ? (size_t)(dot - v->id) : 0, i = 0;
    while (i < 4 && !(strlen(use_kinds[i]) == kn &&
                      strncmp(use_kinds[i], v->id, kn) == 0))
      i++;
    if (!dot || !dot[1] || i == 4)
      fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
           "use \"%s\": name a plugin as KIND.NAME, KIND one of storage, "
           "scorer, notifier, collector (e.g. use \"notifier.log\")",
           v->id);
    lua_pushnil(L);
    while (lua_next(L, t)) {
      if (lua_type(L, -2) != LUA_TSTRING)
        fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
             "%s: a value without a key (write key = value)", v->what);
      int vt = lua_type(L, -1);
      const char *k = lua_tostring(L, -2);
      if (vt != LUA_TSTRING && vt != LUA_TNUMBER && vt != LUA_TBOOLEAN)
        fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, k),
             "%s: option '%s' must be a string, number or boolean, not %s",
             v->what, k, lua_typename(L, vt));
      if (strcmp(k, "as") == 0 && vt != LUA_TSTRING)
        fail(L, c, MJ_EVALIDATE, v->file, KLINE(v->file, v->d->line, k),
             "%s: 'as' (the instance name) must be a string", v->what);
      lua_pop(L, 1);
    }
    break;
  }
  default:
    break;
  }
}

/* ---- constructors -------------------------------------------------------- */

static void call_site(lua_State *L, const char **file, int *line)
{
  lua_Debug ar;
  *file = "?";
  *line = 0;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
    *file = mj__lua_srcname(ar.source);
    *line = ar.currentline;
  }
}

static int decl_call(lua_State *L);

/* requirement "R1" -> a declaration, recorded now, filled by its call. */
static int ctor(lua_State *L)
{
  int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
  const char *kn = kind_names[kind];
  mj_dsl_ctx *c = mj__lua_host(L)->dsl;
  const char *file;
  int line;
  call_site(L, &file, &line);
  if (!c)
    return luaL_error(L,
                      "%s: declarations are only allowed while the "
                      "playbook loads",
                      kn);
  /* contact { ... }: one a playbook, so it needs no name. */
  int unnamed = kind == K_CONTACT && lua_type(L, 1) == LUA_TTABLE;
  if (!unnamed && (lua_type(L, 1) != LUA_TSTRING || !*lua_tostring(L, 1)))
    fail(L, c, MJ_EVALIDATE, file, line, "%s needs a name first: %s \"NAME\"%s",
         kn, kn, kind == K_STORE || kind == K_CUSTOMERS ? "" : " { ... }");
  decl *d = lua_newuserdatauv(L, sizeof *d, 3); /* id ... d */
  d->kind = kind;
  d->line = line;
  d->filled = kind == K_STORE;
  d->used = 0;
  luaL_setmetatable(L, DECL_MT);
  if (unnamed)
    lua_pushstring(L, kn);
  else
    lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 2);
  lua_pushstring(L, file);
  lua_setiuservalue(L, -2, 3);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->list_ref); /* ... d list */
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1); /* ... d */
  if (unnamed) {
    lua_insert(L, 1); /* d t ... */
    return decl_call(L);
  }
  return d->filled ? 0 : 1;
}

/* requirement "R1" { ... }: the second call takes the fields. */
static int decl_call(lua_State *L)
{
  decl *d = luaL_checkudata(L, 1, DECL_MT);
  mj_dsl_ctx *c = mj__lua_host(L)->dsl;
  lua_settop(L, 2);
  dview v;
  view(L, 1, &v); /* d t id file fields */
  if (!c)
    return luaL_error(L,
                      "%s: declarations are only allowed while the "
                      "playbook loads",
                      v.what);
  if (d->filled)
    fail(L, c, MJ_EVALIDATE, v.file, d->line, "%s already has its fields",
         v.what);
  if (lua_type(L, 2) != LUA_TTABLE)
    fail(L, c, MJ_EVALIDATE, v.file, d->line,
         "%s takes a table of fields, not %s: %s { key = value, ... }", v.what,
         luaL_typename(L, 2), v.what);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, 1, 1);
  d->filled = 1;
  lua_pop(L, 3);
  view(L, 1, &v);
  validate_decl(L, c, &v);
  lua_settop(L, 1);
  return 1;
}

static int decl_tostring(lua_State *L)
{
  decl *d = luaL_checkudata(L, 1, DECL_MT);
  lua_getiuservalue(L, 1, 2);
  lua_pushfstring(L, "%s \"%s\"", kind_names[d->kind], lua_tostring(L, -1));
  return 1;
}

void mj__dsl_register(lua_State *L)
{
  int env = lua_gettop(L);
  if (luaL_newmetatable(L, DECL_MT)) { /* env mt */
    lua_pushcfunction(L, decl_call);
    lua_setfield(L, -2, "__call");
    lua_pushcfunction(L, decl_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "mejora declaration");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1); /* env */
  for (int k = 1; k < K__N; k++) {
    lua_pushinteger(L, k);
    lua_pushcclosure(L, ctor, 1);
    lua_setfield(L, env, kind_names[k]);
  }
}

/* ---- build: declarations -> model ---------------------------------------- */

static const char *get_str(lua_State *L, mj_dsl_ctx *c, int t, const char *k)
{
  lua_getfield(L, t, k);
  const char *s =
      lua_type(L, -1) == LUA_TSTRING ? astr(L, c, lua_tostring(L, -1)) : NULL;
  lua_pop(L, 1);
  return s;
}

static int get_num(lua_State *L, int t, const char *k, double *out)
{
  lua_getfield(L, t, k);
  int have = lua_type(L, -1) == LUA_TNUMBER;
  if (have)
    *out = (double)lua_tonumber(L, -1);
  lua_pop(L, 1);
  return have;
}

/* A number to compare against (key) with its `compare` (">=" when not
** given), as text like ">= 90" and parsed: a standard's target, a
** promise's promised value. */
static const char *get_threshold(lua_State *L, mj_dsl_ctx *c, int t,
                                 const char *key, mj_cmp *cmp, double *v)
{
  get_num(L, t, key, v);
  const char *op = get_str(L, c, t, "compare");
  char buf[80];
  snprintf(buf, sizeof buf, "%s %.15g", op ? op : ">=", *v);
  parse_cmp(buf, cmp, v);
  return astr(L, c, buf);
}

static int get_bool(lua_State *L, int t, const char *k, int def)
{
  lua_getfield(L, t, k);
  int v = lua_isnil(L, -1) ? def : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static int cmp_text(const void *a, const void *b)
{
  const mj_text *x = a, *y = b;
  return strcmp(x->lang, y->lang);
}

static void get_i18n(lua_State *L, mj_dsl_ctx *c, int t, const char *k,
                     mj_i18n *out)
{
  out->items = NULL;
  out->n = 0;
  int ty = lua_getfield(L, t, k);
  if (ty == LUA_TSTRING) {
    out->items = aalloc(L, c, sizeof *out->items);
    out->items[0].text = astr(L, c, lua_tostring(L, -1));
    out->n = 1;
  } else if (ty == LUA_TTABLE) {
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      n++;
      lua_pop(L, 1);
    }
    out->items = aalloc(L, c, n * sizeof *out->items);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      out->items[out->n].lang = astr(L, c, lua_tostring(L, -2));
      out->items[out->n++].text = astr(L, c, lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    /* Table order is arbitrary: sort so every run sees the same model. */
    qsort(out->items, out->n, sizeof *out->items, cmp_text);
  }
  lua_pop(L, 1);
}

static int cmp_tag(const void *a, const void *b)
{
  const mj_tag *x = a, *y = b;
  return strcmp(x->key, y->key);
}

/* A T_MAP field (validated: string keys and values), sorted by key. */
static mj_tag *get_tags(lua_State *L, mj_dsl_ctx *c, int t, const char *k,
                        size_t *n)
{
  *n = 0;
  if (lua_getfield(L, t, k) != LUA_TTABLE) {
    lua_pop(L, 1);
    return NULL;
  }
  size_t len = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    len++;
    lua_pop(L, 1);
  }
  mj_tag *v = aalloc(L, c, len * sizeof *v);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    v[*n].key = astr(L, c, lua_tostring(L, -2));
    v[(*n)++].value = astr(L, c, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  qsort(v, *n, sizeof *v, cmp_tag);
  lua_pop(L, 1);
  return v;
}

static const char **get_strlist(lua_State *L, mj_dsl_ctx *c, int t,
                                const char *k, size_t *n)
{
  *n = 0;
  if (lua_getfield(L, t, k) != LUA_TTABLE) {
    lua_pop(L, 1);
    return NULL;
  }
  size_t len = lua_rawlen(L, -1);
  const char **v = aalloc(L, c, len * sizeof *v);
  for (size_t i = 0; i < len; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    v[i] = astr(L, c, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  *n = len;
  return v;
}

static void push_labels(lua_State *L, mj_dsl_ctx *c, const dview *q);

/* A checked label set's texts into q->label_texts, one per point, each
** with the languages the set has (sorted, as mj__i18n_get expects). */
static void get_label_texts(lua_State *L, mj_dsl_ctx *c, const dview *v,
                            mj_question *q)
{
  size_t points = (size_t)(q->max - q->min + 1), langs = 0;
  push_labels(L, c, v);          /* sets */
  lua_getfield(L, -1, q->labels); /* sets set */
  lua_pushnil(L);
  while (lua_next(L, -2)) { /* sets set k v */
    langs += lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1) &&
             lua_rawlen(L, -1) == points;
    lua_pop(L, 1);
  }
  q->label_texts = aalloc(L, c, points * sizeof *q->label_texts);
  for (size_t i = 0; i < points; i++)
    q->label_texts[i].items =
        aalloc(L, c, (langs ? langs : 1) * sizeof(mj_text));
  lua_pushnil(L);
  while (lua_next(L, -2)) { /* sets set k v */
    if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1) &&
        lua_rawlen(L, -1) == points) {
      const char *lang = astr(L, c, lua_tostring(L, -2));
      for (size_t i = 0; i < points; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
          mj_i18n *t = &q->label_texts[i];
          t->items[t->n].lang = lang;
          t->items[t->n++].text = astr(L, c, lua_tostring(L, -1));
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  for (size_t i = 0; i < points; i++)
    qsort(q->label_texts[i].items, q->label_texts[i].n, sizeof(mj_text),
          cmp_text);
}

/* A table module of scripts/mejora (name "mejora.labels"), loaded on
** first need and kept in *ref; what says what its table holds. */
static void push_module(lua_State *L, mj_dsl_ctx *c, const dview *q,
                        const char *name, int *ref, const char *what)
{
  if (*ref != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
    return;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->env_ref);
  mj__sandbox_require(L, -1, name); /* env module */
  lua_remove(L, -2);
  if (!lua_istable(L, -1))
    fail(L, c, MJ_EVALIDATE, q->file, q->d->line,
         "%s: %s did not return a table of %s", q->what, name, what);
  lua_pushvalue(L, -1);
  *ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* The label sets of mejora.labels, loaded on first need. */
static void push_labels(lua_State *L, mj_dsl_ctx *c, const dview *q)
{
  push_module(L, c, q, "mejora.labels", &c->labels_ref, "label sets");
}

/*
** A question of a type with a standard wording (nps, ces: the table of
** mejora.wordings) declared without `text` is asked in that wording, in
** every language the module has: reports, interviews and exports then
** show it as if the playbook had written it.
*/
static void standard_wording(lua_State *L, mj_dsl_ctx *c, const dview *q,
                             mj_question *mq)
{
  if (mq->text.n || !mq->type)
    return;
  push_module(L, c, q, "mejora.wordings", &c->wordings_ref, "wordings");
  if (lua_getfield(L, -1, mq->type) == LUA_TTABLE) /* wordings w */
    get_i18n(L, c, lua_gettop(L) - 1, mq->type, &mq->text);
  lua_pop(L, 2);
}

static void check_labels(lua_State *L, mj_dsl_ctx *c, const dview *q,
                         const mj_question *mq)
{
  push_labels(L, c, q); /* sets */
  int sets = lua_gettop(L);
  if (lua_getfield(L, sets, mq->labels) != LUA_TTABLE) {
    /* Name the valid sets, sorted, so the fix is one look away. */
    const char *names[64];
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, sets) && n < 64) {
      if (lua_type(L, -2) == LUA_TSTRING)
        names[n++] = lua_tostring(L, -2);
      lua_pop(L, 1);
    }
    for (size_t i = 1; i < n; i++)
      for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
        const char *s = names[j];
        names[j] = names[j - 1];
        names[j - 1] = s;
      }
    char list[400] = "";
    for (size_t i = 0; i < n; i++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
               i ? ", " : "", names[i]);
    const char *best = mj__suggest(mq->labels, names, n);
    fail(L, c, MJ_EVALIDATE, q->file, KLINE(q->file, q->d->line, "labels"),
         "%s: unknown label set '%s'%s%s%s (valid: %s)", q->what, mq->labels,
         best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "",
         list);
  }
  if (lua_getfield(L, -1, "points") == LUA_TNUMBER &&
      lua_tointeger(L, -1) != mq->max - mq->min + 1)
    fail(L, c, MJ_EVALIDATE, q->file, KLINE(q->file, q->d->line, "labels"),
         "%s: label set '%s' has %d points but the question is %s", q->what,
         mq->labels, (int)lua_tointeger(L, -1), mq->type);
  lua_pop(L, 3);
}

static mj_choice *get_choices(lua_State *L, mj_dsl_ctx *c, int t, size_t *n);

static void build_question(lua_State *L, mj_dsl_ctx *c, int qidx,
                           mj_question *q)
{
  dview v;
  view(L, qidx, &v);
  validate_decl(L, c, &v);
  v.d->used = 1;
  int t = v.fields;
  q->id = astr(L, c, v.id);
  q->type = get_str(L, c, t, "type");
  parse_qtype(q->type, &q->kind, &q->min, &q->max);
  q->labels = get_str(L, c, t, "labels");
  get_i18n(L, c, t, "text", &q->text);
  standard_wording(L, c, &v, q);
  q->measures = get_str(L, c, t, "measures");
  q->allow_na = get_bool(L, t, "allow_na", 0);
  q->required = get_bool(L, t, "required", 0);
  double d;
  q->max_len = get_num(L, t, "max_len", &d) ? (int)d : 0;
  q->ask_if = get_str(L, c, t, "ask_if");
  q->tags = get_tags(L, c, t, "tags", &q->n_tags);
  q->pos.file = astr(L, c, v.file);
  q->pos.line = v.d->line;
  if (q->labels) {
    check_labels(L, c, &v, q);
    get_label_texts(L, c, &v, q);
  }
  q->choices = get_choices(L, c, t, &q->n_choices);
  q->other = get_bool(L, t, "other", 0);
  q->randomize = get_bool(L, t, "randomize", 0);
  q->integer = get_bool(L, t, "integer", 0);
  q->group = get_str(L, c, t, "group");
  q->section = get_str(L, c, t, "section");
  if (q->kind == MJ_Q_NUMBER) {
    q->has_num_min = get_num(L, t, "min", &q->num_min);
    q->has_num_max = get_num(L, t, "max", &q->num_max);
    /* The int range is for display only: rounded outwards, clamped. */
    q->min = q->has_num_min ? (int)fmax(floor(q->num_min), -2e9) : 0;
    q->max = q->has_num_max ? (int)fmin(ceil(q->num_max), 2e9) : 0;
  } else if (q->kind == MJ_Q_POINTS) {
    get_num(L, t, "total", &q->total);
    q->num_min = 0;
    q->num_max = q->total;
    q->has_num_min = q->has_num_max = 1;
    q->max = (int)fmin(ceil(q->total), 2e9);
  }
  if (lua_getfield(L, t, "constraint") == LUA_TTABLE) {
    int ct = lua_gettop(L);
    q->has_cons_min = get_num(L, ct, "min", &q->cons_min);
    q->has_cons_max = get_num(L, ct, "max", &q->cons_max);
    q->cons_expr = get_str(L, c, ct, "expr");
    get_i18n(L, c, ct, "message", &q->cons_message);
  }
  lua_pop(L, 1);
  lua_pop(L, 3);
}

/* choices = { "a", { code = "b", label = { es = ..., en = ... } } } */
static mj_choice *get_choices(lua_State *L, mj_dsl_ctx *c, int t, size_t *n)
{
  *n = 0;
  if (lua_getfield(L, t, "choices") != LUA_TTABLE) {
    lua_pop(L, 1);
    return NULL;
  }
  size_t len = lua_rawlen(L, -1);
  mj_choice *v = aalloc(L, c, len * sizeof *v);
  for (size_t i = 0; i < len; i++) {
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TTABLE) { /* ch item */
      v[i].code = get_str(L, c, lua_gettop(L), "code");
      get_i18n(L, c, lua_gettop(L), "label", &v[i].label);
      v[i].anchor = get_bool(L, lua_gettop(L), "anchor", 0);
    } else {
      v[i].code = astr(L, c, lua_tostring(L, -1));
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  *n = len;
  return v;
}

/*
** What needs the whole questionnaire: ask_if and constraint expressions
** (they name earlier questions), and points groups agreeing on a total.
*/
static void link_questions(lua_State *L, mj_dsl_ctx *c, mj_questionnaire *qn)
{
  char why[400];
  for (size_t i = 0; i < qn->n_questions; i++) {
    mj_question *q = &qn->questions[i];
    const char *srcs[2] = {q->ask_if, q->cons_expr};
    const char *keys[2] = {"ask_if", "expr"};
    const mj_cond **outs[2] = {&q->ask_if_cond, &q->cons_cond};
    for (int k = 0; k < 2; k++) {
      if (!srcs[k])
        continue;
      int rc = mj__cond_compile(&c->m->arena, qn, i, k == 1, srcs[k], outs[k],
                                why, sizeof why);
      if (rc != MJ_OK)
        fail(L, c, rc, q->pos.file, KLINE(q->pos.file, q->pos.line, keys[k]),
             "question \"%s\": %s \"%s\": %s", q->id, keys[k], srcs[k], why);
    }
    if (q->kind != MJ_Q_POINTS)
      continue;
    for (size_t j = 0; j < i; j++) {
      const mj_question *p = &qn->questions[j];
      if (p->kind == MJ_Q_POINTS && strcmp(p->group, q->group) == 0 &&
          p->total != q->total)
        fail(L, c, MJ_EVALIDATE, q->pos.file,
             KLINE(q->pos.file, q->pos.line, "total"),
             "question \"%s\": group '%s' sums to %g here but to %g at "
             "question \"%s\" (%s:%d); give the group one total",
             q->id, q->group, q->total, p->total, p->id, p->pos.file,
             p->pos.line);
    }
  }
}

static void link_questions(lua_State *L, mj_dsl_ctx *c,
                           mj_questionnaire *qn);

static int cmp_sample_sd(const void *a, const void *b)
{
  const mj_sample_sd *x = a, *y = b;
  return strcmp(x->segment, y->segment);
}

/* complaint_category, audit and standard. */
static void build_service(lua_State *L, mj_dsl_ctx *c, const dview *v)
{
  mj_model *m = c->m;
  int t = v->fields;
  mj_pos pos = {astr(L, c, v->file), v->d->line};
  double num;
  switch (v->d->kind) {
  case K_COMPLAINT_CATEGORY: {
    mj_complaint_category *k =
        &m->complaint_categories[m->n_complaint_categories++];
    k->id = astr(L, c, v->id);
    get_i18n(L, c, t, "text", &k->text);
    k->owner = get_str(L, c, t, "owner");
    const char *limit = get_str(L, c, t, "limit");
    if (limit)
      parse_due(limit, &k->limit_days);
    k->pos = pos;
    break;
  }
  case K_THANKS: {
    mj_thanks *k = &m->thanks[m->n_thanks++];
    k->id = astr(L, c, v->id);
    k->owner = get_str(L, c, t, "owner");
    k->count = get_num(L, t, "count", &num) ? (int)num : 3;
    const char *within = get_str(L, c, t, "promoters_within");
    const char *not_within = get_str(L, c, t, "not_within");
    k->within_days = 30;
    k->not_within_days = 90;
    if (within)
      parse_due(within, &k->within_days);
    if (not_within)
      parse_due(not_within, &k->not_within_days);
    k->questions = get_strlist(L, c, t, "questions", &k->n_questions);
    k->pos = pos;
    break;
  }
  case K_STANDARD: {
    mj_standard *d = &m->standards[m->n_standards++];
    d->id = astr(L, c, v->id);
    get_i18n(L, c, t, "text", &d->text);
    d->indicator = get_str(L, c, t, "indicator");
    d->target = get_threshold(L, c, t, "target", &d->cmp, &d->target_value);
    d->pos = pos;
    break;
  }
  case K_ALERT: {
    mj_alert *a = &m->alerts[m->n_alerts++];
    a->id = astr(L, c, v->id);
    a->questionnaire = get_str(L, c, t, "questionnaire");
    a->when = get_str(L, c, t, "when");
    a->owner = get_str(L, c, t, "owner");
    a->escalate_to = get_str(L, c, t, "escalate_to");
    a->due = get_str(L, c, t, "due");
    parse_due_secs(a->due, &a->due_secs);
    get_i18n(L, c, t, "text", &a->text);
    a->pos = pos;
    break;
  }
  case K_PROMISE: {
    mj_promise *d = &m->promises[m->n_promises++];
    d->id = astr(L, c, v->id);
    get_i18n(L, c, t, "text", &d->text);
    d->indicator = get_str(L, c, t, "indicator");
    d->promised =
        get_threshold(L, c, t, "promised", &d->cmp, &d->promised_value);
    d->pos = pos;
    break;
  }
  case K_AUDIT: {
    mj_audit *a = &m->audits[m->n_audits++];
    a->id = astr(L, c, v->id);
    get_i18n(L, c, t, "scenario", &a->scenario);
    a->role = get_str(L, c, t, "role");
    a->fake_data = get_tags(L, c, t, "fake_data", &a->n_fake_data);
    a->verify = get_strlist(L, c, t, "verify", &a->n_verify);
    a->stimulus = get_strlist(L, c, t, "stimulus", &a->n_stimulus);
    const char *protocol = get_str(L, c, t, "protocol");
    size_t np = protocol ? sizeof phone_protocol / sizeof *phone_protocol : 0;
    size_t n = 0;
    if (lua_getfield(L, t, "criteria") == LUA_TTABLE)
      n = lua_rawlen(L, -1);
    a->criteria = aalloc(L, c, (n + np) * sizeof *a->criteria);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, -1, (lua_Integer)i + 1);
      int it = lua_gettop(L);
      mj_criterion *k = &a->criteria[a->n_criteria++];
      k->id = get_str(L, c, it, "id");
      const char *kind = get_str(L, c, it, "kind");
      k->kind = strcmp(kind, "objective") == 0    ? MJ_CRIT_OBJECTIVE
                : strcmp(kind, "subjective") == 0 ? MJ_CRIT_SUBJECTIVE
                                                  : MJ_CRIT_CHECK;
      get_i18n(L, c, it, "text", &k->text);
      k->target = get_str(L, c, it, "target");
      k->unit = get_str(L, c, it, "unit");
      k->scale = get_num(L, it, "scale", &num) ? (int)num : 5;
      if (k->kind == MJ_CRIT_CHECK) {
        k->cmp = MJ_CMP_EQ;
        k->target_value = 1;
      } else if (k->target) {
        parse_cmp(k->target, &k->cmp, &k->target_value);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* The checklist joins the declared criteria, which win by id. */
    for (size_t i = 0; i < np; i++) {
      size_t j = 0;
      while (j < n && strcmp(a->criteria[j].id, phone_protocol[i][0]) != 0)
        j++;
      if (j < n)
        continue;
      mj_criterion *k = &a->criteria[a->n_criteria++];
      memset(k, 0, sizeof *k);
      k->id = phone_protocol[i][0];
      k->kind = MJ_CRIT_CHECK;
      k->text.items = aalloc(L, c, sizeof *k->text.items);
      k->text.items[0].lang = NULL;
      k->text.items[0].text = phone_protocol[i][1];
      k->text.n = 1;
      k->cmp = MJ_CMP_EQ;
      k->target_value = 1;
    }
    a->pos = pos;
    break;
  }
  default:
    break;
  }
}

static void build_one(lua_State *L, mj_dsl_ctx *c, const dview *v,
                      size_t *counts)
{
  mj_model *m = c->m;
  int t = v->fields;
  mj_pos pos = {astr(L, c, v->file), v->d->line};
  double num;
  switch (v->d->kind) {
  case K_STORE:
    if (m->store)
      fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
           "a second store \"%s\" (the playbook already names \"%s\")", v->id,
           m->store);
    m->store = astr(L, c, v->id);
    m->store_pos = pos;
    break;
  case K_CUSTOMERS: {
    mj_customers_decl *f = &m->customer_files[m->n_customer_files++];
    f->path = astr(L, c, v->id);
    f->pos = pos;
    f->sep = get_str(L, c, t, "sep");
    f->encoding = get_str(L, c, t, "encoding");
    break;
  }
  case K_CONTACT: {
    if (m->contact)
      fail(L, c, MJ_EVALIDATE, v->file, v->d->line,
           "a second contact (the first is at %s:%d): a playbook has one",
           m->contact->pos.file, m->contact->pos.line);
    mj_contact *k = aalloc(L, c, sizeof *k);
    k->quiet_from = k->quiet_to = -1;
    const char *q = get_str(L, c, t, "quiet_hours");
    if (q)
      parse_quiet(q, &k->quiet_from, &k->quiet_to);
    const char *cap = get_str(L, c, t, "max");
    if (cap)
      parse_cap(cap, &k->max, &k->window);
    k->tz = get_str(L, c, t, "tz");
    k->pos = pos;
    m->contact = k;
    break;
  }
  case K_SEGMENT: {
    mj_segment *s = &m->segments[m->n_segments++];
    s->id = astr(L, c, v->id);
    get_i18n(L, c, t, "name", &s->name);
    s->pos = pos;
    break;
  }
  case K_CUSTOMER: {
    /* The values stay on the stack until the model has copied them. */
    static const char *const keys[] = {"segment", "name",    "lang",
                                       "channel", "email",   "tz",
                                       "consent", "since",   "until"};
    const char *str[9];
    for (int k = 0; k < 9; k++) {
      lua_getfield(L, t, keys[k]);
      str[k] = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    } /* ... segment name lang channel email tz consent since until */
    mj_customer u = {.id = v->id,
                     .segment = str[0],
                     .name = str[1],
                     .lang = str[2],
                     .channel = str[3],
                     .email = str[4],
                     .tz = str[5],
                     .pos = pos};
    /* consent = "email,sms": those channels only (the model normalises
    ** the list); a boolean, or nothing for yes. */
    u.consent_channels = str[6];
    u.consent = str[6] || lua_isnil(L, -3) ? 1 : lua_toboolean(L, -3);
    if (str[7])
      mj__parse_time(str[7], &u.since);
    if (str[8])
      mj__parse_time(str[8], &u.until);
    int rc = mj__customer_add(m, &u);
    lua_pop(L, 9); /* ... */
    if (rc == MJ_ELIMIT)
      fail(L, c, rc, v->file, v->d->line,
           "more customers than mejora keeps: their ids, names and e-mails "
           "pass 4 GiB, or their segments, languages, channels and time "
           "zones 65535 different values");
    if (rc != MJ_OK)
      oom(L, c);
    break;
  }
  case K_REQUIREMENT: {
    mj_requirement *r = &m->requirements[m->n_requirements++];
    r->id = astr(L, c, v->id);
    get_i18n(L, c, t, "text", &r->text);
    r->need = get_str(L, c, t, "need");
    r->dimension = get_str(L, c, t, "dimension");
    r->has_target = get_num(L, t, "target", &r->target);
    r->has_weight = get_num(L, t, "weight", &r->weight);
    r->pos = pos;
    break;
  }
  case K_QUESTIONNAIRE: {
    mj_questionnaire *q = &m->questionnaires[m->n_questionnaires++];
    q->id = astr(L, c, v->id);
    get_i18n(L, c, t, "title", &q->title);
    q->lang = get_str(L, c, t, "lang");
    get_i18n(L, c, t, "intro", &q->intro);
    q->minutes = get_num(L, t, "minutes", &num) ? (int)num : 0;
    q->anonymous = get_bool(L, t, "anonymous", 0);
    q->expire_days = get_num(L, t, "expire_days", &num) ? (int)num : 0;
    q->pos = pos;
    size_t n = lua_rawlen(L, t), total = 0;
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, t, (lua_Integer)i + 1);
      total += lua_istable(L, -1) ? lua_rawlen(L, -1) : 1;
      lua_pop(L, 1);
    }
    q->questions = aalloc(L, c, total * sizeof *q->questions);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, t, (lua_Integer)i + 1); /* item */
      if (lua_istable(L, -1)) {
        size_t k = lua_rawlen(L, -1);
        for (size_t j = 0; j < k; j++) {
          lua_rawgeti(L, -1, (lua_Integer)j + 1);
          build_question(L, c, -1, &q->questions[q->n_questions++]);
          lua_pop(L, 1);
        }
      } else {
        build_question(L, c, -1, &q->questions[q->n_questions++]);
      }
      lua_pop(L, 1);
    }
    link_questions(L, c, q);
    break;
  }
  case K_PLAN: {
    /* plans[] was sized and every when_ref set to LUA_NOREF up front, so a
    ** failure here leaves nothing to unref but what was taken. */
    mj_plan *p = &m->plans[counts[K_PLAN]++];
    p->id = astr(L, c, v->id);
    p->owner = get_str(L, c, t, "owner");
    p->escalate_to = get_str(L, c, t, "escalate_to");
    p->due = get_str(L, c, t, "due");
    if (p->due)
      parse_due(p->due, &p->due_days);
    const char *soon = get_str(L, c, t, "due_soon");
    p->due_soon_days = MJ_DUE_SOON_DAYS;
    if (soon)
      parse_due(soon, &p->due_soon_days);
    p->actions = get_strlist(L, c, t, "actions", &p->n_actions);
    if (lua_getfield(L, t, "verify") == LUA_TTABLE) {
      int vt = lua_gettop(L);
      p->verify_metric = get_str(L, c, vt, "metric");
      p->verify_line = KLINE(pos.file, pos.line, "metric");
      p->verify_test = get_str(L, c, vt, "test");
      p->verify_alpha = get_num(L, vt, "alpha", &num) ? num : 0.05;
    }
    lua_pop(L, 1);
    p->pos = pos;
    int wt = lua_getfield(L, t, "when");
    if (wt == LUA_TFUNCTION) {
      p->when_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
      /* A rule string: compiled by mj__rules_compile once all is linked. */
      if (wt == LUA_TSTRING) {
        p->when_text = astr(L, c, lua_tostring(L, -1));
        p->when_line = KLINE(pos.file, pos.line, "when");
      }
      lua_pop(L, 1);
    }
    break;
  }
  case K_CYCLE: {
    mj_cycle_decl *y = &m->cycles[m->n_cycles++];
    y->id = astr(L, c, v->id);
    y->pos = pos;
    if (lua_getfield(L, t, "import") == LUA_TTABLE) {
      size_t n = lua_rawlen(L, -1);
      y->imports = aalloc(L, c, n * sizeof *y->imports);
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        int it = lua_gettop(L);
        y->imports[i].questionnaire = get_str(L, c, it, "questionnaire");
        y->imports[i].file = get_str(L, c, it, "file");
        y->imports[i].pos = pos;
        if (y->imports[i].file)
          y->imports[i].pos.line = key_value_line(c, pos.file, pos.line, "file",
                                                  y->imports[i].file);
        y->imports[i].columns =
            get_tags(L, c, it, "columns", &y->imports[i].n_columns);
        y->imports[i].pilot = get_bool(L, it, "pilot", 0);
        y->imports[i].sep = get_str(L, c, it, "sep");
        y->imports[i].encoding = get_str(L, c, it, "encoding");
        y->imports[i].date_format = get_str(L, c, it, "date_format");
        lua_pop(L, 1);
      }
      y->n_imports = n;
    }
    lua_pop(L, 1);
    y->scorers = get_strlist(L, c, t, "scorers", &y->n_scorers);
    y->notify = get_strlist(L, c, t, "notify", &y->n_notify);
    y->scorers_line = KLINE(pos.file, pos.line, "scorers");
    y->notify_line = KLINE(pos.file, pos.line, "notify");
    y->min_n = get_num(L, t, "min_n", &num) ? (int)num : 0;
    y->comments = get_num(L, t, "comments", &num) ? (int)num : 5;
    y->include_pilot = get_bool(L, t, "include_pilot", 0);
    {
      size_t n_by = 0;
      const char **by = get_strlist(L, c, t, "by", &n_by);
      y->by_segment = by == NULL; /* no `by`: per segment, as always */
      for (size_t k = 0; k < n_by; k++) {
        if (strcmp(by[k], "segment") == 0)
          y->by_segment = 1;
        else if (strcmp(by[k], "channel") == 0)
          y->by_channel = 1;
        else
          fail(L, c, MJ_EVALIDATE, pos.file, KLINE(pos.file, pos.line, "by"),
               "cycle '%s': by lists '%s'; write \"segment\" and/or "
               "\"channel\"",
               y->id, by[k]);
      }
    }
    if (lua_getfield(L, t, "period") == LUA_TTABLE) {
      lua_getfield(L, -1, "from");
      lua_getfield(L, -2, "to");
      mj__parse_time(lua_tostring(L, -2), &y->period_from);
      mj__parse_time(lua_tostring(L, -1), &y->period_to);
      lua_pop(L, 2);
    }
    lua_pop(L, 1);
    break;
  }
  case K_USE: {
    mj_use *u = &m->uses[m->n_uses++];
    const char *dot = strchr(v->id, '.');
    char *kind = aalloc(L, c, (size_t)(dot - v->id) + 1);
    memcpy(kind, v->id, (size_t)(dot - v->id));
    u->kind = kind;
    u->name = astr(L, c, dot + 1);
    u->pos = pos;
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
      n++;
      lua_pop(L, 1);
    }
    u->opts = aalloc(L, c, n * sizeof *u->opts);
    lua_pushnil(L);
    while (lua_next(L, t)) { /* k v */
      const char *k = lua_tostring(L, -2);
      if (strcmp(k, "as") == 0) {
        u->as = astr(L, c, lua_tostring(L, -1));
        lua_pop(L, 1);
        continue;
      }
      mj_kv *kv = &u->opts[u->n_opts++];
      kv->key = astr(L, c, k);
      kv->line = KLINE(pos.file, pos.line, k);
      char buf[64];
      switch (lua_type(L, -1)) {
      case LUA_TBOOLEAN:
        kv->type = MJ_VAL_BOOL;
        kv->boolean = lua_toboolean(L, -1);
        kv->num = kv->boolean;
        kv->str = kv->boolean ? "true" : "false";
        break;
      case LUA_TNUMBER:
        kv->type = MJ_VAL_NUMBER;
        kv->num = (double)lua_tonumber(L, -1);
        if (lua_isinteger(L, -1))
          snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, -1));
        else
          snprintf(buf, sizeof buf, "%.17g", kv->num);
        kv->str = astr(L, c, buf);
        break;
      default:
        kv->type = MJ_VAL_STRING;
        kv->str = astr(L, c, lua_tostring(L, -1));
        break;
      }
      lua_pop(L, 1);
    }
    if (!u->as)
      u->as = u->name;
    break;
  }
  case K_SAMPLE: {
    mj_sample_decl *sd = &m->samples[m->n_samples++];
    sd->id = astr(L, c, v->id);
    sd->questionnaire = get_str(L, c, t, "questionnaire");
    const char *meth = get_str(L, c, t, "method");
    const char *alloc = get_str(L, c, t, "allocation");
    sd->stratified = meth && !strcmp(meth, "stratified");
    sd->neyman = alloc && !strcmp(alloc, "neyman");
    sd->size = get_num(L, t, "size", &num) ? (int)num : 0;
    sd->margin = get_num(L, t, "margin", &num) ? num : 0;
    sd->confidence = get_num(L, t, "confidence", &num) ? num : 0.95;
    sd->p = get_num(L, t, "p", &num) ? num : 0.5;
    sd->response_rate = get_num(L, t, "response_rate", &num) ? num : 1;
    sd->has_seed = get_num(L, t, "seed", &num);
    sd->seed = sd->has_seed ? (uint64_t)(int64_t)num : 0;
    sd->fatigue_days = get_num(L, t, "fatigue_days", &num) ? (int)num : 90;
    sd->pos = pos;
    sd->link = get_str(L, c, t, "link");
    sd->unsubscribe = get_str(L, c, t, "unsubscribe");
    sd->send = get_tags(L, c, t, "send", &sd->n_send);
    const char *remind = get_str(L, c, t, "remind_after");
    if (remind)
      parse_due(remind, &sd->remind_after_days);
    if (lua_getfield(L, t, "sd") == LUA_TTABLE) { /* sd */
      size_t n = 0;
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        n++;
        lua_pop(L, 1);
      }
      sd->sd = aalloc(L, c, (n ? n : 1) * sizeof *sd->sd);
      lua_pushnil(L);
      while (lua_next(L, -2)) { /* sd k v */
        mj_sample_sd *x = &sd->sd[sd->n_sd++];
        x->segment = astr(L, c, lua_tostring(L, -2));
        x->sd = (double)lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
      /* Sorted, so that the model does not depend on Lua's table order. */
      qsort(sd->sd, sd->n_sd, sizeof *sd->sd, cmp_sample_sd);
    }
    lua_pop(L, 1);
    break;
  }
  case K_MESSAGE: {
    mj_message_decl *md = &m->messages[m->n_messages++];
    md->id = astr(L, c, v->id);
    get_i18n(L, c, t, "subject", &md->subject);
    get_i18n(L, c, t, "text", &md->text);
    get_i18n(L, c, t, "html", &md->html);
    md->pos = pos;
    break;
  }
  default:
    break;
  }
}

static void build(lua_State *L, mj_dsl_ctx *c)
{
  mj_model *m = c->m;
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->list_ref); /* list */
  int list = lua_gettop(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, list);
  size_t counts[K__N] = {0};
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, list, i);
    counts[((decl *)lua_touserdata(L, -1))->kind]++;
    lua_pop(L, 1);
  }
  m->segments = aalloc(L, c, counts[K_SEGMENT] * sizeof *m->segments);
  if (mj__customer_reserve(m, counts[K_CUSTOMER], 0) != MJ_OK)
    oom(L, c);
  m->requirements =
      aalloc(L, c, counts[K_REQUIREMENT] * sizeof *m->requirements);
  m->questionnaires =
      aalloc(L, c, counts[K_QUESTIONNAIRE] * sizeof *m->questionnaires);
  m->plans = aalloc(L, c, counts[K_PLAN] * sizeof *m->plans);
  for (size_t i = 0; i < counts[K_PLAN]; i++)
    m->plans[i].when_ref = LUA_NOREF;
  m->n_plans = counts[K_PLAN];
  m->cycles = aalloc(L, c, counts[K_CYCLE] * sizeof *m->cycles);
  m->uses = aalloc(L, c, counts[K_USE] * sizeof *m->uses);
  m->samples = aalloc(L, c, counts[K_SAMPLE] * sizeof *m->samples);
  m->complaint_categories = aalloc(
      L, c, counts[K_COMPLAINT_CATEGORY] * sizeof *m->complaint_categories);
  m->audits = aalloc(L, c, counts[K_AUDIT] * sizeof *m->audits);
  m->standards = aalloc(L, c, counts[K_STANDARD] * sizeof *m->standards);
  m->promises = aalloc(L, c, counts[K_PROMISE] * sizeof *m->promises);
  m->thanks = aalloc(L, c, counts[K_THANKS] * sizeof *m->thanks);
  m->messages = aalloc(L, c, counts[K_MESSAGE] * sizeof *m->messages);
  m->alerts = aalloc(L, c, counts[K_ALERT] * sizeof *m->alerts);
  m->customer_files =
      aalloc(L, c, counts[K_CUSTOMERS] * sizeof *m->customer_files);
  size_t filled[K__N] = {0};
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, list, i); /* list d */
    dview v;
    view(L, -1, &v); /* list d id file fields */
    if (v.d->kind != K_QUESTION) {
      validate_decl(L, c, &v);
      build_one(L, c, &v, filled);
      build_service(L, c, &v);
    }
    lua_pop(L, 4); /* list */
  }
  /* A question outside any questionnaire is a mistake worth a word. */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, list, i);
    dview v;
    view(L, -1, &v);
    if (v.d->kind == K_QUESTION && !v.d->used)
      fail(L, c, MJ_EVALIDATE, v.file, v.d->line,
           "%s is not inside a questionnaire; write it in questionnaire "
           "\"ID\" { question \"%s\" { ... }, ... }",
           v.what, v.id);
    lua_pop(L, 4);
  }
  lua_pop(L, 1);
}

/* Everything Lua: fresh env, the chunk, the build pass. Protected. */
static int run(lua_State *L)
{
  mj_dsl_ctx *c = mj__lua_host(L)->dsl;
  mj__sandbox_pushenv(L); /* env */
  lua_pushvalue(L, 1);
  c->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newtable(L);
  c->list_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  int st = luaL_loadbufferx(L, c->buf, c->len, c->chunkname, "t");
  if (st != LUA_OK) { /* env msg */
    if (st == LUA_ERRSYNTAX && !c->code) {
      c->code = MJ_ESYNTAX;
      snprintf(c->msg, sizeof c->msg, "%s", lua_tostring(L, -1));
    }
    return lua_error(L);
  }
  lua_pushvalue(L, 1);
  lua_setupvalue(L, -2, 1); /* env chunk */
  lua_call(L, 0, 0);        /* env */
  if (c->code) {
    /* The playbook caught a declaration error with pcall: still an error. */
    lua_pushstring(L, c->msg);
    return lua_error(L);
  }
  build(L, c);
  return 0;
}

/* ---- link: duplicates and references ------------------------------------- */

static const char *id_at(const void *base, size_t i, size_t stride,
                         size_t id_off)
{
  return *(const char *const *)((const char *)base + i * stride + id_off);
}

/* ids[i] at stride apart, positions likewise: the first duplicate (in
** declaration order) as an error naming both places. A hash table of
** indices, not a sorted copy: 100k customers cost 1 MiB, in one pass. */
static int check_dups(mj_engine *e, const char *what, const void *base,
                      size_t n, size_t stride, size_t id_off, size_t pos_off)
{
  if (n < 2)
    return MJ_OK;
  size_t size = 4;
  while (size < 2 * n)
    size *= 2;
  /* index + 1, 0 free; 4G declarations would not fit in memory anyway */
  uint32_t *slot = n < UINT32_MAX ? calloc(size, sizeof *slot) : NULL;
  if (!slot)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  size_t first = 0, second = 0;
  for (size_t i = 0; i < n && !second; i++) {
    const char *id = id_at(base, i, stride, id_off);
    uint64_t h = mj__hash_bytes(MJ__HASH_START, id, strlen(id));
    size_t k = (size_t)h & (size - 1);
    while (slot[k] && strcmp(id_at(base, slot[k] - 1, stride, id_off), id))
      k = (k + 1) & (size - 1);
    if (slot[k]) {
      first = slot[k];
      second = i + 1;
    } else
      slot[k] = (uint32_t)(i + 1);
  }
  free(slot);
  if (!second)
    return MJ_OK;
  const char *rec1 = (const char *)base + (first - 1) * stride;
  const char *rec2 = (const char *)base + (second - 1) * stride;
  const mj_pos *p1 = (const mj_pos *)(rec1 + pos_off);
  const mj_pos *p2 = (const mj_pos *)(rec2 + pos_off);
  return mj__seterr_at(e, MJ_EVALIDATE, p2->file, p2->line, 0,
                       "duplicate %s '%s' (first declared at %s:%d)", what,
                       id_at(base, second - 1, stride, id_off), p1->file,
                       p1->line);
}

#define DUPS(what, arr, n, type)                                               \
  check_dups(e, what, arr, n, sizeof(type), offsetof(type, id),                \
             offsetof(type, pos))

/* " (did you mean 'X'?)" among ids, or "". */
static void suggest_id(char *buf, size_t n, const char *word, const void *base,
                       size_t count, size_t stride)
{
  const char *best = NULL;
  int bestd = 1000;
  for (size_t i = 0; i < count; i++) {
    const char *id = *(const char *const *)((const char *)base + i * stride);
    int d = mj__edit_distance(word, id);
    if (d < bestd) {
      bestd = d;
      best = id;
    }
  }
  const char *cands[1] = {best};
  if (best && mj__suggest(word, cands, 1))
    snprintf(buf, n, " (did you mean '%s'?)", best);
  else
    buf[0] = '\0';
}

/* The customers' index by id, which a repeated id stops, as DUPS would. */
static int index_customers(mj_engine *e, mj_model *m)
{
  size_t first, dup;
  if (mj__customer_index(m, &first, &dup) != MJ_OK)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (!dup)
    return MJ_OK;
  mj_customer u1, u2;
  mj_customer_buf b1 = {0}, b2 = {0};
  if (mj__customer_at(m, first, &u1, &b1) != MJ_OK ||
      mj__customer_at(m, dup - 1, &u2, &b2) != MJ_OK)
    return mj__seterr(e, MJ_EIO, "duplicate customer '%s': cannot read "
                      "the customers back from their temporary file",
                      mj__customer_id(m, first));
  return mj__seterr_at(e, MJ_EVALIDATE, u2.pos.file, u2.pos.line, 0,
                       "duplicate customer '%s' (first declared at %s:%d)",
                       u2.id, u1.pos.file, u1.pos.line);
}

static int link_model(mj_engine *e, const mj_dsl_ctx *c, mj_model *m)
{
  int rc;
  if ((rc = DUPS("segment", m->segments, m->n_segments, mj_segment)) ||
      (rc = index_customers(e, m)) ||
      (rc = DUPS("requirement", m->requirements, m->n_requirements,
                 mj_requirement)) ||
      (rc = DUPS("questionnaire", m->questionnaires, m->n_questionnaires,
                 mj_questionnaire)) ||
      (rc = DUPS("plan", m->plans, m->n_plans, mj_plan)) ||
      (rc = DUPS("cycle", m->cycles, m->n_cycles, mj_cycle_decl)) ||
      (rc = DUPS("sample", m->samples, m->n_samples, mj_sample_decl)) ||
      (rc = DUPS("message", m->messages, m->n_messages, mj_message_decl)) ||
      (rc = DUPS("complaint_category", m->complaint_categories,
                 m->n_complaint_categories, mj_complaint_category)) ||
      (rc = DUPS("audit", m->audits, m->n_audits, mj_audit)) ||
      (rc = DUPS("standard", m->standards, m->n_standards, mj_standard)) ||
      (rc = DUPS("promise", m->promises, m->n_promises, mj_promise)) ||
      (rc = DUPS("thanks", m->thanks, m->n_thanks, mj_thanks)) ||
      (rc = DUPS("alert", m->alerts, m->n_alerts, mj_alert)))
    return rc;
  for (size_t i = 0; i < m->n_questionnaires; i++) {
    const mj_questionnaire *q = &m->questionnaires[i];
    char what[300];
    snprintf(what, sizeof what, "question in questionnaire '%s':", q->id);
    if ((rc = DUPS(what, q->questions, q->n_questions, mj_question)))
      return rc;
  }
  for (size_t i = 0; i < m->n_uses; i++)
    for (size_t j = 0; j < i; j++)
      if (!strcmp(m->uses[i].kind, m->uses[j].kind) &&
          !strcmp(m->uses[i].as, m->uses[j].as))
        return mj__seterr_at(
            e, MJ_EVALIDATE, m->uses[i].pos.file, m->uses[i].pos.line, 0,
            "duplicate %s instance '%s' (first declared at %s:%d); give one "
            "another name with as = \"...\"",
            m->uses[i].kind, m->uses[i].as, m->uses[j].pos.file,
            m->uses[j].pos.line);

  char hint[200];
  /* Customers share their segment's string: one known is known for all,
  ** and a playbook has a few segments (more are looked up each time). */
  const char *known[64];
  size_t n_known = 0;
  for (size_t i = 0; i < m->n_customers; i++) {
    const char *seg = mj__customer_segment(m, i);
    size_t k = 0;
    while (k < n_known && known[k] != seg)
      k++;
    if (!seg || k < n_known)
      continue;
    if (mj__model_segment(m, seg)) {
      if (n_known < sizeof known / sizeof *known)
        known[n_known++] = seg;
      continue;
    }
    mj_customer u;
    mj_customer_buf b = {0};
    if (mj__customer_at(m, i, &u, &b) != MJ_OK)
      u.pos = (mj_pos){m->file, 0};
    suggest_id(hint, sizeof hint, u.segment, m->segments, m->n_segments,
               sizeof *m->segments);
    return mj__seterr_at(e, MJ_EREF, u.pos.file,
                         KLINE(u.pos.file, u.pos.line, "segment"), 0,
                         "customer '%s' is in segment '%s', which is not "
                         "declared%s (declare it: segment \"%s\" { ... })",
                         u.id, u.segment, hint, u.segment);
  }
  for (size_t i = 0; i < m->n_questionnaires; i++) {
    mj_questionnaire *qn = &m->questionnaires[i];
    for (size_t k = 0; k < qn->n_questions; k++) {
      mj_question *q = &qn->questions[k];
      if (!q->measures)
        continue;
      q->requirement = mj__model_requirement(m, q->measures);
      if (q->requirement)
        continue;
      suggest_id(hint, sizeof hint, q->measures, m->requirements,
                 m->n_requirements, sizeof *m->requirements);
      return mj__seterr_at(e, MJ_EREF, q->pos.file,
                           KLINE(q->pos.file, q->pos.line, "measures"), 0,
                           "question '%s' of questionnaire '%s' (%s:%d) "
                           "measures requirement '%s', which is not "
                           "declared%s",
                           q->id, qn->id, qn->pos.file, qn->pos.line,
                           q->measures, hint);
    }
  }
  for (size_t i = 0; i < m->n_samples; i++) {
    const mj_sample_decl *sd = &m->samples[i];
    if (!mj__model_questionnaire(m, sd->questionnaire)) {
      suggest_id(hint, sizeof hint, sd->questionnaire, m->questionnaires,
                 m->n_questionnaires, sizeof *m->questionnaires);
      return mj__seterr_at(e, MJ_EREF, sd->pos.file,
                           KLINE(sd->pos.file, sd->pos.line, "questionnaire"),
                           0,
                           "sample '%s' invites to questionnaire '%s', which "
                           "is not declared%s",
                           sd->id, sd->questionnaire, hint);
    }
    for (size_t k = 0; k < sd->n_sd; k++) {
      if (mj__model_segment(m, sd->sd[k].segment))
        continue;
      suggest_id(hint, sizeof hint, sd->sd[k].segment, m->segments,
                 m->n_segments, sizeof *m->segments);
      return mj__seterr_at(e, MJ_EREF, sd->pos.file,
                           KLINE(sd->pos.file, sd->pos.line, "sd"), 0,
                           "sample '%s' gives an sd for segment '%s', which "
                           "is not declared%s",
                           sd->id, sd->sd[k].segment, hint);
    }
    for (size_t k = 0; k < sd->n_send; k++) {
      size_t u = 0;
      while (u < m->n_uses && (strcmp(m->uses[u].kind, "notifier") ||
                               strcmp(m->uses[u].as, sd->send[k].value)))
        u++;
      if (u == m->n_uses)
        return mj__seterr_at(e, MJ_EREF, sd->pos.file,
                             KLINE(sd->pos.file, sd->pos.line, "send"), 0,
                             "sample '%s' sends %s through notifier '%s', "
                             "which the playbook does not use; write use "
                             "\"notifier.email\" { as = \"%s\", ... }",
                             sd->id, sd->send[k].key, sd->send[k].value,
                             sd->send[k].value);
    }
  }
  /* An alert's condition reads any question of its questionnaire. */
  for (size_t i = 0; i < m->n_alerts; i++) {
    mj_alert *a = &m->alerts[i];
    char why[400];
    a->qn = mj__model_questionnaire(m, a->questionnaire);
    if (!a->qn) {
      suggest_id(hint, sizeof hint, a->questionnaire, m->questionnaires,
                 m->n_questionnaires, sizeof *m->questionnaires);
      return mj__seterr_at(e, MJ_EREF, a->pos.file,
                           KLINE(a->pos.file, a->pos.line, "questionnaire"),
                           0,
                           "alert '%s' reads questionnaire '%s', which is "
                           "not declared%s",
                           a->id, a->questionnaire, hint);
    }
    if ((rc = mj__cond_compile(&m->arena, a->qn, a->qn->n_questions, 0,
                               a->when, &a->cond, why, sizeof why)) != MJ_OK)
      return mj__seterr_at(e, rc, a->pos.file,
                           KLINE(a->pos.file, a->pos.line, "when"), 0,
                           "alert \"%s\": when \"%s\": %s", a->id, a->when,
                           why);
  }
  /* A verify metric is read only when a plan's actions are done, maybe
  ** months later: a mistake in it is caught now, as in a `when` rule. */
  for (size_t i = 0; i < m->n_plans; i++) {
    const mj_plan *p = &m->plans[i];
    mj_metric_ref ref;
    char why[400];
    if (!p->verify_metric)
      continue;
    if (!mj__metric_parse(p->verify_metric, &ref)) {
      const char *best = mj__metric_suggest(p->verify_metric);
      return mj__seterr_at(
          e, MJ_EVALIDATE, p->pos.file, p->verify_line, 0,
          "plan \"%s\": verify metric '%s' is not a measure%s%s%s; write "
          "SCORER.METRIC[:SUBJECT][@SEGMENT] (e.g. csat.mean:R1) or a "
          "short form (mean:R1)",
          p->id, p->verify_metric, best ? " (did you mean '" : "",
          best ? best : "", best ? ":...'?)" : "");
    }
    if ((rc = mj__metric_check(m, &ref, mj__plugin_scorer_known, e, why,
                               sizeof why)) != MJ_OK)
      return mj__seterr_at(e, rc, p->pos.file, p->verify_line, 0,
                           "plan \"%s\": verify metric '%s': %s", p->id,
                           p->verify_metric, why);
  }
  for (size_t i = 0; i < m->n_cycles; i++) {
    const mj_cycle_decl *y = &m->cycles[i];
    for (size_t k = 0; k < y->n_imports; k++) {
      const mj_import_decl *d = &y->imports[k];
      const mj_questionnaire *iq = mj__model_questionnaire(m, d->questionnaire);
      if (iq && d->n_columns) {
        /* Renames are checked here so the error names the playbook line. */
        mj_import_column cols[64];
        char why[600];
        size_t nc = d->n_columns < 64 ? d->n_columns : 64;
        for (size_t j = 0; j < nc; j++) {
          cols[j].name = d->columns[j].key;
          cols[j].column = d->columns[j].value;
        }
        if (d->n_columns > 64 ||
            mj__import_check_columns(iq, cols, nc, why, sizeof why) != MJ_OK)
          return mj__seterr_at(e, MJ_EREF, d->pos.file,
                               KLINE(d->pos.file, d->pos.line, "columns"), 0,
                               "cycle '%s', import of '%s': %s", y->id,
                               d->file,
                               d->n_columns > 64 ? "more than 64 columns"
                                                 : why);
      }
      if (iq)
        continue;
      suggest_id(hint, sizeof hint, d->questionnaire, m->questionnaires,
                 m->n_questionnaires, sizeof *m->questionnaires);
      return mj__seterr_at(e, MJ_EREF, d->pos.file,
                           KLINE(d->pos.file, d->pos.line, "questionnaire"), 0,
                           "cycle '%s' imports questionnaire '%s', which "
                           "is not declared%s",
                           y->id, d->questionnaire, hint);
    }
  }
  return MJ_OK;
}

/* ---- the entry points ---------------------------------------------------- */

static char *dir_of(const char *name)
{
  if (*name == '=')
    return strdup(".");
  if (*name == '@')
    name++;
  const char *slash = strrchr(name, '/');
  if (!slash)
    return strdup(".");
  if (slash == name)
    return strdup("/");
  size_t n = (size_t)(slash - name);
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, name, n);
    d[n] = '\0';
  }
  return d;
}

int mj__dsl_load(mj_engine *e, const char *name, const char *buf, size_t len,
                 mj_model **out)
{
  *out = NULL;
  lua_State *L = e->L;
  mj_luahost *h = mj__lua_host(L);
  if (h->dsl)
    return mj__seterr(e, MJ_EINVAL, "a playbook is already loading");
  mj_model *m = calloc(1, sizeof *m);
  size_t nn = strlen(name);
  char *chunk = malloc(nn + 2);
  char *dir = dir_of(name);
  if (!m || !chunk || !dir) {
    free(m);
    free(chunk);
    free(dir);
    return mj__seterr(e, MJ_ENOMEM, "out of memory loading %s", name);
  }
  if (*name == '=' || *name == '@')
    memcpy(chunk, name, nn + 1);
  else {
    chunk[0] = '@';
    memcpy(chunk + 1, name, nn + 1);
  }
  m->file = mj__arena_strdup(&m->arena, mj__lua_srcname(chunk));
  m->dir = mj__arena_strdup(&m->arena, dir);
  free(dir);
  mj_dsl_ctx c = {.e = e,
                  .m = m,
                  .buf = buf,
                  .len = len,
                  .chunkname = chunk,
                  .env_ref = LUA_NOREF,
                  .list_ref = LUA_NOREF,
                  .labels_ref = LUA_NOREF,
                  .wordings_ref = LUA_NOREF};
  int rc =
      m->file && m->dir ? MJ_OK : mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (rc == MJ_OK) {
    h->dsl = &c;
    lua_pushcfunction(L, run);
    rc = mj__lua_pcall(e, 0, 0, MJ_ERUNTIME);
    h->dsl = NULL;
    /* Limits win; otherwise the first declaration error, even if the
    ** playbook went on after catching it. */
    if (rc != MJ_OK && rc != MJ_ETIMEOUT && rc != MJ_ELIMIT && c.code)
      rc = mj__lua_seterr(e, c.code, c.msg);
    if (rc != MJ_OK)
      mj__lua_fixsrc(e, m->file);
  }
  luaL_unref(L, LUA_REGISTRYINDEX, c.env_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, c.list_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, c.labels_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, c.wordings_ref);
  free(chunk);
  if (rc != MJ_OK) {
    mj__model_free(e, m);
    return rc;
  }
  *out = m;
  return MJ_OK;
}

int mj__dsl_link(mj_engine *e, mj_model *m, const char *buf, size_t len)
{
  /* The text again, for the lines of the keys the messages point at. */
  mj_dsl_ctx c = {.e = e,
                  .m = m,
                  .buf = buf,
                  .len = len,
                  .env_ref = LUA_NOREF,
                  .list_ref = LUA_NOREF,
                  .labels_ref = LUA_NOREF,
                  .wordings_ref = LUA_NOREF};
  int rc = link_model(e, &c, m);
  if (rc == MJ_OK) /* declarative `when` (rules.c) */
    rc = mj__rules_compile(e, m, mj__plugin_scorer_known, e);
  return rc;
}

void mj__model_free(mj_engine *e, mj_model *m)
{
  if (!m)
    return;
  for (size_t i = 0; e && e->L && i < m->n_plans; i++)
    if (m->plans[i].when_ref >= 0)
      luaL_unref(e->L, LUA_REGISTRYINDEX, m->plans[i].when_ref);
  mj__customer_free(m);
  mj__arena_free(&m->arena);
  free(m);
}
