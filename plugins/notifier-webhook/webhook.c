/*
** Webhook notifier: each event as a signed JSON POST, with libcurl.
**
** Options (see doc/notifiers.md): url (http:// or https://), secret_env
** (the name of the environment variable holding the signing secret),
** include (meta keys sent besides the default ones, ','-separated; "*"
** for all), ca_file, timeout.
**
** The body is one JSON object: id (the event's stable key), kind,
** severity, time (seconds since the epoch), subject, message and meta.
** meta carries only the keys that name things of the service, not
** people (see default_keys below), plus those include asks for: a
** customer's name, address or answers never leave unless the playbook
** says so.
**
** Headers: X-Mejora-Timestamp (seconds since the epoch when sent) and,
** with a secret, X-Mejora-Signature: sha256=HEX, the HMAC-SHA256 of
** "TIMESTAMP.BODY" under the secret; Idempotency-Key and X-Mejora-Event-Id
** carry the stable key. The timestamp is the sending time, not the
** event's, so a delivery retried an hour later is not refused as stale by
** a receiver that checks it.
**
** HMAC comes from OpenSSL's libcrypto: libcurl already links it for TLS
** here, so no other library joins the process, and it is the most
** reviewed implementation on the system.
**
** Outcomes: a 2xx answer is MJ_OK; no connection, a time-out, 408, 429
** or a 5xx answer is MJ_RETRY; any other answer (a 4xx, a redirect) is
** MJ_EIO with the status and the start of the answer's body.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "notify.h"

#define WHO "notifier webhook"

/*
** Meta keys sent by default: what names a cycle, a plan, a case, a
** figure or a due date. Anything else (an owner's or a customer's address, a name, a
** token, a comment) goes only when include names it.
*/
static const char *const default_keys[] = {
    "cycle",    "plan",  "due_at",        "status", "metric",
    "segment",  "questionnaire", "question", "standard", "audit",
    "requirement", "wave", "value", "target", "case", "alert", NULL};

typedef struct webhook_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  mj_notify_link link; /* url, secret, ca_file, timeout */
  char *include;
} webhook_inst;

static void webhook_destroy(void *inst);

static int webhook_create(const mj_host_api *host, mj_ctx *ctx,
                          const mj_config *cfg, void **inst, mj_error *err)
{
  const char *url = host->cfg_str(cfg, "url");
  const char *include = host->cfg_str(cfg, "include");
  if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
    return host->error(err, MJ_EINVAL,
                       WHO ": option url '%s' is not a web address: give "
                       "https://HOST/PATH (or http:// on a trusted network)",
                       url);
  webhook_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, WHO ": out of memory");
  memset(in, 0, sizeof *in);
  in->host = host;
  in->ctx = ctx;
  in->include = include ? host->strdup(include) : NULL;
  int rc = MJ_OK;
  if (include && !in->include)
    rc = host->error(err, MJ_ENOMEM, WHO ": out of memory");
  if (rc == MJ_OK)
    rc = mj__notify_link_open(host, ctx, cfg, WHO, "secret_env", &in->link,
                              err);
  if (rc != MJ_OK) {
    webhook_destroy(in);
    return rc;
  }
  *inst = in;
  return MJ_OK;
}

static void webhook_destroy(void *inst)
{
  webhook_inst *in = inst;
  if (!in)
    return;
  const mj_host_api *H = in->host;
  mj__notify_link_close(H, &in->link);
  H->free(in->include);
  H->free(in);
}

/* Is key in the ','-separated list (spaces around names ignored)? */
static int listed(const char *list, const char *key)
{
  size_t n = strlen(key);
  for (const char *p = list; p && *p;) {
    while (*p == ' ' || *p == ',')
      p++;
    size_t k = strcspn(p, ",");
    size_t e = k;
    while (e && p[e - 1] == ' ')
      e--;
    if ((e == 1 && *p == '*') || (e == n && e && memcmp(p, key, n) == 0))
      return 1;
    p += k;
  }
  return 0;
}

static int sent_key(const webhook_inst *in, const char *key)
{
  for (size_t i = 0; default_keys[i]; i++)
    if (strcmp(default_keys[i], key) == 0)
      return 1;
  return listed(in->include, key);
}

/* A JSON string, or null for text that is not UTF-8 (or NULL). */
static json_t *jstr(const char *s)
{
  json_t *j = s ? json_string(s) : NULL;
  return j ? j : json_null();
}

/* The body; NULL when out of memory. Free it with free(). */
static char *event_body(const webhook_inst *in, const mj_event *ev,
                        const char *key)
{
  json_t *meta = json_object();
  for (size_t i = 0; meta && i < ev->n_meta; i++) {
    const mj_meta *m = &ev->meta[i];
    /* jansson refuses a key that is not UTF-8, and releases the value. */
    if (m->key && sent_key(in, m->key))
      json_object_set_new(meta, m->key, jstr(m->value));
  }
  json_t *o = json_pack("{s:s, s:o, s:s, s:I, s:o, s:o, s:o}", "id", key,
                        "kind", jstr(ev->kind), "severity",
                        mj__notify_severity(ev->severity), "time",
                        (json_int_t)ev->time, "subject", jstr(ev->subject),
                        "message", jstr(ev->message), "meta",
                        meta ? meta : json_null());
  char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(o);
  return text;
}

