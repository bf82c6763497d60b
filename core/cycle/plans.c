/*
** Improvement plans after they open: what people record (status, owner,
** notes, actions done) and what the next cycle does with them (verify the
** plan once its actions are done, flag it when overdue). Every change is
** a plan event, so the history can always be read back whole.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"

/* ---- reading -------------------------------------------------------------- */

static int on_plan(void *ud, const mj_plan_rec *p)
{
  json_t *o = mj__plan_json(p);
  return o && json_array_append_new(ud, o) == 0 ? MJ_OK : MJ_ENOMEM;
}

static int on_event(void *ud, const mj_plan_event_rec *ev)
{
  json_t *o = json_object();
  if (!o)
    return MJ_ENOMEM;
  json_object_set_new(o, "cycle", json_integer(ev->cycle));
  json_object_set_new(o, "at", mj__json_time(ev->at));
  json_object_set_new(o, "kind", mj__json_str(ev->kind));
  /* Notes the engine writes are JSON; a person's note is text. */
  json_t *note = ev->note ? json_loads(ev->note, JSON_DECODE_ANY, NULL)
                          : NULL;
  mj__json_iso_times(note); /* an overdue note of an earlier version */
  json_object_set_new(o, "note", note ? note : mj__json_str(ev->note));
  return json_array_append_new(ud, o) == 0 ? MJ_OK : MJ_ENOMEM;
}

/* The plans (one or all) as JSON objects with their history. */
static int load_plans(mj_engine *e, const char *id, json_t **out)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  json_t *plans = json_array();
  if (!plans)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  int rc = S->scan_plans(e->store->inst, id, on_plan, plans, &err);
  size_t i;
  json_t *p;
  json_array_foreach(plans, i, p)
  {
    if (rc != MJ_OK)
      break;
    json_t *events = json_array();
    if (!events) {
      rc = MJ_ENOMEM;
      break;
    }
    json_object_set_new(p, "events", events);
    rc = S->scan_plan_events(e->store->inst,
                             json_string_value(json_object_get(p, "id")),
                             on_event, events, &err);
  }
  if (rc != MJ_OK) {
    json_decref(plans);
    return rc == MJ_ENOMEM ? mj__seterr(e, rc, "out of memory")
                           : mj__seterr_from(e, &err, MJ_ESTORE,
                                             "reading plans: ");
  }
  if (id && json_array_size(plans) == 0) {
    json_decref(plans);
    return mj__seterr(e, MJ_ENOTFOUND, "no plan '%s' in the store "
                                       "(it opens when its trigger fires)",
                      id);
  }
  *out = plans;
  return MJ_OK;
}

static const char *str(const json_t *o, const char *k)
{
  const char *v = json_string_value(json_object_get(o, k));
  return v ? v : "-";
}

/* One line per plan: id, status, owner, due date, actions done/total. */
static void text_list(FILE *f, json_t *plans, int64_t now)
{
  fprintf(f, "%-24s %-10s %-32s %-10s %-8s %s\n", "PLAN", "STATUS", "OWNER",
          "DUE", "ACTIONS", "OPENED");
  size_t i;
  json_t *p;
  json_array_foreach(plans, i, p)
  {
    size_t j, done = 0;
    json_t *a, *actions = json_object_get(p, "actions");
    json_array_foreach(actions, j, a) done +=
        strcmp(str(a, "status"), "done") == 0;
    char acts[32];
    snprintf(acts, sizeof acts, "%zu/%zu", done, json_array_size(actions));
    /* due_at is ISO text; overdue when open and its date has passed. */
    int overdue = 0;
    size_t k;
    json_t *ev;
    json_array_foreach(json_object_get(p, "events"), k, ev) overdue |=
        strcmp(str(ev, "kind"), "overdue") == 0;
    (void)now;
    fprintf(f, "%-24s %-10s %-32s %-10.10s %-8s cycle %lld%s\n", str(p, "id"),
            str(p, "status"), str(p, "owner"), str(p, "due_at"), acts,
            (long long)json_integer_value(json_object_get(p, "opened_cycle")),
            overdue && strcmp(str(p, "status"), "open") == 0 ? "  OVERDUE"
                                                             : "");
  }
}

