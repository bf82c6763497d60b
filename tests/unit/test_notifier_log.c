/*
** The log notifier through a mock host: lines written, parsed back with
** jansson, appended across instances, and errors that name the path.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "mock_host.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_log_entry(void);

static const mj_notifier_ops *ops;

static int make(const char *base, const char *const *kv, void **inst,
                mj_error *err)
{
  mj_config *cfg = mock_config(base, kv);
  *inst = NULL;
  int rc = ops->create(mock_host(), NULL, cfg, inst, err);
  mock_config_free(cfg);
  return rc;
}

/* Notify one event through a fresh instance; returns the status. */
static int send_one(const char *base, const char *const *kv, const mj_event *ev,
                    mj_error *err)
{
  void *inst;
  int rc = make(base, kv, &inst, err);
  if (rc != MJ_OK)
    bail("create: %s", err->msg);
  rc = ops->notify(inst, ev, err);
  ops->destroy(inst);
  return rc;
}

/* Line i (0-based) of path, parsed; bails when it is not JSON. */
static json_t *line(const char *path, int i, int *count)
{
  char *text = tap_slurp(path, NULL);
  if (!text)
    bail("cannot read %s", path);
  json_t *found = NULL;
  int k = 0;
  for (char *p = text, *nl; (nl = strchr(p, '\n')); p = nl + 1, k++) {
    *nl = '\0';
    json_error_t je;
    json_t *j = json_loads(p, 0, &je);
    if (!j)
      bail("%s line %d is not JSON: %s", path, k + 1, je.text);
    if (k == i)
      found = j;
    else
      json_decref(j);
  }
  free(text);
  if (count)
    *count = k;
  return found;
}

