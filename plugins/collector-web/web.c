/*
** The web collector: serves a playbook's questionnaires to respondents
** over HTTP with libmicrohttpd: each connection on a thread of its own
** when the host takes concurrent calls (so submissions wait for their
** group's commit side by side), else all on the thread that calls
** serve(). Safe by default: fixed routes
** only (nothing is read from disk), a CSRF token per browser session,
** limits on body size, fields and requests per address, and headers that
** forbid framing, inline script, sniffing and referrers.
*/
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "page.h"
#include "report_route.h"

static const mj_option web_options[] = {
    {"max_body", MJ_OPT_INT, "65536", 0,
     "largest request body in bytes; larger ones get 413"},
    {"max_fields", MJ_OPT_INT, "500", 0,
     "most form fields in one request; more get 413"},
    {"rate", MJ_OPT_INT, "600", 0,
     "requests a minute one address may make; more get 429"},
    {"connections", MJ_OPT_INT, "1000", 0, "open connections at most"},
    {"secure_cookies", MJ_OPT_BOOL, "false", 0,
     "mark the session cookie Secure (behind an HTTPS proxy)"},
    {"report_token", MJ_OPT_STRING, NULL, 0,
     "serve the report at /report to requests with this bearer token"},
    {"report_user", MJ_OPT_STRING, NULL, 0,
     "with report_password: serve /report behind HTTP Basic"},
    {"report_password", MJ_OPT_STRING, NULL, 0,
     "report_user's password"},
    {NULL, 0, NULL, 0, NULL},
};

enum { TOKEN_LEN = 32, RATE_SLOTS = 4096 };

/* Requests per address in the current minute, in a small table: an
** address that collides with another shares its count, which errs on
** the side of refusing. */
typedef struct rate_slot {
  unsigned char addr[16];
  int64_t minute;
  unsigned n;
} rate_slot;

typedef struct web {
  const mj_host_api *host;
  mj_ctx *ctx;
  uint64_t max_body, max_fields;
  unsigned rate, connections;
  int secure;
  const mj_serve_host *sh; /* while serving */
  rate_slot *rates;
  web_report_auth report;  /* who may read /report; none: nobody */
  pthread_mutex_t rates_mu; /* connections' threads share rates */
} web;

/* One request: its route, and a POST's fields as they arrive. */
typedef struct request {
  int route;            /* R_* */
  int check;            /* POST ACTION/check */
  char token[TOKEN_LEN + 1];
  char qid[128];        /* an anonymous link's questionnaire */
  buf body;             /* a POST's body, up to max_body */
  uint64_t fields;
  int too_large;
  mj_form *form;        /* opened when the first POST data comes */
  int open_rc;
  const char *lang;
  char **values;        /* per question of form */
  buf csrf, rid, *others, *nas;
  int one_click;        /* an unsubscribe: List-Unsubscribe=One-Click */
  int multipart;        /* an unsubscribe posted as multipart/form-data */
} request;

enum { R_NONE, R_TOKEN, R_ANON, R_STATIC, R_UNSUB };

/* ---- helpers ---------------------------------------------------------------- */

static int is_hex(const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
    i++;
  return i == n;
}

/* Equal, in a time that depends only on the expected length. */
static int secret_eq(const char *got, const char *want)
{
  size_t n = strlen(want), g = got ? strlen(got) : 0;
  unsigned char d = (unsigned char)(g != n);
  for (size_t i = 0; i < n; i++)
    d |= (unsigned char)((i < g ? got[i] : 0) ^ want[i]);
  return d == 0;
}

static int random_hex(char *out, size_t bytes)
{
  unsigned char b[32];
  if (bytes > sizeof b || getrandom(b, bytes, 0) != (ssize_t)bytes)
    return 0;
  for (size_t i = 0; i < bytes; i++)
    snprintf(out + 2 * i, 3, "%02x", b[i]);
  return 1;
}