/* A figure's value rounded for people: whole ones and percentages to one
** decimal, smaller ones (means, proportions) to two. */
static void put_value(FILE *f, const json_t *v)
{
  if (!json_is_number(v)) {
    fputs("-", f);
    return;
  }
  double x = json_number_value(v);
  fprintf(f, x == floor(x) || fabs(x) >= 10 ? "%.1f" : "%.2f", x);
}

/* A stored figure as its metric reference, SCORER.METRIC[:SUBJECT]
** [@SEGMENT], then "= VALUE (n N)". */
static void put_figure(FILE *f, const json_t *fig)
{
  const char *qn = json_string_value(json_object_get(fig, "questionnaire"));
  const char *q = json_string_value(json_object_get(fig, "question"));
  const char *req = json_string_value(json_object_get(fig, "requirement"));
  const char *seg = json_string_value(json_object_get(fig, "segment"));
  fprintf(f, "%s.%s", str(fig, "scorer"), str(fig, "metric"));
  if (req)
    fprintf(f, ":%s", req);
  else if (q)
    fprintf(f, ":%s%s%s", qn ? qn : "", qn ? "/" : "", q);
  if (seg && strcmp(seg, "all") != 0)
    fprintf(f, "@%s", seg);
  fputs(" = ", f);
  put_value(f, json_object_get(fig, "value"));
  if (json_is_integer(json_object_get(fig, "n")))
    fprintf(f, " (n %lld)",
            (long long)json_integer_value(json_object_get(fig, "n")));
}

/* A verification: "METRIC 50.0 -> 95.0 (n 40 -> 40), two-proportion z,
** p = 6.6e-06: effective". */
static void put_verdict(FILE *f, const json_t *note)
{
  fprintf(f, "%s ", str(note, "metric"));
  put_value(f, json_object_get(note, "before"));
  fputs(" -> ", f);
  put_value(f, json_object_get(note, "after"));
  const json_t *n1 = json_object_get(note, "n_before");
  const json_t *n2 = json_object_get(note, "n_after");
  if (json_is_integer(n1) && json_is_integer(n2))
    fprintf(f, " (n %lld -> %lld)", (long long)json_integer_value(n1),
            (long long)json_integer_value(n2));
  const char *test = json_string_value(json_object_get(note, "test"));
  const json_t *p = json_object_get(note, "p_value");
  char pv[32];
  if (test && json_is_number(p))
    fprintf(f, ", %s, p = %s", mj__test_name(test),
            mj__fmt_p(pv, sizeof pv, json_number_value(p)));
  else
    fputs(", no test", f);
  const json_t *eff = json_object_get(note, "effective");
  fputs(json_is_true(eff)    ? ": effective"
        : json_is_false(eff) ? ": not effective"
                             : "",
        f);
}

