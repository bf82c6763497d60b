/*
** /report in mejora serve: the cycle's HTML report, for teams who share
** it rather than mail it, behind a bearer token or HTTP Basic
** authentication (RFC 6750, RFC 7617) compared in constant time.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "report_route.h"

/* Equal, in a time that depends only on the expected length. */
static int same_secret(const char *got, size_t g, const char *want)
{
  size_t n = strlen(want);
  unsigned char d = (unsigned char)(g != n);
  for (size_t i = 0; i < n; i++)
    d |= (unsigned char)((i < g ? got[i] : 0) ^ want[i]);
  return d == 0;
}

/* Does the Authorization header carry the configured credentials? */
static int let_in(const char *h, const web_report_auth *a)
{
  if (!h)
    return 0;
  if (a->token && *a->token && strncasecmp(h, "Bearer ", 7) == 0) {
    h += 7;
    while (*h == ' ')
      h++;
    return same_secret(h, strlen(h), a->token);
  }
  if (a->user && a->password && strncasecmp(h, "Basic ", 6) == 0) {
    h += 6;
    while (*h == ' ')
      h++;
    size_t n = strlen(h);
    if (n == 0 || n % 4 != 0 || n > 1024)
      return 0;
    unsigned char out[800];
    int got = EVP_DecodeBlock(out, (const unsigned char *)h, (int)n);
    if (got < 0)
      return 0;
    /* EVP_DecodeBlock counts the padding's bytes as data */
    for (size_t i = n; i > 0 && h[i - 1] == '='; i--)
      got--;
    char want[600];
    int w = snprintf(want, sizeof want, "%s:%s", a->user, a->password);
    if (w < 0 || (size_t)w >= sizeof want)
      return 0;
    return same_secret((const char *)out, (size_t)got, want);
  }
  return 0;
}

/* The security headers every answer of the collector has, with a CSP
** that lets in this page's one <style> by its hash and nothing else. */
static void headers(struct MHD_Response *r, const char *type, const char *csp)
{
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Content-Security-Policy", csp);
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Cache-Control", "no-store");
}

static const char csp_none[] = "default-src 'none'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'";

static enum MHD_Result plain(struct MHD_Connection *c, unsigned status,
                             const char *text, const web_report_auth *a)
{
  struct MHD_Response *r = MHD_create_response_from_buffer(
      strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  headers(r, "text/plain; charset=utf-8", csp_none);
  if (status == MHD_HTTP_UNAUTHORIZED) {
    if (a->token && *a->token)
      MHD_add_response_header(r, "WWW-Authenticate",
                              "Bearer realm=\"mejora report\"");
    if (a->user && a->password)
      MHD_add_response_header(r, "WWW-Authenticate",
                              "Basic realm=\"mejora report\", "
                              "charset=\"UTF-8\"");
  }
  enum MHD_Result ok = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ok;
}

/* 'sha256-BASE64' of the page's first <style> element's text (html is
** NUL-terminated), or "" when it has none. */
static void style_hash(const char *html, char *out, size_t n)
{
  out[0] = '\0';
  const char *a = strstr(html, "<style>");
  const char *b = a ? strstr(a, "</style>") : NULL;
  if (!a || !b)
    return;
  a += 7;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  if (!EVP_Digest(a, (size_t)(b - a), md, &mdlen, EVP_sha256(), NULL))
    return;
  EVP_EncodeBlock(b64, md, (int)mdlen);
  snprintf(out, n, "'sha256-%s'", (const char *)b64);
}

enum MHD_Result web_report(struct MHD_Connection *c, const char *method,
                           const web_report_auth *a, const mj_serve_host *sh)
{
  int configured = (a->token && *a->token) || (a->user && a->password);
  if (!configured || sh->size < offsetof(mj_serve_host, report_free) +
                                    sizeof sh->report_free ||
      !sh->report || !sh->report_free)
    return plain(c, MHD_HTTP_NOT_FOUND, "not found\n", a);
  if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
    return plain(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n", a);
  if (!let_in(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                          MHD_HTTP_HEADER_AUTHORIZATION),
              a))
    return plain(c, MHD_HTTP_UNAUTHORIZED, "authentication required\n", a);
  char *html = NULL;
  size_t len = 0;
  mj_error err = {0};
  int rc = sh->report(sh->ud, &html, &len, &err);
  if (rc != MJ_OK) {
    sh->report_free(sh->ud, html);
    return plain(c, rc == MJ_ENOTFOUND ? MHD_HTTP_NOT_FOUND
                                       : MHD_HTTP_INTERNAL_SERVER_ERROR,
                 rc == MJ_ENOTFOUND ? "no report yet: no cycle has run\n"
                                    : "the report could not be written\n",
                 a);
  }
  char hash[128], csp[400];
  style_hash(html, hash, sizeof hash);
  snprintf(csp, sizeof csp,
           "default-src 'none'; style-src %s; img-src 'none'; "
           "script-src 'none'; base-uri 'none'; form-action 'none'; "
           "frame-ancestors 'none'",
           hash[0] ? hash : "'none'");
  struct MHD_Response *r =
      MHD_create_response_from_buffer(len, html, MHD_RESPMEM_MUST_COPY);
  sh->report_free(sh->ud, html);
  if (!r)
    return MHD_NO;
  headers(r, "text/html; charset=utf-8", csp);
  enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ok;
}
