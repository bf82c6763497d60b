/*
** Log notifier: one JSON object per event, appended to a file as a line.
**
** Line shape (JSON Lines; keys only grow):
**   {"ts": "2026-11-23T08:13:48Z", "event": "plan.opened",
**    "severity": "warn", "subject": ..., "message": ...,
**    "cycle": 3, "plan": "p1", "owner": "ana", "due_at": 1766000000,
**    "due": "2026-12-17T08:13:48Z", ...}
** ts is the event time in UTC. Every meta pair becomes a key; cycle and
** due_at become integers when they are, and due_at also gives "due" in
** UTC. A meta key that would overwrite one of the fixed keys is written as
** "meta.KEY" instead.
**
** Option path: the file, relative to the playbook's folder; "-" writes to
** standard error. The host checks it (host->path): a playbook the
** operator does not trust keeps it inside its folder. The file is opened
** for each event (O_APPEND), written with one write() per line and
** fsync'ed before notify returns, so a line reported as sent survives a
** crash, concurrent writers do not interleave within a line, and log
** rotation needs no signal. Nothing is created
** until the first event, so checking a playbook touches no file.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "mejora/plugin.h"

typedef struct log_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  char *path; /* resolved against the playbook's folder; NULL = stderr */
} log_inst;

static const char *const fixed_keys[] = {
    "ts", "event", "severity", "subject", "message", "due", NULL};

static void log_destroy(void *inst);

static int log_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  const char *path = host->cfg_str(cfg, "path");
  if (!path)
    path = "-";
  if (!*path)
    return host->error(err, MJ_EINVAL,
                       "notifier log: option path is empty; give a file name "
                       "or \"-\" for standard error");
  log_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "notifier log: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->path = NULL;
  if (strcmp(path, "-") != 0) {
    const char *base = host->cfg_basedir(cfg);
    size_t len = strlen(base) + strlen(path) + 2;
    in->path = host->alloc(len);
    if (!in->path) {
      host->free(in);
      return host->error(err, MJ_ENOMEM, "notifier log: out of memory");
    }
    if (path[0] == '/' || !base[0])
      snprintf(in->path, len, "%s", path);
    else
      snprintf(in->path, len, "%s/%s", base, path);
    /* A file the host refuses is refused now, with the playbook's line;
    ** a folder still missing may be made before the first event. */
    char *real = NULL;
    int rc = host->path(ctx, in->path, MJ_PATH_WRITE, &real, err);
    host->free(real);
    if (rc != MJ_OK && rc != MJ_EIO) {
      char msg[sizeof err->msg];
      snprintf(msg, sizeof msg, "%s", err->msg);
      host->error(err, rc, "notifier log: option path: %s", msg);
      log_destroy(in);
      return rc;
    }
  }
  *inst = in;
  return MJ_OK;
}

static void log_destroy(void *inst)
{
  log_inst *in = inst;
  if (!in)
    return;
  in->host->free(in->path);
  in->host->free(in);
}

/* Seconds since the epoch as ISO 8601 UTC; "" when out of range. */
static void iso_utc(int64_t t, char *buf, size_t n)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if ((int64_t)tt != t || !gmtime_r(&tt, &tm) ||
      !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
    buf[0] = '\0';
}

/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    len = 2, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef)
    len = 3, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4)
    len = 4, min = 0x10000;
  else
    return 0;
  unsigned cp = c & (0x3fu >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

/*
** A JSON string for s. Jansson refuses invalid UTF-8, and an event's text
** can quote user data, so bad bytes become U+FFFD rather than losing the
** whole line.
*/
static json_t *jstr(const char *s)
{
  if (!s)
    return json_null();
  json_t *j = json_string(s);
  if (j)
    return j;
  size_t n = strlen(s);
  char *fix = malloc(3 * n + 1);
  if (!fix)
    return NULL;
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t len = utf8_len(p);
    if (len) {
      memcpy(fix + o, p, len);
      o += len;
      p += len;
    } else {
      memcpy(fix + o, "\xef\xbf\xbd", 3);
      o += 3;
      p++;
    }
  }
  fix[o] = '\0';
  j = json_string(fix);
  free(fix);
  return j;
}

/* The integer in s if s is exactly one, for cycle and due_at. */
static int parse_int(const char *s, int64_t *out)
{
  if (!s || !*s)
    return 0;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end)
    return 0;
  *out = v;
  return 1;
}

static int is_fixed(const char *key)
{
  for (size_t i = 0; fixed_keys[i]; i++)
    if (strcmp(fixed_keys[i], key) == 0)
      return 1;
  return 0;
}

static const char *severity_name(int s)
{
  static const char *const names[] = {"error", "warn", "info", "debug"};
  return s >= 0 && s <= 3 ? names[s] : "info";
}

/* Set key to v, taking v; 0 on failure (v released). */
static int put(json_t *o, const char *key, json_t *v)
{
  return v && json_object_set_new(o, key, v) == 0;
}