/*
** An event's note as a sentence: the figures a plan opened on, a
** verification, what a person changed, when it fell due. A person's note
** is shown as written; a note of another shape as compact JSON.
*/
static void put_note(FILE *f, const char *kind, const json_t *note)
{
  size_t i;
  const json_t *x;
  if (json_is_string(note)) {
    fputs(json_string_value(note), f);
  } else if (json_is_array(note)) { /* the evidence an opening read */
    json_array_foreach(note, i, x)
    {
      fputs(i ? "; " : "", f);
      put_figure(f, x);
    }
  } else if (json_is_object(note) && json_object_get(note, "metric") &&
             json_object_get(note, "before")) {
    put_verdict(f, note);
  } else if (json_is_object(note) && strcmp(kind, "action.due_soon") == 0) {
    fprintf(f, "action %lld due %.10s",
            (long long)json_integer_value(json_object_get(note, "action")),
            str(note, "due_at"));
  } else if (json_is_object(note) && strcmp(kind, "overdue") == 0) {
    fprintf(f, "due %.10s, still open on %.10s", str(note, "due_at"),
            str(note, "now"));
  } else if (json_is_object(note) && json_object_get(note, "reason")) {
    fputs(str(note, "reason"), f);
  } else if (json_is_object(note) &&
             (strcmp(kind, "updated") == 0 ||
              strcmp(kind, "action.updated") == 0)) {
    const char *sep = "";
    if (json_is_integer(json_object_get(note, "action"))) {
      fprintf(f, "action %lld",
              (long long)json_integer_value(json_object_get(note, "action")));
      sep = ": ";
    }
    static const char *const keys[] = {"status", "owner", "text"};
    for (size_t k = 0; k < 3; k++) {
      const char *v = json_string_value(json_object_get(note, keys[k]));
      if (!v)
        continue;
      fprintf(f, k == 2 ? "%s\"%s\"" : "%s%s %s", sep,
              k == 2 ? v : keys[k], v);
      sep = ", ";
    }
  } else if (note && !json_is_null(note)) {
    char *text = json_dumps(note, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                      JSON_REAL_PRECISION(6));
    fputs(text ? text : "", f);
    free(text);
  }
}

static void text_show(FILE *f, const json_t *p)
{
  fprintf(f, "plan %s: %s, owner %s, due %.10s, opened in cycle %lld\n",
          str(p, "id"), str(p, "status"), str(p, "owner"), str(p, "due_at"),
          (long long)json_integer_value(json_object_get(p, "opened_cycle")));
  if (json_is_string(json_object_get(p, "note")))
    fprintf(f, "note: %s\n", str(p, "note"));
  fprintf(f, "\nactions\n");
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(p, "actions"), i, a)
      fprintf(f, "  %zu. [%s] %s (owner %s)\n", i + 1, str(a, "status"),
              str(a, "text"), str(a, "owner"));
  /* Rounded for people; the JSON format has every digit. */
  fprintf(f, "\nevidence\n");
  const json_t *evidence = json_object_get(p, "evidence");
  if (json_is_array(evidence) && json_array_size(evidence)) {
    json_array_foreach(evidence, i, a)
    {
      fputs("  ", f);
      put_figure(f, a);
      fputc('\n', f);
    }
  } else {
    fputs("  -\n", f);
  }
  fprintf(f, "\nhistory\n");
  json_t *ev;
  json_array_foreach(json_object_get(p, "events"), i, ev)
  {
    fprintf(f, "  %s  cycle %-3lld %-15s ", str(ev, "at"),
            (long long)json_integer_value(json_object_get(ev, "cycle")),
            str(ev, "kind"));
    put_note(f, str(ev, "kind"), json_object_get(ev, "note"));
    fputc('\n', f);
  }
}