static void headers(struct MHD_Response *r, const char *type, int cache)
{
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'none'; script-src 'self'; "
                          "style-src 'self'; connect-src 'self'; "
                          "img-src 'self'; form-action 'self'; "
                          "base-uri 'none'; frame-ancestors 'none'");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Cache-Control",
                          cache ? "public, max-age=3600" : "no-store");
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status,
                                buf *b, const char *type,
                                const char *cookie)
{
  struct MHD_Response *r =
      b->ok ? MHD_create_response_from_buffer(b->len, b->s,
                                              MHD_RESPMEM_MUST_FREE)
            : NULL;
  if (!r) {
    free(b->s);
    return MHD_NO;
  }
  b->s = NULL;
  headers(r, type, 0);
  if (cookie)
    MHD_add_response_header(r, "Set-Cookie", cookie);
  enum MHD_Result ok = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result send_note(struct MHD_Connection *c, unsigned status,
                                 const char *lang, web_word title,
                                 web_word text, const char *draft)
{
  buf b = {.ok = 1};
  web_note_page(&b, lang, title, text, draft);
  return send_buf(c, status, &b, "text/html; charset=utf-8", NULL);
}

/* The server is stopping: nothing was stored, try again soon (503), and
** the connection closes, so a client reconnects to whichever server
** takes over rather than keep asking this one. */
static enum MHD_Result stopping_page(struct MHD_Connection *c,
                                     const char *lang)
{
  buf b = {.ok = 1};
  web_note_page(&b, lang, W_SURVEY, W_ERROR, NULL);
  struct MHD_Response *r =
      b.ok ? MHD_create_response_from_buffer(b.len, b.s,
                                             MHD_RESPMEM_MUST_FREE)
           : NULL;
  if (!r) {
    free(b.s);
    return MHD_NO;
  }
  headers(r, "text/html; charset=utf-8", 0);
  MHD_add_response_header(r, "Retry-After", "5");
  MHD_add_response_header(r, "Connection", "close");
  enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, r);
  MHD_destroy_response(r);
  return ok;
}

/* ---- routes ------------------------------------------------------------------ */

/*
** /a/TOKEN, /q/QUESTIONNAIRE, each optionally with /check, /u/TOKEN (an
** unsubscribe link) and /s/form.css, /s/form.js: anything else (a "..",
** a file name) is not a
** route, and nothing is ever read from disk.
*/
static int route(const char *url, request *rq, const char **file)
{
  size_t n;
  if (strncmp(url, "/a/", 3) == 0 || strncmp(url, "/u/", 3) == 0) {
    int unsub = url[1] == 'u';
    url += 3;
    if (strlen(url) < TOKEN_LEN || !is_hex(url, TOKEN_LEN))
      return R_NONE;
    memcpy(rq->token, url, TOKEN_LEN);
    rq->token[TOKEN_LEN] = '\0';
    url += TOKEN_LEN;
    if (unsub)
      return rq->route = *url ? R_NONE : R_UNSUB;
    rq->route = R_TOKEN;
  } else if (strncmp(url, "/q/", 3) == 0) {
    url += 3;
    n = strcspn(url, "/");
    if (n == 0 || n >= sizeof rq->qid)
      return R_NONE;
    for (size_t i = 0; i < n; i++)
      if (!((url[i] >= 'a' && url[i] <= 'z') ||
            (url[i] >= 'A' && url[i] <= 'Z') ||
            (url[i] >= '0' && url[i] <= '9') || url[i] == '_' ||
            url[i] == '-'))
        return R_NONE;
    memcpy(rq->qid, url, n);
    rq->qid[n] = '\0';
    url += n;
    rq->route = R_ANON;
  } else if (strncmp(url, "/s/", 3) == 0) {
    const char *type;
    if (!web_static(url + 3, &type))
      return R_NONE;
    *file = url + 3;
    return rq->route = R_STATIC;
  } else {
    return R_NONE;
  }
  if (strcmp(url, "/check") == 0)
    rq->check = 1;
  else if (*url)
    return rq->route = R_NONE;
  return rq->route;
}

/* ---- limits ---------------------------------------------------------------- */

/* One more request from the connection's address: 0 when over the rate. */
static int rate_ok(web *w, struct MHD_Connection *c)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  unsigned char addr[16] = {0};
  if (ci && ci->client_addr) {
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
      memcpy(addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
             4);
    else if (sa->sa_family == AF_INET6)
      memcpy(addr,
             &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
  }
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < sizeof addr; i++)
    h = (h ^ addr[i]) * 16777619u;
  rate_slot *s = &w->rates[h % RATE_SLOTS];
  int64_t minute = (int64_t)time(NULL) / 60;
  pthread_mutex_lock(&w->rates_mu);
  if (s->minute != minute || memcmp(s->addr, addr, sizeof addr) != 0) {
    memcpy(s->addr, addr, sizeof addr);
    s->minute = minute;
    s->n = 0;
  }
  int ok = ++s->n <= w->rate;
  pthread_mutex_unlock(&w->rates_mu);
  return ok;
}

/* ---- the form --------------------------------------------------------------- */

static const char *cookie_csrf(struct MHD_Connection *c)
{
  const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "mj_csrf");
  return v && strlen(v) == TOKEN_LEN && is_hex(v, TOKEN_LEN) ? v : NULL;
}