static const char *sget(json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

static long long iget(json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);
  return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

int main(void)
{
  plan(44);
  const mj_plugin_desc *d = mj_plugin_log_entry();
  ops = mock_ops(d, MJ_KIND_NOTIFIER);
  is_string("log", d->name, "plugin name");
  ok(d->options && !strcmp(d->options[0].name, "path") &&
         !strcmp(d->options[0].def, "-") && !d->options[1].name,
     "one option, path, default \"-\"");

  char *dir = tap_tmpdir("notifier-log");
  char path[4096];
  snprintf(path, sizeof path, "%s/events.jsonl", dir);
  const char *const kv[] = {"path", "events.jsonl", NULL};

  /* Creating touches nothing (`mejora check` must not write). */
  {
    void *inst;
    mj_error err = {0};
    is_int(MJ_OK, make(dir, kv, &inst, &err), "create");
    ok(access(path, F_OK) != 0, "no file before the first event");
    ops->destroy(inst);
  }

  /* 2026-01-01T00:00:00Z; due 30 days later. */
  mj_meta meta[] = {{"plan", "p-wait"},
                    {"owner", "ana"},
                    {"due_at", "1769817600"},
                    {"cycle", "7"}};
  mj_event ev = {"plan.opened",
                 1,
                 1767225600,
                 "Plan 'p-wait' opened",
                 "Plan 'p-wait' opened for ana",
                 meta,
                 4};
  mj_error err = {0};
  is_int(MJ_OK, send_one(dir, kv, &ev, &err), "first event sent");

  /* Awkward text: quotes, a newline, bad UTF-8, a clashing meta key. */
  mj_meta meta2[] = {
      {"event", "shadow"}, {"cycle", "not-a-number"}, {"note", "caf\xc3\xa9"}};
  mj_event ev2 = {"cycle.done",
                  2,
                  1767225660,
                  "Cycle \"q1\" done",
                  "line one\nline two \xff\xfe end",
                  meta2,
                  3};
  is_int(MJ_OK, send_one(dir, kv, &ev2, &err), "second event sent");

  int count = 0;
  json_t *a = line(path, 0, &count);
  is_int(2, count, "two lines, one per event");
  ok(a != NULL, "line 1 parses");
  is_string("2026-01-01T00:00:00Z", sget(a, "ts"), "ts in UTC");
  is_string("plan.opened", sget(a, "event"), "event");
  is_string("warn", sget(a, "severity"), "severity name");
  is_string("Plan 'p-wait' opened", sget(a, "subject"), "subject");
  is_string("Plan 'p-wait' opened for ana", sget(a, "message"), "message");
  is_string("p-wait", sget(a, "plan"), "plan");
  is_string("ana", sget(a, "owner"), "owner");
  is_int(7, iget(a, "cycle"), "cycle as an integer");
  is_int(1769817600, iget(a, "due_at"), "due_at as an integer");
  is_string("2026-01-31T00:00:00Z", sget(a, "due"), "due in UTC");
  json_decref(a);

  json_t *b = line(path, 1, NULL);
  is_string("cycle.done", sget(b, "event"), "clashing meta key keeps event");
  is_string("shadow", sget(b, "meta.event"), "and is kept as meta.event");
  is_string("not-a-number", sget(b, "cycle"), "a non-integer cycle stays text");
  is_string("line one\nline two \xef\xbf\xbd\xef\xbf\xbd end",
            sget(b, "message"), "newline kept, bad bytes become U+FFFD");
  is_string("caf\xc3\xa9", sget(b, "note"), "valid UTF-8 kept");
  is_string("info", sget(b, "severity"), "severity info");
  json_decref(b);

  /* Appended, never truncated: a new instance adds a third line. */
  is_int(MJ_OK, send_one(dir, kv, &ev, &err),
         "third event through a new instance");
  json_decref(line(path, 0, &count));
  is_int(3, count, "appended: three lines");

  /* An absolute path ignores the playbook folder. */
  {
    char abs[4200];
    snprintf(abs, sizeof abs, "%s/abs.jsonl", dir);
    const char *const kv2[] = {"path", abs, NULL};
    is_int(MJ_OK, send_one("/nonexistent-base", kv2, &ev, &err),
           "absolute path written");
    json_decref(line(abs, 0, &count));
    is_int(1, count, "one line there");
  }

  /* "-" is standard error. */
  {
    char errpath[4200];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (saved < 0 || fd < 0 || dup2(fd, STDERR_FILENO) < 0)
      bail("redirecting stderr: %s", strerror(errno));
    close(fd);
    int rc = send_one(dir, (const char *const[]){"path", "-", NULL}, &ev, &err);
    int rc2 = send_one(dir, NULL, &ev, &err);
    dup2(saved, STDERR_FILENO);
    close(saved);
    is_int(MJ_OK, rc, "\"-\" sent");
    is_int(MJ_OK, rc2, "default path sent");
    json_t *j = line(errpath, 1, &count);
    is_int(2, count, "both went to standard error");
    is_string("p-wait", sget(j, "plan"), "as the same JSON lines");
    json_decref(j);
  }

  /* Unwritable paths fail with the path and the errno text. */
  memset(&err, 0, sizeof err);
  int rc = send_one(
      dir, (const char *const[]){"path", "no/such/dir.jsonl", NULL}, &ev, &err);
  is_int(MJ_EIO, rc, "missing folder: MJ_EIO");
  contains(err.msg, "no/such/dir.jsonl", "message has the path");
  contains(err.msg, strerror(ENOENT), "and the errno text");
  memset(&err, 0, sizeof err);
  rc = send_one(dir, (const char *const[]){"path", ".", NULL}, &ev, &err);
  is_int(MJ_EIO, rc, "a folder as the file: MJ_EIO");
  contains(err.msg, strerror(EISDIR), "with its errno text");

  /* An empty path is refused at create. */
  {
    void *inst;
    memset(&err, 0, sizeof err);
    is_int(MJ_EINVAL,
           make(dir, (const char *const[]){"path", "", NULL}, &inst, &err),
           "empty path refused");
  }
  ops->destroy(NULL);

  /* The file goes through host->path: a refusal there is the plugin's,
  ** at create (with the option named) and again at each event. */
  {
    char refused[4200], out[4300];
    snprintf(refused, sizeof refused, "%s/out", dir);
    snprintf(out, sizeof out, "%s/out.jsonl", dir);
    const char *const kv3[] = {"path", "out.jsonl", NULL};
    void *inst;
    memset(&err, 0, sizeof err);
    mock_path_refuse(refused);
    is_int(MJ_EVALIDATE, make(dir, kv3, &inst, &err),
           "a path the host refuses is refused at create");
    contains(err.msg, "option path", "naming the option");
    contains(err.msg, "outside the playbook's folder",
             "with the host's reason");
    mock_path_refuse(NULL);
    is_int(MJ_OK, make(dir, kv3, &inst, &err), "created while allowed");
    mock_path_refuse(refused);
    memset(&err, 0, sizeof err);
    is_int(MJ_EVALIDATE, ops->notify(inst, &ev, &err),
           "refused again when an event comes");
    ok(access(out, F_OK) != 0, "and nothing is written");
    mock_path_refuse(NULL);
    ops->destroy(inst);
  }

  tap_rmtree(dir);
  free(dir);
  return tap_done();
}