int mj_plans(mj_engine *e, const char *id, const char *format, char **out,
             size_t *len)
{
  if (mj__text_output_start(e, "plans", &format, out, len) != MJ_OK)
    return MJ_EINVAL;
  int rc = mj__store_ensure(e);
  json_t *plans = NULL;
  if (rc == MJ_OK)
    rc = load_plans(e, id, &plans);
  if (rc != MJ_OK)
    return rc;
  if (strcmp(format, "json") == 0) {
    *out = json_dumps(plans, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  } else {
    size_t n = 0;
    FILE *f = open_memstream(out, &n);
    if (f) {
      if (id)
        text_show(f, json_array_get(plans, 0));
      else if (json_array_size(plans) == 0)
        fprintf(f, "No plan has opened yet.\n");
      else
        text_list(f, plans, mj__now(e));
      fclose(f);
    }
  }
  json_decref(plans);
  if (!*out)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  if (len)
    *len = strlen(*out);
  return MJ_OK;
}

/* ---- writing ------------------------------------------------------------ */

/* A plan as stored, its strings owned by the copy. */
typedef struct plan_copy {
  mj_plan_rec r;
  char *id, *status, *owner, *evidence, *actions, *note;
  int found;
} plan_copy;

static char *dup_or_null(const char *s)
{
  return s ? strdup(s) : NULL;
}

static int copy_plan(void *ud, const mj_plan_rec *p)
{
  plan_copy *c = ud;
  c->r = *p;
  c->r.id = c->id = dup_or_null(p->id);
  c->r.status = c->status = dup_or_null(p->status);
  c->r.owner = c->owner = dup_or_null(p->owner);
  c->r.evidence = c->evidence = dup_or_null(p->evidence);
  c->r.actions = c->actions = dup_or_null(p->actions);
  c->r.note = c->note = dup_or_null(p->note);
  c->found = 1;
  return MJ_OK;
}

static void plan_copy_free(plan_copy *c)
{
  free(c->id);
  free(c->status);
  free(c->owner);
  free(c->evidence);
  free(c->actions);
  free(c->note);
}

static int one_of(const char *s, const char *const *allowed)
{
  for (size_t i = 0; allowed[i]; i++)
    if (strcmp(s, allowed[i]) == 0)
      return 1;
  return 0;
}

int mj__plan_save(mj_engine *e, const mj_plan_rec *p, int64_t cycle,
                  const char *kind, const char *note, const mj_plan_msg *msg,
                  const char *context)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0}, ignored;
  mj_plan_event_rec ev = {p->id, cycle, p->updated_at, kind, note};
  int rc = S->begin(e->store->inst, &err);
  if (rc == MJ_OK)
    rc = S->put_plan(e->store->inst, p, &err);
  if (rc == MJ_OK)
    rc = S->put_plan_event(e->store->inst, &ev, &err);
  if (rc == MJ_OK && msg)
    rc = mj__outbox_queue(e, cycle, msg->to, msg->n_to, NULL, msg->ev, NULL,
                          &err);
  if (rc == MJ_OK)
    rc = S->commit(e->store->inst, &err);
  else
    S->rollback(e->store->inst, &ignored);
  return rc == MJ_OK ? MJ_OK : mj__seterr_from(e, &err, MJ_ESTORE, context);
}

static int fetch(mj_engine *e, const char *id, plan_copy *c)
{
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  mj_error err = {0};
  memset(c, 0, sizeof *c);
  if (S->scan_plans(e->store->inst, id, copy_plan, c, &err) != MJ_OK)
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading plans: ");
  if (!c->found)
    return mj__seterr(e, MJ_ENOTFOUND,
                      "no plan '%s' in the store (it opens when its trigger "
                      "fires)",
                      id);
  return MJ_OK;
}

