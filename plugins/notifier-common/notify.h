/*
** What the e-mail and webhook notifiers share: the event's stable key,
** its meta, secrets from the environment, and libcurl's set-up and
** outcomes.
*/
#ifndef MJ_NOTIFY_H
#define MJ_NOTIFY_H

#include <curl/curl.h>

#include "mejora/plugin.h"

/* Hex digits of an event key, without the NUL. */
#define MJ_NOTIFY_KEY_LEN 32

/*
** The event's stable key: the meta "event_id" when the event carries
** one, else the first 128 bits of the SHA-256 of its kind, time, subject,
** message and meta, in hex. The same event always has the same key, so a
** receiver (or an outbox) can drop a second delivery of it. key has room
** for MJ_NOTIFY_KEY_LEN + 1 bytes; an event_id is cut to that length and
** anything but [A-Za-z0-9._-] in it becomes '-'. MJ_OK or MJ_ENOMEM.
*/
int mj__notify_key(const mj_event *ev, char *key);

/* The value of meta key (the first one), or NULL. */
const char *mj__notify_meta(const mj_event *ev, const char *key);

/* "error", "warn", "info" or "debug" for an MJ_LOG_* severity. */
const char *mj__notify_severity(int severity);

/*
** The secret in the environment variable named by option opt, read
** through host->env (which the operator's allow-list governs). *out is
** NULL when the option is not given; a named variable that is refused or
** not set is an error naming both. who starts messages ("notifier
** email"). Free *out with host->free.
*/
int mj__notify_secret(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, const char *opt, const char *who,
                      char **out, mj_error *err);

/*
** What every transfer of an instance needs: where to, within how long,
** trusting which certificates, with which secret. Filled from the options
** url, timeout, ca_file and the one naming the secret's variable.
*/
typedef struct mj_notify_link {
  char *url;
  char *secret;  /* NULL: none */
  char *ca_file; /* the real path, NULL: the system's certificates */
  long timeout;  /* seconds */
  int curl_ready;
} mj_notify_link;

/*
** Check and copy those options into *link (zeroed first), and set
** libcurl up: from 7.84 curl_global_init is thread-safe, so each instance
** calls it for itself and asks no process-wide set-up of the host.
** secret_opt is the option naming the secret's variable (read through
** mj__notify_secret). On an error *err starts with who, and whatever was
** filled is released.
*/
int mj__notify_link_open(const mj_host_api *host, mj_ctx *ctx,
                         const mj_config *cfg, const char *who,
                         const char *secret_opt, mj_notify_link *link,
                         mj_error *err);
/* Release it, the secret wiped first. */
void mj__notify_link_close(const mj_host_api *host, mj_notify_link *link);
/* Point curl at the link: url, time-outs, certificates, no signals, and
** errbuf (CURL_ERROR_SIZE bytes) for libcurl's message. */
void mj__notify_link_setopt(const mj_notify_link *link, CURL *curl,
                            char *errbuf);

/*
** A failed transfer's outcome: MJ_RETRY when trying again later may
** work (no connection, time-out, a dropped line), MJ_EIO when it will
** not (a bad URL, refused credentials, a certificate that fails).
*/
int mj__notify_curl_status(CURLcode rc);

#endif