static enum MHD_Result refusal(struct MHD_Connection *c, int rc,
                               const char *lang)
{
  if (rc == MJ_ECONFLICT)
    return send_note(c, MHD_HTTP_GONE, lang, W_SURVEY, W_USED, NULL);
  if (rc == MJ_ELIMIT)
    return send_note(c, MHD_HTTP_GONE, lang, W_SURVEY, W_EXPIRED, NULL);
  if (rc == MJ_ENOTFOUND)
    return send_note(c, MHD_HTTP_NOT_FOUND, lang, W_SURVEY, W_NOTFOUND,
                     NULL);
  return send_note(c, MHD_HTTP_INTERNAL_SERVER_ERROR, lang, W_SURVEY,
                   W_ERROR, NULL);
}

/*
** The session's CSRF token in csrf: the browser's cookie when it sent a
** well-formed one, else a new one. *set is the Set-Cookie header that
** gives a new one (written into cookie), NULL when the cookie stays. 0
** when no random bytes could be had.
*/
static int session_csrf(const web *w, struct MHD_Connection *c,
                        char csrf[TOKEN_LEN + 1], char *cookie, size_t n,
                        const char **set)
{
  const char *have = cookie_csrf(c);
  *set = NULL;
  if (have) {
    snprintf(csrf, TOKEN_LEN + 1, "%s", have);
    return 1;
  }
  if (!random_hex(csrf, TOKEN_LEN / 2))
    return 0;
  snprintf(cookie, n, "mj_csrf=%s; Path=/; HttpOnly; SameSite=Strict%s", csrf,
           w->secure ? "; Secure" : "");
  *set = cookie;
  return 1;
}

static void action_of(const request *rq, char *out, size_t n)
{
  if (rq->route == R_TOKEN)
    snprintf(out, n, "/a/%s", rq->token);
  else
    snprintf(out, n, "/q/%s", rq->qid);
}

static enum MHD_Result show_form(web *w, struct MHD_Connection *c,
                                 request *rq, mj_form *f, unsigned status,
                                 int errors)
{
  char csrf[TOKEN_LEN + 1], cookie[200], action[200];
  const char *set;
  if (!session_csrf(w, c, csrf, cookie, sizeof cookie, &set))
    return refusal(c, MJ_EIO, f->lang);
  action_of(rq, action, sizeof action);
  buf b = {.ok = 1};
  web_form_page(&b, f, action, csrf, rq->route == R_ANON ? f->response : NULL,
                errors);
  return send_buf(c, status, &b, "text/html; charset=utf-8", set);
}

static void request_free(request *rq, web *w)
{
  if (!rq)
    return;
  free(rq->body.s);
  size_t n = rq->form ? rq->form->n_questions : 0;
  for (size_t i = 0; rq->values && i < n; i++)
    free(rq->values[i]);
  for (size_t i = 0; rq->others && i < n; i++)
    free(rq->others[i].s);
  for (size_t i = 0; rq->nas && i < n; i++)
    free(rq->nas[i].s);
  free(rq->values);
  free(rq->others);
  free(rq->nas);
  free(rq->csrf.s);
  free(rq->rid.s);
  if (rq->form && w->sh)
    w->sh->close(w->sh->ud, rq->form);
  free(rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
  request_free(*con_cls, cls);
  *con_cls = NULL;
}

/* The question a field is about ("q-ID", "o-ID", "n-ID"), or -1. */
static long field_question(const mj_form *f, const char *key)
{
  for (size_t i = 0; f && i < f->n_questions; i++)
    if (strcmp(key + 2, f->questions[i].id) == 0)
      return (long)i;
  return -1;
}

/* Append data to the string at *slot: a value of a repeated field (a
** multi question's boxes) is joined to the last with ';'. */
static int append(char **slot, const char *data, size_t size, int fresh)
{
  size_t old = *slot ? strlen(*slot) : 0;
  char *p = realloc(*slot, old + size + 2);
  if (!p)
    return 0;
  if (fresh && old)
    p[old++] = ';';
  memcpy(p + old, data, size);
  p[old + size] = '\0';
  *slot = p;
  return 1;
}

/* One field of the body: the session's token, an anonymous form's
** response id, or an answer ("q-ID"), its "other" text ("o-ID") or its
** "no experience" box ("n-ID"); any other field is ignored. */
static int field(request *rq, const char *key, const char *data, size_t size)
{
  if (strcmp(key, "csrf") == 0) {
    web_put(&rq->csrf, data, size);
    return rq->csrf.ok;
  }
  if (strcmp(key, "rid") == 0) {
    web_put(&rq->rid, data, size);
    return rq->rid.ok;
  }
  if (strcmp(key, "List-Unsubscribe") == 0) {
    rq->one_click = size == 9 && memcmp(data, "One-Click", 9) == 0;
    return 1;
  }
  if (!rq->form || strlen(key) < 3 || key[1] != '-')
    return 1;
  long q = field_question(rq->form, key);
  if (q < 0)
    return 1;
  switch (key[0]) {
  case 'q':
    return append(&rq->values[q], data, size, 1);
  case 'o':
    web_put(&rq->others[q], data, size);
    return rq->others[q].ok;
  case 'n':
    web_put(&rq->nas[q], data, size);
    return rq->nas[q].ok;
  default:
    return 1;
  }
}

static int hexval(char c)
{
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* Decode an application/x-www-form-urlencoded part in place. */
static size_t url_decode(char *s, size_t n)
{
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '+') {
      s[w++] = ' ';
    } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
               hexval(s[i + 2]) >= 0) {
      s[w++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      s[w++] = s[i];
    }
  }
  s[w] = '\0';
  return w;
}