int mj_plan_update(mj_engine *e, const char *id, const mj_plan_change *ch)
{
  static const char *const plan_states[] = {"open", "closed", "cancelled",
                                            NULL};
  static const char *const action_states[] = {"open", "doing", "done", NULL};
  if (!e || !id || !ch || ch->struct_size < sizeof *ch)
    return e ? mj__seterr(e, MJ_EINVAL, "mj_plan_update: bad arguments")
             : MJ_EINVAL;
  mj__clearerr(e);
  if (ch->status &&
      !one_of(ch->status, ch->action ? action_states : plan_states))
    return mj__seterr(e, MJ_EINVAL,
                      ch->action ? "unknown action status '%s' (use open, "
                                   "doing or done)"
                                 : "unknown plan status '%s' (use open, "
                                   "closed or cancelled)",
                      ch->status);
  int rc = mj__store_ensure(e);
  plan_copy c;
  if (rc != MJ_OK || (rc = fetch(e, id, &c)) != MJ_OK)
    return rc;
  int64_t now = mj__now(e);
  json_t *actions = json_loads(c.actions ? c.actions : "[]", 0, NULL);
  json_t *what = json_object();
  char *newactions = NULL, *note = NULL;
  if (!actions || !what) {
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
    goto out;
  }
  if (ch->action) {
    json_t *a = json_array_get(actions, (size_t)ch->action - 1);
    if (ch->action < 0 || !a) {
      rc = mj__seterr(e, MJ_ENOTFOUND, "plan '%s' has no action %d (it has %zu)",
                      id, ch->action, json_array_size(actions));
      goto out;
    }
    json_object_set_new(what, "action", json_integer(ch->action));
    if (ch->status) {
      json_object_set_new(a, "status", json_string(ch->status));
      json_object_set_new(a, "done_at", strcmp(ch->status, "done") == 0
                                            ? mj__json_time(now)
                                            : json_null());
    }
    if (ch->owner)
      json_object_set_new(a, "owner", json_string(ch->owner));
  } else {
    if (ch->status)
      c.r.status = ch->status;
    if (ch->owner)
      c.r.owner = ch->owner;
  }
  if (ch->status)
    json_object_set_new(what, "status", json_string(ch->status));
  if (ch->owner)
    json_object_set_new(what, "owner", json_string(ch->owner));
  if (ch->note) {
    json_object_set_new(what, "text", json_string(ch->note));
    if (!ch->action)
      c.r.note = ch->note;
  }
  newactions = json_dumps(actions, JSON_COMPACT);
  note = json_dumps(what, JSON_COMPACT);
  if (!newactions || !note) {
    rc = mj__seterr(e, MJ_ENOMEM, "out of memory");
    goto out;
  }
  c.r.actions = newactions;
  c.r.updated_at = now;
  rc = mj__plan_save(e, &c.r, 0, ch->action ? "action.updated" : "updated",
                     note, NULL, "saving plan: ");
out:
  free(newactions);
  free(note);
  json_decref(actions);
  json_decref(what);
  plan_copy_free(&c);
  return rc;
}

/* ---- the cycle's review ------------------------------------------------- */

static int on_result(void *ud, const mj_result_rec *r)
{
  return mj__figset_add(ud, r);
}

/* Every action done? (a plan without actions is never "done") */
static int actions_done(const char *actions)
{
  json_t *a = json_loads(actions ? actions : "[]", 0, NULL);
  size_t i, n = json_array_size(a), done = 0;
  json_t *x;
  json_array_foreach(a, i, x)
      done += strcmp(json_string_value(json_object_get(x, "status"))
                         ? json_string_value(json_object_get(x, "status"))
                         : "",
                     "done") == 0;
  json_decref(a);
  return n > 0 && done == n;
}

/* Has plan had an event of kind (about action, when not 0) since it
** opened? A cycle's event counts from the cycle that opened it, one
** recorded outside a cycle (cycle 0) from the time it opened. */
typedef struct seen_check {
  const char *kind;
  int action;
  int64_t since_cycle, since_at;
  int seen;
} seen_check;

static int on_seen(void *ud, const mj_plan_event_rec *ev)
{
  seen_check *x = ud;
  if (!ev->kind || strcmp(ev->kind, x->kind) != 0)
    return MJ_OK;
  if (ev->cycle ? ev->cycle < x->since_cycle : ev->at < x->since_at)
    return MJ_OK;
  if (x->action) {
    json_t *note = ev->note ? json_loads(ev->note, 0, NULL) : NULL;
    int same = json_integer_value(json_object_get(note, "action")) ==
               x->action;
    json_decref(note);
    if (!same)
      return MJ_OK;
  }
  x->seen = 1;
  return MJ_OK;
}

static int had_event(mj_engine *e, const plan_copy *c, const char *kind,
                     int action)
{
  seen_check x = {kind, action, c->r.opened_cycle, c->r.opened_at, 0};
  mj_error err = {0};
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  if (S->scan_plan_events(e->store->inst, c->r.id, on_seen, &x, &err) !=
      MJ_OK)
    return 0;
  return x.seen;
}

typedef struct review {
  mj_engine *e;
  int64_t cycle;
  const mj_cycle_decl *d;
  const mj_figset *figs;
  mj_plan_event_fn emit; /* NULL: outside a cycle */
  void *ud;
} review;

