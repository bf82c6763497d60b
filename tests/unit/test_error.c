/*
** Status codes and error records: every code has a name and text, and
** locations are formatted as file:line[:col].
*/
#include <string.h>

#include "engine.h"
#include "tap.h"

int main(void)
{
  plan(8);
  is_string("EVALIDATE", mj_err_name(MJ_EVALIDATE), "name of EVALIDATE");
  is_string("validation failed", mj_strerror(MJ_EVALIDATE), "text of EVALIDATE");
  is_string("unknown status code", mj_strerror(-999), "unknown code");
  int distinct = 1;
  for (int c = -1; c >= MJ_ERUNTIME; c--)
    for (int d = c - 1; d >= MJ_ERUNTIME; d--)
      if (strcmp(mj_err_name(c), mj_err_name(d)) == 0)
        distinct = 0;
  ok(distinct, "every code has its own name");
  mj_error err = {0};
  int rc = mj__error(&err, MJ_EIO, "disk %s", "full");
  is_int(MJ_EIO, rc, "mj__error returns the code");
  is_string("disk full", err.msg, "plain message");
  va_list ap;
  (void)ap;
  mj_engine e;
  memset(&e, 0, sizeof e);
  mj__seterr_at(&e, MJ_EVALIDATE, "pb.lua", 12, 0, "unknown key '%s'", "x");
  is_string("pb.lua:12: unknown key 'x'", e.err.msg, "playbook location");
  mj__seterr_at(&e, MJ_EDATA, "r.csv", 3, 7, "not a number");
  is_string("r.csv:3:7: not a number", e.err.msg, "data row and column");
  return tap_done();
}
