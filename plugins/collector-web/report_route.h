/*
** The web collector's /report: the host's HTML report behind a bearer
** token or HTTP Basic credentials, never open without them.
*/
#ifndef MJ_WEB_REPORT_ROUTE_H
#define MJ_WEB_REPORT_ROUTE_H

#include <microhttpd.h>

#include "mejora/plugin.h"

/* What lets a reader in; /report is not served when neither the token
** nor the user and password are set. */
typedef struct web_report_auth {
  const char *token;
  const char *user, *password;
} web_report_auth;

/* Answer a request for /report: 404 when no credentials are configured
** or the host has no report, 405 for a method other than GET or HEAD,
** 401 with WWW-Authenticate without the right credentials, else 200 and
** the page with a CSP that allows its inline style by hash, and no
** script. */
enum MHD_Result web_report(struct MHD_Connection *c, const char *method,
                           const web_report_auth *auth,
                           const mj_serve_host *sh);

#endif