/*
** Save plan r's change (kind, note) with the event that tells of it
** (ev_kind ...) queued in the same transaction, its meta the plan, the
** owner to tell (a notifier's to_meta = "owner"; NULL: the plan's) and
** extra; on a store without an outbox the event goes to the cycle, which
** delivers it at once.
*/
static int save_tell(review *rv, const mj_plan_rec *r, const char *kind,
                     const char *note, const char *ev_kind, int severity,
                     const char *subject, const char *message,
                     const char *owner, const mj_meta *extra, size_t n_extra)
{
  if (!owner)
    owner = r->owner;
  mj_meta meta[8] = {{"plan", r->id}, {"owner", owner ? owner : ""}};
  size_t n = 2;
  for (size_t i = 0; i < n_extra && n < 8; i++)
    meta[n++] = extra[i];
  mj_event ev = {ev_kind, severity, mj__now(rv->e), subject, message, meta,
                 n};
  mj_plan_msg msg = {&ev, rv->d ? (const char *const *)rv->d->notify : NULL,
                     rv->d ? rv->d->n_notify : 0};
  int ready = mj__outbox_ready(rv->e);
  int rc = mj__plan_save(rv->e, r, rv->cycle, kind, note, ready ? &msg : NULL,
                         "saving plan: ");
  if (rc == MJ_OK && !ready && rv->emit)
    rc = rv->emit(rv->ud, ev_kind, severity, subject, message, meta, n);
  return rc;
}

/* Verify one plan whose actions are all done. */
static int verify(review *rv, const mj_plan *p, plan_copy *c)
{
  mj_engine *e = rv->e;
  char note[1024], subject[256];
  if (!p->verify_metric) {
    c->r.status = "closed";
    snprintf(note, sizeof note,
             "{\"effective\":null,\"reason\":\"every action done; the "
             "playbook declares no verify metric\"}");
    snprintf(subject, sizeof subject, "Plan '%s' closed: actions done", p->id);
    return save_tell(rv, &c->r, "closed", note, "plan.closed", MJ_LOG_INFO,
                     subject, note, NULL, NULL, 0);
  }
  mj_metric_ref m; /* read as triggers and standards read it */
  if (!mj__metric_parse(p->verify_metric, &m))
    return mj__seterr_at(e, MJ_EVALIDATE, p->pos.file, p->pos.line, 0,
                         "plan \"%s\": verify metric '%s' is not "
                         "SCORER.METRIC[:REQUIREMENT|QUESTIONNAIRE/QUESTION]"
                         "[@SEGMENT] or a short form such as mean:R1",
                         p->id, p->verify_metric);
  mj_figset before = {0};
  mj_error err = {0};
  const mj_storage_ops *S = MJ_STORE_OPS(e);
  int rc = S->scan_results(e->store->inst, c->r.opened_cycle, on_result,
                           &before, &err);
  if (rc != MJ_OK) {
    mj__figset_free(&before);
    return mj__seterr_from(e, &err, MJ_ESTORE, "reading results: ");
  }
  const mj_result_rec *b = mj__metric_find(&before, e->model, &m);
  const mj_result_rec *a = mj__metric_find(rv->figs, e->model, &m);
  double pv = NAN;
  const char *used = NULL;
  int tested = b && a &&
               mj__compare_test(p->verify_test, &before, b, rv->figs, a, &pv,
                                &used) == MJ_OK;
  double alpha = p->verify_alpha > 0 ? p->verify_alpha : 0.05;
  if (!tested) {
    mj__figset_free(&before);
    /* Not enough to judge yet: say so once a cycle, keep it open. */
    mj__log(e, MJ_LOG_WARN,
            "plan '%s': cannot verify %s yet (no comparable figure in "
            "cycles %lld and %lld)",
            p->id, p->verify_metric, (long long)c->r.opened_cycle,
            (long long)rv->cycle);
    return MJ_OK;
  }
  int effective = pv < alpha && a->value > b->value;
  /* Every figure as computed: jansson writes a double with the 17
  ** significant digits that read back as the same double. */
  json_t *o = json_pack("{s:s, s:o, s:o, s:I, s:I, s:o, s:s, s:o, s:o, s:b}",
                        "metric", p->verify_metric, "before",
                        mj__json_num(b->value), "after",
                        mj__json_num(a->value), "n_before", (json_int_t)b->n,
                        "n_after", (json_int_t)a->n, "delta",
                        mj__json_num(a->value - b->value), "test", used,
                        "p_value", mj__json_num(pv), "alpha",
                        mj__json_num(alpha), "effective", effective);
  char *verdict = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                        JSON_REAL_PRECISION(17))
                    : NULL;
  json_decref(o);
  mj__figset_free(&before);
  if (!verdict)
    return mj__seterr(e, MJ_ENOMEM, "out of memory");
  c->r.status = effective ? "closed" : "escalated";
  if (!effective && p->escalate_to)
    c->r.owner = p->escalate_to;
  c->r.updated_at = mj__now(e);
  snprintf(subject, sizeof subject,
           effective ? "Plan '%s' closed: effective (p = %.3g)"
                     : "Plan '%s' escalated: not effective (p = %.3g)",
           p->id, pv);
  rc = save_tell(rv, &c->r, effective ? "verified" : "escalated", verdict,
                 effective ? "plan.closed" : "plan.escalated",
                 effective ? MJ_LOG_INFO : MJ_LOG_WARN, subject, verdict, NULL,
                 NULL, 0);
  free(verdict);
  return rc;
}