/* Each field of the body to field(), only those named in pass: the
** token and response id first (which form), then the answers. 0 when a
** field is refused or there are too many. */
static int parse_body(request *rq, uint64_t max_fields, int answers)
{
  char *p = rq->body.s, *end = p + rq->body.len;
  uint64_t n = 0;
  while (p && p < end) {
    char *amp = memchr(p, '&', (size_t)(end - p));
    char *stop = amp ? amp : end;
    char *eq = memchr(p, '=', (size_t)(stop - p));
    if (++n > max_fields)
      return 0;
    if (eq) {
      size_t kl = (size_t)(eq - p), vl = (size_t)(stop - eq - 1);
      char key[160], *val = malloc(vl + 1);
      if (!val)
        return 0;
      memcpy(val, eq + 1, vl);
      vl = url_decode(val, vl);
      if (kl < sizeof key) {
        memcpy(key, p, kl);
        url_decode(key, kl);
        int mine = strcmp(key, "csrf") == 0 || strcmp(key, "rid") == 0 ||
                   strcmp(key, "List-Unsubscribe") == 0;
        if (mine != answers && !field(rq, key, val, vl)) {
          free(val);
          return 0;
        }
      }
      free(val);
    }
    p = amp ? amp + 1 : NULL;
  }
  rq->fields = n;
  return 1;
}

/* The answer cells from the fields: "other" becomes "other:TEXT" and a
** ticked "no experience" box stands for the whole answer. */
static void finish_values(request *rq)
{
  for (size_t i = 0; i < rq->form->n_questions; i++) {
    if (rq->nas[i].len) {
      free(rq->values[i]);
      rq->values[i] = strdup("NA");
      continue;
    }
    char *v = rq->values[i];
    if (!v || !rq->form->questions[i].other)
      continue;
    buf b = {.ok = 1};
    for (const char *p = v; p;) {
      const char *end = strchr(p, ';');
      size_t k = end ? (size_t)(end - p) : strlen(p);
      if (b.len)
        web_put(&b, ";", 1);
      if (k == 5 && strncmp(p, "other", 5) == 0) {
        web_puts(&b, "other:");
        if (rq->others[i].s)
          web_puts(&b, rq->others[i].s);
      } else {
        web_put(&b, p, k);
      }
      p = end ? end + 1 : NULL;
    }
    if (b.ok && b.s) {
      free(v);
      rq->values[i] = b.s;
    } else {
      free(b.s);
    }
  }
}

static enum MHD_Result open_form(web *w, request *rq, const char *response)
{
  mj_error err = {0};
  rq->open_rc = w->sh->open(w->sh->ud,
                            rq->route == R_TOKEN ? rq->token : NULL,
                            rq->route == R_ANON ? rq->qid : NULL, response,
                            &rq->form, &rq->lang, &err);
  if (rq->open_rc != MJ_OK)
    return MHD_YES;
  size_t n = rq->form->n_questions ? rq->form->n_questions : 1;
  rq->values = calloc(n, sizeof *rq->values);
  rq->others = calloc(n, sizeof *rq->others);
  rq->nas = calloc(n, sizeof *rq->nas);
  if (!rq->values || !rq->others || !rq->nas)
    return MHD_NO;
  for (size_t i = 0; i < n; i++)
    rq->others[i].ok = rq->nas[i].ok = 1;
  return MHD_YES;
}

