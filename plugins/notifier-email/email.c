/*
** E-mail notifier: each event as a message through an SMTP server, with
** libcurl.
**
** Options (see doc/notifiers.md): url (smtp://host:port, or smtps:// for
** TLS from the start), from, to (fixed recipients, ','-separated) and/or
** to_meta (the meta key whose value is a recipient, e.g. a plan's owner),
** starttls ("try": upgrade when the server offers it; "require"), user
** and password_env (the name of the environment variable holding the
** password: a secret never sits in a playbook), ca_file, timeout.
**
** The message itself is built in message.c. Outcomes: MJ_OK when the
** server took the message; MJ_RETRY when trying later may work (no
** connection, a time-out, an SMTP 4xx answer); MJ_EIO with the server's
** answer when it will not (an SMTP 5xx answer such as an unknown
** recipient, refused credentials, a certificate that fails), and
** MJ_EINVAL when the event gives no address to send to.
**
** create() connects nowhere (mejora check creates every instance). The
** first event connects; the events after it reuse that connection (one
** TLS handshake and login for a whole outbox, not one per message), which
** libcurl drops when it has idled too long or failed, and destroy() ends.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "message.h"
#include "notify.h"

#define WHO "notifier email"

typedef struct email_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  mj_notify_link link; /* url, password, ca_file, timeout */
  char *user;
  char *to, *to_meta;  /* as given: to is checked in create */
  mj_mail_addr from;
  int require_tls;
  CURL *curl;          /* from the first event on: its connection stays */
} email_inst;

static void email_destroy(void *inst);

/* Each ','-separated address of list, checked; n counts them. */
static int parse_list(const char *list, mj_mail_addr *out, size_t max,
                      size_t *n, char *why, size_t why_len)
{
  *n = 0;
  const char *p = list;
  while (*p) {
    /* A ',' inside a quoted display name does not end an address. */
    const char *q = p;
    int quoted = 0;
    for (; *q && (quoted || *q != ','); q++)
      if (*q == '"')
        quoted = !quoted;
    if (*n == max) {
      snprintf(why, why_len, "more than %zu addresses", max);
      return 0;
    }
    char inner[200];
    if (!mj__mail_addr_parse(p, (size_t)(q - p), &out[*n], inner,
                             sizeof inner)) {
      snprintf(why, why_len, "'%.*s': %s", (int)(q - p > 200 ? 200 : q - p),
               p, inner);
      return 0;
    }
    (*n)++;
    p = *q ? q + 1 : q;
  }
  return 1;
}

enum { MAX_TO = 16 };

static int email_create(const mj_host_api *host, mj_ctx *ctx,
                        const mj_config *cfg, void **inst, mj_error *err)
{
  const char *url = host->cfg_str(cfg, "url");
  const char *from = host->cfg_str(cfg, "from");
  const char *to = host->cfg_str(cfg, "to");
  const char *to_meta = host->cfg_str(cfg, "to_meta");
  const char *starttls = host->cfg_str(cfg, "starttls");
  const char *user = host->cfg_str(cfg, "user");
  char why[300];

  if (strncmp(url, "smtp://", 7) != 0 && strncmp(url, "smtps://", 8) != 0)
    return host->error(err, MJ_EINVAL,
                       WHO ": option url '%s' is not an SMTP server's: give "
                       "smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT",
                       url);
  if ((!to || !*to) && (!to_meta || !*to_meta))
    return host->error(err, MJ_EINVAL,
                       WHO ": no recipient: give to = \"ADDRESS, ...\", or "
                       "to_meta = \"owner\" to write to the address an event "
                       "carries");
  if (starttls && strcmp(starttls, "try") != 0 &&
      strcmp(starttls, "require") != 0)
    return host->error(err, MJ_EINVAL,
                       WHO ": option starttls is \"%s\": use \"try\" (when "
                       "the server offers it) or \"require\"",
                       starttls);
  mj_mail_addr check[MAX_TO];
  size_t n = 0;
  if (!mj__mail_addr_parse(from, strlen(from), &check[0], why, sizeof why))
    return host->error(err, MJ_EINVAL, WHO ": option from '%s': %s", from,
                       why);
  if (to && !parse_list(to, check, MAX_TO, &n, why, sizeof why))
    return host->error(err, MJ_EINVAL, WHO ": option to: %s", why);

  email_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, WHO ": out of memory");
  memset(in, 0, sizeof *in);
  in->host = host;
  in->ctx = ctx;
  in->to = to && *to ? host->strdup(to) : NULL;
  mj__mail_addr_parse(from, strlen(from), &in->from, why, sizeof why);
  /* A password never goes over a line that might stay unencrypted. */
  in->require_tls = starttls ? strcmp(starttls, "require") == 0
                             : host->cfg_str(cfg, "password_env") != NULL;
  in->to_meta = to_meta && *to_meta ? host->strdup(to_meta) : NULL;
  in->user = user ? host->strdup(user) : NULL;
  int rc = MJ_OK;
  if ((to && *to && !in->to) ||
      (to_meta && *to_meta && !in->to_meta) ||
      (user && !in->user))
    rc = host->error(err, MJ_ENOMEM, WHO ": out of memory");
  if (rc == MJ_OK)
    rc = mj__notify_link_open(host, ctx, cfg, WHO, "password_env", &in->link,
                              err);
  if (rc == MJ_OK && in->link.secret && !in->user)
    rc = host->error(err, MJ_EINVAL,
                     WHO ": option password_env without user: give the "
                     "user name to log in with");
  if (rc != MJ_OK) {
    email_destroy(in);
    return rc;
  }
  *inst = in;
  return MJ_OK;
}