/* Flag an open plan past its due date, once. */
static int flag_overdue(review *rv, const mj_plan *p, plan_copy *c,
                        int64_t now)
{
  if (c->r.due_at <= 0 || now <= c->r.due_at ||
      had_event(rv->e, c, "overdue", 0))
    return MJ_OK;
  char subject[256], due[32];
  snprintf(subject, sizeof subject, "Plan '%s' is overdue", p->id);
  snprintf(due, sizeof due, "%lld", (long long)c->r.due_at);
  json_t *o = json_pack("{s:o, s:o}", "due_at", mj__json_time(c->r.due_at),
                        "now", mj__json_time(now));
  char *note = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(o);
  if (!note)
    return mj__seterr(rv->e, MJ_ENOMEM, "out of memory");
  c->r.updated_at = now;
  mj_meta extra[] = {{"due_at", due}};
  int rc = save_tell(rv, &c->r, "overdue", note, "plan.overdue", MJ_LOG_WARN,
                     subject, note, NULL, extra, 1);
  free(note);
  return rc;
}

/* Tell the owner of each open action of plan p that falls due within the
** plan's due_soon days, once an action. */
static int tell_due_soon(review *rv, const mj_plan *p, plan_copy *c,
                         int64_t now)
{
  json_t *actions = json_loads(c->r.actions ? c->r.actions : "[]", 0, NULL);
  int rc = MJ_OK;
  size_t i;
  json_t *a;
  json_array_foreach(actions, i, a)
  {
    const char *status = json_string_value(json_object_get(a, "status"));
    const char *when = json_string_value(json_object_get(a, "due_at"));
    int64_t due = 0;
    if ((status && strcmp(status, "done") == 0) || !when ||
        !mj__parse_time(when, &due) || now >= due ||
        now < due - (int64_t)p->due_soon_days * 86400 ||
        had_event(rv->e, c, "action.due_soon", (int)i + 1))
      continue;
    const char *text = json_string_value(json_object_get(a, "text"));
    const char *owner = json_string_value(json_object_get(a, "owner"));
    char subject[256], message[1024], num[24], dues[32], note[128];
    long long left = (long long)((due - now + 86399) / 86400);
    snprintf(subject, sizeof subject,
             "Plan '%s': action %zu is due on %.10s", p->id, i + 1, when);
    snprintf(message, sizeof message,
             "Action %zu of plan '%s' (\"%s\") is due on %.10s, in %lld "
             "day(s), and is still %s.",
             i + 1, p->id, text ? text : "", when, left,
             status ? status : "open");
    snprintf(num, sizeof num, "%zu", i + 1);
    snprintf(dues, sizeof dues, "%lld", (long long)due);
    snprintf(note, sizeof note, "{\"action\":%zu,\"due_at\":\"%s\"}",
             i + 1, when);
    /* The action's owner is told, who may not be the plan's. */
    c->r.updated_at = now;
    mj_meta extra[] = {{"action", num}, {"due_at", dues}};
    rc = save_tell(rv, &c->r, "action.due_soon", note, "plan.action_due_soon",
                   MJ_LOG_INFO, subject, message, owner, extra, 2);
    if (rc != MJ_OK)
      break;
  }
  json_decref(actions);
  return rc;
}