static enum MHD_Result post_done(web *w, struct MHD_Connection *c,
                                 request *rq)
{
  if (rq->too_large)
    return send_note(c, MHD_HTTP_CONTENT_TOO_LARGE, rq->lang, W_SURVEY,
                     W_TOOLARGE, NULL);
  if (rq->open_rc != MJ_OK)
    return refusal(c, rq->open_rc, rq->lang);
  /* The session's token, posted back: a page of another site cannot read
  ** the cookie, and SameSite keeps it from being sent there. */
  const char *have = cookie_csrf(c);
  if (!have || !rq->csrf.s || !secret_eq(rq->csrf.s, have))
    return send_note(c, MHD_HTTP_FORBIDDEN, rq->lang, W_SURVEY, W_FORBIDDEN,
                     NULL);
  finish_values(rq);
  mj_error err = {0};
  int rc = w->sh->submit(w->sh->ud, rq->form, (const char *const *)rq->values,
                         !rq->check, &err);
  if (rq->check) {
    buf b = {.ok = 1};
    web_check_json(&b, rq->form);
    return send_buf(c, MHD_HTTP_OK, &b, "application/json", NULL);
  }
  if (rc == MJ_EVALIDATE)
    return show_form(w, c, rq, rq->form, MHD_HTTP_UNPROCESSABLE_CONTENT, 1);
  if (rc == MJ_ECONFLICT)
    return refusal(c, rc, rq->lang);
  if (rc == MJ_ELIMIT)
    return stopping_page(c, rq->lang);
  if (rc != MJ_OK) {
    w->host->log(w->ctx, MJ_LOG_ERROR, "web: %s", err.msg);
    return refusal(c, rc, rq->lang);
  }
  char action[200];
  action_of(rq, action, sizeof action);
  return send_note(c, MHD_HTTP_OK, rq->lang, W_SURVEY, W_THANKS, action);
}

/* ---- unsubscribe links ------------------------------------------------------ */

/* Whether the host serves unsubscribe links (ABI 1.4, a field past
** close: a host built before it has a shorter table). */
static int has_unsubscribe(const mj_serve_host *sh)
{
  return sh->size >= offsetof(mj_serve_host, unsubscribe) +
                         sizeof sh->unsubscribe &&
         sh->unsubscribe != NULL;
}

/* Where needle (n bytes) first is in [p, end), or NULL. */
static const char *find(const char *p, const char *end, const char *needle,
                        size_t n)
{
  for (; p && end - p >= (ptrdiff_t)n; p++)
    if (memcmp(p, needle, n) == 0)
      return p;
  return NULL;
}

/* The language of the page: the customer's (lang, from the host), else
** the browser's first choice when Spanish, else English. */
static const char *unsub_lang(struct MHD_Connection *c, const char *lang)
{
  if (lang)
    return lang;
  const char *al =
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
  while (al && (*al == ' ' || *al == '\t'))
    al++;
  return al && (al[0] == 'e' || al[0] == 'E') && (al[1] == 's' || al[1] == 'S')
             ? "es"
             : "en";
}

/* Whether a multipart/form-data body has the part List-Unsubscribe with
** the value One-Click (RFC 8058 allows either encoding). */
static int multipart_one_click(const buf *body)
{
  static const char name[] = "name=\"List-Unsubscribe\"";
  const char *p = body->s, *end = p ? p + body->len : NULL;
  while ((p = find(p, end, name, sizeof name - 1))) {
    const char *v = find(p, end, "\r\n\r\n", 4);
    if (!v)
      return 0;
    v += 4;
    if ((size_t)(end - v) >= 11 && memcmp(v, "One-Click\r\n", 11) == 0)
      return 1;
    p = v;
  }
  return 0;
}

static enum MHD_Result unsub_refusal(web *w, struct MHD_Connection *c,
                                     int rc, const char *lang,
                                     const mj_error *err)
{
  if (rc == MJ_ENOTFOUND)
    return send_note(c, MHD_HTTP_NOT_FOUND, lang, W_UNSUB, W_NOTFOUND, NULL);
  w->host->log(w->ctx, MJ_LOG_ERROR, "web: %s", err->msg);
  return send_note(c, MHD_HTTP_INTERNAL_SERVER_ERROR, lang, W_UNSUB, W_ERROR,
                   NULL);
}

/* GET /u/TOKEN: a page asking to confirm, with a button that posts the
** session's CSRF token back. Nothing is recorded by a GET: mail scanners
** open links. */
static enum MHD_Result unsub_page(web *w, struct MHD_Connection *c,
                                  request *rq)
{
  const char *lang = NULL;
  mj_error err = {0};
  int rc = has_unsubscribe(w->sh)
               ? w->sh->unsubscribe(w->sh->ud, rq->token, 0, &lang, &err)
               : MJ_ENOTFOUND;
  lang = unsub_lang(c, lang);
  if (rc != MJ_OK)
    return unsub_refusal(w, c, rc, lang, &err);
  char csrf[TOKEN_LEN + 1], cookie[200], action[200];
  const char *set;
  if (!session_csrf(w, c, csrf, cookie, sizeof cookie, &set))
    return refusal(c, MJ_EIO, lang);
  snprintf(action, sizeof action, "/u/%s", rq->token);
  buf b = {.ok = 1};
  web_unsub_page(&b, lang, action, csrf);
  return send_buf(c, MHD_HTTP_OK, &b, "text/html; charset=utf-8", set);
}

