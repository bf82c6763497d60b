/*
** What the e-mail and webhook notifiers share: the event's stable key,
** its meta, secrets from the environment, and libcurl's set-up and
** outcomes.
*/
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "notify.h"

/* Feed s and its terminating NUL, so no two fields can run together. */
static int digest_str(EVP_MD_CTX *md, const char *s)
{
  if (!s)
    s = "";
  return EVP_DigestUpdate(md, s, strlen(s) + 1);
}

int mj__notify_key(const mj_event *ev, char *key)
{
  const char *id = mj__notify_meta(ev, "event_id");
  if (id && *id) {
    size_t n = 0;
    for (; id[n] && n < MJ_NOTIFY_KEY_LEN; n++) {
      char c = id[n];
      int fine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      key[n] = fine ? c : '-';
    }
    key[n] = '\0';
    return MJ_OK;
  }
  unsigned char sum[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  char when[32];
  snprintf(when, sizeof when, "%lld", (long long)ev->time);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int good = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
             digest_str(md, ev->kind) && digest_str(md, when) &&
             digest_str(md, ev->subject) && digest_str(md, ev->message);
  for (size_t i = 0; good && i < ev->n_meta; i++)
    good = digest_str(md, ev->meta[i].key) &&
           digest_str(md, ev->meta[i].value);
  good = good && EVP_DigestFinal_ex(md, sum, &len) &&
         len * 2 >= MJ_NOTIFY_KEY_LEN;
  EVP_MD_CTX_free(md);
  if (!good)
    return MJ_ENOMEM;
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < MJ_NOTIFY_KEY_LEN / 2; i++) {
    key[2 * i] = hex[sum[i] >> 4];
    key[2 * i + 1] = hex[sum[i] & 15];
  }
  key[MJ_NOTIFY_KEY_LEN] = '\0';
  return MJ_OK;
}

const char *mj__notify_meta(const mj_event *ev, const char *key)
{
  for (size_t i = 0; i < ev->n_meta; i++)
    if (ev->meta[i].key && strcmp(ev->meta[i].key, key) == 0)
      return ev->meta[i].value;
  return NULL;
}

const char *mj__notify_severity(int severity)
{
  static const char *const names[] = {"error", "warn", "info", "debug"};
  return severity >= 0 && severity <= 3 ? names[severity] : "info";
}

int mj__notify_secret(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, const char *opt, const char *who,
                      char **out, mj_error *err)
{
  *out = NULL;
  const char *name = host->cfg_str(cfg, opt);
  if (!name)
    return MJ_OK;
  if (host->api_size < offsetof(mj_host_api, env) + sizeof host->env)
    return host->error(err, MJ_EPLUGIN,
                       "%s: option %s: this mejora cannot read the "
                       "environment for plugins (plugin ABI 1.2 needed)",
                       who, opt);
  int rc = host->env(ctx, name, out, err);
  if (rc != MJ_OK) {
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    return host->error(err, rc, "%s: option %s: %s", who, opt, msg);
  }
  if (!*out)
    return host->error(err, MJ_EINVAL,
                       "%s: option %s: the environment variable %s is not "
                       "set; set it where mejora runs",
                       who, opt, name);
  return MJ_OK;
}

/* libcurl's global set-up, refused when it is not thread-safe. */
static int curl_init(const mj_host_api *host, const char *who, mj_error *err)
{
  const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
  if (!v || !(v->features & CURL_VERSION_THREADSAFE))
    return host->error(err, MJ_EPLUGIN,
                       "%s: libcurl %s cannot be set up safely beside other "
                       "threads; install libcurl 7.84 or later",
                       who, v ? v->version : "?");
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return host->error(err, MJ_EPLUGIN, "%s: libcurl could not be set up",
                       who);
  return MJ_OK;
}

/* Option opt, a file relative to the playbook's folder, checked by the
** host for reading; *out its real path. */
static int option_file(const mj_host_api *host, mj_ctx *ctx,
                       const mj_config *cfg, const char *opt, const char *who,
                       char **out, mj_error *err)
{
  const char *name = host->cfg_str(cfg, opt);
  *out = NULL;
  if (!name)
    return MJ_OK;
  const char *base = name[0] == '/' ? "" : host->cfg_basedir(cfg);
  size_t len = strlen(base) + strlen(name) + 2;
  char *joined = host->alloc(len);
  if (!joined)
    return host->error(err, MJ_ENOMEM, "%s: out of memory", who);
  snprintf(joined, len, "%s%s%s", base, *base ? "/" : "", name);
  int rc = host->path(ctx, joined, MJ_PATH_READ, out, err);
  host->free(joined);
  if (rc != MJ_OK) {
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    host->error(err, rc, "%s: option %s: %s", who, opt, msg);
  }
  return rc;
}

int mj__notify_link_open(const mj_host_api *host, mj_ctx *ctx,
                         const mj_config *cfg, const char *who,
                         const char *secret_opt, mj_notify_link *link,
                         mj_error *err)
{
  memset(link, 0, sizeof *link);
  const char *url = host->cfg_str(cfg, "url");
  int64_t timeout = host->cfg_int(cfg, "timeout", 30);
  if (timeout < 1 || timeout > 3600)
    return host->error(err, MJ_EINVAL,
                       "%s: option timeout is %lld: give seconds from 1 to "
                       "3600",
                       who, (long long)timeout);
  link->timeout = (long)timeout;
  int rc = MJ_OK;
  if (!url || !(link->url = host->strdup(url)))
    rc = host->error(err, MJ_ENOMEM, "%s: out of memory", who);
  if (rc == MJ_OK)
    rc = mj__notify_secret(host, ctx, cfg, secret_opt, who, &link->secret,
                           err);
  if (rc == MJ_OK && link->secret && !*link->secret)
    rc = host->error(err, MJ_EINVAL, "%s: option %s: the variable %s is empty",
                     who, secret_opt, host->cfg_str(cfg, secret_opt));
  if (rc == MJ_OK)
    rc = option_file(host, ctx, cfg, "ca_file", who, &link->ca_file, err);
  if (rc == MJ_OK) {
    rc = curl_init(host, who, err);
    link->curl_ready = rc == MJ_OK;
  }
  if (rc != MJ_OK)
    mj__notify_link_close(host, link);
  return rc;
}

void mj__notify_link_close(const mj_host_api *host, mj_notify_link *link)
{
  if (link->curl_ready)
    curl_global_cleanup();
  if (link->secret) {
    /* Not left in freed memory for a core dump to show. */
    volatile char *p = link->secret;
    while (*p)
      *p++ = '\0';
  }
  host->free(link->url);
  host->free(link->secret);
  host->free(link->ca_file);
  memset(link, 0, sizeof *link);
}

void mj__notify_link_setopt(const mj_notify_link *link, CURL *curl,
                            char *errbuf)
{
  curl_easy_setopt(curl, CURLOPT_URL, link->url);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, link->timeout);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, link->timeout);
  /* No SIGALRM for name look-ups: the host may run threads. */
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  if (link->ca_file)
    curl_easy_setopt(curl, CURLOPT_CAINFO, link->ca_file);
}

int mj__notify_curl_status(CURLcode rc)
{
  switch (rc) {
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_AGAIN:
  case CURLE_OUT_OF_MEMORY:
    return MJ_RETRY;
  default:
    return MJ_EIO;
  }
}