static void email_destroy(void *inst)
{
  email_inst *in = inst;
  if (!in)
    return;
  const mj_host_api *H = in->host;
  curl_easy_cleanup(in->curl);
  mj__notify_link_close(H, &in->link);
  H->free(in->to);
  H->free(in->to_meta);
  H->free(in->user);
  H->free(in);
}

typedef struct reader {
  const char *p;
  size_t left;
} reader;

static size_t read_message(char *dst, size_t size, size_t nmemb, void *ud)
{
  reader *r = ud;
  size_t n = size * nmemb < r->left ? size * nmemb : r->left;
  memcpy(dst, r->p, n);
  r->p += n;
  r->left -= n;
  return n;
}

/* The event's recipients: the fixed ones, then the one its meta names. */
static int recipients(email_inst *in, const mj_event *ev, mj_mail_addr *to,
                      size_t *n, mj_error *err)
{
  const mj_host_api *H = in->host;
  char why[300];
  *n = 0;
  if (in->to && !parse_list(in->to, to, MAX_TO, n, why, sizeof why))
    return H->error(err, MJ_EINVAL, WHO ": option to: %s", why);
  if (in->to_meta) {
    const char *v = mj__notify_meta(ev, in->to_meta);
    int fine = v && *v && *n < MAX_TO &&
               mj__mail_addr_parse(v, strlen(v), &to[*n], why, sizeof why);
    if (fine)
      (*n)++;
    else if (*n > 0)
      H->log(in->ctx, MJ_LOG_INFO,
             WHO ": event %s: its %s '%s' is not an e-mail address; sent to "
             "option to's only",
             ev->kind ? ev->kind : "", in->to_meta, v ? v : "");
    else
      return H->error(err, MJ_EINVAL,
                      WHO ": event %s: its %s '%s' is not an e-mail address "
                      "(%s), and option to names nobody else",
                      ev->kind ? ev->kind : "", in->to_meta, v ? v : "",
                      v && *v ? why : "no such meta");
  }
  return MJ_OK;
}

/* What the server's answer or libcurl's failure means for the event. */
static int outcome(email_inst *in, CURLcode rc, long code,
                   const char *detail, mj_error *err)
{
  const mj_host_api *H = in->host;
  if (code >= 400 && code < 500)
    return H->error(err, MJ_RETRY,
                    WHO ": %s answered %ld, a temporary refusal: %s",
                    in->link.url, code, detail);
  if (code >= 500)
    return H->error(err, MJ_EIO,
                    WHO ": %s refused the message with %ld: %s; check the "
                    "addresses and the credentials",
                    in->link.url, code, detail);
  int st = mj__notify_curl_status(rc);
  if (rc == CURLE_USE_SSL_FAILED)
    return H->error(err, st,
                    WHO ": %s does not offer STARTTLS and starttls is "
                    "\"require\" (or a password is set): %s",
                    in->link.url, detail);
  return H->error(err, st, WHO ": sending to %s %s: %s", in->link.url,
                  st == MJ_RETRY ? "failed for now" : "failed", detail);
}