/* POST /u/TOKEN: the button of that page, or a mail client's one-click
** unsubscribe. Unsubscribing again is fine: the same page again. */
static enum MHD_Result unsub_done(web *w, struct MHD_Connection *c,
                                  request *rq)
{
  const char *lang = unsub_lang(c, NULL);
  if (rq->too_large)
    return send_note(c, MHD_HTTP_CONTENT_TOO_LARGE, lang, W_UNSUB,
                     W_TOOLARGE, NULL);
  if (!has_unsubscribe(w->sh))
    return send_note(c, MHD_HTTP_NOT_FOUND, lang, W_UNSUB, W_NOTFOUND, NULL);
  if (rq->multipart)
    rq->one_click = multipart_one_click(&rq->body);
  /*
  ** RFC 8058 section 3.2: a mail client unsubscribes with a POST whose
  ** body is List-Unsubscribe=One-Click, with no cookie and no page seen
  ** before, so it cannot carry our CSRF token. It is exempt by design:
  ** the secret is the token in the URL (32 random hex digits, only in
  ** the customer's message), a cross-site form could not learn it, and
  ** the worst a forged request does is unsubscribe the owner of a link
  ** the forger already holds. Every other POST needs the session's
  ** token, as the forms do.
  */
  if (!rq->one_click) {
    const char *have = cookie_csrf(c);
    if (!have || !rq->csrf.s || !secret_eq(rq->csrf.s, have))
      return send_note(c, MHD_HTTP_FORBIDDEN, lang, W_UNSUB, W_FORBIDDEN,
                       NULL);
  }
  mj_error err = {0};
  const char *who = NULL;
  int rc = w->sh->unsubscribe(w->sh->ud, rq->token, 1, &who, &err);
  lang = unsub_lang(c, who);
  if (rc != MJ_OK)
    return unsub_refusal(w, c, rc, lang, &err);
  return send_note(c, MHD_HTTP_OK, lang, W_UNSUB, W_UNSUB_DONE, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
  web *w = cls;
  request *rq = *con_cls;
  if (!rq) {
    /* The first call: the headers only. */
    rq = calloc(1, sizeof *rq);
    if (!rq)
      return MHD_NO;
    rq->csrf.ok = rq->rid.ok = 1;
    *con_cls = rq;
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    if (!rate_ok(w, c))
      return send_note(c, MHD_HTTP_TOO_MANY_REQUESTS, NULL, W_SURVEY,
                       W_TOOMANY, NULL);
    const char *file = NULL;
    if (strcmp(url, "/report") == 0)
      return web_report(c, method, &w->report, w->sh);
    if (get && strcmp(url, "/favicon.ico") == 0) {
      /* Browsers ask for it unbidden: no icon, and no error either. */
      buf b = {.ok = 1};
      return send_buf(c, MHD_HTTP_NO_CONTENT, &b, "image/x-icon", NULL);
    }
    if (route(url, rq, &file) == R_NONE || (rq->check && !post))
      return send_note(c, MHD_HTTP_NOT_FOUND, NULL, W_SURVEY, W_NOTFOUND,
                       NULL);
    if (!get && !post) {
      buf b = {.ok = 1};
      web_puts(&b, "method not allowed\n");
      return send_buf(c, MHD_HTTP_METHOD_NOT_ALLOWED, &b,
                      "text/plain; charset=utf-8", NULL);
    }
    if (rq->route == R_STATIC) {
      if (!get)
        return send_note(c, MHD_HTTP_METHOD_NOT_ALLOWED, NULL, W_SURVEY,
                         W_NOTFOUND, NULL);
      const char *type;
      const char *body = web_static(file, &type);
      struct MHD_Response *r = MHD_create_response_from_buffer(
          strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
      if (!r)
        return MHD_NO;
      headers(r, type, 1);
      enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
      MHD_destroy_response(r);
      return ok;
    }
    if (get && rq->route == R_UNSUB)
      return unsub_page(w, c, rq);
    if (get) {
      mj_form *f = NULL;
      const char *lang = NULL;
      mj_error err = {0};
      int rc = w->sh->open(w->sh->ud, rq->route == R_TOKEN ? rq->token : NULL,
                           rq->route == R_ANON ? rq->qid : NULL, NULL, &f,
                           &lang, &err);
      if (rc != MJ_OK)
        return refusal(c, rc, lang);
      enum MHD_Result ok = show_form(w, c, rq, f, MHD_HTTP_OK, 0);
      w->sh->close(w->sh->ud, f);
      return ok;
    }
    /* A POST: refuse a body announced too large before reading it. */
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > w->max_body)
      return send_note(c, MHD_HTTP_CONTENT_TOO_LARGE, NULL, W_SURVEY,
                       W_TOOLARGE, NULL);
    const char *ct =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    rq->multipart = rq->route == R_UNSUB && ct &&
                    strncmp(ct, "multipart/form-data", 19) == 0;
    if (!rq->multipart &&
        (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0)) {
      buf b = {.ok = 1};
      web_puts(&b, "a form (application/x-www-form-urlencoded) is "
                   "expected\n");
      return send_buf(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, &b,
                      "text/plain; charset=utf-8", NULL);
    }
    rq->body.ok = 1;
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (rq->too_large || rq->body.len + n > w->max_body) {
      rq->too_large = 1; /* read and drop the rest */
      return MHD_YES;
    }
    web_put(&rq->body, upload_data, n);
    if (!rq->body.ok)
      return MHD_NO;
    return MHD_YES;
  }
  if (rq->route == R_UNSUB) {
    if (!rq->too_large && !rq->multipart && !parse_body(rq, w->max_fields, 0))
      rq->too_large = 1;
    return unsub_done(w, c, rq);
  }
  /* The whole body is in: which form, then its answers. */
  if (!rq->too_large) {
    if (!parse_body(rq, w->max_fields, 0))
      rq->too_large = 1;
    else if (open_form(w, rq, rq->rid.s) != MHD_YES)
      return MHD_NO;
    else if (rq->open_rc == MJ_OK && !parse_body(rq, w->max_fields, 1))
      rq->too_large = 1;
  }
  return post_done(w, c, rq);
}

/* ---- the server --------------------------------------------------------------- */

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
  web *w = cls;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
    msg[--n] = '\0';
  w->host->log(w->ctx, MJ_LOG_WARN, "web: %s", msg);
}