/* The event as one compact JSON line ending in '\n'; NULL if out of
** memory. The caller frees it with free(). */
static char *event_line(const mj_event *ev)
{
  json_t *o = json_object();
  char ts[64];
  iso_utc(ev->time, ts, sizeof ts);
  int good = o && put(o, "ts", json_string(ts)) &&
             put(o, "event", jstr(ev->kind ? ev->kind : "")) &&
             put(o, "severity", json_string(severity_name(ev->severity))) &&
             put(o, "subject", jstr(ev->subject)) &&
             put(o, "message", jstr(ev->message));
  for (size_t i = 0; good && i < ev->n_meta; i++) {
    const mj_meta *m = &ev->meta[i];
    if (!m->key)
      continue;
    char alt[300];
    const char *key = m->key;
    if (is_fixed(key)) {
      snprintf(alt, sizeof alt, "meta.%s", key);
      key = alt;
    }
    int64_t v = 0;
    int numeric = (strcmp(key, "cycle") == 0 || strcmp(key, "due_at") == 0) &&
                  parse_int(m->value, &v);
    json_t *kj = jstr(key); /* validates the key's UTF-8 too */
    if (!kj) {
      good = 0;
      break;
    }
    good = put(o, json_string_value(kj),
               numeric ? json_integer((json_int_t)v) : jstr(m->value));
    if (good && numeric && strcmp(key, "due_at") == 0) {
      char due[64];
      iso_utc(v, due, sizeof due);
      good = put(o, "due", json_string(due));
    }
    json_decref(kj);
  }
  char *text = good ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (!text)
    return NULL;
  size_t n = strlen(text);
  char *line = realloc(text, n + 2);
  if (!line) {
    free(text);
    return NULL;
  }
  line[n] = '\n';
  line[n + 1] = '\0';
  return line;
}

/* Write all of buf, going on after short writes and signals. */
static int write_all(int fd, const char *buf, size_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

/* A full disk may clear up: the engine retries later. */
static int io_status(int e)
{
  return e == ENOSPC || e == EAGAIN || e == EINTR ? MJ_RETRY : MJ_EIO;
}

static int log_notify(void *inst, const mj_event *ev, mj_error *err)
{
  log_inst *in = inst;
  const mj_host_api *H = in->host;
  char *line = event_line(ev);
  if (!line)
    return H->error(err, MJ_ENOMEM, "notifier log: out of memory");
  size_t n = strlen(line);
  const char *where = in->path ? in->path : "standard error";
  int rc = MJ_OK, e = 0, told = 0;
  if (!in->path) {
    /* No fsync: standard error is usually a terminal or a pipe. */
    if (write_all(STDERR_FILENO, line, n) != 0)
      e = errno, rc = io_status(e);
  } else {
    /* Checked again for each event: the folder may have changed. The
    ** real path is opened without following a link, and without waiting
    ** for a reader should a FIFO have taken the file's place. */
    char *real = NULL;
    int fd = -1;
    rc = H->path(in->ctx, in->path, MJ_PATH_WRITE, &real, err);
    if (rc == MJ_OK) {
      fd = open(real, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
                          O_NONBLOCK,
                0644);
      if (fd < 0) {
        e = errno;
        rc = io_status(e);
        H->error(err, rc,
                 "notifier log: cannot open %s for appending: %s; check "
                 "that the folder exists and is writable",
                 where, strerror(e));
      }
    } else {
      char msg[sizeof err->msg];
      snprintf(msg, sizeof msg, "%s", err->msg);
      H->error(err, rc, "notifier log: %s", msg);
    }
    H->free(real);
    if (fd < 0) {
      told = 1;
    } else {
      if (write_all(fd, line, n) != 0 || fsync(fd) != 0)
        e = errno, rc = io_status(e);
      if (close(fd) != 0 && rc == MJ_OK)
        e = errno, rc = io_status(e);
    }
  }
  free(line);
  if (rc != MJ_OK && !told)
    H->error(err, rc, "notifier log: writing %s failed: %s", where,
             strerror(e));
  return rc;
}

static const mj_notifier_ops log_ops = {
    sizeof(mj_notifier_ops),
    log_create,
    log_destroy,
    log_notify,
};

static const mj_option log_options[] = {
    {"path", MJ_OPT_STRING, "-", 0,
     "file the JSON lines are appended to, relative to the playbook's "
     "folder; \"-\" for standard error"},
    {NULL, 0, NULL, 0, NULL},
};

static const mj_plugin_desc log_desc = {
    MJ_PLUGIN_HEADER,
    "log",
    "1.0.0",
    "Appends each event as a JSON line to a file (fsync'ed) or stderr",
    "MIT",
    MJ_KIND_NOTIFIER,
    log_options,
    NULL,
    NULL,
    &log_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(log, log_desc)