static int email_notify(void *inst, const mj_event *ev, mj_error *err)
{
  email_inst *in = inst;
  const mj_host_api *H = in->host;
  mj_mail_addr to[MAX_TO];
  size_t n = 0;
  int rc = recipients(in, ev, to, &n, err);
  if (rc != MJ_OK)
    return rc;
  const char *unsub = mj__notify_meta(ev, "unsubscribe");
  /* A customer (an event with a "customer" meta) can always say stop. */
  if (!unsub && mj__notify_meta(ev, "customer"))
    return H->error(err, MJ_EINVAL,
                    WHO ": event %s to customer '%.100s' has no unsubscribe "
                    "link: give the event an \"unsubscribe\" meta (a "
                    "sample's unsubscribe = \"https://.../u/{token}\")",
                    ev->kind ? ev->kind : "",
                    mj__notify_meta(ev, "customer"));
  if (unsub && !mj__mail_link_safe(unsub))
    return H->error(err, MJ_EINVAL,
                    WHO ": event %s: the unsubscribe link '%.200s' is not an "
                    "http(s) or mailto link without spaces or quotes",
                    ev->kind ? ev->kind : "", unsub);
  char key[MJ_NOTIFY_KEY_LEN + 1];
  if (mj__notify_key(ev, key) != MJ_OK)
    return H->error(err, MJ_ENOMEM, WHO ": out of memory");
  char *msg = mj__mail_build(ev, key, &in->from, to, n);
  if (!msg)
    return H->error(err, MJ_ENOMEM, WHO ": out of memory");

  if (!in->curl)
    in->curl = curl_easy_init();
  CURL *curl = in->curl;
  struct curl_slist *rcpt = NULL;
  char mail_from[MJ_MAIL_ADDR_MAX + 2], errbuf[CURL_ERROR_SIZE] = "";
  int good = curl != NULL;
  for (size_t i = 0; good && i < n; i++) {
    char a[MJ_MAIL_ADDR_MAX + 2];
    snprintf(a, sizeof a, "<%s>", to[i].addr);
    struct curl_slist *l = curl_slist_append(rcpt, a);
    good = l != NULL;
    if (good)
      rcpt = l;
  }
  if (!good) {
    curl_slist_free_all(rcpt);
    free(msg);
    return H->error(err, MJ_ENOMEM, WHO ": out of memory");
  }
  snprintf(mail_from, sizeof mail_from, "<%s>", in->from.addr);
  reader r = {msg, strlen(msg)};
  mj__notify_link_setopt(&in->link, curl, errbuf);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(curl, CURLOPT_READDATA, &r);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE, (long)r.left);
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   in->require_tls ? (long)CURLUSESSL_ALL
                                   : (long)CURLUSESSL_TRY);
  if (in->user)
    curl_easy_setopt(curl, CURLOPT_USERNAME, in->user);
  if (in->link.secret)
    curl_easy_setopt(curl, CURLOPT_PASSWORD, in->link.secret);

  CURLcode crc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  rc = MJ_OK;
  if (crc != CURLE_OK)
    rc = outcome(in, crc, code, errbuf[0] ? errbuf : curl_easy_strerror(crc),
                 err);
  /* The options point into this frame (error buffer, recipients, the
  ** message): forget them; the connection stays. */
  curl_easy_reset(curl);
  curl_slist_free_all(rcpt);
  free(msg);
  return rc;
}

static const mj_notifier_ops email_ops = {
    sizeof(mj_notifier_ops),
    email_create,
    email_destroy,
    email_notify,
};

static const mj_option email_options[] = {
    {"url", MJ_OPT_STRING, NULL, 1,
     "the SMTP server: smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT"},
    {"from", MJ_OPT_STRING, NULL, 1,
     "the sender, \"Name <address>\" or an address"},
    {"to", MJ_OPT_STRING, NULL, 0,
     "fixed recipients, ','-separated addresses"},
    {"to_meta", MJ_OPT_STRING, NULL, 0,
     "the event's meta key whose value is a recipient (e.g. \"owner\")"},
    {"starttls", MJ_OPT_STRING, NULL, 0,
     "\"try\" (when offered) or \"require\"; require when a password is "
     "set"},
    {"user", MJ_OPT_STRING, NULL, 0, "the user name to log in with"},
    {"password_env", MJ_OPT_STRING, NULL, 0,
     "the environment variable holding the password (allowed by --env)"},
    {"ca_file", MJ_OPT_STRING, NULL, 0,
     "certificates to trust (PEM), relative to the playbook's folder; "
     "default: the system's"},
    {"timeout", MJ_OPT_INT, "30", 0, "seconds allowed for one message"},
    {NULL, 0, NULL, 0, NULL},
};

static const mj_plugin_desc email_desc = {
    MJ_PLUGIN_HEADER,
    "email",
    "1.0.0",
    "Sends each event as an e-mail (text and HTML) through an SMTP server",
    "MIT",
    MJ_KIND_NOTIFIER,
    email_options,
    NULL,
    NULL,
    &email_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(email, email_desc)