/* "ADDRESS:PORT" or "[IPv6]:PORT" as a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss,
                        int *v6)
{
  char host[128];
  const char *colon = strrchr(listen, ':');
  if (!colon || !colon[1])
    return 0;
  size_t n = (size_t)(colon - listen);
  const char *h = listen;
  if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
    h++;
    n -= 2;
  }
  if (n == 0 || n >= sizeof host)
    return 0;
  memcpy(host, h, n);
  host[n] = '\0';
  char *end;
  unsigned long port = strtoul(colon + 1, &end, 10);
  if (*end || port > 65535)
    return 0;
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *v6 = 0;
    return 1;
  }
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *v6 = 1;
    return 1;
  }
  return 0;
}

static int web_serve(void *inst, const mj_serve_host *sh, mj_error *err)
{
  web *w = inst;
  if (!sh || sh->size < offsetof(mj_serve_host, unsubscribe))
    return w->host->error(err, MJ_EINVAL, "web: the host's table is too "
                                          "old for this collector");
  struct sockaddr_storage ss;
  int v6 = 0;
  if (!sh->listen || !parse_listen(sh->listen, &ss, &v6))
    return w->host->error(err, MJ_EINVAL,
                          "web: cannot listen on '%s': write ADDRESS:PORT, "
                          "e.g. 127.0.0.1:8080 or [::1]:8080",
                          sh->listen ? sh->listen : "");
  w->rates = calloc(RATE_SLOTS, sizeof *w->rates);
  if (!w->rates)
    return w->host->error(err, MJ_ENOMEM, "web: out of memory");
  if (pthread_mutex_init(&w->rates_mu, NULL) != 0) {
    free(w->rates);
    w->rates = NULL;
    return w->host->error(err, MJ_ENOMEM, "web: cannot make a mutex");
  }
  w->sh = sh;
  /*
  ** A host that takes concurrent calls gets a thread per connection: a
  ** submission waits in submit() for its group's fsync while the other
  ** connections go on, and their submissions join the next group. An
  ** older host gets no thread of ours: every callback runs here, in
  ** MHD_run_wait.
  */
  int threads = sh->size >= offsetof(mj_serve_host, concurrent) +
                                sizeof sh->concurrent &&
                sh->concurrent;
  unsigned flags = MHD_USE_ITC | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0) |
                   (threads ? MHD_USE_INTERNAL_POLLING_THREAD |
                                  MHD_USE_THREAD_PER_CONNECTION
                            : 0);
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, w, MHD_OPTION_EXTERNAL_LOGGER,
      mhd_log, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_NOTIFY_COMPLETED, completed, w, MHD_OPTION_CONNECTION_LIMIT,
      w->connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
      MHD_OPTION_END);
  if (!d) {
    pthread_mutex_destroy(&w->rates_mu);
    free(w->rates);
    w->rates = NULL;
    w->sh = NULL;
    return w->host->error(err, MJ_EIO,
                          "web: cannot listen on %s (in use, or not an "
                          "address of this machine?)",
                          sh->listen);
  }
  /* The port as bound: port 0 in listen asks for a free one. */
  const union MHD_DaemonInfo *fd =
      MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
  struct sockaddr_storage got;
  socklen_t len = sizeof got;
  unsigned port = 0;
  if (fd && getsockname(fd->listen_fd, (struct sockaddr *)&got, &len) == 0)
    port = ntohs(got.ss_family == AF_INET6
                     ? ((struct sockaddr_in6 *)&got)->sin6_port
                     : ((struct sockaddr_in *)&got)->sin_port);
  char where[160];
  snprintf(where, sizeof where, "%.*s:%u",
           (int)(strrchr(sh->listen, ':') - sh->listen), sh->listen, port);
  w->host->log(w->ctx, MJ_LOG_INFO, "web: serving on http://%s/", where);
  while (!sh->stopping(sh->ud))
    if (threads)
      poll(NULL, 0, 100);
    else
      MHD_run_wait(d, 100);
  /*
  ** Stop taking connections, let the ones under way finish (a second at
  ** most), then close. A response is stored inside one request's call
  ** (submit() returns once it is committed), and the host refuses to
  ** store any more once stopping: no answer is ever half written, and
  ** none thanked is lost.
  */
  MHD_socket ls = MHD_quiesce_daemon(d);
  if (ls != MHD_INVALID_SOCKET)
    close(ls);
  for (int i = 0; i < 10; i++) {
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    if (!di || di->num_connections == 0)
      break;
    if (threads)
      poll(NULL, 0, 100);
    else
      MHD_run_wait(d, 100);
  }
  MHD_stop_daemon(d);
  pthread_mutex_destroy(&w->rates_mu);
  free(w->rates);
  w->rates = NULL;
  w->sh = NULL;
  w->host->log(w->ctx, MJ_LOG_INFO, "web: stopped");
  return MJ_OK;
}