/* Call fn on each of the playbook's plans that is stored open. */
typedef int (*open_plan_fn)(review *rv, const mj_plan *p, plan_copy *c,
                            int64_t now);

static int each_open_plan(review *rv, open_plan_fn fn)
{
  mj_engine *e = rv->e;
  int64_t now = mj__now(e);
  for (size_t i = 0; i < e->model->n_plans; i++) {
    const mj_plan *p = &e->model->plans[i];
    plan_copy c;
    int rc = fetch(e, p->id, &c);
    if (rc == MJ_ENOTFOUND) {
      mj__clearerr(e);
      continue; /* never opened */
    }
    if (rc == MJ_OK && strcmp(c.r.status, "open") == 0)
      rc = fn(rv, p, &c, now);
    plan_copy_free(&c);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}

static int review_one(review *rv, const mj_plan *p, plan_copy *c, int64_t now)
{
  if (!actions_done(c->r.actions))
    return flag_overdue(rv, p, c, now);
  /* The figures after the actions come from a cycle declared after the
  ** one that opened the plan, never from it or one before. */
  if (mj__cycle_after(rv->e, rv->cycle, c->r.opened_cycle))
    return verify(rv, p, c);
  mj__log(rv->e, MJ_LOG_INFO,
          "plan '%s' is verified by a cycle declared after the one that "
          "opened it (cycle %lld)",
          p->id, (long long)c->r.opened_cycle);
  return MJ_OK;
}

int mj__plans_review(mj_engine *e, int64_t cycle, const mj_cycle_decl *d,
                     const mj_figset *figs, mj_plan_event_fn emit, void *ud)
{
  review rv = {e, cycle, d, figs, emit, ud};
  return each_open_plan(&rv, review_one);
}

static int timed_one(review *rv, const mj_plan *p, plan_copy *c, int64_t now)
{
  if (actions_done(c->r.actions))
    return MJ_OK; /* the next cycle verifies it */
  int rc = tell_due_soon(rv, p, c, now);
  return rc == MJ_OK ? flag_overdue(rv, p, c, now) : rc;
}

int mj__plans_timed(mj_engine *e)
{
  review rv = {e, 0, NULL, NULL, NULL, NULL};
  return mj__outbox_ready(e) ? each_open_plan(&rv, timed_one) : MJ_OK;
}

typedef struct reopen_check {
  mj_engine *e;
  int64_t cycle;
  int may;
} reopen_check;

static int on_history(void *ud, const mj_plan_event_rec *ev)
{
  reopen_check *x = ud;
  if (ev->cycle > 0 && !mj__cycle_after(x->e, x->cycle, ev->cycle))
    x->may = 0;
  return MJ_OK;
}

int mj__plan_may_reopen(mj_engine *e, const char *id, int64_t cycle)
{
  reopen_check x = {e, cycle, 1};
  mj_error err = {0};
  if (MJ_STORE_OPS(e)->scan_plan_events(e->store->inst, id, on_history, &x,
                                        &err) != MJ_OK)
    return 0;
  return x.may;
}