/* "sha256=" and the hex HMAC-SHA256 of "ts.body" under secret. */
static int sign(const char *secret, const char *ts, const char *body,
                char *out, size_t len)
{
  size_t tn = strlen(ts), bn = strlen(body);
  unsigned char *data = malloc(tn + 1 + bn);
  if (!data)
    return 0;
  memcpy(data, ts, tn);
  data[tn] = '.';
  memcpy(data + tn + 1, body, bn);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned maclen = 0;
  int good = HMAC(EVP_sha256(), secret, (int)strlen(secret), data,
                  tn + 1 + bn, mac, &maclen) != NULL;
  free(data);
  if (!good || len < 8 + 2 * maclen)
    return 0;
  static const char hex[] = "0123456789abcdef";
  memcpy(out, "sha256=", 7);
  for (unsigned i = 0; i < maclen; i++) {
    out[7 + 2 * i] = hex[mac[i] >> 4];
    out[8 + 2 * i] = hex[mac[i] & 15];
  }
  out[7 + 2 * maclen] = '\0';
  return 1;
}

/* The start of the receiver's answer, for the failure's message. */
typedef struct answer {
  char text[201];
  size_t n;
} answer;

static size_t keep_answer(char *p, size_t size, size_t nmemb, void *ud)
{
  answer *a = ud;
  size_t n = size * nmemb;
  for (size_t i = 0; i < n && a->n + 1 < sizeof a->text; i++) {
    unsigned char c = (unsigned char)p[i];
    a->text[a->n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
  }
  a->text[a->n] = '\0';
  return n;
}

static int add_header(struct curl_slist **l, const char *name,
                      const char *value)
{
  char line[300];
  snprintf(line, sizeof line, "%s: %s", name, value);
  struct curl_slist *n = curl_slist_append(*l, line);
  if (!n)
    return 0;
  *l = n;
  return 1;
}

static int webhook_notify(void *inst, const mj_event *ev, mj_error *err)
{
  webhook_inst *in = inst;
  const mj_host_api *H = in->host;
  char key[MJ_NOTIFY_KEY_LEN + 1], ts[32], sig[7 + 2 * EVP_MAX_MD_SIZE + 1];
  if (mj__notify_key(ev, key) != MJ_OK)
    return H->error(err, MJ_ENOMEM, WHO ": out of memory");
  char *body = event_body(in, ev, key);
  if (!body)
    return H->error(err, MJ_ENOMEM, WHO ": out of memory");
  snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
  struct curl_slist *hdr = NULL;
  int good = (!in->link.secret || sign(in->link.secret, ts, body, sig, sizeof sig)) &&
             add_header(&hdr, "Content-Type", "application/json") &&
             add_header(&hdr, "Expect", "") &&
             add_header(&hdr, "X-Mejora-Timestamp", ts) &&
             add_header(&hdr, "X-Mejora-Event-Id", key) &&
             add_header(&hdr, "Idempotency-Key", key) &&
             (!in->link.secret || add_header(&hdr, "X-Mejora-Signature", sig));
  CURL *curl = good ? curl_easy_init() : NULL;
  if (!curl) {
    curl_slist_free_all(hdr);
    free(body);
    return H->error(err, MJ_ENOMEM, WHO ": out of memory");
  }
  answer ans = {"", 0};
  char errbuf[CURL_ERROR_SIZE] = "";
  mj__notify_link_setopt(&in->link, curl, errbuf);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "mejora-notifier-webhook/1.0");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ans);

  CURLcode crc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  int rc = MJ_OK;
  if (crc != CURLE_OK) {
    int st = mj__notify_curl_status(crc);
    rc = H->error(err, st, WHO ": posting to %s %s: %s", in->link.url,
                  st == MJ_RETRY ? "failed for now" : "failed",
                  errbuf[0] ? errbuf : curl_easy_strerror(crc));
  } else if (code >= 200 && code < 300) {
    rc = MJ_OK;
  } else if (code == 408 || code == 429 || code >= 500) {
    rc = H->error(err, MJ_RETRY,
                  WHO ": %s answered HTTP %ld, to try again later: %s",
                  in->link.url, code, ans.text);
  } else {
    rc = H->error(err, MJ_EIO,
                  WHO ": %s refused the event with HTTP %ld: %s%s", in->link.url,
                  code, ans.text,
                  code >= 300 && code < 400
                      ? " (redirects are not followed: give the final URL)"
                      : "");
  }
  curl_easy_cleanup(curl);
  curl_slist_free_all(hdr);
  free(body);
  return rc;
}

static const mj_notifier_ops webhook_ops = {
    sizeof(mj_notifier_ops),
    webhook_create,
    webhook_destroy,
    webhook_notify,
};

static const mj_option webhook_options[] = {
    {"url", MJ_OPT_STRING, NULL, 1, "where each event is POSTed (https://)"},
    {"secret_env", MJ_OPT_STRING, NULL, 0,
     "the environment variable holding the signing secret (allowed by "
     "--env); none: unsigned"},
    {"include", MJ_OPT_STRING, NULL, 0,
     "meta keys sent besides the default ones, ','-separated; \"*\" for "
     "all"},
    {"ca_file", MJ_OPT_STRING, NULL, 0,
     "certificates to trust (PEM), relative to the playbook's folder; "
     "default: the system's"},
    {"timeout", MJ_OPT_INT, "10", 0, "seconds allowed for one POST"},
    {NULL, 0, NULL, 0, NULL},
};

static const mj_plugin_desc webhook_desc = {
    MJ_PLUGIN_HEADER,
    "webhook",
    "1.0.0",
    "POSTs each event as JSON signed with HMAC-SHA256",
    "MIT",
    MJ_KIND_NOTIFIER,
    webhook_options,
    NULL,
    NULL,
    &webhook_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(webhook, webhook_desc)