/* ---- the plugin ---------------------------------------------------------------- */

static int web_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  web *w = host->alloc(sizeof *w);
  if (!w)
    return host->error(err, MJ_ENOMEM, "web: out of memory");
  memset(w, 0, sizeof *w);
  w->host = host;
  w->ctx = ctx;
  int64_t body = host->cfg_int(cfg, "max_body", 65536);
  int64_t fields = host->cfg_int(cfg, "max_fields", 500);
  int64_t rate = host->cfg_int(cfg, "rate", 600);
  int64_t conns = host->cfg_int(cfg, "connections", 1000);
  if (body < 1024 || fields < 1 || rate < 1 || conns < 1 || conns > 60000 ||
      rate > 1000000000) {
    host->free(w);
    return host->error(err, MJ_EINVAL,
                       "web: max_body must be at least 1024, max_fields, "
                       "rate and connections at least 1 (connections at "
                       "most 60000)");
  }
  w->max_body = (uint64_t)body;
  w->max_fields = (uint64_t)fields;
  w->rate = (unsigned)rate;
  w->connections = (unsigned)conns;
  w->secure = host->cfg_bool(cfg, "secure_cookies", 0);
  w->report.token = host->cfg_str(cfg, "report_token");
  w->report.user = host->cfg_str(cfg, "report_user");
  w->report.password = host->cfg_str(cfg, "report_password");
  if ((w->report.user != NULL) != (w->report.password != NULL)) {
    host->free(w);
    return host->error(err, MJ_EINVAL,
                       "web: report_user and report_password go together");
  }
  *inst = w;
  return MJ_OK;
}

static void web_destroy(void *inst)
{
  web *w = inst;
  if (w)
    w->host->free(w);
}

static int web_collect(void *inst, const char *source, const mj_sink *sink,
                       mj_error *err)
{
  web *w = inst;
  return w->host->error(err, MJ_EINVAL,
                        "web: this collector serves respondents (mejora "
                        "serve); it reads no files such as '%s'",
                        source);
}

static const mj_collector_ops web_ops = {
    sizeof(mj_collector_ops), web_create, web_destroy, web_collect,
    web_serve,
};

static const mj_plugin_desc web_desc = {
    MJ_PLUGIN_HEADER,
    "web",
    "1.0.0",
    "questionnaires as web forms for respondents (mejora serve)",
    "MIT",
    MJ_KIND_COLLECTOR,
    web_options,
    NULL,
    NULL,
    &web_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(web, web_desc)
