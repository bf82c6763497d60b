/*
** The JSON values every report and API answer shares: times as ISO 8601
** UTC, undefined numbers as null (never NaN), stored JSON text embedded.
*/
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "util.h"

json_t *mj__json_num(double v)
{
  return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

json_t *mj__json_str(const char *s)
{
  return s ? json_string(s) : json_null();
}

json_t *mj__json_embedded(const char *text)
{
  json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
  return v ? v : json_null();
}

json_t *mj__json_time(int64_t t)
{
  if (t <= 0)
    return json_null();
  char buf[32];
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return json_string(buf);
}

/* A key that holds a time: "at", "now" and every "..._at". */
static int time_key(const char *k)
{
  size_t n = strlen(k);
  return strcmp(k, "at") == 0 || strcmp(k, "now") == 0 ||
         (n > 3 && strcmp(k + n - 3, "_at") == 0);
}

void mj__json_iso_times(json_t *v)
{
  size_t i;
  json_t *x;
  if (json_is_array(v)) {
    json_array_foreach(v, i, x) mj__json_iso_times(x);
    return;
  }
  const char *k;
  json_object_foreach(v, k, x) if (json_is_integer(x) && time_key(k))
      json_object_set_new(v, k, mj__json_time(json_integer_value(x)));
}

json_t *mj__plan_json(const mj_plan_rec *p)
{
  json_t *o = json_object();
  if (!o)
    return NULL;
  json_object_set_new(o, "id", json_string(p->id));
  json_object_set_new(o, "status", mj__json_str(p->status));
  json_object_set_new(o, "owner", mj__json_str(p->owner));
  json_object_set_new(o, "due_at", mj__json_time(p->due_at));
  json_object_set_new(o, "opened_cycle", json_integer(p->opened_cycle));
  json_object_set_new(o, "opened_at", mj__json_time(p->opened_at));
  json_object_set_new(o, "updated_at", mj__json_time(p->updated_at));
  json_object_set_new(o, "evidence", mj__json_embedded(p->evidence));
  json_t *actions = mj__json_embedded(p->actions);
  mj__json_iso_times(actions); /* stores written before times were text */
  json_object_set_new(o, "actions", actions);
  json_object_set_new(o, "note", mj__json_str(p->note));
  return o;
}
